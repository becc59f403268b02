//! The block explorer screen (`#/explorer/…`): overview, block, transaction, address and
//! mempool pages, a search box on each, and charts. The pages come as data from
//! [`blocklab_core::explorer::pages`]; these views only lay them out and link them.

mod chart;
mod links;
mod mempool;
mod node;

use blocklab_core::address::Address;
use blocklab_core::explorer::{block_times, difficulties, hash_rates};
use blocklab_core::identicon::Blockies;
use blocklab_core::{BlockHash, Height, TxHash};
use leptos::prelude::*;

use self::chart::Chart;
use self::links::{Source, TxLine};
use self::mempool::MempoolPage;
use crate::components::use_state;
use crate::pages::tx::state::Row;
use crate::pages::wallet::qr_svg;
use crate::platform::files::copy_to_clipboard;
use crate::platform::route::ExplorerPage;
use blocklab_core::explorer::node::NodePage;
use blocklab_core::explorer::pages::{
    self as ex, address_page, block_page, chart_model, overview, tx_page, EntryRow, TxRow,
};
use blocklab_core::words::utc as format_utc;
use blocklab_core::words::{err, eth, eth_or, hex};

/// The explorer screen; `page` follows the route.
#[component]
pub fn ExplorerScreen(
    /// The page the route names.
    #[prop(into)]
    page: Signal<ExplorerPage>,
) -> impl IntoView {
    let on_node = move || matches!(page.get(), ExplorerPage::Node(_));
    view! {
        <div class="explorer" data-testid="explorer">
            <div class="row explorer-bar">
                <span class="explorer-source" data-testid="explorer-source" data-source=move || if on_node() { "node" } else { "lab" }>
                    "Source: "
                    <a href=ExplorerPage::Overview.href() data-testid="explorer-source-lab" aria-current=move || (!on_node()).then_some("page")>"lab chain"</a>
                    " · "
                    <a href=NodePage::Overview.href() data-testid="explorer-source-node" aria-current=move || on_node().then_some("page")>"connected node"</a>
                </span>
                {move || if on_node() {
                    view! { <a href=NodePage::Pool.href() data-testid="explorer-nav-pool">"Pending pool"</a> }.into_any()
                } else {
                    view! {
                        <a href=ExplorerPage::Overview.href() data-testid="explorer-nav-overview">"Overview"</a>
                        <a href=ExplorerPage::Mempool.href() data-testid="explorer-nav-mempool">"Mempool"</a>
                    }.into_any()
                }}
                <SearchBox on_node=Signal::derive(on_node) />
            </div>
            {move || match page.get() {
                ExplorerPage::Overview => view! { <OverviewPage /> }.into_any(),
                ExplorerPage::Block(h) => view! { <BlockPage height=h /> }.into_any(),
                ExplorerPage::Tx(h) => view! { <TxPageView hash=h /> }.into_any(),
                ExplorerPage::Address(a) => view! { <AddressPageView address=a /> }.into_any(),
                ExplorerPage::Mempool => view! { <MempoolPage /> }.into_any(),
                ExplorerPage::Node(p) => view! { <node::NodeExplorer page=p /> }.into_any(),
                ExplorerPage::BadLink => view! {
                    <p class="error card" data-testid="explorer-not-found">"This explorer link is malformed: use the search box."</p>
                }.into_any(),
            }}
        </div>
    }
}

fn go(page: ExplorerPage) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&page.href());
    }
}

/// Search: a height, a block hash, a transaction hash or an address goes straight to its page,
/// on the lab chain or on the connected node.
#[component]
fn SearchBox(
    /// Whether the connected node is searched (else the lab chain).
    on_node: Signal<bool>,
) -> impl IntoView {
    let app = use_state();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = text.get_untracked();
        if on_node.get_untracked() {
            node::search(query, error, go);
            return;
        }
        let found = app.ledger.with_untracked(|l| {
            app.explorer
                .with_untracked(|i| ex::search(&query, l.chain(), i, l.mempool()))
        });
        match found {
            Ok(page) => {
                error.set(None);
                go(page);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="search row" on:submit=submit>
            <input data-testid="explorer-search" type="search" size="48"
                placeholder="Height, block hash, transaction hash or address"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev)) />
            <button type="submit" data-testid="explorer-search-submit">"Search"</button>
            {move || error.get().map(|e| view! { <span class="error" data-testid="explorer-search-error">{e}</span> })}
        </form>
    }
}

