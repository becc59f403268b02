//! Pending records, the mempool and the settings, shared between tabs (issue 16): before each
//! save and as soon as another tab saves, the stored snapshot is merged into this tab by the
//! core's three-way merge ([`Node::merge_shared`]) from what this tab last saw stored, so two
//! tabs adding records at once both keep both, and a setting changed in one reaches the others.
//! The chain itself follows fork choice (`adopt_stored` beside this).

use std::cell::RefCell;

use blocklab_core::node::shared::SharedParts;
use blocklab_core::node::Node;
use blocklab_core::persist::{self, KeyValueStore, LoadOutcome, SNAPSHOT_KEY};
use leptos::prelude::*;

use super::super::{mining, AppState};
use crate::platform::{clock, storage::LocalStore};

/// What this tab last saw stored: the shared parts, and the pointer text that names the
/// snapshot (it changes with every save of any tab).
pub(super) struct SeenStored {
    base: SharedParts,
    head: Option<String>,
}

impl SeenStored {
    /// This tab's state as the stored one (at start, and after each of its saves).
    pub(super) fn now(state: AppState) -> Self {
        let settings = state.settings.get_untracked();
        Self {
            base: state
                .ledger
                .with_untracked(|l| SharedParts::of_node(l, &settings)),
            head: LocalStore.get(SNAPSHOT_KEY).ok().flatten(),
        }
    }
}

/// Merges what another tab stored since this tab last saw storage. Returns whether this tab's
/// records, mempool or settings changed (its save effect then stores the merge).
pub(super) fn merge_stored(state: AppState, seen: &RefCell<SeenStored>) -> bool {
    let head = LocalStore.get(SNAPSHOT_KEY).ok().flatten();
    if head.is_none() || head == seen.borrow().head {
        return false;
    }
    let snapshot = match persist::load(&LocalStore, clock::now_ms()) {
        Ok(LoadOutcome::Loaded(s) | LoadOutcome::Superseded { snapshot: s, .. }) => s,
        // Unreadable or gone: the load at start and the Storage card deal with it.
        _ => return false,
    };
    let base = std::mem::replace(
        &mut *seen.borrow_mut(),
        SeenStored {
            base: SharedParts::of_snapshot(&snapshot),
            head,
        },
    )
    .base;
    let ours = state.settings.get_untracked();
    let Some(merged) = state
        .ledger
        .try_update_untracked(|l: &mut Node| l.merge_shared(&base, &snapshot, &ours))
    else {
        return false;
    };
    if !merged.changed() {
        return false;
    }
    // The block being mined may hold what the other tab mined or cleared: mined again.
    let restart =
        merged.records_removed + merged.txs_removed > 0 && super::cancel_block_mining(state);
    state.ledger.notify();
    if restart {
        mining::mine_new_block(state);
    }
    if merged.settings_changed {
        state.settings.set(merged.settings);
    }
    true
}
