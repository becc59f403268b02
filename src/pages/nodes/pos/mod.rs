//! The proof-of-stake lab on the Nodes screen: the clock, the one-click experiments, the
//! nodes' checkpoints, every validator's stake and duties, the log of what nodes accepted and
//! refused, and the comparison with the proof-of-work run. Rules and rows: the core's `pos`.

mod ledger;
pub mod state;
mod tabs;

use blocklab_core::node::network::node_name;
use blocklab_core::pos::sim::EventKind;
use blocklab_core::pos::view::{compare, node_rows, summary, validator_rows, PowRun};
use leptos::prelude::*;

use self::state::{PosState, SPEEDS};
use super::state::NodesState;
use crate::pages::wallet::state::WalletState;

/// The proof-of-stake panels.
#[component]
pub fn PosLab() -> impl IntoView {
    let p = expect_context::<PosState>();
    let has_net = move || p.net.with(Option::is_some);
    view! {
        <section class="card" data-testid="pos-controls">
            <h2>"Proof of stake"</h2>
            <p class="small">
                "Validators lock stake instead of burning work. Each slot (2 s at 1x) one proposer, picked in proportion to stake from a seed every node can recompute, signs a block; "
                "a committee votes for the head it sees (fork choice: LMD-GHOST, the branch with the most attesting stake) and for the checkpoint of the epoch (8 slots by default). "
                "A checkpoint is justified by 2/3 of the stake and finalized when the next one is justified on top of it: no node ever reverts it."
            </p>
            <div class="row">
                <label>"Validators " <input type="number" class="narrow" min="1" max="256" data-testid="pos-validators"
                    prop:value=move || p.validators.get() on:input=move |ev| p.validators.set(event_target_value(&ev)) /></label>
                <label>"Nodes " <input type="number" class="narrow" min="1" max="8" data-testid="pos-nodes"
                    prop:value=move || p.nodes.get() on:input=move |ev| p.nodes.set(event_target_value(&ev)) /></label>
                <label>"Slots per epoch " <input type="number" class="narrow" min="2" max="32" data-testid="pos-epoch-slots"
                    prop:value=move || p.slots_per_epoch.get() on:input=move |ev| p.slots_per_epoch.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="pos-restart" on:click=move |_| p.restart()>"New network"</button>
                <button type="button" class="primary" data-testid="pos-play" disabled=move || !has_net()
                    on:click=move |_| p.play_or_pause()>{move || if p.playing.get() { "Pause" } else { "Run" }}</button>
                <button type="button" data-testid="pos-step" disabled=move || !has_net() || p.bridge.with(Option::is_some)
                    title=move || if p.bridge.with(Option::is_some) { "A shared network moves in step with the other tabs: use Run" } else { "" }
                    on:click=move |_| p.step_slot()>"One slot"</button>
                <label>"Speed "
                    <select data-testid="pos-speed" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { p.speed.set(v) }
                    }>
                        {SPEEDS.iter().map(|s| view! { <option value=s.to_string() selected=move || p.speed.get() == *s>{format!("{s}x")}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {move || p.message.get().map(|m| match m {
                Ok(text) => view! { <p class="ok small" data-testid="pos-message">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error small" role="alert" data-testid="pos-error">{text}</p> }.into_any(),
            })}
            <Summary />
        </section>
        <Experiments />
        <tabs::TabsCard />
        <ledger::LedgerCard />
        <NodesTable />
        <ValidatorsTable />
        <EventLog />
        <Comparison />
    }
}

#[component]
fn Summary() -> impl IntoView {
    let p = expect_context::<PosState>();
    move || {
        p.net.with(|n| n.as_ref().map(summary)).map(|s| {
        let status = if s.can_finalize {
            format!("Finality can advance: {} of {} ETH of stake online (at least 2/3)", s.online_stake, s.total_stake)
        } else {
            format!("Finality stopped: only {} of {} ETH of stake online, less than 2/3", s.online_stake, s.total_stake)
        };
        view! {
            <dl class="tx-fields">
                <dt>"Slot"</dt><dd data-testid="pos-slot">{s.slot.to_string()}</dd>
                <dt>"Epoch"</dt><dd data-testid="pos-epoch">{s.epoch.to_string()}</dd>
                <dt>"Justified (node A)"</dt><dd data-testid="pos-justified">{s.justified.epoch.to_string()}</dd>
                <dt>"Finalized (node A)"</dt><dd data-testid="pos-finalized">{s.finalized.epoch.to_string()}</dd>
            </dl>
            <p class=if s.can_finalize { "ok small" } else { "error small" } data-testid="pos-finality-status">{status}</p>
        }
    })
    }
}

#[component]
fn Experiments() -> impl IntoView {
    let p = expect_context::<PosState>();
    let wallet = use_context::<WalletState>();
    let amount = RwSignal::new("32".to_owned());
    let node_count = move || p.net.with(|n| n.as_ref().map_or(0, |n| n.nodes().len()));
    let deposit = move |_| match state::selected_account(wallet, "deposit") {
        Ok(a) => p.deposit(&a, &amount.get_untracked()),
        Err(e) => p.fail(e),
    };
    view! {
        <section class="card" data-testid="pos-experiments">
            <h2>"Try it"</h2>
            <div class="row">
                <button type="button" data-testid="pos-offline-third" on:click=move |_| p.toggle_offline_third()>
                    {move || if p.offline_third.get() { "Bring the validators back" } else { "Take more than 1/3 of the stake offline" }}</button>
                <button type="button" data-testid="pos-split" on:click=move |_| p.toggle_split()>
                    {move || if p.split.get() { "Heal the network" } else { "Split the network in two" }}</button>
            </div>
            <div class="row">
                <label>"Validator " <input type="number" class="narrow" min="0" data-testid="pos-equivocator"
                    prop:value=move || p.equivocator.get() on:input=move |ev| p.equivocator.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="pos-equivocate" on:click=move |_| p.equivocate(true)>"Make it equivocate"</button>
                <button type="button" data-testid="pos-honest" on:click=move |_| p.equivocate(false)>"Make it honest"</button>
            </div>
            <div class="row">
                {move || (0..node_count()).map(|i| view! {
                    <button type="button" data-testid=format!("pos-tamper-{}", node_name(i)) on:click=move |_| p.tamper(i)>
                        {format!("Tamper on node {}", node_name(i))}</button>
                }).collect_view()}
            </div>
            <div class="row">
                <label>"Deposit (ETH) " <input class="narrow" data-testid="pos-deposit-amount"
                    prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="pos-deposit" on:click=deposit>"Deposit from my wallet"</button>
                <label>"Exit validator " <input type="number" class="narrow" min="0" data-testid="pos-exit-index"
                    prop:value=move || p.exit_index.get() on:input=move |ev| p.exit_index.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="pos-exit" on:click=move |_| p.exit()>"Exit"</button>
            </div>
            <p class="small">"A deposit is a transaction signed by your unlocked wallet's selected account, sent to the deposit address; that account's key then signs the new validator's blocks and votes. The genesis validators are the development accounts of the public test phrase (validator #i is account #i), which also hold the ETH: deposit from an account that is not a validator yet."</p>
        </section>
    }
}

#[component]
fn NodesTable() -> impl IntoView {
    let p = expect_context::<PosState>();
    view! {
        <section class="card" data-testid="pos-nodes-card">
            <h2>"Nodes"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Proof-of-stake nodes">
                <table class="small">
                    <thead><tr><th>"Node"</th><th>"Head slot"</th><th>"Head"</th><th>"Justified"</th><th>"Finalized"</th><th>"Blocks"</th><th>"State"</th></tr></thead>
                    <tbody>
                        {move || p.net.with(|n| n.as_ref().map(node_rows).unwrap_or_default()).into_iter().map(|r| view! {
                            <tr data-testid=format!("pos-node-{}", r.name)>
                                <td>{r.name.clone()}</td>
                                <td>{r.head_slot.to_string()}</td>
                                <td class="amount">{r.head.short()}</td>
                                <td data-testid=format!("pos-node-justified-{}", r.name)>{format!("epoch {}", r.justified.epoch)}</td>
                                <td data-testid=format!("pos-node-finalized-{}", r.name)>{format!("epoch {}", r.finalized.epoch)}</td>
                                <td>{r.blocks.to_string()}</td>
                                <td class=if r.compromised { "error" } else { "ok" }>{if r.compromised { "compromised" } else { "honest" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>"Links"</h3>
            <ul class="link-list">
                {move || p.net.with(|n| n.as_ref().map(|n| n.links().iter().map(|(k, l)| (*k, l.up, l.last_rejection.clone())).collect::<Vec<_>>()).unwrap_or_default())
                    .into_iter().map(|((a, b), up, rejection)| {
                        let id = format!("{}-{}", node_name(a), node_name(b));
                        view! {
                            <li data-testid=format!("pos-link-{id}")>
                                <strong>{format!("{} - {} ", node_name(a), node_name(b))}</strong>
                                <span class=if up { "ok" } else { "error" }>{if up { "up" } else { "cut" }}</span>" "
                                <button type="button" data-testid=format!("pos-link-toggle-{id}") on:click=move |_| p.set_link(a, b, !up)>
                                    {if up { "Cut" } else { "Restore" }}</button>
                                {rejection.map(|r| view! { <p class="small error wrap" data-testid=format!("pos-link-rejection-{id}")>{r}</p> })}
                            </li>
                        }
                    }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ValidatorsTable() -> impl IntoView {
    let p = expect_context::<PosState>();
    view! {
        <section class="card" data-testid="pos-validators-card">
            <h2>"Validators (as node A sees them)"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Validators">
                <table class="small">
                    <thead><tr><th>"#"</th><th>"Address"</th><th>"Node"</th><th>"Balance"</th><th>"Effective"</th><th>"Status"</th><th>"Proposes in slot"</th><th>"Votes in slot"</th></tr></thead>
                    <tbody>
                        {move || p.net.with(|n| n.as_ref().map(validator_rows).unwrap_or_default()).into_iter().map(|r| {
                            let bad = r.status.is_trouble();
                            view! {
                                <tr data-testid=format!("pos-validator-{}", r.index)>
                                    <td>{r.index.to_string()}</td>
                                    <td class="amount">{r.address.short()}</td>
                                    <td>{r.host.clone().unwrap_or_else(|| "-".into())}</td>
                                    <td class="amount" data-testid=format!("pos-validator-balance-{}", r.index)>{format!("{} ETH", r.balance.to_coins())}</td>
                                    <td>{format!("{} ETH", r.effective)}</td>
                                    <td class=if bad { "error" } else { "ok" } data-testid=format!("pos-validator-status-{}", r.index)>{r.status.label()}</td>
                                    <td>{r.proposes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")}</td>
                                    <td>{r.votes_in.map(|s| s.to_string()).unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn EventLog() -> impl IntoView {
    let p = expect_context::<PosState>();
    view! {
        <section class="card" data-testid="pos-log">
            <h2>"What the nodes did"</h2>
            <ul class="small">
                {move || p.net.with(|n| n.as_ref().map(|n| n.events().rev().take(40).cloned().collect::<Vec<_>>()).unwrap_or_default())
                    .into_iter().map(|e| {
                        let class = match e.kind {
                            EventKind::Refused | EventKind::Slashed => "error wrap",
                            EventKind::Finalized | EventKind::Justified => "ok wrap",
                            _ => "wrap",
                        };
                        let kind = format!("{:?}", e.kind).to_lowercase();
                        view! { <li class=class data-testid=format!("pos-event-{kind}")>{format!("slot {}: {}", e.slot, e.text)}</li> }
                    }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Comparison() -> impl IntoView {
    let p = expect_context::<PosState>();
    let work = expect_context::<NodesState>();
    let rows = move || {
        let pow = work.net.with(PowRun::of);
        p.net
            .with(|n| n.as_ref().map(|n| compare(pow, n)).unwrap_or_default())
    };
    let chart = move || {
        p.net.with(|n| {
            let n = n.as_ref()?;
            let points = &n.stats.finality;
            let max_slot = n.slot().max(1) as f64;
            let max_epoch = points.last().map_or(1, |(_, e)| *e).max(1) as f64;
            let mut path = String::from("0,100");
            for (slot, epoch) in points {
                path.push_str(&format!(
                    " {:.1},{:.1}",
                    *slot as f64 / max_slot * 300.0,
                    100.0 - *epoch as f64 / max_epoch * 100.0
                ));
            }
            path.push_str(&format!(
                " 300,{:.1}",
                100.0 - points.last().map_or(0, |(_, e)| *e) as f64 / max_epoch * 100.0
            ));
            Some(path)
        })
    };
    view! {
        <section class="card" data-testid="pos-compare">
            <h2>"Proof of work and proof of stake, side by side"</h2>
            <p class="small">"Proof of work: this screen's proof-of-work network (switch above and mine). Proof of stake: this run."</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Comparison">
                <table class="small">
                    <thead><tr><th></th><th>"Proof of work"</th><th>"Proof of stake"</th></tr></thead>
                    <tbody>
                        {move || rows().into_iter().map(|r| view! {
                            <tr data-testid=format!("compare-{}", r.key)>
                                <th scope="row">{r.label}</th><td class="wrap">{r.pow}</td><td class="wrap">{r.pos}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <figure>
                <svg viewBox="0 0 300 100" class="chart" role="img" aria-label="Finalized epoch over slots" data-testid="pos-finality-chart">
                    <polyline fill="none" stroke="currentColor" stroke-width="2" points=move || chart().unwrap_or_default() />
                </svg>
                <figcaption class="small">"Finalized epoch (up) over slots (right): flat while finality is stopped."</figcaption>
            </figure>
        </section>
    }
}
