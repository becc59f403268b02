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

pub mod network;

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry};
use crate::chain::{check_block, BlockProblem, Chain, ChainParams};
use crate::hash::BlockHash;
use crate::mempool::{build_block, AddOutcome, Mempool, MempoolError};
use crate::pow::{MiningJob, SearchOutcome};
use crate::tx::{SignedTx, Transaction, TxError, U256};

/// Most side-branch blocks a node keeps.
pub const MAX_SIDE_BLOCKS: usize = 4096;
/// Most block hashes a node remembers as invalid.
pub const MAX_INVALID: usize = 4096;
/// Most blocks one answer to [`Message::GetBlocks`] carries.
pub const MAX_BLOCKS_PER_ANSWER: usize = 1000;

/// What peers send each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A block (new, relayed, or part of an answer).
    Block(Block),
    /// The answer to [`Message::GetBlocks`]: consecutive blocks, oldest first.
    Blocks(Vec<Block>),
    /// A signed transaction.
    Tx(SignedTx),
    /// Asks for the blocks leading to `want`, after the newest of `have` the peer holds.
    GetBlocks {
        want: BlockHash,
        have: Vec<BlockHash>,
    },
}

/// A switch to a heavier branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reorg {
    /// Height of the last block both branches share.
    pub fork_height: u64,
    /// How many blocks were taken off the old branch.
    pub depth: usize,
    /// The blocks taken off, oldest first.
    pub dropped: Vec<BlockHash>,
    /// The blocks of the new branch after the fork, oldest first.
    pub adopted: Vec<BlockHash>,
    /// How many transactions of the dropped blocks went back to the mempool.
    pub returned_txs: usize,
    /// Total work of the old and of the new chain.
    pub old_work: u128,
    pub new_work: u128,
}

impl fmt::Display for Reorg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reorg of depth {} at block #{}: {} block(s) dropped, {} adopted (work {} -> {}), {} transaction(s) back in the mempool",
            self.depth,
            self.fork_height,
            self.dropped.len(),
            self.adopted.len(),
            self.old_work,
            self.new_work,
            self.returned_txs
        )
    }
}

/// Why a block was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    /// The block breaks these rules (against its parent and the state on its branch).
    Invalid(Vec<BlockProblem>),
    /// Its parent (or an earlier ancestor) was found invalid.
    DescendsFromInvalid { ancestor: BlockHash },
    /// A genesis block other than this node's.
    OtherGenesis,
    /// The node keeps no more side-branch blocks.
    SideTreeFull,
}

/// A refused block: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub height: u64,
    pub hash: BlockHash,
    pub reason: RejectReason,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block #{} {:#} refused: ", self.height, self.hash)?;
        match &self.reason {
            RejectReason::Invalid(problems) => {
                let words: Vec<String> = problems.iter().map(ToString::to_string).collect();
                f.write_str(&words.join("; "))
            }
            RejectReason::DescendsFromInvalid { ancestor } => {
                write!(f, "it builds on invalid block {ancestor:#}")
            }
            RejectReason::OtherGenesis => f.write_str("it is another chain's genesis block"),
            RejectReason::SideTreeFull => f.write_str("too many side-branch blocks are kept"),
        }
    }
}

/// What a node did with a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reception {
    /// Appended on the tip.
    Extended { height: u64, hash: BlockHash },
    /// Its branch is now the heaviest: the node switched to it.
    Reorganised(Reorg),
    /// Valid, but its branch has no more work than the active chain: kept aside.
    SideBranch {
        height: u64,
        hash: BlockHash,
        branch_work: u128,
        active_work: u128,
    },
    /// This very block is known already.
    AlreadyKnown { hash: BlockHash },
    /// Its parent is unknown: ask the sender for the blocks before it.
    MissingParent { hash: BlockHash, parent: BlockHash },
    /// Refused.
    Rejected(Rejection),
}

impl Reception {
    /// Whether the block was new and valid (worth relaying).
    pub fn is_new_valid(&self) -> bool {
        matches!(
            self,
            Self::Extended { .. } | Self::Reorganised(_) | Self::SideBranch { .. }
        )
    }
}

/// Why a transaction from a peer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxRejection {
    /// No sender can be recovered from the signature.
    Unrecoverable(TxError),
    /// The mempool refused it.
    Refused(MempoolError),
}

impl fmt::Display for TxRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unrecoverable(e) => write!(f, "transaction refused: {e}"),
            Self::Refused(e) => write!(f, "transaction refused: {e}"),
        }
    }
}

/// What handling one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    Block(Reception),
    /// What became of each block of an answer, in order.
    Blocks(Vec<Reception>),
    Tx(Result<AddOutcome, TxRejection>),
    /// Answered a [`Message::GetBlocks`] with this many blocks.
    Served(usize),
}

