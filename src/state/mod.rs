//! The app's state: signals provided once at the root. The ledger signal changes only through
//! core operations called from [`actions`], [`mining`], [`tabs`] and [`sender_check`]. These
//! stay app-wide, not in the Ledger page: the App starts `tabs` and `sender_check`, the storage
//! banner and the transactions screen call `actions` and `mining`. Each screen's own state sits
//! beside its views in [`crate::pages`].

pub mod actions;
pub mod mining;
pub mod notices;
pub mod sender_check;
pub mod tabs;

use blocklab_core::address::Address;
use blocklab_core::chain::ChainParams;
use blocklab_core::explorer::Index;
use blocklab_core::node::Node;
use blocklab_core::persist::{self, Beneficiary, LoadOutcome, Settings, Snapshot, Usage};
use blocklab_core::state::State;
use blocklab_core::{Chain, ValidationReport};
use leptos::prelude::*;

use self::notices::{Notice, Notices};
use crate::platform::workers::WorkerStat;
use crate::platform::{clock, storage::LocalStore};

/// Progress of a running proof-of-work search.
#[derive(Debug, Clone, PartialEq)]
pub struct MiningProgress {
    /// What is being mined.
    pub target: MineTarget,
    /// Nonces tried so far.
    pub attempts: u64,
    /// Expected attempts for the difficulty (2^bits).
    pub expected: u128,
    /// Hashes per second of all workers together.
    pub hash_rate: f64,
    pub difficulty: u32,
    /// Where the search runs.
    pub backend: MiningBackend,
    /// Attempts and hash rate of each worker (one entry on the main thread).
    pub per_worker: Vec<WorkerStat>,
}

/// Where a search runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MiningBackend {
    /// Web workers are starting (they have not all said Ready yet).
    StartingWorkers { requested: u32 },
    /// This many web workers search.
    Workers { count: u32 },
    /// The main thread, in slices of a few milliseconds (no workers here).
    MainThread,
}

/// What a mining run produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MineTarget {
    /// A new block on the tip holding the first `included` pending records.
    NewBlock { included: usize },
    /// A fresh nonce for the block at `index` (tamper mode repair).
    Remine { index: usize },
}

/// Stored data that was not loaded (unreadable, or a complete chain that lost to a newer
/// save), shown to the user until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageProblem {
    pub message: String,
    /// Where the value was copied; `None` when that copy failed too.
    pub backup_key: Option<String>,
    /// The value itself, for download.
    pub raw: String,
    /// Whether a complete stored snapshot was loaded anyway (only a damaged extra copy or
    /// pointer was unreadable); otherwise a new chain was started.
    pub older_copy_loaded: bool,
    /// `Some(blocks)` when the value is a complete saved chain of that many blocks that was
    /// not loaded because a newer save was found beside it (not unreadable).
    pub not_loaded_blocks: Option<usize>,
}

impl StorageProblem {
    fn new(
        error: &persist::FormatError,
        backup_key: Option<String>,
        raw: String,
        older_copy_loaded: bool,
    ) -> Self {
        Self {
            message: error.to_string(),
            backup_key,
            raw,
            older_copy_loaded,
            not_loaded_blocks: None,
        }
    }

    fn not_loaded(blocks: usize, backup_key: Option<String>, raw: String) -> Self {
        Self {
            message: "a newer save was found beside it (a save was interrupted, or it was written over the newer format)".to_owned(),
            backup_key,
            raw,
            older_copy_loaded: true,
            not_loaded_blocks: Some(blocks),
        }
    }
}

