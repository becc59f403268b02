//! The explorer over a real node: the read calls it makes ([`Req`]), JSON-RPC batches, and
//! strict decoders of what a node answers (blocks, transactions, receipts with their logs,
//! Otterscan's `ots_*` pages, `txpool_content`).
//!
//! Every decoder reads a [`Value`] the node sent and returns [`RpcError::Malformed`] naming the
//! field that is missing or wrong; none panics (fuzzed in `tests/fuzz.rs`). Quantities are
//! integers (`u64` gas and numbers, `u128` fees, [`U256`] values), never floats.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::error::{malformed, truncate};
use super::{parse_address, parse_u128, parse_u256, parse_u64, quantity, RpcError};
use crate::address::Address;
use crate::hash::{BlockHash, Hash32, TxHash};
use crate::tx::U256;

mod pool;

pub use pool::{check_sender, parse_pool, touches, Pool, SenderCheck};

/// Which block: the newest, or one by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockTag {
    Latest,
    Number(u64),
}

/// A read the explorer makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    ChainId,
    BlockNumber,
    /// `eth_getBlockByNumber`, with full transactions when `full`.
    Block(BlockTag, bool),
    /// `eth_getBlockByHash` with full transactions.
    BlockByHash(BlockHash),
    Tx(TxHash),
    /// `eth_getRawTransactionByHash` (the signed bytes, to recover the sender here).
    RawTx(TxHash),
    Receipt(TxHash),
    Balance(Address),
    /// The mined nonce (`latest`).
    Nonce(Address),
    Code(Address),
    /// `ots_getApiLevel`: whether the node offers the Otterscan namespace.
    OtsApiLevel,
    /// `ots_searchTransactionsBefore(address, 0, page_size)`: the newest transactions.
    OtsSearch {
        address: Address,
        page_size: u64,
    },
    TxpoolContent,
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

impl Req {
    /// The method name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::ChainId => "eth_chainId",
            Self::BlockNumber => "eth_blockNumber",
            Self::Block(..) => "eth_getBlockByNumber",
            Self::BlockByHash(_) => "eth_getBlockByHash",
            Self::Tx(_) => "eth_getTransactionByHash",
            Self::RawTx(_) => "eth_getRawTransactionByHash",
            Self::Receipt(_) => "eth_getTransactionReceipt",
            Self::Balance(_) => "eth_getBalance",
            Self::Nonce(_) => "eth_getTransactionCount",
            Self::Code(_) => "eth_getCode",
            Self::OtsApiLevel => "ots_getApiLevel",
            Self::OtsSearch { .. } => "ots_searchTransactionsBefore",
            Self::TxpoolContent => "txpool_content",
        }
    }

    /// The positional parameters.
    pub fn params(&self) -> Value {
        let addr = |a: &Address| Value::String(hex0x(a.as_bytes()));
        match self {
            Self::ChainId | Self::BlockNumber | Self::OtsApiLevel | Self::TxpoolContent => {
                json!([])
            }
            Self::Block(BlockTag::Latest, full) => json!(["latest", full]),
            Self::Block(BlockTag::Number(n), full) => json!([quantity(u128::from(*n)), full]),
            Self::BlockByHash(h) => json!([h.to_hex(), true]),
            Self::Tx(h) | Self::RawTx(h) | Self::Receipt(h) => json!([h.to_hex()]),
            Self::Balance(a) | Self::Nonce(a) | Self::Code(a) => json!([addr(a), "latest"]),
            Self::OtsSearch { address, page_size } => json!([addr(address), 0, page_size]),
        }
    }

    /// One request object with this `id`.
    pub fn to_json(&self, id: u64) -> Value {
        json!({ "jsonrpc": "2.0", "id": id, "method": self.method(), "params": self.params() })
    }

    /// The cache key: method and parameters.
    pub fn key(&self) -> String {
        format!("{}{}", self.method(), self.params())
    }

    /// Whether the answer `v` can be kept: only what a new block does not change (a block by
    /// hash or number once it exists, a mined transaction, a receipt, raw bytes, the chain id).
    /// A reorganisation deeper than the head is not noticed by a kept block-by-number.
    pub fn cacheable(&self, v: &Value) -> bool {
        match self {
            Self::ChainId | Self::OtsApiLevel => true,
            Self::Block(BlockTag::Number(_), _)
            | Self::BlockByHash(_)
            | Self::RawTx(_)
            | Self::Receipt(_) => !v.is_null(),
            Self::Tx(_) => v.get("blockNumber").is_some_and(|b| !b.is_null()),
            _ => false,
        }
    }
}

