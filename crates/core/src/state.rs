//! Account state (balance and nonce per address) and how transactions and blocks change it.
//!
//! The rules themselves live in [`crate::rules`] (re-exported here): [`State::apply_tx`]
//! checks a transaction with [`check_tx`], the same function the mempool admits with.
//! [`State::apply_block`] applies a whole block transactionally: a block with any problem
//! leaves the state untouched.
//!
//! Money model (EIP-1559 without an EVM): a transfer uses exactly its intrinsic gas; the sender
//! pays `value + gas_used * effective_gas_price`; the base-fee part is burned; the priority part
//! goes to the miner through the block's coinbase, together with the block reward.

use std::collections::{BTreeMap, HashMap};

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry};
use crate::check::BlockProblem;
use crate::hash::TxHash;
use crate::params::ChainParams;
pub use crate::rules::{
    check_chain_id, check_funds, check_nonce, check_tx, AccountState, TxCost, TxRuleError,
};
use crate::tx::{Recovered, SignedTx, TxError};

/// Where the coins came from and where they went (for the conservation check and the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Supply {
    /// Pre-funded by the genesis block's allocations.
    pub allocated: Wei,
    /// Created as block rewards (paid through coinbase entries).
    pub minted: Wei,
    /// Burned as base fees.
    pub burned: Wei,
}

/// The balances and nonces after applying blocks from genesis.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    accounts: BTreeMap<Address, AccountState>,
    supply: Supply,
}

/// What applying one transaction did (what an explorer shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub hash: TxHash,
    pub from: Address,
    pub to: Address,
    pub nonce: u64,
    pub cost: TxCost,
}

/// What applying a block did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockOutcome {
    /// One receipt per transaction, in block order.
    pub receipts: Vec<Receipt>,
    /// Gas used by all transactions.
    pub gas_used: u64,
    /// The coinbase paid (reward plus priority fees), if the block has one.
    pub coinbase: Option<Wei>,
}

fn saturating_add(a: Wei, b: Wei) -> Wei {
    Wei::from_wei(a.as_wei().saturating_add(b.as_wei()))
}

/// Recovered senders by transaction hash, so a transaction already verified is never recovered
/// again. Sound because the hash is keccak256 of the raw signed bytes: any change to a field or
/// to the signature changes the key.
///
/// A sender can also be *assumed* ([`SenderCache::assume`]): taken from storage on trust so a
/// start need not recover every stored sender before the first paint. Each assumed sender
/// stays on a list until [`SenderCache::check_assumed`] recovers it; one that is not its
/// transaction's signer is replaced by what recovery gave and reported.
#[derive(Debug, Clone, Default)]
pub struct SenderCache {
    senders: HashMap<TxHash, Result<Address, TxError>>,
    recoveries: u64,
    /// Transactions whose cached sender was assumed and is not checked yet (checked last first).
    assumed: Vec<SignedTx>,
}

/// A sender taken from storage that is not its transaction's signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedSenderMismatch {
    pub tx: TxHash,
    /// The sender storage claimed.
    pub claimed: Address,
    /// What recovery gave: another address, or why there is none.
    pub signer: Result<Address, TxError>,
}

