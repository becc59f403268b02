//! JSON-RPC over `fetch`: the core's [`Transport`] for the browser. Used only with a URL the
//! user typed on the Network screen; nothing else in the app makes a request.

use blocklab_core::rpc::{Transport, TransportError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `fetch` with a time limit (an `AbortController` fires after `timeout_ms`).
#[derive(Debug, Clone, Copy)]
pub struct FetchTransport {
    pub timeout_ms: u32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self { timeout_ms: 10_000 }
    }
}

fn js_detail(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "network error".to_owned())
}

fn is_abort(e: &JsValue) -> bool {
    e.dyn_ref::<web_sys::DomException>()
        .is_some_and(|d| d.name() == "AbortError")
}

impl FetchTransport {
    async fn send(&self, url: &str, body: String) -> Result<String, TransportError> {
        let unreachable = |e: &JsValue| TransportError::Unreachable {
            detail: js_detail(e),
        };
        let window = web_sys::window().ok_or(TransportError::Unreachable {
            detail: "no window".into(),
        })?;
        let controller = web_sys::AbortController::new().map_err(|e| unreachable(&e))?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_mode(web_sys::RequestMode::Cors);
        init.set_credentials(web_sys::RequestCredentials::Omit);
        init.set_cache(web_sys::RequestCache::NoStore);
        init.set_signal(Some(&controller.signal()));
        init.set_body(&JsValue::from_str(&body));
        let headers = web_sys::Headers::new().map_err(|e| unreachable(&e))?;
        headers
            .set("Content-Type", "application/json")
            .map_err(|e| unreachable(&e))?;
        init.set_headers(&headers);
        let request =
            web_sys::Request::new_with_str_and_init(url, &init).map_err(|e| unreachable(&e))?;
        let abort = wasm_bindgen::closure::Closure::once(move || controller.abort());
        let timer = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.as_ref().unchecked_ref(),
                i32::try_from(self.timeout_ms).unwrap_or(i32::MAX),
            )
            .ok();
        let timeout = TransportError::Timeout {
            ms: self.timeout_ms,
        };
        // A rejected fetch or body read: the abort timer's, or the network's.
        let failed = |e: JsValue| {
            if is_abort(&e) {
                timeout.clone()
            } else {
                unreachable(&e)
            }
        };
        let result = async {
            let response = JsFuture::from(window.fetch_with_request(&request))
                .await
                .map_err(failed)?;
            let response: web_sys::Response = response.dyn_into().map_err(|e| unreachable(&e))?;
            let text = JsFuture::from(response.text().map_err(|e| unreachable(&e))?)
                .await
                .map_err(failed)?
                .as_string()
                .unwrap_or_default();
            if response.ok() {
                Ok(text)
            } else {
                Err(TransportError::Http {
                    status: response.status(),
                    body: text.chars().take(200).collect(),
                })
            }
        }
        .await;
        if let Some(t) = timer {
            window.clear_timeout_with_handle(t);
        }
        drop(abort);
        result
    }
}

impl Transport for FetchTransport {
    fn post(
        &self,
        url: &str,
        body: String,
    ) -> impl std::future::Future<Output = Result<String, TransportError>> {
        let this = *self;
        let url = url.to_owned();
        async move { this.send(&url, body).await }
    }
}
