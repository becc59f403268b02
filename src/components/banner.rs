//! The storage banner (stored data not loaded: unreadable, or a chain that lost to a newer save), the status of the stored-signature checks
//! and general notices.

use leptos::prelude::*;

use super::use_state;
use crate::state::actions;
use crate::state::notices::Notice;

/// Shows what stored data was not loaded, why, and what the user can do about it.
#[component]
pub fn StorageBanner() -> impl IntoView {
    let state = use_state();
    view! {
        <Show when=move || state.storage_problem.with(Option::is_some)>
            <div class="banner danger" data-testid="storage-banner" role="alert">
                {move || state.storage_problem.get().map(|p| {
                    let title = match p.not_loaded_blocks {
                        Some(n) => format!("Another saved chain ({n} block{}) was found but not loaded. ", if n == 1 { "" } else { "s" }),
                        None => "Your saved data could not be read. ".to_owned(),
                    };
                    let then = match (p.not_loaded_blocks, p.older_copy_loaded) {
                        (Some(_), _) => "The newest complete saved chain was loaded.",
                        (None, true) => "The last complete saved chain was loaded.",
                        (None, false) => "A new chain was started.",
                    };
                    let kept = match &p.backup_key {
                        Some(k) => format!("It was kept unchanged under the storage key \"{k}\". {then}"),
                        None => "It could not be backed up (storage is full), so nothing will be saved until you download it or start over.".to_owned(),
                    };
                    view! { <strong>{title}</strong><span>{format!("Reason: {}. ", p.message)}</span><span>{kept}</span> }
                })}
                <div class="row">
                    <button type="button" data-testid="download-unreadable" on:click=move |_| actions::download_unreadable(state)>
                        {move || if state.storage_problem.with(|p| p.as_ref().is_some_and(|p| p.not_loaded_blocks.is_some())) { "Download the chain that was not loaded" } else { "Download the unreadable data" }}
                    </button>
                    <Show when=move || state.storage_problem.with(|p| p.as_ref().is_some_and(|p| p.backup_key.is_some()))>
                        <button type="button" class="danger" data-testid="reset-unreadable" on:click=move |_| actions::reset_unreadable(state)>"Reset: delete the kept copy"</button>
                    </Show>
                    <button type="button" data-testid="dismiss-banner" on:click=move |_| actions::dismiss_storage_problem(state)>
                        {move || if state.saving_blocked.get() { "Start over and save" } else { "Dismiss (keep the copy)" }}
                    </button>
                </div>
            </div>
        </Show>
        <Show when=move || state.storage_usage.get().nearly_full()>
            <div class="banner warn" data-testid="storage-warning" role="alert">
                {move || format!(
                    "Browser storage is nearly full: {}. Download a backup or export the chain, then start a new chain to free space.",
                    state.storage_usage.get()
                )}
            </div>
        </Show>
        {move || state.sender_check.get().map(|c| view! {
            <p class="muted small status-line" data-testid="sender-check" role="status">{format!(
                "Checking the signatures of the stored chain: {} of {} transactions checked. Until then its senders are the ones storage holds.",
                c.checked, c.total)}</p>
        })}
        {move || state.notices.get(Notice::SaveError).map(|m| view! { <div class="banner warn" data-testid="notice" role="alert">{m}</div> })}
        {move || state.notices.get(Notice::General).map(|m| view! {
            <div class="banner warn" data-testid="notice" role="alert">
                {m}
                <button type="button" class="link" on:click=move |_| state.notices.set(Notice::General, None)>"dismiss"</button>
            </div>
        })}
    }
}
