//! The compact stored form of blocks and transactions (snapshot version 3).
//!
//! Two layers:
//!
//! 1. **Bytes.** Each block is its canonical 116-byte header ([`Header::encode`]), a varint
//!    entry count, the entries, then an optional mining-statistics record. A signed
//!    transaction is stored as its raw signed bytes (RLP / EIP-2718) behind the sender its
//!    block claims, with one of two tags: *signed by* (the sender was known to be the signer
//!    when saved) or *claimed* (it was not, or could not be shown to be: a tampered block). A
//!    *signed by* sender is taken on trust on load ([`SenderCache::assume`]) so a start need
//!    not recover every sender before the first paint; the app checks them all right after
//!    ([`crate::Chain::check_stored_senders`]), and a stored sender that is not the signer
//!    turns its block invalid then. Storage written before that tag (raw bytes only, tag 2)
//!    is still read: its senders are recovered while decoding. Amounts are minimal big-endian
//!    bytes behind a length byte.
//! 2. **Text.** localStorage holds UTF-16 strings and its quota counts UTF-16 code units
//!    (measured in Chromium 156: 5,242,880 units per origin, the same for ASCII and CJK text).
//!    Base64 carries 6 bits per unit; [`pack`] carries 15, as one code point in
//!    U+4000..=U+BFFF per 15 bits (no surrogates, no control characters), behind the byte
//!    length in decimal and a colon: `"270:䀀…"`.
//!
//! Decoding is strict: a wrong length, a padding bit set, a truncated field, an unknown tag or
//! trailing bytes are each an error, never a panic.

use core::fmt;

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry, Header, MiningStats, HEADER_LEN};
use crate::record::Record;
use crate::state::SenderCache;
use crate::tx::SignedTx;

/// First code point of the packing alphabet.
const PACK_BASE: u32 = 0x4000;
/// Bits carried by one packed code point.
const PACK_BITS: u32 = 15;

const TAG_RECORD: u8 = 1;
/// A transaction whose claimed sender is its signer, raw bytes only (the sender is recovered
/// on load). Written until the *signed by* tag; read, no longer written.
const TAG_TX: u8 = 2;
const TAG_COINBASE: u8 = 3;
const TAG_ALLOC: u8 = 4;
/// A transaction stored with its claimed sender, because that sender is not (or could not be
/// shown to be) its signer.
const TAG_TX_WITH_SENDER: u8 = 5;
/// A transaction stored with its claimed sender, which was known to be its signer when
/// saved: taken on trust on load and checked after.
const TAG_TX_SIGNED_BY: u8 = 6;

/// Why compact data could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompactError {
    /// The packed text is not `<length>:<code points>` with a matching length.
    BadPacking { detail: &'static str },
    /// The bytes end inside a field.
    Truncated { what: &'static str },
    /// An entry kind this build does not know.
    UnknownTag { tag: u8 },
    /// A field holds a value it cannot hold (non-UTF-8 text, an oversized number).
    BadField { what: &'static str },
    /// A stored transaction does not decode, or its sender cannot be recovered.
    BadTransaction { detail: String },
    /// Bytes are left after the last field.
    TrailingBytes { count: usize },
}

impl fmt::Display for CompactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadPacking { detail } => write!(f, "the packed block data is damaged ({detail})"),
            Self::Truncated { what } => write!(f, "the block data ends inside {what}"),
            Self::UnknownTag { tag } => write!(f, "unknown entry kind {tag} in the block data"),
            Self::BadField { what } => write!(f, "the block data holds an invalid {what}"),
            Self::BadTransaction { detail } => {
                write!(f, "a stored transaction cannot be read ({detail})")
            }
            Self::TrailingBytes { count } => {
                write!(f, "{count} unexpected bytes after the block data")
            }
        }
    }
}

impl std::error::Error for CompactError {}

/// Packs bytes into text of 15 bits per UTF-16 code unit (see the module docs).
pub fn pack(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3 * 8 / 15 + 24);
    out.push_str(&bytes.len().to_string());
    out.push(':');
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        if bits >= PACK_BITS {
            bits -= PACK_BITS;
            push_unit(&mut out, (acc >> bits) & 0x7fff);
            acc &= (1 << bits) - 1;
        }
    }
    if bits > 0 {
        push_unit(&mut out, (acc << (PACK_BITS - bits)) & 0x7fff);
    }
    out
}

