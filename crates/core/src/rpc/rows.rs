//! The Network screen's rows as plain data: the node's status, the wallet's accounts beside the
//! node's view of them, a receipt.

use crate::address::Address;
use crate::params::LAB_CHAIN_ID;
use crate::rpc::{self, FeeSuggestion, NodeStatus, Receipt};
use crate::tx::explain::{row, Row};
use crate::tx::form::{FeeKind, SendForm};
use crate::tx::U256;
use crate::words::{eth, gwei};
use crate::Wei;

/// A wei amount as ETH, exact (`1.5 ETH`), or in wei when it does not fit 128 bits.
pub fn eth_text(wei: U256) -> String {
    match u128::try_from(wei) {
        Ok(v) => eth(Wei::from_wei(v)),
        Err(_) => format!("{wei} wei"),
    }
}

/// A fee in gwei with its exact wei.
pub fn gwei_text(wei: u128) -> String {
    format!("{} ({wei} wei)", gwei(wei))
}

/// What the settings panel says about the node's chain.
pub fn chain_note(chain_id: u64) -> String {
    let known = rpc::known_chain(chain_id);
    let mut note = match known {
        Some(k) => format!("Chain id {chain_id}: {}.", k.name),
        None => format!("Chain id {chain_id}: not a network this app knows by name."),
    };
    if chain_id == LAB_CHAIN_ID {
        note.push_str(
            " Transactions signed for the lab chain (1337) are valid on this node too: check \
             before you send.",
        );
    }
    if known.is_some_and(|k| k.real_money) {
        note.push_str(
            " REAL MONEY: a transaction sent here moves real ether and cannot be undone.",
        );
    }
    note
}

/// The settings panel's rows for a node.
pub fn status_rows(s: &NodeStatus) -> Vec<Row> {
    let mut rows = vec![
        row("Chain id", "chain-id", s.chain_id.to_string()),
        row("Latest block", "latest-block", s.latest_block.to_string()),
        row("Gas price", "gas-price", gwei_text(s.gas_price)),
        row(
            "Base fee",
            "base-fee",
            s.base_fee
                .map_or_else(|| "none (no EIP-1559 on this chain)".to_owned(), gwei_text),
        ),
    ];
    if let Some(c) = &s.client {
        rows.push(row("Client", "client", c.clone()));
    }
    rows
}

/// One line of the account comparison: the node's account `index` beside the wallet's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    pub index: usize,
    pub node: Option<Address>,
    /// Its balance on the node (the view shows it with [`eth_text`]).
    pub node_balance: Option<U256>,
    /// The wallet's account at the same position: name and address.
    pub wallet: Option<(String, Address)>,
    pub verdict: &'static str,
}

/// Lines up the node's accounts with the wallet's, position by position.
pub fn compare_rows(
    node: &[(Address, Option<U256>)],
    wallet: &[(String, Address)],
) -> Vec<CompareRow> {
    (0..node.len().max(wallet.len()))
        .map(|i| {
            let n = node.get(i);
            let w = wallet.get(i);
            let verdict = match (n, w) {
                (Some((a, _)), Some((_, b))) if a == b => "same address",
                (Some(_), Some(_)) => "different",
                (Some(_), None) => "not in this wallet",
                (None, _) => "the node has no account here",
            };
            CompareRow {
                index: i,
                node: n.map(|(a, _)| *a),
                node_balance: n.and_then(|(_, b)| *b),
                wallet: w.cloned(),
                verdict,
            }
        })
        .collect()
}

/// The form with the node's chain id, the account's next nonce, fees and gas filled in.
pub fn apply_fill(
    form: &SendForm,
    chain_id: u64,
    nonce: u64,
    fees: FeeSuggestion,
    gas: Option<u64>,
) -> SendForm {
    let gwei = |wei: u128| crate::amount::format_units(wei, crate::amount::GWEI_DECIMALS);
    let mut f = form.clone();
    f.chain_id = chain_id.to_string();
    f.nonce = nonce.to_string();
    f.nonce_auto = false;
    f.gas_price = gwei(fees.gas_price);
    if fees.base_fee.is_some() {
        f.priority_fee = gwei(fees.priority_fee);
        f.max_fee = gwei(fees.max_fee);
    } else {
        // No EIP-1559 on this chain: only a legacy transaction is valid.
        f.fee_kind = FeeKind::Legacy;
    }
    if let Some(g) = gas {
        f.gas_limit = g.to_string();
    }
    f
}