/// The body of a batch of `reqs`, ids `first_id`, `first_id + 1`, ...
pub fn batch_body(reqs: &[&Req], first_id: u64) -> String {
    Value::Array(
        reqs.iter()
            .zip(first_id..)
            .map(|(r, id)| r.to_json(id))
            .collect(),
    )
    .to_string()
}

/// Reads a batch answer: one result per request, in request order (a node may answer in any
/// order).
///
/// # Errors
/// The whole batch fails with [`RpcError::Node`] when the node answers one error object (it
/// refuses batches) and [`RpcError::Malformed`] when the answer is not a list; an entry missing
/// from the list is that request's own `Malformed`.
pub fn parse_batch(
    body: &str,
    count: usize,
    first_id: u64,
) -> Result<Vec<Result<Value, RpcError>>, RpcError> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| malformed(format!("not JSON ({e}): {}", truncate(body, 120))))?;
    let list = match value {
        Value::Array(list) => list,
        Value::Object(ref o) if o.contains_key("error") => {
            return Err(super::node_error(o.get("error").unwrap_or(&Value::Null)))
        }
        _ => return Err(malformed("the answer to a batch is not a list")),
    };
    let mut by_id: BTreeMap<u64, Value> = BTreeMap::new();
    for entry in list {
        if let Some(id) = entry.get("id").and_then(Value::as_u64) {
            by_id.insert(id, entry);
        }
    }
    Ok((first_id..)
        .take(count)
        .map(|id| match by_id.remove(&id) {
            None => Err(malformed(format!(
                "the batch has no answer for request id {id}"
            ))),
            Some(entry) => {
                if let Some(e) = entry.get("error") {
                    Err(super::node_error(e))
                } else {
                    entry
                        .get("result")
                        .cloned()
                        .ok_or_else(|| malformed("an answer has neither result nor error"))
                }
            }
        })
        .collect())
}

fn field<'a>(v: &'a Value, name: &str, what: &str) -> Result<&'a Value, RpcError> {
    v.get(name)
        .ok_or_else(|| malformed(format!("the {what} has no {name}")))
}

fn opt<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).filter(|x| !x.is_null())
}

fn parse_hash32(v: &Value, what: &str) -> Result<Hash32, RpcError> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed(format!("{what} is not a 32-byte hash")))
}

fn parse_tx_hash(v: &Value, what: &str) -> Result<TxHash, RpcError> {
    Ok(TxHash::from_bytes(*parse_hash32(v, what)?.as_bytes()))
}

fn parse_block_hash(v: &Value, what: &str) -> Result<BlockHash, RpcError> {
    Ok(BlockHash::from_bytes(*parse_hash32(v, what)?.as_bytes()))
}

/// Hex data: `0x` and an even number of hex digits.
///
/// # Errors
/// [`RpcError::Malformed`].
pub fn parse_data(v: &Value, what: &str) -> Result<Vec<u8>, RpcError> {
    v.as_str()
        .and_then(|s| s.strip_prefix("0x"))
        .and_then(|d| hex::decode(d).ok())
        .ok_or_else(|| malformed(format!("{what} is not 0x-prefixed hex bytes")))
}

fn opt_u64(v: &Value, name: &str, what: &str) -> Result<Option<u64>, RpcError> {
    opt(v, name)
        .map(|x| parse_u64(x, &format!("the {what}'s {name}")))
        .transpose()
}

fn opt_u128(v: &Value, name: &str, what: &str) -> Result<Option<u128>, RpcError> {
    opt(v, name)
        .map(|x| parse_u128(x, &format!("the {what}'s {name}")))
        .transpose()
}

fn opt_address(v: &Value, name: &str, what: &str) -> Result<Option<Address>, RpcError> {
    opt(v, name)
        .map(|x| parse_address(x, &format!("the {what}'s {name}")))
        .transpose()
}

/// A transaction as the node describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeTx {
    pub hash: TxHash,
    /// `None` while pending.
    pub block_number: Option<u64>,
    pub block_hash: Option<BlockHash>,
    pub index: Option<u64>,
    pub from: Address,
    /// `None`: a contract creation.
    pub to: Option<Address>,
    pub value: U256,
    pub gas: u64,
    pub gas_price: Option<u128>,
    pub max_fee: Option<u128>,
    pub max_priority_fee: Option<u128>,
    pub nonce: u64,
    pub input: Vec<u8>,
    /// EIP-2718 type (0 legacy, 1 EIP-2930, 2 EIP-1559, ...).
    pub tx_type: u64,
}

