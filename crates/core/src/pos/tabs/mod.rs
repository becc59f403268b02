//! Proof of stake across browser tabs: what tabs say to each other (JSON over a channel the
//! page owns) and a [`TabBridge`] that runs one tab's side. Pure: the page passes the text that
//! arrived, the time and a random tab id, and posts the text this returns.
//!
//! - A tab **shares** its network: it announces a [`Wire::Status`] (genesis, setup, position,
//!   validators it signs for) every [`HEARTBEAT_MS`] and whenever its position changes.
//! - Another tab **joins** from such an offer: it builds the same genesis (the validators are
//!   the development accounts, so the root must match), starts at the sharer's slot and asks
//!   to join; the sharer sends what a new node needs (sync gossip) and hands over half of the
//!   genesis validators it signs for, with their slashing-protection records. No key is ever
//!   sent: the joiner derives the development accounts' keys itself. One validator is never
//!   signed for by two tabs.
//! - **Gossip**: what a tab's gateway node relays goes to the other tabs, where it enters the
//!   gateway and is checked like any message (refused with the reason; a replay is known and
//!   changes nothing).
//! - **In step**: a tab starts a new slot phase only when every live peer tab has reached the
//!   phase before ([`TabBridge::limit`]), so a proposal from one tab is seen by the other's
//!   committee in the same slot. A peer silent for [`PEER_TIMEOUT_MS`] (a closed tab) is
//!   dropped: the validators it signed for are then offline.

use std::collections::BTreeMap;

mod wire;

pub use wire::{tab_name, Offer, Setup, Wire};

use super::sim::{Delivered, Handed, PosNetwork};
use super::types::PosMessage;
use crate::hash::Hash32;

/// How often a sharing tab says where it is, at least.
pub const HEARTBEAT_MS: f64 = 500.0;
/// A peer tab not heard from for this long has left.
pub const PEER_TIMEOUT_MS: f64 = 3_000.0;

/// A peer tab.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerTab {
    pub position: u64,
    pub signs_for: u32,
    heard_ms: f64,
}

/// One tab's side of a shared network.
#[derive(Debug, Clone)]
pub struct TabBridge {
    me: u64,
    genesis: Hash32,
    setup: Setup,
    peers: BTreeMap<u64, PeerTab>,
    /// (time, position) of the last status sent.
    sent: Option<(f64, u64)>,
    /// Replies owed (sync and handoffs), sent with the next [`Self::outgoing`].
    owed: Vec<Wire>,
    /// Lines for the log, oldest first ([`Self::take_log`]).
    log: Vec<String>,
    /// The tab this one asked to join, until it hands validators over (no phase runs before),
    /// and whether its status since the request arrived (gossip before it is a backlog that
    /// the sync replaces, dropped).
    joining: Option<(u64, bool)>,
    /// Messages for a slot this tab has not reached yet (a peer may be a phase ahead).
    held: Vec<PosMessage>,
    /// The validators each peer tab signs for, as far as this tab knows (what it handed over,
    /// or what the tab it joined kept): offline when that tab leaves.
    remote_of: BTreeMap<u64, Vec<super::ValidatorIndex>>,
}

/// Messages held for a later slot, at most.
const MAX_HELD: usize = 20_000;

/// The slot a message belongs to, for those that have one.
fn slot_of(m: &PosMessage) -> Option<super::Slot> {
    match m {
        PosMessage::Block(b) => Some(b.slot()),
        PosMessage::Attestation(a) => Some(a.data.slot),
        PosMessage::Evidence(_)
        | PosMessage::Deposit(_)
        | PosMessage::Exit(_)
        | PosMessage::Transfer(_) => None,
    }
}

impl TabBridge {
    /// Starts sharing `net` (built from `setup`) as tab `me`.
    pub fn share(me: u64, setup: Setup, net: &mut PosNetwork) -> Self {
        net.set_bridged(true);
        Self {
            me,
            genesis: net.genesis(),
            setup,
            peers: BTreeMap::new(),
            sent: None,
            owed: Vec::new(),
            log: Vec::new(),
            joining: None,
            held: Vec::new(),
            remote_of: BTreeMap::new(),
        }
    }

