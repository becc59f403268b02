//! The explorer's pages over a real node: their routes ([`NodePage`]), search, and the reads
//! each panel makes (one batch per page where the node accepts batches). Each panel keeps its
//! own `Result`: one failed call leaves the rest of the page standing.

use std::fmt;

use serde_json::Value;

use super::search::{self, Query, SearchError};
use super::Point;
use crate::address::Address;
use crate::hash::{BlockHash, TxHash};
use crate::rpc::client::Client;
use crate::rpc::explore::{
    check_sender, parse_block, parse_data, parse_node_receipt, parse_pool, parse_tx, BlockTag,
    NodeBlock, NodeReceipt, NodeTx, Pool, Req, SenderCheck,
};
use crate::rpc::rows::{eth_text, gwei_text};
use crate::rpc::{parse_u256, parse_u64, RpcError, Transport};
use crate::tx::explain::{row, Row};
use crate::tx::U256;
use crate::words::{eth, plural, utc};
use crate::Wei;

/// A page of the explorer over the connected node (`#/explorer/node/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodePage {
    Overview,
    Block(u64),
    Tx(TxHash),
    Address(Address),
    /// The node's pending pool.
    Pool,
}

impl NodePage {
    /// Reads the part of a route after `#/explorer/node/`; `None` for a malformed one.
    pub fn parse(rest: &str) -> Option<Self> {
        let mut parts = rest.splitn(2, '/');
        match (parts.next().unwrap_or_default(), parts.next()) {
            ("", None) => Some(Self::Overview),
            ("pool", None) => Some(Self::Pool),
            ("block", Some(n)) => n.parse().ok().map(Self::Block),
            ("tx", Some(h)) => h.parse().ok().map(Self::Tx),
            ("address", Some(a)) => a.to_ascii_lowercase().parse().ok().map(Self::Address),
            _ => None,
        }
    }

    /// The `href` of this page.
    pub fn href(self) -> String {
        match self {
            Self::Overview => "#/explorer/node".to_owned(),
            Self::Block(n) => format!("#/explorer/node/block/{n}"),
            Self::Tx(h) => format!("#/explorer/node/tx/{}", h.to_hex()),
            Self::Address(a) => format!("#/explorer/node/address/{}", a.to_checksum()),
            Self::Pool => "#/explorer/node/pool".to_owned(),
        }
    }
}

/// Why a search on the node goes nowhere.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeSearchError {
    Query(SearchError),
    /// No block at that number yet.
    NoBlock {
        number: u64,
    },
    /// Neither a transaction nor a block has that hash.
    NoHash,
    Node(RpcError),
}

impl fmt::Display for NodeSearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Query(e) => write!(f, "{}", crate::words::capitalise(&e.to_string())),
            Self::NoBlock { number } => write!(f, "The node has no block {number} yet."),
            Self::NoHash => {
                f.write_str("The node knows no transaction and no block with this hash.")
            }
            Self::Node(e) => write!(f, "The node could not be asked: {e}."),
        }
    }
}

/// Resolves search text on the node: a number, a block or transaction hash (both asked in one
/// batch), or an address (no request).
///
/// # Errors
/// [`NodeSearchError`].
pub async fn search<T: Transport>(
    client: &Client<T>,
    text: &str,
) -> Result<NodePage, NodeSearchError> {
    match search::parse(text).map_err(NodeSearchError::Query)? {
        Query::Address(a) => Ok(NodePage::Address(a)),
        Query::Height(n) => {
            let v = client
                .get(&Req::Block(BlockTag::Number(n), false))
                .await
                .map_err(NodeSearchError::Node)?;
            match parse_block(&v).map_err(NodeSearchError::Node)? {
                Some(b) => Ok(NodePage::Block(b.number)),
                None => Err(NodeSearchError::NoBlock { number: n }),
            }
        }
        Query::Hash(h) => {
            let tx = TxHash::from_bytes(*h.as_bytes());
            let block = BlockHash::from_bytes(*h.as_bytes());
            let mut answers = client
                .get_many(&[Req::Tx(tx), Req::BlockByHash(block)])
                .await
                .into_iter();
            let tx_answer = answers.next().unwrap_or(Ok(Value::Null));
            let block_answer = answers.next().unwrap_or(Ok(Value::Null));
            if let Ok(v) = &tx_answer {
                if !v.is_null() {
                    return Ok(NodePage::Tx(tx));
                }
            }
            match block_answer {
                Ok(v) => match parse_block(&v).map_err(NodeSearchError::Node)? {
                    Some(b) => Ok(NodePage::Block(b.number)),
                    None => match tx_answer {
                        Err(e) => Err(NodeSearchError::Node(e)),
                        Ok(_) => Err(NodeSearchError::NoHash),
                    },
                },
                Err(e) => Err(NodeSearchError::Node(e)),
            }
        }
    }
}

