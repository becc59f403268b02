//! The four-lane SHA-256 of the mining worker checked against sha2 in the browser
//! (wasm-bindgen-test in headless Chromium, a simd128 build like the worker's): the same checks
//! as the core's native tests (`crates/core/src/pow/lanes_checks.rs`), here in simd128
//! registers and as arrays.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use blocklab_core::block::HEADER_LEN;
use blocklab_core::pow::lanes::{compress4, search_fastest, Arrays, LaneJob, Lanes};
use blocklab_core::pow::{search_plain, MiningJob, SearchOutcome};
use blocklab_core::Header;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "../crates/core/src/pow/lanes_checks.rs"]
mod checks;

#[cfg(target_feature = "simd128")]
use blocklab_core::pow::lanes::Simd;

#[wasm_bindgen_test]
#[cfg(target_feature = "simd128")]
fn simd_lanes_equal_sha2_compression_on_100_000_random_blocks() {
    assert_eq!(checks::compress_matches_sha2::<Simd>(100_000, 21), 100_000);
}

#[wasm_bindgen_test]
fn array_lanes_equal_sha2_compression_in_wasm() {
    assert_eq!(checks::compress_matches_sha2::<Arrays>(20_000, 22), 20_000);
}

#[wasm_bindgen_test]
#[cfg(target_feature = "simd128")]
fn simd_lanes_find_the_same_first_nonce_as_sha2() {
    assert!(checks::search_matches_sha2::<Simd>(300, 7) > 30);
}

#[wasm_bindgen_test]
fn array_lanes_find_the_same_first_nonce_as_sha2_in_wasm() {
    assert!(checks::search_matches_sha2::<Arrays>(100, 8) > 10);
}

#[wasm_bindgen_test]
#[cfg(target_feature = "simd128")]
fn simd_any_le_agrees_with_the_scalar_comparison() {
    let met = checks::any_le_matches_scalar::<Simd>(10_000, 31);
    assert!((500..9500).contains(&met), "{met}");
}

#[wasm_bindgen_test]
#[cfg(target_feature = "simd128")]
fn the_simd_word0_pre_test_misses_no_hit_in_any_lane() {
    let by_lane = checks::frequent_hits_match_sha2::<Simd>(2000, 33);
    assert!(by_lane.iter().all(|&n| n > 50), "{by_lane:?}");
}

#[wasm_bindgen_test]
#[cfg(target_feature = "simd128")]
fn a_planted_wrong_simd_lane_is_caught_by_the_sha2_recheck() {
    checks::planted_fault_is_caught::<Simd>(3);
}

/// The worker's own entry point: in this (simd128) build it runs the lanes, and a planted
/// fault surfaces as a mismatch, not as a find.
#[wasm_bindgen_test]
fn the_workers_search_uses_the_rechecked_lanes() {
    let mut rng = checks::Rng::new(11);
    let h = checks::random_header(&mut rng, 8);
    let job = LaneJob::new(MiningJob::new(&h));
    assert_eq!(search_fastest(&job, 0, 5000), Ok(search_plain(&h, 0, 5000)));
    let faulty = job.with_planted_fault(1);
    let result = search_fastest(&faulty, 0, 5000);
    if cfg!(target_feature = "simd128") {
        assert_eq!(result.map_err(|e| e.nonce), Err(1));
    } else {
        assert!(matches!(result, Ok(SearchOutcome::Found { .. })));
    }
}
