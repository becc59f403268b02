//! Named actions of the Ledger screen (records, difficulty, validation, tamper, import and
//! export, storage choices, backup and restore). Each calls one core operation, then updates
//! signals. The other writers of the ledger signal are `mining` (a mined block), `tabs` (another
//! tab's chain, through the core's fork choice) and `sender_check` (a false stored sender).

use blocklab_core::address::Address;
use blocklab_core::backup;
use blocklab_core::node::{Node, RecordEdit};
use blocklab_core::persist::{self, KeyValueStore as _, MAX_MINING_WORKERS};
use blocklab_core::pow::Difficulty;
use blocklab_core::{Chain, Record, Wei};
use leptos::prelude::*;

use super::AppState;
use crate::platform::{clock, files, storage::LocalStore};
use crate::state::notices::Notice;

/// File name of a chain export.
pub const EXPORT_FILE_NAME: &str = "blocklab-chain.json";

/// Writes the snapshot now; a failure (quota, no storage) becomes the notice and the data
/// stays in memory.
pub fn save_now(state: AppState) {
    let result = persist::save(&LocalStore, &state.snapshot());
    state.notices.set(
        Notice::SaveError,
        result.err().map(|e| capitalise(&e.to_string())),
    );
    state.storage_usage.set(LocalStore::usage());
}

/// The user's choice for an unreadable stored value: delete the copy kept under its backup key
/// and go on with the chain in memory (saved now, over the unreadable value).
pub fn reset_unreadable(state: AppState) {
    if let Some(key) = state
        .storage_problem
        .get_untracked()
        .and_then(|p| p.backup_key)
    {
        if let Err(e) = LocalStore.remove(&key) {
            state
                .notices
                .set(Notice::General, Some(capitalise(&e.to_string())));
            return;
        }
    }
    state.storage_problem.set(None);
    state.saving_blocked.set(false);
    state.kept_backups.set(LocalStore::backup_keys());
    save_now(state);
}

/// Downloads a kept unreadable value (from the storage panel's list).
pub fn download_kept(state: AppState, key: &str) {
    let result = match LocalStore.get(key) {
        Ok(Some(raw)) => files::download_text(
            &format!("{}.txt", key.replace('.', "-")),
            "text/plain",
            &raw,
        ),
        Ok(None) => Err(format!("The storage key \"{key}\" is empty")),
        Err(e) => Err(capitalise(&e.to_string())),
    };
    if let Err(e) = result {
        state.notices.set(Notice::General, Some(e));
    }
}

/// Deletes a kept unreadable value: the user's explicit choice in the storage panel.
pub fn delete_kept(state: AppState, key: &str) {
    if let Err(e) = LocalStore.remove(key) {
        state
            .notices
            .set(Notice::General, Some(capitalise(&e.to_string())));
    }
    state.kept_backups.set(LocalStore::backup_keys());
    state.storage_usage.set(LocalStore::usage());
}

/// File name of a backup of everything.
pub const BACKUP_FILE_NAME: &str = "blocklab-backup.json";

/// Downloads one file with everything stored: the chain, pending records, mempool, settings
/// and the wallet vault (still encrypted).
pub fn download_backup(state: AppState) {
    let result = LocalStore::entries()
        .map_err(|e| capitalise(&e.to_string()))
        .and_then(|entries| {
            let text = backup::encode_backup(
                &state.snapshot(),
                entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            );
            files::download_text(BACKUP_FILE_NAME, "application/json", &text)
        });
    match result {
        Ok(()) => {
            state.notices.set(Notice::RestoreError, None);
            state.notices.set(Notice::BackupMessage, Some(
                "Backup downloaded: chain, pending records, mempool, settings and the wallet (still encrypted with its password)".into(),
            ));
        }
        Err(e) => state.notices.set(Notice::General, Some(e)),
    }
}

/// Restores a backup file: validated first (a bad file changes nothing), then written to
/// storage, then the page reloads to read it like any start.
pub fn restore_backup_text(state: AppState, text: &str) {
    state.notices.set(Notice::BackupMessage, None);
    let backup = match backup::decode_backup(text) {
        Ok(b) => b,
        Err(e) => {
            state
                .notices
                .set(Notice::RestoreError, Some(capitalise(&e.to_string())));
            return;
        }
    };
    cancel_mining(state);
    // Nothing held in memory may be saved over the restored data before the reload.
    state.saving_blocked.set(true);
    match backup::restore(&LocalStore, &backup, clock::now_ms()) {
        Ok(()) => crate::platform::route::reload_page(),
        Err(e) => {
            state.saving_blocked.set(false);
            state.notices.set(
                Notice::RestoreError,
                Some(format!("Restore stopped while writing to storage: {e}")),
            );
        }
    }
}

