//! Panel 3: the majority (51%) attack's expected time, and panel 5: what the same attacks
//! cost in stake under Casper FFG (the core's `attack::stake`).

use blocklab_core::attack::stake::parse_stake;
use blocklab_core::words::eth;
use leptos::prelude::*;

use super::field::Field;
use super::state::{fmt_minutes, majority};

/// The 51% panel.
#[component]
pub fn MajorityPanel() -> impl IntoView {
    let q = RwSignal::new("0.6".to_owned());
    let z = RwSignal::new("6".to_owned());
    let minutes = RwSignal::new("10".to_owned());
    view! {
        <section class="card" data-testid="attack-majority">
            <h2>"3. Majority (51%) attack"</h2>
            <p class="small">"With q above one half the attacker's branch gains on average 2q - 1 blocks per block found, so the race is always won eventually: the question is only how long it takes. Expected blocks = z/p for the merchant's confirmations, plus the attacker's remaining deficit divided by q - p."</p>
            <div class="row">
                <Field label="Attacker share q (0.5 < q < 1)" testid="maj-q" value=q />
                <Field label="Confirmations z" testid="maj-z" value=z />
                <Field label="Block interval (minutes)" testid="maj-minutes" value=minutes />
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

/// The stake panel: Casper FFG's thresholds for a typed total stake, beside the hash-power
/// figures.
#[component]
pub fn StakePanel() -> impl IntoView {
    let stake = RwSignal::new("34000000".to_owned());
    let costs = Memo::new(move |_| parse_stake(&stake.get()).map_err(|e| e.to_string()));
    let figure = move |f: fn(&blocklab_core::attack::stake::StakeCosts) -> String| {
        move || costs.with(|c| c.as_ref().map_or_else(|_| "—".to_owned(), f))
    };
    view! {
        <section class="card" data-testid="attack-pos">
            <h2>"5. The same attacks in stake (Casper FFG)"</h2>
            <p class="small">"This lab has no proof-of-stake chain yet (a separate issue); these figures follow from the Casper FFG rule (Buterin and Griffith, 2017): a block is final once 2/3 of the stake has voted for its checkpoint, and two conflicting final checkpoints are only possible if at least 1/3 of the stake voted against the slashing rules, so reverting a finalized block costs at least 1/3 of all the stake, destroyed. Proof of work has no such cost: the attacker keeps his hardware."</p>
            <div class="row">
                <Field label="Total stake (coins)" testid="pos-stake" value=stake />
            </div>
            {move || costs.get().err().map(|e| view! { <p class="error small" role="alert" data-testid="pos-error">{e}</p> })}
            <table class="explorer-table" data-testid="pos-table">
                <thead><tr><th>"Attack"</th><th>"Proof of work (hash power)"</th><th>"Proof of stake, Casper FFG (stake)"</th></tr></thead>
                <tbody>
                    <tr><td>"Revert a final block"</td><td>"no block is ever final: more than 1/2 wins any race eventually (panel 3), less wins with the probability of panel 1; the cost is the electricity of the blocks re-mined"</td>
                        <td data-testid="pos-slashed">{figure(|c| format!("at least 1/3 of the total stake is slashed (destroyed): {}", eth(c.slashed_to_revert)))}</td></tr>
                    <tr><td>"Stop confirmations"</td><td>"more than 1/2 can orphan every honest block"</td>
                        <td data-testid="pos-liveness">{figure(|c| format!("more than 1/3 of the stake ({}) withholding its votes stops finality; no slashing rule is broken", eth(c.to_stop_finality)))}</td></tr>
                    <tr><td>"Finalize a branch alone"</td><td>"—"</td>
                        <td data-testid="pos-conflict">{figure(|c| format!("2/3 of the stake: {}", eth(c.to_finalize)))}</td></tr>
                    <tr><td>"Profit from withholding"</td><td>"selfish mining pays above (1 - γ)/(3 - 2γ) of the hash power (panel 4)"</td><td>"no block race: finality is by votes"</td></tr>
                </tbody>
            </table>
        </section>
    }
}
