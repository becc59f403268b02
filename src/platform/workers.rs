//! Mining off the main thread: a pool of miner web workers (`src/bin/miner.rs`) behind the
//! small [`Miner`] trait, which the main-thread fallback (`state::mining`) implements too.
//!
//! Each worker searches its own slice of the nonce space ([`nonce_slice`]); the first valid
//! nonce wins, the others are told to stop at once and answer with their attempts, so the
//! reported total is every worker's work. The pool is created on the first search and kept
//! (workers are reused); it waits up to [`READY_TIMEOUT`] for the workers' Ready messages and
//! reports [`MinerEvent::Unavailable`] when no worker can run, so the caller can fall back.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use blocklab_core::persist::MAX_MINING_WORKERS;
use blocklab_core::pow::{meets, nonce_slice};
use blocklab_core::Header;
use leptos::prelude::set_timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use super::clock;
use blocklab_core::pow::protocol::{self, FromWorker, ToWorker};

/// The worker script Trunk writes (`data-bin="miner" data-type="worker" data-loader-shim`).
pub const WORKER_SCRIPT: &str = "./miner_loader.js";
/// How long workers may take to say Ready before the search starts without them.
pub const READY_TIMEOUT: Duration = Duration::from_millis(2000);
/// How long the winner waits for the other workers' final attempt counts.
const STOPPED_TIMEOUT: Duration = Duration::from_millis(250);
/// Least time between two progress reports to the caller.
const EMIT_MS: f64 = 100.0;

/// What one worker (or the main thread) has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkerStat {
    /// Nonces tried.
    pub attempts: u64,
    /// Hashes per second over the worker's time on the job.
    pub rate: f64,
}

/// What a [`Miner`] reports about a search.
#[derive(Debug, Clone, PartialEq)]
pub enum MinerEvent {
    /// Hashing runs on `workers` workers (1 for the main thread).
    Running { workers: u32 },
    /// Progress of each worker.
    Progress { workers: Vec<WorkerStat> },
    /// A valid nonce, after `attempts` tries by all workers together.
    Found { nonce: u64, attempts: u64 },
    /// The whole nonce space was tried.
    Exhausted { attempts: u64 },
    /// A worker's four-lane hit failed sha2's re-check (a bug report for the user; the nonce was
    /// not announced and the worker goes on with sha2).
    LaneBug { report: String },
    /// Workers cannot run here (the reason is for the user); nothing more follows.
    Unavailable { reason: String },
}

/// Where a [`Miner`] reports.
pub type EventSink = Rc<dyn Fn(MinerEvent)>;

/// Something that searches nonces for a header and reports through an [`EventSink`].
pub trait Miner {
    /// Searches nonces for `header` (at its difficulty) with up to `workers` workers,
    /// replacing any search already running.
    fn start(&self, header: &Header, workers: u32, sink: EventSink);
    /// Stops the running search at once; its sink hears nothing more.
    fn stop(&self);
}

/// One worker per logical core (`navigator.hardwareConcurrency`), 1 to
/// [`MAX_MINING_WORKERS`].
pub fn default_workers() -> u32 {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    if cores.is_finite() && cores >= 1.0 {
        (cores as u32).clamp(1, MAX_MINING_WORKERS)
    } else {
        1
    }
}

thread_local! {
    static POOL: WorkerPool = WorkerPool::default();
}

/// The page's worker pool (one per page, created empty; workers are spawned on first use).
pub fn pool() -> WorkerPool {
    POOL.with(WorkerPool::clone)
}

/// A pool of miner workers. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct WorkerPool {
    inner: Rc<RefCell<Pool>>,
}

#[derive(Default)]
struct Pool {
    slots: Vec<Slot>,
    next_slot_id: u64,
    next_job: u64,
    job: Option<Job>,
}

