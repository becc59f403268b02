//! The node explorer's state: one [`Client`] per connected URL (its cache lives as long as the
//! connection), whether the page is visible (polling stops while it is hidden), and a helper
//! that runs a read and puts its result in a signal.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use blocklab_core::rpc::client::Client;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::platform::rpc::FetchTransport;

/// The client of the connected node.
pub type NodeClient = Rc<Client<FetchTransport>>;

thread_local! {
    static CLIENT: RefCell<Option<NodeClient>> = const { RefCell::new(None) };
}

/// The client of the node at `url`: the same one (and its cache) while the URL is the same.
///
/// # Errors
/// The URL's problem, in words.
pub fn client(url: &str) -> Result<NodeClient, String> {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(existing) = c.as_ref().filter(|e| e.url() == url) {
            return Ok(Rc::clone(existing));
        }
        let fresh = Rc::new(
            Client::new(FetchTransport::default(), url).map_err(blocklab_core::words::err)?,
        );
        *c = Some(Rc::clone(&fresh));
        Ok(fresh)
    })
}

/// Whether the page is shown (`document.hidden` is false): polling waits otherwise.
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| js_sys::Reflect::get(&d, &JsValue::from_str("hidden")).ok())
        .and_then(|h| h.as_bool())
        .is_none_or(|hidden| !hidden)
}

/// Runs `read` and puts its result into `into` (nothing happens if the page was left).
pub fn load<T: Send + Sync + 'static>(
    into: RwSignal<Option<T>>,
    read: impl Future<Output = T> + 'static,
) {
    leptos::task::spawn_local(async move {
        let v = read.await;
        into.try_set(Some(v));
    });
}