/// Adds a record from the form to the pending list.
///
/// Returns true when it was added (so the form can clear itself).
pub fn add_record(state: AppState, sender: &str, receiver: &str, amount: &str, memo: &str) -> bool {
    match Record::from_form(sender, receiver, amount, memo) {
        Ok(record) => {
            state.ledger.update(|l| l.add_record(record));
            state.notices.set(Notice::FormError, None);
            true
        }
        Err(e) => {
            state
                .notices
                .set(Notice::FormError, Some(capitalise(&e.to_string())));
            false
        }
    }
}

/// Removes the pending record at `index`.
pub fn remove_pending(state: AppState, index: usize) {
    state.ledger.update(|l| {
        l.remove_pending(index);
    });
}

/// Sets the difficulty from user text.
///
/// # Errors
/// The message to show next to the input; the setting is unchanged.
pub fn set_difficulty(state: AppState, text: &str) -> Result<(), String> {
    let d = Difficulty::parse(text).map_err(|e| capitalise(&e.to_string()))?;
    state.settings.update(|s| s.difficulty = d.bits());
    Ok(())
}

/// Sets how many web workers mine (`""` means one per core); takes effect on the next search.
///
/// # Errors
/// The sentence to show when `text` is not a whole number from 1 to 16.
pub fn set_workers(state: AppState, text: &str) -> Result<(), String> {
    let t = text.trim();
    let workers = if t.is_empty() {
        None
    } else {
        Some(
            t.parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_MINING_WORKERS).contains(n))
                .ok_or_else(|| {
                    format!("Workers must be a whole number from 1 to {MAX_MINING_WORKERS}")
                })?,
        )
    };
    state.settings.update(|s| s.workers = workers);
    Ok(())
}

/// Validates the whole chain and writes a summary (timed).
pub fn validate(state: AppState) {
    let start = clock::perf_ms();
    // Complete: any stored sender still taken on trust is checked first.
    super::sender_check::finish(state);
    let report = state
        .ledger
        .with_untracked(|l| l.chain().validate(l.params()));
    let ms = clock::perf_ms() - start;
    let n = report.blocks.len();
    let summary = if report.is_valid() {
        format!(
            "Chain valid: all {} checked in {ms:.1} ms",
            plural(n as u64, "block", "blocks")
        )
    } else {
        let bad = report.invalid_count();
        let first = report.first_invalid().map_or(0, |v| v.height);
        format!(
            "Chain invalid: {bad} of {} invalid, first at block #{first} (checked in {ms:.1} ms)",
            plural(n as u64, "block", "blocks")
        )
    };
    state.notices.set(Notice::ValidationSummary, Some(summary));
}

/// Which field of a record tamper mode edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TamperField {
    Sender,
    Receiver,
    Amount,
    Memo,
}

/// Edits a record of a past block in place (tamper mode). The header's entries root is
/// recomputed, as a forger would do, so the block's hash changes live.
///
/// # Errors
/// A message for an amount that does not parse; the block is unchanged.
pub fn tamper_record(
    state: AppState,
    block: usize,
    record: usize,
    field: TamperField,
    text: &str,
) -> Result<(), String> {
    let edit = match field {
        TamperField::Sender => RecordEdit::Sender(text.to_owned()),
        TamperField::Receiver => RecordEdit::Receiver(text.to_owned()),
        TamperField::Memo => RecordEdit::Memo(text.to_owned()),
        TamperField::Amount => {
            RecordEdit::Amount(Wei::parse_coins(text).map_err(|e| capitalise(&e.to_string()))?)
        }
    };
    let mut result = Ok(());
    state
        .ledger
        .update(|l| result = l.tamper_record(block, record, edit));
    state.notices.set(Notice::ValidationSummary, None);
    result.map_err(|e| capitalise(&e.to_string()))
}

/// Edits the value of a signed transaction of a past block in place (tamper mode), keeping
/// its old signature (the core's `SignedTx::from_parts`). The entries root is recomputed, so
/// the block's hash changes; the signature no longer recovers the claimed sender, which no
/// re-mining can repair.
///
/// # Errors
/// A message for an amount that does not parse; the block is unchanged.
pub fn tamper_tx_value(
    state: AppState,
    block: usize,
    entry: usize,
    text: &str,
) -> Result<(), String> {
    let value = Wei::parse_coins(text).map_err(|e| capitalise(&e.to_string()))?;
    let mut result = Ok(());
    state
        .ledger
        .update(|l| result = l.tamper_tx_value(block, entry, value));
    state.notices.set(Notice::ValidationSummary, None);
    result.map_err(|e| capitalise(&e.to_string()))
}

/// Sets who the coinbase of the next mined block pays, from user text (an address; the
/// EIP-55 checksum is checked, all lower case is accepted). Empty text is the default
/// (the wallet's first account, else development account #0: `Settings::coinbase_to`).
///
/// # Errors
/// The message to show next to the input; the setting is unchanged.
pub fn set_beneficiary(state: AppState, text: &str) -> Result<(), String> {
    let text = text.trim();
    let beneficiary = if text.is_empty() {
        None
    } else {
        Some(
            text.parse::<Address>()
                .map_err(|e| capitalise(&e.to_string()))?,
        )
    };
    state.settings.update(|s| s.beneficiary = beneficiary);
    Ok(())
}

