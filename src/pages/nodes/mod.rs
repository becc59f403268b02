//! The Nodes screen: replicated nodes side by side, their links (cut / restore), mining and
//! tamper buttons, the consensus panel, the last reorg and each node's fork tree. Mining runs
//! on the main thread (a few hundred to a million hashes at the simulation's difficulties).
//! The views read [`NodesState`] (`state.rs`) and lay out the core's
//! `node::network::view` data; the network and its rules are the core's `node::network`.

pub mod pos;
pub mod state;

use blocklab_core::node::network::{node_name, MAX_NODES};
use blocklab_core::words::{err, plural};
use leptos::prelude::*;

use blocklab_core::node::network::view::{
    consensus_text, has_fork, link_rows, node_cards, reorg_text, tree_rows, NodeCard, Tamper,
    MAX_SIM_DIFFICULTY, MIN_DIFFICULTY,
};

use self::pos::state::{Mode, PosState};
use self::pos::PosLab;
use self::state::{self as nodes, NodesState};

/// The whole Nodes screen.
#[component]
pub fn NodesPage() -> impl IntoView {
    let pos = expect_context::<PosState>();
    view! {
        <div class="tx-page" data-testid="nodes-page">
            <section class="card" data-testid="nodes-mode">
                <h2>"Consensus lab"</h2>
                <div class="row" role="group" aria-label="Consensus">
                    <button type="button" data-testid="mode-pow" aria-pressed=move || (pos.mode.get() == Mode::Work).to_string()
                        on:click=move |_| pos.set_mode(Mode::Work)>"Proof of work"</button>
                    <button type="button" data-testid="mode-pos" aria-pressed=move || (pos.mode.get() == Mode::Stake).to_string()
                        on:click=move |_| pos.set_mode(Mode::Stake)>"Proof of stake"</button>
                </div>
                <p class="small">"The same idea, two ways to agree: nodes that check everything, links you can cut, tamper tools; blocks sealed by work or signed by stake. Each network keeps running while you switch."</p>
            </section>
            <Show when=move || pos.mode.get() == Mode::Stake fallback=move || view! { <PowLab /> }>
                <PosLab />
            </Show>
        </div>
    }
}

