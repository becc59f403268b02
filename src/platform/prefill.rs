//! "Try it": fills fields of a screen that is opening, by their `data-testid`, as if the learner
//! had typed (an `input` event follows each value, so the screen's own handlers run), then
//! moves the keyboard focus to the first of them. Screens loaded on demand appear a little
//! later: the fields are looked for every 50 ms for up to 5 s.

use std::time::Duration;

use wasm_bindgen::{JsCast, JsValue};

/// Fills `fields` (`data-testid`, value) once they exist, then focuses `focus` (a
/// `data-testid`) or else the first field.
pub fn fill_when_ready(fields: Vec<(&'static str, String)>, focus: Option<&'static str>) {
    try_fill(fields, focus, 100);
}

fn element(testid: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
}

fn try_fill(fields: Vec<(&'static str, String)>, focus: Option<&'static str>, tries: u32) {
    let wanted = fields.iter().map(|(id, _)| *id).chain(focus);
    if wanted.clone().all(|id| element(id).is_some()) {
        for (id, value) in &fields {
            if let Some(el) = element(id) {
                let _ = js_sys::Reflect::set(&el, &"value".into(), &JsValue::from_str(value));
                dispatch(&el, "input");
                dispatch(&el, "change");
            }
        }
        if let Some(el) = focus
            .or(fields.first().map(|(id, _)| *id))
            .and_then(element)
        {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    } else if tries > 0 {
        leptos::prelude::set_timeout(
            move || try_fill(fields, focus, tries - 1),
            Duration::from_millis(50),
        );
    }
}

/// Dispatches a bubbling event (Leptos listens on the document).
fn dispatch(el: &web_sys::Element, kind: &str) {
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"bubbles".into(), &JsValue::TRUE);
    let event = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"Event".into()).ok())
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .and_then(|c| js_sys::Reflect::construct(&c, &js_sys::Array::of2(&kind.into(), &init)).ok())
        .and_then(|e| e.dyn_into::<web_sys::Event>().ok());
    if let Some(event) = event {
        let _ = el.dispatch_event(&event);
    }
}
