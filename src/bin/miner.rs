//! The mining web worker (Trunk builds it as `miner_loader.js` + `miner.js` + `miner_bg.wasm`;
//! the page starts it with `new Worker("./miner_loader.js")`).
//!
//! It searches its nonce range in batches, four nonces per compression in simd128 lanes
//! (`blocklab_core::pow::lanes`; sha2's midstate loop in builds without simd128). A lane's hit
//! is re-hashed with sha2 before it is announced; a mismatch is posted as
//! [`FromWorker::LaneBug`] (never as a find) and the job goes on with sha2 alone. It works and yields to its
//! event loop every [`SLICE_MS`] through a `MessageChannel` (no timer clamping;
//! `shared/worker_loop.rs`), so a [`ToWorker::Stop`] or a new [`ToWorker::Start`] is heard
//! within one slice. Protocol: `blocklab_core::pow::protocol`. A malformed message is ignored
//! with a console warning.

#[path = "shared/worker_loop.rs"]
mod worker_loop;

use blocklab_core::block::HEADER_LEN;
use blocklab_core::pow::lanes::{search_fastest, LaneJob, LaneMismatch};
use blocklab_core::pow::protocol::{self, FromWorker, Kernel, ToWorker};
use blocklab_core::pow::{MiningJob, SearchOutcome};
use blocklab_core::Header;
use worker_loop::{warn, Port, Work};

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

#[derive(Default)]
struct Miner {
    run: Option<Run>,
}

fn post(port: &Port, msg: &FromWorker) {
    port.post(&protocol::encode(msg));
}

impl Work for Miner {
    fn on_message(&mut self, port: &mut Port, text: &str) {
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
                    let now = port.now();
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
                    port.schedule();
                }
                Err(e) => warn(&format!("miner: refused start of job {job}: {e}")),
            },
            Ok(ToWorker::Stop { job }) => {
                if let Some(run) = self.run.take_if(|r| r.job_id == job) {
                    post(
                        port,
                        &FromWorker::Stopped {
                            job,
                            attempts: run.attempts,
                        },
                    );
                }
            }
            Err(e) => warn(&format!("miner: ignored a message: {e}")),
        }
    }

    /// One slice of hashing, then yield.
    fn tick(&mut self, port: &mut Port) {
        let Some(mut run) = self.run.take() else {
            return;
        };
        let slice_start = port.now();
        let outcome = loop {
            let count = BATCH.min(run.end.saturating_sub(run.next));
            let searched = match run.kernel {
                Kernel::Lanes => search_fastest(&run.job, run.next, count),
                Kernel::Sha2 => Ok(run.job.job().search(run.next, count)),
            };
            let outcome = match searched {
                Ok(outcome) => outcome,
                Err(bug) => {
                    report_lane_bug(port, &mut run, &bug);
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
                        elapsed_ms: port.now() - run.started,
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
            if port.now() - slice_start >= SLICE_MS {
                break None;
            }
        };
        if let Some(done) = outcome {
            post(port, &done);
            return;
        }
        let now = port.now();
        if now - run.last_progress >= PROGRESS_MS {
            run.last_progress = now;
            post(
                port,
                &FromWorker::Progress {
                    job: run.job_id,
                    attempts: run.attempts,
                    elapsed_ms: now - run.started,
                },
            );
        }
        self.run = Some(run);
        port.schedule();
    }
}

/// A lane's hit failed sha2's re-check: report it and finish the job with sha2 alone.
fn report_lane_bug(port: &Port, run: &mut Run, bug: &LaneMismatch) {
    warn(&format!("miner: {bug}"));
    post(
        port,
        &FromWorker::LaneBug {
            job: run.job_id,
            report: bug.to_string(),
        },
    );
    run.kernel = Kernel::Sha2;
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

fn main() {
    let ready = protocol::encode(&FromWorker::Ready);
    worker_loop::run("miner", Miner::default(), &ready);
}
