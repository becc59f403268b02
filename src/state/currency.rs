//! The ledger as a currency: pure functions that turn the core's chain, account state and
//! mempool into what the screens show (balances, the mempool in inclusion order, an account's
//! transactions with confirmations, the verify tool's checks against this chain), the block
//! candidate the miner searches a nonce for, and what happens to the mempool when blocks are
//! mined or dropped. Every rule is the core's: this module only calls it and words the result.

use blocklab_core::address::Address;
use blocklab_core::amount::{format_units, GWEI_DECIMALS};
use blocklab_core::chain::{ChainParams, MAX_ENTRIES};
use blocklab_core::genesis::DEV_ADDRESSES;
use blocklab_core::mempool::{self, effective_tip, AddOutcome, Mempool, MempoolError, TxStatus};
use blocklab_core::state::{State, TxRuleError};
use blocklab_core::tx::{SignedTx, Transaction, TxHash, U256};
use blocklab_core::{Block, Chain, Entry, Record, Wei};

use super::actions::capitalise;
use crate::words::plural;

/// The block the miner works on: a coinbase paying `beneficiary` the reward plus the priority
/// fees and the best transactions of the mempool (the core's [`mempool::build_block`], against
/// the tip's state), then as many pending records as still fit. Returns the block and how many
/// records it holds (they leave the pending list once it is mined).
pub fn candidate_block(
    chain: &Chain,
    pool: &Mempool,
    records: &[Record],
    params: &ChainParams,
    beneficiary: Address,
    now_ms: u64,
    difficulty: u32,
) -> (Block, usize) {
    let tip = chain.tip();
    let timestamp = now_ms.max(tip.header.timestamp_ms);
    let mut block = mempool::build_block(
        tip,
        chain.state(),
        pool,
        params,
        beneficiary,
        timestamp,
        difficulty,
    );
    let room = MAX_ENTRIES.saturating_sub(block.entries.len());
    let included = records.len().min(room);
    block
        .entries
        .extend(records.iter().take(included).cloned().map(Entry::Record));
    block.header.entries_root = block.computed_root();
    (block, included)
}

/// After `block` joined the chain (whose state is now `state`): its transactions leave the
/// mempool, and what waited behind them is reclassified.
pub fn after_mined(pool: &mut Mempool, block: &Block, state: &State) {
    pool.remove_included(block);
    pool.promote(state);
}

/// How many leading blocks two chains share (compared by hash).
pub fn common_prefix(old: &[Block], new: &[Block]) -> usize {
    old.iter()
        .zip(new)
        .take_while(|(a, b)| a.hash() == b.hash())
        .count()
}

/// The chain is replaced by `new` (a new chain, an imported one): the blocks of `old` that
/// `new` does not share are dropped, their transactions go back to the mempool where still
/// valid against `new`'s state, and what `new` includes leaves it. Returns how many came back.
pub fn reorg_mempool(pool: &mut Mempool, old: &Chain, new: &Chain, params: &ChainParams) -> usize {
    let k = common_prefix(old.blocks(), new.blocks());
    let removed = old.blocks().get(k..).unwrap_or_default();
    let added = new.blocks().get(k..).unwrap_or_default();
    pool.on_reorg(removed, added, new.state(), params)
}

/// The height of the block that holds the transaction `hash`, if any.
pub fn find_included(chain: &Chain, hash: &TxHash) -> Option<usize> {
    chain.blocks().iter().position(|b| {
        b.entries
            .iter()
            .any(|e| matches!(e, Entry::Tx { raw, .. } if raw.hash() == *hash))
    })
}

/// Confirmations of a block at `height` of the chain's valid prefix: tip height - height + 1
/// (0 when it is not in the valid prefix).
pub fn confirmations(chain: &Chain, height: usize) -> usize {
    chain.valid_len().saturating_sub(height)
}

/// `tx` with another value and the old signature (what a forger who has no key can do): the
/// bytes re-encode, the hash changes, and the signature now recovers another address.
pub fn with_value(tx: &SignedTx, value: Wei) -> SignedTx {
    let mut unsigned = tx.tx().clone();
    let v = U256::from(value.as_wei());
    match &mut unsigned {
        Transaction::Legacy(t) => t.value = v,
        Transaction::Eip1559(t) => t.value = v,
    }
    SignedTx::from_parts(unsigned, *tx.signature())
}

