//! Panel 4: selfish mining (Eyal and Sirer 2014).

use blocklab_core::attack::{parse_alpha, parse_count, parse_gamma, selfish};
use leptos::prelude::*;

use super::chart::LineChart;
use crate::state::attacks::{fmt_p, selfish_chart};

/// Most blocks one simulation on the page may take (it runs on the main thread).
const MAX_PAGE_BLOCKS: u64 = 10_000_000;

#[component]
pub fn SelfishPanel() -> impl IntoView {
    let alpha = RwSignal::new("0.3".to_owned());
    let gamma = RwSignal::new("0.5".to_owned());
    let blocks = RwSignal::new("1000000".to_owned());
    let simulated = RwSignal::new(None::<Result<selfish::SelfishRow, String>>);
    let inputs = Memo::new(move |_| -> Result<(f64, f64, f64, f64), String> {
        let a = parse_alpha(&alpha.get()).map_err(|e| e.to_string())?;
        let g = parse_gamma(&gamma.get()).map_err(|e| e.to_string())?;
        let r = selfish::revenue(a, g).map_err(|e| e.to_string())?;
        let t = selfish::threshold_share(g).map_err(|e| e.to_string())?;
        Ok((a, g, r, t))
    });
    let simulate = move |_| {
        let result = inputs.get_untracked().and_then(|(a, g, _, _)| {
            let n = parse_count("blocks", &blocks.get_untracked(), MAX_PAGE_BLOCKS)
                .map_err(|e| e.to_string())?;
            selfish::row(a, g, n, 1).map_err(|e| e.to_string())
        });
        simulated.set(Some(result));
    };
    view! {
        <section class="card" data-testid="attack-selfish">
            <h2>"4. Selfish mining"</h2>
            <p class="small">"Eyal and Sirer (2014, \"Majority is not enough\"): a pool with share α keeps the blocks it finds secret and publishes them to orphan the others' blocks. γ is the share of honest miners that build on the pool's block when two blocks tie. Above the threshold (1 - γ)/(3 - 2γ) the pool earns more than its share."</p>
            <div class="row">
                <label>"Pool share α (0 ≤ α < 0.5) "<input class="narrow" data-testid="sf-alpha" prop:value=move || alpha.get() on:input=move |ev| { alpha.set(event_target_value(&ev)); simulated.set(None); } /></label>
                <label>"Tie-breaking γ (0 ≤ γ ≤ 1) "<input class="narrow" data-testid="sf-gamma" prop:value=move || gamma.get() on:input=move |ev| { gamma.set(event_target_value(&ev)); simulated.set(None); } /></label>
                <label>"Blocks "<input class="narrow" data-testid="sf-blocks" prop:value=move || blocks.get() on:input=move |ev| blocks.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="sf-run" disabled=move || inputs.with(Result::is_err) on:click=simulate>"Simulate"</button>
            </div>
            {move || match inputs.get() {
                Ok((a, _, r, t)) => view! {
                    <div class="columns3">
                        <div class="column"><h3>"Closed form (eq. 8)"</h3><p class="big" data-testid="sf-closed">{fmt_p(r)}</p>
                            <p class="small muted">{format!("share of main-chain blocks; honest mining would give {a}")}</p></div>
                        <div class="column"><h3>"Simulated"</h3>
                            <p class="big" data-testid="sf-sim">{move || match simulated.get() { Some(Ok(row)) => fmt_p(row.simulated), _ => "—".to_owned() }}</p>
                            {move || match simulated.get() { Some(Err(e)) => Some(view! { <p class="error small" role="alert" data-testid="sf-sim-error">{e}</p> }), _ => None }}
                            <p class="small muted">"the withholding strategy's state machine, one block at a time (seed 1)"</p></div>
                        <div class="column"><h3>"Threshold"</h3><p class="big" data-testid="sf-threshold">{fmt_p(t)}</p>
                            <p class="small" data-testid="sf-verdict">{if r > a { "selfish mining pays at this α" } else { "selfish mining does not pay at this α" }}</p></div>
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