/// How many blocks the overview lists and charts.
pub const OVERVIEW_BLOCKS: u64 = 20;

/// The overview: the head and the latest blocks (newest first, with their transactions).
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub head: u64,
    pub blocks: Vec<NodeBlock>,
    /// Blocks that could not be read, with why (the others still show).
    pub missing: Vec<(u64, String)>,
}

/// Reads the head, then the latest [`OVERVIEW_BLOCKS`] blocks in one batch (kept blocks come
/// from the cache).
///
/// # Errors
/// The head's [`RpcError`] (without it there is nothing to list).
pub async fn overview<T: Transport>(client: &Client<T>) -> Result<Overview, RpcError> {
    let head = parse_u64(&client.get(&Req::BlockNumber).await?, "the block number")?;
    let numbers: Vec<u64> = (head.saturating_sub(OVERVIEW_BLOCKS - 1)..=head)
        .rev()
        .collect();
    let reqs: Vec<Req> = numbers
        .iter()
        .map(|n| Req::Block(BlockTag::Number(*n), true))
        .collect();
    let mut blocks = Vec::new();
    let mut missing = Vec::new();
    for (n, a) in numbers.iter().zip(client.get_many(&reqs).await) {
        match a.and_then(|v| parse_block(&v)) {
            Ok(Some(b)) => blocks.push(b),
            Ok(None) => missing.push((*n, "the node has no such block".to_owned())),
            Err(e) => missing.push((*n, e.to_string())),
        }
    }
    Ok(Overview {
        head,
        blocks,
        missing,
    })
}

/// The newest transactions of these blocks (newest first), at most `n`.
pub fn latest_txs(blocks: &[NodeBlock], n: usize) -> Vec<NodeTx> {
    blocks
        .iter()
        .flat_map(|b| match &b.txs {
            crate::rpc::explore::BlockTxs::Full(t) => t.iter().rev().cloned().collect(),
            crate::rpc::explore::BlockTxs::Hashes(_) => Vec::new(),
        })
        .take(n)
        .collect()
}

/// Gas used per block (oldest first), for a chart.
pub fn gas_used_points(blocks: &[NodeBlock]) -> Vec<Point> {
    let mut p: Vec<Point> = blocks
        .iter()
        .map(|b| Point {
            x: b.number,
            y: b.gas_used as f64,
        })
        .collect();
    p.sort_by_key(|p| p.x);
    p
}

/// Base fee per block in gwei (oldest first; blocks without one are left out).
pub fn base_fee_points(blocks: &[NodeBlock]) -> Vec<Point> {
    let mut p: Vec<Point> = blocks
        .iter()
        .filter_map(|b| {
            b.base_fee.map(|f| Point {
                x: b.number,
                y: f as f64 / 1e9,
            })
        })
        .collect();
    p.sort_by_key(|p| p.x);
    p
}

/// Seconds since the parent (oldest first; only where the parent is in the list).
pub fn block_time_points(blocks: &[NodeBlock]) -> Vec<Point> {
    let mut sorted: Vec<&NodeBlock> = blocks.iter().collect();
    sorted.sort_by_key(|b| b.number);
    sorted
        .windows(2)
        .filter(|w| w[0].number.checked_add(1) == Some(w[1].number))
        .map(|w| Point {
            x: w[1].number,
            y: w[1].timestamp.saturating_sub(w[0].timestamp) as f64,
        })
        .collect()
}

/// A block page: the block (with its transactions) and the head (for confirmations).
///
/// # Errors
/// The block's [`RpcError`].
pub async fn block<T: Transport>(
    client: &Client<T>,
    number: u64,
) -> Result<Option<NodeBlock>, RpcError> {
    parse_block(
        &client
            .get(&Req::Block(BlockTag::Number(number), true))
            .await?,
    )
}

