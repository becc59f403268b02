//! The mining web worker (Trunk builds it as `miner_loader.js` + `miner.js` + `miner_bg.wasm`;
//! the page starts it with `new Worker("./miner_loader.js")`).
//!
//! It searches its nonce range in batches, four nonces per compression in simd128 lanes
//! (`blocklab_core::pow::lanes`; sha2's midstate loop in builds without simd128). A lane's hit
//! is re-hashed with sha2 before it is announced; a mismatch is posted as
//! [`FromWorker::LaneBug`] (never as a find) and the job goes on with sha2 alone. It works and yields to its
//! event loop every [`SLICE_MS`] through a `MessageChannel` (no timer clamping), so a
//! [`ToWorker::Stop`] or a new [`ToWorker::Start`] is heard within one slice. Protocol:
//! `blocklab_core::pow::protocol`. A malformed message is ignored with a console warning.

use std::cell::RefCell;
use std::rc::Rc;

use blocklab_core::block::HEADER_LEN;
use blocklab_core::pow::lanes::{search_fastest, LaneJob, LaneMismatch};
use blocklab_core::pow::protocol::{self, FromWorker, Kernel, ToWorker};
use blocklab_core::pow::{MiningJob, SearchOutcome};
use blocklab_core::Header;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

/// Nonces between clock reads (about 2 ms at 16 MH/s).
const BATCH: u64 = 32_768;
/// Longest stretch of hashing before the worker looks at its messages again.
const SLICE_MS: f64 = 20.0;
/// How often progress is posted.
const PROGRESS_MS: f64 = 125.0;

struct Run {
    job_id: u64,
    job: LaneJob,
    kernel: Kernel,
    next: u64,
    end: u64,
    attempts: u64,
    started: f64,
    last_progress: f64,
}

struct Miner {
    scope: DedicatedWorkerGlobalScope,
    /// Posting to this port wakes `tick` as a fresh task (the yield between slices).
    wake: MessagePort,
    run: Option<Run>,
    scheduled: bool,
}

impl Miner {
    fn now(&self) -> f64 {
        self.scope
            .performance()
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    fn post(&self, msg: &FromWorker) {
        if let Err(e) = self
            .scope
            .post_message(&JsValue::from_str(&protocol::encode(msg)))
        {
            web_sys::console::warn_2(&"miner: could not post a message".into(), &e);
        }
    }

    fn schedule(&mut self) {
        if !self.scheduled {
            self.scheduled = self.wake.post_message(&JsValue::NULL).is_ok();
        }
    }

    fn on_message(&mut self, text: &str) {
        match protocol::decode::<ToWorker>(text) {
            Ok(ToWorker::Start {
                job,
                header,
                difficulty,
                start,
                end,
                kernel,
                planted_fault,
            }) => match parse_header(&header, difficulty) {
                Ok(h) => {
                    let now = self.now();
                    let mut lanes = LaneJob::new(MiningJob::new(&h));
                    if let Some(lane) = planted_fault {
                        lanes = lanes.with_planted_fault(usize::from(lane));
                    }
                    self.run = Some(Run {
                        job_id: job,
                        job: lanes,
                        kernel: kernel.unwrap_or(Kernel::Lanes),
                        next: start,
                        end: end.max(start),
                        attempts: 0,
                        started: now,
                        last_progress: now,
                    });
                    self.schedule();
                }
                Err(e) => warn(&format!("miner: refused start of job {job}: {e}")),
            },
            Ok(ToWorker::Stop { job }) => {
                if let Some(run) = self.run.take_if(|r| r.job_id == job) {
                    self.post(&FromWorker::Stopped {
                        job,
                        attempts: run.attempts,
                    });
                }
            }
            Err(e) => warn(&format!("miner: ignored a message: {e}")),
        }
    }

    /// A lane's hit failed sha2's re-check: report it and finish the job with sha2 alone.
    fn report_lane_bug(&self, run: &mut Run, bug: &LaneMismatch) {
        warn(&format!("miner: {bug}"));
        self.post(&FromWorker::LaneBug {
            job: run.job_id,
            report: bug.to_string(),
        });
        run.kernel = Kernel::Sha2;
    }

    /// One slice of hashing, then yield.
    fn tick(&mut self) {
        self.scheduled = false;
        let Some(mut run) = self.run.take() else {
            return;
        };
        let slice_start = self.now();
        let outcome = loop {
            let count = BATCH.min(run.end.saturating_sub(run.next));
            let searched = match run.kernel {
                Kernel::Lanes => search_fastest(&run.job, run.next, count),
                Kernel::Sha2 => Ok(run.job.job().search(run.next, count)),
            };
            let outcome = match searched {
                Ok(outcome) => outcome,
                Err(bug) => {
                    self.report_lane_bug(&mut run, &bug);
                    continue; // the same batch again, with sha2
                }
            };
            match outcome {
                SearchOutcome::Found {
                    nonce,
                    hash,
                    attempts,
                } => {
                    run.attempts += attempts;
                    break Some(FromWorker::Found {
                        job: run.job_id,
                        nonce,
                        hash: hash.to_string(),
                        attempts: run.attempts,
                        elapsed_ms: self.now() - run.started,
                    });
                }
                SearchOutcome::Exhausted { attempts } => {
                    run.attempts += attempts;
                    run.next += attempts;
                    if run.next >= run.end {
                        break Some(FromWorker::Exhausted {
                            job: run.job_id,
                            attempts: run.attempts,
                        });
                    }
                }
            }
            if self.now() - slice_start >= SLICE_MS {
                break None;
            }
        };
        if let Some(done) = outcome {
            self.post(&done);
            return;
        }
        let now = self.now();
        if now - run.last_progress >= PROGRESS_MS {
            run.last_progress = now;
            self.post(&FromWorker::Progress {
                job: run.job_id,
                attempts: run.attempts,
                elapsed_ms: now - run.started,
            });
        }
        self.run = Some(run);
        self.schedule();
    }
}

fn parse_header(hex_text: &str, difficulty: u32) -> Result<Header, String> {
    let mut bytes = [0u8; HEADER_LEN];
    hex::decode_to_slice(hex_text, &mut bytes).map_err(|e| e.to_string())?;
    let header = Header::decode(&bytes);
    if header.difficulty != difficulty {
        return Err(format!(
            "difficulty {difficulty} differs from the header's {}",
            header.difficulty
        ));
    }
    Ok(header)
}

fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        warn("miner: not running in a dedicated worker");
        return;
    };
    let Ok(channel) = MessageChannel::new() else {
        warn("miner: no MessageChannel");
        return;
    };
    let miner = Rc::new(RefCell::new(Miner {
        scope: scope.clone(),
        wake: channel.port2(),
        run: None,
        scheduled: false,
    }));

    let m = Rc::clone(&miner);
    let on_wake = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.tick();
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_wake.as_ref().unchecked_ref()));
    // The handlers live as long as the worker.
    on_wake.forget();

    let m = Rc::clone(&miner);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Some(text) = ev.data().as_string() else {
            warn("miner: ignored a message that is not a string");
            return;
        };
        if let Ok(mut m) = m.try_borrow_mut() {
            m.on_message(&text);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    // Only now can the worker hear messages: say so (anything posted earlier was lost).
    scope
        .post_message(&JsValue::from_str(&protocol::encode(&FromWorker::Ready)))
        .unwrap_or_else(|e| web_sys::console::warn_2(&"miner: could not post Ready".into(), &e));
}
