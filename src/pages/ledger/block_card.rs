//! One block: its header fields, records, hash and verdict; editable in tamper mode.

use blocklab_core::words::{eth, plural};
use blocklab_core::{BlockProblem, Entry};
use leptos::prelude::*;

use super::hash_view::HashView;
use crate::components::use_state;
use crate::state::actions::{self, TamperField};
use crate::state::mining;
use blocklab_core::words::utc as format_utc;

/// The card of the block at `index`.
#[component]
pub fn BlockCard(
    /// Position of the block in the chain (its height when valid).
    index: usize,
) -> impl IntoView {
    let state = use_state();
    let block = Memo::new(move |_| state.with_chain(|c| c.blocks().get(index).cloned()));
    let verdict = Memo::new(move |_| state.report.with(|r| r.blocks.get(index).cloned()));
    let problems =
        move || verdict.with(|v| v.as_ref().map(|v| v.problems.clone()).unwrap_or_default());
    let valid = move || problems().is_empty();
    let hash = Signal::derive(move || {
        block.with(|b| b.as_ref().map(|b| b.hash().to_hex()).unwrap_or_default())
    });
    let prev = Signal::derive(move || {
        block.with(|b| {
            b.as_ref()
                .map(|b| b.header.prev_hash.to_hex())
                .unwrap_or_default()
        })
    });
    let root = Signal::derive(move || {
        block.with(|b| {
            b.as_ref()
                .map(|b| b.header.entries_root.to_hex())
                .unwrap_or_default()
        })
    });
    let header_field = move |f: fn(&blocklab_core::Header) -> String| {
        move || block.with(|b| b.as_ref().map(|b| f(&b.header)).unwrap_or_default())
    };
    let record_count =
        Memo::new(move |_| block.with(|b| b.as_ref().map_or(0, |b| b.entries.len())));
    let is_mining = move || state.mining.with(Option::is_some);
    let not_genesis = index != 0;
    let stats = move || {
        block.with(|b| {
            b.as_ref().and_then(|b| b.stats).map(|s| {
                let rate = s.hash_rate().map_or_else(
                    || "n/a".to_owned(),
                    |r| format!("{:.2} MH/s", r as f64 / 1e6),
                );
                let text = format!(
                    "mined in {} ms, {}, {rate}, {}",
                    s.elapsed_ms,
                    plural(s.attempts, "attempt", "attempts"),
                    plural(u64::from(s.workers), "worker", "workers")
                );
                (text, s)
            })
        })
    };

    view! {
        <article class="block" class:invalid=move || !valid() data-testid="block-card"
            data-height=index.to_string()
            data-valid=move || valid().to_string()
            data-hash=move || hash.get()>
            <header>
                <h3>{if index == 0 { "Genesis block #0".to_owned() } else { format!("Block #{index}") }}</h3>
                <span class="verdict" data-testid="block-verdict">{move || if valid() { "✔ valid" } else { "✘ invalid" }}</span>
            </header>
            <dl>
                <dt>"Hash"</dt><dd><HashView full=hash testid="block-hash" copy_testid="copy-hash" /></dd>
                <dt>"Previous"</dt><dd><HashView full=prev testid="block-prev" /></dd>
                <dt>"Records root"</dt><dd><HashView full=root testid="block-root" /></dd>
                <dt>"Time"</dt><dd data-testid="block-timestamp">{header_field(|h| format_utc(h.timestamp_ms))}</dd>
                <dt>"Difficulty"</dt><dd data-testid="block-difficulty">{header_field(|h| format!("{} bits", h.difficulty))}</dd>
                <dt>"Nonce"</dt><dd data-testid="block-nonce">{header_field(|h| h.nonce.to_string())}</dd>
            </dl>
            {move || stats().map(|(text, s)| view! {
                <p class="muted small" data-testid="block-stats" data-attempts=s.attempts.to_string() data-workers=s.workers.to_string()>{text}</p>
            })}
            <h4>{move || format!("Entries ({})", record_count.get())}</h4>
            <ul class="records">
                {move || {
                    let tamper = state.tamper.get();
                    // Rebuilt when tamper mode toggles or the record count changes, not on edits,
                    // so inputs keep focus while the user types.
                    (0..record_count.get()).map(|r| record_row(state, block, index, r, tamper)).collect_view()
                }}
            </ul>
            <ul class="problems">
                {move || problems().into_iter().map(|p| view! {
                    <li data-testid="block-problem" class=problem_class(&p)>{actions::capitalise(&p.to_string())}</li>
                }).collect_view()}
            </ul>
            <Show when=move || state.tamper.get() && not_genesis>
                <button type="button" data-testid="remine-button" disabled=is_mining
                    on:click=move |_| mining::remine(state, index)>
                    {move || format!("Re-mine block #{index}")}
                </button>
            </Show>
        </article>
    }
}

fn problem_class(p: &BlockProblem) -> &'static str {
    match p {
        BlockProblem::DescendsFromInvalid { .. } => "problem inherited",
        _ => "problem",
    }
}