/// A transaction page's panels: the transaction, its receipt, and the sender check from its
/// raw bytes; each on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct TxView {
    pub tx: Result<Option<NodeTx>, RpcError>,
    pub receipt: Result<Option<NodeReceipt>, RpcError>,
    /// The raw bytes and what they say about the sender.
    pub raw: Result<Option<(Vec<u8>, SenderCheck)>, RpcError>,
}

/// Reads a transaction, its receipt and its raw bytes in one batch.
pub async fn tx<T: Transport>(client: &Client<T>, hash: TxHash) -> TxView {
    let mut a = client
        .get_many(&[Req::Tx(hash), Req::Receipt(hash), Req::RawTx(hash)])
        .await
        .into_iter();
    let mut next = || a.next().unwrap_or(Ok(Value::Null));
    let tx = next().and_then(|v| {
        if v.is_null() {
            Ok(None)
        } else {
            parse_tx(&v).map(Some)
        }
    });
    let receipt = next().and_then(|v| parse_node_receipt(&v));
    let raw_answer = next();
    let raw = match (&tx, raw_answer) {
        (_, Err(e)) => Err(e),
        (_, Ok(Value::Null)) => Ok(None),
        (Ok(Some(t)), Ok(v)) => parse_data(&v, "the raw transaction").map(|raw| {
            let check = check_sender(&raw, t);
            Some((raw, check))
        }),
        (_, Ok(v)) => parse_data(&v, "the raw transaction").map(|raw| {
            Some((
                raw,
                SenderCheck::Undecodable("the node gave no transaction to compare".into()),
            ))
        }),
    };
    TxView { tx, receipt, raw }
}

/// An address page's header: balance, mined nonce, code; each on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressView {
    pub balance: Result<U256, RpcError>,
    pub nonce: Result<u64, RpcError>,
    pub code: Result<Vec<u8>, RpcError>,
}

/// Reads an address's balance, nonce and code in one batch.
pub async fn address<T: Transport>(client: &Client<T>, a: Address) -> AddressView {
    let mut it = client
        .get_many(&[Req::Balance(a), Req::Nonce(a), Req::Code(a)])
        .await
        .into_iter();
    let mut next = || it.next().unwrap_or(Ok(Value::Null));
    AddressView {
        balance: next().and_then(|v| parse_u256(&v, "the balance")),
        nonce: next().and_then(|v| parse_u64(&v, "the nonce")),
        code: next().and_then(|v| parse_data(&v, "the code")),
    }
}

/// The node's pending pool.
///
/// # Errors
/// The call's [`RpcError`] (a node without `txpool_content` answers "method not found").
pub async fn pool<T: Transport>(client: &Client<T>) -> Result<Pool, RpcError> {
    parse_pool(&client.get(&Req::TxpoolContent).await?)
}

fn opt_gwei(v: Option<u128>) -> String {
    v.map_or_else(|| "none".to_owned(), gwei_text)
}

fn hex_bytes(b: &[u8]) -> String {
    if b.is_empty() {
        "0x (empty)".to_owned()
    } else {
        format!(
            "0x{} ({})",
            hex::encode(b),
            plural(b.len() as u64, "byte", "bytes")
        )
    }
}

/// Every field of a block, in words.
pub fn block_rows(b: &NodeBlock) -> Vec<Row> {
    vec![
        row("Number", "number", b.number.to_string()),
        row("Hash", "hash", b.hash.to_hex()),
        row("Parent hash", "parent", b.parent.to_hex()),
        row(
            "Timestamp",
            "timestamp",
            format!(
                "{} (unix {})",
                utc(b.timestamp.saturating_mul(1000)),
                b.timestamp
            ),
        ),
        row("Fee recipient (miner)", "miner", b.miner.to_checksum()),
        row("Gas used", "gas-used", b.gas_used.to_string()),
        row("Gas limit", "gas-limit", b.gas_limit.to_string()),
        row("Base fee per gas", "base-fee", opt_gwei(b.base_fee)),
        row(
            "Size",
            "size",
            b.size
                .map_or_else(|| "not given".to_owned(), |s| plural(s, "byte", "bytes")),
        ),
        row("Transactions", "tx-count", b.txs.len().to_string()),
        row("State root", "state-root", b.state_root.to_hex()),
        row(
            "Transactions root",
            "transactions-root",
            b.transactions_root.to_hex(),
        ),
        row("Receipts root", "receipts-root", b.receipts_root.to_hex()),
        row("Extra data", "extra-data", hex_bytes(&b.extra_data)),
    ]
}

