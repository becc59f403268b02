//! The explorer's pages over the connected node (`#/explorer/node/...`): the same screen,
//! search box, links and charts as the lab chain's pages, fed by the core's
//! [`blocklab_core::explorer::node`] reads. Nothing is requested until the user connected on
//! the Network screen; each panel loads and fails on its own.

mod address;
pub mod state;

use std::time::Duration;

use blocklab_core::address::Address;
use blocklab_core::explorer::node::{
    self as nx, base_fee_points, block_rows, block_time_points, chain_name, gas_used_points,
    latest_txs, receipt_rows, sender_sentence, tx_rows, NodePage,
};
use blocklab_core::explorer::pages::{self as ex, chart_model};
use blocklab_core::rpc::explore::{NodeTx, Pool, SenderCheck};
use blocklab_core::rpc::parse_u64;
use blocklab_core::rpc::rows::eth_text;
use blocklab_core::words::{err, hex, utc};
use blocklab_core::TxHash;
use leptos::prelude::*;

use self::address::AddressPage;
use self::state::{client, load, page_visible};
use super::chart::Chart;
use super::links::{self, Source, TxLine};
use crate::pages::network::state::NetworkState;
use crate::pages::tx::Rows;
use crate::pages::wallet::use_wallet;
use crate::platform::route::ExplorerPage;

/// How often the overview asks for the head while the page is visible.
const POLL: Duration = Duration::from_secs(2);

fn problem(text: String) -> impl IntoView {
    view! { <p class="error" data-testid="node-error" role="alert">{text}</p> }
}

fn loading() -> impl IntoView {
    view! { <p class="muted" data-testid="node-loading">"Asking the node…"</p> }
}

fn block_link(n: u64) -> impl IntoView {
    links::block_link(Source::Node, n)
}

fn address_link(a: Address) -> impl IntoView {
    links::address_link(Source::Node, a)
}

fn tx_table(txs: Vec<NodeTx>, label: &'static str) -> impl IntoView {
    let lines = txs
        .into_iter()
        .map(|t| TxLine {
            hash: t.hash,
            block: t.block_number,
            from: t.from,
            to: t.to,
            value: eth_text(t.value),
        })
        .collect();
    links::tx_table(Source::Node, lines, label)
}