/// Reads a transaction object.
///
/// # Errors
/// [`RpcError::Malformed`] naming the field.
pub fn parse_tx(v: &Value) -> Result<NodeTx, RpcError> {
    const W: &str = "transaction";
    if !v.is_object() {
        return Err(malformed("a transaction is not an object"));
    }
    Ok(NodeTx {
        hash: parse_tx_hash(field(v, "hash", W)?, "the transaction's hash")?,
        block_number: opt_u64(v, "blockNumber", W)?,
        block_hash: opt(v, "blockHash")
            .map(|h| parse_block_hash(h, "the transaction's blockHash"))
            .transpose()?,
        index: opt_u64(v, "transactionIndex", W)?,
        from: parse_address(field(v, "from", W)?, "the transaction's from")?,
        to: opt_address(v, "to", W)?,
        value: parse_u256(field(v, "value", W)?, "the transaction's value")?,
        gas: parse_u64(field(v, "gas", W)?, "the transaction's gas")?,
        gas_price: opt_u128(v, "gasPrice", W)?,
        max_fee: opt_u128(v, "maxFeePerGas", W)?,
        max_priority_fee: opt_u128(v, "maxPriorityFeePerGas", W)?,
        nonce: parse_u64(field(v, "nonce", W)?, "the transaction's nonce")?,
        input: parse_data(field(v, "input", W)?, "the transaction's input")?,
        tx_type: opt_u64(v, "type", W)?.unwrap_or(0),
    })
}

/// A block's transactions: hashes, or full objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockTxs {
    Hashes(Vec<TxHash>),
    Full(Vec<NodeTx>),
}

impl BlockTxs {
    /// How many.
    pub fn len(&self) -> usize {
        match self {
            Self::Hashes(h) => h.len(),
            Self::Full(t) => t.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Their hashes.
    pub fn hashes(&self) -> Vec<TxHash> {
        match self {
            Self::Hashes(h) => h.clone(),
            Self::Full(t) => t.iter().map(|t| t.hash).collect(),
        }
    }
}

/// A block as the node describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeBlock {
    pub number: u64,
    pub hash: BlockHash,
    pub parent: BlockHash,
    /// Seconds since 1970 (Ethereum's header timestamp).
    pub timestamp: u64,
    pub miner: Address,
    pub gas_used: u64,
    pub gas_limit: u64,
    /// EIP-1559 base fee; `None` before London.
    pub base_fee: Option<u128>,
    pub size: Option<u64>,
    pub state_root: Hash32,
    pub transactions_root: Hash32,
    pub receipts_root: Hash32,
    pub extra_data: Vec<u8>,
    pub txs: BlockTxs,
}

/// Reads a block object (`None` for `null`: no such block).
///
/// # Errors
/// [`RpcError::Malformed`] naming the field.
pub fn parse_block(v: &Value) -> Result<Option<NodeBlock>, RpcError> {
    const W: &str = "block";
    if v.is_null() {
        return Ok(None);
    }
    if !v.is_object() {
        return Err(malformed("a block is not an object"));
    }
    let list = field(v, "transactions", W)?
        .as_array()
        .ok_or_else(|| malformed("the block's transactions are not a list"))?;
    let txs = if list.iter().all(Value::is_string) {
        BlockTxs::Hashes(
            list.iter()
                .map(|h| parse_tx_hash(h, "a transaction hash of the block"))
                .collect::<Result<_, _>>()?,
        )
    } else {
        BlockTxs::Full(list.iter().map(parse_tx).collect::<Result<_, _>>()?)
    };
    let root = |name: &str| parse_hash32(field(v, name, W)?, &format!("the block's {name}"));
    Ok(Some(NodeBlock {
        number: parse_u64(field(v, "number", W)?, "the block's number")?,
        hash: parse_block_hash(field(v, "hash", W)?, "the block's hash")?,
        parent: parse_block_hash(field(v, "parentHash", W)?, "the block's parentHash")?,
        timestamp: parse_u64(field(v, "timestamp", W)?, "the block's timestamp")?,
        miner: parse_address(field(v, "miner", W)?, "the block's miner")?,
        gas_used: parse_u64(field(v, "gasUsed", W)?, "the block's gasUsed")?,
        gas_limit: parse_u64(field(v, "gasLimit", W)?, "the block's gasLimit")?,
        base_fee: opt_u128(v, "baseFeePerGas", W)?,
        size: opt_u64(v, "size", W)?,
        state_root: root("stateRoot")?,
        transactions_root: root("transactionsRoot")?,
        receipts_root: root("receiptsRoot")?,
        extra_data: opt(v, "extraData")
            .map(|d| parse_data(d, "the block's extraData"))
            .transpose()?
            .unwrap_or_default(),
        txs,
    }))
}

/// A log a transaction emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    pub address: Address,
    pub topics: Vec<Hash32>,
    pub data: Vec<u8>,
    pub index: Option<u64>,
}

