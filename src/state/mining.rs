//! Proof of work: builds the candidate block, runs the search on the web-worker pool
//! ([`crate::platform::workers`]) and, where workers cannot run, on the main thread in slices
//! of a few milliseconds ([`MainThreadMiner`], the fallback), then appends or replaces the
//! mined block.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use blocklab_core::chain::{Chain, ChainParams};
use blocklab_core::persist::{Settings, MAX_MINING_WORKERS};
use blocklab_core::pow::{meets, Difficulty, MiningJob, SearchOutcome};
use blocklab_core::tip::TipError;
use blocklab_core::{Block, Header, MiningStats};
use leptos::prelude::*;

use super::actions::{self, capitalise};
use super::currency::candidate_block;
use super::{AppState, MineTarget, MiningBackend, MiningProgress};
use crate::platform::clock;
use crate::platform::workers::{self, EventSink, Miner, MinerEvent, WorkerStat};
use crate::words::plural;

/// Time one main-thread slice may take before yielding to the browser.
const SLICE_MS: f64 = 8.0;
/// Nonces tried between clock reads on the main thread.
const BATCH: u64 = 1024;
/// Least time between two main-thread progress reports.
const EMIT_MS: f64 = 100.0;

/// Starts mining a new block on the tip: a coinbase to the beneficiary and the best
/// transactions of the mempool (the core's `mempool::build_block`), then every pending record
/// that still fits (see [`super::currency::candidate_block`]).
pub fn mine_new_block(state: AppState) {
    if state.mining.get_untracked().is_some() {
        return;
    }
    // A block on an invalid tip is invalid too: its transactions would leave the mempool for
    // a block no state applies. The panel says so and offers the repairs (`tip_words`).
    if let Err(e) = state.chain.with_untracked(Chain::check_tip) {
        state.notice.set(Some(tip_words(&e)));
        return;
    }
    let difficulty = state.settings.with_untracked(|s| s.difficulty);
    if Difficulty::new(difficulty).is_err() {
        state
            .notice
            .set(Some(format!("Difficulty {difficulty} is out of range")));
        return;
    }
    let beneficiary = state.settings.with_untracked(Settings::coinbase_to);
    let params = state.params.get_untracked();
    let (block, included) = state.chain.with_untracked(|c| {
        state.mempool.with_untracked(|pool| {
            state.pending.with_untracked(|records| {
                candidate_block(
                    c,
                    pool,
                    records,
                    &params,
                    beneficiary,
                    clock::now_ms(),
                    difficulty,
                )
            })
        })
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

/// Stops whatever search runs (workers and main thread); their reports stop at once.
pub fn stop_miners() {
    workers::pool().stop();
    main_thread().stop();
}

/// How many workers the user asked for (default: one per core).
pub fn requested_workers(state: AppState) -> u32 {
    state
        .settings
        .with_untracked(|s| s.workers)
        .unwrap_or_else(workers::default_workers)
        .clamp(1, MAX_MINING_WORKERS)
}

/// One search: what is mined and since when.
struct Run {
    id: u64,
    block: Block,
    target: MineTarget,
    started_perf: f64,
}

fn start(state: AppState, block: Block, target: MineTarget) {
    let id = state.mining_run.get_untracked() + 1;
    state.mining_run.set(id);
    let difficulty = block.header.difficulty;
    let expected = Difficulty::new(difficulty).map_or(u128::MAX, Difficulty::expected_attempts);
    let use_workers = state.workers_unavailable.with_untracked(Option::is_none);
    let requested = requested_workers(state);
    state.mining.set(Some(MiningProgress {
        target,
        attempts: 0,
        expected,
        hash_rate: 0.0,
        difficulty,
        backend: if use_workers {
            MiningBackend::StartingWorkers { requested }
        } else {
            MiningBackend::MainThread
        },
        per_worker: Vec::new(),
    }));
    state.notice.set(None);
    let run = Rc::new(Run {
        id,
        block,
        target,
        started_perf: clock::perf_ms(),
    });
    launch(state, run, use_workers, requested);
}

fn launch(state: AppState, run: Rc<Run>, use_workers: bool, requested: u32) {
    let header = run.block.header.clone();
    let r = Rc::clone(&run);
    let sink: EventSink = Rc::new(move |event| on_event(state, &r, event));
    if use_workers {
        workers::pool().start(&header, requested, sink);
    } else {
        main_thread().start(&header, 1, sink);
    }
}

fn on_event(state: AppState, run: &Rc<Run>, event: MinerEvent) {
    if state.mining_run.get_untracked() != run.id {
        return; // cancelled or superseded
    }
    match event {
        MinerEvent::Running { workers } => state.mining.update(|m| {
            if let Some(m) = m {
                if m.backend != MiningBackend::MainThread {
                    m.backend = MiningBackend::Workers { count: workers };
                }
            }
        }),
        MinerEvent::Progress { workers } => {
            let attempts = workers.iter().map(|w| w.attempts).sum();
            let rate = workers.iter().map(|w| w.rate).sum();
            state.mining.update(|m| {
                if let Some(m) = m {
                    m.attempts = attempts;
                    m.hash_rate = rate;
                    m.per_worker = workers;
                }
            });
        }
        MinerEvent::Found { nonce, attempts } => finish(state, run, nonce, attempts),
        MinerEvent::Exhausted { .. } => {
            state.mining.set(None);
            state.notice.set(Some(
                "The whole nonce space was searched without a valid hash".into(),
            ));
        }
        MinerEvent::Unavailable { reason } => {
            web_sys::console::warn_1(&format!("mining on the main thread: {reason}").into());
            state.workers_unavailable.set(Some(reason));
            state.mining.update(|m| {
                if let Some(m) = m {
                    m.backend = MiningBackend::MainThread;
                }
            });
            launch(state, Rc::clone(run), false, 1);
        }
    }
}

fn finish(state: AppState, run: &Run, nonce: u64, attempts: u64) {
    let elapsed_ms = (clock::perf_ms() - run.started_perf).max(0.0) as u64;
    let mut block = run.block.clone();
    block.header.nonce = nonce;
    let hash = block.hash();
    if !meets(&hash, block.header.difficulty) {
        // The pool verifies finds; this guards the contract.
        web_sys::console::warn_1(&format!("ignored an invalid nonce {nonce}").into());
        return;
    }
    let workers = state
        .mining
        .with_untracked(|m| match m.as_ref().map(|m| m.backend) {
            Some(MiningBackend::Workers { count }) => count,
            _ => 1,
        });
    block.stats = Some(MiningStats {
        attempts,
        elapsed_ms,
        workers,
    });
    state.mining.set(None);
    match run.target {
        MineTarget::NewBlock { included } => {
            let params: ChainParams = state.params.get_untracked();
            if let Err(e) = state.chain.with_untracked(Chain::check_tip) {
                state.notice.set(Some(tip_words(&e)));
                return;
            }
            let mut result = Ok(());
            let mined = block.clone();
            state.chain.update(|c| result = c.append(block, &params));
            match result {
                Ok(()) => {
                    actions::block_mined(state, &mined);
                    state.pending.update(|p| {
                        p.drain(..included.min(p.len()));
                    });
                    state.last_mined.set(Some(format!(
                        "Mined block with hash {hash:#} after {} in {elapsed_ms} ms on {}",
                        plural(attempts, "attempt", "attempts"),
                        workers_label(workers, state)
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

/// What is wrong with mining on an invalid tip, and what to do instead.
pub fn tip_words(e: &TipError) -> String {
    let TipError::Invalid { first_invalid, tip } = *e;
    let blocks = if first_invalid == tip {
        format!("block #{tip}")
    } else {
        format!("blocks #{first_invalid} to #{tip}")
    };
    format!(
        "Cannot mine here: {e}. A block mined on it would be invalid too, and the records and \
         transactions it took would be lost. Repair the chain (tamper mode: re-mine the invalid \
         blocks in order, or import a valid chain), or drop {blocks} and mine on the valid prefix."
    )
}

fn workers_label(workers: u32, state: AppState) -> String {
    if state.workers_unavailable.with_untracked(Option::is_some) {
        "the main thread".into()
    } else if workers == 1 {
        "1 worker".into()
    } else {
        format!("{workers} workers")
    }
}

thread_local! {
    static MAIN_THREAD: MainThreadMiner = MainThreadMiner::default();
}

fn main_thread() -> MainThreadMiner {
    MAIN_THREAD.with(MainThreadMiner::clone)
}

/// The fallback: [`MiningJob::search`] on the main thread in batches, yielding to the browser
/// every [`SLICE_MS`] through `setTimeout`, so the page stays responsive.
#[derive(Clone, Default)]
pub struct MainThreadMiner {
    /// Bumped by every start and stop; a slice of an older search ends itself.
    generation: Rc<Cell<u64>>,
}

struct Slices {
    generation: u64,
    job: MiningJob,
    next_nonce: u64,
    attempts: u64,
    started_perf: f64,
    last_emit: f64,
    sink: EventSink,
}

impl Miner for MainThreadMiner {
    fn start(&self, header: &Header, _workers: u32, sink: EventSink) {
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        sink(MinerEvent::Running { workers: 1 });
        let now = clock::perf_ms();
        let run = Slices {
            generation,
            job: MiningJob::new(header),
            next_nonce: 0,
            attempts: 0,
            started_perf: now,
            last_emit: now,
            sink,
        };
        self.schedule(run);
    }

    fn stop(&self) {
        self.generation.set(self.generation.get() + 1);
    }
}

impl MainThreadMiner {
    fn schedule(&self, run: Slices) {
        let this = self.clone();
        set_timeout(move || this.step(run), Duration::ZERO);
    }

    fn step(&self, mut run: Slices) {
        if self.generation.get() != run.generation {
            return; // stopped or superseded
        }
        let slice_start = clock::perf_ms();
        loop {
            match run.job.search(run.next_nonce, BATCH) {
                SearchOutcome::Found {
                    nonce, attempts, ..
                } => {
                    run.attempts += attempts;
                    (run.sink)(MinerEvent::Found {
                        nonce,
                        attempts: run.attempts,
                    });
                    return;
                }
                SearchOutcome::Exhausted { attempts } => {
                    run.attempts += attempts;
                    run.next_nonce = run.next_nonce.saturating_add(BATCH);
                    if attempts < BATCH {
                        (run.sink)(MinerEvent::Exhausted {
                            attempts: run.attempts,
                        });
                        return;
                    }
                }
            }
            if clock::perf_ms() - slice_start >= SLICE_MS {
                break;
            }
        }
        let now = clock::perf_ms();
        if now - run.last_emit >= EMIT_MS {
            run.last_emit = now;
            let elapsed_s = (now - run.started_perf) / 1000.0;
            let rate = if elapsed_s > 0.0 {
                run.attempts as f64 / elapsed_s
            } else {
                0.0
            };
            (run.sink)(MinerEvent::Progress {
                workers: vec![WorkerStat {
                    attempts: run.attempts,
                    rate,
                }],
            });
        }
        self.schedule(run);
    }
}