    /// Joins `offer` as tab `me` with a network of `nodes` nodes: the same genesis, at the
    /// sharer's slot, signing for nothing until validators are handed over.
    ///
    /// # Errors
    /// Why the offer cannot be joined (a genesis that does not match what its setup builds).
    pub fn join(
        me: u64,
        offer: &Offer,
        nodes: usize,
        now: f64,
    ) -> Result<(Self, PosNetwork), String> {
        if offer.tab == me {
            return Err("this is this tab's own network".into());
        }
        if offer.setup.validators as usize > super::MAX_VALIDATORS
            || !(2..=32).contains(&offer.setup.slots_per_epoch)
        {
            return Err(format!(
                "the other tab's network ({} validators, {} slots per epoch) is outside the lab's limits",
                offer.setup.validators, offer.setup.slots_per_epoch
            ));
        }
        let mut net = offer.setup.network(nodes);
        if net.genesis() != offer.genesis {
            return Err(format!(
                "the other tab's genesis {} is not the one its setup builds here ({}): a different version of the lab?",
                offer.genesis.short(),
                net.genesis().short()
            ));
        }
        // Every development account's key signs in the sharer; this tab signs for none yet.
        let all: Vec<_> = net.hosted_genesis();
        net.release(&all);
        net.start_at(offer.slot());
        let mut bridge = Self::share(me, offer.setup, &mut net);
        bridge.joining = Some((offer.tab, false));
        bridge.remote_of.insert(offer.tab, all);
        bridge.owed.push(Wire::Join {
            tab: me,
            genesis: offer.genesis,
            to: offer.tab,
        });
        bridge.heard(offer.tab, offer.position, offer.signs_for, now);
        Ok((bridge, net))
    }

    pub fn me(&self) -> u64 {
        self.me
    }

    pub fn genesis(&self) -> Hash32 {
        self.genesis
    }

    /// The peer tabs heard from recently.
    pub fn peers(&self) -> &BTreeMap<u64, PeerTab> {
        &self.peers
    }

    /// Log lines since the last call.
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    fn heard(&mut self, tab: u64, position: u64, signs_for: u32, now: f64) {
        let p = self.peers.entry(tab).or_insert(PeerTab {
            position,
            signs_for,
            heard_ms: now,
        });
        p.position = position;
        p.signs_for = signs_for;
        p.heard_ms = p.heard_ms.max(now);
    }

    /// Drops peers silent for [`PEER_TIMEOUT_MS`]; the furthest this tab may go: one phase
    /// past the slowest live peer (`None` when alone).
    pub fn limit(&mut self, now: f64, net: &mut PosNetwork) -> Option<u64> {
        let gone: Vec<u64> = self
            .peers
            .iter()
            .filter(|(_, p)| now - p.heard_ms > PEER_TIMEOUT_MS)
            .map(|(t, _)| *t)
            .collect();
        for t in gone {
            self.peers.remove(&t);
            self.went_offline(t, net);
            if self.joining.is_some_and(|(j, _)| j == t) {
                self.joining = None;
                self.log.push(format!(
                    "tab {} did not hand over validators: this tab runs alone",
                    tab_name(t)
                ));
            }
            self.log.push(format!(
                "tab {} stopped answering: the validators it signed for are offline now",
                tab_name(t)
            ));
        }
        if self.joining.is_some() {
            return Some(0);
        }
        self.peers
            .values()
            .map(|p| p.position.saturating_add(1))
            .min()
    }

    fn went_offline(&mut self, tab: u64, net: &mut PosNetwork) {
        if let Some(indices) = self.remote_of.remove(&tab) {
            net.set_remote_online(&indices, false);
        }
    }

    /// One unit of this tab's work: a held message whose slot has come, or else one
    /// [`PosNetwork::step_within`] `limit`. Whether it worked.
    pub fn step(&mut self, net: &mut PosNetwork, limit: Option<u64>) -> bool {
        let now = net.slot();
        if let Some(i) = self
            .held
            .iter()
            .position(|m| slot_of(m).is_none_or(|s| s <= now))
        {
            let m = self.held.remove(i);
            self.deliver(net, 0, m);
            return true;
        }
        net.step_within(limit)
    }

    fn deliver(&mut self, net: &mut PosNetwork, tab: u64, message: PosMessage) {
        let what = describe(&message);
        if let Delivered::Known = net.inject_from_tab(message) {
            let from = if tab == 0 {
                String::new()
            } else {
                format!("from tab {}: ", tab_name(tab))
            };
            self.log.push(format!(
                "{from}{what} already known (a replay changes nothing)"
            ));
        }
    }