/// Downloads the chain as a JSON file.
pub fn export_chain(state: AppState) {
    let text = state
        .ledger
        .with_untracked(|l| persist::export_chain(l.chain()));
    if let Err(e) = files::download_text(EXPORT_FILE_NAME, "application/json", &text) {
        state.notices.set(Notice::General, Some(e));
    }
}

/// Imports a chain file: it replaces the chain only when it reads and validates.
pub fn import_chain_text(state: AppState, text: &str) {
    let params = state.ledger.with_untracked(|l| *l.params());
    match persist::import_chain(text, &params) {
        Ok(chain) => {
            cancel_mining(state);
            let n = chain.len();
            let returned = replace_chain(state, chain);
            state.notices.set(Notice::ImportError, None);
            state.notices.set(
                Notice::ImportMessage,
                Some(format!(
                    "Imported a valid chain of {}{}",
                    plural(n as u64, "block", "blocks"),
                    returned_text(returned)
                )),
            );
        }
        Err(e) => {
            state.notices.set(Notice::ImportMessage, None);
            state
                .notices
                .set(Notice::ImportError, Some(capitalise(&e.to_string())));
        }
    }
}

/// Starts over with a new genesis block and no pending records.
pub fn new_chain(state: AppState) {
    cancel_mining(state);
    let returned = replace_chain(state, Chain::new(clock::now_ms()));
    state.ledger.update(Node::clear_pending);
    state.notices.set(
        Notice::ImportMessage,
        (returned > 0).then(|| format!("New chain started{}", returned_text(returned))),
    );
    state.notices.set(Notice::ImportError, None);
}

/// Drops the invalid blocks at the end of the chain so that mining goes on from its valid
/// prefix (the core's `Node::drop_invalid_blocks`): their transactions go back to the
/// mempool where still valid, their records to the pending list. Says what was dropped.
pub fn drop_invalid_blocks(state: AppState) {
    cancel_mining(state);
    let mut dropped = None;
    state.ledger.update(|l| dropped = l.drop_invalid_blocks());
    let Some(d) = dropped else {
        return;
    };
    chain_replaced(state);
    state.notices.set(Notice::General, None);
    state.notices.set(Notice::ImportError, None);
    state.notices.set(
        Notice::ImportMessage,
        Some(format!(
            "Dropped {} from #{}: {} back to the pending list{}. You can mine on the valid prefix now.",
            plural(d.blocks as u64, "invalid block", "invalid blocks"),
            d.from,
            plural(d.records as u64, "record", "records"),
            returned_text(d.returned)
        )),
    );
}

fn returned_text(returned: usize) -> String {
    match returned {
        0 => String::new(),
        n => format!(
            "; {} of the dropped blocks went back to the mempool",
            plural(n as u64, "transaction", "transactions")
        ),
    }
}

/// Replaces the chain; the transactions of the blocks it drops go back to the mempool where
/// still valid (returns how many), and those it includes leave it.
fn replace_chain(state: AppState, chain: Chain) -> usize {
    let mut returned = 0;
    state.ledger.update(|l| returned = l.replace_chain(chain));
    chain_replaced(state);
    returned
}

/// After the chain was replaced as a whole: views keyed by height are rebuilt, and what was
/// said of the old chain goes.
fn chain_replaced(state: AppState) {
    state.chain_generation.update(|g| *g += 1);
    state.notices.set(Notice::ValidationSummary, None);
    state.notices.set(Notice::LastMined, None);
}

/// Stops any running mining.
pub fn cancel_mining(state: AppState) {
    if state.mining.get_untracked().is_some() {
        state.mining_run.update(|r| *r += 1);
        super::mining::stop_miners();
        state.mining.set(None);
    }
}

/// Downloads the unreadable stored value that was found at start-up.
pub fn download_unreadable(state: AppState) {
    if let Some(p) = state.storage_problem.get_untracked() {
        if let Err(e) =
            files::download_text("blocklab-unreadable-storage.txt", "text/plain", &p.raw)
        {
            state.notices.set(Notice::General, Some(e));
        }
    }
}

/// Hides the storage banner. When saving was blocked (the backup failed) this is the user's
/// choice to start over: saving resumes and overwrites the unreadable value.
pub fn dismiss_storage_problem(state: AppState) {
    state.storage_problem.set(None);
    if state.saving_blocked.get_untracked() {
        state.saving_blocked.set(false);
    }
}

/// Kept for callers that import it from here (see [`crate::words`]).
pub use blocklab_core::words::capitalise;
use blocklab_core::words::plural;
