//! Mining off the main thread: a pool of miner web workers (`src/bin/miner.rs`) behind the
//! small [`Miner`] trait, which the main-thread fallback (`state::mining`) implements too
//! (its events in `workers/events.rs`, the pool's bookkeeping in `workers/pool.rs`).
//!
//! Each worker searches its own slice of the nonce space
//! ([`blocklab_core::pow::nonce_slice`]); the first valid nonce wins, the others are told to
//! stop at once and answer with their attempts, so the reported total is every worker's work.
//! The pool is created on the first search and kept (workers are reused); it waits up to
//! [`READY_TIMEOUT`] for the workers' Ready messages and reports [`MinerEvent::Unavailable`]
//! when no worker can run, so the caller can fall back.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use blocklab_core::persist::MAX_MINING_WORKERS;
use blocklab_core::Header;
use leptos::prelude::set_timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use blocklab_core::pow::protocol::{self, FromWorker};

mod events;
mod pool;

pub use events::{EventSink, Miner, MinerEvent, WorkerStat};
use pool::{deliver, warn, Job, Pool, Slot, Step};

/// The worker script Trunk writes (`data-bin="miner" data-type="worker" data-loader-shim`).
pub const WORKER_SCRIPT: &str = "./miner_loader.js";
/// How long workers may take to say Ready before the search starts without them.
pub const READY_TIMEOUT: Duration = Duration::from_millis(2000);
/// How long the winner waits for the other workers' final attempt counts.
const STOPPED_TIMEOUT: Duration = Duration::from_millis(250);

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