fn push_unit(out: &mut String, value: u32) {
    // PACK_BASE + a 15-bit value is at most U+BFFF: always a scalar value.
    if let Some(c) = char::from_u32(PACK_BASE + value) {
        out.push(c);
    }
}

/// The inverse of [`pack`].
///
/// # Errors
/// [`CompactError::BadPacking`] for a missing or wrong length, a character outside the
/// alphabet, or padding bits that are not zero.
pub fn unpack(text: &str) -> Result<Vec<u8>, CompactError> {
    let (len, body) = text.split_once(':').ok_or(CompactError::BadPacking {
        detail: "no length",
    })?;
    if len.is_empty() || len.len() > 12 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CompactError::BadPacking {
            detail: "bad length",
        });
    }
    let len: usize = len.parse().map_err(|_| CompactError::BadPacking {
        detail: "bad length",
    })?;
    let units = body.chars().count();
    if len
        .checked_mul(8)
        .map(|bits| bits.div_ceil(PACK_BITS as usize))
        != Some(units)
    {
        return Err(CompactError::BadPacking {
            detail: "length does not match",
        });
    }
    let mut out = Vec::with_capacity(len);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for c in body.chars() {
        let v = u32::from(c).wrapping_sub(PACK_BASE);
        if v > 0x7fff {
            return Err(CompactError::BadPacking {
                detail: "character outside the alphabet",
            });
        }
        acc = (acc << PACK_BITS) | v;
        bits += PACK_BITS;
        while bits >= 8 && out.len() < len {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if acc != 0 || out.len() != len {
        return Err(CompactError::BadPacking {
            detail: "padding bits set",
        });
    }
    Ok(out)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_amount(out: &mut Vec<u8>, amount: Wei) {
    let be = amount.as_wei().to_be_bytes();
    let skip = be.iter().take_while(|b| **b == 0).count();
    out.push((16 - skip) as u8);
    out.extend_from_slice(&be[skip..]);
}

/// A cursor over compact bytes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], CompactError> {
        if self.bytes.len() < n {
            return Err(CompactError::Truncated { what });
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, CompactError> {
        Ok(self.take(1, what)?[0])
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, CompactError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte(what)?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(CompactError::BadField { what });
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CompactError::BadField { what })
    }

    /// A count of items that each take at least one byte (so a huge count in a short input
    /// is refused before anything is allocated for it).
    fn count(&mut self, what: &'static str) -> Result<usize, CompactError> {
        let n = self.varint(what)?;
        match usize::try_from(n) {
            Ok(n) if n <= self.bytes.len() => Ok(n),
            _ => Err(CompactError::Truncated { what }),
        }
    }

    fn bytes_field(&mut self, what: &'static str) -> Result<&'a [u8], CompactError> {
        let n = self.count(what)?;
        self.take(n, what)
    }

    fn text(&mut self, what: &'static str) -> Result<String, CompactError> {
        let b = self.bytes_field(what)?;
        String::from_utf8(b.to_vec()).map_err(|_| CompactError::BadField { what })
    }

    fn address(&mut self, what: &'static str) -> Result<Address, CompactError> {
        let mut a = [0u8; 20];
        a.copy_from_slice(self.take(20, what)?);
        Ok(Address::from_bytes(a))
    }

    fn amount(&mut self) -> Result<Wei, CompactError> {
        let n = usize::from(self.byte("an amount")?);
        if n > 16 {
            return Err(CompactError::BadField { what: "amount" });
        }
        let b = self.take(n, "an amount")?;
        if b.first() == Some(&0) {
            return Err(CompactError::BadField { what: "amount" });
        }
        let mut be = [0u8; 16];
        be[16 - n..].copy_from_slice(b);
        Ok(Wei::from_wei(u128::from_be_bytes(be)))
    }

    fn signed_tx(&mut self) -> Result<SignedTx, CompactError> {
        let raw = self.bytes_field("a transaction")?;
        SignedTx::decode_raw(raw).map_err(|e| CompactError::BadTransaction {
            detail: e.to_string(),
        })
    }

    fn finish(&self) -> Result<(), CompactError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(CompactError::TrailingBytes {
                count: self.bytes.len(),
            })
        }
    }
}