/// A fee per gas in gwei.
pub fn gwei(wei: u128) -> String {
    format!("{} gwei", format_units(wei, GWEI_DECIMALS))
}

/// What the sender sees after a transaction was admitted.
pub fn describe_added(outcome: &AddOutcome, hash: &TxHash) -> String {
    match outcome {
        AddOutcome::Pending => {
            format!("Pending: transaction {hash:#} waits in the mempool for the next block")
        }
        AddOutcome::Queued => format!(
            "Queued: transaction {hash:#} waits behind a nonce gap; it becomes pending once the missing nonce arrives"
        ),
        AddOutcome::Replaced { old } => {
            format!("Replaced: transaction {hash:#} took the place of {old:#} (same nonce, higher fees)")
        }
    }
}

/// Why the mempool refused a transaction, in the words the user reads. A transaction already
/// in block `included_at` is called a replay.
pub fn describe_refused(e: &MempoolError, included_at: Option<usize>) -> String {
    let reason = capitalise(&e.to_string());
    match (e, included_at) {
        (MempoolError::Rule(TxRuleError::NonceTooLow { .. }), Some(h)) => {
            format!("Refused: this transaction is already in block #{h}. {reason}")
        }
        _ => format!("Refused: {reason}"),
    }
}

/// Sends a signed transaction to the mempool, checked against the tip's state. `Ok` is the
/// outcome (pending, queued, replaced), `Err` the refusal, both as sentences.
///
/// # Errors
/// The refusal: no sender can be recovered, or a rule or mempool limit is broken.
pub fn submit(
    pool: &mut Mempool,
    tx: SignedTx,
    chain: &Chain,
    params: &ChainParams,
) -> Result<String, String> {
    let hash = tx.hash();
    let included_at = find_included(chain, &hash);
    let recovered = tx
        .recover()
        .map_err(|e| format!("Refused: bad signature: {e}"))?;
    match pool.add(recovered, chain.state(), params) {
        Ok(outcome) => Ok(describe_added(&outcome, &hash)),
        Err(e) => Err(describe_refused(&e, included_at)),
    }
}

/// One waiting transaction as the mempool view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRow {
    /// 1-based place in inclusion order.
    pub position: usize,
    pub hash: String,
    pub from: String,
    pub to: String,
    /// ETH, exact.
    pub value: String,
    pub nonce: u64,
    /// The miner's tip per gas at the base fee.
    pub tip: String,
    pub max_fee: String,
    pub status: TxStatus,
    /// What a replacement must pay (same nonce, +10% in both fee fields).
    pub replace_hint: String,
}

/// The core's replacement minimum; saturates where the core's refuses (overflow).
fn bumped(old: u128) -> u128 {
    mempool::bumped(old).unwrap_or(u128::MAX)
}

fn pool_row(
    position: usize,
    tx: &blocklab_core::Recovered,
    status: TxStatus,
    base_fee: u128,
) -> PoolRow {
    let t = tx.tx();
    let (max_fee, tip_cap) = match t {
        Transaction::Legacy(l) => (l.gas_price, l.gas_price),
        Transaction::Eip1559(e) => (e.max_fee_per_gas, e.max_priority_fee_per_gas),
    };
    PoolRow {
        position,
        hash: tx.hash().to_hex(),
        from: tx.sender().to_checksum(),
        to: t
            .to()
            .map_or_else(|| "(contract creation)".to_owned(), Address::to_checksum),
        value: t
            .value_wei()
            .map_or_else(|e| e.to_string(), |w| format!("{} ETH", w.to_coins())),
        nonce: t.nonce(),
        tip: gwei(effective_tip(t, base_fee)),
        max_fee: gwei(max_fee),
        status,
        replace_hint: format!(
            "Replace: sign nonce {} again with a max fee ≥ {} and a tip ≥ {} (+{}%)",
            t.nonce(),
            gwei(bumped(max_fee)),
            gwei(bumped(tip_cap)),
            mempool::REPLACEMENT_BUMP_PERCENT
        ),
    }
}

