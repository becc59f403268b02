//! The explorer's mempool page: the core's inclusion order, linked.

use blocklab_core::mempool::TxStatus;
use leptos::prelude::*;

use super::{optional_address, tx_link};
use crate::components::use_state;
use blocklab_core::node::describe::pool_rows;
use blocklab_core::words::gwei;

/// The mempool in inclusion order, linked.
#[component]
pub(super) fn MempoolPage() -> impl IntoView {
    let app = use_state();
    let rows = Memo::new(move |_| {
        app.ledger
            .with(|l| pool_rows(l.mempool(), l.params().base_fee))
    });
    view! {
        <section class="card" data-testid="explorer-mempool">
            <h2>"Mempool"</h2>
            <p class="muted small">"In inclusion order: pending transactions as the miner takes them (highest tip first, nonce order per sender), then queued ones."</p>
            {move || {
                let rows = rows.get();
                if rows.is_empty() {
                    return view! { <p class="muted" data-testid="explorer-mempool-empty">"The mempool is empty."</p> }.into_any();
                }
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Mempool (scrolls sideways)"><table class="explorer-table">
                        <thead><tr><th>"#"</th><th>"Hash"</th><th>"From"</th><th>"To"</th><th>"Value"</th><th>"Nonce"</th><th>"Tip / max fee"</th><th>"Status"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let status = match r.status { TxStatus::Pending => "pending", TxStatus::Queued => "queued" };
                                view! {
                                    <tr data-testid="explorer-mempool-row" data-status=status>
                                        <td>{r.position}</td>
                                        <td>{tx_link(r.hash)}</td>
                                        <td>{optional_address(Some(r.from))}</td>
                                        <td>{optional_address(r.to)}</td>
                                        <td>{r.value_text()}</td>
                                        <td>{r.nonce}</td>
                                        <td>{gwei(r.tip)}" / "{gwei(r.max_fee)}</td>
                                        <td>{status}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}