impl SenderCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The sender of `tx`, recovered only if this transaction was never seen.
    ///
    /// # Errors
    /// The [`TxError`] recovery gave (cached too).
    pub fn sender(&mut self, tx: &SignedTx) -> Result<Address, TxError> {
        let hash = tx.hash();
        if let Some(known) = self.senders.get(&hash) {
            return known.clone();
        }
        self.recoveries += 1;
        let result = tx.recover_sender();
        self.senders.insert(hash, result.clone());
        result
    }

    /// The cached sender of `tx`, without recovering it when it was never seen.
    pub fn known(&self, tx: &SignedTx) -> Option<&Result<Address, TxError>> {
        self.senders.get(&tx.hash())
    }

    /// Records a sender already known (a transaction signed or recovered elsewhere).
    pub fn remember(&mut self, tx: &Recovered) {
        self.senders.insert(tx.hash(), Ok(tx.sender()));
    }

    /// Takes `sender` as the sender of `tx` without recovering it (a sender read back from
    /// storage), until [`Self::check_assumed`] checks it. No-op for a transaction already
    /// cached.
    pub fn assume(&mut self, tx: &SignedTx, sender: Address) {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.senders.entry(tx.hash()) {
            slot.insert(Ok(sender));
            self.assumed.push(tx.clone());
        }
    }

    /// How many assumed senders are not checked yet.
    pub fn unchecked(&self) -> usize {
        self.assumed.len()
    }

    /// Recovers up to `max` assumed senders. Each one that is not its transaction's signer is
    /// replaced in the cache by what recovery gave, and returned.
    pub fn check_assumed(&mut self, max: usize) -> Vec<AssumedSenderMismatch> {
        let mut found = Vec::new();
        for _ in 0..max {
            let Some(tx) = self.assumed.pop() else { break };
            let hash = tx.hash();
            let Some(Ok(claimed)) = self.senders.get(&hash).cloned() else {
                continue;
            };
            self.recoveries += 1;
            let signer = tx.recover_sender();
            if signer.as_ref() != Ok(&claimed) {
                self.senders.insert(hash, signer.clone());
                found.push(AssumedSenderMismatch {
                    tx: hash,
                    claimed,
                    signer,
                });
            }
        }
        found
    }

    /// How many recoveries this cache has run.
    pub fn recoveries(&self) -> u64 {
        self.recoveries
    }

    /// Number of transactions cached.
    pub fn len(&self) -> usize {
        self.senders.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.senders.is_empty()
    }
}

impl State {
    /// An empty state (before genesis).
    pub fn new() -> Self {
        Self::default()
    }

    /// A state holding only genesis allocations (a ledger that starts without a genesis block,
    /// as proof of stake's does). Amounts that would overflow one account are capped.
    pub fn from_allocations(allocs: &[(Address, Wei)]) -> Self {
        let mut s = Self::new();
        for (a, w) in allocs {
            let _ = s.credit(a, *w);
            s.supply.allocated = s
                .supply
                .allocated
                .checked_add(*w)
                .unwrap_or(s.supply.allocated);
        }
        s
    }

    /// Credits a withdrawal from the consensus layer (proof of stake: an exited validator's
    /// balance returns to its address, outside any transaction, as Ethereum's withdrawals do).
    /// It counts as minted.
    ///
    /// # Errors
    /// [`TxRuleError::BalanceOverflow`]; nothing changes then.
    pub fn credit_withdrawal(&mut self, to: &Address, amount: Wei) -> Result<(), TxRuleError> {
        self.credit(to, amount)?;
        self.supply.minted = self
            .supply
            .minted
            .checked_add(amount)
            .unwrap_or(self.supply.minted);
        Ok(())
    }

    /// Pays a block's priority fees to its fee recipient (proof of stake: the proposer; proof of
    /// work pays them through the coinbase instead). Fees move from senders, so nothing is
    /// minted.
    ///
    /// # Errors
    /// [`TxRuleError::BalanceOverflow`]; nothing changes then.
    pub fn pay_priority_fees(&mut self, to: &Address, amount: Wei) -> Result<(), TxRuleError> {
        if amount == Wei::ZERO {
            return Ok(());
        }
        self.credit(to, amount)
    }

    /// The account at `address` (zero balance and nonce when never touched).
    pub fn account(&self, address: &Address) -> AccountState {
        self.accounts.get(address).copied().unwrap_or_default()
    }

    /// The balance at `address`.
    pub fn balance(&self, address: &Address) -> Wei {
        self.account(address).balance
    }

    /// The next nonce of `address`.
    pub fn nonce(&self, address: &Address) -> u64 {
        self.account(address).nonce
    }

    /// Every touched account, ordered by address.
    pub fn accounts(&self) -> &BTreeMap<Address, AccountState> {
        &self.accounts
    }

    /// Allocated, minted and burned totals.
    pub fn supply(&self) -> Supply {
        self.supply
    }