/// A shortened value linking to `href`, its full value on hover, and a copy button.
#[component]
fn Linked(full: String, href: String, testid: &'static str) -> impl IntoView {
    let short = match (full.get(..8), full.get(full.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if full.len() > 14 => format!("{a}…{b}"),
        _ => full.clone(),
    };
    let copy = full.clone();
    view! {
        <span class="hash">
            <a href=href data-testid=testid data-full=full.clone() title=full><code>{short}</code></a>
            <button class="copy" type="button" title="Copy the full value"
                on:click=move |_| copy_to_clipboard(&copy)>"copy"</button>
        </span>
    }
}

fn block_link(height: Height) -> impl IntoView {
    links::block_link(Source::Lab, height.0)
}

fn block_hash_link(hash: BlockHash, height: Height) -> impl IntoView {
    links::block_hash_link(Source::Lab, hash.to_hex(), height.0)
}

fn tx_link(hash: TxHash) -> impl IntoView {
    links::tx_link(Source::Lab, hash)
}

fn address_link(address: Address) -> impl IntoView {
    links::address_link(Source::Lab, address)
}

fn optional_address(a: Option<Address>) -> AnyView {
    links::optional_address(Source::Lab, a)
}

/// History lines an address page draws at first.
const HISTORY_PAGE: usize = 50;

fn tx_rows_table(rows: Vec<TxRow>) -> impl IntoView {
    let lines = rows
        .into_iter()
        .map(|t| TxLine {
            hash: t.hash,
            block: Some(t.height.0),
            from: t.from,
            to: t.to,
            value: eth_or(&t.value),
        })
        .collect();
    links::tx_table(Source::Lab, lines, "Transactions (scrolls sideways)")
}

/// Height, work, difficulty, waiting transactions, the latest blocks and transactions, and the
/// per-block charts; live as blocks are mined.
#[component]
fn OverviewPage() -> impl IntoView {
    let app = use_state();
    let data = Memo::new(move |_| {
        app.ledger.with(|l| {
            app.explorer
                .with(|i| app.report.with(|r| overview(l.chain(), i, l.mempool(), r)))
        })
    });
    let times =
        Signal::derive(move || app.with_chain(|c| chart_model(&block_times(c), ex::seconds)));
    let diffs = Signal::derive(move || app.with_chain(|c| chart_model(&difficulties(c), ex::bits)));
    let rates =
        Signal::derive(move || app.with_chain(|c| chart_model(&hash_rates(c), ex::hash_rate)));
    view! {
        <section class="card" data-testid="explorer-overview">
            <h2>"Explorer"</h2>
            {move || {
                let o = data.get();
                view! {
                    <dl class="tx-fields">
                        <dt>"Height"</dt><dd data-testid="explorer-height">{block_link(o.height)}</dd>
                        <dt>"Total work"</dt><dd data-testid="explorer-work">{format!("{} expected hashes", o.total_work)}</dd>
                        <dt>"Current difficulty"</dt><dd data-testid="explorer-difficulty">{format!("{} bits", o.difficulty)}</dd>
                        <dt>"Transactions"</dt><dd data-testid="explorer-tx-count">{o.tx_count}</dd>
                        <dt>"Waiting"</dt><dd><a href=ExplorerPage::Mempool.href() data-testid="explorer-pending">{format!("{} in the mempool", o.pending)}</a></dd>
                    </dl>
                    <h3>"Latest blocks"</h3>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Latest blocks (scrolls sideways)"><table class="explorer-table">
                        <thead><tr><th>"Height"</th><th>"Hash"</th><th>"Time"</th><th>"Txs"</th><th>"Miner"</th><th>"Verdict"</th></tr></thead>
                        <tbody>
                            {o.latest_blocks.into_iter().map(|b| view! {
                                <tr data-testid="explorer-block-row" data-height=b.height.to_string()>
                                    <td>{block_link(b.height)}</td>
                                    <td>{block_hash_link(b.hash, b.height)}</td>
                                    <td>{format_utc(b.timestamp_ms)}</td>
                                    <td>{b.tx_count}</td>
                                    <td>{optional_address(b.miner)}</td>
                                    <td>{if b.valid { "✔ valid" } else { "✘ invalid" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <h3>"Latest transactions"</h3>
                    {if o.latest_txs.is_empty() {
                        view! { <p class="muted">"No transactions mined yet."</p> }.into_any()
                    } else {
                        tx_rows_table(o.latest_txs).into_any()
                    }}
                }
            }}
        </section>
        <section class="card charts">
            <Chart title="Block time (seconds since the parent)" testid="chart-block-time" y_label="seconds" model=times format=ex::seconds />
            <Chart title="Difficulty per block" testid="chart-difficulty" y_label="bits" model=diffs format=ex::bits />
            <Chart title="Hash rate of each mined block (from its mining statistics)" testid="chart-hash-rate" y_label="hashes / s" model=rates format=ex::hash_rate />
        </section>
    }
}

fn not_found(text: String) -> AnyView {
    view! { <p class="error card" data-testid="explorer-not-found">{text}</p> }.into_any()
}

/// One block: navigation, header fields, reward and fees, its entries and verdict.
#[component]
fn BlockPage(height: Height) -> impl IntoView {
    let app = use_state();
    move || {
        let page = app.with_chain(|c| app.report.with(|r| block_page(c, r, height)));
        let Some(b) = page else {
            return not_found(format!("No block at height {height} on this chain."));
        };
        let valid = b.problems.is_empty();
        view! {
            <section class="card" data-testid="explorer-block" data-height=b.height.to_string() data-hash=b.hash.to_hex()>
                <h2>{format!("Block #{}", b.height)}</h2>
                <div class="row">
                    {b.prev.map(|p| view! { <a href=ExplorerPage::Block(p).href() data-testid="explorer-block-prev">{format!("← #{p}")}</a> })}
                    {b.next.map(|n| view! { <a href=ExplorerPage::Block(n).href() data-testid="explorer-block-next">{format!("#{n} →")}</a> })}
                </div>
                <p data-testid="explorer-block-verdict" data-valid=valid.to_string() class=if valid { "ok" } else { "error" }>
                    {if valid { "✔ valid".to_owned() } else { format!("✘ invalid: {}", b.problems.join("; ")) }}
                </p>
                <dl class="tx-fields">
                    <dt>"Hash"</dt><dd><Linked full=b.hash.to_hex() href=ExplorerPage::Block(b.height).href() testid="explorer-block-hash" /></dd>
                    <dt>"Parent"</dt><dd>{match b.prev {
                        Some(p) => block_hash_link(b.parent, p).into_any(),
                        None => view! { <code>{b.parent.to_hex()}</code>" (genesis has no parent)" }.into_any(),
                    }}</dd>
                    <dt>"Timestamp"</dt><dd data-testid="explorer-block-time">{format_utc(b.timestamp_ms)}
                        {b.since_parent_ms.map(|ms| format!(" ({} after its parent)", ex::duration(ms)))}</dd>
                    <dt>"Miner"</dt><dd data-testid="explorer-block-miner">{optional_address(b.miner)}</dd>
                    <dt>"Reward and fees"</dt><dd data-testid="explorer-block-reward">{
                        let coinbase = b.coinbase.map_or_else(|| "no coinbase".to_owned(), |c| format!("coinbase {}", eth(c)));
                        let fees = b.fees.map_or_else(|| "fees unknown (not in the valid chain)".to_owned(),
                            |(f, burned)| format!("fees paid {} (burned {})", eth(f), eth(burned)));
                        format!("{coinbase} = reward {} + tips; {fees}", eth(b.reward))
                    }</dd>
                    <dt>"Difficulty"</dt><dd data-testid="explorer-block-difficulty">{format!("{} bits", b.difficulty)}</dd>
                    <dt>"Nonce"</dt><dd data-testid="explorer-block-nonce">{b.nonce}</dd>
                    <dt>"Size"</dt><dd data-testid="explorer-block-size">{format!("{} bytes", b.size)}</dd>
                    <dt>"Transactions"</dt><dd data-testid="explorer-block-tx-count">{b.tx_count}</dd>
                    <dt>"Records root"</dt><dd><code data-testid="explorer-block-root" title=b.records_root.to_hex()>{b.records_root.to_hex()}</code></dd>
                </dl>
                <h3>"Entries"</h3>
                <ol class="explorer-entries" start="0">
                    {b.entries.into_iter().map(|e| match e {
                        EntryRow::Tx(t) => view! {
                            <li data-testid="explorer-block-entry" data-kind="tx">
                                {tx_link(t.hash)}" "{address_link(t.from)}" → "{optional_address(t.to)}" "{eth_or(&t.value)}
                            </li>
                        }.into_any(),
                        EntryRow::Coinbase { to, amount } => view! {
                            <li data-testid="explorer-block-entry" data-kind="coinbase">"coinbase: "{address_link(to)}" receives "{eth(amount)}</li>
                        }.into_any(),
                        EntryRow::Alloc { to, amount } => view! {
                            <li data-testid="explorer-block-entry" data-kind="alloc">"allocation: "{address_link(to)}" receives "{eth(amount)}</li>
                        }.into_any(),
                        EntryRow::Record { text } => view! {
                            <li data-testid="explorer-block-entry" data-kind="record">{text}</li>
                        }.into_any(),
                    }).collect_view()}
                </ol>
            </section>
        }
        .into_any()
    }
}

fn rows_view(rows: Vec<Row>, prefix: &'static str) -> impl IntoView {
    rows.into_iter()
        .map(|r| {
            view! {
                <dt>{r.label}</dt>
                <dd><code class="wrap" data-testid=format!("{prefix}-{}", r.key)>{r.value}</code></dd>
            }
        })
        .collect_view()
}

/// One transaction: status, block, parties, value and fees, every field, the signature, the
/// raw bytes and the recovered-sender check.
#[component]
fn TxPageView(hash: TxHash) -> impl IntoView {
    let app = use_state();
    move || {
        let page = app.ledger.with(|l| {
            app.explorer
                .with(|i| tx_page(l.chain(), i, l.mempool(), &hash))
        });
        let Some(t) = page else {
            return not_found(format!(
                "No transaction {} on this chain or in the mempool.",
                hash.to_hex()
            ));
        };
        let status = match t.status {
            ex::TxStatusView::Included { confirmations } => format!(
                "included, {confirmations} confirmation{}",
                if confirmations == 1 { "" } else { "s" }
            ),
            ex::TxStatusView::Invalid => {
                "invalid: its block is not part of the valid chain".to_owned()
            }
            ex::TxStatusView::Pending => "pending in the mempool".to_owned(),
            ex::TxStatusView::Queued => {
                "queued in the mempool (waiting for an earlier nonce)".to_owned()
            }
        };
        let decoded = match t.decoded {
            Ok(d) => {
                let check = d.expected.map(|e| {
                    view! { <p data-testid="explorer-tx-sender-check" data-ok=e.matches.to_string()
                    class=if e.matches { "ok" } else { "error" }>{e.text}</p> }
                });
                let recovered = match d.sender {
                    Ok(s) => view! { <p>"Recovered sender: "<code data-testid="explorer-tx-recovered">{s.address.to_checksum()}</code></p> }.into_any(),
                    Err(e) => view! { <p class="error" data-testid="explorer-tx-recovered">{err(e)}</p> }.into_any(),
                };
                view! {
                    {check}
                    {recovered}
                    <h3>"Fields"</h3>
                    <dl class="tx-fields">{rows_view(d.fields, "explorer-tx")}</dl>
                    <h3>"Signature"</h3>
                    <dl class="tx-fields">{rows_view(d.signature, "explorer-tx-sig")}{rows_view(d.hashes, "explorer-tx")}</dl>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{err(e)}</p> }.into_any(),
        };
        view! {
            <section class="card" data-testid="explorer-tx-page" data-hash=t.hash.to_hex()>
                <h2>"Transaction"</h2>
                <dl class="tx-fields">
                    <dt>"Hash"</dt><dd>{tx_link(t.hash)}</dd>
                    <dt>"Status"</dt><dd data-testid="explorer-tx-status" data-status=t.status.label()>{status}</dd>
                    <dt>"Block"</dt><dd>{match t.block {
                        Some((h, i)) => view! { {block_link(h)}{format!(" (entry {i})")} }.into_any(),
                        None => view! { <span class="muted">"not mined yet"</span> }.into_any(),
                    }}</dd>
                    <dt>"From"</dt><dd data-testid="explorer-tx-from">{address_link(t.from)}</dd>
                    <dt>"To"</dt><dd data-testid="explorer-tx-to-link">{optional_address(t.to)}</dd>
                    <dt>"Value"</dt><dd data-testid="explorer-tx-value-eth">{eth_or(&t.value)}</dd>
                    <dt>"Fee paid"</dt><dd data-testid="explorer-tx-fee">{t.fee_paid.map_or_else(|| "not paid yet".to_owned(), eth)}</dd>
                    <dt>"Nonce"</dt><dd>{t.nonce}</dd>
                </dl>
                {decoded}
                <h3>"Raw"</h3>
                <code class="wrap" data-testid="explorer-tx-raw">{hex(&t.raw)}</code>
            </section>
        }
        .into_any()
    }
}

/// One address: identicon, balance, nonce, QR code, its history with running balance, the
/// blocks it mined and its balance over time.
#[component]
fn AddressPageView(address: Address) -> impl IntoView {
    let app = use_state();
    let page = Memo::new(move |_| {
        app.ledger.with(|l| {
            app.explorer
                .with(|i| address_page(l.chain(), i, l.mempool(), &address))
        })
    });
    let balance_chart =
        Signal::derive(move || page.with(|p| chart_model(&p.balance_points, ex::eth)));
    let checksum = address.to_checksum();
    let icon = Blockies::of(&address).svg(48);
    // The QR code is drawn when first opened (it costs more than the rest of the header).
    let qr_open = RwSignal::new(false);
    let qr_text = checksum.clone();
    // A busy address has thousands of entries: the newest are drawn, the rest on request.
    let shown = RwSignal::new(HISTORY_PAGE);
    view! {
        <section class="card" data-testid="explorer-address" data-address=checksum.clone()>
            <h2 class="row"><span class="identicon" data-testid="explorer-identicon" inner_html=icon></span>"Address"</h2>
            <p><code data-testid="explorer-address-full">{checksum.clone()}</code>
                <button class="copy" type="button" on:click={let c = checksum.clone(); move |_| copy_to_clipboard(&c)}>"copy"</button></p>
            {move || {
                let limit = shown.get();
                let p = page.with(|p| ex::AddressPage {
                    history: p.history.iter().take(limit).copied().collect(),
                    balance_points: Vec::new(),
                    ..p.clone_header()
                });
                let total = page.with(|p| p.history.len());
                view! {
                    <dl class="tx-fields">
                        <dt>"Balance"</dt><dd data-testid="explorer-address-balance" data-wei=p.balance.as_wei().to_string()>{eth(p.balance)}</dd>
                        <dt>"Nonce"</dt><dd data-testid="explorer-address-nonce">{p.nonce}</dd>
                        <dt>"Waiting in the mempool"</dt><dd>{p.waiting.into_iter().map(|h| view! { {tx_link(h)}" " }).collect_view()}</dd>
                        <dt>"Blocks mined"</dt><dd data-testid="explorer-address-mined">{
                            if p.mined.is_empty() { view! { <span class="muted">"none"</span> }.into_any() }
                            else {
                                let more = p.mined.len().saturating_sub(HISTORY_PAGE);
                                view! {
                                    {format!("{} blocks: ", p.mined.len())}
                                    {p.mined.into_iter().take(HISTORY_PAGE).map(|h| view! { {block_link(h)}" " }).collect_view()}
                                    {(more > 0).then(|| format!("… and {more} older"))}
                                }.into_any()
                            }
                        }</dd>
                    </dl>
                    <h3>"History (newest first)"</h3>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="History (scrolls sideways)"><table class="explorer-table">
                        <thead><tr><th>"Block"</th><th>"Direction"</th><th>"Transaction"</th><th>"Counterparty"</th><th>"Amount"</th><th>"Fee"</th><th>"Balance after"</th></tr></thead>
                        <tbody>
                            {p.history.into_iter().map(|l| {
                                let e = l.entry;
                                view! {
                                    <tr data-testid="explorer-history-row" data-direction=e.direction.label()
                                        data-hash=e.hash.map(|h| h.to_hex()).unwrap_or_default()>
                                        <td>{block_link(l.height)}<span class="muted small">{format!(" ({} conf.)", l.confirmations)}</span></td>
                                        <td>{e.direction.label()}</td>
                                        <td>{e.hash.map(tx_link)}</td>
                                        <td>{e.counterparty.map(address_link)}</td>
                                        <td>{eth(e.amount)}</td>
                                        <td>{eth(e.fee)}</td>
                                        <td data-testid="explorer-history-balance">{eth(e.balance)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    {(total > shown.get()).then(|| view! {
                        <p class="muted small" data-testid="explorer-history-more">
                            {format!("Showing the newest {} of {total} entries. ", shown.get())}
                            <button type="button" data-testid="explorer-history-show-more"
                                on:click=move |_| shown.update(|n| *n = n.saturating_add(HISTORY_PAGE * 10))>"Show more"</button>
                        </p>
                    })}
                }
            }}
            <details on:toggle=move |_| qr_open.set(true)><summary data-testid="explorer-address-qr-toggle">"QR code"</summary>
                {move || qr_open.get().then(|| view! { <div class="qr" data-testid="explorer-address-qr" inner_html=qr_svg(&qr_text)></div> })}
            </details>
        </section>
        <section class="card charts">
            <Chart title="Balance over time" testid="chart-balance" y_label="ETH" model=balance_chart format=ex::eth />
        </section>
    }
}
