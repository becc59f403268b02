//! What the tabs of one browser share besides the chain: the pending records, the mempool and
//! the settings (difficulty, workers, beneficiary). The chain has its own rule (the heavier
//! valid chain wins, [`Node::adopt_if_heavier`]); for these, each tab keeps the [`SharedParts`]
//! it last saw stored (its base) and, when another tab stored since, [`Node::merge_shared`]
//! merges the three ways: what the other tab added is added here, what it removed (a record
//! mined or cleared, a transaction mined or replaced) is removed here, what only this tab
//! changed stays; a setting changed in both keeps this tab's change (not stored yet, so the
//! later one: a tab merges right before it saves). Two tabs adding records at the same time both keep both; a setting changed
//! in one tab reaches the other.

use std::collections::BTreeSet;

use super::Node;
use crate::hash::TxHash;
use crate::persist::{Settings, Snapshot};
use crate::record::Record;

/// The shared parts of a tab's state, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedParts {
    pub pending: Vec<Record>,
    pub mempool: BTreeSet<TxHash>,
    pub settings: Settings,
}

impl SharedParts {
    /// The shared parts of a stored snapshot.
    pub fn of_snapshot(s: &Snapshot) -> Self {
        Self {
            pending: s.pending.clone(),
            mempool: s.mempool.iter().map(|(tx, _)| tx.hash()).collect(),
            settings: s.settings.clone(),
        }
    }

    /// The shared parts of a node and its settings.
    pub fn of_node(node: &Node, settings: &Settings) -> Self {
        Self {
            pending: node.pending.clone(),
            mempool: node.mempool.iter().map(|(tx, _)| tx.hash()).collect(),
            settings: settings.clone(),
        }
    }
}

/// What a merge changed here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Merged {
    /// Records another tab added, now pending here too.
    pub records_added: usize,
    /// Records another tab removed (mined or cleared there), removed here.
    pub records_removed: usize,
    /// Transactions another tab admitted that this node admitted too.
    pub txs_added: usize,
    /// Transactions another tab admitted that this node's mempool refused (e.g. their nonce is
    /// already used on this tab's chain).
    pub txs_refused: usize,
    /// Transactions another tab's mempool no longer has, removed here.
    pub txs_removed: usize,
    /// The settings after the merge (another tab's changes over this tab's).
    pub settings: Settings,
    /// Whether the settings differ from this tab's.
    pub settings_changed: bool,
}

impl Merged {
    /// Whether anything here changed.
    pub fn changed(&self) -> bool {
        self.records_added + self.records_removed + self.txs_added + self.txs_removed > 0
            || self.settings_changed
    }
}

/// `a` without one occurrence of each item of `b` (multiset difference).
fn without(a: &[Record], b: &[Record]) -> Vec<Record> {
    let mut left: Vec<Option<&Record>> = b.iter().map(Some).collect();
    a.iter()
        .filter(
            |r| match left.iter_mut().find(|x| x.is_some_and(|x| x == *r)) {
                Some(slot) => {
                    *slot = None;
                    false
                }
                None => true,
            },
        )
        .cloned()
        .collect()
}

/// Each setting this tab changed since `base` (a change not yet stored: the user's latest,
/// since a tab merges before each save), else the stored one (another tab's, if changed).
fn merge_settings(base: &Settings, ours: &Settings, theirs: &Settings) -> Settings {
    fn pick<T: PartialEq + Clone>(base: &T, ours: &T, theirs: &T) -> T {
        if ours == base {
            theirs.clone()
        } else {
            ours.clone()
        }
    }
    Settings {
        difficulty: pick(&base.difficulty, &ours.difficulty, &theirs.difficulty),
        workers: pick(&base.workers, &ours.workers, &theirs.workers),
        beneficiary: pick(&base.beneficiary, &ours.beneficiary, &theirs.beneficiary),
    }
}

impl Node {
    /// Merges another tab's stored snapshot `theirs` into this node, from `base` (what this tab
    /// last saw stored). The chain is not touched (see [`Node::adopt_if_heavier`]); another
    /// tab's transactions go through this node's mempool rules.
    pub fn merge_shared(
        &mut self,
        base: &SharedParts,
        theirs: &Snapshot,
        ours: &Settings,
    ) -> Merged {
        let mut merged = Merged::default();
        // Records: ours, minus what they removed since base, plus what they added.
        let removed = without(&base.pending, &theirs.pending);
        let added = without(&theirs.pending, &base.pending);
        let kept = without(&self.pending, &removed);
        merged.records_removed = self.pending.len() - kept.len();
        merged.records_added = added.len();
        if merged.records_removed + merged.records_added > 0 {
            self.pending = kept;
            self.pending.extend(added);
        }
        // Transactions: theirs that are new to base and to us, through our rules; those base
        // had and they no longer have leave ours.
        let their_hashes: BTreeSet<TxHash> =
            theirs.mempool.iter().map(|(tx, _)| tx.hash()).collect();
        for gone in base.mempool.difference(&their_hashes) {
            if self.mempool.remove(gone).is_some() {
                merged.txs_removed += 1;
            }
        }
        for (tx, _) in theirs.mempool.iter() {
            let hash = tx.hash();
            if base.mempool.contains(&hash) || self.mempool.contains(&hash) {
                continue;
            }
            match self
                .mempool
                .add(tx.clone(), self.chain.state(), &self.params)
            {
                Ok(_) => merged.txs_added += 1,
                Err(_) => merged.txs_refused += 1,
            }
        }
        merged.settings = merge_settings(&base.settings, ours, &theirs.settings);
        merged.settings_changed = merged.settings != *ours;
        merged
    }
}

#[cfg(test)]
#[path = "shared_tests.rs"]
mod tests;
