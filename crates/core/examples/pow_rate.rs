//! Native hash rate of the midstate miner (`MiningJob::search`), for the benchmark suite
//! (`scripts/bench.sh` runs it with `--release`, once with sha2's portable backend forced by
//! `RUSTFLAGS='--cfg sha2_backend="soft"'` and once with its default CPU dispatch).
//!
//! Prints one JSON line: `{"backend": ..., "runs": n, "median": h/s, "min": h/s, "max": h/s}`.

#![allow(
    unexpected_cfgs,
    reason = "sha2_backend is sha2's own cfg, set through RUSTFLAGS by scripts/bench.sh"
)]
use std::time::Instant;

use blocklab_core::pow::{MiningJob, SearchOutcome, MAX_DIFFICULTY};
use blocklab_core::Header;

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    // Nonces a run (BENCH_NONCES: fewer for the benchmarks' quick mode).
    let count: u64 = std::env::var("BENCH_NONCES")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(8_000_000);
    let mut header = Header::decode(&[7u8; blocklab_core::block::HEADER_LEN]);
    header.difficulty = MAX_DIFFICULTY; // never found: every run tries exactly `count` nonces
    let job = MiningJob::new(&header);
    job.search(0, count / 4); // warm-up
    let mut rates: Vec<f64> = (0..runs)
        .map(|i| {
            let t0 = Instant::now();
            let outcome = job.search(i as u64 * count, count);
            let secs = t0.elapsed().as_secs_f64();
            let attempts = match outcome {
                SearchOutcome::Exhausted { attempts } | SearchOutcome::Found { attempts, .. } => {
                    attempts
                }
            };
            attempts as f64 / secs
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    let backend = if cfg!(sha2_backend = "soft") {
        "soft (portable)"
    } else {
        "default (CPU dispatch)"
    };
    println!(
        "{{\"backend\":\"{backend}\",\"runs\":{runs},\"median\":{:.0},\"min\":{:.0},\"max\":{:.0}}}",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1]
    );
}
