//! The proof-of-stake lab across browser tabs: the page's side of the core's
//! [`blocklab_core::pos::tabs`] over its own `BroadcastChannel`. The tab listens once the lab
//! opens (to list networks other tabs share); sharing and joining hand the rules to the core's
//! [`TabBridge`], and a heartbeat keeps the status flowing (and silent tabs dropped) even while
//! the run is paused. `bye` goes out on `pagehide`.

use std::time::Duration;

use blocklab_core::pos::tabs::{tab_name, Offer, Setup, TabBridge, Wire, PEER_TIMEOUT_MS};
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::state::PosState;
use crate::platform::broadcast::{Broadcast, Incoming, PeerChannel, POS_CHANNEL_NAME};
use crate::platform::{clock, random};

/// How often a shared network's heartbeat runs.
const HEARTBEAT: Duration = Duration::from_millis(250);

impl PosState {
    /// Opens the channel (once) and listens: offers while alone, the bridge's traffic once
    /// shared. Says why when this browser has no channel.
    pub(super) fn listen(self) {
        if self.channel.with_value(Option::is_some) {
            return;
        }
        match Broadcast::open_named(POS_CHANNEL_NAME, move |m| self.incoming(m)) {
            Ok(c) => {
                self.channel.set_value(Some(c));
                let on_hide = Closure::<dyn Fn()>::new(move || self.unshare());
                if let Some(w) = web_sys::window() {
                    let _ = w.add_event_listener_with_callback(
                        "pagehide",
                        on_hide.as_ref().unchecked_ref(),
                    );
                }
                // Lives as long as the page.
                on_hide.forget();
            }
            Err(e) => self.fail(format!("Other tabs cannot be reached: {e}")),
        }
    }

    fn incoming(self, m: Incoming) {
        let now = clock::perf_ms();
        let text = match m {
            Incoming::Text(t) => t,
            Incoming::NotText(kind) => {
                self.note(format!(
                    "a message from another tab was refused: a {kind}, not text"
                ));
                return;
            }
        };
        if self.bridge.with_untracked(Option::is_some) {
            self.net.update_untracked(|net| {
                let Some(net) = net else { return };
                self.bridge.update_untracked(|b| {
                    if let Some(b) = b {
                        b.receive(&text, now, net);
                    }
                });
            });
            // Another tab's phase may let this one go on at once.
            self.work();
            return;
        }
        match Wire::decode(&text) {
            Ok(Wire::Status { .. }) => {
                if let Some(offer) = Offer::read(&text) {
                    self.offers.update(|offers| {
                        offers.retain(|(o, at)| o.tab != offer.tab && now - at < PEER_TIMEOUT_MS);
                        offers.push((offer, now));
                    });
                }
            }
            Ok(Wire::Bye { tab }) => self.offers.update(|o| o.retain(|(o, _)| o.tab != tab)),
            // Traffic of networks this tab has not joined, or noise: nothing to do.
            _ => {}
        }
    }

    fn note(self, line: String) {
        self.net.update(|net| {
            if let Some(net) = net {
                net.note(line);
            }
        });
    }

    pub(super) fn post(self, texts: &[String]) {
        if texts.is_empty() {
            return;
        }
        let failed = self.channel.with_value(|c| {
            let c = c.as_ref()?;
            texts.iter().find_map(|t| c.post(t).err())
        });
        if let Some(e) = failed {
            self.fail(format!("Other tabs could not be told: {e}"));
        }
    }

    /// Networks other tabs share, heard from recently.
    pub fn live_offers(self) -> Vec<Offer> {
        let now = clock::perf_ms();
        self.offers.with(|o| {
            o.iter()
                .filter(|(_, at)| now - at < PEER_TIMEOUT_MS)
                .map(|(o, _)| *o)
                .collect()
        })
    }

    fn tab_id() -> Option<u64> {
        random::bytes::<8>().ok().map(u64::from_be_bytes)
    }

    /// Shares this tab's network with the other tabs.
    pub fn share(self) {
        self.listen();
        let Some(me) = Self::tab_id() else {
            return self.fail("This browser gave no random number for the tab's id".into());
        };
        let Some(setup) = self.setup() else {
            return self.fail("Start a network first".into());
        };
        let mut bridge = None;
        self.net.update(|net| {
            if let Some(net) = net {
                bridge = Some(TabBridge::share(me, setup, net));
            }
        });
        self.bridge.set(bridge);
        self.start_heartbeat();
        self.ok(format!("Shared as tab {}: open this site in another tab, choose Proof of stake there and join; it will sign for half of this tab's validators", tab_name(me)));
    }

    /// The setup of the running network, as another tab rebuilds it.
    fn setup(self) -> Option<Setup> {
        self.net.with_untracked(|n| {
            let n = n.as_ref()?;
            Some(Setup {
                validators: u32::try_from(n.genesis_validators()).ok()?,
                slots_per_epoch: n.params().slots_per_epoch,
            })
        })
    }

