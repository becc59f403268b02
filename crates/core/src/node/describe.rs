//! The ledger as a currency, in words: the balances, the mempool in inclusion order, what
//! became of a submitted transaction and the verify tool's checks. Every operation and rule is
//! the ledger engine's ([`crate::node::Node`]); this module only words results for the app.

use crate::address::Address;
use crate::genesis::DEV_ADDRESSES;
use crate::mempool::{self, effective_tip, AddOutcome, Mempool, TxStatus};
use crate::node::{Inclusion, Refusal, TxCheck};
use crate::state::{State, TxRuleError};
use crate::tx::{Transaction, TxError, TxHash};
use crate::Wei;

use crate::words::{capitalise, eth, gwei};

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

/// One waiting transaction as the mempool view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRow {
    /// 1-based place in inclusion order.
    pub position: usize,
    pub hash: TxHash,
    pub from: Address,
    /// `None` for a contract creation.
    pub to: Option<Address>,
    /// The value, or why it does not fit the lab's balances.
    pub value: Result<Wei, TxError>,
    pub nonce: u64,
    /// The miner's tip per gas at the base fee, in wei.
    pub tip: u128,
    /// The most it pays per gas, in wei.
    pub max_fee: u128,
    pub status: TxStatus,
    /// What a replacement must pay per gas (same nonce, +10% in both fee fields): max fee, tip.
    pub replace_min: (u128, u128),
}

impl PoolRow {
    /// The value in words.
    pub fn value_text(&self) -> String {
        self.value
            .as_ref()
            .map_or_else(ToString::to_string, |w| eth(*w))
    }

    /// The recipient in words.
    pub fn to_text(&self) -> String {
        self.to
            .as_ref()
            .map_or_else(|| "(contract creation)".to_owned(), Address::to_checksum)
    }

    /// How to replace it, in words.
    pub fn replace_hint(&self) -> String {
        format!(
            "Replace: sign nonce {} again with a max fee ≥ {} and a tip ≥ {} (+{}%)",
            self.nonce,
            gwei(self.replace_min.0),
            gwei(self.replace_min.1),
            mempool::REPLACEMENT_BUMP_PERCENT
        )
    }
}

/// The core's replacement minimum; saturates where the core's refuses (overflow).
fn bumped(old: u128) -> u128 {
    mempool::bumped(old).unwrap_or(u128::MAX)
}

