//! The node's pool (`txpool_content`), and what a transaction's raw bytes say about the
//! node's account of it (its hash, its sender).

use serde_json::Value;

use super::{opt, parse_tx, NodeTx};
use crate::address::Address;
use crate::hash::TxHash;
use crate::rpc::error::malformed;
use crate::rpc::RpcError;
use crate::tx::SignedTx;

/// The node's pool (`txpool_content`): executable and waiting transactions, by sender and
/// nonce.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pool {
    pub pending: Vec<NodeTx>,
    pub queued: Vec<NodeTx>,
}

fn pool_part(v: &Value, name: &str) -> Result<Vec<NodeTx>, RpcError> {
    let Some(by_sender) = opt(v, name) else {
        return Ok(Vec::new());
    };
    let by_sender = by_sender
        .as_object()
        .ok_or_else(|| malformed(format!("txpool_content's {name} is not an object")))?;
    let mut txs = Vec::new();
    for by_nonce in by_sender.values() {
        let by_nonce = by_nonce
            .as_object()
            .ok_or_else(|| malformed(format!("a sender's {name} is not an object")))?;
        for tx in by_nonce.values() {
            txs.push(parse_tx(tx)?);
        }
    }
    txs.sort_by_key(|t| (t.from, t.nonce));
    Ok(txs)
}

/// Reads a `txpool_content` answer.
///
/// # Errors
/// [`RpcError::Malformed`] naming the part.
pub fn parse_pool(v: &Value) -> Result<Pool, RpcError> {
    if !v.is_object() {
        return Err(malformed("txpool_content is not an object"));
    }
    Ok(Pool {
        pending: pool_part(v, "pending")?,
        queued: pool_part(v, "queued")?,
    })
}

/// What recovering a transaction's sender here says about the node's `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    /// The raw bytes hash to the transaction's hash and their signature recovers `from`.
    Agrees(Address),
    /// The signature recovers another address than the node's `from`.
    Differs { recovered: Address, node: Address },
    /// The raw bytes do not hash to the transaction's hash.
    WrongHash { raw_hash: TxHash },
    /// The raw bytes could not be decoded or recovered (e.g. a type this lab does not decode).
    Undecodable(String),
}

/// Decodes `raw`, checks its hash against `tx.hash` and recovers the sender.
pub fn check_sender(raw: &[u8], tx: &NodeTx) -> SenderCheck {
    let signed = match SignedTx::decode_raw(raw) {
        Ok(s) => s,
        Err(e) => return SenderCheck::Undecodable(e.to_string()),
    };
    if signed.hash() != tx.hash {
        return SenderCheck::WrongHash {
            raw_hash: signed.hash(),
        };
    }
    match signed.recover_sender() {
        Ok(a) if a == tx.from => SenderCheck::Agrees(a),
        Ok(recovered) => SenderCheck::Differs {
            recovered,
            node: tx.from,
        },
        Err(e) => SenderCheck::Undecodable(e.to_string()),
    }
}

/// Whether `tx` involves `address` as sender or recipient.
pub fn touches(tx: &NodeTx, address: &Address) -> bool {
    tx.from == *address || tx.to.as_ref() == Some(address)
}
