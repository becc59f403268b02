//! The Monte Carlo web worker of the Attack lab (Trunk builds it as `sim_loader.js` +
//! `sim.js` + `sim_bg.wasm`; the page starts it with `new Worker("./sim_loader.js")`).
//!
//! It runs the core's [`RaceSim`] in chunks and yields to its event loop every [`SLICE_MS`]
//! through a `MessageChannel`, so a Cancel is heard within one slice; progress is posted every
//! [`PROGRESS_MS`]. Protocol: `src/platform/sim_protocol.rs`.

#[path = "../platform/sim_protocol.rs"]
mod protocol;

use std::cell::RefCell;
use std::rc::Rc;

use blocklab_core::attack::double_spend::RaceSim;
use protocol::{FromSim, ToSim};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

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

struct Sim {
    scope: DedicatedWorkerGlobalScope,
    wake: MessagePort,
    run: Option<Run>,
    scheduled: bool,
}

impl Sim {
    fn now(&self) -> f64 {
        self.scope
            .performance()
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    fn post(&self, msg: &FromSim) {
        if let Err(e) = self
            .scope
            .post_message(&JsValue::from_str(&protocol::encode(msg)))
        {
            web_sys::console::warn_2(&"sim: could not post a message".into(), &e);
        }
    }

    fn schedule(&mut self) {
        if !self.scheduled {
            self.scheduled = self.wake.post_message(&JsValue::NULL).is_ok();
        }
    }

    fn on_message(&mut self, text: &str) {
        match protocol::decode::<ToSim>(text) {
            Ok(ToSim::Start {
                job,
                q,
                z,
                trials,
                seed,
            }) => match RaceSim::new(q, z, seed) {
                Ok(sim) => {
                    let now = self.now();
                    self.run = Some(Run {
                        job,
                        sim,
                        target: trials,
                        started: now,
                        last_progress: now,
                    });
                    self.schedule();
                }
                Err(e) => self.post(&FromSim::Refused {
                    job,
                    message: e.to_string(),
                }),
            },
            Ok(ToSim::Cancel { job }) => {
                if let Some(run) = self.run.take_if(|r| r.job == job) {
                    let e = run.sim.estimate();
                    self.post(&FromSim::Cancelled {
                        job,
                        trials: e.trials,
                        successes: e.successes,
                    });
                }
            }
            Err(e) => warn(&format!("sim: ignored a message: {e}")),
        }
    }

    /// One slice of races, then yield.
    fn tick(&mut self) {
        self.scheduled = false;
        let Some(mut run) = self.run.take() else {
            return;
        };
        let slice_start = self.now();
        loop {
            let left = run.target.saturating_sub(run.sim.trials());
            if left == 0 {
                let e = run.sim.estimate();
                self.post(&FromSim::Done {
                    job: run.job,
                    trials: e.trials,
                    successes: e.successes,
                    elapsed_ms: self.now() - run.started,
                });
                return;
            }
            run.sim.run(left.min(CHUNK));
            if self.now() - slice_start >= SLICE_MS {
                break;
            }
        }
        let now = self.now();
        if now - run.last_progress >= PROGRESS_MS {
            run.last_progress = now;
            let e = run.sim.estimate();
            self.post(&FromSim::Progress {
                job: run.job,
                trials: e.trials,
                successes: e.successes,
                elapsed_ms: now - run.started,
            });
        }
        self.run = Some(run);
        self.schedule();
    }
}

fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        warn("sim: not running in a dedicated worker");
        return;
    };
    let Ok(channel) = MessageChannel::new() else {
        warn("sim: no MessageChannel");
        return;
    };
    let sim = Rc::new(RefCell::new(Sim {
        scope: scope.clone(),
        wake: channel.port2(),
        run: None,
        scheduled: false,
    }));

    let s = Rc::clone(&sim);
    let on_wake = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.tick();
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_wake.as_ref().unchecked_ref()));
    on_wake.forget();

    let s = Rc::clone(&sim);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Some(text) = ev.data().as_string() else {
            warn("sim: ignored a message that is not a string");
            return;
        };
        if let Ok(mut s) = s.try_borrow_mut() {
            s.on_message(&text);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    scope
        .post_message(&JsValue::from_str(&protocol::encode(&FromSim::Ready)))
        .unwrap_or_else(|e| web_sys::console::warn_2(&"sim: could not post Ready".into(), &e));
}