/// A receipt with everything the transaction page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeReceipt {
    pub tx_hash: TxHash,
    /// `Some(true)`: executed; `Some(false)`: reverted; `None`: a pre-Byzantium receipt.
    pub success: Option<bool>,
    pub block_number: u64,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub effective_gas_price: Option<u128>,
    pub from: Address,
    pub to: Option<Address>,
    pub contract_address: Option<Address>,
    pub logs: Vec<Log>,
}

impl NodeReceipt {
    /// gas used × effective gas price, in wei (`None` when the node gives no price).
    pub fn fee(&self) -> Option<u128> {
        self.effective_gas_price
            .and_then(|p| p.checked_mul(u128::from(self.gas_used)))
    }
}

fn parse_log(v: &Value) -> Result<Log, RpcError> {
    const W: &str = "log";
    Ok(Log {
        address: parse_address(field(v, "address", W)?, "a log's address")?,
        topics: field(v, "topics", W)?
            .as_array()
            .ok_or_else(|| malformed("a log's topics are not a list"))?
            .iter()
            .map(|t| parse_hash32(t, "a log topic"))
            .collect::<Result<_, _>>()?,
        data: parse_data(field(v, "data", W)?, "a log's data")?,
        index: opt_u64(v, "logIndex", W)?,
    })
}

/// Reads a receipt (`None` for `null`: not mined).
///
/// # Errors
/// [`RpcError::Malformed`] naming the field.
pub fn parse_node_receipt(v: &Value) -> Result<Option<NodeReceipt>, RpcError> {
    const W: &str = "receipt";
    if v.is_null() {
        return Ok(None);
    }
    if !v.is_object() {
        return Err(malformed("a receipt is not an object"));
    }
    Ok(Some(NodeReceipt {
        tx_hash: parse_tx_hash(field(v, "transactionHash", W)?, "the receipt's hash")?,
        success: opt_u64(v, "status", W)?.map(|s| s == 1),
        block_number: parse_u64(field(v, "blockNumber", W)?, "the receipt's blockNumber")?,
        gas_used: parse_u64(field(v, "gasUsed", W)?, "the receipt's gasUsed")?,
        cumulative_gas_used: parse_u64(
            field(v, "cumulativeGasUsed", W)?,
            "the receipt's cumulativeGasUsed",
        )?,
        effective_gas_price: opt_u128(v, "effectiveGasPrice", W)?,
        from: parse_address(field(v, "from", W)?, "the receipt's from")?,
        to: opt_address(v, "to", W)?,
        contract_address: opt_address(v, "contractAddress", W)?,
        logs: field(v, "logs", W)?
            .as_array()
            .ok_or_else(|| malformed("the receipt's logs are not a list"))?
            .iter()
            .map(parse_log)
            .collect::<Result<_, _>>()?,
    }))
}

/// One page of `ots_searchTransactionsBefore`: the newest transactions first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtsPage {
    pub txs: Vec<NodeTx>,
    /// Whether older transactions remain beyond this page.
    pub more: bool,
}

/// Reads an `ots_searchTransactionsBefore` answer.
///
/// # Errors
/// [`RpcError::Malformed`] naming the field.
pub fn parse_ots_page(v: &Value) -> Result<OtsPage, RpcError> {
    let txs = field(v, "txs", "Otterscan page")?
        .as_array()
        .ok_or_else(|| malformed("the Otterscan page's txs are not a list"))?
        .iter()
        .map(parse_tx)
        .collect::<Result<Vec<_>, _>>()?;
    let last = field(v, "lastPage", "Otterscan page")?
        .as_bool()
        .ok_or_else(|| malformed("the Otterscan page's lastPage is not true or false"))?;
    Ok(OtsPage { txs, more: !last })
}

#[cfg(test)]
#[path = "explore_tests.rs"]
mod tests;