/// Encodes blocks in the compact byte form. `senders` says which stored transactions are
/// known to be signed by the sender their block claims (tagged *signed by*); any other keeps
/// its claimed sender under the *claimed* tag, so encoding never runs a signature recovery.
pub fn encode_blocks(blocks: &[Block], senders: &SenderCache) -> Vec<u8> {
    let mut out = Vec::with_capacity(blocks.len() * 280 + 8);
    put_varint(&mut out, blocks.len() as u64);
    for block in blocks {
        out.extend_from_slice(&block.header.encode());
        put_varint(&mut out, block.entries.len() as u64);
        for entry in &block.entries {
            encode_entry(&mut out, entry, senders);
        }
        match &block.stats {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                put_varint(&mut out, s.attempts);
                put_varint(&mut out, s.elapsed_ms);
                put_varint(&mut out, u64::from(s.workers));
            }
        }
    }
    out
}

fn encode_entry(out: &mut Vec<u8>, entry: &Entry, senders: &SenderCache) {
    match entry {
        Entry::Record(r) => {
            out.push(TAG_RECORD);
            put_bytes(out, r.sender.as_bytes());
            put_bytes(out, r.receiver.as_bytes());
            put_amount(out, r.amount);
            put_bytes(out, r.memo.as_bytes());
        }
        Entry::Tx { from, raw } => {
            if matches!(senders.known(raw), Some(Ok(signer)) if signer == from) {
                out.push(TAG_TX_SIGNED_BY);
            } else {
                out.push(TAG_TX_WITH_SENDER);
            }
            out.extend_from_slice(from.as_bytes());
            put_bytes(out, &raw.raw());
        }
        Entry::Coinbase { to, amount } => {
            out.push(TAG_COINBASE);
            out.extend_from_slice(to.as_bytes());
            put_amount(out, *amount);
        }
        Entry::Alloc { to, amount } => {
            out.push(TAG_ALLOC);
            out.extend_from_slice(to.as_bytes());
            put_amount(out, *amount);
        }
    }
}

/// Decodes [`encode_blocks`] output. A *signed by* sender is assumed in the returned cache
/// (checked later, see [`SenderCache::check_assumed`]); a transaction stored without its
/// sender (tag 2, older storage) has it recovered here and remembered, so the chain built from
/// these blocks recovers none of them a second time.
///
/// # Errors
/// [`CompactError`] for any malformed input.
pub fn decode_blocks(bytes: &[u8]) -> Result<(Vec<Block>, SenderCache), CompactError> {
    let mut r = Reader { bytes };
    let mut senders = SenderCache::new();
    let n = r.count("the block count")?;
    let mut blocks = Vec::with_capacity(n.min(bytes.len() / HEADER_LEN));
    for _ in 0..n {
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(r.take(HEADER_LEN, "a block header")?);
        let header = Header::decode(&h);
        let count = r.count("an entry count")?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            entries.push(decode_entry(&mut r, &mut senders)?);
        }
        let stats = match r.byte("the mining statistics")? {
            0 => None,
            1 => Some(MiningStats {
                attempts: r.varint("the mining statistics")?,
                elapsed_ms: r.varint("the mining statistics")?,
                workers: u32::try_from(r.varint("the mining statistics")?).map_err(|_| {
                    CompactError::BadField {
                        what: "worker count",
                    }
                })?,
            }),
            _ => {
                return Err(CompactError::BadField {
                    what: "mining statistics flag",
                })
            }
        };
        blocks.push(Block {
            header,
            entries,
            stats,
        });
    }
    r.finish()?;
    Ok((blocks, senders))
}

