//! The tabs' wire protocol: [`Envelope`]s of [`Message`]s as JSON, and the strict, bounded
//! [`decode`] (see the parent module's documentation).

use core::fmt;

use crate::address::Address;
use crate::block::{Block, Header};
use crate::chain::Chain;
use crate::consensus::is_heavier;
use crate::hash::BlockHash;
use crate::tx::SignedTx;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// Longest message accepted, in characters of JSON text.
pub const MAX_MESSAGE_CHARS: usize = 4 * 1024 * 1024;
/// Most headers one `headers` message may carry (and one answer sends).
pub const MAX_HEADERS: usize = 256;
/// Most blocks one `blocks` or `get_blocks` message may carry.
pub const MAX_BLOCKS: usize = 16;
/// Most hashes one block locator may list.
pub const MAX_LOCATOR: usize = 48;
/// Longest peer id, in characters (`[A-Za-z0-9_-]`).
pub const MAX_PEER_ID_CHARS: usize = 64;

/// A tab's name on the channel: 1 to [`MAX_PEER_ID_CHARS`] characters of `[A-Za-z0-9_-]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerId(String);

impl PeerId {
    /// Checks the text is a valid peer id.
    ///
    /// # Errors
    /// [`DecodeError::BadPeerId`].
    pub fn new(text: &str) -> Result<Self, DecodeError> {
        let ok = !text.is_empty()
            && text.len() <= MAX_PEER_ID_CHARS
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(DecodeError::BadPeerId)
        }
    }

    /// An id from random bytes (16 hex digits).
    pub fn from_bytes(bytes: [u8; 8]) -> Self {
        Self(hex::encode(bytes))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids are long random hex; the first 8 characters name a tab well enough on screen.
        let short: String = self.0.chars().take(8).collect();
        f.write_str(&short)
    }
}

/// What a tab says about its chain. The work is a claim: it is checked against the headers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The hash of the chain's genesis block (tabs with another genesis cannot sync).
    pub genesis: BlockHash,
    /// The hash of the tip.
    pub tip: BlockHash,
    /// The tip's height.
    pub height: u64,
    /// The claimed sum of 2^difficulty over the chain's blocks (a decimal string on the wire).
    #[serde(with = "u128_text")]
    pub total_work: u128,
}

impl Status {
    /// The status of `chain` as it is.
    pub fn of(chain: &Chain) -> Self {
        let genesis = chain.blocks().first().map(Block::hash).unwrap_or_default();
        Self {
            genesis,
            tip: chain.tip().hash(),
            height: chain.tip().header.height,
            total_work: chain.total_work(),
        }
    }

    /// Whether this status (another tab's claim) names a different tip of `chain`'s genesis
    /// with more work than `chain`'s valid prefix: worth loading and checking.
    pub fn claims_more_than(&self, chain: &Chain) -> bool {
        let ours = Self::of(chain);
        self.genesis == ours.genesis
            && self.tip != ours.tip
            && is_heavier(self.total_work, chain.valid_work())
    }
}

/// One message of the protocol.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[allow(
    clippy::large_enum_variant,
    reason = "a message is decoded, handled and dropped; boxing would only add an allocation"
)]
pub enum Message {
    /// A tab opened: every peer answers with its status.
    Hello { status: Status },
    /// A tab's chain (sent as a heartbeat and after the tip changes).
    Status { status: Status },
    /// A tab is closing.
    Bye,
    /// A signed transaction for the mempool (the sender it claims and the raw bytes).
    NewTx { from: Address, raw: SignedTx },
    /// A block just mined or adopted.
    NewBlock { block: Block },
    /// Asks for the headers after the first hash of `locator` the peer knows (newest first).
    /// `request` is echoed in the answer, so a late answer to an older request is ignored.
    GetHeaders {
        request: u32,
        locator: Vec<BlockHash>,
    },
    /// Consecutive headers, the answer to `get_headers`.
    Headers { request: u32, headers: Vec<Header> },
    /// Asks for the blocks with these hashes.
    GetBlocks {
        request: u32,
        hashes: Vec<BlockHash>,
    },
    /// Blocks, the answer to `get_blocks`, in the order asked.
    Blocks { request: u32, blocks: Vec<Block> },
}

impl Message {
    /// The message's type name, as on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Hello { .. } => "hello",
            Self::Status { .. } => "status",
            Self::Bye => "bye",
            Self::NewTx { .. } => "new_tx",
            Self::NewBlock { .. } => "new_block",
            Self::GetHeaders { .. } => "get_headers",
            Self::Headers { .. } => "headers",
            Self::GetBlocks { .. } => "get_blocks",
            Self::Blocks { .. } => "blocks",
        }
    }
}