struct Slot {
    id: u64,
    worker: Worker,
    ready: bool,
    failed: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

struct Job {
    id: u64,
    header: Header,
    header_hex: String,
    sink: EventSink,
    /// Slot ids searching, in slice order; empty until dispatched.
    active: Vec<u64>,
    stats: Vec<WorkerStat>,
    /// Per active worker: it has stopped (found, exhausted or answered Stop).
    done: Vec<bool>,
    dispatched: bool,
    found: Option<u64>,
    last_emit: f64,
}

/// A report to deliver once the pool is no longer borrowed (the sink may call back).
type Delivery = Option<(EventSink, MinerEvent)>;

/// What handling a worker message asks for.
#[derive(Default)]
struct Step {
    delivery: Delivery,
    /// A find waits for the other workers' Stopped answers: arm the timeout for this job.
    await_stopped: Option<u64>,
}

impl From<Delivery> for Step {
    fn from(delivery: Delivery) -> Self {
        Self {
            delivery,
            await_stopped: None,
        }
    }
}

fn deliver(d: Delivery) {
    if let Some((sink, event)) = d {
        sink(event);
    }
}

fn post(worker: &Worker, msg: &ToWorker) -> bool {
    worker
        .post_message(&JsValue::from_str(&protocol::encode(msg)))
        .is_ok()
}

fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

impl WorkerPool {
    fn with<R>(&self, f: impl FnOnce(&mut Pool) -> R) -> Option<R> {
        match self.inner.try_borrow_mut() {
            Ok(mut p) => Some(f(&mut p)),
            Err(_) => {
                warn("worker pool: re-entered; event dropped");
                None
            }
        }
    }

    fn spawn(&self, pool: &mut Pool) -> Result<(), String> {
        let worker = Worker::new(WORKER_SCRIPT).map_err(|e| {
            e.dyn_ref::<js_sys::Error>().map_or_else(
                || "Worker is not available".to_owned(),
                |e| e.message().into(),
            )
        })?;
        let id = pool.next_slot_id;
        pool.next_slot_id += 1;
        let weak: Weak<RefCell<Pool>> = Rc::downgrade(&self.inner);
        let w = weak.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(inner) = w.upgrade() else { return };
            let pool = WorkerPool { inner };
            let Some(text) = ev.data().as_string() else {
                warn("worker pool: ignored a worker message that is not a string");
                return;
            };
            match protocol::decode::<FromWorker>(&text) {
                Ok(msg) => {
                    let Some(Step {
                        delivery,
                        await_stopped,
                    }) = pool.with(|p| p.on_message(id, msg))
                    else {
                        return;
                    };
                    if let Some(job) = await_stopped {
                        pool.arm_stopped_timeout(job);
                    }
                    deliver(delivery);
                }
                Err(e) => warn(&format!("worker pool: {e}")),
            }
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            ev.prevent_default();
            let Some(inner) = weak.upgrade() else { return };
            let pool = WorkerPool { inner };
            warn(&format!("worker pool: worker failed: {}", ev.message()));
            deliver(pool.with(|p| p.on_error(id)).flatten());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        pool.slots.push(Slot {
            id,
            worker,
            ready: false,
            failed: false,
            _on_message: on_message,
            _on_error: on_error,
        });
        Ok(())
    }

    /// After a find, reports it anyway if the other workers' final counts do not come.
    fn arm_stopped_timeout(&self, job: u64) {
        let weak = Rc::downgrade(&self.inner);
        set_timeout(
            move || {
                if let Some(inner) = weak.upgrade() {
                    let pool = WorkerPool { inner };
                    let d = pool.with(|p| p.finish_if(job, true)).flatten();
                    deliver(d);
                }
            },
            STOPPED_TIMEOUT,
        );
    }
}

impl Miner for WorkerPool {
    fn start(&self, header: &Header, workers: u32, sink: EventSink) {
        let workers = workers.clamp(1, MAX_MINING_WORKERS) as usize;
        let outcome = self.with(|p| {
            p.stop_job();
            p.slots.retain(|s| {
                if s.failed {
                    s.worker.terminate();
                }
                !s.failed
            });
            while p.slots.len() > workers {
                if let Some(s) = p.slots.pop() {
                    s.worker.terminate();
                }
            }
            while p.slots.len() < workers {
                self.spawn(p)?;
            }
            p.next_job += 1;
            let id = p.next_job;
            p.job = Some(Job {
                id,
                header: header.clone(),
                header_hex: hex::encode(header.encode()),
                sink: Rc::clone(&sink),
                active: Vec::new(),
                stats: Vec::new(),
                done: Vec::new(),
                dispatched: false,
                found: None,
                last_emit: 0.0,
            });
            Ok((id, p.try_dispatch(false)))
        });
        match outcome {
            None => {}
            Some(Err(reason)) => sink(MinerEvent::Unavailable { reason }),
            Some(Ok((id, d))) => {
                if d.is_none() {
                    // Not every worker is ready yet: start with whoever is, after a while.
                    let weak = Rc::downgrade(&self.inner);
                    set_timeout(
                        move || {
                            if let Some(inner) = weak.upgrade() {
                                let pool = WorkerPool { inner };
                                let d = pool
                                    .with(|p| {
                                        if p.job.as_ref().is_some_and(|j| j.id == id) {
                                            p.try_dispatch(true)
                                        } else {
                                            None
                                        }
                                    })
                                    .flatten();
                                deliver(d);
                            }
                        },
                        READY_TIMEOUT,
                    );
                }
                deliver(d);
            }
        }
    }