fn pool_row(position: usize, tx: &crate::Recovered, status: TxStatus, base_fee: u128) -> PoolRow {
    let t = tx.tx();
    let (max_fee, tip_cap) = match t {
        Transaction::Legacy(l) => (l.gas_price, l.gas_price),
        Transaction::Eip1559(e) => (e.max_fee_per_gas, e.max_priority_fee_per_gas),
    };
    PoolRow {
        position,
        hash: tx.hash(),
        from: tx.sender(),
        to: t.to().copied(),
        value: t.value_wei(),
        nonce: t.nonce(),
        tip: effective_tip(t, base_fee),
        max_fee,
        status,
        replace_min: (bumped(max_fee), bumped(tip_cap)),
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

/// Why the ledger refused a transaction, in the words the user reads (a replay names the block
/// that holds it).
pub fn describe_refused(r: &Refusal) -> String {
    let reason = capitalise(&r.to_string());
    match r.replay_of() {
        Some(h) => format!("Refused: this transaction is already in block #{h}. {reason}"),
        None => format!("Refused: {reason}"),
    }
}

/// The verify tool's "against this chain" lines: the core's report ([`Node::check_tx`]) in
/// words, one line per rule.
pub fn state_checks(report: &TxCheck) -> Vec<StateCheck> {
    let mut out = vec![match report.inclusion {
        Inclusion::Included {
            height,
            confirmations,
        } => line(
            "included",
            Check::Fail,
            format!(
                "Already included in block #{height} ({}): sending it again is a replay and is refused",
                crate::words::plural(confirmations as u64, "confirmation", "confirmations")
            ),
        ),
        Inclusion::Waiting(status) => line(
            "included",
            Check::Note,
            format!(
                "Waiting in the mempool ({}); not in any block yet",
                match status {
                    TxStatus::Pending => "pending",
                    TxStatus::Queued => "queued",
                }
            ),
        ),
        Inclusion::Unknown => line(
            "included",
            Check::Pass,
            "Not in any block of this chain and not in the mempool".to_owned(),
        ),
    }];
    let r = match &report.rules {
        Ok(r) => r,
        Err(e) => {
            out.push(line(
                "verdict",
                Check::Fail,
                format!("No sender can be recovered, so no state applies: {e}"),
            ));
            return out;
        }
    };
    let got = r.nonce;
    out.push(match &r.nonce_rule {
        Ok(()) => line(
            "nonce",
            Check::Pass,
            format!("Nonce {got} is the sender's next nonce"),
        ),
        Err(TxRuleError::NonceTooLow { expected, .. }) => line(
            "nonce",
            Check::Fail,
            format!("Nonce {got} is already used: the sender's next nonce is {expected}"),
        ),
        Err(TxRuleError::NonceTooHigh { expected, .. }) => line(
            "nonce",
            Check::Note,
            format!(
                "Nonce {got} leaves a gap: the sender's next nonce is {expected} (it would wait as queued)"
            ),
        ),
        Err(e) => line("nonce", Check::Fail, capitalise(&e.to_string())),
    });
    let balance = r.balance;
    out.push(match &r.funds_rule {
        Ok(cost) => line(
            "balance",
            Check::Pass,
            format!(
                "Balance {balance} ETH covers the maximum cost of {cost} ETH (value + gas limit × max fee)"
            ),
        ),
        Err(TxRuleError::InsufficientFunds { needs, .. }) => line(
            "balance",
            Check::Fail,
            format!(
                "Balance {balance} ETH does not cover the maximum cost of {needs} ETH (value + gas limit × max fee)"
            ),
        ),
        Err(e) => line("balance", Check::Fail, capitalise(&e.to_string())),
    });
    out.push(match &r.chain_id_rule {
        Ok(id) => line(
            "chain-id",
            Check::Pass,
            format!("Chain id {id} is this chain's"),
        ),
        Err(TxRuleError::WrongChainId { signed, chain }) => line(
            "chain-id",
            Check::Fail,
            format!("Chain id {signed} is not this chain's ({chain})"),
        ),
        Err(_) => line(
            "chain-id",
            Check::Fail,
            "No chain id (pre-EIP-155): this chain refuses it".to_owned(),
        ),
    });
    out.push(match &r.verdict {
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
    use crate::chain::ChainParams;
    use crate::node::Node;
    use crate::tx::{SignedTx, TxRequest};
    use crate::wallet::hd::Account;
    use crate::{Chain, Wei};

    const KEY_0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const KEY_1: &str = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    fn transfer(key: &str, nonce: u64, coins: &str, tip_gwei: u128) -> SignedTx {
        TxRequest::transfer(
            1337,
            nonce,
            DEV_ADDRESSES[1],
            Wei::parse_coins(coins).unwrap(),
        )
        .eip1559(tip_gwei * 1_000_000_000, (tip_gwei + 1) * 1_000_000_000)
        .unwrap()
        .sign(&Account::from_private_key_hex(key).unwrap())
        .unwrap()
    }

    fn ledger() -> Node {
        Node::from_parts(
            Chain::new(1),
            Mempool::new(),
            Vec::new(),
            ChainParams::default(),
        )
    }

    #[test]
    fn a_replay_and_an_overspend_are_worded_with_block_balance_and_need() {
        let mut node = ledger();
        let tx = transfer(KEY_0, 0, "1.5", 1);
        node.submit(tx.clone()).unwrap();
        let c = node.candidate_block(DEV_ADDRESSES[9], 2, 0).unwrap();
        node.accept_mined(c.block, c.records).unwrap();
        let replay = describe_refused(&node.submit(tx.clone()).unwrap_err());
        assert!(replay.contains("already in block #1"), "{replay}");
        assert!(replay.contains("already used"), "{replay}");
        let checks = state_checks(&node.check_tx(&tx));
        assert_eq!(checks[0].check, Check::Fail);
        assert!(checks[0].text.contains("block #1 (1 confirmation)"));
        // Account 1 holds its 10,000 ETH plus the 1.5 ETH block #1 paid it.
        let poor = transfer(KEY_1, 0, "10001.5", 1);
        let e = describe_refused(&node.submit(poor.clone()).unwrap_err());
        assert!(
            e.contains("Insufficient funds: balance 10001.5 ETH, needs 10001.500042 ETH"),
            "{e}"
        );
        let checks = state_checks(&node.check_tx(&poor));
        let balance = checks.iter().find(|c| c.key == "balance").unwrap();
        assert_eq!(balance.check, Check::Fail);
        let gap = state_checks(&node.check_tx(&transfer(KEY_1, 2, "1", 1)));
        let nonce = gap.iter().find(|c| c.key == "nonce").unwrap();
        assert_eq!(nonce.check, Check::Note);
        assert!(nonce.text.contains("leaves a gap"), "{}", nonce.text);
    }

    #[test]
    fn the_mempool_lists_in_inclusion_order_and_queues_gaps() {
        let mut node = ledger();
        let added = node.submit(transfer(KEY_0, 2, "1", 5)).unwrap();
        assert!(describe_added(&added, &transfer(KEY_0, 2, "1", 5).hash()).starts_with("Queued"));
        node.submit(transfer(KEY_0, 0, "1", 1)).unwrap();
        node.submit(transfer(KEY_1, 0, "1", 3)).unwrap();
        let base_fee = node.params().base_fee;
        let rows = pool_rows(node.mempool(), base_fee);
        let order: Vec<_> = rows.iter().map(|r| (r.from, r.nonce, r.status)).collect();
        let (a, b) = (DEV_ADDRESSES[0], DEV_ADDRESSES[1]);
        assert_eq!(
            order,
            [
                (b, 0, TxStatus::Pending),
                (a, 0, TxStatus::Pending),
                (a, 2, TxStatus::Queued)
            ]
        );
        assert_eq!(gwei(rows[0].tip), "3 gwei");
        assert!(rows[1]
            .replace_hint()
            .contains("max fee ≥ 2.2 gwei and a tip ≥ 1.1 gwei"));
        let under = describe_refused(&node.submit(transfer(KEY_0, 0, "2", 1)).unwrap_err());
        assert!(under.contains("underpriced"), "{under}");
        let rows = account_rows(node.chain().state(), node.mempool(), &[]);
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[0].waiting, 2);
        assert!(rows[0].dev);
    }
}
