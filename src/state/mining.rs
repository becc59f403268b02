//! Proof of work: builds the candidate block, runs the search on the web-worker pool
//! ([`crate::platform::workers`]) and, where workers cannot run, on the main thread in slices
//! of a few milliseconds ([`MainThreadMiner`], the fallback), then appends or replaces the
//! mined block.

use core::ops::ControlFlow;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use blocklab_core::node::{InvalidTip, NotTaken};
use blocklab_core::persist::MAX_MINING_WORKERS;
use blocklab_core::pow::{meets, Difficulty, MiningJob, SearchOutcome};
use blocklab_core::{Block, Header, MiningStats};
use leptos::prelude::*;

use super::{AppState, MineTarget, MiningBackend, MiningProgress};
use crate::platform::clock;
use crate::platform::workers::{self, EventSink, Miner, MinerEvent, WorkerStat};
use crate::state::notices::Notice;
use blocklab_core::words::{capitalise, plural};

/// Nonces tried between clock reads on the main thread.
const BATCH: u64 = 1024;
/// Least time between two main-thread progress reports.
const EMIT_MS: f64 = 100.0;

/// Starts mining a new block on the tip: a coinbase to the beneficiary and the best
/// transactions of the mempool (the core's `mempool::build_block`), then every pending record
/// that still fits (the core's `Node::candidate_block`).
pub fn mine_new_block(state: AppState) {
    if state.mining.get_untracked().is_some() {
        return;
    }
    let difficulty = state.settings.with_untracked(|s| s.difficulty);
    if Difficulty::new(difficulty).is_err() {
        state.notices.set(
            Notice::General,
            Some(format!("Difficulty {difficulty} is out of range")),
        );
        return;
    }
    let beneficiary = untrack(|| state.beneficiary()).address();
    let candidate = match state
        .ledger
        .with_untracked(|l| l.candidate_block(beneficiary, clock::now_ms(), difficulty))
    {
        Ok(c) => c,
        Err(e) => {
            // The panel shows this too and offers the repairs; nothing leaves the mempool.
            state.notices.set(Notice::General, Some(tip_words(&e)));
            return;
        }
    };
    start(
        state,
        candidate.block,
        MineTarget::NewBlock {
            included: candidate.records,
        },
    );
}

/// Re-mines the block at `index` (tamper mode): relinks it to its parent's current hash,
/// recomputes its entries root and searches a new nonce.
pub fn remine(state: AppState, index: usize) {
    if state.mining.get_untracked().is_some() {
        return;
    }
    let block = state.ledger.with_untracked(|l| l.remine_candidate(index));
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
    let use_workers = state
        .notices
        .with_untracked(Notice::WorkersUnavailable, Option::is_none);
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
    state.notices.set(Notice::General, None);
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
        MinerEvent::LaneBug { report } => {
            web_sys::console::error_1(&format!("miner: {report}").into());
            state.notices.set(Notice::LaneBug, Some(report));
        }
        MinerEvent::Exhausted { .. } => {
            state.mining.set(None);
            state.notices.set(
                Notice::General,
                Some("The whole nonce space was searched without a valid hash".into()),
            );
        }
        MinerEvent::Unavailable { reason } => {
            web_sys::console::warn_1(&format!("mining on the main thread: {reason}").into());
            state.notices.set(Notice::WorkersUnavailable, Some(reason));
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
            let mut result = Ok(());
            state
                .ledger
                .update(|l| result = l.accept_mined(block, included));
            match result {
                Ok(()) => {
                    state.notices.set(
                        Notice::LastMined,
                        Some(format!(
                            "Mined block with hash {hash:#} after {} in {elapsed_ms} ms on {}",
                            plural(attempts, "attempt", "attempts"),
                            workers_label(workers, state)
                        )),
                    );
                }
                Err(NotTaken::InvalidTip(e)) => {
                    state.notices.set(Notice::General, Some(tip_words(&e)));
                }
                Err(NotTaken::Refused(e)) => state.notices.set(
                    Notice::General,
                    Some(format!(
                        "{} (the chain changed while mining; mine again)",
                        capitalise(&e.to_string())
                    )),
                ),
            }
        }
        MineTarget::Remine { index } => {
            state.ledger.update(|l| {
                l.put_remined(index, block);
            });
            state.notices.set(
                Notice::LastMined,
                Some(format!("Re-mined block #{index}: new hash {hash:#}")),
            );
        }
    }
    state.notices.set(Notice::ValidationSummary, None);
}

/// Why no block can be mined on the tip, and what to do instead.
pub fn tip_words(e: &InvalidTip) -> String {
    let blocks = if e.first_invalid == e.tip {
        format!("block #{}", e.tip)
    } else {
        format!("blocks #{} to #{}", e.first_invalid, e.tip)
    };
    format!(
        "Cannot mine on this chain: {e}. A block mined on it would be invalid too, and the \
         transactions and records it took would vanish into it. Repair the chain (tamper mode: \
         undo the edit or re-mine the invalid blocks in order; or import a valid chain), or drop \
         {blocks} and mine on the valid prefix (their transactions and records wait again)."
    )
}

fn workers_label(workers: u32, state: AppState) -> String {
    if state
        .notices
        .with_untracked(Notice::WorkersUnavailable, Option::is_some)
    {
        "the main thread".into()
    } else {
        plural(u64::from(workers), "worker", "workers")
    }
}

thread_local! {
    static MAIN_THREAD: MainThreadMiner = MainThreadMiner::default();
}

fn main_thread() -> MainThreadMiner {
    MAIN_THREAD.with(MainThreadMiner::clone)
}

/// The fallback: [`MiningJob::search`] on the main thread in batches, yielding to the browser
/// every [`clock::SLICE_MS`] through `setTimeout`, so the page stays responsive.
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
        let end = clock::run_slice(|| match run.job.search(run.next_nonce, BATCH) {
            SearchOutcome::Found {
                nonce, attempts, ..
            } => {
                run.attempts += attempts;
                ControlFlow::Break(MinerEvent::Found {
                    nonce,
                    attempts: run.attempts,
                })
            }
            SearchOutcome::Exhausted { attempts } => {
                run.attempts += attempts;
                run.next_nonce = run.next_nonce.saturating_add(BATCH);
                if attempts < BATCH {
                    ControlFlow::Break(MinerEvent::Exhausted {
                        attempts: run.attempts,
                    })
                } else {
                    ControlFlow::Continue(())
                }
            }
        });
        if let Some(event) = end {
            (run.sink)(event);
            return;
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
