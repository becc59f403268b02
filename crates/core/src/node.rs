//! Replicated nodes: one node's view of the chain and the rules by which it accepts blocks
//! and transactions from peers, and a simulated network of nodes ([`network`]).
//!
//! A [`Node`] owns its active [`Chain`], its [`Mempool`] and a tree of the side-branch blocks
//! it knows (by hash, linked by their parents), so a branch kept aside can win later. It does
//! no I/O: [`Node::handle`] takes a [`Message`] from a peer and returns what happened and what
//! to send back or relay; the caller moves the messages (the in-page simulation, or another
//! transport).
//!
//! Fork choice is by **most cumulative work** ([`Chain::total_work`], the sum of 2^difficulty),
//! not by length; on a tie the current branch stays. A candidate branch is validated in full
//! (structure and the state pass, from genesis) before it is stored or switched to, so no
//! invalid block ever becomes part of the active chain; a reorganisation returns the dropped
//! blocks' transactions to the mempool ([`Mempool::on_reorg`]).

pub mod describe;
mod ledger;
mod messages;
pub mod network;
mod outcome;
pub mod shared;
mod tamper;
mod tx_check;

pub use ledger::{Candidate, Dropped, InvalidTip, NotAdopted, NotTaken, Refusal, Switched};
pub use outcome::{
    Compromise, Handled, Message, Reception, RejectReason, Rejection, Reorg, Response, TreeBlock,
    TxRejection,
};
pub use tamper::{forged_value, RecordEdit, TamperError};
pub use tx_check::{Inclusion, RuleChecks, TxCheck};

use std::collections::BTreeMap;

use crate::address::Address;
use crate::block::{Block, Height};
use crate::chain::{check_block, BlockProblem, Chain, ChainParams};
use crate::consensus::is_heavier;
use crate::hash::BlockHash;
use crate::mempool::{build_block, AddOutcome, Mempool};
use crate::pow::{MiningJob, SearchOutcome};
use crate::record::Record;
use crate::tx::SignedTx;

/// Most side-branch blocks a node keeps.
pub const MAX_SIDE_BLOCKS: usize = 4096;
/// Most block hashes a node remembers as invalid.
pub const MAX_INVALID: usize = 4096;
/// Most blocks one answer to [`Message::GetBlocks`] carries.
pub const MAX_BLOCKS_PER_ANSWER: usize = 1000;

/// Searches nonces for `block` from 0 up to `max_attempts`; true when one was found (the
/// block's nonce is then set).
pub fn mine(block: &mut Block, max_attempts: u64) -> bool {
    match MiningJob::new(&block.header).search(0, max_attempts) {
        SearchOutcome::Found { nonce, .. } => {
            block.header.nonce = nonce;
            true
        }
        SearchOutcome::Exhausted { .. } => false,
    }
}

/// One node: its chain, mempool and known side branches.
#[derive(Debug, Clone)]
pub struct Node {
    params: ChainParams,
    chain: Chain,
    mempool: Mempool,
    /// Active chain position by hash (rebuilt whenever the chain changes).
    active: BTreeMap<BlockHash, usize>,
    /// Valid blocks off the active chain, by hash.
    side: BTreeMap<BlockHash, Block>,
    /// Blocks found invalid, with the reason (never the body-only kind: see `remember_invalid`).
    invalid: BTreeMap<BlockHash, Rejection>,
    /// Records waiting for the next block this node mines (the Ledger screen's list).
    pending: Vec<Record>,
    /// Bumped on every change of the active chain (see [`Node::revision`]).
    revision: u64,
}

impl Node {
    /// A node holding only `genesis`, under `params`.
    pub fn new(genesis: Block, params: ChainParams) -> Self {
        let mut node = Self {
            params,
            chain: Chain::from_genesis(genesis, &params),
            mempool: Mempool::new(),
            active: BTreeMap::new(),
            side: BTreeMap::new(),
            invalid: BTreeMap::new(),
            pending: Vec::new(),
            revision: 0,
        };
        node.reindex();
        node
    }

    /// The active chain changed: bump the revision and rebuild the position index.
    fn chain_changed(&mut self) {
        self.revision = self.revision.wrapping_add(1);
        self.reindex();
    }

