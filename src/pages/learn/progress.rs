//! The learner's progress as app state: loaded from `blocklab.learn`, saved on every change,
//! ticked by what the learner does (observed on the app's signals and the route, never by a
//! rule of its own), and where a return visit lands.

use blocklab_core::learn::{Progress, Step, PROGRESS_KEY};
use blocklab_core::persist::{KeyValueStore, BACKUP_PREFIX};
use leptos::prelude::*;

use blocklab_core::Entry;

use crate::pages::network::state::NetworkState;
use crate::pages::tx::state::TxState;
use crate::pages::wallet::state::WalletState;
use crate::platform::route::{ExplorerPage, Route};
use crate::platform::{clock, storage::LocalStore};
use crate::state::notices::Notice;
use crate::state::AppState;

/// The progress signal and what went wrong reading or saving it.
#[derive(Debug, Clone, Copy)]
pub struct LearnState {
    pub progress: RwSignal<Progress>,
    /// A stored value that could not be read (kept aside) or a save that failed, in words.
    pub problem: RwSignal<Option<String>>,
}

impl LearnState {
    /// Reads the stored progress. A damaged value is copied to a `blocklab.backup.*` key and
    /// reported; the learner starts over (nothing is overwritten until the next tick).
    pub fn load() -> Self {
        let store = LocalStore;
        let (progress, problem) = match store.get(PROGRESS_KEY) {
            Ok(None) => (Progress::new(), None),
            Ok(Some(text)) => match Progress::decode(&text) {
                Ok(p) => (p, None),
                Err(e) => {
                    let key = format!("{BACKUP_PREFIX}{}", clock::now_ms());
                    let kept = store.set(&key, &text).is_ok() && store.remove(PROGRESS_KEY).is_ok();
                    let where_ = if kept {
                        format!("the damaged value was kept as {key}")
                    } else {
                        "it could not be copied aside".to_owned()
                    };
                    (Progress::new(), Some(format!("{e}: your ticks start over ({where_}).")))
                }
            },
            Err(e) => (Progress::new(), Some(format!("your learning progress cannot be read here ({e}); ticks last until this tab closes"))),
        };
        Self {
            progress: RwSignal::new(progress),
            problem: RwSignal::new(problem),
        }
    }

    fn save(self) {
        let text = self.progress.with_untracked(Progress::encode);
        if let Err(e) = LocalStore.set(PROGRESS_KEY, &text) {
            self.problem.set(Some(format!(
                "your learning progress could not be saved ({e})"
            )));
        }
    }

    /// Ticks `step` (saved when it is new).
    pub fn tick(self, step: Step) {
        let mut changed = false;
        self.progress.update(|p| changed = p.tick(step));
        if changed {
            self.save();
        }
    }

    /// Forgets every tick and the last screen.
    pub fn reset(self) {
        self.progress.set(Progress::new());
        self.problem.set(None);
        let _ = LocalStore.remove(PROGRESS_KEY);
    }

    /// Remembers the screen open now.
    pub fn visit(self, route: Route) {
        let href = route.href();
        if self
            .progress
            .with_untracked(|p| p.last.as_deref() != Some(href.as_str()))
        {
            self.progress.update(|p| p.visit(&href));
            self.save();
        }
    }
}

/// A returning learner who opens the bare address lands on the screen open last (a newcomer on
/// the home screen). Call before the route is first read.
pub fn land(learn: LearnState) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = window.location().hash().unwrap_or_default();
    if hash
        .trim_start_matches('#')
        .trim_start_matches('/')
        .is_empty()
    {
        if let Some(last) = learn.progress.with_untracked(|p| p.last.clone()) {
            let _ = window.location().set_hash(&last);
        }
    }
}

/// Ticks the steps the learner has done, from what the app's signals show (never a rule of its
/// own): a block added, the chain validated, an invalid chain (tampered), a nonce search, an
/// unlocked wallet, a signed transaction, a transaction in a block, a node connected, and the
/// screens of the nodes and explorer steps opened. A ticked step's check stops looking.
pub fn watch(learn: LearnState, app: AppState, route: ReadSignal<Route>) {
    let open = move |step: Step| !learn.progress.with_untracked(|p| p.is_done(step));
    Effect::new(move |_| {
        let r = route.get();
        learn.visit(r);
        match r {
            Route::Nodes => learn.tick(Step::Nodes),
            Route::Explorer(
                ExplorerPage::Overview | ExplorerPage::Block(_) | ExplorerPage::Tx(_),
            ) => {
                learn.tick(Step::Explorer);
            }
            _ => {}
        }
    });
    // Proof of stake: ticked when the lab's proof-of-stake network finalizes a checkpoint.
    if let Some(pos) = use_context::<crate::pages::nodes::pos::state::PosState>() {
        Effect::new(move |_| {
            let finalized = pos.net.with(|n| {
                n.as_ref()
                    .and_then(|n| n.nodes().first())
                    .is_some_and(|node| node.finalized().epoch >= 1)
            });
            if finalized && open(Step::ProofOfStake) {
                learn.tick(Step::ProofOfStake);
            }
        });
    }
    Effect::new(move |_| {
        app.chain_rev.track();
        if open(Step::Block) && app.with_chain_untracked(|c| c.len() > 1) {
            learn.tick(Step::Block);
        }
        let has_tx = || {
            app.with_chain_untracked(|c| {
                c.blocks()
                    .iter()
                    .any(|b| b.entries.iter().any(|e| matches!(e, Entry::Tx { .. })))
            })
        };
        if open(Step::Mempool) && has_tx() {
            learn.tick(Step::Mempool);
        }
    });
    Effect::new(move |_| {
        if app.notices.get(Notice::ValidationSummary).is_some() {
            learn.tick(Step::Chain);
        }
    });
    Effect::new(move |_| {
        if app.report.with(|r| !r.is_valid()) {
            learn.tick(Step::Tampering);
        }
    });
    Effect::new(move |_| {
        if app.mining.with(Option::is_some) {
            learn.tick(Step::ProofOfWork);
        }
    });
    if let Some(wallet) = use_context::<WalletState>() {
        Effect::new(move |_| {
            if wallet.unlocked.with(Option::is_some) {
                learn.tick(Step::Mnemonic);
            }
        });
    }
    if let Some(tx) = use_context::<TxState>() {
        Effect::new(move |_| {
            if tx.signed.with(Option::is_some) {
                learn.tick(Step::Signing);
            }
        });
    }
    if let Some(net) = use_context::<NetworkState>() {
        Effect::new(move |_| {
            if net.connected.with(Option::is_some) {
                learn.tick(Step::TestNetwork);
            }
        });
    }
}
