//! The storage card: how much of the browser's quota the app uses, and a backup of everything
//! as one file that restores on any blocklab page.

use leptos::prelude::*;

use crate::components::use_state;
use crate::platform::files;
use crate::state::actions;
use crate::state::notices::Notice;

/// Usage of the localStorage quota, backup and restore.
#[component]
pub fn StoragePanel() -> impl IntoView {
    let state = use_state();
    let on_file = move |ev: leptos::ev::Event| {
        files::on_picked_text(&ev, move |read| match read {
            Ok(text) => actions::restore_backup_text(state, &text),
            Err(e) => state.notices.set(
                Notice::RestoreError,
                Some(format!("Restore refused, nothing was changed: {e}")),
            ),
        });
    };
    view! {
        <section class="card" data-testid="storage-panel">
            <h2>"Storage"</h2>
            <p data-testid="storage-usage" data-used=move || state.storage_usage.get().used.to_string()>
                {move || format!("This browser's storage for blocklab: {} used.", state.storage_usage.get())}
            </p>
            <meter min="0" max="100" high="80" value=move || state.storage_usage.get().percent().to_string()></meter>
            <div class="row">
                <button type="button" data-testid="backup-button" on:click=move |_| actions::download_backup(state)>"Back up everything (one file)"</button>
                <label class="file">"Restore a backup: "
                    <input type="file" accept=".json,application/json" data-testid="restore-input" on:change=on_file />
                </label>
            </div>
            <Show when=move || state.kept_backups.with(|k| !k.is_empty())>
                <h3>"Stored data kept"</h3>
                <p class="muted small">"Stored values that were not loaded (unreadable, or a saved chain that lost to a newer save) were kept here, untouched. Download them to inspect; delete one only when you no longer need it."</p>
                <ul>
                    {move || state.kept_backups.get().into_iter().map(|key| {
                        let (k0, k1, k2) = (key.clone(), key.clone(), key.clone());
                        view! {
                            <li data-testid="kept-backup" data-key=k0>
                                <code>{key}</code>" "
                                <button type="button" data-testid="download-kept" on:click=move |_| actions::download_kept(state, &k1)>"Download"</button>
                                <button type="button" class="danger" data-testid="delete-kept" on:click=move |_| actions::delete_kept(state, &k2)>"Delete"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <p class="muted small">"The backup holds the chain, pending records, mempool, settings and the wallet, which stays encrypted with its password. Restoring replaces all of them, then reloads the page."</p>
            {move || state.notices.get(Notice::BackupMessage).map(|m| view! { <p class="ok" data-testid="backup-message">{m}</p> })}
            {move || state.notices.get(Notice::RestoreError).map(|e| view! { <p class="error" data-testid="restore-error" role="alert">{e}</p> })}
        </section>
    }
}