fn decode_entry(r: &mut Reader<'_>, senders: &mut SenderCache) -> Result<Entry, CompactError> {
    match r.byte("an entry")? {
        TAG_RECORD => Ok(Entry::Record(Record {
            sender: r.text("a record sender")?,
            receiver: r.text("a record receiver")?,
            amount: r.amount()?,
            memo: r.text("a record memo")?,
        })),
        TAG_TX => {
            let raw = r.signed_tx()?;
            let recovered = raw
                .clone()
                .recover()
                .map_err(|e| CompactError::BadTransaction {
                    detail: e.to_string(),
                })?;
            senders.remember(&recovered);
            Ok(Entry::Tx {
                from: recovered.sender(),
                raw,
            })
        }
        TAG_TX_SIGNED_BY => {
            let from = r.address("a transaction sender")?;
            let raw = r.signed_tx()?;
            senders.assume(&raw, from);
            Ok(Entry::Tx { from, raw })
        }
        TAG_TX_WITH_SENDER => {
            let from = r.address("a transaction sender")?;
            Ok(Entry::Tx {
                from,
                raw: r.signed_tx()?,
            })
        }
        TAG_COINBASE => Ok(Entry::Coinbase {
            to: r.address("a coinbase address")?,
            amount: r.amount()?,
        }),
        TAG_ALLOC => Ok(Entry::Alloc {
            to: r.address("an allocation address")?,
            amount: r.amount()?,
        }),
        tag => Err(CompactError::UnknownTag { tag }),
    }
}

/// Encodes a list of signed transactions (the mempool) as length-prefixed raw bytes.
pub fn encode_txs<'a>(txs: impl IntoIterator<Item = &'a SignedTx>) -> Vec<u8> {
    let raws: Vec<Vec<u8>> = txs.into_iter().map(SignedTx::raw).collect();
    let mut out = Vec::new();
    put_varint(&mut out, raws.len() as u64);
    for raw in &raws {
        put_bytes(&mut out, raw);
    }
    out
}

/// Decodes [`encode_txs`] output (senders are recovered by the caller).
///
/// # Errors
/// [`CompactError`] for any malformed input.
pub fn decode_txs(bytes: &[u8]) -> Result<Vec<SignedTx>, CompactError> {
    let mut r = Reader { bytes };
    let n = r.count("the transaction count")?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(r.signed_tx()?);
    }
    r.finish()?;
    Ok(out)
}