    fn stop(&self) {
        self.with(Pool::stop_job);
    }
}

impl Pool {
    fn slot(&self, id: u64) -> Option<&Slot> {
        self.slots.iter().find(|s| s.id == id)
    }

    /// Tells the running job's workers to stop and forgets the job.
    fn stop_job(&mut self) {
        if let Some(job) = self.job.take() {
            for (pos, sid) in job.active.iter().enumerate() {
                if job.done.get(pos) == Some(&false) {
                    if let Some(s) = self.slot(*sid) {
                        post(&s.worker, &ToWorker::Stop { job: job.id });
                    }
                }
            }
        }
    }

    /// Starts the job on the ready workers once every worker is ready or failed (or, with
    /// `timed_out`, on whoever is ready). Reports `Unavailable` when none is.
    fn try_dispatch(&mut self, timed_out: bool) -> Delivery {
        let job = self.job.as_ref()?;
        if job.dispatched {
            return None;
        }
        let all_settled = self.slots.iter().all(|s| s.ready || s.failed);
        if !all_settled && !timed_out {
            return None;
        }
        let ready: Vec<u64> = self
            .slots
            .iter()
            .filter(|s| s.ready && !s.failed)
            .map(|s| s.id)
            .collect();
        let sink = Rc::clone(&job.sink);
        if ready.is_empty() {
            self.job = None;
            let reason = if timed_out {
                "the miner workers did not start within 2 s"
            } else {
                "the miner workers failed to load"
            };
            return Some((
                sink,
                MinerEvent::Unavailable {
                    reason: reason.into(),
                },
            ));
        }
        // Workers that never became ready are dropped (respawned on the next search).
        self.slots.retain(|s| {
            let keep = s.ready && !s.failed;
            if !keep {
                s.worker.terminate();
            }
            keep
        });
        let count = ready.len() as u32;
        let (id, header_hex, difficulty) = (job.id, job.header_hex.clone(), job.header.difficulty);
        for (i, sid) in ready.iter().enumerate() {
            let (start, end) = nonce_slice(i as u32, count);
            let msg = ToWorker::Start {
                job: id,
                header: header_hex.clone(),
                difficulty,
                start,
                end,
                kernel: None,
                planted_fault: None,
            };
            if !self.slot(*sid).is_some_and(|s| post(&s.worker, &msg)) {
                self.stop_job();
                return Some((
                    sink,
                    MinerEvent::Unavailable {
                        reason: "a message could not be posted to a miner worker".into(),
                    },
                ));
            }
        }
        let job = self.job.as_mut()?;
        job.dispatched = true;
        job.stats = vec![WorkerStat::default(); ready.len()];
        job.done = vec![false; ready.len()];
        job.active = ready;
        job.last_emit = clock::perf_ms();
        Some((sink, MinerEvent::Running { workers: count }))
    }

