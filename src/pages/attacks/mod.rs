//! The Attack lab screen (`#/attacks`): the double-spend race three ways (Nakamoto's
//! approximation, the exact value, Monte Carlo in a worker), a live race on two nodes, the
//! majority attack's expected time, selfish mining, and the same attacks in stake. Every
//! number comes from `blocklab_core::attack`, through the view model in `state.rs`.

mod chart;
mod field;
mod live;
mod majority;
mod selfish;
pub mod state;

use blocklab_core::attack::double_spend::{exact, nakamoto, z_for_risk as z_below, Formula};
use blocklab_core::attack::{MAX_Z, MIN_RISK};
use leptos::prelude::*;

use chart::LineChart;
use field::Field;
use state::{double_spend_chart, fmt_p, z_for_risk, DoubleSpendState, McState, CHART_Z_MAX};

/// The whole screen.
#[component]
pub fn AttacksPage() -> impl IntoView {
    view! {
        <div class="tx-page attacks" data-testid="attacks-page">
            <section class="card">
                <h2>"Attack lab"</h2>
                <p class="small">"What an attacker with a share of the hash power can do, computed three ways (the published formula, a Monte Carlo simulation, a live race on two nodes), so you can see them agree. Everything runs in this tab."</p>
            </section>
            <DoubleSpendPanel />
            <live::LiveRacePanel />
            <majority::MajorityPanel />
            <selfish::SelfishPanel />
            <majority::StakePanel />
        </div>
    }
}

/// Panel 1: the formulas side by side, the Monte Carlo column, z for a risk, the chart and
/// Nakamoto's tables.
#[component]
fn DoubleSpendPanel() -> impl IntoView {
    let s = DoubleSpendState::new();
    let figures = s.figures;
    let mc = s.mc;
    let shown = move |f: fn(&state::Figures) -> f64| {
        move || figures.with(|r| r.as_ref().map_or_else(|_| "—".to_owned(), |x| fmt_p(f(x))))
    };
    view! {
        <section class="card" data-testid="attack-double-spend">
            <h2>"1. Double-spend race"</h2>
            <p class="small">"A merchant waits for z confirmations; an attacker with a share q of the hash power mines a private branch from the moment he pays, and wins if it ever catches up. Nakamoto (2008, section 11) approximated the attacker's progress by a Poisson law; Rosenfeld (2014) and Grunspan and Pérez-Marco (2017) gave the exact value."</p>
            <div class="row">
                <Field label="Attacker share q (0 ≤ q < 1)" testid="ds-q" value=s.q />
                <Field label=format!("Confirmations z (0 to {MAX_Z})") testid="ds-z" value=s.z />
            </div>
            {move || figures.get().err().map(|e| view! { <p class="error small" role="alert" data-testid="ds-error">{e}</p> })}
            <div class="columns3">
                <div class="column">
                    <h3>"Nakamoto's approximation"</h3>
                    <p class="big" data-testid="ds-nakamoto">{shown(|f| f.nakamoto)}</p>
                    <p class="small muted">"Poisson, λ = zq/p"</p>
                </div>
                <div class="column">
                    <h3>"Exact"</h3>
                    <p class="big" data-testid="ds-exact">{shown(|f| f.exact)}</p>
                    <p class="small muted">"I_{4pq}(z, 1/2) (Grunspan and Pérez-Marco), equal to Rosenfeld's sum"</p>
                </div>
                <div class="column" data-testid="ds-mc"
                    data-trials=move || mc.with(|m| m.map_or(0, |m| m.trials)).to_string()
                    data-elapsed-ms=move || mc.with(|m| m.map_or(0.0, |m| m.elapsed_ms)).to_string()
                    data-state=move || mc.with(|m| m.map_or("idle", |m| m.state.name()))>
                    <h3>"Monte Carlo"</h3>
                    {move || mc.get().map(|m| {
                        let e = m.estimate();
                        let state = match m.state { McState::Running => ", running…", McState::Done => ", done", McState::Cancelled => ", cancelled" };
                        view! {
                            <p class="big" data-testid="ds-mc-estimate">{fmt_p(e.p)}</p>
                            <p class="small" data-testid="ds-mc-interval">{format!("95% interval {} to {} (q = {}, z = {})", fmt_p(e.low), fmt_p(e.high), m.q, m.z)}</p>
                            <progress data-testid="ds-mc-progress" max=m.target.to_string() value=m.trials.to_string()></progress>
                            <p class="small" data-testid="ds-mc-status">{format!("{} of {} races, {} won by the attacker, {:.0} ms ({:.2} M races/s){state}", m.trials, m.target, m.successes, m.elapsed_ms, m.rate() / 1e6)}</p>
                        }
                    })}
                    <div class="row">
                        <Field label="Races" testid="ds-trials" value=s.trials />
                        <button type="button" data-testid="ds-mc-run" disabled=move || s.running() || figures.with(Result::is_err) on:click=move |_| s.run()>"Simulate"</button>
                        <button type="button" data-testid="ds-mc-cancel" disabled=move || !s.running() on:click=move |_| s.cancel()>"Cancel"</button>
                    </div>
                    {move || s.mc_error.get().map(|e| view! { <p class="error small" role="alert" data-testid="ds-mc-error">{e}</p> })}
                </div>
            </div>
            <div class="row">
                <Field label="Risk the merchant accepts" testid="ds-risk" value=s.risk />
                {move || match z_for_risk(&s.q.get(), &s.risk.get()) {
                    Ok((exact, nakamoto)) => view! { <span data-testid="ds-risk-z">{format!("wait for z = {exact} confirmations (Nakamoto's approximation says {nakamoto})")}</span> }.into_any(),
                    Err(e) => view! { <span class="error small" data-testid="ds-risk-error">{e}</span> }.into_any(),
                }}
            </div>
            <p class="small muted" data-testid="ds-precision">{format!("Where precision ends: probabilities are 64-bit floats. The exact column (the closed form, computed in log space) keeps about 12 significant digits down to about 1e-300; Nakamoto's sum is 1 minus a sum, so below about {MIN_RISK:e} it carries no significant digit, and a risk below {MIN_RISK:e} is refused. The Monte Carlo estimate cannot resolve probabilities below about 1 / races.")}</p>
            <LineChart title="Probability the attacker catches up, against z (log scale); dashed: Nakamoto's approximation" testid="ds-chart"
                x_label="confirmations z" y_label="probability" x_ends=("0".to_owned(), CHART_Z_MAX.to_string()) y_ends=("1e-10".to_owned(), "1".to_owned())
                lines=double_spend_chart() />
            <NakamotoTables />
        </section>
    }
}

