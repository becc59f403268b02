//! Ethereum JSON-RPC 2.0 (the `eth_*` API every node serves), without I/O.
//!
//! The core builds request bodies, reads responses strictly (a quantity is `0x` and minimal hex,
//! an id must match, an error object becomes [`RpcError::Node`] classified by what the node
//! said) and runs the few flows the app needs ([`node_status`], [`account_on_node`],
//! [`suggest_fees`], [`broadcast`], [`receipt`]) over a [`Transport`] that the caller supplies:
//! `fetch` in the browser, a TCP socket in the native integration test against a real node.
//!
//! Nothing here ever contacts a node by itself: every flow takes the URL the user entered.

use serde_json::{json, Value};

use crate::address::Address;
use crate::amount::Wei;
use crate::hash::TxHash;
use crate::tx::{SignedTx, U256};

mod chains;
pub mod client;
mod error;
pub mod explore;
#[cfg(test)]
pub(crate) mod fake_node;
pub mod rows;
pub mod scan;

pub use chains::{explorer_tx_url, known_chain, KnownChain};
use error::{malformed, truncate};
pub use error::{NodeErrorKind, RpcError, TransportError};

/// A call of the JSON-RPC API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    ChainId,
    BlockNumber,
    GasPrice,
    /// The latest block's header (for its base fee).
    LatestBlock,
    /// `eth_feeHistory` over the last `blocks` blocks with the 50th percentile tip.
    FeeHistory {
        blocks: u64,
    },
    Balance(Address),
    /// The next nonce, counting the node's pending transactions.
    TransactionCount(Address),
    EstimateGas {
        from: Address,
        to: Address,
        value: Wei,
        data: Vec<u8>,
    },
    SendRawTransaction(Vec<u8>),
    Receipt(TxHash),
    Accounts,
    ClientVersion,
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A quantity as JSON-RPC writes it: `0x` and minimal hex (`0x0` for zero).
pub fn quantity(value: u128) -> String {
    format!("{value:#x}")
}

impl Call {
    /// The method name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::ChainId => "eth_chainId",
            Self::BlockNumber => "eth_blockNumber",
            Self::GasPrice => "eth_gasPrice",
            Self::LatestBlock => "eth_getBlockByNumber",
            Self::FeeHistory { .. } => "eth_feeHistory",
            Self::Balance(_) => "eth_getBalance",
            Self::TransactionCount(_) => "eth_getTransactionCount",
            Self::EstimateGas { .. } => "eth_estimateGas",
            Self::SendRawTransaction(_) => "eth_sendRawTransaction",
            Self::Receipt(_) => "eth_getTransactionReceipt",
            Self::Accounts => "eth_accounts",
            Self::ClientVersion => "web3_clientVersion",
        }
    }

    /// The positional parameters.
    pub fn params(&self) -> Value {
        let addr = |a: &Address| Value::String(hex0x(a.as_bytes()));
        match self {
            Self::ChainId | Self::BlockNumber | Self::GasPrice | Self::Accounts => json!([]),
            Self::ClientVersion => json!([]),
            Self::LatestBlock => json!(["latest", false]),
            Self::FeeHistory { blocks } => json!([quantity(u128::from(*blocks)), "latest", [50]]),
            Self::Balance(a) => json!([addr(a), "latest"]),
            Self::TransactionCount(a) => json!([addr(a), "pending"]),
            Self::EstimateGas {
                from,
                to,
                value,
                data,
            } => json!([{
                "from": addr(from),
                "to": addr(to),
                "value": quantity(value.as_wei()),
                "data": hex0x(data),
            }]),
            Self::SendRawTransaction(raw) => json!([hex0x(raw)]),
            Self::Receipt(hash) => json!([hash.to_hex()]),
        }
    }

    /// The request body with this `id`.
    pub fn body(&self, id: u64) -> String {
        json!({ "jsonrpc": "2.0", "id": id, "method": self.method(), "params": self.params() })
            .to_string()
    }
}

/// Reads a response body: the `result` of the response with this `id`, or the node's error.
///
/// # Errors
/// [`RpcError::Node`] for an error object, [`RpcError::Malformed`] for anything that is not a
/// JSON-RPC 2.0 response to `id`.
pub fn parse_response(body: &str, id: u64) -> Result<Value, RpcError> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| malformed(format!("not JSON ({e}): {}", truncate(body, 120))))?;
    let obj = value
        .as_object()
        .ok_or_else(|| malformed("the answer is not a JSON object"))?;
    if obj.get("id").and_then(Value::as_u64) != Some(id) {
        // Some nodes answer a request they cannot parse with id null and an error: show it.
        if let Some(e) = obj.get("error") {
            return Err(node_error(e));
        }
        return Err(malformed(format!("the answer is not for request id {id}")));
    }
    if let Some(e) = obj.get("error") {
        return Err(node_error(e));
    }
    obj.get("result")
        .cloned()
        .ok_or_else(|| malformed("the answer has neither result nor error"))
}

