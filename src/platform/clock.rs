//! Time from the browser (the core never reads a clock), and the one time-slice helper.

use core::ops::ControlFlow;

/// How long one slice of main-thread work may run before the page gets the thread back.
pub const SLICE_MS: f64 = 8.0;

/// Runs `step` again and again (at least once) for at most [`SLICE_MS`] of the main thread;
/// stops early when it breaks, and returns the break value (`None`: the slice ran out).
pub fn run_slice<B>(mut step: impl FnMut() -> ControlFlow<B>) -> Option<B> {
    let start = perf_ms();
    loop {
        if let ControlFlow::Break(b) = step() {
            return Some(b);
        }
        if perf_ms() - start >= SLICE_MS {
            return None;
        }
    }
}

/// Milliseconds since the Unix epoch (`Date.now()`).
pub fn now_ms() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

/// A monotonic high-resolution time in milliseconds (`performance.now()`), for measuring.
pub fn perf_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Waits `ms` milliseconds (a `setTimeout` promise); returns at once without a window.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        } else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
