//! Proof of work on the main thread, in slices of a few milliseconds so the page stays
//! responsive. (Web workers are a later step; this is also their fallback.)

use std::time::Duration;

use blocklab_core::chain::ChainParams;
use blocklab_core::pow::{Difficulty, MiningJob, SearchOutcome};
use blocklab_core::{Block, Entry, MiningStats};
use leptos::prelude::*;

use super::actions::capitalise;
use super::{AppState, MineTarget, MiningProgress};
use crate::platform::clock;

/// Time one slice may take before yielding to the browser.
const SLICE_MS: f64 = 8.0;
/// Nonces tried between clock reads.
const BATCH: u64 = 1024;

struct Run {
    id: u64,
    block: Block,
    job: MiningJob,
    target: MineTarget,
    next_nonce: u64,
    attempts: u64,
    started_perf: f64,
}

/// Starts mining a new block on the tip with every pending record (up to the block limit).
pub fn mine_new_block(state: AppState) {
    if state.mining.get_untracked().is_some() {
        return;
    }
    let difficulty = state.settings.with_untracked(|s| s.difficulty);
    if Difficulty::new(difficulty).is_err() {
        state
            .notice
            .set(Some(format!("Difficulty {difficulty} is out of range")));
        return;
    }
    let entries: Vec<Entry> = state.pending.with_untracked(|p| {
        p.iter()
            .take(blocklab_core::chain::MAX_ENTRIES)
            .cloned()
            .map(Entry::Record)
            .collect()
    });
    let included = entries.len();
    let block = state.chain.with_untracked(|c| {
        let tip = c.tip();
        let now = clock::now_ms().max(tip.header.timestamp_ms);
        Block::candidate(Some(tip), now, difficulty, [0; 20], entries)
    });
    start(state, block, MineTarget::NewBlock { included });
}

/// Re-mines the block at `index` (tamper mode): relinks it to its parent's current hash,
/// recomputes its entries root and searches a new nonce.
pub fn remine(state: AppState, index: usize) {
    if state.mining.get_untracked().is_some() {
        return;
    }
    let block = state.chain.with_untracked(|c| {
        let blocks = c.blocks();
        let mut b = blocks.get(index)?.clone();
        b.header.entries_root = b.computed_root();
        b.header.height = index as u64;
        if let Some(parent) = index.checked_sub(1).and_then(|i| blocks.get(i)) {
            b.header.prev_hash = parent.hash();
            b.header.timestamp_ms = b.header.timestamp_ms.max(parent.header.timestamp_ms);
        }
        Some(b)
    });
    if let Some(b) = block {
        start(state, b, MineTarget::Remine { index });
    }
}

fn start(state: AppState, block: Block, target: MineTarget) {
    let id = state.mining_run.get_untracked() + 1;
    state.mining_run.set(id);
    let difficulty = block.header.difficulty;
    let expected = Difficulty::new(difficulty).map_or(u128::MAX, Difficulty::expected_attempts);
    state.mining.set(Some(MiningProgress {
        target,
        attempts: 0,
        expected,
        hash_rate: 0.0,
        difficulty,
    }));
    state.notice.set(None);
    let run = Run {
        id,
        job: MiningJob::new(&block.header),
        block,
        target,
        next_nonce: 0,
        attempts: 0,
        started_perf: clock::perf_ms(),
    };
    schedule(state, run);
}

fn schedule(state: AppState, run: Run) {
    set_timeout(move || step(state, run), Duration::ZERO);
}

fn step(state: AppState, mut run: Run) {
    if state.mining_run.get_untracked() != run.id {
        return; // cancelled or superseded
    }
    let slice_start = clock::perf_ms();
    loop {
        match run.job.search(run.next_nonce, BATCH) {
            SearchOutcome::Found {
                nonce, attempts, ..
            } => {
                run.attempts += attempts;
                finish(state, run, nonce);
                return;
            }
            SearchOutcome::Exhausted { attempts } => {
                run.attempts += attempts;
                run.next_nonce = run.next_nonce.saturating_add(BATCH);
                if attempts < BATCH {
                    state.mining.set(None);
                    state.notice.set(Some(
                        "The whole nonce space was searched without a valid hash".into(),
                    ));
                    return;
                }
            }
        }
        if clock::perf_ms() - slice_start >= SLICE_MS {
            break;
        }
    }
    let elapsed_s = (clock::perf_ms() - run.started_perf) / 1000.0;
    let attempts = run.attempts;
    state.mining.update(|m| {
        if let Some(m) = m {
            m.attempts = attempts;
            if elapsed_s > 0.0 {
                m.hash_rate = attempts as f64 / elapsed_s;
            }
        }
    });
    schedule(state, run);
}

fn finish(state: AppState, run: Run, nonce: u64) {
    let elapsed_ms = (clock::perf_ms() - run.started_perf).max(0.0) as u64;
    let mut block = run.block;
    block.header.nonce = nonce;
    block.stats = Some(MiningStats {
        attempts: run.attempts,
        elapsed_ms,
        workers: 1,
    });
    let hash = block.hash();
    state.mining.set(None);
    match run.target {
        MineTarget::NewBlock { included } => {
            let params: ChainParams = state.params.get_untracked();
            let mut result = Ok(());
            state.chain.update(|c| result = c.append(block, &params));
            match result {
                Ok(()) => {
                    state.pending.update(|p| {
                        p.drain(..included.min(p.len()));
                    });
                    state.last_mined.set(Some(format!(
                        "Mined block with hash {hash:#} after {} attempts in {elapsed_ms} ms",
                        run.attempts
                    )));
                }
                Err(e) => state.notice.set(Some(format!(
                    "{} (the chain changed while mining; mine again)",
                    capitalise(&e.to_string())
                ))),
            }
        }
        MineTarget::Remine { index } => {
            state.chain.update(|c| {
                c.replace(index, block);
            });
            state
                .last_mined
                .set(Some(format!("Re-mined block #{index}: new hash {hash:#}")));
        }
    }
    state.validation_summary.set(None);
}