/// The receipt's rows.
pub fn receipt_rows(r: &Receipt) -> Vec<Row> {
    vec![
        row(
            "Status",
            "status",
            if r.success {
                "success (1)"
            } else {
                "failed (0): reverted, fee paid"
            },
        ),
        row("Block", "block", r.block_number.to_string()),
        row("Gas used", "gas-used", r.gas_used.to_string()),
        row(
            "Effective gas price",
            "effective-gas-price",
            gwei_text(r.effective_gas_price),
        ),
        row("Fee paid", "fee", eth_text(U256::from(r.fee_paid()))),
        row("From", "from", r.from.to_checksum()),
    ]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;
    use crate::tx::form::build;

    fn a(n: u8) -> Address {
        Address::from_bytes([n; 20])
    }

    #[test]
    fn compare_lines_up_accounts_by_position() {
        let node = [(a(1), Some(U256::from(7u8))), (a(2), None), (a(3), None)];
        let wallet = [
            ("Account 1".to_owned(), a(1)),
            ("Account 2".to_owned(), a(9)),
        ];
        let rows = compare_rows(&node, &wallet);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].verdict, "same address");
        assert_eq!(rows[0].node_balance, Some(U256::from(7u8)));
        assert_eq!(rows[1].verdict, "different");
        assert_eq!(rows[2].verdict, "not in this wallet");
        let rows = compare_rows(&[], &wallet);
        assert_eq!(rows[0].verdict, "the node has no account here");
    }

    #[test]
    fn fill_sets_chain_nonce_fees_and_gas() {
        let form = SendForm::default();
        let fees = FeeSuggestion {
            base_fee: Some(875_000_000),
            priority_fee: 1_000_000_000,
            max_fee: 2_750_000_000,
            gas_price: 1_875_000_000,
        };
        let f = apply_fill(&form, 31_337, 4, fees, Some(21_000));
        assert_eq!(f.chain_id, "31337");
        assert_eq!((f.nonce.as_str(), f.nonce_auto), ("4", false));
        assert_eq!(f.priority_fee, "1");
        assert_eq!(f.max_fee, "2.75");
        assert_eq!(f.gas_price, "1.875");
        assert_eq!(f.gas_limit, "21000");
        assert_eq!(f.fee_kind, FeeKind::Eip1559);
        // The filled form builds a transaction for that chain with those fields.
        let mut f = f;
        f.to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".into();
        f.amount = "1.5".into();
        let tx = build(&f).unwrap();
        assert_eq!(tx.chain_id(), Some(31_337));
        assert_eq!(tx.nonce(), 4);
        assert_eq!(tx.max_fee_per_gas(), 2_750_000_000);
        // Without EIP-1559 only a legacy transaction is valid.
        let legacy = FeeSuggestion {
            base_fee: None,
            ..fees
        };
        assert_eq!(
            apply_fill(&form, 1, 0, legacy, None).fee_kind,
            FeeKind::Legacy
        );
    }

    #[test]
    fn chain_notes_warn_about_real_money() {
        assert!(chain_note(1).contains("REAL MONEY"));
        assert!(chain_note(31_337).contains("anvil"));
        assert!(!chain_note(31_337).contains("REAL MONEY"));
        assert!(chain_note(LAB_CHAIN_ID).contains("lab chain"));
        assert!(chain_note(999_999).contains("not a network this app knows"));
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(
            eth_text(U256::from(1_500_000_000_000_000_000u128)),
            "1.5 ETH"
        );
        assert_eq!(eth_text(U256::from(1u8)), "0.000000000000000001 ETH");
        assert_eq!(eth_text(U256::MAX), format!("{} wei", U256::MAX));
    }
}