/// Searches the connected node for `text`; goes to the page found or says why not in `error`.
pub(super) fn search(text: String, error: RwSignal<Option<String>>, go: fn(ExplorerPage)) {
    let net = expect_context::<NetworkState>();
    let Some(url) = net.connected.get_untracked() else {
        error.set(Some(
            "Connect to a node on the Network screen first: nothing is asked of any node before."
                .to_owned(),
        ));
        return;
    };
    error.set(None);
    leptos::task::spawn_local(async move {
        let found = match client(&url) {
            Ok(c) => nx::search(&c, &text).await.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match found {
            Ok(p) => go(ExplorerPage::Node(p)),
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
}

/// The node's pages; asks to connect first when no node is connected.
#[component]
pub fn NodeExplorer(
    /// The page the route names.
    page: NodePage,
) -> impl IntoView {
    let net = expect_context::<NetworkState>();
    let wallet = use_wallet();
    move || {
        let Some(url) = net.connected.get() else {
            // A deep link after a reload: the remembered URL, connected only on a click.
            let typed = net.url.get();
            return view! {
                <section class="card" data-testid="node-not-connected">
                    <h2>"Explorer: connected node"</h2>
                    <p>"No node is connected, so nothing is asked of any node. "
                        <a href="#/network" data-testid="node-connect-link">"Connect to a JSON-RPC node on the Network screen"</a>
                        " (a local anvil, or a testnet provider's URL), then come back to browse it here."</p>
                    {(!typed.trim().is_empty()).then(|| view! {
                        <p><button type="button" class="primary" data-testid="node-connect" disabled=move || net.busy.get()
                            on:click=move |_| net.connect(wallet)>"Connect to " {typed.clone()}</button>
                            " and show this page"</p>
                    })}
                    {move || net.error.get().map(problem)}
                </section>
            }
            .into_any();
        };
        if let Err(e) = client(&url) {
            return problem(e).into_any();
        }
        let body = match page {
            NodePage::Overview => view! { <Overview url=url.clone() /> }.into_any(),
            NodePage::Block(n) => view! { <BlockPage url=url.clone() number=n /> }.into_any(),
            NodePage::Tx(h) => view! { <TxPage url=url.clone() hash=h /> }.into_any(),
            NodePage::Address(a) => view! { <AddressPage url=url.clone() address=a /> }.into_any(),
            NodePage::Pool => view! { <PoolPage url=url.clone() /> }.into_any(),
        };
        view! {
            <p class="muted small" data-testid="node-source" data-url=url.clone()>
                "Showing the node at " <code>{url.clone()}</code>
                ". It sees every block, transaction and address you look up here."
            </p>
            {body}
        }
        .into_any()
    }
}

/// The head and the latest blocks and transactions, following new blocks while visible.
#[component]
fn Overview(url: String) -> impl IntoView {
    let data = RwSignal::new(None::<Result<nx::Overview, String>>);
    let chain = RwSignal::new(None::<Result<u64, String>>);
    let busy = RwSignal::new(false);
    let refresh = {
        let url = url.clone();
        move || {
            if busy.try_get_untracked().unwrap_or(true) {
                return;
            }
            busy.set(true);
            let url = url.clone();
            leptos::task::spawn_local(async move {
                let Ok(c) = client(&url) else { return };
                let o = nx::overview(&c).await.map_err(err);
                data.try_set(Some(o));
                busy.try_set(false);
            });
        }
    };
    {
        let url = url.clone();
        load(chain, async move {
            let c = client(&url)?;
            let v = c
                .get(&blocklab_core::rpc::explore::Req::ChainId)
                .await
                .map_err(err)?;
            parse_u64(&v, "the chain id").map_err(err)
        });
    }
    refresh();
    if let Ok(h) = set_interval_with_handle(
        move || {
            if page_visible() {
                refresh();
            }
        },
        POLL,
    ) {
        on_cleanup(move || h.clear());
    }
    let blocks = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|o| o.blocks.clone())
                .unwrap_or_default()
        })
    };
    let gas = Signal::derive(move || chart_model(&gas_used_points(&blocks()), ex::gas));
    let fees = Signal::derive(move || chart_model(&base_fee_points(&blocks()), ex::gwei));
    let times = Signal::derive(move || chart_model(&block_time_points(&blocks()), ex::seconds));
    view! {
        <section class="card" data-testid="node-overview">
            <h2>"Explorer: connected node"</h2>
            <p data-testid="node-chain">{move || match chain.get() {
                None => "Chain id: asking…".to_owned(),
                Some(Ok(id)) => format!("Chain id {}", chain_name(id)),
                Some(Err(e)) => format!("Chain id unknown: {e}"),
            }}</p>
            {move || match data.get() {
                None => loading().into_any(),
                Some(Err(e)) => problem(e).into_any(),
                Some(Ok(o)) => view! {
                    <p>"Latest block: " <span data-testid="node-head" data-number=o.head.to_string()>{block_link(o.head)}</span>
                        <span class="muted small">" (follows new blocks while this page is shown)"</span></p>
                    {(!o.missing.is_empty()).then(|| problem(format!("{} could not be read: {}",
                        blocklab_core::words::plural(o.missing.len() as u64, "block", "blocks"),
                        o.missing.iter().map(|(n, e)| format!("#{n}: {e}")).collect::<Vec<_>>().join("; ")))) }
                    <h3>"Latest blocks"</h3>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Latest blocks (scrolls sideways)"><table class="explorer-table">
                        <thead><tr><th>"Number"</th><th>"Hash"</th><th>"Time (UTC)"</th><th>"Txs"</th><th>"Gas used"</th></tr></thead>
                        <tbody>
                            {o.blocks.iter().map(|b| view! {
                                <tr data-testid="node-block-row" data-number=b.number.to_string()>
                                    <td>{block_link(b.number)}</td>
                                    <td>{links::block_hash_link(Source::Node, b.hash.to_hex(), b.number)}</td>
                                    <td>{utc(b.timestamp.saturating_mul(1000))}</td>
                                    <td>{b.txs.len()}</td>
                                    <td>{b.gas_used}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <h3>"Latest transactions"</h3>
                    {
                        let txs = latest_txs(&o.blocks, 10);
                        if txs.is_empty() {
                            view! { <p class="muted">"No transactions in these blocks."</p> }.into_any()
                        } else {
                            tx_table(txs, "Latest transactions (scrolls sideways)").into_any()
                        }
                    }
                }.into_any(),
            }}
        </section>
        <section class="card charts">
            <Chart title="Gas used per block" testid="chart-gas-used" y_label="gas" model=gas format=ex::gas />
            <Chart title="Base fee per block" testid="chart-base-fee" y_label="gwei" model=fees format=ex::gwei />
            <Chart title="Block time (seconds since the parent)" testid="chart-node-block-time" y_label="seconds" model=times format=ex::seconds />
        </section>
    }
}

/// One block: every field and its transactions.
#[component]
fn BlockPage(url: String, number: u64) -> impl IntoView {
    let data = RwSignal::new(None);
    load(data, async move {
        let c = client(&url)?;
        nx::block(&c, number).await.map_err(err)
    });
    view! {
        <section class="card" data-testid="node-block" data-number=number.to_string()>
            <h2>{format!("Block #{number}")}</h2>
            <div class="row">
                {number.checked_sub(1).map(|p| view! { <a href=NodePage::Block(p).href() data-testid="node-block-prev">{format!("← #{p}")}</a> })}
                <a href=NodePage::Block(number.saturating_add(1)).href() data-testid="node-block-next">{format!("#{} →", number.saturating_add(1))}</a>
            </div>
            {move || match data.get() {
                None => loading().into_any(),
                Some(Err(e)) => problem(e).into_any(),
                Some(Ok(None)) => problem(format!("The node has no block {number} (yet).")).into_any(),
                Some(Ok(Some(b))) => {
                    let txs = match &b.txs {
                        blocklab_core::rpc::explore::BlockTxs::Full(t) => t.clone(),
                        blocklab_core::rpc::explore::BlockTxs::Hashes(_) => Vec::new(),
                    };
                    view! {
                        <div data-testid="node-block-loaded" data-hash=b.hash.to_hex()>
                            <Rows rows=block_rows(&b) prefix="node-block" />
                            <p>"Fee recipient: "{address_link(b.miner)}</p>
                            <h3>{format!("Transactions ({})", txs.len())}</h3>
                            {if txs.is_empty() {
                                view! { <p class="muted">"No transactions in this block."</p> }.into_any()
                            } else {
                                tx_table(txs, "Block transactions (scrolls sideways)").into_any()
                            }}
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// One transaction: its fields, its receipt with logs, and its sender recovered here.
#[component]
fn TxPage(url: String, hash: TxHash) -> impl IntoView {
    let data = RwSignal::new(None);
    load(data, async move {
        match client(&url) {
            Ok(c) => Ok(nx::tx(&c, hash).await),
            Err(e) => Err(e),
        }
    });
    view! {
        <section class="card" data-testid="node-tx" data-hash=hash.to_hex()>
            <h2>"Transaction"</h2>
            <p><code class="wrap">{hash.to_hex()}</code></p>
            {move || match data.get() {
                None => loading().into_any(),
                Some(Err(e)) => problem(e).into_any(),
                Some(Ok(v)) => {
                    let tx_panel = match v.tx {
                        Err(e) => problem(err(e)).into_any(),
                        Ok(None) => problem("The node knows no transaction with this hash.".to_owned()).into_any(),
                        Ok(Some(t)) => view! {
                            <div data-testid="node-tx-fields">
                                <Rows rows=tx_rows(&t) prefix="node-tx" />
                                <p>{t.block_number.map(|n| view! { "In block "{block_link(n)}"; " })}
                                    "from "{address_link(t.from)}" to "{links::optional_address(Source::Node, t.to)}</p>
                            </div>
                        }.into_any(),
                    };
                    let receipt_panel = match v.receipt {
                        Err(e) => problem(format!("Receipt: {}", err(e))).into_any(),
                        Ok(None) => view! { <p class="muted" data-testid="node-receipt-none">"No receipt yet: not mined."</p> }.into_any(),
                        Ok(Some(r)) => view! {
                            <div data-testid="node-receipt">
                                <Rows rows=receipt_rows(&r) prefix="node-receipt" />
                                {r.contract_address.map(|a| view! { <p>"Contract created: "{address_link(a)}</p> })}
                                <h4>"Logs"</h4>
                                {if r.logs.is_empty() { view! { <p class="muted">"No logs."</p> }.into_any() } else {
                                    view! { <ol class="explorer-entries" start="0">
                                        {r.logs.into_iter().map(|l| view! {
                                            <li data-testid="node-log">
                                                "emitted by "{address_link(l.address)}
                                                <dl class="tx-fields">
                                                    {l.topics.iter().enumerate().map(|(i, t)| view! {
                                                        <dt>{format!("Topic {i}")}</dt><dd><code class="wrap" data-testid="node-log-topic">{t.to_hex()}</code></dd>
                                                    }).collect_view()}
                                                    <dt>"Data"</dt><dd><code class="wrap" data-testid="node-log-data">{hex(&l.data)}</code></dd>
                                                </dl>
                                            </li>
                                        }).collect_view()}
                                    </ol> }.into_any()
                                }}
                            </div>
                        }.into_any(),
                    };
                    let raw_panel = match v.raw {
                        Err(e) => problem(format!("Raw transaction: {}", err(e))).into_any(),
                        Ok(None) => view! { <p class="muted">"The node has no raw bytes for this hash."</p> }.into_any(),
                        Ok(Some((raw, check))) => {
                            let verdict = match &check {
                                SenderCheck::Agrees(_) => "agrees",
                                SenderCheck::Differs { .. } => "differs",
                                SenderCheck::WrongHash { .. } => "wrong-hash",
                                SenderCheck::Undecodable(_) => "undecodable",
                            };
                            view! {
                                <p data-testid="node-sender-check" data-verdict=verdict
                                    class=if verdict == "agrees" { "ok" } else { "error" }>{sender_sentence(&check)}</p>
                                <code class="wrap" data-testid="node-tx-raw">{hex(&raw)}</code>
                            }.into_any()
                        }
                    };
                    view! {
                        {tx_panel}
                        <h3>"Receipt"</h3>
                        {receipt_panel}
                        <h3>"Raw transaction and sender"</h3>
                        {raw_panel}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The node's pending pool (`txpool_content`), or why it cannot be shown.
#[component]
fn PoolPage(url: String) -> impl IntoView {
    let data = RwSignal::new(None::<Result<Pool, String>>);
    load(data, async move {
        let c = client(&url)?;
        nx::pool(&c).await.map_err(|e| match e {
            blocklab_core::rpc::RpcError::Node { kind: blocklab_core::rpc::NodeErrorKind::MethodNotFound, .. } =>
                "This node does not show its pending pool: it does not offer txpool_content (geth, anvil and Erigon do; most public providers do not).".to_owned(),
            e => err(e),
        })
    });
    view! {
        <section class="card" data-testid="node-pool">
            <h2>"Pending pool"</h2>
            {move || match data.get() {
                None => loading().into_any(),
                Some(Err(e)) => view! { <p class="error" data-testid="node-pool-unavailable" role="alert">{e}</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <h3>{format!("Pending, executable ({})", p.pending.len())}</h3>
                    {if p.pending.is_empty() { view! { <p class="muted" data-testid="node-pool-empty">"None: every transaction the node knows is mined."</p> }.into_any() }
                     else { tx_table(p.pending, "Pending transactions (scrolls sideways)").into_any() }}
                    <h3>{format!("Queued, waiting for an earlier nonce ({})", p.queued.len())}</h3>
                    {if p.queued.is_empty() { view! { <p class="muted">"None."</p> }.into_any() }
                     else { tx_table(p.queued, "Queued transactions (scrolls sideways)").into_any() }}
                }.into_any(),
            }}
        </section>
    }
}
