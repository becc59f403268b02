//! The page's side of the Monte Carlo worker (`src/bin/sim.rs`, messages in
//! [`blocklab_core::attack::protocol`]): spawned on first use; a message sent before the
//! worker's Ready is held (only the latest) and sent when it is ready.

use std::cell::RefCell;
use std::rc::Rc;

use blocklab_core::attack::protocol::{self, FromSim, ToSim};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The worker script Trunk writes (`data-bin="sim" data-type="worker" data-loader-shim`).
pub const SIM_SCRIPT: &str = "./sim_loader.js";

struct Inner {
    ready: bool,
    held: Option<String>,
}

/// A running simulation worker; dropping it terminates the worker.
pub struct SimWorker {
    worker: Worker,
    inner: Rc<RefCell<Inner>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

fn post(worker: &Worker, text: &str) {
    if let Err(e) = worker.post_message(&JsValue::from_str(text)) {
        web_sys::console::warn_2(&"sim worker: could not post a message".into(), &e);
    }
}

impl SimWorker {
    /// Starts the worker; `on_event` hears its messages (after Ready), `on_error` a failure
    /// in words.
    ///
    /// # Errors
    /// Workers are not available here (the sentence is for the user).
    pub fn spawn(
        on_event: impl Fn(FromSim) + 'static,
        on_error: impl Fn(String) + 'static,
    ) -> Result<Self, String> {
        let worker = Worker::new(SIM_SCRIPT).map_err(|e| {
            e.dyn_ref::<js_sys::Error>().map_or_else(
                || "web workers are not available".to_owned(),
                |e| e.message().into(),
            )
        })?;
        let inner = Rc::new(RefCell::new(Inner {
            ready: false,
            held: None,
        }));
        let (w, i) = (worker.clone(), Rc::clone(&inner));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            match protocol::decode::<FromSim>(&text) {
                Ok(FromSim::Ready) => {
                    let held = i.try_borrow_mut().ok().and_then(|mut inner| {
                        inner.ready = true;
                        inner.held.take()
                    });
                    if let Some(text) = held {
                        post(&w, &text);
                    }
                }
                Ok(msg) => on_event(msg),
                Err(e) => web_sys::console::warn_1(&format!("sim worker: {e}").into()),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            on_error(format!("the simulation worker failed: {}", ev.message()));
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            inner,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends a message (held until the worker is ready).
    pub fn send(&self, msg: &ToSim) {
        let text = protocol::encode(msg);
        let Ok(mut inner) = self.inner.try_borrow_mut() else {
            return;
        };
        if inner.ready {
            post(&self.worker, &text);
        } else {
            inner.held = Some(text);
        }
    }
}

impl Drop for SimWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