/// A message with its sender and, for an answer, its one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: PeerId,
    /// `None`: for every peer.
    pub to: Option<PeerId>,
    pub message: Message,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u32,
    from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    msg: Message,
}

#[derive(serde::Deserialize)]
struct Probe {
    v: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct SenderProbe {
    from: Option<String>,
}

/// Why a received message was dropped before it was handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The channel delivered something that is not text.
    NotText,
    /// The text is longer than [`MAX_MESSAGE_CHARS`].
    TooLarge { chars: usize, max: usize },
    /// Not JSON, or JSON of the wrong shape (the parser's message says where).
    Malformed { detail: String },
    /// The `v` field is missing or is not [`PROTOCOL_VERSION`].
    UnsupportedVersion { got: String },
    /// The sender or recipient is not a valid peer id.
    BadPeerId,
    /// A list holds more items than allowed.
    TooMany {
        what: &'static str,
        got: usize,
        max: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotText => f.write_str("the message is not text"),
            Self::TooLarge { chars, max } => write!(
                f,
                "the message is too large ({chars} characters, at most {max})"
            ),
            Self::Malformed { detail } => write!(f, "the message is malformed: {detail}"),
            Self::UnsupportedVersion { got } => write!(
                f,
                "protocol version {got} is not supported (expected {PROTOCOL_VERSION})"
            ),
            Self::BadPeerId => f.write_str("the peer id is not 1 to 64 letters, digits, _ or -"),
            Self::TooMany { what, got, max } => {
                write!(
                    f,
                    "the message lists {got} {what}, at most {max} are allowed"
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes an envelope as JSON text.
pub fn encode(envelope: &Envelope) -> String {
    let wire = Wire {
        v: PROTOCOL_VERSION,
        from: envelope.from.0.clone(),
        to: envelope.to.as_ref().map(|t| t.0.clone()),
        msg: envelope.message.clone(),
    };
    // Plain data with string keys: serialising cannot fail.
    serde_json::to_string(&wire).unwrap_or_default()
}

/// Decodes a received text strictly (see the module documentation).
///
/// # Errors
/// [`DecodeError`] saying why the message was refused.
pub fn decode(text: &str) -> Result<Envelope, DecodeError> {
    if text.len() > MAX_MESSAGE_CHARS {
        return Err(DecodeError::TooLarge {
            chars: text.len(),
            max: MAX_MESSAGE_CHARS,
        });
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| DecodeError::Malformed {
        detail: e.to_string(),
    })?;
    match probe.v {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(PROTOCOL_VERSION)) => {}
        Some(v) => return Err(DecodeError::UnsupportedVersion { got: v.to_string() }),
        None => {
            return Err(DecodeError::UnsupportedVersion {
                got: "(missing)".into(),
            })
        }
    }
    let wire: Wire = serde_json::from_str(text).map_err(|e| DecodeError::Malformed {
        detail: e.to_string(),
    })?;
    let from = PeerId::new(&wire.from)?;
    let to = wire.to.as_deref().map(PeerId::new).transpose()?;
    let too_many = |what, got, max| {
        if got > max {
            Err(DecodeError::TooMany { what, got, max })
        } else {
            Ok(())
        }
    };
    match &wire.msg {
        Message::GetHeaders { locator, .. } => {
            too_many("locator hashes", locator.len(), MAX_LOCATOR)?;
        }
        Message::Headers { headers, .. } => too_many("headers", headers.len(), MAX_HEADERS)?,
        Message::GetBlocks { hashes, .. } => too_many("block hashes", hashes.len(), MAX_BLOCKS)?,
        Message::Blocks { blocks, .. } => too_many("blocks", blocks.len(), MAX_BLOCKS)?,
        _ => {}
    }
    Ok(Envelope {
        from,
        to,
        message: wire.msg,
    })
}

/// The sender a message names, read leniently (for a message [`decode`] refused, so its
/// sender can be flagged).
pub fn sender_hint(text: &str) -> Option<PeerId> {
    if text.len() > MAX_MESSAGE_CHARS {
        return None;
    }
    let probe: SenderProbe = serde_json::from_str(text).ok()?;
    PeerId::new(&probe.from?).ok()
}

/// A `u128` as a decimal string (JSON numbers inside a tagged enum cannot hold one).
mod u128_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if text.is_empty() || text.len() > 39 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(
                "work is a decimal string of digits",
            ));
        }
        text.parse()
            .map_err(|_| serde::de::Error::custom("work does not fit in 128 bits"))
    }
}
