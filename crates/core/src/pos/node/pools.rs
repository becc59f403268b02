//! What a node pools for proposers besides votes: deposits and exits checked against its head,
//! and ordinary transfers, pooled with the core's own mempool against its head's ledger (a
//! proposer takes the best-paying ones that the branch accepts).

use super::PosNode;
use crate::hash::TxHash;
use crate::mempool::MempoolError;
use crate::pos::refusal::{DepositRefusal, ExitRefusal, TransferRefusal};
use crate::pos::state::{ledger_params, BeaconState};
use crate::pos::types::{Deposit, Exit, Transfer, MAX_TRANSFERS};
use crate::tx::{Recovered, SignedTx};

/// Transfers one node pools, at most.
pub(super) const POOL_CAPACITY: usize = 1024;
/// Transfer hashes remembered, at most (then forgotten at once: a late copy is then checked
/// again and refused by its nonce, which changes nothing).
const SEEN_KEPT: usize = 100_000;

impl PosNode {
    /// Checks a deposit against the head's state and keeps it for a block.
    ///
    /// # Errors
    /// Why the deposit is refused. `Ok(false)`: already held.
    pub fn receive_deposit(&mut self, d: Deposit) -> Result<bool, DepositRefusal> {
        if self.deposits.contains(&d) {
            return Ok(false);
        }
        let state = self.head_state().ok_or(DepositRefusal::RegistryFull)?;
        let checked = state.check_deposit(&d.raw, &self.params).map(|_| ());
        self.checked += 1;
        checked?;
        self.deposits.push(d);
        Ok(true)
    }

    /// Checks an exit against the head's state and keeps it for a block.
    ///
    /// # Errors
    /// Why the exit is refused. `Ok(false)`: already held.
    pub fn receive_exit(&mut self, x: Exit) -> Result<bool, ExitRefusal> {
        if self.exits.contains(&x) {
            return Ok(false);
        }
        let state = self.head_state().ok_or(ExitRefusal::UnknownValidator {
            validator: x.validator,
        })?;
        let checked = state.check_exit(&x, &self.params);
        self.checked += 1;
        checked?;
        self.exits.push(x);
        Ok(true)
    }

    /// Checks a transfer (signature, chain, the deposit address, then the pool's rules against
    /// the head's ledger) and pools it for a block.
    ///
    /// # Errors
    /// Why it is refused. `Ok(false)`: already seen.
    pub fn receive_transfer(&mut self, t: &Transfer) -> Result<bool, TransferRefusal> {
        let hash = SignedTx::from_raw_hex(&t.raw)
            .map_err(|e| TransferRefusal::Malformed(e.to_string()))?
            .hash();
        if self.seen_transfers.contains(&hash) {
            return Ok(false);
        }
        let tx = BeaconState::read_transfer(&t.raw);
        self.checked += 1;
        let tx = tx?;
        let head = self.head();
        let Some(entry) = self.entries.get(&head) else {
            return Err(TransferRefusal::Ledger("the node has no head".into()));
        };
        match self
            .transfers
            .add(tx, &entry.state.ledger, &ledger_params(&self.params))
        {
            Ok(_) => {
                self.remember_transfer(hash);
                Ok(true)
            }
            Err(MempoolError::AlreadyKnown { .. }) => Ok(false),
            Err(e) => Err(TransferRefusal::Ledger(e.to_string())),
        }
    }

    fn remember_transfer(&mut self, hash: TxHash) {
        if self.seen_transfers.len() >= SEEN_KEPT {
            self.seen_transfers.clear();
        }
        self.seen_transfers.insert(hash);
    }

    /// Remembers the transfers of a block just stored.
    pub(super) fn note_transfers(&mut self, root: &crate::hash::Hash32) {
        let hashes: Vec<TxHash> = self
            .entries
            .get(root)
            .and_then(|e| e.block.as_ref())
            .map(|b| {
                b.body
                    .transfers
                    .iter()
                    .filter_map(|t| SignedTx::from_raw_hex(&t.raw).ok())
                    .map(|s| s.hash())
                    .collect()
            })
            .unwrap_or_default();
        for h in hashes {
            self.remember_transfer(h);
        }
    }

    /// The pooled transfers not yet in the head's branch, in the order a proposer would take
    /// them against `state` (the state the block is built on): the best tip first, nonce order
    /// within a sender, while the ledger's block gas limit allows.
    pub fn transfers_for(&self, state: &BeaconState) -> Vec<Recovered> {
        let mut pool = self.transfers.clone();
        pool.promote(&state.ledger);
        let mut out = pool.select_for_block(&state.ledger, &ledger_params(&self.params));
        out.truncate(MAX_TRANSFERS);
        out
    }

    /// The pool as it stands against the head's ledger: what the head's branch included is
    /// dropped, the rest classified from the head's nonces.
    fn pool_at_head(&self) -> Option<(crate::mempool::Mempool, &crate::state::State)> {
        let ledger = &self.head_state()?.ledger;
        let mut pool = self.transfers.clone();
        pool.promote(ledger);
        Some((pool, ledger))
    }

    /// The transfers waiting on this node: pooled and not in its head's branch.
    pub fn waiting_transfers(&self) -> Vec<Recovered> {
        self.pool_at_head()
            .map(|(pool, _)| pool.iter().map(|(tx, _)| tx.clone()).collect())
            .unwrap_or_default()
    }

    /// The nonce `address`'s next transfer should carry on this node: the mempool's own rule
    /// ([`crate::mempool::Mempool::next_nonce`]) against the head's ledger.
    pub fn next_nonce(&self, address: &crate::address::Address) -> u64 {
        self.pool_at_head()
            .map_or(0, |(pool, ledger)| pool.next_nonce(address, ledger))
    }
}