/// The mempool in inclusion order: pending transactions as the miner takes them (highest tip
/// first, nonce order per sender), then the queued ones (highest tip first).
pub fn pool_rows(pool: &Mempool, base_fee: u128) -> Vec<PoolRow> {
    let mut rows: Vec<PoolRow> = pool
        .best(base_fee)
        .enumerate()
        .map(|(i, tx)| pool_row(i + 1, tx, TxStatus::Pending, base_fee))
        .collect();
    let mut queued: Vec<_> = pool.queued().collect();
    queued.sort_by_key(|t| {
        (
            core::cmp::Reverse(effective_tip(t.tx(), base_fee)),
            t.sender(),
            t.tx().nonce(),
        )
    });
    let start = rows.len();
    rows.extend(
        queued
            .into_iter()
            .enumerate()
            .map(|(i, tx)| pool_row(start + i + 1, tx, TxStatus::Queued, base_fee)),
    );
    rows
}

/// One account's balance and nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub address: Address,
    /// The wallet's name for it, or `dev #i`.
    pub label: String,
    /// One of the public development accounts (its key is known to everyone).
    pub dev: bool,
    pub balance: Wei,
    /// The nonce its next transaction carries on chain.
    pub nonce: u64,
    /// Its transactions waiting in the mempool.
    pub waiting: usize,
}

/// The index of `address` among the public development accounts.
pub fn dev_index(address: &Address) -> Option<usize> {
    DEV_ADDRESSES.iter().position(|a| a == address)
}

/// The wallet's accounts (name, address) first, then every development account the wallet
/// does not hold, each with its balance and nonce in `state`.
pub fn account_rows(
    state: &State,
    pool: &Mempool,
    wallet: &[(String, Address)],
) -> Vec<AccountRow> {
    let waiting = |a: &Address| pool.iter().filter(|(t, _)| t.sender() == *a).count();
    let row = |label: String, address: Address| AccountRow {
        dev: dev_index(&address).is_some(),
        balance: state.balance(&address),
        nonce: state.nonce(&address),
        waiting: waiting(&address),
        label,
        address,
    };
    let mut rows: Vec<AccountRow> = wallet
        .iter()
        .map(|(name, a)| row(name.clone(), *a))
        .collect();
    for (i, a) in DEV_ADDRESSES.iter().enumerate() {
        if !wallet.iter().any(|(_, w)| w == a) {
            rows.push(row(format!("dev #{i}"), *a));
        }
    }
    rows
}

/// How an entry of the chain touched an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
    /// Sent to itself.
    SelfTransfer,
    /// A coinbase (block reward and tips).
    Reward,
    /// A genesis allocation.
    Allocation,
}

/// One line of an account's history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// `None` for a coinbase or an allocation.
    pub hash: Option<TxHash>,
    pub height: usize,
    pub confirmations: usize,
    pub direction: Direction,
    /// The other side of a transfer.
    pub counterparty: Option<Address>,
    pub value: Wei,
    /// What the sender paid in fees (zero unless `Sent` or `SelfTransfer`).
    pub fee: Wei,
}

/// Every transfer, reward and allocation of `address` in the chain's valid prefix, newest
/// first, with confirmations.
pub fn account_history(chain: &Chain, address: &Address) -> Vec<HistoryRow> {
    let mut rows = Vec::new();
    for (height, block) in chain.blocks().iter().enumerate().take(chain.valid_len()) {
        let confirmations = confirmations(chain, height);
        for entry in &block.entries {
            match entry {
                Entry::Coinbase { to, amount } | Entry::Alloc { to, amount } if to == address => {
                    rows.push(HistoryRow {
                        hash: None,
                        height,
                        confirmations,
                        direction: if matches!(entry, Entry::Coinbase { .. }) {
                            Direction::Reward
                        } else {
                            Direction::Allocation
                        },
                        counterparty: None,
                        value: *amount,
                        fee: Wei::ZERO,
                    });
                }
                _ => {}
            }
        }
        let Some(outcome) = chain.outcome(height) else {
            continue;
        };
        for r in &outcome.receipts {
            let direction = match (r.from == *address, r.to == *address) {
                (true, true) => Direction::SelfTransfer,
                (true, false) => Direction::Sent,
                (false, true) => Direction::Received,
                (false, false) => continue,
            };
            rows.push(HistoryRow {
                hash: Some(r.hash),
                height,
                confirmations,
                direction,
                counterparty: Some(if direction == Direction::Received {
                    r.from
                } else {
                    r.to
                }),
                value: r.cost.value,
                fee: if direction == Direction::Received {
                    Wei::ZERO
                } else {
                    r.cost.fee
                },
            });
        }
    }
    rows.reverse();
    rows
}

