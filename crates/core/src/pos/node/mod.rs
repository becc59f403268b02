//! One proof-of-stake node: the blocks it knows with each one's state, the votes it has seen,
//! fork choice (LMD-GHOST from the justified checkpoint, by the stake of each validator's
//! latest vote), finality, and the pools a proposer draws from. Every message is checked
//! before it changes anything; a refused one comes back with the reason.

use std::collections::{BTreeMap, BTreeSet};

mod fork_choice;
mod pools;
mod propose;

use crate::hash::Hash32;

use super::duties::{epoch_of, start_slot};
use super::refusal::{AttestationRefusal, BlockRefusal, EvidenceRefusal};
use super::state::{Applied, BeaconState};
use super::types::{
    Attestation, AttestationData, Block, Checkpoint, Deposit, Epoch, Evidence, Exit, SignedHeader,
    Slot, ValidatorIndex,
};
use super::PosParams;

/// Blocks waiting for their parent, at most.
const MAX_ORPHANS: usize = 512;
/// Finalized blocks kept for peers that catch up, at most.
pub const ARCHIVE_KEPT: usize = 4096;
/// Signed votes remembered per validator for offence detection.
const VOTES_KEPT: usize = 32;

/// A block the node knows, with the state after it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub root: Hash32,
    pub parent: Option<Hash32>,
    pub slot: Slot,
    pub block: Option<Block>,
    pub state: BeaconState,
}

/// What receiving a block did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockReceived {
    /// New and valid: stored. `evidence` when it proves a double proposal.
    Accepted {
        applied: Applied,
        evidence: Option<Box<Evidence>>,
        adopted: Vec<Hash32>,
    },
    /// Already known.
    Known,
    /// Its parent is unknown: kept until the parent arrives.
    Orphaned,
}

/// What receiving a vote did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteReceived {
    Accepted { evidence: Option<Box<Evidence>> },
    Known,
}

/// A proof-of-stake node.
#[derive(Debug, Clone)]
pub struct PosNode {
    params: PosParams,
    entries: BTreeMap<Hash32, Entry>,
    children: BTreeMap<Hash32, Vec<Hash32>>,
    genesis: Hash32,
    justified: Checkpoint,
    finalized: Checkpoint,
    finalized_history: Vec<Checkpoint>,
    latest: BTreeMap<ValidatorIndex, (Epoch, Hash32)>,
    /// Validators proven to equivocate: their votes no longer count for fork choice (as in the
    /// consensus specs' `equivocating_indices`), so every node weighs the same votes.
    equivocators: BTreeSet<ValidatorIndex>,
    votes: BTreeMap<ValidatorIndex, Vec<Attestation>>,
    seen_votes: BTreeSet<Hash32>,
    headers: BTreeMap<(Slot, ValidatorIndex), SignedHeader>,
    pool: BTreeMap<Hash32, Attestation>,
    evidence: BTreeMap<Hash32, Evidence>,
    deposits: Vec<Deposit>,
    exits: Vec<Exit>,
    /// Transfers waiting for a block: the core's own mempool (admission, replacement, order by
    /// tip) checked against the head's ledger. Kept until finalized, so a transfer in a block
    /// that loses fork choice is proposed again.
    transfers: crate::mempool::Mempool,
    /// Hashes of the transfers seen (pooled or in a block): a late copy is known, not refused.
    seen_transfers: BTreeSet<crate::hash::TxHash>,
    orphans: Vec<Block>,
    /// Finalized blocks whose states were let go, oldest first (at most [`ARCHIVE_KEPT`]): a
    /// peer that was cut off replays them to catch up.
    archive: std::collections::VecDeque<Block>,
    /// Fork choice's answer, worked out again only when asked after a change.
    head: core::cell::Cell<Hash32>,
    head_stale: core::cell::Cell<bool>,
    /// Signatures this node has checked.
    pub checked: u64,
}

