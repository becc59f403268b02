//! The one notices store: every message the app shows outside a form field (a refusal, a
//! summary, what the last action did) is a [`Notice`] kind with its text, in one signal.

use std::collections::BTreeMap;

use leptos::prelude::*;

/// Which message it is; each view shows its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Notice {
    /// The record form's refusal.
    FormError,
    /// The last validation's summary.
    ValidationSummary,
    /// Why an import was refused.
    ImportError,
    /// What an import or a new chain did.
    ImportMessage,
    /// A general message: a save that failed, a block that was refused.
    General,
    /// Why the last save failed (quota, no storage); absent after a successful save.
    SaveError,
    /// Said after a backup was downloaded.
    BackupMessage,
    /// Why a restore was refused or stopped.
    RestoreError,
    /// The last mining result, for the status line.
    LastMined,
    /// Why web workers cannot mine on this page (then the main thread does).
    WorkersUnavailable,
    /// A bug report from a miner worker: a four-lane SHA-256 hit that sha2's re-check refused
    /// (the nonce was not announced; the search went on with sha2).
    LaneBug,
}

/// The notices, by kind. Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct Notices(RwSignal<BTreeMap<Notice, String>>);

impl Notices {
    /// No notice.
    pub fn new() -> Self {
        Self(RwSignal::new(BTreeMap::new()))
    }

    /// The text of `kind`, tracked.
    pub fn get(&self, kind: Notice) -> Option<String> {
        self.0.with(|m| m.get(&kind).cloned())
    }

    /// The text of `kind`, untracked.
    pub fn get_untracked(&self, kind: Notice) -> Option<String> {
        self.0.with_untracked(|m| m.get(&kind).cloned())
    }

    /// Reads `kind` untracked.
    pub fn with_untracked<T>(&self, kind: Notice, f: impl FnOnce(&Option<String>) -> T) -> T {
        f(&self.get_untracked(kind))
    }

    /// Sets (`Some`) or clears (`None`) `kind`; views are told only when it changed.
    pub fn set(&self, kind: Notice, text: Option<String>) {
        self.0.maybe_update(|m| match text {
            Some(t) => m.insert(kind, t.clone()).as_ref() != Some(&t),
            None => m.remove(&kind).is_some(),
        });
    }
}

impl Default for Notices {
    fn default() -> Self {
        Self::new()
    }
}