/// How many UTF-16 code units a string takes in localStorage (what its quota counts).
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{Chain, ChainParams};
    use crate::state::tests::{dev, eth, forged_sender_blocks, test_chain, transactions, transfer};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pack_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = pack(&bytes);
            prop_assert_eq!(unpack(&text), Ok(bytes.clone()));
            let units = utf16_len(&text) - bytes.len().to_string().len() - 1;
            prop_assert_eq!(units, (bytes.len() * 8).div_ceil(15));
        }

        #[test]
        fn unpack_never_panics(text in ".{0,64}") {
            let _ = unpack(&text);
        }

        #[test]
        fn decode_blocks_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode_blocks(&bytes);
            let _ = decode_txs(&bytes);
        }

        #[test]
        fn blocks_round_trip(
            records in proptest::collection::vec(
                ("[a-z]{0,8}", "\\PC{0,8}", any::<u128>(), "\\PC{0,20}"), 0..5),
            stats in proptest::option::of((any::<u64>(), any::<u64>(), any::<u32>())),
            coinbase in any::<u128>(),
            nonce in any::<u64>(),
            extra_tx in any::<bool>(),
        ) {
            let chain = test_chain();
            let mut blocks = chain.blocks().to_vec();
            let mut entries: Vec<Entry> = vec![Entry::Coinbase {
                to: dev(3),
                amount: Wei::from_wei(coinbase),
            }];
            entries.extend(records.into_iter().map(|(s, r, a, m)| {
                Entry::Record(Record { sender: s, receiver: r, amount: Wei::from_wei(a), memo: m })
            }));
            if extra_tx {
                let tx = transfer(0, 9, dev(1), eth("1"));
                entries.push(Entry::Tx { from: tx.sender(), raw: tx.signed().clone() });
            }
            let mut b = Block::candidate(Some(chain.tip()), 9, 0, [7; 20], entries);
            b.header.nonce = nonce;
            b.stats = stats.map(|(attempts, elapsed_ms, workers)| MiningStats { attempts, elapsed_ms, workers });
            blocks.push(b);
            let bytes = encode_blocks(&blocks, chain.sender_cache());
            let (back, _) = decode_blocks(&bytes).unwrap();
            prop_assert_eq!(back, blocks);
        }
    }

    #[test]
    fn a_transaction_with_a_false_sender_keeps_it() {
        let chain = test_chain();
        let mut blocks = chain.blocks().to_vec();
        let Some(Entry::Tx { from, .. }) = blocks[1].entries.get_mut(1) else {
            panic!("block 1 holds a transaction second")
        };
        *from = dev(7);
        let bytes = encode_blocks(&blocks, chain.sender_cache());
        let (back, senders) = decode_blocks(&bytes).unwrap();
        assert_eq!(back, blocks);
        // Stored as *claimed*, not *signed by*: it is not taken on trust, so a chain built
        // from these blocks recovers it and finds block 1 invalid at once.
        assert_eq!(senders.unchecked(), transactions(&blocks) - 1);
        let rebuilt =
            Chain::from_blocks_with_senders(back, &ChainParams::default(), senders).unwrap();
        assert_eq!(rebuilt.valid_len(), 1);
    }

    #[test]
    fn stored_senders_are_assumed_then_checked() {
        let chain = test_chain();
        let bytes = encode_blocks(chain.blocks(), chain.sender_cache());
        let (blocks, senders) = decode_blocks(&bytes).unwrap();
        let txs = transactions(&blocks);
        assert!(txs >= 3);
        assert_eq!(senders.len(), txs);
        assert_eq!(senders.recoveries(), 0, "taken from storage, not recovered");
        assert_eq!(senders.unchecked(), txs);
        let mut loaded =
            Chain::from_blocks_with_senders(blocks, &ChainParams::default(), senders).unwrap();
        assert_eq!(loaded.valid_len(), chain.len());
        assert_eq!(
            loaded.sender_cache().recoveries(),
            0,
            "the state was rebuilt without recovering"
        );
        assert_eq!(loaded.state(), chain.state());
        assert_eq!(loaded.check_stored_senders(1), vec![]);
        assert_eq!(loaded.unchecked_senders(), txs - 1);
        assert_eq!(loaded.check_stored_senders(usize::MAX), vec![]);
        assert_eq!(loaded.unchecked_senders(), 0);
        assert_eq!(
            loaded.sender_cache().recoveries(),
            txs as u64,
            "each checked once"
        );
        assert_eq!(loaded.valid_len(), chain.len());
    }

    #[test]
    fn a_stored_sender_altered_outside_the_app_is_found_by_the_check() {
        let chain = test_chain();
        let Some(Entry::Tx { from, raw }) = chain.blocks()[2].entries.get(1).cloned() else {
            panic!("block 2 holds a transaction second")
        };
        // Block 2 claims dev 1 sent its transaction, re-rooted and re-mined from there.
        let (blocks, forged) = forged_sender_blocks();
        assert_eq!(forged.hash(), raw.hash());
        let mut bytes = encode_blocks(&blocks, chain.sender_cache());
        // Stored as if it had been checked when saved (the *signed by* tag).
        let at = (0..bytes.len() - 21)
            .find(|&i| bytes[i] == TAG_TX_WITH_SENDER && bytes[i + 1..i + 21] == *dev(1).as_bytes())
            .expect("the forged entry");
        bytes[at] = TAG_TX_SIGNED_BY;
        let (blocks, senders) = decode_blocks(&bytes).unwrap();
        let mut loaded =
            Chain::from_blocks_with_senders(blocks, &ChainParams::default(), senders).unwrap();
        // On trust, the altered chain looks valid until its senders are checked ...
        assert_eq!(loaded.valid_len(), chain.len());
        let found = loaded.check_stored_senders(usize::MAX);
        // ... then the block claiming the false sender is invalid, and the state is the one
        // before it.
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].height, 2);
        assert_eq!(found[0].mismatch.tx, raw.hash());
        assert_eq!(found[0].mismatch.claimed, dev(1));
        assert_eq!(found[0].mismatch.signer, Ok(from));
        assert!(found[0]
            .to_string()
            .contains(&format!("block #2: stored transaction {}", raw.hash())));
        assert_eq!(loaded.valid_len(), 2);
        assert!(!loaded.validate(&ChainParams::default()).is_valid());
        assert_eq!(loaded.unchecked_senders(), 0);
        // Saved again, the false sender is stored as *claimed*: it is never trusted again.
        let again = encode_blocks(loaded.blocks(), loaded.sender_cache());
        let (_, senders) = decode_blocks(&again).unwrap();
        assert_eq!(senders.unchecked(), transactions(loaded.blocks()) - 1);
    }

    #[test]
    fn a_false_stored_sender_no_longer_in_the_chain_is_not_reported() {
        let (blocks, forged) = forged_sender_blocks();
        let mut senders = SenderCache::new();
        for e in blocks.iter().flat_map(|b| &b.entries) {
            if let Entry::Tx { from, raw } = e {
                senders.assume(raw, *from);
            }
        }
        let mut loaded =
            Chain::from_blocks_with_senders(blocks, &ChainParams::default(), senders).unwrap();
        // Before the check, block 2 is edited (tamper mode) to drop the forged transaction.
        let mut b = loaded.blocks()[2].clone();
        b.entries
            .retain(|e| !matches!(e, Entry::Tx { raw, .. } if raw.hash() == forged.hash()));
        assert!(loaded.replace(2, b));
        // Its false sender is corrected in the cache but named nowhere: no block holds it.
        assert_eq!(loaded.check_stored_senders(usize::MAX), vec![]);
        assert_eq!(loaded.unchecked_senders(), 0);
        assert_ne!(loaded.sender_cache().known(&forged), Some(&Ok(dev(1))));
    }

    #[test]
    fn storage_from_before_the_signed_by_tag_is_recovered_on_load() {
        let chain = test_chain();
        let bytes = encode_blocks(chain.blocks(), chain.sender_cache());
        // Rewrite every *signed by* entry as the older raw-bytes-only form (tag 2, no sender).
        let senders: Vec<Address> = chain
            .blocks()
            .iter()
            .flat_map(|b| &b.entries)
            .filter_map(|e| match e {
                Entry::Tx { from, .. } => Some(*from),
                _ => None,
            })
            .collect();
        let mut old = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if i + 21 <= bytes.len()
                && bytes[i] == TAG_TX_SIGNED_BY
                && senders
                    .iter()
                    .any(|f| &bytes[i + 1..i + 21] == f.as_bytes().as_slice())
            {
                old.push(TAG_TX);
                i += 21;
            } else {
                old.push(bytes[i]);
                i += 1;
            }
        }
        assert_eq!(old.len() + 20 * transactions(chain.blocks()), bytes.len());
        let (blocks, senders) = decode_blocks(&old).unwrap();
        assert_eq!(blocks, chain.blocks());
        assert_eq!(
            senders.unchecked(),
            0,
            "recovered while decoding, nothing on trust"
        );
        assert_eq!(senders.len(), transactions(&blocks));
    }

    #[test]
    fn damaged_data_is_refused() {
        let chain = test_chain();
        let bytes = encode_blocks(chain.blocks(), chain.sender_cache());
        let text = pack(&bytes);
        assert!(unpack(&text[..text.len() - 3]).is_err(), "a truncated text");
        assert!(
            unpack(&text.replacen(':', "1:", 1)).is_err(),
            "a wrong length"
        );
        assert!(unpack(&format!("{text}a")).is_err(), "a foreign character");
        for cut in [0, 1, 50, bytes.len() - 1] {
            assert!(decode_blocks(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode_blocks(&longer).map(|_| ()),
            Err(CompactError::TrailingBytes { count: 1 })
        );
        // A huge count in a short input is refused without allocating for it.
        assert!(decode_blocks(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert_eq!(
            unpack("3:"),
            Err(CompactError::BadPacking {
                detail: "length does not match"
            })
        );
        // A length whose bit count overflows (on 32-bit wasm too) is refused, not a panic.
        assert!(unpack("999999999999:").is_err());
        assert!(unpack(&format!("{}:", usize::MAX)).is_err());
    }

    #[test]
    fn padding_bits_must_be_zero() {
        // One byte packs into one unit with 7 padding bits.
        let text = pack(&[0xab]);
        let unit = text.chars().last().map(u32::from).unwrap();
        let flipped: String = format!("1:{}", char::from_u32(unit | 1).unwrap());
        assert!(unpack(&flipped).is_err());
    }
}
