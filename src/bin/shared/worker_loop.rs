//! The event loop both worker binaries share (`miner.rs`, `sim.rs`; each includes this file
//! with `#[path]`, as neither links the app's library). A worker does its work in slices and
//! yields to its event loop between them by posting to a `MessageChannel` (no timer clamping),
//! so a message from the page is heard within one slice. It posts its Ready message once its
//! handlers are installed: anything the page posted earlier was lost.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

/// What a worker does on the loop.
pub trait Work {
    /// A message from the page (its text).
    fn on_message(&mut self, port: &mut Port, text: &str);
    /// One slice of work; it calls [`Port::schedule`] when more is left.
    fn tick(&mut self, port: &mut Port);
}

/// The worker's clock, its messages to the page, and the wake-up between slices.
pub struct Port {
    name: &'static str,
    scope: DedicatedWorkerGlobalScope,
    /// Posting to this port wakes `tick` as a fresh task (the yield between slices).
    wake: MessagePort,
    scheduled: bool,
}

impl Port {
    /// Milliseconds of the worker's clock.
    pub fn now(&self) -> f64 {
        self.scope
            .performance()
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    /// Posts a message to the page.
    pub fn post(&self, text: &str) {
        if let Err(e) = self.scope.post_message(&JsValue::from_str(text)) {
            web_sys::console::warn_2(
                &format!("{}: could not post a message", self.name).into(),
                &e,
            );
        }
    }

    /// Asks for another [`Work::tick`] after the messages already queued.
    pub fn schedule(&mut self) {
        if !self.scheduled {
            self.scheduled = self.wake.post_message(&JsValue::NULL).is_ok();
        }
    }
}

/// A console warning.
pub fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

/// Runs `work` on this worker's event loop and posts `ready` to the page. `name` prefixes the
/// warnings.
pub fn run<W: Work + 'static>(name: &'static str, work: W, ready: &str) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        warn(&format!("{name}: not running in a dedicated worker"));
        return;
    };
    let Ok(channel) = MessageChannel::new() else {
        warn(&format!("{name}: no MessageChannel"));
        return;
    };
    let port = Port {
        name,
        scope: scope.clone(),
        wake: channel.port2(),
        scheduled: false,
    };
    let state = Rc::new(RefCell::new((port, work)));

    let s = Rc::clone(&state);
    let on_wake = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        if let Ok(mut s) = s.try_borrow_mut() {
            let (port, work) = &mut *s;
            port.scheduled = false;
            work.tick(port);
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_wake.as_ref().unchecked_ref()));
    // The handlers live as long as the worker.
    on_wake.forget();

    let s = Rc::clone(&state);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Some(text) = ev.data().as_string() else {
            warn(&format!("{name}: ignored a message that is not a string"));
            return;
        };
        if let Ok(mut s) = s.try_borrow_mut() {
            let (port, work) = &mut *s;
            work.on_message(port, &text);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    // Only now can the worker hear messages: say so.
    if let Ok(s) = state.try_borrow() {
        s.0.post(ready);
    };
}
