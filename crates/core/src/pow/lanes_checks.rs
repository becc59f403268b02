//! Checks of the four-lane SHA-256 against sha2, shared by the core's native tests
//! (`lanes_tests.rs`, lanes as arrays) and the browser tests (`tests/lanes.rs`, simd128 and
//! arrays in a wasm build). The includer brings `compress4`, `Lanes`, `LaneJob`, `MiningJob`,
//! `SearchOutcome`, `search_plain`, `Header` and `HEADER_LEN` into scope.
//!
//! Random inputs come from a seeded xorshift generator: reproducible, no entropy source.

use super::{
    compress4, search_plain, Header, LaneJob, Lanes, MiningJob, SearchOutcome, HEADER_LEN,
};
use sha2::block_api::compress256;

/// xorshift64*: seeded, reproducible test inputs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    pub fn u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn u32(&mut self) -> u32 {
        (self.u64() >> 32) as u32
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.u64() % n.max(1)
    }
}

/// `blocks` random 64-byte blocks and states through the lanes (four at a time) and through
/// sha2's `compress256`: every lane must equal sha2. Returns how many were compared.
pub fn compress_matches_sha2<V: Lanes>(blocks: usize, seed: u64) -> usize {
    let mut rng = Rng::new(seed);
    let mut compared = 0;
    while compared < blocks {
        let mut states = [[0u32; 8]; 4];
        let mut raw = [[0u8; 64]; 4];
        for (state, block) in states.iter_mut().zip(raw.iter_mut()) {
            state.iter_mut().for_each(|w| *w = rng.u32());
            block.iter_mut().for_each(|b| *b = rng.u64() as u8);
        }
        let mut lanes: [V; 8] = core::array::from_fn(|i| V::from_array(states.map(|s| s[i])));
        let words: [V; 16] =
            core::array::from_fn(|i| {
                V::from_array(raw.map(|b| {
                    u32::from_be_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
                }))
            });
        compress4(&mut lanes, &words);
        for (lane, (state, block)) in states.iter().zip(&raw).enumerate() {
            let mut expected = *state;
            compress256(&mut expected, &[*block]);
            let got: [u32; 8] = lanes.map(|v| v.to_array()[lane]);
            assert_eq!(got, expected, "block {} lane {lane}", compared + lane);
        }
        compared += 4;
    }
    compared
}

/// A random header with `difficulty` (the rest of its 116 bytes random).
pub fn random_header(rng: &mut Rng, difficulty: u32) -> Header {
    let mut raw = [0u8; HEADER_LEN];
    raw.iter_mut().for_each(|b| *b = rng.u64() as u8);
    let mut h = Header::decode(&raw);
    h.difficulty = difficulty;
    h
}

/// A start nonce: anywhere, or just below a change of the nonce's high half, or at the very
/// top of the nonce space.
pub fn random_start(rng: &mut Rng) -> u64 {
    match rng.below(4) {
        0 => rng.u64(),
        1 => (rng.u64() | 0xffff_ffff) - rng.below(40),
        2 => u64::MAX - rng.below(40),
        _ => rng.below(1 << 20),
    }
}

/// `cases` random headers, difficulties and nonce ranges: the lanes `V` find the same first
/// nonce (and hash and attempts) as sha2's plain search. Returns how many searches found one.
pub fn search_matches_sha2<V: Lanes>(cases: usize, seed: u64) -> usize {
    let mut rng = Rng::new(seed);
    (0..cases)
        .filter(|&case| {
            let (_, outcome) = compare_with_sha2::<V>(&mut rng, case, 13, 3000);
            matches!(outcome, SearchOutcome::Found { .. })
        })
        .count()
}

/// One random search (difficulty below `difficulties`, at most `max_count` nonces) by the lanes
/// `V`, asserted equal to sha2's plain search; its start and outcome.
fn compare_with_sha2<V: Lanes>(
    rng: &mut Rng,
    case: usize,
    difficulties: u64,
    max_count: u64,
) -> (u64, SearchOutcome) {
    let difficulty = rng.below(difficulties) as u32;
    let header = random_header(rng, difficulty);
    let start = random_start(rng);
    let count = rng.below(max_count);
    let lanes = LaneJob::new(MiningJob::new(&header)).search_in::<V>(start, count);
    let reference = search_plain(&header, start, count);
    assert_eq!(
        lanes,
        Ok(reference),
        "case {case}: difficulty {difficulty}, start {start}, count {count}"
    );
    (start, reference)
}

/// A planted wrong lane never yields a block: its first "hit" is caught by sha2's re-check,
/// at the nonce of that lane. Checked for each lane and a few starts.
pub fn planted_fault_is_caught<V: Lanes>(seed: u64) {
    let mut rng = Rng::new(seed);
    for lane in 0..4u64 {
        for start in [0, rng.u64() & !3, 0xffff_fffc, rng.u64() & !3] {
            let header = random_header(&mut rng, 20);
            let job = LaneJob::new(MiningJob::new(&header)).with_planted_fault(lane as usize);
            let err = job
                .search_in::<V>(start, 64)
                .expect_err("the planted lane's hit must be caught");
            assert_eq!(err.nonce, start + lane, "lane {lane}");
            assert_ne!(err.lane_hash, err.sha2_hash);
            assert_eq!(err.sha2_hash, job.job().hash_with_nonce(start + lane));
        }
    }
}

/// `Lanes::any_le` against the scalar comparison, on random lanes and thresholds (the
/// difficulty thresholds `u32::MAX >> k`, lane values themselves and their neighbours).
/// Returns how many comparisons came out true (both outcomes must occur).
pub fn any_le_matches_scalar<V: Lanes>(cases: usize, seed: u64) -> usize {
    let mut rng = Rng::new(seed);
    let mut hits = 0;
    for case in 0..cases {
        // Small values often, so that low thresholds are met too.
        let lanes: [u32; 4] = core::array::from_fn(|_| rng.u32() >> rng.below(33).min(31));
        let threshold = match rng.below(4) {
            0 => u32::MAX.checked_shr(rng.below(33) as u32).unwrap_or(0),
            1 => lanes[rng.below(4) as usize],
            2 => lanes[rng.below(4) as usize].wrapping_sub(1),
            _ => rng.u32(),
        };
        let expected = lanes.iter().any(|&x| x <= threshold);
        assert_eq!(
            V::from_array(lanes).any_le(threshold),
            expected,
            "case {case}: {lanes:x?} <= {threshold:x}"
        );
        hits += usize::from(expected);
    }
    hits
}

/// Low difficulties (0..=6), where most groups of four nonces hold a hit in some lane: the
/// lanes' pre-test on word 0 must let every first hit through, whichever lane holds it.
/// Returns the lanes (nonce - start, mod 4) of the hits found, counted.
pub fn frequent_hits_match_sha2<V: Lanes>(cases: usize, seed: u64) -> [usize; 4] {
    let mut rng = Rng::new(seed);
    let mut by_lane = [0; 4];
    for case in 0..cases {
        if let (start, SearchOutcome::Found { nonce, .. }) =
            compare_with_sha2::<V>(&mut rng, case, 7, 200)
        {
            by_lane[((nonce - start) % 4) as usize] += 1;
        }
    }
    by_lane
}
