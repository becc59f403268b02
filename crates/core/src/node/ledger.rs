//! The ledger operations a screen needs, on the same [`Node`] the simulated network runs:
//! pending records, submitting a transaction (with the replay it may be), the block a miner
//! searches a nonce for, taking a mined block, replacing the chain (import, new chain) and
//! adopting a heavier one another tab stored. Every rule is the core's; the app calls these
//! and words the results.

use core::fmt;
use std::collections::BTreeMap;

use super::{Node, TxRejection};
use crate::address::Address;
use crate::block::{Block, Entry, Height};
use crate::chain::{AppendError, Chain, ChainParams, MAX_ENTRIES};
use crate::consensus::is_heavier;
use crate::hash::TxHash;
use crate::mempool::{AddOutcome, Mempool, MempoolError};
use crate::record::Record;
use crate::state::TxRuleError;
use crate::tx::SignedTx;

/// The block a miner searches a nonce for, and how many pending records it holds (they
/// leave the pending list when it is taken, see [`Node::accept_mined`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub block: Block,
    pub records: usize,
}

/// A transaction the node refused, and the block that already holds it, if one does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: TxRejection,
    /// Height of the block of this chain that holds these very bytes.
    pub included_at: Option<usize>,
}

impl Refusal {
    /// The block height when the refusal is a replay: the same bytes are already in a block
    /// (so the nonce is used).
    pub fn replay_of(&self) -> Option<usize> {
        match self.reason {
            TxRejection::Refused(MempoolError::Rule(TxRuleError::NonceTooLow { .. })) => {
                self.included_at
            }
            _ => None,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            TxRejection::Unrecoverable(e) => write!(f, "bad signature: {e}"),
            TxRejection::Refused(e) => e.fmt(f),
        }
    }
}

/// A chain the node switched to as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switched {
    /// Blocks of the new chain.
    pub blocks: usize,
    /// Whether blocks of the old chain were dropped (not only appended to).
    pub reorg: bool,
    /// Transactions of the dropped blocks that went back to the mempool.
    pub returned: usize,
}

/// What [`Node::drop_invalid_blocks`] dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    /// The first dropped block.
    pub from: Height,
    /// How many blocks were dropped.
    pub blocks: usize,
    /// Transactions of theirs that went back to the mempool.
    pub returned: usize,
    /// Records of theirs that went back to the pending list.
    pub records: usize,
}

/// Why a chain offered whole was not adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAdopted {
    /// Its genesis block is not ours.
    OtherGenesis,
    /// Block `height` of it is invalid.
    Invalid { height: usize },
    /// It has no more work than our valid prefix.
    NotHeavier { ours: u128, theirs: u128 },
}

impl fmt::Display for NotAdopted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OtherGenesis => f.write_str("it starts from another genesis block"),
            Self::Invalid { height } => write!(f, "its block #{height} is invalid"),
            Self::NotHeavier { ours, theirs } => {
                write!(f, "its work ({theirs}) is not more than ours ({ours})")
            }
        }
    }
}

impl std::error::Error for NotAdopted {}

/// Why no valid block can be mined on the tip: a block of the chain breaks a rule (tamper
/// mode), so every block after it, and a new one on the tip, is invalid too. Its transactions
/// and records would leave the mempool and the pending list for a block no state applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTip {
    /// The first invalid block.
    pub first_invalid: Height,
    /// The tip (the last block).
    pub tip: Height,
}

impl InvalidTip {
    /// How many blocks [`Node::drop_invalid_blocks`] would drop.
    pub fn invalid_blocks(&self) -> u64 {
        self.tip.0.saturating_sub(self.first_invalid.0) + 1
    }
}

impl fmt::Display for InvalidTip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { first_invalid, tip } = self;
        if first_invalid == tip {
            write!(f, "the tip, block #{tip}, is invalid")
        } else {
            write!(
                f,
                "block #{first_invalid} is invalid, and so is every block after it up to the tip #{tip}"
            )
        }
    }
}

impl std::error::Error for InvalidTip {}

/// Why a mined block was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotTaken {
    /// The tip became invalid while mining (a tamper edit): nothing changes.
    InvalidTip(InvalidTip),
    /// It no longer fits the chain (the chain changed while mining).
    Refused(AppendError),
}