    /// Handles one text from the channel at time `now`; what it means goes to the log.
    pub fn receive(&mut self, text: &str, now: f64, net: &mut PosNetwork) {
        let wire = match Wire::decode(text) {
            Ok(w) => w,
            Err(why) => {
                self.log
                    .push(format!("a message from another tab was refused: {why}"));
                return;
            }
        };
        let from = wire.tab();
        if from == self.me {
            return;
        }
        match wire {
            Wire::Bye { tab } => {
                if self.peers.remove(&tab).is_some() {
                    self.went_offline(tab, net);
                    self.log.push(format!(
                        "tab {} left: the validators it signed for are offline now",
                        tab_name(tab)
                    ));
                }
            }
            Wire::Status { genesis, .. }
            | Wire::Join { genesis, .. }
            | Wire::Handoff { genesis, .. }
            | Wire::Gossip { genesis, .. }
                if genesis != self.genesis => {}
            Wire::Status {
                tab,
                position,
                signs_for,
                ..
            } => {
                if let Some((j, seen)) = &mut self.joining {
                    if *j == tab {
                        // Where the network is: a tab that has not run yet starts there.
                        *seen = true;
                        net.start_at(position / 3);
                    }
                }
                if !self.peers.contains_key(&tab) {
                    self.log
                        .push(format!("tab {} shares this network too", tab_name(tab)));
                }
                self.heard(tab, position, signs_for, now);
            }
            Wire::Join { tab, to, .. } if to == self.me => self.answer_join(tab, now, net),
            Wire::Join { .. } => {}
            Wire::Handoff {
                tab,
                to,
                validators,
                ..
            } if to == self.me => {
                if self.joining.is_some_and(|(j, _)| j == tab) {
                    self.joining = None;
                }
                let list = names(&validators);
                if let Some(kept) = self.remote_of.get_mut(&tab) {
                    kept.retain(|i| !validators.iter().any(|h| h.index == *i));
                }
                match net.adopt(&validators) {
                    Ok(n) => self.log.push(format!(
                        "this tab now signs for {n} validators ({list}), handed over by tab {}",
                        tab_name(tab)
                    )),
                    Err(why) => self.log.push(format!(
                        "validators handed over by tab {}: {why}",
                        tab_name(tab)
                    )),
                }
            }
            Wire::Handoff { .. } => {}
            Wire::Gossip { .. } if self.joining.is_some_and(|(_, seen)| !seen) => {}
            Wire::Gossip { tab, message, .. } => {
                let message = *message;
                if slot_of(&message).is_some_and(|s| s > net.slot()) {
                    if self.held.len() < MAX_HELD {
                        self.held.push(message);
                    } else {
                        self.log.push(format!(
                            "from tab {}: {} dropped: {MAX_HELD} messages already wait for a later slot",
                            tab_name(tab),
                            describe(&message)
                        ));
                    }
                } else {
                    self.deliver(net, tab, message);
                }
            }
        }
    }

    fn answer_join(&mut self, tab: u64, now: f64, net: &mut PosNetwork) {
        self.heard(tab, 0, 0, now);
        // Where this tab is first, so the joiner starts there before the sync arrives.
        self.owed.push(self.status(net));
        for message in net.sync_for_tab() {
            self.owed.push(Wire::Gossip {
                tab: self.me,
                genesis: self.genesis,
                message: Box::new(message),
            });
        }
        // Half of the genesis validators signed for here: every second one.
        let give: Vec<_> = net
            .hosted_genesis()
            .into_iter()
            .skip(1)
            .step_by(2)
            .collect();
        let validators = net.release(&give);
        self.remote_of
            .insert(tab, validators.iter().map(|h| h.index).collect());
        self.log.push(format!(
            "tab {} joined: it now signs for {} validators ({})",
            tab_name(tab),
            validators.len(),
            names(&validators)
        ));
        self.owed.push(Wire::Handoff {
            tab: self.me,
            genesis: self.genesis,
            to: tab,
            validators,
        });
    }

    /// What to post now: replies owed, the gossip the gateway relayed, and a status when the
    /// position changed or a heartbeat is due (in that order, so a peer sees a phase's
    /// messages before it hears the phase is done).
    pub fn outgoing(&mut self, net: &mut PosNetwork, now: f64) -> Vec<String> {
        let mut out: Vec<String> = self.owed.drain(..).map(|w| w.encode()).collect();
        for message in net.take_outbox() {
            out.push(
                Wire::Gossip {
                    tab: self.me,
                    genesis: self.genesis,
                    message: Box::new(message),
                }
                .encode(),
            );
        }
        let position = net.position();
        let due = self
            .sent
            .is_none_or(|(t, p)| p != position || now - t >= HEARTBEAT_MS);
        if due {
            self.sent = Some((now, position));
            out.push(self.status(net).encode());
        }
        out
    }

    fn status(&self, net: &PosNetwork) -> Wire {
        Wire::Status {
            tab: self.me,
            genesis: self.genesis,
            setup: self.setup,
            position: net.position(),
            signs_for: u32::try_from(net.clients().count()).unwrap_or(u32::MAX),
        }
    }

    /// The goodbye to post when this tab stops sharing or closes.
    pub fn bye(&self, net: &mut PosNetwork) -> String {
        net.set_bridged(false);
        Wire::Bye { tab: self.me }.encode()
    }
}

fn names(v: &[Handed]) -> String {
    v.iter()
        .map(|h| format!("#{}", h.index))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(m: &PosMessage) -> String {
    match m {
        PosMessage::Block(b) => format!("block {} of slot {}", b.root().short(), b.slot()),
        PosMessage::Attestation(a) => format!("the vote of validator #{}", a.validator),
        PosMessage::Evidence(e) => format!("slashing evidence against #{}", e.offender()),
        PosMessage::Deposit(_) => "a deposit".into(),
        PosMessage::Exit(x) => format!("the exit of validator #{}", x.validator),
        PosMessage::Transfer(_) => "a transfer".into(),
    }
}
