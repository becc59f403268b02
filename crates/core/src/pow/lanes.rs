//! Four-lane SHA-256 for the proof-of-work nonce search (and nothing else): four nonces per
//! compression, one per 32-bit lane, after [`MiningJob`]'s midstate.
//!
//! The second block of a header holds the nonce in words 11 (high half) and 12 (low half).
//! While the high half stays the same, rounds 0-11, the first round's use of the low half and
//! every message-schedule word (or part of one) that does not depend on it are computed once
//! ([`Prefix`]); each group of four nonces then runs rounds 12-63 in the lanes.
//!
//! The lane code is written once over [`Lanes`]: [`Arrays`] (plain `[u32; 4]`, which the
//! compiler may vectorise; native tests use it) and, in wasm builds with simd128, `Simd`
//! (`core::arch::wasm32` `i32x4` intrinsics). sha2 stays the reference: a lane's hit is
//! re-hashed with sha2 ([`MiningJob`]) before it is returned, and a difference is a
//! [`LaneMismatch`], never a found block.

use core::fmt;

use super::{state_meets, MiningJob, SearchOutcome, TAIL_NONCE};
use crate::hash::BlockHash;

const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

mod ops;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use ops::Simd;
pub use ops::{Arrays, Lanes};

/// The lanes the worker uses in this build: simd128 registers where the build has simd128,
/// otherwise arrays.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub type Best = Simd;
/// The lanes the worker uses in this build: simd128 registers where the build has simd128,
/// otherwise arrays.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub type Best = Arrays;

#[inline(always)]
fn big_s0<V: Lanes>(a: V) -> V {
    a.rotr(2).xor(a.rotr(13)).xor(a.rotr(22))
}
#[inline(always)]
fn big_s1<V: Lanes>(e: V) -> V {
    e.rotr(6).xor(e.rotr(11)).xor(e.rotr(25))
}
#[inline(always)]
fn small_s0<V: Lanes>(x: V) -> V {
    x.rotr(7).xor(x.rotr(18)).xor(x.shr(3))
}
#[inline(always)]
fn small_s1<V: Lanes>(x: V) -> V {
    x.rotr(17).xor(x.rotr(19)).xor(x.shr(10))
}

/// One SHA-256 round; `kw` is the round constant plus the schedule word.
#[inline(always)]
fn round<V: Lanes>(s: &mut [V; 8], kw: V) {
    let [a, b, c, d, e, f, g, h] = *s;
    let t1 = h.add(big_s1(e)).add(V::ch(e, f, g)).add(kw);
    let t2 = big_s0(a).add(V::maj(a, b, c));
    *s = [t1.add(t2), a, b, c, d.add(t1), e, f, g];
}

/// `s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16]`.
#[inline(always)]
fn schedule<V: Lanes>(w: &[V; 64], t: usize) -> V {
    small_s1(w[t - 2])
        .add(w[t - 7])
        .add(small_s0(w[t - 15]))
        .add(w[t - 16])
}

/// SHA-256's compression function on four independent states and blocks (one per lane;
/// `block` holds the big-endian message words). Nothing precomputed: the lanes' reference
/// shape, checked against sha2's `compress256` by the tests.
pub fn compress4<V: Lanes>(state: &mut [V; 8], block: &[V; 16]) {
    let mut w = [V::splat(0); 64];
    w[..16].copy_from_slice(block);
    for t in 16..64 {
        w[t] = schedule(&w, t);
    }
    let mut s = *state;
    for (t, wt) in w.iter().enumerate() {
        round(&mut s, wt.add(V::splat(K[t])));
    }
    for (x, y) in state.iter_mut().zip(s) {
        *x = x.add(y);
    }
}

/// Runs `$body` once for each listed `$t`, written out (unrolled): with every index a
/// constant the compiler keeps the schedule and the state in locals and the round constants
/// inline, where a loop over `t` kept the schedule in memory and copied the state around.
macro_rules! each {
    ($t:ident in [$($n:literal),* $(,)?] $body:block) => {
        $( { let $t: usize = $n; $body } )*
    };
}