    /// A number that changes whenever the active chain does (not when only the mempool or
    /// the pending records do): what a view derived from the chain alone can key on.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn reindex(&mut self) {
        self.active = self
            .chain
            .blocks()
            .iter()
            .enumerate()
            .map(|(i, b)| (b.hash(), i))
            .collect();
    }

    /// The active chain.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// The mempool.
    pub fn mempool(&self) -> &Mempool {
        &self.mempool
    }

    /// The rules this node applies.
    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    /// How many side-branch blocks are kept.
    pub fn side_len(&self) -> usize {
        self.side.len()
    }

    /// Whether the node holds this block (active or side branch).
    pub fn knows(&self, hash: &BlockHash) -> bool {
        self.active.contains_key(hash) || self.side.contains_key(hash)
    }

    fn get(&self, hash: &BlockHash) -> Option<&Block> {
        match self.active.get(hash) {
            Some(i) => self.chain.blocks().get(*i),
            None => self.side.get(hash),
        }
    }

    /// The validation of the node's own copy: `None` when every block is valid.
    pub fn compromise(&self) -> Option<Compromise> {
        let report = self.chain.validate(&self.params);
        report.first_invalid().map(|v| Compromise {
            height: Height(v.height),
            problems: v.problems.clone(),
        })
    }

    /// Every block the node knows (active first, then side branches by height).
    pub fn tree(&self) -> Vec<TreeBlock> {
        let entry = |b: &Block, active: bool| TreeBlock {
            height: Height(b.header.height),
            hash: b.hash(),
            parent: b.header.prev_hash,
            difficulty: b.header.difficulty,
            active,
        };
        let mut out: Vec<TreeBlock> = self.chain.blocks().iter().map(|b| entry(b, true)).collect();
        let mut side: Vec<TreeBlock> = self.side.values().map(|b| entry(b, false)).collect();
        side.sort_by_key(|t| (t.height, t.hash));
        out.extend(side);
        out
    }

    /// Judges a block from a peer: checks it against its parent, then, on the tip, appends
    /// it with every rule; on another branch, validates that whole branch and switches to it
    /// when it has more work than the active chain.
    pub fn receive_block(&mut self, block: Block) -> Reception {
        let hash = block.hash();
        let height = Height(block.header.height);
        let reject = |reason| {
            Reception::Rejected(Rejection {
                height,
                hash,
                reason,
            })
        };
        if height == Height::GENESIS || block.header.prev_hash == BlockHash::ZERO {
            let ours = self.chain.blocks().first().map(Block::hash);
            return if ours == Some(hash) && self.chain.blocks().first() == Some(&block) {
                Reception::AlreadyKnown { hash }
            } else {
                reject(RejectReason::OtherGenesis)
            };
        }
        let parent_hash = block.header.prev_hash;
        if self.invalid.contains_key(&parent_hash) {
            let r = Rejection {
                height,
                hash,
                reason: RejectReason::DescendsFromInvalid {
                    ancestor: parent_hash,
                },
            };
            self.remember_invalid(&r);
            return Reception::Rejected(r);
        }
        let Some(parent) = self.get(&parent_hash) else {
            return Reception::MissingParent {
                hash,
                parent: parent_hash,
            };
        };
        let position = match self.active.get(&parent_hash) {
            Some(i) => *i as u64 + 1,
            None => parent.header.height.saturating_add(1),
        };
        let problems = check_block(&block, position, Some(parent), &self.params);
        if !problems.is_empty() {
            let r = Rejection {
                height,
                hash,
                reason: RejectReason::Invalid(problems),
            };
            self.remember_invalid(&r);
            return Reception::Rejected(r);
        }
        if self.knows(&hash) {
            return Reception::AlreadyKnown { hash };
        }
        if let Some(r) = self.invalid.get(&hash) {
            return Reception::Rejected(r.clone());
        }
        if Some(&parent_hash) == self.chain.blocks().last().map(Block::hash).as_ref() {
            return self.extend(block, hash);
        }
        self.consider_branch(block, hash)
    }

    fn extend(&mut self, block: Block, hash: BlockHash) -> Reception {
        let height = Height(block.header.height);
        let params = self.params;
        match self.chain.append(block.clone(), &params) {
            Ok(()) => {
                self.mempool.remove_included(&block);
                self.mempool.promote(self.chain.state());
                self.active.insert(hash, self.chain.len() - 1);
                self.revision = self.revision.wrapping_add(1);
                Reception::Extended { height, hash }
            }
            Err(e) => {
                let r = Rejection {
                    height,
                    hash,
                    reason: RejectReason::Invalid(e.problems),
                };
                self.remember_invalid(&r);
                Reception::Rejected(r)
            }
        }
    }

    /// `block` builds on a block that is not the tip: validate its branch, keep it aside or
    /// switch to it.
    fn consider_branch(&mut self, block: Block, hash: BlockHash) -> Reception {
        let height = Height(block.header.height);
        // Walk back through the side tree to the active chain.
        let mut branch = vec![block];
        let mut at = branch[0].header.prev_hash;
        let keep = loop {
            if let Some(i) = self.active.get(&at) {
                break *i + 1;
            }
            match self.side.get(&at) {
                Some(b) => {
                    at = b.header.prev_hash;
                    branch.push(b.clone());
                }
                // Unreachable while the side tree only holds blocks linked to the chain;
                // answered as a missing parent rather than trusted.
                None => return Reception::MissingParent { hash, parent: at },
            }
        };
        branch.reverse();
        let params = self.params;
        let mut candidate = self.chain.clone();
        if let Err(e) = candidate.reorg(keep, Vec::new(), &params) {
            return Reception::Rejected(Rejection {
                height,
                hash,
                reason: RejectReason::Invalid(e.problems),
            });
        }
        for b in &branch {
            if let Err(e) = candidate.append(b.clone(), &params) {
                let r = Rejection {
                    height: Height(b.header.height),
                    hash: b.hash(),
                    reason: RejectReason::Invalid(e.problems),
                };
                self.remember_invalid(&r);
                if r.hash != hash {
                    self.side.remove(&r.hash);
                }
                return Reception::Rejected(r);
            }
        }
        let active_work = self.chain.total_work();
        let branch_work = candidate.total_work();
        if !is_heavier(branch_work, active_work) {
            if self.side.len() >= MAX_SIDE_BLOCKS {
                return Reception::Rejected(Rejection {
                    height,
                    hash,
                    reason: RejectReason::SideTreeFull,
                });
            }
            // The new block is the branch's last.
            if let Some(block) = branch.pop() {
                self.side.insert(hash, block);
            }
            return Reception::SideBranch {
                height,
                hash,
                branch_work,
                active_work,
            };
        }
        let dropped_blocks: Vec<Block> = self.chain.blocks()[keep..].to_vec();
        self.chain = candidate;
        self.chain_changed();
        for b in &branch {
            self.side.remove(&b.hash());
        }
        let returned_txs =
            self.mempool
                .on_reorg(&dropped_blocks, &branch, self.chain.state(), &params);
        let dropped: Vec<BlockHash> = dropped_blocks.iter().map(Block::hash).collect();
        for b in dropped_blocks {
            if self.side.len() < MAX_SIDE_BLOCKS {
                self.side.insert(b.hash(), b);
            }
        }
        Reception::Reorganised(Reorg {
            fork_height: Height::from_index(keep.saturating_sub(1)),
            depth: dropped.len(),
            dropped,
            adopted: branch.iter().map(Block::hash).collect(),
            returned_txs,
            old_work: active_work,
            new_work: branch_work,
        })
    }

    /// Remembers a refused block so its descendants are refused at once. A block refused only
    /// because its body does not match its header is not remembered: the hash names the
    /// header, and the genuine body may still arrive.
    fn remember_invalid(&mut self, r: &Rejection) {
        let body_only = matches!(&r.reason, RejectReason::Invalid(p)
            if p.iter().all(|p| matches!(p, BlockProblem::EntriesRootMismatch { .. })));
        if body_only || self.invalid.len() >= MAX_INVALID || self.knows(&r.hash) {
            return;
        }
        self.invalid.insert(r.hash, r.clone());
    }

    /// Admits a transaction from a peer or the user to the mempool, under the tip's state.
    ///
    /// # Errors
    /// [`TxRejection`]: no sender recoverable, or the mempool's refusal.
    pub fn receive_tx(&mut self, raw: SignedTx) -> Result<AddOutcome, TxRejection> {
        let tx = raw.recover().map_err(TxRejection::Unrecoverable)?;
        self.mempool
            .add(tx, self.chain.state(), &self.params)
            .map_err(TxRejection::Refused)
    }

    /// A candidate block on the tip (coinbase to `beneficiary`, then the mempool's best
    /// transactions), stamped no earlier than the tip.
    pub fn candidate(&self, timestamp_ms: u64, difficulty: u32, beneficiary: Address) -> Block {
        let tip = self.chain.tip();
        build_block(
            tip,
            self.chain.state(),
            &self.mempool,
            &self.params,
            beneficiary,
            timestamp_ms.max(tip.header.timestamp_ms),
            difficulty,
        )
    }

    /// Mines a block on the tip (see [`Self::candidate`]) and takes it. Returns the block to
    /// announce, or `None` when no nonce below `max_attempts` met the difficulty.
    pub fn mine(
        &mut self,
        timestamp_ms: u64,
        difficulty: u32,
        beneficiary: Address,
        max_attempts: u64,
    ) -> Option<(Block, Reception)> {
        let mut block = self.candidate(timestamp_ms, difficulty, beneficiary);
        if !mine(&mut block, max_attempts) {
            return None;
        }
        let reception = self.receive_block(block.clone());
        Some((block, reception))
    }
}

#[cfg(test)]
#[path = "node_tests.rs"]
mod tests;
