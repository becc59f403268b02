//! Other tabs of this site over a `BroadcastChannel`, behind the small [`PeerChannel`] trait
//! (the core's [`blocklab_core::peer`] never sees web-sys).

use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// The channel every tab of the site joins.
pub const CHANNEL_NAME: &str = "blocklab.peers";
/// The channel of proof-of-stake networks shared across tabs.
pub const POS_CHANNEL_NAME: &str = "blocklab.pos";

/// Where encoded peer messages are posted.
pub trait PeerChannel {
    /// Posts one encoded message to every other tab.
    ///
    /// # Errors
    /// A sentence saying why the message could not be posted.
    fn post(&self, text: &str) -> Result<(), String>;
}

/// What arrived on the channel, before the core decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A text message (decoded by the core, which refuses malformed ones).
    Text(String),
    /// Anything else (an object, a number, a blob): dropped; the type is for the log.
    NotText(String),
}

/// A joined `BroadcastChannel`. Dropping it closes the channel.
pub struct Broadcast {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Broadcast {
    /// Joins [`CHANNEL_NAME`]; `on_message` hears every message another tab (or script) posts.
    ///
    /// # Errors
    /// A sentence when this browser offers no `BroadcastChannel` (then the tab has no peers).
    pub fn open(on_message: impl Fn(Incoming) + 'static) -> Result<Self, String> {
        Self::open_named(CHANNEL_NAME, on_message)
    }

    /// Joins the channel `name` (the proof-of-stake lab has its own, [`POS_CHANNEL_NAME`]).
    ///
    /// # Errors
    /// A sentence when this browser offers no `BroadcastChannel`.
    pub fn open_named(name: &str, on_message: impl Fn(Incoming) + 'static) -> Result<Self, String> {
        let has_channel = web_sys::window()
            .and_then(|w| js_sys::Reflect::has(&w, &JsValue::from_str("BroadcastChannel")).ok())
            .unwrap_or(false);
        if !has_channel {
            return Err(
                "this browser offers no BroadcastChannel: other tabs cannot be reached".into(),
            );
        }
        let channel = web_sys::BroadcastChannel::new(name)
            .map_err(|e| format!("the peer channel could not be opened ({e:?})"))?;
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                match data.as_string() {
                    Some(text) => on_message(Incoming::Text(text)),
                    None => on_message(Incoming::NotText(
                        data.js_typeof()
                            .as_string()
                            .unwrap_or_else(|| "unknown".into()),
                    )),
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Self {
            channel,
            _on_message: on_message,
        })
    }
}

impl PeerChannel for Broadcast {
    fn post(&self, text: &str) -> Result<(), String> {
        self.channel
            .post_message(&JsValue::from_str(text))
            .map_err(|e| format!("a message to the other tabs could not be posted ({e:?})"))
    }
}

impl Drop for Broadcast {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