/// Every field of a transaction, in words.
pub fn tx_rows(t: &NodeTx) -> Vec<Row> {
    let kind = match t.tx_type {
        0 => "0 (legacy)".to_owned(),
        1 => "1 (EIP-2930 access list)".to_owned(),
        2 => "2 (EIP-1559)".to_owned(),
        n => n.to_string(),
    };
    vec![
        row("Hash", "hash", t.hash.to_hex()),
        row(
            "Block",
            "block",
            match (t.block_number, t.index) {
                (Some(b), Some(i)) => format!("{b} (position {i})"),
                (Some(b), None) => b.to_string(),
                _ => "pending (not in a block yet)".to_owned(),
            },
        ),
        row("From (the node's)", "from", t.from.to_checksum()),
        row(
            "To",
            "to",
            t.to.map_or_else(
                || "none: a contract creation".to_owned(),
                |a| a.to_checksum(),
            ),
        ),
        row(
            "Value",
            "value",
            format!("{} ({} wei)", eth_text(t.value), t.value),
        ),
        row("Nonce", "nonce", t.nonce.to_string()),
        row("Gas limit", "gas", t.gas.to_string()),
        row("Type", "type", kind),
        row("Gas price", "gas-price", opt_gwei(t.gas_price)),
        row("Max fee per gas", "max-fee", opt_gwei(t.max_fee)),
        row(
            "Max priority fee per gas",
            "max-priority-fee",
            opt_gwei(t.max_priority_fee),
        ),
        row("Input data", "input", hex_bytes(&t.input)),
    ]
}

/// A receipt's fields, in words (the logs are listed apart).
pub fn receipt_rows(r: &NodeReceipt) -> Vec<Row> {
    vec![
        row(
            "Status",
            "status",
            match r.success {
                Some(true) => "success (status 1)",
                Some(false) => "reverted (status 0): mined, the fee was paid, nothing else changed",
                None => "not given (a receipt from before Byzantium)",
            },
        ),
        row("Block", "block", r.block_number.to_string()),
        row("Gas used", "gas-used", r.gas_used.to_string()),
        row(
            "Cumulative gas used in the block",
            "cumulative-gas-used",
            r.cumulative_gas_used.to_string(),
        ),
        row(
            "Effective gas price",
            "effective-gas-price",
            opt_gwei(r.effective_gas_price),
        ),
        row(
            "Fee paid (gas used × effective gas price)",
            "fee",
            r.fee().map_or_else(
                || "unknown (no effective gas price)".to_owned(),
                |f| format!("{} ({f} wei)", eth(Wei::from_wei(f))),
            ),
        ),
        row(
            "Contract created",
            "contract",
            r.contract_address
                .map_or_else(|| "none".to_owned(), |a| a.to_checksum()),
        ),
        row("Logs", "log-count", r.logs.len().to_string()),
    ]
}

/// What the sender check says, as a sentence.
pub fn sender_sentence(c: &SenderCheck) -> String {
    match c {
        SenderCheck::Agrees(a) => format!(
            "✔ Recovered here from the signature: {}, the same as the node's from.",
            a.to_checksum()
        ),
        SenderCheck::Differs { recovered, node } => format!(
            "✘ The signature recovers {}, but the node says from {}.",
            recovered.to_checksum(),
            node.to_checksum()
        ),
        SenderCheck::WrongHash { raw_hash } => format!(
            "✘ The node's raw bytes hash to {}, not to this transaction's hash.",
            raw_hash.to_hex()
        ),
        SenderCheck::Undecodable(why) => format!("The raw bytes could not be checked here: {why}."),
    }
}

/// A chain id with its name when known.
pub fn chain_name(chain_id: u64) -> String {
    match crate::rpc::known_chain(chain_id) {
        Some(k) => format!("{chain_id} ({})", k.name),
        None => format!("{chain_id} (not a network this lab knows by name)"),
    }
}

#[cfg(test)]
#[path = "node_tests.rs"]
mod tests;
