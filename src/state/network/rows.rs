//! The Network screen's rows as plain data: the node's status, the wallet's accounts beside the
//! node's view of them, a receipt.

use blocklab_core::address::Address;
use blocklab_core::amount::{format_units, DECIMALS, GWEI_DECIMALS};
use blocklab_core::rpc::{self, FeeSuggestion, NodeStatus, Receipt};
use blocklab_core::tx::U256;

use super::super::tx::{row, FeeKind, Row, SendForm, LAB_CHAIN_ID};

/// A wei amount as ETH, exact (`1.5 ETH`), or in wei when it does not fit 128 bits.
pub fn eth_text(wei: U256) -> String {
    match u128::try_from(wei) {
        Ok(v) => format!("{} ETH", format_units(v, DECIMALS)),
        Err(_) => format!("{wei} wei"),
    }
}

fn gwei_text(wei: u128) -> String {
    format!("{} gwei ({wei} wei)", format_units(wei, GWEI_DECIMALS))
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
    pub node_balance: Option<String>,
    /// The wallet's account at the same position: name and address.
    pub wallet: Option<(String, Address)>,
    pub verdict: &'static str,
}

/// Lines up the node's accounts with the wallet's, position by position.
pub fn compare_rows(
    node: &[(Address, Option<String>)],
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
                node_balance: n.and_then(|(_, b)| b.clone()),
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
    let gwei = |wei: u128| format_units(wei, GWEI_DECIMALS);
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