fn record_row(
    state: crate::state::AppState,
    block: Memo<Option<blocklab_core::Block>>,
    index: usize,
    r: usize,
    tamper: bool,
) -> impl IntoView {
    let record = block.with_untracked(|b| {
        b.as_ref()
            .and_then(|b| b.entries.get(r))
            .and_then(|e| match e {
                Entry::Record(rec) => Some(rec.clone()),
                _ => None,
            })
    });
    let Some(rec) = record else {
        let is_tx = block.with_untracked(|b| {
            matches!(
                b.as_ref().and_then(|b| b.entries.get(r)),
                Some(Entry::Tx { .. })
            )
        });
        if tamper && is_tx {
            return tx_tamper_row(state, block, index, r).into_any();
        }
        return other_entry_row(state, block, index, r).into_any();
    };
    if !tamper {
        return view! {
            <li data-testid="block-record">
                <span class="tag" data-testid="record-tag" title="A free-text record: it moves no ETH and changes no balance">"record · moves no ETH"</span>" "
                <span class="party">{rec.sender}</span>" → "<span class="party">{rec.receiver}</span>" "
                <span class="amount">{rec.amount.to_coins()}</span>
                {(!rec.memo.is_empty()).then(|| view! { <span class="memo">{format!(" “{}”", rec.memo)}</span> })}
            </li>
        }
        .into_any();
    }
    let error = RwSignal::new(None::<String>);
    let edit = move |field: TamperField| {
        move |ev: leptos::ev::Event| {
            error.set(
                actions::tamper_record(state, index, r, field, &event_target_value(&ev)).err(),
            );
        }
    };
    view! {
        <li data-testid="block-record" class="tamper">
            <input data-testid="tamper-sender" value=rec.sender on:input=edit(TamperField::Sender) aria-label="sender" />
            <input data-testid="tamper-receiver" value=rec.receiver on:input=edit(TamperField::Receiver) aria-label="receiver" />
            <input data-testid="tamper-amount" class="narrow" value=rec.amount.to_coins() on:input=edit(TamperField::Amount) aria-label="amount" />
            <input data-testid="tamper-memo" value=rec.memo on:input=edit(TamperField::Memo) aria-label="memo" />
            {move || error.get().map(|e| view! { <span class="error">{e}</span> })}
        </li>
    }
    .into_any()
}

/// A signed transaction in tamper mode: its value is editable. The transaction is re-encoded
/// with its old signature, so the signature no longer matches the sender.
fn tx_tamper_row(
    state: crate::state::AppState,
    block: Memo<Option<blocklab_core::Block>>,
    index: usize,
    r: usize,
) -> impl IntoView {
    let value = block.with_untracked(|b| match b.as_ref().and_then(|b| b.entries.get(r)) {
        Some(Entry::Tx { raw, .. }) => raw
            .tx()
            .value_wei()
            .map(|w| w.to_coins())
            .unwrap_or_default(),
        _ => String::new(),
    });
    let summary = entry_text(state, block, index, r);
    let error = RwSignal::new(None::<String>);
    view! {
        <li data-testid="block-entry" data-kind="tx" class="tamper">
            <span>{summary}</span>
            <label class="inline">" value (ETH) "
                <input data-testid="tamper-tx-value" class="narrow" value=value aria-label="transaction value"
                    on:input=move |ev| error.set(actions::tamper_tx_value(state, index, r, &event_target_value(&ev)).err()) />
            </label>
            {move || error.get().map(|e| view! { <span class="error">{e}</span> })}
            <p class="muted small">"Changing a signed amount keeps the old signature, which then recovers another address: the block is invalid, and re-mining cannot repair it (only the sender's key can sign the new amount)."</p>
        </li>
    }
}

/// The text of an entry that is not an editable record.
fn entry_text(
    state: crate::state::AppState,
    block: Memo<Option<blocklab_core::Block>>,
    index: usize,
    r: usize,
) -> String {
    block
        .with_untracked(|b| {
            b.as_ref().and_then(|b| b.entries.get(r)).map(|e| match e {
                Entry::Record(rec) => format!(
                    "{} → {} {}",
                    rec.sender,
                    rec.receiver,
                    rec.amount.to_coins()
                ),
                Entry::Alloc { to, amount } => {
                    format!(
                        "genesis allocation: {to:#} receives {} ETH",
                        amount.to_coins()
                    )
                }
                Entry::Coinbase { to, amount } => {
                    format!(
                        "coinbase: {to:#} receives {} ETH (block reward + priority fees)",
                        amount.to_coins()
                    )
                }
                Entry::Tx { from, raw } => {
                    let to = raw
                        .tx()
                        .to()
                        .map_or_else(|| "(contract creation)".to_owned(), |a| format!("{a:#}"));
                    let value = raw
                        .tx()
                        .value_wei()
                        .map_or_else(|_| "an out-of-range value".to_owned(), eth);
                    let hash = raw.hash();
                    // The fee is known once the block is applied (valid prefix only).
                    let fee = state.with_chain_untracked(|c| {
                        c.outcome(index)
                            .and_then(|o| o.receipts.iter().find(|x| x.hash == hash))
                            .map(|x| format!(", fee {}", eth(x.cost.fee)))
                    });
                    format!(
                        "transaction {hash:#}: {from:#} → {to}, {value}{}, nonce {}",
                        fee.unwrap_or_default(),
                        raw.tx().nonce()
                    )
                }
            })
        })
        .unwrap_or_default()
}

/// A row for an entry that is not an editable record: a genesis allocation, the miner's
/// coinbase, or a signed transaction (hash, claimed sender → recipient, value, fee, nonce).
fn other_entry_row(
    state: crate::state::AppState,
    block: Memo<Option<blocklab_core::Block>>,
    index: usize,
    r: usize,
) -> impl IntoView {
    let (kind, hash) = block.with_untracked(|b| match b.as_ref().and_then(|b| b.entries.get(r)) {
        Some(Entry::Tx { raw, .. }) => ("tx", raw.hash().to_hex()),
        Some(Entry::Coinbase { .. }) => ("coinbase", String::new()),
        Some(Entry::Alloc { .. }) => ("alloc", String::new()),
        _ => ("record", String::new()),
    });
    let text = entry_text(state, block, index, r);
    view! { <li data-testid="block-entry" data-kind=kind data-hash=hash>{text}</li> }
}