    /// The sum of all balances (`None` if it overflows, which conservation rules out).
    pub fn total_balance(&self) -> Option<Wei> {
        self.accounts
            .values()
            .try_fold(Wei::ZERO, |acc, a| acc.checked_add(a.balance))
    }

    /// [`check_tx`] against this state.
    ///
    /// # Errors
    /// See [`check_tx`].
    pub fn check_tx(
        &self,
        sender: &Address,
        tx: &SignedTx,
        params: &ChainParams,
    ) -> Result<TxCost, TxRuleError> {
        check_tx(tx, self.account(sender), params)
    }

    fn credit(&mut self, to: &Address, amount: Wei) -> Result<(), TxRuleError> {
        let account = self.accounts.entry(*to).or_default();
        account.balance = account
            .balance
            .checked_add(amount)
            .ok_or(TxRuleError::BalanceOverflow { address: *to })?;
        Ok(())
    }

    /// Checks `tx` from `sender` with [`check_tx`] and applies it: the sender pays value and
    /// fee and its nonce advances, the recipient gets the value, the base fee is burned. The
    /// priority fee is not credited here: the block's coinbase pays it to the miner. Nothing
    /// changes on error.
    ///
    /// # Errors
    /// Any [`TxRuleError`].
    pub fn apply_tx(
        &mut self,
        sender: &Address,
        tx: &SignedTx,
        params: &ChainParams,
    ) -> Result<Receipt, TxRuleError> {
        let before = self.account(sender);
        let cost = check_tx(tx, before, params)?;
        let to = tx.tx().to().copied().ok_or(TxRuleError::ContractCreation)?;
        let debit = cost
            .value
            .checked_add(cost.fee)
            .ok_or(TxRuleError::FeeOverflow)?;
        let balance = before
            .balance
            .checked_sub(debit)
            .ok_or(TxRuleError::InsufficientFunds {
                balance: before.balance,
                needs: debit,
            })?;
        let nonce = before
            .nonce
            .checked_add(1)
            .ok_or(TxRuleError::NonceExhausted)?;
        let burned = self
            .supply
            .burned
            .checked_add(cost.burned)
            .ok_or(TxRuleError::FeeOverflow)?;
        let recipient = if to == *sender {
            AccountState { balance, nonce }
        } else {
            self.account(&to)
        };
        let recipient_balance = recipient
            .balance
            .checked_add(cost.value)
            .ok_or(TxRuleError::BalanceOverflow { address: to })?;
        // Every check is done: mutate.
        self.accounts
            .insert(*sender, AccountState { balance, nonce });
        self.accounts.entry(to).or_default().balance = recipient_balance;
        self.supply.burned = burned;
        Ok(Receipt {
            hash: tx.hash(),
            from: *sender,
            to,
            nonce: before.nonce,
            cost,
        })
    }

