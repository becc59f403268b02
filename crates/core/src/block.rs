//! Blocks: a canonical 116-byte header and a body of entries it commits to.
//!
//! Header layout (all integers big-endian, fixed width, so the encoding is unambiguous):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | version |
//! | 4 | 8 | height |
//! | 12 | 8 | timestamp (ms since the Unix epoch) |
//! | 20 | 32 | previous block hash |
//! | 52 | 32 | entries root (Merkle root of the body) |
//! | 84 | 20 | beneficiary (the miner's address; zero when unused) |
//! | 104 | 4 | difficulty (required leading zero bits of the hash) |
//! | 108 | 8 | nonce |
//!
//! The nonce sits in the second 64-byte SHA-256 block, so a miner hashes the first 64 bytes
//! once (the midstate) and then pays one compression per attempt (see [`crate::pow`]).

use core::fmt;
use core::num::ParseIntError;
use core::str::FromStr;

use crate::address::Address;
use crate::amount::Wei;
use crate::hash::{sha256, BlockHash, Hash32};
use crate::merkle;
use crate::record::Record;
use crate::tx::SignedTx;

/// Size of an encoded header in bytes.
pub const HEADER_LEN: usize = 116;
/// Byte offset of the nonce inside the encoded header.
pub const NONCE_OFFSET: usize = 108;
/// The header version this build writes and accepts.
pub const HEADER_VERSION: u32 = 1;

/// A block header. Its SHA-256 hash is the block's identity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    pub version: u32,
    pub height: u64,
    pub timestamp_ms: u64,
    pub prev_hash: BlockHash,
    pub entries_root: Hash32,
    #[serde(with = "address_hex")]
    pub beneficiary: [u8; 20],
    pub difficulty: u32,
    pub nonce: u64,
}

impl Header {
    /// The canonical encoding that is hashed.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..4].copy_from_slice(&self.version.to_be_bytes());
        out[4..12].copy_from_slice(&self.height.to_be_bytes());
        out[12..20].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        out[20..52].copy_from_slice(self.prev_hash.as_bytes());
        out[52..84].copy_from_slice(self.entries_root.as_bytes());
        out[84..104].copy_from_slice(&self.beneficiary);
        out[104..108].copy_from_slice(&self.difficulty.to_be_bytes());
        out[NONCE_OFFSET..HEADER_LEN].copy_from_slice(&self.nonce.to_be_bytes());
        out
    }

    /// Reads a header back from its canonical encoding (the inverse of [`Header::encode`]).
    pub fn decode(bytes: &[u8; HEADER_LEN]) -> Self {
        let mut prev = [0u8; 32];
        prev.copy_from_slice(&bytes[20..52]);
        let mut root = [0u8; 32];
        root.copy_from_slice(&bytes[52..84]);
        let mut beneficiary = [0u8; 20];
        beneficiary.copy_from_slice(&bytes[84..104]);
        let mut u32_at = [0u8; 4];
        let mut u64_at = [0u8; 8];
        let mut read_u32 = |at: usize| {
            u32_at.copy_from_slice(&bytes[at..at + 4]);
            u32::from_be_bytes(u32_at)
        };
        let (version, difficulty) = (read_u32(0), read_u32(104));
        let mut read_u64 = |at: usize| {
            u64_at.copy_from_slice(&bytes[at..at + 8]);
            u64::from_be_bytes(u64_at)
        };
        Self {
            version,
            height: read_u64(4),
            timestamp_ms: read_u64(12),
            prev_hash: BlockHash::from_bytes(prev),
            entries_root: Hash32::from_bytes(root),
            beneficiary,
            difficulty,
            nonce: read_u64(NONCE_OFFSET),
        }
    }

    /// SHA-256 of the encoded header.
    pub fn hash(&self) -> BlockHash {
        BlockHash::from_bytes(sha256(&self.encode()))
    }
}

