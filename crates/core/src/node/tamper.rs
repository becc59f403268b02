//! Tamper operations on a node's own copy (what an attacker can do to the blocks it holds):
//! edit a block in place, forge a transaction's value, mine below the minimum difficulty.

use core::fmt;

use super::{mine, Node};
use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry};
use crate::chain::Chain;
use crate::tx::{SignedTx, Transaction, U256};

/// A tamper operation that could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TamperError {
    /// No block at this height (or it is genesis).
    NoSuchBlock { height: u64 },
    /// The block holds no transaction to forge.
    NoTransaction { height: u64 },
    /// The params require no difficulty, so none is lower.
    NoMinimumDifficulty,
    /// Block `height` has no entry `entry` of the kind the edit needs.
    NoSuchEntry { height: u64, entry: usize },
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
            Self::NoSuchEntry { height, entry } => {
                write!(f, "block #{height} has no entry {entry} of that kind")
            }
        }
    }
}

impl std::error::Error for TamperError {}

impl Node {
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
            self.chain_changed();
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
            self.chain_changed();
        }
        Ok(block)
    }

    /// Tamper mode on the ledger: edits one field of record `entry` of block `height` in
    /// place and recomputes the entries root, as a forger would, so the block's hash changes
    /// (and its proof of work no longer holds). Genesis may be edited too.
    ///
    /// # Errors
    /// [`TamperError::NoSuchEntry`] when that entry is not a record (or there is no block).
    pub fn tamper_record(
        &mut self,
        height: usize,
        entry: usize,
        edit: RecordEdit,
    ) -> Result<(), TamperError> {
        self.edit_entry(height, entry, |e| {
            let Entry::Record(r) = e else {
                return false;
            };
            match edit {
                RecordEdit::Sender(t) => r.sender = t,
                RecordEdit::Receiver(t) => r.receiver = t,
                RecordEdit::Memo(t) => r.memo = t,
                RecordEdit::Amount(a) => r.amount = a,
            }
            true
        })
    }

    /// Tamper mode on the ledger: gives transaction `entry` of block `height` another value,
    /// keeping its old signature ([`forged_value`]), and recomputes the entries root. No
    /// re-mining can repair it: the signature no longer recovers the claimed sender.
    ///
    /// # Errors
    /// [`TamperError::NoSuchEntry`] when that entry is not a transaction.
    pub fn tamper_tx_value(
        &mut self,
        height: usize,
        entry: usize,
        value: Wei,
    ) -> Result<(), TamperError> {
        self.edit_entry(height, entry, |e| {
            let Entry::Tx { raw, .. } = e else {
                return false;
            };
            *raw = forged_value(raw, U256::from(value.as_wei()));
            true
        })
    }

    /// Edits entry `entry` of block `height` with `edit` (false: not the right kind) and
    /// recomputes the entries root, as a forger would, without re-mining.
    fn edit_entry(
        &mut self,
        height: usize,
        entry: usize,
        edit: impl FnOnce(&mut Entry) -> bool,
    ) -> Result<(), TamperError> {
        let missing = TamperError::NoSuchEntry {
            height: height as u64,
            entry,
        };
        let mut block = self
            .chain
            .blocks()
            .get(height)
            .cloned()
            .ok_or(missing.clone())?;
        if !block.entries.get_mut(entry).is_some_and(edit) {
            return Err(missing);
        }
        block.header.entries_root = block.computed_root();
        self.put_back(height as u64, block);
        Ok(())
    }

    /// The block at `height` made ready for a new nonce search (tamper-mode repair): its
    /// entries root recomputed, its height and parent link set to its place in the chain, its
    /// timestamp no earlier than its parent's. `None` beyond the tip.
    pub fn remine_candidate(&self, height: usize) -> Option<Block> {
        let blocks = self.chain.blocks();
        let mut b = blocks.get(height)?.clone();
        b.header.entries_root = b.computed_root();
        b.header.height = height as u64;
        if let Some(parent) = height.checked_sub(1).and_then(|i| blocks.get(i)) {
            b.header.prev_hash = parent.hash();
            b.header.timestamp_ms = b.header.timestamp_ms.max(parent.header.timestamp_ms);
        }
        Some(b)
    }

    /// Puts a re-mined block (see [`Self::remine_candidate`]) back at `height`, unchecked
    /// (the validation report judges it). False beyond the tip.
    pub fn put_remined(&mut self, height: usize, block: Block) -> bool {
        let done = self.chain.replace(height, block);
        if done {
            self.chain_changed();
        }
        done
    }
}

/// One field of a record, with its new value (tamper mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordEdit {
    Sender(String),
    Receiver(String),
    Amount(Wei),
    Memo(String),
}

/// `tx` with another value and the old signature (what a forger without the key can do): the
/// bytes re-encode, the hash changes, and the signature now recovers another address (or none).
pub fn forged_value(tx: &SignedTx, value: U256) -> SignedTx {
    let mut unsigned = tx.tx().clone();
    match &mut unsigned {
        Transaction::Legacy(t) => t.value = value,
        Transaction::Eip1559(t) => t.value = value,
    }
    SignedTx::from_parts(unsigned, *tx.signature())
}

/// The transaction with 1 ETH more value and the old signature.
fn forged(tx: &SignedTx) -> SignedTx {
    let one = U256::from(1_000_000_000_000_000_000u128);
    forged_value(tx, tx.tx().value().saturating_add(one))
}