/// Scalar SHA-256 pieces for the per-prefix precomputation.
fn s0(x: u32) -> u32 {
    x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
}
fn s1(x: u32) -> u32 {
    x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
}

/// What stays fixed while the nonce's high half does: the state after round 12 for a low half
/// of zero (the low half enters round 12 as a plain addition to `a` and `e`), the schedule
/// words that do not depend on the low half, and the constant parts of those that do.
#[derive(Debug, Clone)]
struct Prefix {
    after12: [u32; 8],
    /// Schedule words with the low half (word 12) set to zero; only the words that do not
    /// depend on it are read.
    w: [u32; 64],
    /// `c[t]`: the part of schedule word `t` (19..=40) that does not depend on the low half.
    c: [u32; 41],
}

impl Prefix {
    fn new(job: &MiningJob, high: u32) -> Self {
        let mut block = job.tail;
        block[TAIL_NONCE..TAIL_NONCE + 4].copy_from_slice(&high.to_be_bytes());
        block[TAIL_NONCE + 4..TAIL_NONCE + 8].fill(0);
        let mut w = [0u32; 64];
        for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        for t in 16..64 {
            w[t] = s1(w[t - 2])
                .wrapping_add(w[t - 7])
                .wrapping_add(s0(w[t - 15]))
                .wrapping_add(w[t - 16]);
        }
        let mut s = job.midstate.map(Arrays::splat);
        for (t, wt) in w.iter().enumerate().take(13) {
            round(&mut s, Arrays::splat(wt.wrapping_add(K[t])));
        }
        let after12 = s.map(|x| x.0[0]);
        let mut c = [0u32; 41];
        let sum = |xs: &[u32]| xs.iter().fold(0u32, |a, &x| a.wrapping_add(x));
        c[19] = sum(&[s1(w[17]), s0(w[4]), w[3]]);
        c[21] = sum(&[w[14], s0(w[6]), w[5]]);
        c[23] = sum(&[w[16], s0(w[8]), w[7]]);
        c[25] = sum(&[w[18], s0(w[10]), w[9]]);
        c[26] = sum(&[s1(w[24]), s0(w[11]), w[10]]);
        c[27] = sum(&[w[20], w[11]]);
        c[28] = s0(w[13]);
        c[29] = sum(&[w[22], s0(w[14]), w[13]]);
        c[30] = sum(&[s0(w[15]), w[14]]);
        c[31] = sum(&[w[24], s0(w[16]), w[15]]);
        c[32] = sum(&[s0(w[17]), w[16]]);
        c[33] = sum(&[s0(w[18]), w[17]]);
        c[34] = w[18];
        c[35] = s0(w[20]);
        c[36] = w[20];
        c[37] = s0(w[22]);
        c[38] = w[22];
        c[39] = s0(w[24]);
        c[40] = w[24];
        Self { after12, w, c }
    }

