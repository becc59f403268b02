//! SHA-256 proof of work: difficulty as leading zero bits, chain work, and a midstate miner.

use core::fmt;

use sha2::block_api::compress256;

use crate::block::{Header, HEADER_LEN, NONCE_OFFSET};
use crate::hash::BlockHash;

pub mod lanes;
pub mod protocol;

/// Highest difficulty a block may state (leading zero bits). At 64 the expected work equals
/// the whole 64-bit nonce space.
pub const MAX_DIFFICULTY: u32 = 64;

/// A proof-of-work difficulty: how many leading zero bits a block hash needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difficulty(u32);

/// A difficulty outside `0..=MAX_DIFFICULTY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifficultyOutOfRange {
    pub got: String,
}

impl fmt::Display for DifficultyOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "difficulty must be a whole number from 0 to {MAX_DIFFICULTY}, not \"{}\"",
            self.got
        )
    }
}

impl std::error::Error for DifficultyOutOfRange {}

impl Difficulty {
    /// Checks the range.
    ///
    /// # Errors
    /// [`DifficultyOutOfRange`] above [`MAX_DIFFICULTY`].
    pub fn new(bits: u32) -> Result<Self, DifficultyOutOfRange> {
        if bits > MAX_DIFFICULTY {
            return Err(DifficultyOutOfRange {
                got: bits.to_string(),
            });
        }
        Ok(Self(bits))
    }

    /// Parses user text such as `"16"`.
    ///
    /// # Errors
    /// [`DifficultyOutOfRange`] for anything but a whole number in range.
    pub fn parse(text: &str) -> Result<Self, DifficultyOutOfRange> {
        let t = text.trim();
        t.parse::<u32>()
            .ok()
            .and_then(|b| Self::new(b).ok())
            .ok_or_else(|| DifficultyOutOfRange { got: t.to_owned() })
    }

    /// Leading zero bits required.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Expected number of attempts to find a valid nonce: 2^bits.
    pub fn expected_attempts(self) -> u128 {
        1u128 << self.0
    }
}

/// The work a block at `difficulty` bits proves: 2^bits expected hashes. Saturates for
/// difficulties above the supported range.
pub fn work(difficulty: u32) -> u128 {
    if difficulty >= 127 {
        return 1u128 << 127;
    }
    1u128 << difficulty
}

/// Number of leading zero bits of a hash.
pub fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

/// Whether a hash meets a difficulty.
pub fn meets(hash: &BlockHash, difficulty: u32) -> bool {
    leading_zero_bits(hash.as_bytes()) >= difficulty
}

/// The result of searching a range of nonces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchOutcome {
    /// A nonce whose header hash meets the difficulty, and that hash.
    Found {
        nonce: u64,
        hash: BlockHash,
        attempts: u64,
    },
    /// No nonce in the range worked; `attempts` nonces were tried.
    Exhausted { attempts: u64 },
}

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A prepared proof-of-work search for one header: the first 64 bytes are compressed once
/// (the midstate), so each attempt costs a single SHA-256 compression.
#[derive(Debug, Clone)]
pub struct MiningJob {
    midstate: [u32; 8],
    tail: [u8; 64],
    difficulty: u32,
}

// The midstate trick needs the nonce inside the second 64-byte block of the header.
const _: () = assert!(NONCE_OFFSET >= 64 && NONCE_OFFSET + 8 <= 64 + 55);
const TAIL_NONCE: usize = NONCE_OFFSET - 64;

impl MiningJob {
    /// Prepares a search for `header` (its nonce is ignored).
    pub fn new(header: &Header) -> Self {
        let bytes = header.encode();
        let mut first = [0u8; 64];
        first.copy_from_slice(&bytes[..64]);
        let mut midstate = IV;
        compress256(&mut midstate, &[first]);
        // SHA-256 padding of a 116-byte message: 0x80, zeros, then the bit length.
        let mut tail = [0u8; 64];
        tail[..HEADER_LEN - 64].copy_from_slice(&bytes[64..]);
        tail[HEADER_LEN - 64] = 0x80;
        tail[56..].copy_from_slice(&((HEADER_LEN as u64) * 8).to_be_bytes());
        Self {
            midstate,
            tail,
            difficulty: header.difficulty,
        }
    }

    /// The header hash with `nonce`, computed from the midstate.
    pub fn hash_with_nonce(&self, nonce: u64) -> BlockHash {
        let state = self.state_with_nonce(nonce);
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        BlockHash::from_bytes(out)
    }