fn node_error(e: &Value) -> RpcError {
    let message = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no message")
        .to_owned();
    let data = e.get("data").and_then(Value::as_str).unwrap_or("");
    let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
    let kind = match NodeErrorKind::classify(&message) {
        // JSON-RPC 2.0's "method not found".
        NodeErrorKind::Other if code == -32601 => NodeErrorKind::MethodNotFound,
        NodeErrorKind::Other => NodeErrorKind::classify(data),
        k => k,
    };
    RpcError::Node {
        code,
        message,
        kind,
    }
}

fn quantity_digits<'a>(v: &'a Value, what: &str) -> Result<&'a str, RpcError> {
    let s = v
        .as_str()
        .ok_or_else(|| malformed(format!("{what} is not a hex string")))?;
    let digits = s
        .strip_prefix("0x")
        .ok_or_else(|| malformed(format!("{what} \"{}\" has no 0x", truncate(s, 80))))?;
    let ok = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_hexdigit())
        && (digits == "0" || !digits.starts_with('0'));
    if ok {
        Ok(digits)
    } else {
        Err(malformed(format!(
            "{what} \"{}\" is not a minimal hex quantity",
            truncate(s, 80)
        )))
    }
}

/// A quantity that fits `u128`.
///
/// # Errors
/// [`RpcError::Malformed`] for anything else.
pub fn parse_u128(v: &Value, what: &str) -> Result<u128, RpcError> {
    let digits = quantity_digits(v, what)?;
    u128::from_str_radix(digits, 16).map_err(|_| malformed(format!("{what} is too large")))
}

/// A quantity that fits `u64`.
///
/// # Errors
/// [`RpcError::Malformed`] for anything else.
pub fn parse_u64(v: &Value, what: &str) -> Result<u64, RpcError> {
    let digits = quantity_digits(v, what)?;
    u64::from_str_radix(digits, 16).map_err(|_| malformed(format!("{what} is too large")))
}

/// A 256-bit quantity.
///
/// # Errors
/// [`RpcError::Malformed`] for anything else.
pub fn parse_u256(v: &Value, what: &str) -> Result<U256, RpcError> {
    let digits = quantity_digits(v, what)?;
    U256::from_str_radix(digits, 16).map_err(|_| malformed(format!("{what} is too large")))
}

fn parse_address(v: &Value, what: &str) -> Result<Address, RpcError> {
    v.as_str()
        .and_then(|s| s.to_ascii_lowercase().parse::<Address>().ok())
        .ok_or_else(|| malformed(format!("{what} is not an address")))
}

/// How a request goes out. Implementations post `body` to `url` with
/// `Content-Type: application/json` and return the response body.
pub trait Transport {
    /// Posts one JSON-RPC request.
    ///
    /// # Errors
    /// [`TransportError`] when there is no 2xx answer.
    fn post(
        &self,
        url: &str,
        body: String,
    ) -> impl std::future::Future<Output = Result<String, TransportError>>;
}

/// Checks that a URL the user typed is an `https://` URL, or an `http://` URL of this computer
/// (127.0.0.1 or localhost, as the site's Content-Security-Policy allows); returns it trimmed.
///
/// # Errors
/// [`TransportError::BadUrl`], [`TransportError::PlainHttpRemote`].
pub fn check_url(url: &str) -> Result<String, TransportError> {
    let t = url.trim();
    let bad = || TransportError::BadUrl { url: t.to_owned() };
    let (plain, rest) = match (t.strip_prefix("http://"), t.strip_prefix("https://")) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => return Err(bad()),
    };
    if rest.is_empty() || t.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    if plain {
        // The host: the authority (up to the path, query or fragment) after any user info.
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        let host = host_port.split(':').next().unwrap_or_default();
        if !host.eq_ignore_ascii_case("127.0.0.1") && !host.eq_ignore_ascii_case("localhost") {
            return Err(TransportError::PlainHttpRemote { url: t.to_owned() });
        }
    }
    Ok(t.to_owned())
}

