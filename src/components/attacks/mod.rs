//! The Attack lab screen (`#/attacks`): the double-spend race three ways (Nakamoto's
//! approximation, the exact value, Monte Carlo in a worker), a live race on two nodes, the
//! majority attack's expected time, selfish mining, and the proof-of-stake figures. Every
//! number comes from `blocklab_core::attack` through `state::attacks`.

mod chart;
mod live;
mod selfish;

use blocklab_core::attack::double_spend::estimate;
use leptos::prelude::*;

use crate::platform::sim_protocol::{FromSim, ToSim};
use crate::platform::sim_worker::SimWorker;
use crate::state::attacks::{
    double_spend_chart, double_spend_figures, fmt_minutes, fmt_p, majority, z_for_risk, CHART_Z_MAX,
};
use chart::LineChart;

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
            <MajorityPanel />
            <selfish::SelfishPanel />
            <StakePanel />
        </div>
    }
}

/// What the Monte Carlo column shows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct McView {
    job: u64,
    q: f64,
    z: u32,
    target: u64,
    trials: u64,
    successes: u64,
    elapsed_ms: f64,
    state: McState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum McState {
    Running,
    Done,
    Cancelled,
}

/// Most races one Monte Carlo run may be asked for.
const MAX_MC_TRIALS: u64 = 100_000_000;