    /// The final states of the four nonces `high:low[i]` (midstate added).
    #[inline(always)]
    fn hash4<V: Lanes>(&self, midstate: &[u32; 8], low: V) -> [V; 8] {
        let sp = V::splat;
        let c = |t: usize| sp(self.c[t]);
        // Word t for t in 13..=18, 20, 22, 24 does not depend on the low half.
        let fixed = |t: usize| sp(self.w[t]);
        let mut w = [sp(0); 64];
        each!(t in [13, 14, 15, 16, 17, 18, 20, 22, 24] {
            w[t] = fixed(t);
        });
        w[12] = low;
        w[19] = c(19).add(low);
        w[21] = small_s1(w[19]).add(c(21));
        w[23] = small_s1(w[21]).add(c(23));
        w[25] = small_s1(w[23]).add(c(25));
        w[26] = w[19].add(c(26));
        w[27] = small_s1(w[25]).add(small_s0(low)).add(c(27));
        w[28] = small_s1(w[26]).add(w[21]).add(low).add(c(28));
        w[29] = small_s1(w[27]).add(c(29));
        w[30] = small_s1(w[28]).add(w[23]).add(c(30));
        w[31] = small_s1(w[29]).add(c(31));
        w[32] = small_s1(w[30]).add(w[25]).add(c(32));
        w[33] = small_s1(w[31]).add(w[26]).add(c(33));
        w[34] = small_s1(w[32]).add(w[27]).add(small_s0(w[19])).add(c(34));
        w[35] = small_s1(w[33]).add(w[28]).add(w[19]).add(c(35));
        w[36] = small_s1(w[34]).add(w[29]).add(small_s0(w[21])).add(c(36));
        w[37] = small_s1(w[35]).add(w[30]).add(w[21]).add(c(37));
        w[38] = small_s1(w[36]).add(w[31]).add(small_s0(w[23])).add(c(38));
        w[39] = small_s1(w[37]).add(w[32]).add(w[23]).add(c(39));
        w[40] = small_s1(w[38]).add(w[33]).add(small_s0(w[25])).add(c(40));
        each!(t in [
            41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
            62, 63,
        ] {
            w[t] = schedule(&w, t);
        });
        let mut s = self.after12.map(sp);
        s[0] = s[0].add(low);
        s[4] = s[4].add(low);
        let fixed_kw = |t: usize| sp(self.w[t].wrapping_add(K[t]));
        each!(t in [13, 14, 15, 16, 17, 18] {
            round(&mut s, fixed_kw(t));
        });
        each!(t in [19, 21, 23] {
            round(&mut s, w[t].add(sp(K[t])));
            round(&mut s, fixed_kw(t + 1));
        });
        each!(t in [
            25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45,
            46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
        ] {
            round(&mut s, w[t].add(sp(K[t])));
        });
        let mut out = s;
        for (x, m) in out.iter_mut().zip(midstate) {
            *x = x.add(sp(*m));
        }
        out
    }
}

/// A lane reported a nonce whose sha2 hash differs from the lane's: a bug in the lanes (or a
/// planted fault), never a mined block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneMismatch {
    pub nonce: u64,
    /// The hash the lane computed.
    pub lane_hash: BlockHash,
    /// sha2's hash of the same header and nonce.
    pub sha2_hash: BlockHash,
}

impl fmt::Display for LaneMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bug in the four-lane SHA-256: nonce {} hashed to {} in its lane but to {} with sha2; \
             the nonce was not announced",
            self.nonce, self.lane_hash, self.sha2_hash
        )
    }
}

impl std::error::Error for LaneMismatch {}

fn state_hash(state: &[u32; 8]) -> BlockHash {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    BlockHash::from_bytes(out)
}

/// A four-lane nonce search for one header.
#[derive(Debug, Clone)]
pub struct LaneJob {
    job: MiningJob,
    /// Test hook: this lane reports every nonce it hashes as a hit with a wrong hash.
    fault: Option<usize>,
}

impl LaneJob {
    pub fn new(job: MiningJob) -> Self {
        Self { job, fault: None }
    }

    /// Test hook (the sha2 re-check's tests): lane `lane` (0..4) corrupts its hash so that
    /// every nonce it tries looks like a hit.
    #[doc(hidden)]
    #[must_use]
    pub fn with_planted_fault(mut self, lane: usize) -> Self {
        self.fault = Some(lane);
        self
    }

    /// The sha2 midstate job behind the lanes.
    pub fn job(&self) -> &MiningJob {
        &self.job
    }

    /// Tries `count` nonces from `start` (never wrapping: the range stops at `u64::MAX`),
    /// four at a time in this build's [`Best`] lanes; the same outcome as
    /// [`MiningJob::search`].
    ///
    /// # Errors
    /// [`LaneMismatch`] when a lane's hit does not survive sha2's re-check.
    pub fn search(&self, start: u64, count: u64) -> Result<SearchOutcome, LaneMismatch> {
        self.search_in::<Best>(start, count)
    }

