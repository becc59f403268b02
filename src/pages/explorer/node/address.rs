//! One address on the connected node: balance, nonce, code, and its transactions (Otterscan's
//! pages when the node has them, else a scan of recent blocks).

use blocklab_core::address::Address;
use blocklab_core::explorer::node as nx;
use blocklab_core::rpc::explore::NodeTx;
use blocklab_core::rpc::parse_u64;
use blocklab_core::rpc::rows::eth_text;
use blocklab_core::rpc::scan::{self, Scan, SCAN_DEPTH};
use blocklab_core::words::err;
use leptos::prelude::*;

use super::state::{client, load};
use super::{loading, problem, tx_table};

/// How the address page found its transactions.
#[derive(Debug, Clone, PartialEq)]
enum History {
    Asking,
    Ots {
        txs: Vec<NodeTx>,
        more: bool,
    },
    Scan {
        scan: Scan,
        running: bool,
        error: Option<String>,
    },
    Failed(String),
}

/// One address: balance, nonce, code, and its transactions (Otterscan, else a scan).
#[component]
pub(super) fn AddressPage(url: String, address: Address) -> impl IntoView {
    let header = RwSignal::new(None);
    {
        let url = url.clone();
        load(header, async move {
            match client(&url) {
                Ok(c) => Ok(nx::address(&c, address).await),
                Err(e) => Err(e),
            }
        });
    }
    let history = RwSignal::new(History::Asking);
    let cancel = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let Ok(c) = client(&url) else { return };
        if scan::has_ots(&c).await {
            let h = match scan::ots_history(&c, address).await {
                Ok((txs, more)) => History::Ots { txs, more },
                Err(e) => History::Failed(err(e)),
            };
            history.try_set(h);
            return;
        }
        let head = match c
            .get(&blocklab_core::rpc::explore::Req::BlockNumber)
            .await
            .and_then(|v| parse_u64(&v, "the block number"))
        {
            Ok(h) => h,
            Err(e) => {
                history.try_set(History::Failed(err(e)));
                return;
            }
        };
        let mut s = Scan::new(address, head, SCAN_DEPTH);
        history.try_set(History::Scan {
            scan: s.clone(),
            running: true,
            error: None,
        });
        let mut error = None;
        while !s.done() && !cancel.try_get_untracked().unwrap_or(true) {
            if let Err(e) = s.step(&c).await {
                error = Some(err(e));
                break;
            }
            if history
                .try_set(History::Scan {
                    scan: s.clone(),
                    running: true,
                    error: None,
                })
                .is_some()
            {
                return;
            }
        }
        history.try_set(History::Scan {
            scan: s,
            running: false,
            error,
        });
    });
    let checksum = address.to_checksum();
    view! {
        <section class="card" data-testid="node-address" data-address=checksum.clone()>
            <h2>"Address"</h2>
            <p><code class="wrap" data-testid="node-address-full">{checksum.clone()}</code></p>
            {move || match header.get() {
                None => loading().into_any(),
                Some(Err(e)) => problem(e).into_any(),
                Some(Ok(h)) => view! {
                    <dl class="tx-fields">
                        <dt>"Balance"</dt><dd>{match h.balance {
                            Ok(b) => view! { <code data-testid="node-address-balance" data-wei=b.to_string()>{eth_text(b)}</code> }.into_any(),
                            Err(e) => problem(err(e)).into_any(),
                        }}</dd>
                        <dt>"Nonce (transactions sent)"</dt><dd>{match h.nonce {
                            Ok(n) => view! { <code data-testid="node-address-nonce">{n}</code> }.into_any(),
                            Err(e) => problem(err(e)).into_any(),
                        }}</dd>
                        <dt>"Code"</dt><dd>{match h.code {
                            Ok(code) if code.is_empty() => view! { <span data-testid="node-address-code" data-size="0">"none: an account with a key"</span> }.into_any(),
                            Ok(code) => view! { <span data-testid="node-address-code" data-size=code.len().to_string()>{format!("a contract: {} of code", blocklab_core::words::plural(code.len() as u64, "byte", "bytes"))}</span> }.into_any(),
                            Err(e) => problem(err(e)).into_any(),
                        }}</dd>
                    </dl>
                }.into_any(),
            }}
            <h3>"Transactions"</h3>
            {move || match history.get() {
                History::Asking => loading().into_any(),
                History::Failed(e) => problem(e).into_any(),
                History::Ots { txs, more } => view! {
                    <div data-testid="node-history" data-method="ots">
                        <p class="small muted" data-testid="node-history-note">{format!(
                            "From the node's Otterscan index (ots_searchTransactionsBefore): the newest {}{}.",
                            blocklab_core::words::plural(txs.len() as u64, "transaction", "transactions"),
                            if more { "; older ones exist" } else { ", every one there is" })}</p>
                        {tx_table(txs, "Address transactions (scrolls sideways)")}
                    </div>
                }.into_any(),
                History::Scan { scan, running, error } => {
                    let (looked, total) = scan.progress();
                    view! {
                        <div data-testid="node-history" data-method="scan" data-running=running.to_string()>
                            <p class="small muted">"This node has no Otterscan index (ots_*), so its recent blocks are read one batch at a time."</p>
                            <progress data-testid="node-scan-progress" aria-label="Blocks scanned" max=total.to_string() value=looked.to_string()></progress>
                            {running.then(|| view! {
                                <button type="button" data-testid="node-scan-cancel" on:click=move |_| cancel.set(true)>"Cancel"</button>
                            })}
                            <p data-testid="node-scan-sentence">{scan.sentence()}</p>
                            {error.map(|e| problem(format!("The scan stopped: {e}")))}
                            {tx_table(scan.found, "Address transactions (scrolls sideways)")}
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}
