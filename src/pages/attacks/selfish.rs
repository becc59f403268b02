//! Panel 4: selfish mining (Eyal and Sirer 2014): closed form, simulation, threshold, chart.

use leptos::prelude::*;

use super::chart::LineChart;
use super::field::Field;
use super::state::{fmt_p, selfish_chart, selfish_figures, selfish_simulated};

/// The selfish-mining panel.
#[component]
pub fn SelfishPanel() -> impl IntoView {
    let alpha = RwSignal::new("0.3".to_owned());
    let gamma = RwSignal::new("0.5".to_owned());
    let blocks = RwSignal::new("1000000".to_owned());
    let simulated = RwSignal::new(None::<Result<f64, String>>);
    let figures = Memo::new(move |_| selfish_figures(&alpha.get(), &gamma.get()));
    let simulate = move |_| {
        let result = figures
            .get_untracked()
            .and_then(|f| selfish_simulated(&f, &blocks.get_untracked()));
        simulated.set(Some(result));
    };
    let clear = Callback::new(move |()| simulated.set(None));
    view! {
        <section class="card" data-testid="attack-selfish">
            <h2>"4. Selfish mining"</h2>
            <p class="small">"Eyal and Sirer (2014, \"Majority is not enough\"): a pool with share α keeps the blocks it finds secret and publishes them to orphan the others' blocks. γ is the share of honest miners that build on the pool's block when two blocks tie. Above the threshold (1 - γ)/(3 - 2γ) the pool earns more than its share."</p>
            <div class="row">
                <Field label="Pool share α (0 ≤ α < 0.5)" testid="sf-alpha" value=alpha on_edit=clear />
                <Field label="Tie-breaking γ (0 ≤ γ ≤ 1)" testid="sf-gamma" value=gamma on_edit=clear />
                <Field label="Blocks" testid="sf-blocks" value=blocks on_edit=clear />
                <button type="button" data-testid="sf-run" disabled=move || figures.with(Result::is_err) on:click=simulate>"Simulate"</button>
            </div>
            {move || match figures.get() {
                Ok(f) => view! {
                    <div class="columns3">
                        <div class="column"><h3>"Closed form (eq. 8)"</h3><p class="big" data-testid="sf-closed">{fmt_p(f.revenue)}</p>
                            <p class="small muted">{format!("share of main-chain blocks; honest mining would give {}", f.alpha)}</p></div>
                        <div class="column"><h3>"Simulated"</h3>
                            <p class="big" data-testid="sf-sim">{move || match simulated.get() { Some(Ok(share)) => fmt_p(share), _ => "—".to_owned() }}</p>
                            {move || match simulated.get() { Some(Err(e)) => Some(view! { <p class="error small" role="alert" data-testid="sf-sim-error">{e}</p> }), _ => None }}
                            <p class="small muted">"the withholding strategy's state machine, one block at a time (seed 1)"</p></div>
                        <div class="column"><h3>"Threshold"</h3><p class="big" data-testid="sf-threshold">{fmt_p(f.threshold)}</p>
                            <p class="small" data-testid="sf-verdict">{if f.pays() { "selfish mining pays at this α" } else { "selfish mining does not pay at this α" }}</p></div>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="error small" role="alert" data-testid="sf-error">{e}</p> }.into_any(),
            }}
            <LineChart title="The pool's revenue against its share α (dashed: honest mining)" testid="sf-chart"
                x_label="pool share α" y_label="revenue" x_ends=("0".to_owned(), "0.5".to_owned()) y_ends=("0".to_owned(), "1".to_owned())
                lines=selfish_chart() />
        </section>
    }
}