/// One entry of a block body. Serialised with a `kind` tag (`record`, `tx`, `coinbase`,
/// `alloc`), so chains stored before transactions existed still read unchanged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "most entries are transactions: boxing them would cost an allocation each and save nothing"
)]
pub enum Entry {
    /// An unsigned ledger record (no value moves).
    Record(Record),
    /// A signed Ethereum transaction and the sender it claims (what an explorer shows).
    /// Validation recovers the signer and compares it with `from`, so a transaction edited
    /// after signing is reported as such instead of as a confusing balance error.
    Tx { from: Address, raw: SignedTx },
    /// The miner's reward: block reward plus the priority fees of the block's transactions.
    /// At most one, first in a block after genesis, paid to the header's beneficiary.
    Coinbase { to: Address, amount: Wei },
    /// Genesis-only pre-funding of an account (the header root commits to it).
    Alloc { to: Address, amount: Wei },
}

/// Leaf tags: one byte before each entry's own encoding, so two kinds never share bytes.
const TAG_RECORD: u8 = 0x01;
const TAG_TX: u8 = 0x02;
const TAG_COINBASE: u8 = 0x03;
const TAG_ALLOC: u8 = 0x04;

impl Entry {
    /// The bytes the Merkle leaf hashes: a one-byte kind tag, then the entry's own encoding:
    /// a record's length-prefixed fields; for a transaction the 20-byte `from` then the raw
    /// signed bytes; for a coinbase or an allocation the 20-byte address then the amount as a
    /// 16-byte big-endian integer.
    pub fn leaf_bytes(&self) -> Vec<u8> {
        match self {
            Self::Record(r) => {
                let mut out = vec![TAG_RECORD];
                out.extend_from_slice(&r.canonical_bytes());
                out
            }
            Self::Tx { from, raw } => {
                let mut out = vec![TAG_TX];
                out.extend_from_slice(from.as_bytes());
                out.extend_from_slice(&raw.raw());
                out
            }
            Self::Coinbase { to, amount } => value_leaf(TAG_COINBASE, to, *amount),
            Self::Alloc { to, amount } => value_leaf(TAG_ALLOC, to, *amount),
        }
    }
}

fn value_leaf(tag: u8, to: &Address, amount: Wei) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 20 + 16);
    out.push(tag);
    out.extend_from_slice(to.as_bytes());
    out.extend_from_slice(&amount.as_wei().to_be_bytes());
    out
}

/// How a block was mined: kept beside the block for statistics, not part of its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MiningStats {
    /// Nonces tried before the winning one was found (all workers together).
    pub attempts: u64,
    /// Wall-clock milliseconds from start to finish.
    pub elapsed_ms: u64,
    /// How many workers searched (1 for the main thread).
    pub workers: u32,
}

impl MiningStats {
    /// Hashes per second, rounded down; `None` when no time was measured.
    pub fn hash_rate(&self) -> Option<u64> {
        if self.elapsed_ms == 0 {
            return None;
        }
        let rate = u128::from(self.attempts) * 1000 / u128::from(self.elapsed_ms);
        Some(u64::try_from(rate).unwrap_or(u64::MAX))
    }
}

/// A block's height: its place in a chain, genesis at 0. Rows the screens show carry it typed;
/// `Display` is the plain number, formatted only in the view. Serialised as that number.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Height(pub u64);

impl Height {
    /// The genesis block's height.
    pub const GENESIS: Self = Self(0);

    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The height of the block at `index` of a chain's list of blocks (saturating where a
    /// `usize` is wider than 64 bits).
    pub fn from_index(index: usize) -> Self {
        Self(u64::try_from(index).unwrap_or(u64::MAX))
    }

    /// The index of this block in a chain's list of blocks, `None` when it does not fit a
    /// `usize` (on wasm32, above 2^32 - 1).
    pub fn to_index(self) -> Option<usize> {
        usize::try_from(self.0).ok()
    }

    /// The height after this one, `None` at `u64::MAX`.
    pub const fn next(self) -> Option<Self> {
        match self.0.checked_add(1) {
            Some(h) => Some(Self(h)),
            None => None,
        }
    }

    /// The height before this one (the parent's), `None` at genesis.
    pub const fn prev(self) -> Option<Self> {
        match self.0.checked_sub(1) {
            Some(h) => Some(Self(h)),
            None => None,
        }
    }
}

impl From<u64> for Height {
    fn from(h: u64) -> Self {
        Self(h)
    }
}

impl From<Height> for u64 {
    fn from(h: Height) -> Self {
        h.0
    }
}

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Height {
    type Err = ParseIntError;

    /// Reads a decimal height as `u64` does (`-1` and `#1` are refused).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// A block: header, body and (unhashed) mining statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Block {
    pub header: Header,
    pub entries: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<MiningStats>,
}