impl PosNode {
    pub fn new(params: PosParams, genesis_state: BeaconState, genesis_root: Hash32) -> Self {
        let cp = Checkpoint {
            epoch: 0,
            root: genesis_root,
        };
        let mut entries = BTreeMap::new();
        entries.insert(
            genesis_root,
            Entry {
                root: genesis_root,
                parent: None,
                slot: 0,
                block: None,
                state: genesis_state,
            },
        );
        Self {
            params,
            entries,
            children: BTreeMap::new(),
            genesis: genesis_root,
            justified: cp,
            finalized: cp,
            finalized_history: vec![cp],
            latest: BTreeMap::new(),
            equivocators: BTreeSet::new(),
            votes: BTreeMap::new(),
            seen_votes: BTreeSet::new(),
            headers: BTreeMap::new(),
            pool: BTreeMap::new(),
            evidence: BTreeMap::new(),
            deposits: Vec::new(),
            exits: Vec::new(),
            transfers: crate::mempool::Mempool::with_capacity(pools::POOL_CAPACITY),
            seen_transfers: BTreeSet::new(),
            orphans: Vec::new(),
            archive: std::collections::VecDeque::new(),
            head: core::cell::Cell::new(genesis_root),
            head_stale: core::cell::Cell::new(false),
            checked: 0,
        }
    }

    pub fn params(&self) -> &PosParams {
        &self.params
    }

    pub fn genesis(&self) -> Hash32 {
        self.genesis
    }

    pub fn head(&self) -> Hash32 {
        if self.head_stale.get() {
            self.head.set(self.compute_head());
            self.head_stale.set(false);
        }
        self.head.get()
    }

    pub fn entry(&self, root: &Hash32) -> Option<&Entry> {
        self.entries.get(root)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    pub fn head_entry(&self) -> Option<&Entry> {
        self.entries.get(&self.head())
    }

    pub fn justified(&self) -> Checkpoint {
        self.justified
    }

    pub fn finalized(&self) -> Checkpoint {
        self.finalized
    }

    /// Every checkpoint this node has finalized, in order.
    pub fn finalized_history(&self) -> &[Checkpoint] {
        &self.finalized_history
    }

    /// Slashing evidence waiting for a block.
    pub fn evidence_pool(&self) -> impl Iterator<Item = &Evidence> {
        self.evidence.values()
    }

    pub fn orphans(&self) -> usize {
        self.orphans.len()
    }

    /// Whether `ancestor` is `root` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: &Hash32, root: &Hash32) -> bool {
        let Some(target) = self.entries.get(ancestor) else {
            return false;
        };
        let mut cur = *root;
        while let Some(e) = self.entries.get(&cur) {
            if cur == *ancestor {
                return true;
            }
            if e.slot <= target.slot {
                return false;
            }
            match e.parent {
                Some(p) => cur = p,
                None => return false,
            }
        }
        false
    }

    /// The block at or last before `slot` on the branch of `root`.
    pub fn ancestor_at(&self, root: &Hash32, slot: Slot) -> Hash32 {
        let mut cur = *root;
        while let Some(e) = self.entries.get(&cur) {
            if e.slot <= slot {
                return cur;
            }
            match e.parent {
                Some(p) => cur = p,
                None => return cur,
            }
        }
        cur
    }

    /// The chain from the finalized checkpoint to the head, oldest first.
    pub fn canonical(&self) -> Vec<&Entry> {
        let mut out = Vec::new();
        let mut cur = Some(self.head());
        while let Some(root) = cur {
            let Some(e) = self.entries.get(&root) else {
                break;
            };
            out.push(e);
            cur = e.parent;
        }
        out.reverse();
        out
    }