    fn state_with_nonce(&self, nonce: u64) -> [u32; 8] {
        let mut block = self.tail;
        block[TAIL_NONCE..TAIL_NONCE + 8].copy_from_slice(&nonce.to_be_bytes());
        let mut state = self.midstate;
        compress256(&mut state, &[block]);
        state
    }

    /// Tries `count` nonces from `start` (wrapping never: the range stops at `u64::MAX`).
    pub fn search(&self, start: u64, count: u64) -> SearchOutcome {
        let end = start.saturating_add(count);
        let d = self.difficulty;
        let mut attempts = 0u64;
        let mut nonce = start;
        while nonce < end {
            attempts += 1;
            let state = self.state_with_nonce(nonce);
            if state_meets(&state, d) {
                return SearchOutcome::Found {
                    nonce,
                    hash: self.hash_with_nonce(nonce),
                    attempts,
                };
            }
            nonce += 1;
        }
        SearchOutcome::Exhausted { attempts }
    }
}

/// Leading-zero test on the hash words directly (the big-endian bytes of `state`).
fn state_meets(state: &[u32; 8], difficulty: u32) -> bool {
    let mut needed = difficulty;
    for word in state {
        if needed == 0 {
            return true;
        }
        let lz = word.leading_zeros();
        if needed <= 32 {
            return lz >= needed;
        }
        if lz < 32 {
            return false;
        }
        needed -= 32;
    }
    needed == 0
}

/// The straightforward miner (hash the whole header per attempt). Reference for tests and
/// benchmarks of [`MiningJob`].
pub fn search_plain(header: &Header, start: u64, count: u64) -> SearchOutcome {
    let mut h = header.clone();
    let end = start.saturating_add(count);
    let mut attempts = 0u64;
    let mut nonce = start;
    while nonce < end {
        attempts += 1;
        h.nonce = nonce;
        let hash = h.hash();
        if meets(&hash, h.difficulty) {
            return SearchOutcome::Found {
                nonce,
                hash,
                attempts,
            };
        }
        nonce += 1;
    }
    SearchOutcome::Exhausted { attempts }
}