impl fmt::Display for NotTaken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidTip(e) => e.fmt(f),
            Self::Refused(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for NotTaken {}

impl Node {
    /// A node around stored parts: a chain (which may hold tampered blocks: its validation
    /// report says which), a mempool, pending records, under `params`.
    pub fn from_parts(
        mut chain: Chain,
        mempool: Mempool,
        pending: Vec<Record>,
        params: ChainParams,
    ) -> Self {
        chain.set_params(&params);
        let mut node = Self {
            params,
            chain,
            mempool,
            active: BTreeMap::new(),
            side: BTreeMap::new(),
            invalid: BTreeMap::new(),
            pending,
            revision: 0,
        };
        node.chain_changed();
        node
    }

    /// The records waiting for the next block, oldest first.
    pub fn pending(&self) -> &[Record] {
        &self.pending
    }

    /// Adds a (checked) record to the pending list.
    pub fn add_record(&mut self, record: Record) {
        self.pending.push(record);
    }

    /// Removes pending record `index`; `None` when there is none.
    pub fn remove_pending(&mut self, index: usize) -> Option<Record> {
        (index < self.pending.len()).then(|| self.pending.remove(index))
    }

    /// Empties the pending list.
    pub fn clear_pending(&mut self) {
        self.pending.clear();
    }

    /// Height of the block that holds the transaction `hash`, if any.
    pub fn find_included(&self, hash: &TxHash) -> Option<usize> {
        self.chain.blocks().iter().position(|b| {
            b.entries
                .iter()
                .any(|e| matches!(e, Entry::Tx { raw, .. } if raw.hash() == *hash))
        })
    }

    /// Confirmations of the block at `height` of the valid prefix: tip height - height + 1
    /// (0 outside the valid prefix).
    pub fn confirmations(&self, height: usize) -> usize {
        self.chain.confirmations(height)
    }

    /// Submits a signed transaction (from the user's wallet) to the mempool under the tip's
    /// state ([`Node::receive_tx`]).
    ///
    /// # Errors
    /// [`Refusal`]: why, and the block already holding these bytes (a replay), if any.
    pub fn submit(&mut self, tx: SignedTx) -> Result<AddOutcome, Refusal> {
        let included_at = self.find_included(&tx.hash());
        self.receive_tx(tx).map_err(|reason| Refusal {
            reason,
            included_at,
        })
    }

    /// Checks that a valid block can be mined on the tip: every block of the chain is valid.
    ///
    /// # Errors
    /// [`InvalidTip`]: the first invalid block and the tip.
    pub fn check_tip(&self) -> Result<(), InvalidTip> {
        let (valid, len) = (self.chain.valid_len(), self.chain.len());
        if valid >= len {
            return Ok(());
        }
        Err(InvalidTip {
            first_invalid: Height::from_index(valid),
            tip: Height::from_index(len.saturating_sub(1)),
        })
    }

    /// Drops the invalid blocks at the end of the chain (from the first invalid one; the
    /// genesis block is always kept) so that mining goes on from the valid prefix: the records
    /// they held come back to the pending list and their transactions to the mempool where
    /// still valid ([`Node::replace_chain`]). `None` when the chain is valid.
    pub fn drop_invalid_blocks(&mut self) -> Option<Dropped> {
        let bad = self.check_tip().err()?;
        let keep = self.chain.valid_len().max(1);
        let blocks = self.chain.blocks().get(..keep).unwrap_or_default().to_vec();
        let prefix = Chain::from_blocks_with(blocks, &self.params)?;
        let blocks = self.chain.len() - prefix.len();
        let records_before = self.pending.len();
        let returned = self.replace_chain(prefix);
        Some(Dropped {
            from: bad.first_invalid,
            blocks,
            returned,
            records: self.pending.len().saturating_sub(records_before),
        })
    }

    /// The block to mine on the tip: [`Node::candidate`] (coinbase to `beneficiary`, then the
    /// mempool's best transactions), then as many pending records as still fit.
    ///
    /// # Errors
    /// [`InvalidTip`] when a block of the chain is invalid: a block on it would be invalid too
    /// (see [`Node::drop_invalid_blocks`]).
    pub fn candidate_block(
        &self,
        beneficiary: Address,
        now_ms: u64,
        difficulty: u32,
    ) -> Result<Candidate, InvalidTip> {
        self.check_tip()?;
        let mut block = self.candidate(now_ms, difficulty, beneficiary);
        let room = MAX_ENTRIES.saturating_sub(block.entries.len());
        let records = self.pending.len().min(room);
        block.entries.extend(
            self.pending
                .iter()
                .take(records)
                .cloned()
                .map(Entry::Record),
        );
        block.header.entries_root = block.computed_root();
        Ok(Candidate { block, records })
    }

    /// Takes a block mined from [`Node::candidate_block`]: appends it with every rule, its
    /// transactions leave the mempool (what waited behind them is reclassified), and its first
    /// `records` pending records leave the pending list.
    ///
    /// # Errors
    /// [`NotTaken`] when the tip became invalid or the block no longer fits the chain (the
    /// chain changed while mining); nothing changes then.
    pub fn accept_mined(&mut self, block: Block, records: usize) -> Result<(), NotTaken> {
        self.check_tip().map_err(NotTaken::InvalidTip)?;
        let params = self.params;
        self.chain
            .append(block.clone(), &params)
            .map_err(NotTaken::Refused)?;
        self.mempool.remove_included(&block);
        self.mempool.promote(self.chain.state());
        let n = records.min(self.pending.len());
        self.pending.drain(..n);
        self.chain_changed();
        Ok(())
    }

    /// Replaces the chain as a whole (an imported chain, a new genesis): the blocks of the old
    /// chain the new one does not share are dropped and their transactions go back to the
    /// mempool where still valid; what the new chain includes leaves it. Side branches are
    /// forgotten. Returns how many transactions came back.
    pub fn replace_chain(&mut self, mut chain: Chain) -> usize {
        chain.set_params(&self.params);
        let keep = self.chain.common_prefix(&chain);
        let removed = self.chain.blocks().get(keep..).unwrap_or_default();
        let added = chain.blocks().get(keep..).unwrap_or_default();
        self.pending = records_back(removed, added, std::mem::take(&mut self.pending));
        let returned = self
            .mempool
            .on_reorg(removed, added, chain.state(), &self.params);
        self.chain = chain;
        self.side.clear();
        self.invalid.clear();
        self.chain_changed();
        returned
    }

    /// Fork choice for a whole chain (another tab's stored chain): adopted, with
    /// [`Node::replace_chain`], only when it has our genesis, every block is valid, and it
    /// has more work than our valid prefix.
    ///
    /// # Errors
    /// [`NotAdopted`]: why it was not.
    pub fn adopt_if_heavier(&mut self, mut chain: Chain) -> Result<Switched, NotAdopted> {
        chain.set_params(&self.params);
        self.judge_whole(&chain)?;
        let reorg = self.chain.common_prefix(&chain) < self.chain.len();
        let blocks = chain.len();
        let returned = self.replace_chain(chain);
        Ok(Switched {
            blocks,
            reorg,
            returned,
        })
    }

    /// The fork choice of [`Node::adopt_if_heavier`] without the switch (for a `chain` built
    /// under this node's params).
    ///
    /// # Errors
    /// [`NotAdopted`]: why it would not be adopted.
    pub fn judge_whole(&self, chain: &Chain) -> Result<(), NotAdopted> {
        if chain.blocks().first().map(Block::hash) != self.chain.blocks().first().map(Block::hash) {
            return Err(NotAdopted::OtherGenesis);
        }
        if chain.valid_len() != chain.len() {
            return Err(NotAdopted::Invalid {
                height: chain.valid_len(),
            });
        }
        let (ours, theirs) = (self.chain.valid_work(), chain.total_work());
        if !is_heavier(theirs, ours) {
            return Err(NotAdopted::NotHeavier { ours, theirs });
        }
        Ok(())
    }

    /// Installs what a peers' sync validated and chose ([`crate::peer::Reaction`]): the
    /// heavier chain, the mempool it re-checked, either or both.
    pub fn install_synced(&mut self, chain: Option<Chain>, mempool: Option<Mempool>) {
        if let Some(chain) = chain {
            let keep = self.chain.common_prefix(&chain);
            let removed = self.chain.blocks().get(keep..).unwrap_or_default();
            let added = chain.blocks().get(keep..).unwrap_or_default();
            self.pending = records_back(removed, added, std::mem::take(&mut self.pending));
            self.chain = chain;
            self.side.clear();
            self.chain_changed();
        }
        if let Some(pool) = mempool {
            self.mempool = pool;
        }
    }

    /// Re-checks the senders a stored chain was loaded with, at most `max` of them (see
    /// [`Chain::check_stored_senders`]).
    pub fn check_stored_senders(&mut self, max: usize) -> Vec<crate::chain::StoredSenderMismatch> {
        let found = self.chain.check_stored_senders(max);
        if !found.is_empty() {
            self.chain_changed();
        }
        found
    }
}

/// The pending list after a switch from `removed` blocks to `added` ones: the records of the
/// dropped blocks that the new blocks do not hold come back first (oldest first), as dropped
/// transactions go back to the mempool; a record is never lost to a reorg.
fn records_back(removed: &[Block], added: &[Block], pending: Vec<Record>) -> Vec<Record> {
    let records = |blocks: &[Block]| -> Vec<Record> {
        blocks
            .iter()
            .flat_map(|b| b.entries.iter())
            .filter_map(|e| match e {
                Entry::Record(r) => Some(r.clone()),
                _ => None,
            })
            .collect()
    };
    let mut included = records(added);
    let mut back: Vec<Record> = records(removed)
        .into_iter()
        .filter(|r| match included.iter().position(|x| x == r) {
            Some(i) => {
                included.swap_remove(i);
                false
            }
            None => true,
        })
        .collect();
    back.extend(pending);
    back
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
