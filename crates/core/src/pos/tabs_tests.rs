//! Two (or three) tabs sharing one network through a simulated channel: the same texts a
//! `BroadcastChannel` would carry, delivered one tick later.

use super::sim::EventKind;
use super::tabs::{Offer, Setup, TabBridge, Wire, PEER_TIMEOUT_MS};
use super::*;

struct Tab {
    bridge: TabBridge,
    net: sim::PosNetwork,
    inbox: Vec<String>,
    open: bool,
}

const SETUP: Setup = Setup {
    validators: 8,
    slots_per_epoch: 4,
};

/// Tab 1 shares a network of 2 nodes; tab 2 (3 nodes) joins from its first status.
fn two_tabs() -> Vec<Tab> {
    let mut net = SETUP.network(2);
    let mut bridge = TabBridge::share(1, SETUP, &mut net);
    let status = bridge.outgoing(&mut net, 0.0);
    let offer = status.iter().find_map(|t| Offer::read(t)).unwrap();
    let (b2, n2) = TabBridge::join(2, &offer, 3, 0.0).unwrap();
    vec![
        Tab {
            bridge,
            net,
            inbox: Vec::new(),
            open: true,
        },
        Tab {
            bridge: b2,
            net: n2,
            inbox: Vec::new(),
            open: true,
        },
    ]
}

const STEPS_PER_TICK: usize = 60;

/// Runs `ticks` ticks of 50 ms from `start`: each open tab reads its inbox, works within its
/// limit, and posts to every other open tab.
fn run(tabs: &mut [Tab], start: f64, ticks: u32) -> f64 {
    let mut now = start;
    for _ in 0..ticks {
        now += 50.0;
        for i in 0..tabs.len() {
            if !tabs[i].open {
                continue;
            }
            let tab = &mut tabs[i];
            for text in std::mem::take(&mut tab.inbox) {
                tab.bridge.receive(&text, now, &mut tab.net);
            }
            let limit = tab.bridge.limit(now, &mut tab.net);
            // A tick's budget: enough for a phase and its messages, not for racing ahead.
            for _ in 0..STEPS_PER_TICK {
                if !tab.bridge.step(&mut tab.net, limit) {
                    break;
                }
            }
            let out = tab.bridge.outgoing(&mut tab.net, now);
            for (j, other) in tabs.iter_mut().enumerate() {
                if j != i && other.open {
                    other.inbox.extend(out.iter().cloned());
                }
            }
        }
    }
    now
}

fn signers(t: &Tab) -> std::collections::BTreeSet<crate::address::Address> {
    t.net.clients().map(|c| c.address).collect()
}

#[test]
fn two_tabs_split_the_validators_and_finalize_together() {
    let mut tabs = two_tabs();
    run(&mut tabs, 0.0, 150);
    let (a, b) = (signers(&tabs[0]), signers(&tabs[1]));
    assert_eq!((a.len(), b.len()), (4, 4), "half of the validators each");
    assert!(a.is_disjoint(&b), "a validator signs in one tab only");
    for t in &tabs {
        assert!(t.net.slot() > 20, "slot {}", t.net.slot());
        for n in t.net.nodes() {
            assert!(
                n.finalized().epoch >= 3,
                "finalized {}",
                n.finalized().epoch
            );
        }
        assert!(
            !t.net
                .events()
                .any(|e| e.kind == EventKind::Slashed || e.kind == EventKind::Refused),
            "{:?}",
            t.net
                .events()
                .filter(|e| e.kind == EventKind::Refused)
                .collect::<Vec<_>>()
        );
    }
    // In step: the tabs are at most a phase apart, and agree on the chain.
    let (pa, pb) = (tabs[0].net.position(), tabs[1].net.position());
    assert!(pa.abs_diff(pb) <= 2, "{pa} {pb}");
    let fa = tabs[0].net.nodes()[0].finalized();
    assert!(tabs[1]
        .net
        .nodes()
        .iter()
        .all(|n| n.finalized().epoch < fa.epoch || n.is_ancestor(&fa.root, &n.head())));
    // Blocks proposed in tab 2 are in tab 1's chain: both tabs' validators proposed.
    assert!(tabs[1].net.events().any(|e| e.kind == EventKind::Proposed));
    assert!(tabs[0].net.stats.blocks > 0 && tabs[1].net.stats.blocks > 0);
}