    fn on_error(&mut self, slot_id: u64) -> Delivery {
        let slot = self.slots.iter_mut().find(|s| s.id == slot_id)?;
        slot.failed = true;
        let job = self.job.as_ref()?;
        if !job.dispatched {
            return self.try_dispatch(false);
        }
        if job.active.contains(&slot_id) && job.found.is_none() {
            // Its slice would go unsearched: give up on workers for this search.
            let sink = Rc::clone(&job.sink);
            self.stop_job();
            return Some((
                sink,
                MinerEvent::Unavailable {
                    reason: "a miner worker failed while searching".into(),
                },
            ));
        }
        None
    }

    fn on_message(&mut self, slot_id: u64, msg: FromWorker) -> Step {
        if let FromWorker::Ready = msg {
            if let Some(s) = self.slots.iter_mut().find(|s| s.id == slot_id) {
                s.ready = true;
            }
            return self.try_dispatch(false).into();
        }
        let Some(job) = self.job.as_mut() else {
            return Step::default();
        };
        let Some(pos) = job.active.iter().position(|&s| s == slot_id) else {
            return Step::default();
        };
        match msg {
            FromWorker::Ready => Step::default(),
            FromWorker::Progress {
                job: id,
                attempts,
                elapsed_ms,
            } if id == job.id => {
                job.stats[pos] = WorkerStat {
                    attempts,
                    rate: rate(attempts, elapsed_ms),
                };
                let now = clock::perf_ms();
                if job.found.is_some() || now - job.last_emit < EMIT_MS {
                    return Step::default();
                }
                job.last_emit = now;
                Some((
                    Rc::clone(&job.sink),
                    MinerEvent::Progress {
                        workers: job.stats.clone(),
                    },
                ))
                .into()
            }
            FromWorker::Found {
                job: id,
                nonce,
                attempts,
                elapsed_ms,
                ..
            } if id == job.id => {
                let mut h = job.header.clone();
                h.nonce = nonce;
                if !meets(&h.hash(), h.difficulty) {
                    warn(&format!("worker pool: ignored an invalid nonce {nonce}"));
                    return Step::default();
                }
                job.stats[pos] = WorkerStat {
                    attempts,
                    rate: rate(attempts, elapsed_ms),
                };
                job.done[pos] = true;
                if job.found.is_some() {
                    return Step::default(); // a second find: the first one wins
                }
                job.found = Some(nonce);
                let id = job.id;
                for (i, sid) in job.active.iter().enumerate() {
                    if !job.done[i] {
                        if let Some(s) = self.slots.iter().find(|s| s.id == *sid) {
                            post(&s.worker, &ToWorker::Stop { job: id });
                        }
                    }
                }
                let delivery = self.finish_if(id, false);
                let await_stopped = delivery.is_none().then_some(id);
                Step {
                    delivery,
                    await_stopped,
                }
            }
            FromWorker::LaneBug { job: id, report } if id == job.id => {
                Some((Rc::clone(&job.sink), MinerEvent::LaneBug { report })).into()
            }
            FromWorker::Exhausted { job: id, attempts }
            | FromWorker::Stopped { job: id, attempts }
                if id == job.id =>
            {
                job.stats[pos].attempts = attempts;
                job.done[pos] = true;
                if job.found.is_some() {
                    return self.finish_if(id, false).into();
                }
                if job.done.iter().all(|&d| d) {
                    let total = job.stats.iter().map(|s| s.attempts).sum();
                    let sink = Rc::clone(&job.sink);
                    self.job = None;
                    return Some((sink, MinerEvent::Exhausted { attempts: total })).into();
                }
                Step::default()
            }
            _ => Step::default(), // a message of an older job
        }
    }

    /// Reports the find once every worker has stopped (or `force`, after a timeout).
    fn finish_if(&mut self, job_id: u64, force: bool) -> Delivery {
        let job = self.job.as_ref()?;
        let nonce = job.found?;
        if job.id != job_id || !(force || job.done.iter().all(|&d| d)) {
            return None;
        }
        let attempts = job.stats.iter().map(|s| s.attempts).sum();
        let sink = Rc::clone(&job.sink);
        self.job = None;
        Some((sink, MinerEvent::Found { nonce, attempts }))
    }
}

fn rate(attempts: u64, elapsed_ms: f64) -> f64 {
    if elapsed_ms > 0.0 {
        attempts as f64 * 1000.0 / elapsed_ms
    } else {
        0.0
    }
}
