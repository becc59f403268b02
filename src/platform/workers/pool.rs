//! The pool's bookkeeping: its workers' slots, the running job, and what each worker message
//! does to them (dispatch of nonce slices, progress, the first find wins, stop and count).

use std::rc::Rc;

use blocklab_core::pow::protocol::{self, FromWorker, ToWorker};
use blocklab_core::pow::{meets, nonce_slice};
use blocklab_core::Header;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use super::events::{EventSink, MinerEvent, WorkerStat};
use crate::platform::clock;

/// Least time between two progress reports to the caller.
const EMIT_MS: f64 = 100.0;

#[derive(Default)]
pub(super) struct Pool {
    pub(super) slots: Vec<Slot>,
    pub(super) next_slot_id: u64,
    pub(super) next_job: u64,
    pub(super) job: Option<Job>,
}

pub(super) struct Slot {
    pub(super) id: u64,
    pub(super) worker: Worker,
    pub(super) ready: bool,
    pub(super) failed: bool,
    pub(super) _on_message: Closure<dyn FnMut(MessageEvent)>,
    pub(super) _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

pub(super) struct Job {
    pub(super) id: u64,
    pub(super) header: Header,
    pub(super) header_hex: String,
    pub(super) sink: EventSink,
    /// Slot ids searching, in slice order; empty until dispatched.
    pub(super) active: Vec<u64>,
    pub(super) stats: Vec<WorkerStat>,
    /// Per active worker: it has stopped (found, exhausted or answered Stop).
    pub(super) done: Vec<bool>,
    pub(super) dispatched: bool,
    pub(super) found: Option<u64>,
    pub(super) last_emit: f64,
}

/// A report to deliver once the pool is no longer borrowed (the sink may call back).
pub(super) type Delivery = Option<(EventSink, MinerEvent)>;

/// What handling a worker message asks for.
#[derive(Default)]
pub(super) struct Step {
    pub(super) delivery: Delivery,
    /// A find waits for the other workers' Stopped answers: arm the timeout for this job.
    pub(super) await_stopped: Option<u64>,
}

impl From<Delivery> for Step {
    fn from(delivery: Delivery) -> Self {
        Self {
            delivery,
            await_stopped: None,
        }
    }
}

pub(super) fn deliver(d: Delivery) {
    if let Some((sink, event)) = d {
        sink(event);
    }
}

pub(super) fn post(worker: &Worker, msg: &ToWorker) -> bool {
    worker
        .post_message(&JsValue::from_str(&protocol::encode(msg)))
        .is_ok()
}

pub(super) fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

impl Pool {
    pub(super) fn slot(&self, id: u64) -> Option<&Slot> {
        self.slots.iter().find(|s| s.id == id)
    }

    /// Tells the running job's workers to stop and forgets the job.
    pub(super) fn stop_job(&mut self) {
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
    pub(super) fn try_dispatch(&mut self, timed_out: bool) -> Delivery {
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

    pub(super) fn on_error(&mut self, slot_id: u64) -> Delivery {
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

    pub(super) fn on_message(&mut self, slot_id: u64, msg: FromWorker) -> Step {
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
    pub(super) fn finish_if(&mut self, job_id: u64, force: bool) -> Delivery {
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
