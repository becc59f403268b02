//! The four-lane search against sha2, natively: 100,000 random compressions, the first nonce
//! of random jobs, a planted wrong lane (the checks themselves are in `lanes_checks.rs`).

use super::*;
use crate::block::HEADER_LEN;
use crate::pow::search_plain;
use crate::Header;
use proptest::prelude::*;

#[path = "lanes_checks.rs"]
mod checks;

#[test]
fn lanes_equal_sha2_compression_on_100_000_random_blocks() {
    assert_eq!(
        checks::compress_matches_sha2::<Arrays>(100_000, 21),
        100_000
    );
}

#[test]
fn lanes_find_the_same_first_nonce_as_sha2() {
    // Some searches must find a nonce, or the comparison says little.
    assert!(checks::search_matches_sha2::<Arrays>(300, 7) > 30);
}

#[test]
fn any_le_agrees_with_the_scalar_comparison() {
    // Both outcomes, often.
    let met = checks::any_le_matches_scalar::<Arrays>(10_000, 31);
    assert!((500..9500).contains(&met), "{met}");
}

#[test]
fn the_word0_pre_test_misses_no_hit_in_any_lane() {
    // Hits in every lane position, or the pre-test's lanes were not all exercised.
    let by_lane = checks::frequent_hits_match_sha2::<Arrays>(2000, 33);
    assert!(by_lane.iter().all(|&n| n > 50), "{by_lane:?}");
}

#[test]
fn a_planted_wrong_lane_is_caught_by_the_sha2_recheck() {
    checks::planted_fault_is_caught::<Arrays>(3);
}

#[test]
fn the_fastest_search_agrees_with_sha2_natively() {
    let mut rng = checks::Rng::new(5);
    let h = checks::random_header(&mut rng, 8);
    let job = LaneJob::new(MiningJob::new(&h));
    assert_eq!(search_fastest(&job, 0, 5000), Ok(search_plain(&h, 0, 5000)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn four_lane_search_matches_sha2_reference(
        bytes in proptest::collection::vec(any::<u8>(), HEADER_LEN),
        bits in 0u32..=12,
        start in prop_oneof![any::<u64>(), (0u64..64).prop_map(|d| u64::MAX - d),
            (any::<u32>(), 0u64..64).prop_map(|(h, d)| (u64::from(h) << 32 | 0xffff_ffff) - d)],
        count in 0u64..4000,
    ) {
        let mut raw = [0u8; HEADER_LEN];
        raw.copy_from_slice(&bytes);
        let mut h = Header::decode(&raw);
        h.difficulty = bits;
        let lanes = LaneJob::new(MiningJob::new(&h)).search_in::<Arrays>(start, count);
        prop_assert_eq!(lanes, Ok(search_plain(&h, start, count)));
    }
}
