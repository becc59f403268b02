//! Chain tools: validate, tamper mode, export / import, new chain.

use blocklab_core::words::plural;
use leptos::prelude::*;

use crate::components::use_state;
use crate::platform::files;
use crate::state::actions;
use crate::state::notices::Notice;

/// The tools card.
#[component]
pub fn Toolbar() -> impl IntoView {
    let state = use_state();
    let confirming = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        files::on_picked_text(&ev, move |read| match read {
            Ok(text) => actions::import_chain_text(state, &text),
            Err(e) => state
                .notices
                .set(Notice::ImportError, Some(format!("Import refused: {e}"))),
        });
    };
    view! {
        <section class="card">
            <h2>"Chain tools"</h2>
            <div class="row">
                <button type="button" data-testid="validate-button" on:click=move |_| actions::validate(state)>"Validate chain"</button>
                <label class="toggle">
                    <input type="checkbox" data-testid="tamper-toggle" prop:checked=move || state.tamper.get()
                        on:change=move |ev| state.tamper.set(event_target_checked(&ev)) />
                    " Tamper mode"
                </label>
            </div>
            {move || state.notices.get(Notice::ValidationSummary).map(|s| {
                let class = if s.starts_with("Chain valid") { "ok" } else { "error" };
                view! { <p data-testid="validation-summary" class=class>{s}</p> }
            })}
            <Show when=move || state.tamper.get()>
                <p class="muted small">"Tamper mode: edit any record in place. The block's records root and hash are recomputed as you type; "
                    "the block and every block after it turn invalid. Re-mine them in order to repair the chain. "
                    "A signed transaction's value can be edited too, but re-mining does not repair that: the old signature no longer matches the sender (it was changed after signing)."</p>
            </Show>
            <div class="row">
                <button type="button" data-testid="export-button" on:click=move |_| actions::export_chain(state)>"Export chain (JSON)"</button>
                <label class="file">"Import chain: "
                    <input type="file" accept=".json,application/json" data-testid="import-input" on:change=on_file />
                </label>
            </div>
            {move || state.notices.get(Notice::ImportError).map(|e| view! { <p class="error" data-testid="import-error" role="alert">{e}</p> })}
            {move || state.notices.get(Notice::ImportMessage).map(|m| view! { <p class="ok" data-testid="import-message">{m}</p> })}
            <div class="row">
                <button type="button" class="danger" data-testid="new-chain-button" on:click=move |_| confirming.set(true)>"New chain…"</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="confirm" role="dialog" aria-label="Start a new chain?">
                    <p>{move || format!(
                        "Start a new chain? This removes {} and {}. Export the chain first to keep it.",
                        plural(state.ledger.with(|l| l.chain().len()) as u64, "block", "blocks"),
                        plural(state.ledger.with(|l| l.pending().len()) as u64, "pending record", "pending records"))}</p>
                    <button type="button" class="danger" data-testid="confirm-new-chain"
                        on:click=move |_| { actions::new_chain(state); confirming.set(false); }>"Yes, start over"</button>
                    <button type="button" data-testid="cancel-new-chain" on:click=move |_| confirming.set(false)>"Keep my chain"</button>
                </div>
            </Show>
        </section>
    }
}