    /// Joins the network another tab shares, with this tab's typed number of nodes.
    pub fn join(self, offer: Offer) {
        self.listen();
        self.unshare();
        let Some(me) = Self::tab_id() else {
            return self.fail("This browser gave no random number for the tab's id".into());
        };
        let nodes = self.nodes.get_untracked().trim().parse().unwrap_or(4);
        match TabBridge::join(me, &offer, nodes, clock::perf_ms()) {
            Ok((bridge, net)) => {
                self.net.set(Some(net));
                self.bridge.set(Some(bridge));
                self.offline_third.set(false);
                self.split.set(false);
                self.validators.set(offer.setup.validators.to_string());
                self.slots_per_epoch
                    .set(offer.setup.slots_per_epoch.to_string());
                self.start_heartbeat();
                self.work();
                self.ok(format!("Joined tab {}'s network at slot {}: it hands over half of its validators; both tabs now run in step (press Run here too)", tab_name(offer.tab), offer.slot()));
            }
            Err(e) => self.fail(crate::pages::nodes::pos::state::capital(&e)),
        }
    }

    /// Stops sharing: says goodbye (the other tabs see this tab's validators go offline).
    pub fn unshare(self) {
        let Some(bridge) = self.bridge.try_update(Option::take).flatten() else {
            return;
        };
        let bye = self
            .net
            .try_update_untracked(|net| net.as_mut().map(|n| bridge.bye(n)))
            .flatten()
            .unwrap_or_else(|| Wire::Bye { tab: bridge.me() }.encode());
        self.post(&[bye]);
        self.heartbeat.try_update_value(|h| {
            if let Some(h) = h.take() {
                h.clear();
            }
        });
    }

    fn start_heartbeat(self) {
        self.heartbeat.update_value(|h| {
            if let Some(h) = h.take() {
                h.clear();
            }
        });
        if let Ok(h) = set_interval_with_handle(move || self.work(), HEARTBEAT) {
            self.heartbeat.set_value(Some(h));
        }
    }
}

/// The "across tabs" card: share this network, or join one another tab shares; once shared,
/// who is in it and which validators this tab signs for.
#[component]
pub fn TabsCard() -> impl IntoView {
    let p = expect_context::<PosState>();
    // Offers age out without a message: re-read them every second while alone.
    let now = RwSignal::new(0u32);
    if let Ok(h) = set_interval_with_handle(
        move || now.update(|n| *n = n.wrapping_add(1)),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || h.clear());
    }
    let status = move || {
        p.bridge.with(|b| {
            b.as_ref().map(|b| {
                let peers = b.peers();
                let others = if peers.is_empty() {
                    "no other tab yet".to_owned()
                } else {
                    peers
                        .iter()
                        .map(|(t, peer)| {
                            format!(
                                "tab {} (slot {}, signs for {})",
                                tab_name(*t),
                                peer.position / 3,
                                peer.signs_for
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mine = p
                    .net
                    .with(|n| n.as_ref().map_or(0, |n| n.clients().count()));
                format!(
                    "This is tab {}; shared with {others}. This tab signs for {mine} validators.",
                    tab_name(b.me())
                )
            })
        })
    };
    view! {
        <section class="card" data-testid="pos-tabs">
            <h2>"Across tabs"</h2>
            <p class="small">"Open this site in another tab: the two tabs run one network, each signing for its own validators, every message checked on arrival. Close one and its validators go offline for the other."</p>
            {move || match status() {
                Some(text) => view! {
                    <p data-testid="pos-tabs-status">{text}</p>
                    <Show when=move || p.waiting.get()>
                        <p class="muted small" data-testid="pos-tabs-waiting">"Waiting for the other tab to finish the same part of the slot (is it paused?)"</p>
                    </Show>
                    <button type="button" data-testid="pos-unshare" on:click=move |_| p.unshare()>"Stop sharing"</button>
                }.into_any(),
                None => {
                    now.track();
                    let offers = p.live_offers();
                    view! {
                        <button type="button" data-testid="pos-share" on:click=move |_| p.share()>"Share this network with other tabs"</button>
                        {if offers.is_empty() {
                            view! { <p class="muted small" data-testid="pos-no-offers">"No other tab shares a network now."</p> }.into_any()
                        } else {
                            view! {
                                <ul>
                                    {offers.into_iter().map(|o| view! {
                                        <li data-testid="pos-offer">
                                            {format!("Tab {}: {} validators, {} slots per epoch, at slot {}, signing for {} ", tab_name(o.tab), o.setup.validators, o.setup.slots_per_epoch, o.slot(), o.signs_for)}
                                            <button type="button" data-testid="pos-join" on:click=move |_| p.join(o)>"Join"</button>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}