/// Whether a URL seems to carry a secret: user info (`user:pass@`), a query parameter named
/// like a key or token, or a path segment or query value that looks like a provider key (16 or
/// more letters and digits, both present, e.g. Infura's `/v3/<key>`, Alchemy's `/v2/<key>`).
pub fn url_carries_key(url: &str) -> bool {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    if authority.contains('@') {
        return true;
    }
    let keyish = |s: &str| {
        s.len() >= 16
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes().any(|b| b.is_ascii_alphabetic())
    };
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    path.split('/').any(keyish)
        || query.split('&').any(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = name.to_ascii_lowercase();
            name.contains("key")
                || name.contains("token")
                || name.contains("secret")
                || keyish(value)
        })
}

/// Makes one call and returns its `result`.
///
/// # Errors
/// Any [`RpcError`].
pub async fn call(t: &impl Transport, url: &str, c: &Call) -> Result<Value, RpcError> {
    const ID: u64 = 1;
    let url = check_url(url)?;
    let body = t.post(&url, c.body(ID)).await?;
    parse_response(&body, ID)
}

/// What the settings panel shows about a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeStatus {
    pub chain_id: u64,
    pub latest_block: u64,
    pub gas_price: u128,
    /// The latest block's base fee; `None` on a chain without EIP-1559.
    pub base_fee: Option<u128>,
    /// `web3_clientVersion`, when the node answers it.
    pub client: Option<String>,
}

/// Reads the chain id, latest block, gas price and base fee of the node at `url`.
///
/// # Errors
/// The first failing call's [`RpcError`] (the client version is optional).
pub async fn node_status(t: &impl Transport, url: &str) -> Result<NodeStatus, RpcError> {
    let chain_id = parse_u64(&call(t, url, &Call::ChainId).await?, "the chain id")?;
    let latest_block = parse_u64(&call(t, url, &Call::BlockNumber).await?, "the block number")?;
    let gas_price = parse_u128(&call(t, url, &Call::GasPrice).await?, "the gas price")?;
    let block = call(t, url, &Call::LatestBlock).await?;
    let base_fee = match block.get("baseFeePerGas") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_u128(v, "the base fee")?),
    };
    let client = call(t, url, &Call::ClientVersion)
        .await
        .ok()
        .and_then(|v| v.as_str().map(|s| truncate(s, 80)));
    Ok(NodeStatus {
        chain_id,
        latest_block,
        gas_price,
        base_fee,
        client,
    })
}

/// An account as the node sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountOnNode {
    pub balance: U256,
    /// The next nonce, counting the node's pending transactions.
    pub nonce: u64,
}

/// Reads an account's balance and next nonce.
///
/// # Errors
/// The failing call's [`RpcError`].
pub async fn account_on_node(
    t: &impl Transport,
    url: &str,
    address: Address,
) -> Result<AccountOnNode, RpcError> {
    let balance = parse_u256(&call(t, url, &Call::Balance(address)).await?, "the balance")?;
    let nonce = parse_u64(
        &call(t, url, &Call::TransactionCount(address)).await?,
        "the nonce",
    )?;
    Ok(AccountOnNode { balance, nonce })
}

/// The node's accounts (`eth_accounts`; a development node lists its unlocked dev accounts).
///
/// # Errors
/// The call's [`RpcError`], or an entry that is not an address.
pub async fn accounts(t: &impl Transport, url: &str) -> Result<Vec<Address>, RpcError> {
    let v = call(t, url, &Call::Accounts).await?;
    v.as_array()
        .ok_or_else(|| malformed("eth_accounts did not return a list"))?
        .iter()
        .map(|a| parse_address(a, "an account"))
        .collect()
}

/// Fees to sign with, from the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeSuggestion {
    /// The next block's base fee (EIP-1559 chains).
    pub base_fee: Option<u128>,
    /// Median tip of recent blocks (at least 1 wei when there is a base fee).
    pub priority_fee: u128,
    /// 2 × next base fee + tip: stays valid through several full blocks.
    pub max_fee: u128,
    /// `eth_gasPrice`, for legacy transactions.
    pub gas_price: u128,
}

/// Reads the fee fields from `eth_feeHistory` (falling back to `eth_gasPrice` on a chain or
/// node without it).
///
/// # Errors
/// The failing call's [`RpcError`].
pub async fn suggest_fees(t: &impl Transport, url: &str) -> Result<FeeSuggestion, RpcError> {
    let gas_price = parse_u128(&call(t, url, &Call::GasPrice).await?, "the gas price")?;
    let history = call(t, url, &Call::FeeHistory { blocks: 5 }).await.ok();
    Ok(fees_from_history(history.as_ref(), gas_price))
}

