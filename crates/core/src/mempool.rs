//! The mempool: signed transactions waiting to be mined, and the block builder.
//!
//! Per sender, transactions are **pending** (executable now: their nonces run without a gap
//! from the sender's next nonce) or **queued** (after a nonce gap; promoted when the gap
//! fills). Admission uses the same rules as block validation ([`crate::state::check_tx`]); a
//! nonce above the next one is queued instead of refused. Invariant: never two transactions
//! with the same (sender, nonce); a second one must replace the first and pay at least 10% more
//! in both fee fields.
//!
//! [`Mempool::best`] yields pending transactions for inclusion: highest effective tip first,
//! nonce order within a sender. [`Mempool::select_for_block`] takes from it while the block gas
//! limit allows, checking balances cumulatively on a scratch state; [`build_block`] wraps the
//! result in a candidate block with its coinbase.

use core::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry};
use crate::hash::TxHash;
use crate::params::{ChainParams, MAX_ENTRIES};
use crate::state::{check_tx, State, TxRuleError};
use crate::tx::{Recovered, Transaction};

mod best;
mod error;

pub use error::MempoolError;

use best::Candidate;
pub use best::{build_block, BestTransactions};

/// How many transactions the pool holds by default.
pub const DEFAULT_CAPACITY: usize = 10_000;
/// How much more (in percent) a replacement must pay in both fee fields.
pub const REPLACEMENT_BUMP_PERCENT: u128 = 10;

/// Where a transaction waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// Executable now (no nonce gap).
    Pending,
    /// Waits for a missing earlier nonce.
    Queued,
}

/// What [`Mempool::add`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// Added as executable.
    Pending,
    /// Added behind a nonce gap.
    Queued,
    /// Replaced the transaction `old` with the same sender and nonce.
    Replaced { old: TxHash },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct SenderTxs {
    pending: BTreeMap<u64, Recovered>,
    queued: BTreeMap<u64, Recovered>,
}

impl SenderTxs {
    fn get(&self, nonce: u64) -> Option<&Recovered> {
        self.pending.get(&nonce).or_else(|| self.queued.get(&nonce))
    }

    fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.queued.is_empty()
    }

    /// Moves queued transactions that continue the pending run into pending.
    fn promote_run(&mut self, mut next: u64) {
        while self.pending.contains_key(&next) {
            match next.checked_add(1) {
                Some(n) => next = n,
                None => return,
            }
        }
        while let Some(tx) = self.queued.remove(&next) {
            self.pending.insert(next, tx);
            match next.checked_add(1) {
                Some(n) => next = n,
                None => return,
            }
        }
    }
}

/// `(max fee per gas, max priority fee per gas)`; a legacy price is both.
fn fee_caps(tx: &Transaction) -> (u128, u128) {
    match tx {
        Transaction::Legacy(t) => (t.gas_price, t.gas_price),
        Transaction::Eip1559(t) => (t.max_fee_per_gas, t.max_priority_fee_per_gas),
    }
}

/// The tip per gas the miner gets at `base_fee` (0 when the transaction cannot pay it).
pub fn effective_tip(tx: &Transaction, base_fee: u128) -> u128 {
    tx.effective_gas_price(base_fee)
        .map_or(0, |price| price.saturating_sub(base_fee))
}

/// The least fee a replacement must offer for a waiting fee `old`: `old + old * 10%` (rounded
/// down, as geth does); `None` when that overflows.
pub fn bumped(old: u128) -> Option<u128> {
    old.checked_add(
        old / 100 * REPLACEMENT_BUMP_PERCENT + old % 100 * REPLACEMENT_BUMP_PERCENT / 100,
    )
}

/// Signed transactions waiting for a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mempool {
    senders: BTreeMap<Address, SenderTxs>,
    hashes: BTreeMap<TxHash, (Address, u64)>,
    capacity: usize,
}