/// The proof-of-work panels.
#[component]
fn PowLab() -> impl IntoView {
    let s = expect_context::<NodesState>();
    let count = move || s.net.with(|n| n.len());
    view! {
            <section class="card">
                <h2>"Replicated nodes"</h2>
                <p class="small">
                    "Each node keeps its own copy of the chain and mempool and checks every block a peer sends before taking it. "
                    "Fork choice: the branch with the most cumulative proof of work (the sum of 2^difficulty), not the longest. "
                    {format!("Blocks need at least {MIN_DIFFICULTY} bits. This simulation lives in memory only.")}
                </p>
                <div class="row">
                    <label>{format!("Mine at (bits, {MIN_DIFFICULTY} to {MAX_SIM_DIFFICULTY}) ")}
                        <input type="number" class="narrow" data-testid="nodes-difficulty"
                            min=MIN_DIFFICULTY.to_string() max=MAX_SIM_DIFFICULTY.to_string()
                            prop:value=move || s.difficulty.get()
                            on:input=move |ev| s.difficulty.set(event_target_value(&ev)) />
                    </label>
                    <label>"Tamper with block "
                        <input type="number" class="narrow" min="1" data-testid="nodes-tamper-height"
                            prop:value=move || s.tamper_height.get()
                            on:input=move |ev| s.tamper_height.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" data-testid="nodes-add" disabled=move || { count() >= MAX_NODES }
                        on:click=move |_| nodes::add_node(s)>"Add node"</button>
                    <button type="button" data-testid="nodes-remove" disabled=move || { count() <= 1 }
                        on:click=move |_| nodes::remove_node(s)>"Remove last node"</button>
                    <span class="small" data-testid="nodes-count">{move || plural(count() as u64, "node", "nodes")}</span>
                </div>
                {move || s.message.get().map(|m| match m {
                    Ok(text) => view! { <p class="ok small" data-testid="nodes-message">{text}</p> }.into_any(),
                    Err(text) => view! { <p class="error small" role="alert" data-testid="nodes-error">{text}</p> }.into_any(),
                })}
            </section>
            <section class="card" data-testid="nodes-consensus-card">
                <h2>"Consensus"</h2>
                <p data-testid="nodes-consensus">{move || s.net.with(consensus_text)}</p>
                {move || s.net.with(|n| n.last_reorg().map(reorg_text)).map(|(head, detail)| view! {
                    <div class="banner" data-testid="nodes-reorg">
                        <p data-testid="nodes-reorg-text">{head}</p>
                        <p class="small wrap" data-testid="nodes-reorg-detail">{detail}</p>
                    </div>
                })}
            </section>
            <div class="node-grid">
                {move || s.net.with(node_cards).into_iter().map(|c| view! { <NodeCardView card=c /> }).collect_view()}
            </div>
            <section class="card" data-testid="nodes-links">
                <h2>"Links"</h2>
                <p class="small">"Cut links to split the network (a partition); restoring a link makes both ends announce their tips and fetch what they missed."</p>
                <ul class="link-list">
                    {move || s.net.with(link_rows).into_iter().map(|l| {
                        let id = format!("{}-{}", node_name(l.a), node_name(l.b));
                        let (a, b, up) = (l.a, l.b, l.up);
                        view! {
                            <li data-testid=format!("link-{id}")>
                                <strong>{l.label.clone()}</strong>" "
                                <span data-testid=format!("link-state-{id}") class=if up { "ok" } else { "error" }>{if up { "up" } else { "cut" }}</span>" "
                                <button type="button" data-testid=format!("link-toggle-{id}")
                                    on:click=move |_| nodes::set_link(s, a, b, !up)>{if up { "Cut" } else { "Restore" }}</button>
                                {l.last_rejection.map(|r| view! { <p class="small error wrap" data-testid=format!("link-rejection-{id}")>{err(r)}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" data-testid="nodes-trees">
                <h2>"Fork trees"</h2>
                <p class="small">"The blocks each node knows by height: the active chain first, side branches after (kept so a heavier one can win later)."</p>
                {move || s.net.with(|net| net.nodes().iter().enumerate().filter(|(_, n)| has_fork(n)).map(|(i, n)| {
                    let name = node_name(i);
                    let rows = tree_rows(n);
                    view! {
                        <div data-testid=format!("node-tree-{name}")>
                            <h3>{format!("Node {name}")}</h3>
                            <ul class="small amount">
                                {rows.into_iter().map(|r| view! {
                                    <li>{format!("#{}: ", r.height)}
                                        {r.blocks.into_iter().map(|(hash, parent, bits, active)| view! {
                                            <span class=if active { "ok" } else { "muted" } title=format!("parent {parent:#}")>
                                                {format!("{hash:#} ({bits} bits, {}) ", if active { "active" } else { "side" })}
                                            </span>
                                        }).collect_view()}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }
                }).collect_view())}
            </section>
    }
}

/// One node: its tip, work, mempool, validity, and its buttons.
#[component]
fn NodeCardView(
    /// What the card shows.
    card: NodeCard,
) -> impl IntoView {
    let s = expect_context::<NodesState>();
    let i = card.index;
    let name = card.name.clone();
    let t = move |what: &str| format!("node-{what}-{name}");
    let compromised = card.compromised.is_some();
    view! {
        <section class="card node-card" class:compromised=compromised data-testid=t("card")>
            <h2>{format!("Node {}", card.name)}" "
                <span class=if compromised { "error tag" } else { "ok tag" } data-testid=t("badge")>
                    {if compromised { "compromised" } else { "valid" }}
                </span>
            </h2>
            <dl class="tx-fields">
                <dt>"Height"</dt><dd data-testid=t("height")>{card.height.to_string()}</dd>
                <dt>"Tip"</dt><dd class="amount" data-testid=t("tip")>{format!("{:#}", card.tip)}</dd>
                <dt>"Total work"</dt><dd data-testid=t("work")>{card.work.to_string()}</dd>
                <dt>"Mempool"</dt><dd data-testid=t("mempool")>{card.mempool}</dd>
                <dt>"Side blocks"</dt><dd data-testid=t("side")>{card.side_blocks}</dd>
            </dl>
            {card.compromised.clone().map(|c| view! { <p class="error small wrap" data-testid=t("compromise")>{format!("Chain {c}")}</p> })}
            <div class="row">
                <button type="button" class="primary" data-testid=t("mine") on:click=move |_| nodes::mine(s, i)>"Mine on this node"</button>
                <button type="button" data-testid=t("send-tx") title="1 ETH from development account 0 to account 1 (public test keys)"
                    on:click=move |_| nodes::send_tx(s, i)>"Send 1 ETH (dev #0 → #1)"</button>
            </div>
            <div class="row">
                <button type="button" data-testid=t("tamper-edit") on:click=move |_| nodes::tamper(s, i, Tamper::Edit)>"Edit past block"</button>
                <button type="button" data-testid=t("tamper-forge") on:click=move |_| nodes::tamper(s, i, Tamper::Forge)>"Forge a tx amount"</button>
                <button type="button" data-testid=t("tamper-low") on:click=move |_| nodes::tamper(s, i, Tamper::LowDifficulty)>"Mine at low difficulty"</button>
            </div>
        </section>
    }
}