impl Block {
    /// The block's hash (of its header).
    pub fn hash(&self) -> BlockHash {
        self.header.hash()
    }

    /// The Merkle root of the body as it is now (compare with `header.entries_root`).
    pub fn computed_root(&self) -> Hash32 {
        entries_root(&self.entries)
    }

    /// Builds an unmined block (nonce 0) on top of `parent`.
    pub fn candidate(
        parent: Option<&Block>,
        timestamp_ms: u64,
        difficulty: u32,
        beneficiary: [u8; 20],
        entries: Vec<Entry>,
    ) -> Self {
        let (height, prev_hash) = match parent {
            Some(p) => (p.header.height.saturating_add(1), p.hash()),
            None => (0, BlockHash::ZERO),
        };
        Self {
            header: Header {
                version: HEADER_VERSION,
                height,
                timestamp_ms,
                prev_hash,
                entries_root: entries_root(&entries),
                beneficiary,
                difficulty,
                nonce: 0,
            },
            entries,
            stats: None,
        }
    }
}

/// The Merkle root of a list of entries.
pub fn entries_root(entries: &[Entry]) -> Hash32 {
    merkle::root(
        entries
            .iter()
            .map(|e| merkle::leaf_hash(&e.leaf_bytes()))
            .collect(),
    )
}

mod address_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 20], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(bytes)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 20], D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::hash::parse_hex_array::<20>(&s)
            .map_err(|_| serde::de::Error::custom("an address is 0x followed by 40 hex digits"))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::amount::Wei;

    pub fn record(n: u128) -> Entry {
        Entry::Record(Record {
            sender: "alice".into(),
            receiver: "bob".into(),
            amount: Wei::from_wei(n),
            memo: format!("#{n}"),
        })
    }

    #[test]
    fn header_encoding_is_fixed_width_with_the_nonce_last() {
        let mut b = Block::candidate(None, 1_700_000_000_000, 3, [7; 20], vec![record(1)]);
        b.header.nonce = 0x0102_0304_0506_0708;
        let bytes = b.header.encode();
        assert_eq!(&bytes[NONCE_OFFSET..], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&bytes[84..104], &[7; 20]);
        assert_eq!(&bytes[104..108], &[0, 0, 0, 3]);
    }

    #[test]
    fn decode_inverts_encode() {
        let mut b = Block::candidate(None, 99, 3, [7; 20], vec![record(1)]);
        b.header.nonce = 12345;
        assert_eq!(Header::decode(&b.header.encode()), b.header);
    }

    #[test]
    fn json_round_trip() {
        let b = Block::candidate(None, 5, 1, [0; 20], vec![record(2)]);
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains("\"kind\":\"record\""));
        assert_eq!(serde_json::from_str::<Block>(&json).unwrap(), b);
    }

    #[test]
    fn height_displays_orders_and_serialises_as_its_number() {
        let h = Height::from(42);
        assert_eq!(h.to_string(), "42");
        assert_eq!(format!("#{h:>4}"), "#  42");
        assert_eq!(h.get(), 42);
        assert!(Height::GENESIS < h && h < Height(43));
        assert_eq!(h.next(), Some(Height(43)));
        assert_eq!(h.prev(), Some(Height(41)));
        assert_eq!(Height::GENESIS.prev(), None);
        assert_eq!(Height(u64::MAX).next(), None);
        assert_eq!(Height::from_index(7), Height(7));
        assert_eq!(Height(7).to_index(), Some(7));
        assert_eq!("12".parse::<Height>(), Ok(Height(12)));
        assert!("-1".parse::<Height>().is_err() && "#1".parse::<Height>().is_err());
        assert_eq!(serde_json::to_string(&h).unwrap(), "42");
        assert_eq!(serde_json::from_str::<Height>("42").unwrap(), h);
        assert!(serde_json::from_str::<Height>("\"42\"").is_err());
    }

    #[test]
    fn root_commits_to_every_entry() {
        let a = entries_root(&[record(1), record(2)]);
        assert_ne!(a, entries_root(&[record(1), record(3)]));
        assert_ne!(a, entries_root(&[record(2), record(1)]));
        assert_ne!(a, entries_root(&[record(1)]));
    }
}