    /// Applies a whole block: genesis allocations, transactions (each checked by [`check_tx`]
    /// against the state left by the ones before it, and its `from` compared with the recovered
    /// signer), the block gas limit and the coinbase (first entry, to the beneficiary, exactly
    /// the block reward plus the priority fees). Every problem is reported; on any problem the
    /// state is left unchanged.
    ///
    /// # Errors
    /// Every [`BlockProblem`] of the state pass.
    pub fn apply_block(
        &mut self,
        block: &Block,
        params: &ChainParams,
        senders: &mut SenderCache,
    ) -> Result<BlockOutcome, Vec<BlockProblem>> {
        // Applied in place; a refused block is undone from what it touched (a clone of the
        // whole state per block cost more than the block's own work on long chains).
        let mut undo = Undo::new(self.supply);
        let mut problems = Vec::new();
        let mut outcome = BlockOutcome::default();
        let height = block.header.height;
        let beneficiary = Address::from_bytes(block.header.beneficiary);
        let mut coinbase: Option<Wei> = None;
        let mut tips = Wei::ZERO;
        for (index, entry) in block.entries.iter().enumerate() {
            match entry {
                Entry::Record(_) => {}
                Entry::Alloc { to, amount } => {
                    if height != 0 {
                        problems.push(BlockProblem::AllocOutsideGenesis { index });
                        continue;
                    }
                    let allocated = self.supply.allocated.checked_add(*amount);
                    undo.touch(self, to);
                    match (self.credit(to, *amount), allocated) {
                        (Ok(()), Some(total)) => self.supply.allocated = total,
                        _ => problems.push(BlockProblem::AllocOverflow { index }),
                    }
                }
                Entry::Coinbase { to, amount } => {
                    if height == 0 || index != 0 {
                        problems.push(BlockProblem::CoinbaseMisplaced { index });
                        continue;
                    }
                    if *to != beneficiary {
                        problems.push(BlockProblem::CoinbaseNotToBeneficiary {
                            to: *to,
                            beneficiary,
                        });
                    }
                    coinbase = Some(*amount);
                }
                Entry::Tx { from, raw } => {
                    let gas_limit = raw.tx().gas_limit();
                    let room = params.block_gas_limit.saturating_sub(outcome.gas_used);
                    let result = match senders.sender(raw) {
                        Err(e) => Err(TxRuleError::BadSignature(e)),
                        Ok(recovered) if recovered != *from => Err(TxRuleError::SenderMismatch {
                            claimed: *from,
                            recovered,
                        }),
                        Ok(_) if gas_limit > room && gas_limit <= params.block_gas_limit => {
                            problems.push(BlockProblem::BlockGasLimitExceeded {
                                index,
                                used: outcome.gas_used,
                                gas_limit,
                                limit: params.block_gas_limit,
                            });
                            continue;
                        }
                        Ok(_) => {
                            undo.touch(self, from);
                            if let Some(to) = raw.tx().to() {
                                undo.touch(self, to);
                            }
                            self.apply_tx(from, raw, params)
                        }
                    };
                    match result {
                        Ok(receipt) => {
                            outcome.gas_used =
                                outcome.gas_used.saturating_add(receipt.cost.gas_used);
                            tips = saturating_add(tips, receipt.cost.priority_fee);
                            outcome.receipts.push(receipt);
                        }
                        Err(error) => problems.push(BlockProblem::InvalidTransaction {
                            index,
                            hash: raw.hash(),
                            error,
                        }),
                    }
                }
            }
        }
        let tx_problems = problems
            .iter()
            .any(|p| matches!(p, BlockProblem::InvalidTransaction { .. }));
        outcome.coinbase = coinbase;
        match coinbase {
            // Its amount cannot be judged while a transaction is invalid (its tip is unknown).
            Some(_) if tx_problems => {}
            // No coinbase: reward and priority fees are forfeited (counted as burned).
            None => self.supply.burned = saturating_add(self.supply.burned, tips),
            Some(got) => {
                let expected = saturating_add(tips, params.block_reward);
                let minted = self.supply.minted.checked_add(params.block_reward);
                undo.touch(self, &beneficiary);
                if expected != got || minted.is_none() || self.credit(&beneficiary, got).is_err() {
                    problems.push(BlockProblem::BadCoinbase { expected, got });
                } else if let Some(minted) = minted {
                    self.supply.minted = minted;
                }
            }
        }
        if problems.is_empty() {
            Ok(outcome)
        } else {
            undo.restore(self);
            Err(problems)
        }
    }
}

/// What a block being applied had before it changed it: each touched account's state (`None`:
/// absent) and the supply, so that a refused block changes nothing.
struct Undo {
    accounts: BTreeMap<Address, Option<AccountState>>,
    supply: Supply,
}

impl Undo {
    fn new(supply: Supply) -> Self {
        Self {
            accounts: BTreeMap::new(),
            supply,
        }
    }

    /// Remembers `address`'s state before its first change in this block.
    fn touch(&mut self, state: &State, address: &Address) {
        self.accounts
            .entry(*address)
            .or_insert_with(|| state.accounts.get(address).copied());
    }

    fn restore(self, state: &mut State) {
        for (address, before) in self.accounts {
            match before {
                Some(account) => state.accounts.insert(address, account),
                None => state.accounts.remove(&address),
            };
        }
        state.supply = self.supply;
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
pub(crate) mod tests;