#[test]
fn a_closed_tab_takes_its_validators_offline_and_finality_stops() {
    let mut tabs = two_tabs();
    let now = run(&mut tabs, 0.0, 120);
    let before = tabs[0].net.nodes()[0].finalized().epoch;
    assert!(before >= 2);
    for t in &tabs {
        let (on, total) = t.net.online_stake();
        assert_eq!(on, total, "every validator signs in one of the tabs");
    }
    tabs[1].open = false;
    let now = run(&mut tabs, now, 20 + (PEER_TIMEOUT_MS / 50.0) as u32);
    let log = tabs[0].bridge.take_log().join("\n");
    assert!(log.contains("stopped answering"), "{log}");
    let (on, total) = tabs[0].net.online_stake();
    assert!(
        on < total && 3 * on < 2 * total,
        "tab 2's half is offline now: {on} of {total}"
    );
    let slot = tabs[0].net.slot();
    run(&mut tabs, now, 150);
    assert!(
        tabs[0].net.slot() > slot + 3 * 4,
        "the tab left alone runs on"
    );
    // Half the stake is gone: nothing new is finalized.
    assert!(tabs[0].net.nodes()[0].finalized().epoch <= before + 1);
    assert!(tabs[0].bridge.peers().is_empty());
}

#[test]
fn malformed_replayed_and_foreign_messages_change_nothing() {
    let mut tabs = two_tabs();
    let now = run(&mut tabs, 0.0, 100);
    // Capture one vote tab 2 sends, to replay it.
    let mut vote = None;
    for _ in 0..40 {
        let t = &mut tabs[1];
        let out = t.bridge.outgoing(&mut t.net, now);
        vote = out
            .into_iter()
            .find(|t| t.contains("\"attestation\"") || t.contains("Attestation"));
        if vote.is_some() {
            break;
        }
        t.bridge.step(&mut t.net, None);
    }
    let vote = vote.expect("tab 2 voted");
    tabs[0].inbox.push(vote.clone());
    let now = run(&mut tabs, now, 10);
    let a = &mut tabs[0];
    a.bridge.take_log();
    let head = a.net.nodes()[0].head();
    let refused = a.net.stats.refused;
    a.bridge.receive(&vote, now, &mut a.net);
    let log = a.bridge.take_log().join("\n");
    assert!(
        log.contains("already known (a replay changes nothing)"),
        "{log}"
    );
    a.bridge
        .receive("{\"kind\":\"gossip\",\"tab\":9", now, &mut a.net);
    a.bridge.receive("[1,2,3]", now, &mut a.net);
    let log = a.bridge.take_log().join("\n");
    assert!(
        log.contains("a message from another tab was refused: not a message between tabs"),
        "{log}"
    );
    assert_eq!(log.lines().count(), 2);
    // A vote claimed for another validator is refused by the gateway with the reason.
    let mut w = Wire::decode(&vote).unwrap();
    if let Wire::Gossip {
        ref mut message, ..
    } = w
    {
        if let types::PosMessage::Attestation(at) = message.as_mut() {
            at.validator = (at.validator + 1) % 8;
        }
    }
    a.bridge.receive(&w.encode(), now, &mut a.net);
    assert_eq!(a.net.stats.refused, refused + 1);
    assert!(a.net.events().any(|e| e.kind == EventKind::Refused
        && e.text
            .contains("refused from another tab: vote of validator")));
    assert_eq!(a.net.nodes()[0].head(), head);
    // A network with another genesis is not this one: its gossip is ignored.
    let other = Wire::Gossip {
        tab: 7,
        genesis: crate::hash::Hash32::from_bytes([7; 32]),
        message: match Wire::decode(&vote).unwrap() {
            Wire::Gossip { message, .. } => message,
            _ => unreachable!(),
        },
    };
    a.bridge.receive(&other.encode(), now, &mut a.net);
    assert_eq!(a.net.stats.refused, refused + 1);
    assert!(a.bridge.take_log().is_empty());
}

#[test]
fn an_offer_whose_genesis_does_not_match_is_refused() {
    let mut net = SETUP.network(1);
    let mut bridge = TabBridge::share(1, SETUP, &mut net);
    let mut offer = bridge
        .outgoing(&mut net, 0.0)
        .iter()
        .find_map(|t| Offer::read(t))
        .unwrap();
    offer.setup.validators = 9;
    let err = TabBridge::join(2, &offer, 2, 0.0).unwrap_err();
    assert!(
        err.contains("is not the one its setup builds here"),
        "{err}"
    );
    offer.setup.validators = 8;
    assert!(TabBridge::join(1, &offer, 2, 0.0)
        .unwrap_err()
        .contains("own network"));
}