/// Nakamoto's tables (q = 0.1 and 0.3, and his "P < 0.001" list) recomputed beside the exact
/// values.
#[component]
fn NakamotoTables() -> impl IntoView {
    let rows = |q: f64, zs: Vec<u32>| {
        zs.into_iter().map(move |z| view! {
            <tr><td>{z}</td><td>{nakamoto(q, z).map_or_else(|e| e.to_string(), fmt_p)}</td><td>{exact(q, z).map_or_else(|e| e.to_string(), fmt_p)}</td></tr>
        }).collect_view()
    };
    let z_text = |q: f64, formula: Formula| {
        z_below(q, 0.001, formula).map_or_else(|e| e.to_string(), |z| z.to_string())
    };
    view! {
        <h3>"Nakamoto's tables, recomputed, beside the exact values"</h3>
        <p class="small" data-testid="ds-why">"Why they differ: Nakamoto lets the attacker's progress be Poisson with the mean it would have if the honest network took exactly its expected time to find z blocks. That time is itself random; counted exactly, the attacker's blocks follow a negative binomial law, which has a heavier tail, so the true risk is higher and a merchant needs more confirmations (for q = 0.1 and a risk below 0.1%: "{z_text(0.1, Formula::Exact)}", not "{z_text(0.1, Formula::Nakamoto)}")."</p>
        <div class="columns3">
            <table class="explorer-table" data-testid="ds-table-q01">
                <caption>"q = 0.1"</caption>
                <thead><tr><th>"z"</th><th>"Nakamoto"</th><th>"exact"</th></tr></thead>
                <tbody>{rows(0.1, (0..=10).collect())}</tbody>
            </table>
            <table class="explorer-table" data-testid="ds-table-q03">
                <caption>"q = 0.3"</caption>
                <thead><tr><th>"z"</th><th>"Nakamoto"</th><th>"exact"</th></tr></thead>
                <tbody>{rows(0.3, (0..=50).step_by(5).collect())}</tbody>
            </table>
            <table class="explorer-table" data-testid="ds-table-risk">
                <caption>"P < 0.001"</caption>
                <thead><tr><th>"q"</th><th>"z (Nakamoto)"</th><th>"z (exact)"</th></tr></thead>
                <tbody>{[0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45].into_iter().map(|q| view! {
                    <tr><td>{format!("{q:.2}")}</td><td>{z_text(q, Formula::Nakamoto)}</td><td>{z_text(q, Formula::Exact)}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}
