//! The Monte Carlo web worker of the attack lab (Trunk builds it as `sim_loader.js` +
//! `sim.js` + `sim_bg.wasm`; the page starts it with `new Worker("./sim_loader.js")`).
//!
//! It runs the core's [`RaceSim`] in chunks and yields to its event loop every [`SLICE_MS`]
//! (`shared/worker_loop.rs`), so a Cancel is heard within one slice; progress is posted every
//! [`PROGRESS_MS`]. Protocol: `blocklab_core::attack::protocol`. A malformed message is
//! ignored with a console warning.

#[path = "shared/worker_loop.rs"]
mod worker_loop;

use blocklab_core::attack::double_spend::RaceSim;
use blocklab_core::attack::protocol::{self, FromSim, ToSim};
use worker_loop::{warn, Port, Work};

/// Races between clock reads.
const CHUNK: u64 = 4_096;
/// Longest stretch of racing before the worker looks at its messages again.
const SLICE_MS: f64 = 25.0;
/// How often progress is posted.
const PROGRESS_MS: f64 = 100.0;

struct Run {
    job: u64,
    sim: RaceSim,
    target: u64,
    started: f64,
    last_progress: f64,
}

#[derive(Default)]
struct Sim {
    run: Option<Run>,
}

fn post(port: &Port, msg: &FromSim) {
    port.post(&protocol::encode(msg));
}

impl Work for Sim {
    fn on_message(&mut self, port: &mut Port, text: &str) {
        match protocol::decode::<ToSim>(text) {
            Ok(ToSim::Start {
                job,
                q,
                z,
                trials,
                seed,
            }) => match RaceSim::new(q, z, seed) {
                Ok(sim) => {
                    let now = port.now();
                    self.run = Some(Run {
                        job,
                        sim,
                        target: trials,
                        started: now,
                        last_progress: now,
                    });
                    port.schedule();
                }
                Err(e) => post(
                    port,
                    &FromSim::Refused {
                        job,
                        message: e.to_string(),
                    },
                ),
            },
            Ok(ToSim::Cancel { job }) => {
                if let Some(run) = self.run.take_if(|r| r.job == job) {
                    let e = run.sim.estimate();
                    post(
                        port,
                        &FromSim::Cancelled {
                            job,
                            trials: e.trials,
                            successes: e.successes,
                        },
                    );
                }
            }
            Err(e) => warn(&format!("sim: ignored a message: {e}")),
        }
    }

    /// One slice of races, then yield.
    fn tick(&mut self, port: &mut Port) {
        let Some(mut run) = self.run.take() else {
            return;
        };
        let slice_start = port.now();
        loop {
            let left = run.target.saturating_sub(run.sim.trials());
            if left == 0 {
                let e = run.sim.estimate();
                post(
                    port,
                    &FromSim::Done {
                        job: run.job,
                        trials: e.trials,
                        successes: e.successes,
                        elapsed_ms: port.now() - run.started,
                    },
                );
                return;
            }
            run.sim.run(left.min(CHUNK));
            if port.now() - slice_start >= SLICE_MS {
                break;
            }
        }
        let now = port.now();
        if now - run.last_progress >= PROGRESS_MS {
            run.last_progress = now;
            let e = run.sim.estimate();
            post(
                port,
                &FromSim::Progress {
                    job: run.job,
                    trials: e.trials,
                    successes: e.successes,
                    elapsed_ms: now - run.started,
                },
            );
        }
        self.run = Some(run);
        port.schedule();
    }
}

fn main() {
    worker_loop::run("sim", Sim::default(), &protocol::encode(&FromSim::Ready));
}