    /// Checks and stores a block.
    ///
    /// # Errors
    /// Why the block is refused; nothing changes then.
    pub fn receive_block(
        &mut self,
        block: Block,
        now: Slot,
    ) -> Result<BlockReceived, BlockRefusal> {
        let root = block.root();
        if block.body.root() != block.header.body_root {
            return Err(BlockRefusal::BodyChanged);
        }
        if self.entries.contains_key(&root) || self.archive.iter().any(|b| b.root() == root) {
            return Ok(BlockReceived::Known);
        }
        if block.slot() > now {
            return Err(BlockRefusal::FromTheFuture {
                slot: block.slot(),
                now,
            });
        }
        let finalized_slot = self.entries.get(&self.finalized.root).map_or(0, |e| e.slot);
        if block.slot() <= finalized_slot {
            return Err(BlockRefusal::ConflictsWithFinalized {
                finalized: self.finalized,
            });
        }
        let Some(parent) = self.entries.get(&block.header.parent) else {
            if self.orphans.len() >= MAX_ORPHANS {
                self.orphans.remove(0);
            }
            if !self.orphans.iter().any(|o| o.root() == root) {
                self.orphans.push(block);
            }
            return Ok(BlockReceived::Orphaned);
        };
        let mut state = parent.state.clone();
        let result = state.apply_block(&block, &self.params);
        let applied = match result {
            Ok(a) => a,
            Err(e) => {
                self.checked += 1;
                return Err(e);
            }
        };
        self.checked += applied.signatures;
        let evidence = self.note_header(block.signed_header());
        let votes = block.body.attestations.clone();
        self.children
            .entry(block.header.parent)
            .or_default()
            .push(root);
        self.entries.insert(
            root,
            Entry {
                root,
                parent: Some(block.header.parent),
                slot: block.slot(),
                block: Some(block),
                state,
            },
        );
        for v in &votes {
            self.note_vote(v);
        }
        self.note_transfers(&root);
        self.update_checkpoints(&root);
        self.head_stale.set(true);
        let mut adopted = Vec::new();
        self.adopt_orphans(root, now, &mut adopted);
        Ok(BlockReceived::Accepted {
            applied,
            evidence: evidence.map(Box::new),
            adopted,
        })
    }

    fn adopt_orphans(&mut self, parent: Hash32, now: Slot, adopted: &mut Vec<Hash32>) {
        let (ready, rest): (Vec<Block>, Vec<Block>) = core::mem::take(&mut self.orphans)
            .into_iter()
            .partition(|o| o.header.parent == parent);
        self.orphans = rest;
        for o in ready {
            let root = o.root();
            if let Ok(BlockReceived::Accepted { adopted: more, .. }) = self.receive_block(o, now) {
                adopted.push(root);
                adopted.extend(more);
            }
        }
    }

    fn note_header(&mut self, signed: SignedHeader) -> Option<Evidence> {
        let key = (signed.header.slot, signed.header.proposer);
        match self.headers.get(&key) {
            Some(prev) if prev.header != signed.header => {
                let e = Evidence::DoubleProposal {
                    a: *prev,
                    b: signed,
                };
                self.evidence.insert(e.root(), e);
                self.equivocators.insert(e.offender());
                Some(e)
            }
            Some(_) => None,
            None => {
                self.headers.insert(key, signed);
                None
            }
        }
    }

    fn note_vote(&mut self, a: &Attestation) -> Option<Evidence> {
        if !self.seen_votes.insert(a.id()) {
            return None;
        }
        let list = self.votes.entry(a.validator).or_default();
        let evidence = list
            .iter()
            .find(|w| w.data.offence_with(&a.data).is_some())
            .map(|w| Evidence::Votes { a: *w, b: *a });
        list.push(*a);
        if list.len() > VOTES_KEPT {
            list.remove(0);
        }
        if let Some(e) = evidence {
            self.evidence.insert(e.root(), e);
            self.equivocators.insert(e.offender());
        }
        let newer = self
            .latest
            .get(&a.validator)
            .is_none_or(|(epoch, _)| a.data.target.epoch > *epoch);
        if newer && self.entries.contains_key(&a.data.head) {
            self.latest
                .insert(a.validator, (a.data.target.epoch, a.data.head));
        }
        self.pool.insert(a.id(), *a);
        evidence
    }