impl Default for Mempool {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl Mempool {
    /// An empty pool of [`DEFAULT_CAPACITY`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty pool that holds at most `capacity` transactions.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            senders: BTreeMap::new(),
            hashes: BTreeMap::new(),
            capacity,
        }
    }

    /// Number of transactions waiting.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The most transactions the pool holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether `hash` waits here.
    pub fn contains(&self, hash: &TxHash) -> bool {
        self.hashes.contains_key(hash)
    }

    /// The transaction `hash` and where it waits.
    pub fn get(&self, hash: &TxHash) -> Option<(&Recovered, TxStatus)> {
        let (sender, nonce) = self.hashes.get(hash)?;
        let txs = self.senders.get(sender)?;
        if let Some(tx) = txs.pending.get(nonce) {
            return Some((tx, TxStatus::Pending));
        }
        txs.queued.get(nonce).map(|tx| (tx, TxStatus::Queued))
    }

    /// Pending transactions, by sender then nonce.
    pub fn pending(&self) -> impl Iterator<Item = &Recovered> {
        self.senders.values().flat_map(|s| s.pending.values())
    }

    /// Queued transactions, by sender then nonce.
    pub fn queued(&self) -> impl Iterator<Item = &Recovered> {
        self.senders.values().flat_map(|s| s.queued.values())
    }

    /// Every transaction with its status, by sender then nonce.
    pub fn iter(&self) -> impl Iterator<Item = (&Recovered, TxStatus)> {
        self.senders.values().flat_map(|s| {
            let mut all: Vec<(&Recovered, TxStatus)> = s
                .pending
                .values()
                .map(|t| (t, TxStatus::Pending))
                .chain(s.queued.values().map(|t| (t, TxStatus::Queued)))
                .collect();
            all.sort_by_key(|(t, _)| t.tx().nonce());
            all
        })
    }

    /// The nonce `sender`'s next transaction should carry: the state's next nonce, past the
    /// sender's pending transactions (what a wallet fills in).
    pub fn next_nonce(&self, sender: &Address, state: &State) -> u64 {
        let mut next = state.nonce(sender);
        if let Some(txs) = self.senders.get(sender) {
            while txs.pending.contains_key(&next) {
                match next.checked_add(1) {
                    Some(n) => next = n,
                    None => break,
                }
            }
        }
        next
    }

    /// Admits a transaction: checked by the block rules against `state`; a nonce above the
    /// sender's next pending one is queued. A transaction with the sender and nonce of one
    /// already waiting replaces it if both its fee fields are at least 10% higher. When the
    /// pool is full, the cheapest queued transaction is evicted for a better-paying one.
    ///
    /// # Errors
    /// [`MempoolError`]: a broken rule (nonce too low / replay, insufficient funds, wrong chain
    /// id, ...), already known, replacement underpriced, or full.
    pub fn add(
        &mut self,
        tx: Recovered,
        state: &State,
        params: &ChainParams,
    ) -> Result<AddOutcome, MempoolError> {
        let hash = tx.hash();
        if self.hashes.contains_key(&hash) {
            return Err(MempoolError::AlreadyKnown { hash });
        }
        let sender = tx.sender();
        let nonce = tx.tx().nonce();
        match check_tx(tx.signed(), state.account(&sender), params) {
            Ok(_) | Err(TxRuleError::NonceTooHigh { .. }) => {}
            Err(e) => return Err(MempoolError::Rule(e)),
        }
        let frontier = self.next_nonce(&sender, state);
        let status = if nonce <= frontier {
            TxStatus::Pending
        } else {
            TxStatus::Queued
        };
        let old = self
            .senders
            .get(&sender)
            .and_then(|s| s.get(nonce))
            .map(Recovered::hash);
        if let Some(old_hash) = old {
            self.check_replacement(&sender, nonce, &tx)?;
            self.remove(&old_hash);
        } else if self.len() >= self.capacity {
            self.make_room(&tx, status, params.base_fee)?;
        }
        let txs = self.senders.entry(sender).or_default();
        match status {
            TxStatus::Pending => {
                txs.pending.insert(nonce, tx);
                txs.promote_run(nonce);
            }
            TxStatus::Queued => {
                txs.queued.insert(nonce, tx);
            }
        }
        self.hashes.insert(hash, (sender, nonce));
        Ok(match (old, status) {
            (Some(old), _) => AddOutcome::Replaced { old },
            (None, TxStatus::Pending) => AddOutcome::Pending,
            (None, TxStatus::Queued) => AddOutcome::Queued,
        })
    }

    fn check_replacement(
        &self,
        sender: &Address,
        nonce: u64,
        new: &Recovered,
    ) -> Result<(), MempoolError> {
        let Some(old) = self.senders.get(sender).and_then(|s| s.get(nonce)) else {
            return Ok(());
        };
        let (old_fee, old_tip) = fee_caps(old.tx());
        let (new_fee, new_tip) = fee_caps(new.tx());
        match (bumped(old_fee), bumped(old_tip)) {
            (Some(min_max_fee), Some(min_tip)) if new_fee >= min_max_fee && new_tip >= min_tip => {
                Ok(())
            }
            (min_max_fee, min_tip) => Err(MempoolError::ReplacementUnderpriced {
                nonce,
                min_max_fee: min_max_fee.unwrap_or(u128::MAX),
                min_tip: min_tip.unwrap_or(u128::MAX),
            }),
        }
    }

    /// Evicts the cheapest queued transaction (lowest tip, then highest nonce) for `new`.
    fn make_room(
        &mut self,
        new: &Recovered,
        status: TxStatus,
        base_fee: u128,
    ) -> Result<(), MempoolError> {
        let full = MempoolError::Full {
            capacity: self.capacity,
        };
        let cheapest = self
            .queued()
            .map(|t| {
                (
                    effective_tip(t.tx(), base_fee),
                    core::cmp::Reverse(t.tx().nonce()),
                    t.hash(),
                )
            })
            .min();
        let Some((tip, _, hash)) = cheapest else {
            return Err(full);
        };
        if status == TxStatus::Queued && effective_tip(new.tx(), base_fee) <= tip {
            return Err(full);
        }
        self.remove(&hash);
        Ok(())
    }

    /// Removes one transaction by hash; returns it. Later transactions of the sender stay
    /// where they are until [`Self::promote`] reclassifies them against a state.
    pub fn remove(&mut self, hash: &TxHash) -> Option<Recovered> {
        let (sender, nonce) = self.hashes.remove(hash)?;
        let txs = self.senders.get_mut(&sender)?;
        let tx = txs
            .pending
            .remove(&nonce)
            .or_else(|| txs.queued.remove(&nonce));
        if txs.is_empty() {
            self.senders.remove(&sender);
        }
        tx
    }

    /// Drops the transactions a block included, and any other transaction with the same
    /// sender and nonce (it can never be mined now).
    pub fn remove_included(&mut self, block: &Block) {
        for entry in &block.entries {
            if let Entry::Tx { from, raw } = entry {
                self.remove(&raw.hash());
                let nonce = raw.tx().nonce();
                let same_slot = self
                    .senders
                    .get(from)
                    .and_then(|s| s.get(nonce))
                    .map(Recovered::hash);
                if let Some(hash) = same_slot {
                    self.remove(&hash);
                }
            }
        }
    }

    /// Reclassifies every sender against `state`: drops nonces already used, makes the run
    /// from the next nonce pending and the rest queued.
    pub fn promote(&mut self, state: &State) {
        let mut dropped = Vec::new();
        for (sender, txs) in &mut self.senders {
            let next = state.nonce(sender);
            let mut all = core::mem::take(&mut txs.pending);
            all.append(&mut txs.queued);
            let keep = all.split_off(&next);
            dropped.extend(all.into_values().map(|t| t.hash()));
            txs.queued = keep;
            txs.promote_run(next);
        }
        for hash in dropped {
            self.hashes.remove(&hash);
        }
        self.senders.retain(|_, txs| !txs.is_empty());
    }

    /// After the chain switched branches: drops what `added` included, returns the
    /// transactions of `removed` that are not in `added` to the pool (those still valid against
    /// `state`, the new tip's state) and reclassifies. Returns how many came back.
    pub fn on_reorg(
        &mut self,
        removed: &[Block],
        added: &[Block],
        state: &State,
        params: &ChainParams,
    ) -> usize {
        for block in added {
            self.remove_included(block);
        }
        let included: BTreeSet<TxHash> = added
            .iter()
            .flat_map(|b| b.entries.iter())
            .filter_map(|e| match e {
                Entry::Tx { raw, .. } => Some(raw.hash()),
                _ => None,
            })
            .collect();
        self.promote(state);
        let mut returned = 0;
        for entry in removed.iter().flat_map(|b| b.entries.iter()) {
            let Entry::Tx { raw, .. } = entry else {
                continue;
            };
            if included.contains(&raw.hash()) {
                continue;
            }
            if let Ok(tx) = raw.clone().recover() {
                if self.add(tx, state, params).is_ok() {
                    returned += 1;
                }
            }
        }
        self.promote(state);
        returned
    }

    /// Pending transactions in inclusion order: highest effective tip at `base_fee` first,
    /// nonce order within a sender.
    pub fn best(&self, base_fee: u128) -> BestTransactions<'_> {
        let heap = self
            .senders
            .iter()
            .filter_map(|(sender, txs)| {
                let (nonce, tx) = txs.pending.first_key_value()?;
                Some(Candidate {
                    tip: effective_tip(tx.tx(), base_fee),
                    sender: *sender,
                    nonce: *nonce,
                })
            })
            .collect();
        BestTransactions {
            pool: self,
            heap,
            base_fee,
            last: None,
        }
    }

    /// The transactions for the next block: from [`Self::best`], each applied to a scratch copy
    /// of `state` (so balances and nonces are checked cumulatively) while the block gas limit
    /// allows. A sender whose transaction does not fit or fails is skipped from then on.
    pub fn select_for_block(&self, state: &State, params: &ChainParams) -> Vec<Recovered> {
        self.select(state, params).0
    }

    fn select(&self, state: &State, params: &ChainParams) -> (Vec<Recovered>, Wei) {
        let mut scratch = state.clone();
        let mut gas_used: u64 = 0;
        let mut tips = Wei::ZERO;
        let mut out = Vec::new();
        let mut best = self.best(params.base_fee);
        // One entry is kept for the coinbase.
        let max_txs = MAX_ENTRIES.saturating_sub(1);
        while let Some(tx) = best.next() {
            if out.len() >= max_txs {
                break;
            }
            let gas_limit = tx.tx().gas_limit();
            if gas_used.saturating_add(gas_limit) > params.block_gas_limit {
                best.mark_invalid();
                continue;
            }
            match scratch.apply_tx(&tx.sender(), tx.signed(), params) {
                Ok(receipt) => {
                    gas_used = gas_used.saturating_add(receipt.cost.gas_used);
                    tips = Wei::from_wei(
                        tips.as_wei()
                            .saturating_add(receipt.cost.priority_fee.as_wei()),
                    );
                    out.push(tx.clone());
                }
                Err(_) => best.mark_invalid(),
            }
        }
        (out, tips)
    }
}

#[cfg(test)]
#[path = "mempool_tests.rs"]
mod tests;