/// The fee arithmetic of [`suggest_fees`]: base fee of the next block (the last entry of
/// `baseFeePerGas`), median of the blocks' 50th-percentile tips.
pub fn fees_from_history(history: Option<&Value>, gas_price: u128) -> FeeSuggestion {
    let base_fee = history
        .and_then(|h| h.get("baseFeePerGas")?.as_array()?.last().cloned())
        .and_then(|v| parse_u128(&v, "base fee").ok())
        .filter(|b| *b > 0);
    let Some(base) = base_fee else {
        return FeeSuggestion {
            base_fee: None,
            priority_fee: gas_price,
            max_fee: gas_price,
            gas_price,
        };
    };
    let mut tips: Vec<u128> = history
        .and_then(|h| h.get("reward")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.as_array()?.first().cloned())
        .filter_map(|v| parse_u128(&v, "tip").ok())
        .collect();
    tips.sort_unstable();
    let median = tips.get(tips.len() / 2).copied();
    // No history of tips: what the gas price pays above the base fee.
    let priority_fee = median
        .unwrap_or_else(|| gas_price.saturating_sub(base))
        .max(1);
    FeeSuggestion {
        base_fee: Some(base),
        priority_fee,
        max_fee: base.saturating_mul(2).saturating_add(priority_fee),
        gas_price,
    }
}

/// Asks the node how much gas a transfer needs.
///
/// # Errors
/// The call's [`RpcError`] (a node refuses to estimate a transfer the sender cannot pay).
pub async fn estimate_gas(
    t: &impl Transport,
    url: &str,
    from: Address,
    to: Address,
    value: Wei,
    data: Vec<u8>,
) -> Result<u64, RpcError> {
    let c = Call::EstimateGas {
        from,
        to,
        value,
        data,
    };
    parse_u64(&call(t, url, &c).await?, "the gas estimate")
}

/// Sends a signed transaction with `eth_sendRawTransaction`. The node's answer must be the
/// transaction's own hash (keccak256 of the raw bytes).
///
/// # Errors
/// The node's refusal, or [`RpcError::Malformed`] when it answers another hash.
pub async fn broadcast(t: &impl Transport, url: &str, tx: &SignedTx) -> Result<TxHash, RpcError> {
    let v = call(t, url, &Call::SendRawTransaction(tx.raw())).await?;
    let answered: TxHash = v
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed("eth_sendRawTransaction did not return a hash"))?;
    if answered == tx.hash() {
        Ok(answered)
    } else {
        Err(malformed(format!(
            "the node answered the hash {answered}, but this transaction's hash is {}",
            tx.hash()
        )))
    }
}

/// A mined transaction's receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub hash: TxHash,
    /// `status` 1: executed; 0: reverted (still mined, fee paid).
    pub success: bool,
    pub block_number: u64,
    pub gas_used: u64,
    pub effective_gas_price: u128,
    pub from: Address,
}

impl Receipt {
    /// gas used × effective gas price, in wei.
    pub fn fee_paid(&self) -> u128 {
        u128::from(self.gas_used).saturating_mul(self.effective_gas_price)
    }
}

/// Reads a receipt (`None`: not mined yet).
///
/// # Errors
/// [`RpcError::Malformed`] for a receipt that lacks a field.
pub fn parse_receipt(v: &Value) -> Result<Option<Receipt>, RpcError> {
    if v.is_null() {
        return Ok(None);
    }
    let field = |name: &str| {
        v.get(name)
            .ok_or_else(|| malformed(format!("the receipt has no {name}")))
    };
    let hash = field("transactionHash")?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed("the receipt's transactionHash is not a hash"))?;
    Ok(Some(Receipt {
        hash,
        success: parse_u64(field("status")?, "the status")? == 1,
        block_number: parse_u64(field("blockNumber")?, "the block number")?,
        gas_used: parse_u64(field("gasUsed")?, "the gas used")?,
        effective_gas_price: parse_u128(field("effectiveGasPrice")?, "the effective gas price")?,
        from: parse_address(field("from")?, "the receipt's from")?,
    }))
}

/// Asks for a transaction's receipt.
///
/// # Errors
/// The call's [`RpcError`].
pub async fn receipt(
    t: &impl Transport,
    url: &str,
    hash: &TxHash,
) -> Result<Option<Receipt>, RpcError> {
    parse_receipt(&call(t, url, &Call::Receipt(*hash)).await?)
}

#[cfg(test)]
mod tests;