/// Every signal of the app. Cheap to copy; provided as context by [`crate::app::App`].
#[derive(Debug, Clone, Copy)]
pub struct AppState {
    /// The ledger engine (the core's [`Node`]): chain, mempool (persisted in the snapshot and
    /// re-checked against the chain's state on load), pending records, params. Changed only
    /// through its operations, in the named actions.
    pub ledger: RwSignal<Node>,
    /// The ledger's chain revision ([`Node::revision`]): what views of the chain alone key on,
    /// so a mempool or pending-record change does not rebuild them.
    pub chain_rev: Memo<u64>,
    /// Bumped whenever the chain is replaced as a whole (import, new chain), so views keyed by
    /// height are rebuilt.
    pub chain_generation: RwSignal<u64>,
    /// The balances and nonces at the end of the chain's valid prefix (`Chain::state`).
    pub tip_state: Memo<State>,
    pub settings: RwSignal<Settings>,
    /// The first account of the wallet stored on this device, if any: who block rewards go to
    /// when no beneficiary is chosen ([`Settings::coinbase_to`]). Kept up to date by the App
    /// from the wallet's state.
    pub own_account: RwSignal<Option<Address>>,
    /// The live validation report of `chain` (`Chain::report`: the cached valid prefix, the
    /// rest checked again; the Validate button runs the full `Chain::validate`).
    pub report: Memo<ValidationReport>,
    /// The explorer's lookups over `chain` (built in memory, never stored).
    pub explorer: Memo<Index>,
    pub mining: RwSignal<Option<MiningProgress>>,
    /// Identifies the current mining run; bumping it cancels the run.
    pub mining_run: RwSignal<u64>,
    pub tamper: RwSignal<bool>,
    /// Every message outside a form field, by kind (the one notices store).
    pub notices: Notices,
    pub storage_problem: RwSignal<Option<StorageProblem>>,
    /// What the app's keys take of the storage quota (measured at start and after each save).
    pub storage_usage: RwSignal<Usage>,
    /// Keys of the unreadable values kept from earlier starts (`blocklab.backup.*`), listed in
    /// the storage panel until the user deletes them.
    pub kept_backups: RwSignal<Vec<String>>,
    /// While true nothing is written to storage (an unreadable value could not be backed up).
    pub saving_blocked: RwSignal<bool>,
    /// How far the check of the senders the stored chain was loaded with has got; `None` when
    /// none is left to check.
    pub sender_check: RwSignal<Option<sender_check::SenderCheck>>,
    /// Whether storage already holds exactly this state (it was just loaded from there), so
    /// the save effect's first run can skip writing it back.
    pub stored_is_current: bool,
}

impl AppState {
    /// Loads the snapshot from localStorage (backing up an unreadable one) and builds the
    /// signals.
    pub fn load() -> Self {
        let now = clock::now_ms();
        let mut storage_problem = None;
        let mut notice = None;
        let mut saving_blocked = false;
        let mut stored_is_current = false;
        let snapshot = match persist::load(&LocalStore, now) {
            Ok(LoadOutcome::Loaded(s)) => {
                stored_is_current = true;
                s
            }
            Ok(LoadOutcome::Empty) => Snapshot::new(now),
            Ok(LoadOutcome::Corrupt {
                error,
                backup_key,
                raw,
            }) => {
                saving_blocked = backup_key.is_none();
                storage_problem = Some(StorageProblem::new(&error, backup_key, raw, false));
                Snapshot::new(now)
            }
            Ok(LoadOutcome::Salvaged {
                snapshot,
                error,
                backup_key,
                raw,
            }) => {
                saving_blocked = backup_key.is_none();
                storage_problem = Some(StorageProblem::new(&error, backup_key, raw, true));
                snapshot
            }
            Ok(LoadOutcome::Superseded {
                snapshot,
                blocks,
                backup_key,
                raw,
            }) => {
                saving_blocked = backup_key.is_none();
                storage_problem = Some(StorageProblem::not_loaded(blocks, backup_key, raw));
                snapshot
            }
            Err(e) => {
                notice = Some(e.to_string());
                Snapshot::new(now)
            }
        };
        let mut state = Self::from_snapshot(snapshot, storage_problem, notice, saving_blocked);
        state.stored_is_current = stored_is_current;
        state.storage_usage.set(LocalStore::usage());
        state.kept_backups.set(LocalStore::backup_keys());
        state
    }

