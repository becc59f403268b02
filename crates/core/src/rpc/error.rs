//! Why a JSON-RPC call failed: no HTTP answer, a malformed answer, or the node's own error
//! (classified, with advice).

use std::fmt;

/// Why a request did not get an HTTP answer (or got a non-2xx one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The connection failed. A browser reports a refused connection, an unknown host and a
    /// CORS refusal the same way, so the message names all three.
    Unreachable { detail: String },
    /// No answer within the time limit.
    Timeout { ms: u32 },
    /// An HTTP status other than 2xx.
    Http { status: u16, body: String },
    /// The URL is not an `http://` or `https://` URL.
    BadUrl { url: String },
    /// A plain `http://` URL of a host other than this computer: the site's
    /// Content-Security-Policy (and, on an https page, the browser's mixed-content rule)
    /// allows plain http only to 127.0.0.1 and localhost.
    PlainHttpRemote { url: String },
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable { detail } => write!(
                f,
                "the node could not be reached ({detail}): it is not running, the URL is wrong, \
                 or it refuses requests from this page (CORS: a local node must allow this \
                 origin, e.g. anvil --allow-origin '*')"
            ),
            Self::Timeout { ms } => write!(f, "the node did not answer within {} s", ms / 1000),
            Self::Http { status: 429, .. } => f.write_str(
                "the node is limiting how many requests it takes (HTTP 429 Too Many Requests): \
                 wait a moment, or use a provider URL with a higher limit",
            ),
            Self::Http { status, body } => {
                write!(f, "the node answered HTTP {status}")?;
                if !body.is_empty() {
                    write!(f, ": {}", truncate(body, 200))?;
                }
                Ok(())
            }
            Self::BadUrl { url } => write!(
                f,
                "\"{}\" is not a JSON-RPC URL: enter one starting with http:// or https://",
                truncate(url, 80)
            ),
            Self::PlainHttpRemote { url } => write!(
                f,
                "\"{}\" uses plain http to another computer: use https://, or plain http only \
                 for a node on this computer (127.0.0.1 or localhost)",
                truncate(url, 80)
            ),
        }
    }
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// What a node's error message means, for the words the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeErrorKind {
    NonceTooLow,
    NonceTooHigh,
    InsufficientFunds,
    Underpriced,
    WrongChainId,
    AlreadyKnown,
    GasTooLow,
    /// The node does not offer the method (JSON-RPC code -32601, or said in words).
    MethodNotFound,
    Other,
}

impl NodeErrorKind {
    /// Classifies the message of a node's error object. Geth, Nethermind, Erigon, Besu, reth
    /// and anvil word these differently; the phrases below cover them.
    pub fn classify(message: &str) -> Self {
        let m = message.to_ascii_lowercase();
        if m.contains("nonce too low") || m.contains("nonce is too low") || m.contains("oldnonce") {
            Self::NonceTooLow
        } else if m.contains("nonce too high") || m.contains("nonce is too high") {
            Self::NonceTooHigh
        } else if m.contains("insufficient funds") || m.contains("insufficient balance") {
            Self::InsufficientFunds
        } else if m.contains("underpriced")
            || m.contains("fee cap less than block base fee")
            || m.contains("max fee per gas less than block base fee")
            || m.contains("fee too low")
        {
            Self::Underpriced
        } else if m.contains("chain id") || m.contains("chainid") || m.contains("replay") {
            Self::WrongChainId
        } else if m.contains("already known") || m.contains("already imported") {
            Self::AlreadyKnown
        } else if m.contains("intrinsic gas too low") || m.contains("gas too low") {
            Self::GasTooLow
        } else if m.contains("method not found")
            || (m.contains("method")
                && (m.contains("not supported")
                    || m.contains("does not exist")
                    || m.contains("not available")))
        {
            Self::MethodNotFound
        } else {
            Self::Other
        }
    }

    fn advice(self) -> &'static str {
        match self {
            Self::NonceTooLow => {
                "nonce too low: this account already sent a transaction with that nonce; use the \
                 node's next nonce (Fill from node)"
            }
            Self::NonceTooHigh => "nonce too high: earlier nonces of this account are missing",
            Self::InsufficientFunds => {
                "insufficient funds: the balance does not cover value + gas limit × max fee"
            }
            Self::Underpriced => "fee too low: raise the max fee (and tip) or fill fees from node",
            Self::WrongChainId => {
                "wrong chain id: the transaction was signed for another network than this node's"
            }
            Self::AlreadyKnown => "the node already has this exact transaction",
            Self::GasTooLow => "gas limit too low for this transaction",
            Self::MethodNotFound => "the node does not offer this method",
            Self::Other => "the node refused the request",
        }
    }
}

/// Why a JSON-RPC call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpcError {
    Transport(TransportError),
    /// The node answered with a JSON-RPC error object.
    Node {
        code: i64,
        message: String,
        kind: NodeErrorKind,
    },
    /// The answer is not the JSON-RPC response expected.
    Malformed {
        detail: String,
    },
}

impl From<TransportError> for RpcError {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(e) => e.fmt(f),
            Self::Node {
                code,
                message,
                kind,
            } => write!(
                f,
                "{} (the node said: \"{}\", code {code})",
                kind.advice(),
                truncate(message, 300)
            ),
            Self::Malformed { detail } => {
                write!(f, "the node's answer is not valid JSON-RPC: {detail}")
            }
        }
    }
}

impl std::error::Error for RpcError {}

pub(super) fn malformed(detail: impl Into<String>) -> RpcError {
    RpcError::Malformed {
        detail: detail.into(),
    }
}
