//! Cross-tab mutual exclusion through the Web Locks API (`navigator.locks.request`): what runs
//! under a lock runs in no other tab of this origin at the same time. The tabs' saves take one
//! so that a save's read of another tab's snapshot and its own write are never interleaved
//! with another tab's save (localStorage has no compare-and-set). Where the API is missing, the
//! work runs at once, unlocked.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Runs `work` holding the exclusive lock `name` (later, once granted; at once without the
/// API).
pub fn exclusive(name: &str, work: impl FnOnce() + 'static) {
    let Some((locks, request)) = lock_manager() else {
        work();
        return;
    };
    let work = Rc::new(RefCell::new(Some(work)));
    let granted = Rc::clone(&work);
    // Called once by the browser with the granted lock; returning releases it.
    let callback = Closure::once_into_js(move |_lock: JsValue| {
        if let Some(work) = granted.borrow_mut().take() {
            work();
        }
    });
    if request
        .call2(&locks, &JsValue::from_str(name), &callback)
        .is_err()
    {
        // The request itself failed (e.g. a detached document): run unlocked.
        if let Some(work) = work.borrow_mut().take() {
            work();
        }
    }
}

fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}