    /// Builds the signals around a snapshot (also used by browser tests).
    pub fn from_snapshot(
        snapshot: Snapshot,
        storage_problem: Option<StorageProblem>,
        notice: Option<String>,
        saving_blocked: bool,
    ) -> Self {
        let ledger = RwSignal::new(Node::from_parts(
            snapshot.chain,
            snapshot.mempool,
            snapshot.pending,
            ChainParams::default(),
        ));
        let chain_rev = Memo::new(move |_| ledger.with(Node::revision));
        let report = Memo::new(move |_| {
            // `get`, not `track`: tracking alone never runs the memo, so it would never see
            // the ledger change (seen: a mined block missing from every view).
            let _ = chain_rev.get();
            ledger.with_untracked(|l| l.chain().report(l.params()))
        });
        let tip_state = Memo::new(move |_| {
            let _ = chain_rev.get();
            ledger.with_untracked(|l| l.chain().state().clone())
        });
        let explorer = Memo::new(move |_| {
            let _ = chain_rev.get();
            ledger.with_untracked(|l| Index::build(l.chain()))
        });
        Self {
            ledger,
            chain_rev,
            chain_generation: RwSignal::new(0),
            tip_state,
            settings: RwSignal::new(snapshot.settings),
            own_account: RwSignal::new(None),
            report,
            explorer,
            mining: RwSignal::new(None),
            mining_run: RwSignal::new(0),
            tamper: RwSignal::new(false),
            notices: {
                let notices = Notices::new();
                notices.set(Notice::General, notice);
                notices
            },
            storage_problem: RwSignal::new(storage_problem),
            storage_usage: RwSignal::new(Usage {
                used: 0,
                quota: persist::QUOTA_UNITS,
            }),
            kept_backups: RwSignal::new(Vec::new()),
            saving_blocked: RwSignal::new(saving_blocked),
            sender_check: RwSignal::new(None),
            stored_is_current: false,
        }
    }

    /// Who the coinbase of the next mined block pays (the core's [`Settings::coinbase_to`]),
    /// tracked.
    pub fn beneficiary(&self) -> Beneficiary {
        let own = self.own_account.get();
        self.settings.with(|s| s.coinbase_to(own))
    }

    /// Reads the chain, tracking only chain changes ([`Self::chain_rev`]), not the mempool's
    /// or the pending records'.
    pub fn with_chain<T>(&self, f: impl FnOnce(&Chain) -> T) -> T {
        let _ = self.chain_rev.get();
        self.ledger.with_untracked(|l| f(l.chain()))
    }

    /// Reads the chain without tracking.
    pub fn with_chain_untracked<T>(&self, f: impl FnOnce(&Chain) -> T) -> T {
        self.ledger.with_untracked(|l| f(l.chain()))
    }

    /// The current snapshot of what is persisted.
    pub fn snapshot(&self) -> Snapshot {
        self.ledger.with_untracked(|l| Snapshot {
            chain: l.chain().clone(),
            pending: l.pending().to_vec(),
            mempool: l.mempool().clone(),
            settings: self.settings.get_untracked(),
        })
    }

    /// Saves whenever the chain, pending records, mempool or settings change (the one effect
    /// that syncs with localStorage). Its first run, right after start, writes only when
    /// storage does not already hold this state (a new chain, or a backed-up unreadable value):
    /// re-writing a just-loaded chain would cost a full serialisation at every start.
    pub fn persist_on_change(self) {
        Effect::new(move |previous: Option<()>| {
            self.ledger.track();
            self.settings.track();
            if self.saving_blocked.get() || (previous.is_none() && self.stored_is_current) {
                return;
            }
            // Through the multi-tab guard: never overwrites another tab's heavier chain.
            tabs::save_guarded(self);
        });
    }
}