/// The slice of the nonce space worker `index` of `workers` searches: `[start, end)`.
/// Slices do not overlap and together cover `0..=u64::MAX` (the last slice ends at
/// `u64::MAX` inclusive-exclusive; nonce `u64::MAX` itself belongs to no worker).
pub fn nonce_slice(index: u32, workers: u32) -> (u64, u64) {
    let workers = u64::from(workers.max(1));
    let index = u64::from(index).min(workers - 1);
    let size = u64::MAX / workers;
    let start = index * size;
    let end = if index == workers - 1 {
        u64::MAX
    } else {
        start + size
    };
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{tests::record, Block};
    use proptest::prelude::*;

    fn header(difficulty: u32, ts: u64, memo: u128) -> Header {
        Block::candidate(None, ts, difficulty, [1; 20], vec![record(memo)]).header
    }

    #[test]
    fn leading_zeros() {
        let mut h = [0xffu8; 32];
        assert_eq!(leading_zero_bits(&h), 0);
        h[0] = 0;
        h[1] = 0x10;
        assert_eq!(leading_zero_bits(&h), 11);
        assert_eq!(leading_zero_bits(&[0u8; 32]), 256);
    }

    #[test]
    fn difficulty_range_and_parsing() {
        assert_eq!(Difficulty::parse("16").map(Difficulty::bits), Ok(16));
        assert_eq!(Difficulty::parse(" 0 ").map(Difficulty::bits), Ok(0));
        assert!(Difficulty::parse("65").is_err());
        assert!(Difficulty::parse("-1").is_err());
        assert!(Difficulty::parse("abc").is_err());
        assert!(Difficulty::parse("").is_err());
        assert_eq!(
            Difficulty::new(64).map(Difficulty::expected_attempts),
            Ok(1u128 << 64)
        );
        assert_eq!(Difficulty::new(0).map(Difficulty::expected_attempts), Ok(1));
    }

    #[test]
    fn difficulty_zero_accepts_the_first_nonce() {
        let job = MiningJob::new(&header(0, 1, 1));
        assert!(matches!(
            job.search(42, 10),
            SearchOutcome::Found {
                nonce: 42,
                attempts: 1,
                ..
            }
        ));
    }

    #[test]
    fn maximum_difficulty_is_not_found_in_a_short_search() {
        let job = MiningJob::new(&header(MAX_DIFFICULTY, 1, 1));
        assert_eq!(
            job.search(0, 5000),
            SearchOutcome::Exhausted { attempts: 5000 }
        );
        assert_eq!(
            job.search(u64::MAX - 3, 100),
            SearchOutcome::Exhausted { attempts: 3 }
        );
    }

    #[test]
    fn state_meets_agrees_with_bytes() {
        for bits in 0..=MAX_DIFFICULTY {
            for (w0, w1, w2) in [(0u32, 0u32, 1u32), (0, 1 << 31, 0), (1, 0, 0), (0, 0, 0)] {
                let state = [w0, w1, w2, 5, 5, 5, 5, 5];
                let mut bytes = [0u8; 32];
                for (c, w) in bytes.chunks_exact_mut(4).zip(state) {
                    c.copy_from_slice(&w.to_be_bytes());
                }
                assert_eq!(
                    state_meets(&state, bits),
                    leading_zero_bits(&bytes) >= bits,
                    "{bits}"
                );
            }
        }
    }

    #[test]
    fn nonce_slices_cover_without_overlap() {
        for workers in 1..=16u32 {
            let mut expected_start = 0u64;
            for i in 0..workers {
                let (s, e) = nonce_slice(i, workers);
                assert_eq!(s, expected_start, "workers {workers} slice {i}");
                assert!(e > s);
                expected_start = e;
            }
            assert_eq!(expected_start, u64::MAX);
        }
    }

    #[test]
    fn difficulty_zero_and_maximum_agree_with_the_plain_miner() {
        for bits in [0, MAX_DIFFICULTY] {
            let h = header(bits, 9, 3);
            let job = MiningJob::new(&h);
            for (start, count) in [(0, 300), (u64::MAX - 2, 10), (7, 0)] {
                assert_eq!(
                    job.search(start, count),
                    search_plain(&h, start, count),
                    "bits {bits} start {start}"
                );
            }
        }
        assert_eq!(
            MiningJob::new(&header(0, 9, 3)).search(7, 0),
            SearchOutcome::Exhausted { attempts: 0 }
        );
    }

    /// Which worker's slice holds `nonce`.
    fn owners(nonce: u64, workers: u32) -> Vec<u32> {
        (0..workers)
            .filter(|&i| {
                let (s, e) = nonce_slice(i, workers);
                (s..e).contains(&nonce)
            })
            .collect()
    }

    #[test]
    fn slice_edges_belong_to_exactly_one_worker() {
        for workers in 1..=16u32 {
            for i in 0..workers {
                let (s, e) = nonce_slice(i, workers);
                assert_eq!(owners(s, workers), vec![i]);
                assert_eq!(owners(e - 1, workers), vec![i]);
            }
            // The searched space is 0..u64::MAX (see `MiningJob::search`).
            assert!(owners(u64::MAX, workers).is_empty());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn midstate_miner_matches_plain_miner_on_random_headers(
            bytes in proptest::collection::vec(any::<u8>(), HEADER_LEN),
            bits in 0u32..=12,
            start in any::<u64>(),
        ) {
            let mut raw = [0u8; HEADER_LEN];
            raw.copy_from_slice(&bytes);
            let mut h = Header::decode(&raw);
            h.difficulty = bits;
            let job = MiningJob::new(&h);
            let fast = job.search(start, 1 << 13);
            prop_assert_eq!(fast, search_plain(&h, start, 1 << 13));
            if let SearchOutcome::Found { nonce, hash, .. } = fast {
                h.nonce = nonce;
                prop_assert_eq!(h.hash(), hash);
                prop_assert!(meets(&hash, bits));
            }
        }

        #[test]
        fn every_nonce_belongs_to_exactly_one_slice(nonce in 0..u64::MAX, workers in 1u32..=16) {
            prop_assert_eq!(owners(nonce, workers).len(), 1);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn midstate_miner_matches_plain_miner(ts in any::<u64>(), memo in 1u128..1000, bits in 0u32..=10, start in any::<u32>()) {
            let h = header(bits, ts, memo);
            let job = MiningJob::new(&h);
            let start = u64::from(start);
            let fast = job.search(start, 1 << 14);
            let plain = search_plain(&h, start, 1 << 14);
            prop_assert_eq!(fast, plain);
            if let SearchOutcome::Found { nonce, hash, .. } = fast {
                let mut mined = h.clone();
                mined.nonce = nonce;
                prop_assert_eq!(mined.hash(), hash);
                prop_assert!(meets(&hash, bits));
            }
        }

        #[test]
        fn midstate_hash_equals_full_hash(ts in any::<u64>(), nonce in any::<u64>()) {
            let mut h = header(5, ts, 7);
            let job = MiningJob::new(&h);
            h.nonce = nonce;
            prop_assert_eq!(job.hash_with_nonce(nonce), h.hash());
        }
    }
}