/// The node's answer to a message: what happened, what to send back to the sender, and what
/// to relay to its other peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub handled: Handled,
    pub reply: Vec<Message>,
    pub relay: Option<Message>,
}

/// A tamper operation that could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TamperError {
    /// No block at this height (or it is genesis).
    NoSuchBlock { height: u64 },
    /// The block holds no transaction to forge.
    NoTransaction { height: u64 },
    /// The params require no difficulty, so none is lower.
    NoMinimumDifficulty,
}

impl fmt::Display for TamperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchBlock { height } => {
                write!(
                    f,
                    "there is no block #{height} after genesis to tamper with"
                )
            }
            Self::NoTransaction { height } => {
                write!(f, "block #{height} holds no transaction to forge")
            }
            Self::NoMinimumDifficulty => {
                f.write_str("the chain requires no minimum difficulty, so none is lower")
            }
        }
    }
}

impl std::error::Error for TamperError {}

/// One block a node knows, for drawing its fork tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeBlock {
    pub height: u64,
    pub hash: BlockHash,
    pub parent: BlockHash,
    pub difficulty: u32,
    /// On the active chain (else on a side branch).
    pub active: bool,
}

/// Where a node first finds its own chain invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compromise {
    pub height: u64,
    pub problems: Vec<BlockProblem>,
}