#[component]
fn DoubleSpendPanel() -> impl IntoView {
    let q = RwSignal::new("0.1".to_owned());
    let z = RwSignal::new("6".to_owned());
    let risk = RwSignal::new("0.001".to_owned());
    let trials = RwSignal::new("100000".to_owned());
    let mc = RwSignal::new(None::<McView>);
    let mc_error = RwSignal::new(None::<String>);
    let worker = StoredValue::new_local(None::<SimWorker>);
    let next_job = StoredValue::new(0u64);
    let figures = Memo::new(move |_| double_spend_figures(&q.get(), &z.get()));
    let on_event = move |msg: FromSim| {
        let current = mc.get_untracked().map(|m| m.job);
        match msg {
            FromSim::Progress {
                job,
                trials,
                successes,
                elapsed_ms,
            }
            | FromSim::Done {
                job,
                trials,
                successes,
                elapsed_ms,
            } if Some(job) == current => {
                let done = trials >= mc.get_untracked().map_or(0, |m| m.target);
                mc.update(|m| {
                    if let Some(m) = m {
                        m.trials = trials;
                        m.successes = successes;
                        m.elapsed_ms = elapsed_ms;
                        if done {
                            m.state = McState::Done;
                        }
                    }
                });
            }
            FromSim::Cancelled {
                job,
                trials,
                successes,
            } if Some(job) == current => {
                mc.update(|m| {
                    if let Some(m) = m {
                        m.trials = trials;
                        m.successes = successes;
                        m.state = McState::Cancelled;
                    }
                });
            }
            FromSim::Refused { message, .. } => mc_error.set(Some(message)),
            _ => {}
        }
    };
    let run = move |_| {
        mc_error.set(None);
        let Ok((qv, zv, _, _)) = figures.get_untracked() else {
            return;
        };
        let Ok(n) =
            blocklab_core::attack::parse_count("races", &trials.get_untracked(), MAX_MC_TRIALS)
        else {
            mc_error.set(Some(format!(
                "races must be a whole number from 1 to {MAX_MC_TRIALS}"
            )));
            return;
        };
        if worker.with_value(Option::is_none) {
            match SimWorker::spawn(on_event, move |e| mc_error.set(Some(e))) {
                Ok(w) => worker.set_value(Some(w)),
                Err(e) => {
                    mc_error.set(Some(format!("the simulation cannot run here: {e}")));
                    return;
                }
            }
        }
        next_job.update_value(|j| *j += 1);
        let job = next_job.get_value();
        mc.set(Some(McView {
            job,
            q: qv,
            z: zv,
            target: n,
            trials: 0,
            successes: 0,
            elapsed_ms: 0.0,
            state: McState::Running,
        }));
        worker.with_value(|w| {
            if let Some(w) = w {
                w.send(&ToSim::Start {
                    job,
                    q: qv,
                    z: zv,
                    trials: n,
                    seed: job,
                });
            }
        });
    };
    let cancel = move |_| {
        if let Some(m) = mc.get_untracked() {
            worker.with_value(|w| {
                if let Some(w) = w {
                    w.send(&ToSim::Cancel { job: m.job })
                }
            });
        }
    };
    let running = move || mc.with(|m| m.is_some_and(|m| m.state == McState::Running));
    view! {
        <section class="card" data-testid="attack-double-spend">
            <h2>"1. Double-spend race"</h2>
            <p class="small">"A merchant waits for z confirmations; an attacker with a share q of the hash power mines a private branch from the moment he pays, and wins if it ever catches up. Nakamoto (2008, section 11) approximated the attacker's progress by a Poisson law; Rosenfeld (2014) and Grunspan and Pérez-Marco (2017) gave the exact value."</p>
            <div class="row">
                <label>"Attacker share q (0 ≤ q < 1) "
                    <input class="narrow" data-testid="ds-q" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) /></label>
                <label>"Confirmations z (0 to 10000) "
                    <input class="narrow" data-testid="ds-z" prop:value=move || z.get() on:input=move |ev| z.set(event_target_value(&ev)) /></label>
            </div>
            {move || figures.get().err().map(|e| view! { <p class="error small" role="alert" data-testid="ds-error">{e}</p> })}
            <div class="columns3">
                <div class="column">
                    <h3>"Nakamoto's approximation"</h3>
                    <p class="big" data-testid="ds-nakamoto">{move || figures.get().map(|f| fmt_p(f.2)).unwrap_or_else(|_| "—".to_owned())}</p>
                    <p class="small muted">"Poisson, λ = zq/p"</p>
                </div>
                <div class="column">
                    <h3>"Exact"</h3>
                    <p class="big" data-testid="ds-exact">{move || figures.get().map(|f| fmt_p(f.3)).unwrap_or_else(|_| "—".to_owned())}</p>
                    <p class="small muted">"I_{4pq}(z, 1/2) (Grunspan and Pérez-Marco), equal to Rosenfeld's sum"</p>
                </div>
                <div class="column" data-testid="ds-mc"
                    data-trials=move || mc.with(|m| m.map_or(0, |m| m.trials)).to_string()
                    data-elapsed-ms=move || mc.with(|m| m.map_or(0.0, |m| m.elapsed_ms)).to_string()
                    data-state=move || mc.with(|m| match m.map(|m| m.state) { None => "idle", Some(McState::Running) => "running", Some(McState::Done) => "done", Some(McState::Cancelled) => "cancelled" })>
                    <h3>"Monte Carlo"</h3>
                    {move || mc.get().map(|m| {
                        let e = estimate(m.trials, m.successes, 0.0, 0.0);
                        let rate = if m.elapsed_ms > 0.0 { m.trials as f64 / m.elapsed_ms * 1000.0 } else { 0.0 };
                        view! {
                            <p class="big" data-testid="ds-mc-estimate">{fmt_p(e.p)}</p>
                            <p class="small" data-testid="ds-mc-interval">{format!("95% interval {} to {} (q = {}, z = {})", fmt_p(e.low), fmt_p(e.high), m.q, m.z)}</p>
                            <progress data-testid="ds-mc-progress" max=m.target.to_string() value=m.trials.to_string()></progress>
                            <p class="small" data-testid="ds-mc-status">{format!("{} of {} races, {} won by the attacker, {:.0} ms ({:.2} M races/s){}", m.trials, m.target, m.successes, m.elapsed_ms, rate / 1e6,
                                match m.state { McState::Running => ", running…", McState::Done => ", done", McState::Cancelled => ", cancelled" })}</p>
                        }
                    })}
                    <div class="row">
                        <label>"Races "<input class="narrow" data-testid="ds-trials" prop:value=move || trials.get() on:input=move |ev| trials.set(event_target_value(&ev)) /></label>
                        <button type="button" data-testid="ds-mc-run" disabled=move || running() || figures.with(Result::is_err) on:click=run>"Simulate"</button>
                        <button type="button" data-testid="ds-mc-cancel" disabled=move || !running() on:click=cancel>"Cancel"</button>
                    </div>
                    {move || mc_error.get().map(|e| view! { <p class="error small" role="alert" data-testid="ds-mc-error">{e}</p> })}
                </div>
            </div>
            <div class="row">
                <label>"Risk the merchant accepts "
                    <input class="narrow" data-testid="ds-risk" prop:value=move || risk.get() on:input=move |ev| risk.set(event_target_value(&ev)) /></label>
                {move || match z_for_risk(&q.get(), &risk.get()) {
                    Ok((exact, nakamoto)) => view! { <span data-testid="ds-risk-z">{format!("wait for z = {exact} confirmations (Nakamoto's approximation says {nakamoto})")}</span> }.into_any(),
                    Err(e) => view! { <span class="error small" data-testid="ds-risk-error">{e}</span> }.into_any(),
                }}
            </div>
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
    use blocklab_core::attack::double_spend::{exact, nakamoto, z_for_risk as zr, Formula};
    let rows = |q: f64, zs: Vec<u32>| {
        zs.into_iter().map(move |z| view! {
        <tr><td>{z}</td><td>{fmt_p(nakamoto(q, z).unwrap_or(1.0))}</td><td>{fmt_p(exact(q, z).unwrap_or(1.0))}</td></tr>
    }).collect_view()
    };
    view! {
        <h3>"Nakamoto's tables, recomputed, beside the exact values"</h3>
        <p class="small" data-testid="ds-why">"Why they differ: Nakamoto lets the attacker's progress be Poisson with the mean it would have if the honest network took exactly its expected time to find z blocks. That time is itself random; counted exactly, the attacker's blocks follow a negative binomial law, which has a heavier tail, so the true risk is higher and a merchant needs more confirmations (for q = 0.1 and a risk below 0.1%: 6, not 5)."</p>
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
                    <tr><td>{format!("{q:.2}")}</td>
                        <td>{zr(q, 0.001, Formula::Nakamoto).map_or_else(|e| e.to_string(), |z| z.to_string())}</td>
                        <td>{zr(q, 0.001, Formula::Exact).map_or_else(|e| e.to_string(), |z| z.to_string())}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn MajorityPanel() -> impl IntoView {
    let q = RwSignal::new("0.6".to_owned());
    let z = RwSignal::new("6".to_owned());
    let minutes = RwSignal::new("10".to_owned());
    view! {
        <section class="card" data-testid="attack-majority">
            <h2>"3. Majority (51%) attack"</h2>
            <p class="small">"With q above one half the attacker's branch gains on average 2q - 1 blocks per block found, so the race is always won eventually: the question is only how long it takes. Expected blocks = z/p for the merchant's confirmations, plus the attacker's remaining deficit divided by q - p."</p>
            <div class="row">
                <label>"Attacker share q (0.5 < q < 1) "<input class="narrow" data-testid="maj-q" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) /></label>
                <label>"Confirmations z "<input class="narrow" data-testid="maj-z" prop:value=move || z.get() on:input=move |ev| z.set(event_target_value(&ev)) /></label>
                <label>"Block interval (minutes) "<input class="narrow" data-testid="maj-minutes" prop:value=move || minutes.get() on:input=move |ev| minutes.set(event_target_value(&ev)) /></label>
            </div>
            {move || match majority(&q.get(), &z.get(), &minutes.get()) {
                Ok((blocks, m)) => view! {
                    <p data-testid="maj-result">"Success probability 1. Expected "<strong data-testid="maj-blocks">{format!("{blocks:.2}")}</strong>" blocks, about "<strong data-testid="maj-time">{fmt_minutes(m)}</strong>" from the payment to the double spend."</p>
                }.into_any(),
                Err(e) => view! { <p class="error small" role="alert" data-testid="maj-error">{e}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn StakePanel() -> impl IntoView {
    view! {
        <section class="card" data-testid="attack-pos">
            <h2>"5. With proof of stake"</h2>
            <p class="small">"Proof of stake comes later in this lab (issue #17); these are the published Casper FFG figures (Buterin and Griffith, 2017), beside the proof-of-work ones above. A live proof-of-stake race will come with it."</p>
            <table class="explorer-table" data-testid="pos-table">
                <thead><tr><th>"Attack"</th><th>"Proof of work (hash power)"</th><th>"Proof of stake, Casper FFG (stake)"</th></tr></thead>
                <tbody>
                    <tr><td>"Stop finality / confirmations"</td><td>"more than 1/2 can orphan every honest block"</td><td data-testid="pos-liveness">"1/3 of the stake can stop finality"</td></tr>
                    <tr><td>"Rewrite confirmed history"</td><td>"more than 1/2 wins any race eventually; less than 1/2 wins with the probability above"</td><td data-testid="pos-conflict">"2/3 of the stake to finalize a conflicting branch"</td></tr>
                    <tr><td>"Cost of reverting a final block"</td><td>"the electricity of the blocks re-mined; the hardware is kept"</td><td data-testid="pos-slashed">"at least 1/3 of the total stake is slashed (destroyed)"</td></tr>
                    <tr><td>"Profit from withholding"</td><td>"selfish mining pays above (1 - γ)/(3 - 2γ) of the hash power"</td><td>"no block race: finality is by votes"</td></tr>
                </tbody>
            </table>
        </section>
    }
}
