//! The mempool: pending and queued transactions in the order the miner takes them.

use blocklab_core::mempool::TxStatus;
use leptos::prelude::*;

use crate::components::invalid_tip::InvalidTipWarning;
use crate::components::use_state;
use crate::state::mining;
use blocklab_core::node::describe::pool_rows;
use blocklab_core::words::{gwei, plural};

/// Every waiting transaction, updated live; a transaction leaves when a block includes it.
#[component]
pub fn MempoolView() -> impl IntoView {
    let app = use_state();
    let rows = Memo::new(move |_| {
        app.ledger
            .with(|l| pool_rows(l.mempool(), l.params().base_fee))
    });
    let is_mining = move || app.mining.with(Option::is_some);
    let tip_invalid = move || app.ledger.with(|l| l.check_tip().is_err());
    view! {
        <section class="card" id="mempool" data-testid="mempool">
            <h2>"Mempool " <span class="muted small" data-testid="mempool-count">{move || {
                plural(rows.with(Vec::len) as u64, "transaction", "transactions")
            }}</span></h2>
            <p class="muted small">
                "Signed transactions waiting for a block, in inclusion order: the highest tip first, nonce order per sender. "
                "Pending ones can be mined now; queued ones wait for a missing earlier nonce. "
                "To replace one, sign the same nonce again with both fees at least 10% higher."
            </p>
            <Show when=move || !rows.with(Vec::is_empty)
                fallback=|| view! { <p class="muted" data-testid="mempool-empty">"The mempool is empty."</p> }>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Mempool transactions (scrolls sideways)"><table class="mempool">
                    <thead><tr><th>"#"</th><th>"Hash"</th><th>"From → to"</th><th>"Value"</th><th>"Nonce"</th><th>"Tip / max fee"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|r| {
                            let status = match r.status { TxStatus::Pending => "pending", TxStatus::Queued => "queued" };
                            let (hash, hint) = (r.hash.to_hex(), r.replace_hint());
                            let title = hint.clone();
                            view! {
                                <tr data-testid="mempool-row" data-hash=hash.clone() data-status=status title=title>
                                    <td>{r.position}</td>
                                    <td><code data-testid="mempool-hash" title=hash.clone()>{short(&hash)}</code></td>
                                    <td><code data-testid="mempool-from">{r.from.to_checksum()}</code>" → "<code data-testid="mempool-to">{r.to_text()}</code></td>
                                    <td data-testid="mempool-value">{r.value_text()}</td>
                                    <td data-testid="mempool-nonce">{r.nonce}</td>
                                    <td data-testid="mempool-tip">{gwei(r.tip)}" / "{gwei(r.max_fee)}</td>
                                    <td data-testid="mempool-status">{status}
                                        <br/><span class="muted small" data-testid="mempool-replace-hint">{hint}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            </Show>
            <InvalidTipWarning />
            <div class="row">
                <button type="button" data-testid="mempool-mine" disabled=move || is_mining() || tip_invalid()
                    on:click=move |_| mining::mine_new_block(app)>
                    {move || format!("Mine block #{} now (difficulty {} bits)", app.with_chain(|c| c.len()), app.settings.with(|s| s.difficulty))}
                </button>
                <a href="#/ledger" class="small">"Difficulty and the chain: Ledger screen"</a>
            </div>
            {move || app.mining.with(Option::is_some).then(|| view! { <p class="muted small" data-testid="mempool-mining">"Mining…"</p> })}
        </section>
    }
}

/// `0x1234…abcd`.
fn short(hash: &str) -> String {
    match (hash.get(..6), hash.get(hash.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if hash.len() > 12 => format!("{a}…{b}"),
        _ => hash.to_owned(),
    }
}