impl fmt::Display for Compromise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        write!(f, "invalid at block {}: {}", self.height, words.join("; "))
    }
}

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
        };
        node.reindex();
        node
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
            height: v.height,
            problems: v.problems.clone(),
        })
    }

    /// Every block the node knows (active first, then side branches by height).
    pub fn tree(&self) -> Vec<TreeBlock> {
        let entry = |b: &Block, active: bool| TreeBlock {
            height: b.header.height,
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

    /// Handles one message from a peer.
    pub fn handle(&mut self, message: Message) -> Response {
        match message {
            Message::Block(block) => {
                let hash = block.hash();
                let reception = self.receive_block(block.clone());
                let reply = match &reception {
                    Reception::MissingParent { .. } => vec![Message::GetBlocks {
                        want: hash,
                        have: self.locator(),
                    }],
                    _ => Vec::new(),
                };
                let relay = reception.is_new_valid().then_some(Message::Block(block));
                Response {
                    handled: Handled::Block(reception),
                    reply,
                    relay,
                }
            }
            Message::Blocks(blocks) => {
                // An answer never triggers another request: if the peer could not supply a
                // linked run, asking it again would only repeat the answer.
                let mut relay = None;
                let mut receptions = Vec::with_capacity(blocks.len());
                for block in blocks.into_iter().take(MAX_BLOCKS_PER_ANSWER) {
                    let reception = self.receive_block(block.clone());
                    if reception.is_new_valid() {
                        relay = Some(Message::Block(block));
                    }
                    receptions.push(reception);
                }
                Response {
                    handled: Handled::Blocks(receptions),
                    reply: Vec::new(),
                    relay,
                }
            }
            Message::Tx(raw) => {
                let outcome = self.receive_tx(raw.clone());
                let relay = outcome.is_ok().then_some(Message::Tx(raw));
                Response {
                    handled: Handled::Tx(outcome),
                    reply: Vec::new(),
                    relay,
                }
            }
            Message::GetBlocks { want, have } => {
                let blocks = self.blocks_for(&want, &have);
                Response {
                    handled: Handled::Served(blocks.len()),
                    reply: if blocks.is_empty() {
                        Vec::new()
                    } else {
                        vec![Message::Blocks(blocks)]
                    },
                    relay: None,
                }
            }
        }
    }

    /// The hashes this node holds (for [`Message::GetBlocks`]).
    pub fn locator(&self) -> Vec<BlockHash> {
        self.active
            .keys()
            .chain(self.side.keys())
            .copied()
            .collect()
    }

    /// The blocks from just after the newest ancestor of `want` found in `have` up to `want`,
    /// oldest first (at most [`MAX_BLOCKS_PER_ANSWER`], the newest ones). Empty when `want` is
    /// unknown.
    pub fn blocks_for(&self, want: &BlockHash, have: &[BlockHash]) -> Vec<Block> {
        let have: BTreeSet<&BlockHash> = have.iter().collect();
        let mut out = Vec::new();
        let mut at = *want;
        while let Some(block) = self.get(&at) {
            if have.contains(&at) {
                break;
            }
            out.push(block.clone());
            if block.header.height == 0 || out.len() >= MAX_BLOCKS_PER_ANSWER {
                break;
            }
            at = block.header.prev_hash;
        }
        out.reverse();
        out
    }

    /// Judges a block from a peer: checks it against its parent, then, on the tip, appends
    /// it with every rule; on another branch, validates that whole branch and switches to it
    /// when it has more work than the active chain.
    pub fn receive_block(&mut self, block: Block) -> Reception {
        let hash = block.hash();
        let height = block.header.height;
        let reject = |reason| {
            Reception::Rejected(Rejection {
                height,
                hash,
                reason,
            })
        };
        if height == 0 || block.header.prev_hash == BlockHash::ZERO {
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
        let height = block.header.height;
        let params = self.params;
        match self.chain.append(block.clone(), &params) {
            Ok(()) => {
                self.mempool.remove_included(&block);
                self.mempool.promote(self.chain.state());
                self.active.insert(hash, self.chain.len() - 1);
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
        let height = block.header.height;
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
                    height: b.header.height,
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
        if branch_work <= active_work {
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
        self.reindex();
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
            fork_height: keep.saturating_sub(1) as u64,
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

    fn tamper_target(&self, height: u64) -> Result<Block, TamperError> {
        usize::try_from(height)
            .ok()
            .filter(|h| *h > 0)
            .and_then(|h| self.chain.blocks().get(h))
            .cloned()
            .ok_or(TamperError::NoSuchBlock { height })
    }

    fn put_back(&mut self, height: u64, block: Block) {
        if let Ok(h) = usize::try_from(height) {
            self.chain.replace(h, block);
            self.reindex();
        }
    }

    /// Tamper: edits block `height` of this node's copy in place (adds 1 ETH to the first
    /// entry's amount: a record's, a transaction's value, or the coinbase), without updating
    /// the header or re-mining. Returns the edited block (the node serves it to its peers).
    ///
    /// # Errors
    /// [`TamperError::NoSuchBlock`] for genesis or beyond the tip.
    pub fn tamper_edit(&mut self, height: u64) -> Result<Block, TamperError> {
        let mut block = self.tamper_target(height)?;
        let one = Wei::from_wei(1_000_000_000_000_000_000);
        let bump = |w: Wei| Wei::from_wei(w.as_wei().saturating_add(one.as_wei()));
        match block.entries.first_mut() {
            Some(Entry::Record(r)) => r.amount = bump(r.amount),
            Some(Entry::Coinbase { amount, .. } | Entry::Alloc { amount, .. }) => {
                *amount = bump(*amount);
            }
            Some(Entry::Tx { raw, .. }) => *raw = forged(raw),
            None => block.entries.push(Entry::Coinbase {
                to: Address::from_bytes(block.header.beneficiary),
                amount: one,
            }),
        }
        self.put_back(height, block.clone());
        Ok(block)
    }

    /// Tamper: forges the value of the first transaction in block `height` (+1 ETH, the old
    /// signature kept) and recomputes the header's entries root, without re-mining. Returns
    /// the forged block.
    ///
    /// # Errors
    /// [`TamperError`]: no such block, or it holds no transaction.
    pub fn tamper_forge_amount(&mut self, height: u64) -> Result<Block, TamperError> {
        let mut block = self.tamper_target(height)?;
        let Some(raw) = block.entries.iter_mut().find_map(|e| match e {
            Entry::Tx { raw, .. } => Some(raw),
            _ => None,
        }) else {
            return Err(TamperError::NoTransaction { height });
        };
        *raw = forged(raw);
        block.header.entries_root = block.computed_root();
        self.put_back(height, block.clone());
        Ok(block)
    }

    /// Tamper: mines a block on the tip at half the minimum difficulty the params require
    /// and adds it to this node's copy without the checks. Returns that block.
    ///
    /// # Errors
    /// [`TamperError::NoMinimumDifficulty`] when the params require none.
    pub fn tamper_low_difficulty(
        &mut self,
        timestamp_ms: u64,
        beneficiary: Address,
    ) -> Result<Block, TamperError> {
        let min = self.params.min_difficulty;
        if min == 0 {
            return Err(TamperError::NoMinimumDifficulty);
        }
        let mut block = self.candidate(timestamp_ms, min / 2, beneficiary);
        // At min/2 bits (at most 32) a nonce is found quickly; if the bounded search fails the
        // block is added unmined, which is just as invalid.
        mine(&mut block, 1 << 24);
        let mut blocks = self.chain.blocks().to_vec();
        blocks.push(block.clone());
        if let Some(chain) = Chain::from_blocks_with(blocks, &self.params) {
            self.chain = chain;
            self.reindex();
        }
        Ok(block)
    }
}

/// The transaction with 1 ETH more value and the old signature.
fn forged(tx: &SignedTx) -> SignedTx {
    let mut unsigned = tx.tx().clone();
    let one = U256::from(1_000_000_000_000_000_000u128);
    match &mut unsigned {
        Transaction::Legacy(t) => t.value = t.value.saturating_add(one),
        Transaction::Eip1559(t) => t.value = t.value.saturating_add(one),
    }
    SignedTx::from_parts(unsigned, *tx.signature())
}

#[cfg(test)]
#[path = "node_tests.rs"]
mod tests;