/// How a check against this chain came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Pass,
    /// Not an error, but worth knowing (queued behind a gap, already waiting).
    Note,
    Fail,
}

/// One line of the verify tool's "against this chain" section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateCheck {
    /// `data-testid` suffix.
    pub key: &'static str,
    pub check: Check,
    pub text: String,
}

fn line(key: &'static str, check: Check, text: String) -> StateCheck {
    StateCheck { key, check, text }
}

/// What this chain's state says about `tx`: whether it is already included or waiting, its
/// nonce against the sender's next one, the balance against its maximum cost, the chain id,
/// and the verdict of the core's one rule function ([`blocklab_core::state::check_tx`]).
pub fn state_checks(
    tx: &SignedTx,
    chain: &Chain,
    pool: &Mempool,
    params: &ChainParams,
) -> Vec<StateCheck> {
    let mut out = Vec::new();
    let hash = tx.hash();
    if let Some(h) = find_included(chain, &hash) {
        out.push(line(
            "included",
            Check::Fail,
            format!(
                "Already included in block #{h} ({}): sending it again is a replay and is refused",
                plural(
                    confirmations(chain, h) as u64,
                    "confirmation",
                    "confirmations"
                )
            ),
        ));
    } else if let Some((_, status)) = pool.get(&hash) {
        let status = match status {
            TxStatus::Pending => "pending",
            TxStatus::Queued => "queued",
        };
        out.push(line(
            "included",
            Check::Note,
            format!("Waiting in the mempool ({status}); not in any block yet"),
        ));
    } else {
        out.push(line(
            "included",
            Check::Pass,
            "Not in any block of this chain and not in the mempool".to_owned(),
        ));
    }
    let sender = match tx.recover_sender() {
        Ok(s) => s,
        Err(e) => {
            out.push(line(
                "verdict",
                Check::Fail,
                format!("No sender can be recovered, so no state applies: {e}"),
            ));
            return out;
        }
    };
    let state = chain.state();
    let account = state.account(&sender);
    let got = tx.tx().nonce();
    let (check, text) = match got.cmp(&account.nonce) {
        core::cmp::Ordering::Equal => (
            Check::Pass,
            format!("Nonce {got} is the sender's next nonce"),
        ),
        core::cmp::Ordering::Less => (
            Check::Fail,
            format!(
                "Nonce {got} is already used: the sender's next nonce is {}",
                account.nonce
            ),
        ),
        core::cmp::Ordering::Greater => (
            Check::Note,
            format!(
                "Nonce {got} leaves a gap: the sender's next nonce is {} (it would wait as queued)",
                account.nonce
            ),
        ),
    };
    out.push(line("nonce", check, text));
    out.push(match tx.tx().max_cost_wei() {
        Ok(cost) if account.balance >= cost => line(
            "balance",
            Check::Pass,
            format!(
                "Balance {} ETH covers the maximum cost of {} ETH (value + gas limit × max fee)",
                account.balance, cost
            ),
        ),
        Ok(cost) => line(
            "balance",
            Check::Fail,
            format!(
                "Balance {} ETH does not cover the maximum cost of {} ETH (value + gas limit × max fee)",
                account.balance, cost
            ),
        ),
        Err(e) => line("balance", Check::Fail, capitalise(&e.to_string())),
    });
    out.push(match tx.chain_id() {
        Some(id) if id == params.chain_id => line(
            "chain-id",
            Check::Pass,
            format!("Chain id {id} is this chain's"),
        ),
        Some(id) => line(
            "chain-id",
            Check::Fail,
            format!("Chain id {id} is not this chain's ({})", params.chain_id),
        ),
        None => line(
            "chain-id",
            Check::Fail,
            "No chain id (pre-EIP-155): this chain refuses it".to_owned(),
        ),
    });
    out.push(match state.check_tx(&sender, tx, params) {
        Ok(_) => line(
            "verdict",
            Check::Pass,
            "Valid against this chain's state: the mempool accepts it".to_owned(),
        ),
        Err(TxRuleError::NonceTooHigh { .. }) => line(
            "verdict",
            Check::Note,
            "Valid except for the nonce gap: the mempool would queue it".to_owned(),
        ),
        Err(e) => line("verdict", Check::Fail, capitalise(&e.to_string())),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use blocklab_core::tx::TxRequest;
    use blocklab_core::wallet::hd::Account;

    const KEY_0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const KEY_1: &str = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    fn account(key: &str) -> Account {
        Account::from_private_key_hex(key).unwrap()
    }

    fn transfer(key: &str, nonce: u64, coins: &str, tip_gwei: u128) -> SignedTx {
        TxRequest::transfer(
            1337,
            nonce,
            DEV_ADDRESSES[1],
            Wei::parse_coins(coins).unwrap(),
        )
        .eip1559(tip_gwei * 1_000_000_000, (tip_gwei + 1) * 1_000_000_000)
        .unwrap()
        .sign(&account(key))
        .unwrap()
    }

    fn mine(chain: &mut Chain, pool: &mut Mempool, records: &[Record]) -> (Block, usize) {
        let params = ChainParams::default();
        let (block, n) = candidate_block(
            chain,
            pool,
            records,
            &params,
            DEV_ADDRESSES[9],
            chain.tip().header.timestamp_ms + 1,
            0,
        );
        chain.append(block.clone(), &params).unwrap();
        after_mined(pool, &block, chain.state());
        (block, n)
    }

    #[test]
    fn a_submitted_transfer_is_mined_and_moves_exact_wei() {
        let params = ChainParams::default();
        let mut chain = Chain::new(1);
        let mut pool = Mempool::new();
        let tx = transfer(KEY_0, 0, "1.5", 1);
        let ok = submit(&mut pool, tx.clone(), &chain, &params).unwrap();
        assert!(ok.starts_with("Pending"), "{ok}");
        assert_eq!(
            pool_rows(&pool, params.base_fee)[0].status,
            TxStatus::Pending
        );
        let record = Record::from_form("a", "b", "1", "").unwrap();
        let (block, n) = mine(&mut chain, &mut pool, &[record]);
        assert_eq!(n, 1);
        assert!(matches!(block.entries[0], Entry::Coinbase { to, .. } if to == DEV_ADDRESSES[9]));
        assert!(matches!(block.entries[1], Entry::Tx { .. }));
        assert!(matches!(block.entries[2], Entry::Record(_)));
        assert!(pool.is_empty());
        // 10,000 - 1.5 - 21000 × 2 gwei.
        let sender = chain.state().account(&DEV_ADDRESSES[0]);
        assert_eq!(sender.balance.to_coins(), "9998.499958");
        assert_eq!(sender.nonce, 1);
        assert_eq!(
            chain.state().balance(&DEV_ADDRESSES[1]).to_coins(),
            "10001.5"
        );
        // Reward 2 ETH + tip 21000 × 1 gwei.
        assert_eq!(
            chain.state().balance(&DEV_ADDRESSES[9]).to_coins(),
            "10002.000021"
        );

        // The same bytes again: a replay, named with the block.
        let replay = submit(&mut pool, tx.clone(), &chain, &params).unwrap_err();
        assert!(replay.contains("already in block #1"), "{replay}");
        assert!(replay.contains("already used"), "{replay}");
        assert!(pool.is_empty());
        let checks = state_checks(&tx, &chain, &pool, &params);
        assert_eq!(checks[0].check, Check::Fail);
        assert!(checks[0].text.contains("block #1 (1 confirmation)"));

        let history = account_history(&chain, &DEV_ADDRESSES[1]);
        assert_eq!(history[0].direction, Direction::Received);
        assert_eq!(history[0].confirmations, 1);
        assert_eq!(
            history.last().map(|r| r.direction),
            Some(Direction::Allocation)
        );
        let sent = account_history(&chain, &DEV_ADDRESSES[0]);
        assert_eq!(sent[0].fee.as_wei(), 21_000 * 2_000_000_000);
    }

    #[test]
    fn an_overspend_is_refused_with_balance_and_need() {
        let params = ChainParams::default();
        let chain = Chain::new(1);
        let mut pool = Mempool::new();
        let e = submit(&mut pool, transfer(KEY_0, 0, "10000", 1), &chain, &params).unwrap_err();
        assert!(
            e.contains("Insufficient funds: balance 10000 ETH, needs 10000.000042 ETH"),
            "{e}"
        );
        assert!(pool.is_empty());
        let checks = state_checks(&transfer(KEY_0, 0, "10000", 1), &chain, &pool, &params);
        let verdict = checks.iter().find(|c| c.key == "balance").unwrap();
        assert_eq!(verdict.check, Check::Fail);
    }

    #[test]
    fn the_mempool_lists_in_inclusion_order_and_queues_gaps() {
        let params = ChainParams::default();
        let chain = Chain::new(1);
        let mut pool = Mempool::new();
        let gap = submit(&mut pool, transfer(KEY_0, 2, "1", 5), &chain, &params).unwrap();
        assert!(gap.starts_with("Queued"), "{gap}");
        submit(&mut pool, transfer(KEY_0, 0, "1", 1), &chain, &params).unwrap();
        submit(&mut pool, transfer(KEY_1, 0, "1", 3), &chain, &params).unwrap();
        let rows = pool_rows(&pool, params.base_fee);
        let order: Vec<_> = rows
            .iter()
            .map(|r| (r.from.clone(), r.nonce, r.status))
            .collect();
        let (a, b) = (
            DEV_ADDRESSES[0].to_checksum(),
            DEV_ADDRESSES[1].to_checksum(),
        );
        assert_eq!(
            order,
            [
                (b, 0, TxStatus::Pending),
                (a.clone(), 0, TxStatus::Pending),
                (a, 2, TxStatus::Queued)
            ]
        );
        assert_eq!(rows[0].tip, "3 gwei");
        assert!(rows[1]
            .replace_hint
            .contains("max fee ≥ 2.2 gwei and a tip ≥ 1.1 gwei"));
        // Same nonce, same fees: underpriced; +10%: replaced.
        let under = submit(&mut pool, transfer(KEY_0, 0, "2", 1), &chain, &params).unwrap_err();
        assert!(under.contains("underpriced"), "{under}");
        let rows = account_rows(chain.state(), &pool, &[]);
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[0].waiting, 2);
        assert!(rows[0].dev);
    }

    #[test]
    fn a_new_chain_returns_dropped_transactions_to_the_mempool() {
        let params = ChainParams::default();
        let mut chain = Chain::new(1);
        let mut pool = Mempool::new();
        submit(&mut pool, transfer(KEY_0, 0, "1", 1), &chain, &params).unwrap();
        mine(&mut chain, &mut pool, &[]);
        assert!(pool.is_empty());
        let fresh = Chain::new(2);
        assert_eq!(common_prefix(chain.blocks(), fresh.blocks()), 0);
        assert_eq!(reorg_mempool(&mut pool, &chain, &fresh, &params), 1);
        assert_eq!(pool.len(), 1);
        // Switching to a chain that includes it removes it again.
        assert_eq!(reorg_mempool(&mut pool, &fresh, &chain, &params), 0);
        assert!(pool.is_empty());
    }

    #[test]
    fn a_changed_value_keeps_the_signature_and_loses_the_sender() {
        let tx = transfer(KEY_0, 0, "1.5", 1);
        let forged = with_value(&tx, Wei::parse_coins("100").unwrap());
        assert_eq!(forged.signature(), tx.signature());
        assert_ne!(forged.hash(), tx.hash());
        assert_eq!(forged.tx().value_wei().unwrap().to_coins(), "100");
        assert_ne!(forged.recover_sender().ok(), Some(DEV_ADDRESSES[0]));
        assert_eq!(with_value(&tx, Wei::parse_coins("1.5").unwrap()), tx);
    }
}
