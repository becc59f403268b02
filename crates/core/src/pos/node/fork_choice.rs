//! Fork choice and finality in one node's view: the checkpoints a new block brings, forgetting
//! what finality rules out, and LMD-GHOST.

use std::collections::{BTreeMap, BTreeSet};

use super::{PosNode, ARCHIVE_KEPT};
use crate::hash::Hash32;
use crate::pos::duties::epoch_of;
use crate::pos::types::Block;

impl PosNode {
    pub(super) fn update_checkpoints(&mut self, root: &Hash32) {
        let Some(state) = self.entries.get(root).map(|e| e.state.clone()) else {
            return;
        };
        if state.current_justified.epoch > self.justified.epoch
            && self.is_ancestor(&self.finalized.root, &state.current_justified.root)
        {
            self.justified = state.current_justified;
        }
        if state.finalized.epoch > self.finalized.epoch
            && self.is_ancestor(&self.finalized.root, &state.finalized.root)
        {
            self.finalized = state.finalized;
            self.finalized_history.push(state.finalized);
            if !self.is_ancestor(&self.finalized.root, &self.justified.root) {
                self.justified = self.finalized;
            }
            self.prune();
        }
    }

    /// Forgets every block that is not the finalized checkpoint or one of its descendants.
    fn prune(&mut self) {
        let keep: BTreeSet<Hash32> = self
            .entries
            .keys()
            .filter(|r| self.is_ancestor(&self.finalized.root, r))
            .copied()
            .collect();
        let mut finalized_chain: Vec<Block> = self
            .entries
            .iter()
            .filter(|(r, _)| !keep.contains(*r) && self.is_ancestor(r, &self.finalized.root))
            .filter_map(|(_, e)| e.block.clone())
            .collect();
        finalized_chain.sort_by_key(Block::slot);
        for b in finalized_chain {
            if self.archive.len() >= ARCHIVE_KEPT {
                self.archive.pop_front();
            }
            self.archive.push_back(b);
        }
        self.entries.retain(|r, _| keep.contains(r));
        self.children.retain(|r, _| keep.contains(r));
        for kids in self.children.values_mut() {
            kids.retain(|k| keep.contains(k));
        }
        let finalized_slot = self.entries.get(&self.finalized.root).map_or(0, |e| e.slot);
        self.headers
            .retain(|(slot, _), _| *slot + 64 > finalized_slot);
        let epoch = epoch_of(finalized_slot, self.params.slots_per_epoch);
        self.pool.retain(|_, a| a.data.target.epoch + 2 > epoch);
        self.orphans.retain(|o| o.slot() > finalized_slot);
        let head_state = self
            .entries
            .get(&self.finalized.root)
            .map(|e| e.state.clone());
        if let Some(s) = head_state {
            let p = self.params;
            self.deposits
                .retain(|d| s.check_deposit(&d.raw, &p).is_ok());
            self.transfers.promote(&s.ledger);
        }
    }

    /// LMD-GHOST: from the justified checkpoint, step to the child whose subtree holds the
    /// most stake of latest votes (ties to the larger root) until a leaf.
    pub(super) fn compute_head(&self) -> Hash32 {
        let Some(jentry) = self.entries.get(&self.justified.root) else {
            return self.finalized.root;
        };
        let jslot = jentry.slot;
        let jstate = &jentry.state;
        let mut weights: BTreeMap<Hash32, u64> = BTreeMap::new();
        for (v, (_, root)) in &self.latest {
            let stake = jstate
                .validator(*v)
                .filter(|x| !x.slashed)
                .map_or(0, |x| x.effective);
            if stake == 0 || self.equivocators.contains(v) {
                continue;
            }
            let mut cur = *root;
            while let Some(e) = self.entries.get(&cur) {
                if e.slot <= jslot {
                    break;
                }
                *weights.entry(cur).or_default() += stake;
                match e.parent {
                    Some(p) => cur = p,
                    None => break,
                }
            }
        }
        let mut cur = self.justified.root;
        while let Some(kids) = self.children.get(&cur) {
            let best = kids
                .iter()
                .filter(|k| self.entries.contains_key(k))
                .max_by_key(|k| (weights.get(k).copied().unwrap_or(0), **k));
            match best {
                Some(k) => cur = *k,
                None => break,
            }
        }
        cur
    }
}