    /// [`LaneJob::search`] in the lanes `V` (benchmarks compare them).
    ///
    /// # Errors
    /// [`LaneMismatch`] when a lane's hit does not survive sha2's re-check.
    pub fn search_in<V: Lanes>(
        &self,
        start: u64,
        count: u64,
    ) -> Result<SearchOutcome, LaneMismatch> {
        let end = start.saturating_add(count);
        let mut next = start;
        while next < end {
            let high = (next >> 32) as u32;
            // Stop where the high half changes.
            let part_end = end.min((u64::from(high) << 32) | u64::from(u32::MAX));
            let part_end = if part_end < end { part_end + 1 } else { end };
            if let Some(found) = self.search_part::<V>(high, next, part_end)? {
                return Ok(found.attempts_from(start));
            }
            next = part_end;
        }
        Ok(SearchOutcome::Exhausted {
            attempts: end - start,
        })
    }

    /// Nonces `start..end`, all with the high half `high`.
    fn search_part<V: Lanes>(
        &self,
        high: u32,
        start: u64,
        end: u64,
    ) -> Result<Option<Hit>, LaneMismatch> {
        let prefix = Prefix::new(&self.job, high);
        let d = self.job.difficulty;
        let word0_zeros = d.min(32);
        // A lane can only meet the difficulty if its word 0 has `word0_zeros` leading zeros,
        // that is, if it is at most this (all four lanes compared at once).
        let word0_max = u32::MAX.checked_shr(word0_zeros).unwrap_or(0);
        let mut nonce = start;
        while nonce < end {
            let low = nonce as u32;
            let lows = V::from_array([0, 1, 2, 3].map(|i: u32| low.wrapping_add(i)));
            let out = prefix.hash4(&self.job.midstate, lows);
            if self.fault.is_some() || out[0].any_le(word0_max) {
                if let Some(hit) = self.check_lanes(&out, nonce, end)? {
                    return Ok(Some(hit));
                }
            }
            nonce = nonce.saturating_add(4);
        }
        Ok(None)
    }

    /// The lanes' full test (and the planted fault) for the four nonces from `nonce`, once
    /// some lane's word 0 may meet the difficulty (rare: out of the hot loop).
    #[cold]
    #[inline(never)]
    fn check_lanes<V: Lanes>(
        &self,
        out: &[V; 8],
        nonce: u64,
        end: u64,
    ) -> Result<Option<Hit>, LaneMismatch> {
        let d = self.job.difficulty;
        for lane in 0..4u64 {
            // Checked: the last lanes of a range ending at u64::MAX lie past it.
            let Some(this) = nonce.checked_add(lane).filter(|n| *n < end) else {
                continue;
            };
            let mut state = out.map(|v| v.to_array()[lane as usize]);
            if self.fault == Some(lane as usize) {
                state[0] = 0;
                state[1] = 0;
            }
            if state_meets(&state, d) {
                return self.recheck(this, &state).map(Some);
            }
        }
        Ok(None)
    }

    /// sha2's verdict on a lane's hit.
    fn recheck(&self, nonce: u64, lane_state: &[u32; 8]) -> Result<Hit, LaneMismatch> {
        let sha2_state = self.job.state_with_nonce(nonce);
        if &sha2_state != lane_state {
            return Err(LaneMismatch {
                nonce,
                lane_hash: state_hash(lane_state),
                sha2_hash: state_hash(&sha2_state),
            });
        }
        Ok(Hit {
            nonce,
            hash: state_hash(&sha2_state),
        })
    }
}

struct Hit {
    nonce: u64,
    hash: BlockHash,
}

impl Hit {
    fn attempts_from(self, start: u64) -> SearchOutcome {
        SearchOutcome::Found {
            nonce: self.nonce,
            hash: self.hash,
            attempts: self.nonce - start + 1,
        }
    }
}

/// The worker's search: the four lanes in builds with simd128 (re-checked with sha2), sha2's
/// midstate loop otherwise (native, wasm without simd128).
///
/// # Errors
/// [`LaneMismatch`] when a lane's hit does not survive sha2's re-check.
pub fn search_fastest(
    job: &LaneJob,
    start: u64,
    count: u64,
) -> Result<SearchOutcome, LaneMismatch> {
    if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        job.search(start, count)
    } else {
        Ok(job.job.search(start, count))
    }
}

#[cfg(test)]
#[path = "lanes_tests.rs"]
mod tests;