    /// Checks a gossiped vote and counts it for fork choice.
    ///
    /// # Errors
    /// Why the vote is refused.
    pub fn receive_attestation(
        &mut self,
        a: Attestation,
        now: Slot,
    ) -> Result<VoteReceived, AttestationRefusal> {
        if self.seen_votes.contains(&a.id()) {
            return Ok(VoteReceived::Known);
        }
        let spe = self.params.slots_per_epoch;
        if a.data.slot > now {
            return Err(AttestationRefusal::FromTheFuture {
                slot: a.data.slot,
                now,
            });
        }
        if a.data.target.epoch != epoch_of(a.data.slot, spe) {
            return Err(AttestationRefusal::TargetNotSlotEpoch {
                slot: a.data.slot,
                target: a.data.target.epoch,
            });
        }
        if a.data.target.epoch + 1 < epoch_of(now, spe) {
            return Err(AttestationRefusal::TooOld {
                epoch: a.data.target.epoch,
            });
        }
        let head = self
            .entries
            .get(&a.data.head)
            .ok_or(AttestationRefusal::UnknownHead)?;
        let mut state;
        let view = if head.state.seed(a.data.target.epoch).is_some() {
            &head.state
        } else {
            state = head.state.clone();
            state.process_slots(start_slot(a.data.target.epoch, spe), &self.params);
            &state
        };
        self.checked += 1;
        view.check_vote_signer(&a, &self.params)?;
        let evidence = self.note_vote(&a);
        self.head_stale.set(true);
        Ok(VoteReceived::Accepted {
            evidence: evidence.map(Box::new),
        })
    }

    /// Checks gossiped slashing evidence against the head's state and keeps it for a block.
    ///
    /// # Errors
    /// Why the evidence is refused. `Ok(false)`: already held.
    pub fn receive_evidence(&mut self, e: Evidence) -> Result<bool, EvidenceRefusal> {
        if self.evidence.contains_key(&e.root()) {
            return Ok(false);
        }
        let state = self.head_state().ok_or(EvidenceRefusal::NotConflicting)?;
        let checked = state.check_evidence(&e);
        self.checked += 2;
        if matches!(checked, Ok(_) | Err(EvidenceRefusal::AlreadySlashed { .. })) {
            self.equivocators.insert(e.offender());
            self.head_stale.set(true);
        }
        checked?;
        self.evidence.insert(e.root(), e);
        Ok(true)
    }

    pub fn head_state(&self) -> Option<&BeaconState> {
        self.entries.get(&self.head()).map(|e| &e.state)
    }

    /// The head's state advanced to `slot` (empty slots applied).
    pub fn state_at_slot(&self, slot: Slot) -> Option<BeaconState> {
        let mut s = self.head_state()?.clone();
        s.process_slots(slot, &self.params);
        Some(s)
    }

    /// What an honest validator on this node votes in `slot`: the head, the checkpoint of the
    /// slot's epoch on the head's branch, and the branch's justified checkpoint as source.
    pub fn vote_data(&self, slot: Slot, state_at_slot: &BeaconState) -> AttestationData {
        let epoch = epoch_of(slot, self.params.slots_per_epoch);
        let head = self.head();
        let target = self.ancestor_at(&head, start_slot(epoch, self.params.slots_per_epoch));
        AttestationData {
            slot,
            head,
            source: state_at_slot.current_justified,
            target: Checkpoint {
                epoch,
                root: target,
            },
        }
    }

    /// Changes the graffiti of the head block without re-signing it: what a compromised node
    /// would gossip. `None` at genesis.
    pub fn tampered_head(&self, text: &str) -> Option<Block> {
        let mut b = self.head_entry()?.block.clone()?;
        b.body.graffiti = text.chars().take(super::types::MAX_GRAFFITI).collect();
        Some(b)
    }
}
