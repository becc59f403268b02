//! The Nodes screen: a simulated network of replicated nodes held in memory (never stored)
//! and its actions. All the rules live in the core's [`blocklab_core::node`], the plain data
//! the view shows in [`blocklab_core::node::network::view`]; this module holds the signal.

use blocklab_core::genesis::{dev_allocations, genesis_block, DEV_ADDRESSES};
use blocklab_core::node::network::view::{
    beneficiary, demo_transfer, dev_sender, params, parse_difficulty, parse_height, Tamper,
    DEFAULT_NODES, MAX_ATTEMPTS, MAX_DELIVERIES, MIN_DIFFICULTY,
};
use blocklab_core::node::network::{node_name, Network, MAX_NODES};
use leptos::prelude::*;

use crate::platform::clock;
use blocklab_core::words::capitalise;

/// The Nodes screen's signals.
#[derive(Debug, Clone, Copy)]
pub struct NodesState {
    pub net: RwSignal<Network>,
    /// Difficulty new blocks are mined at (text as typed).
    pub difficulty: RwSignal<String>,
    /// Which block a tamper edits (text as typed).
    pub tamper_height: RwSignal<String>,
    /// What the last action did, or why it could not.
    pub message: RwSignal<Option<Result<String, String>>>,
}

impl NodesState {
    /// Three linked nodes on a fresh lab genesis stamped now.
    pub fn new() -> Self {
        Self {
            net: RwSignal::new(Network::new(
                DEFAULT_NODES,
                genesis_block(clock::now_ms(), &dev_allocations()),
                params(),
            )),
            difficulty: RwSignal::new(MIN_DIFFICULTY.to_string()),
            tamper_height: RwSignal::new("1".to_owned()),
            message: RwSignal::new(None),
        }
    }
}

impl Default for NodesState {
    fn default() -> Self {
        Self::new()
    }
}

/// Mines on node `node` at the typed difficulty and lets the network deliver.
pub fn mine(state: NodesState, node: usize) {
    let difficulty = parse_difficulty(&state.difficulty.get_untracked()).map_err(|e| e.to_string());
    let result = difficulty.and_then(|d| {
        let now = clock::now_ms();
        state
            .net
            .try_update(|net| {
                let block = net.mine(node, now, d, beneficiary(node), MAX_ATTEMPTS);
                net.deliver_all(MAX_DELIVERIES);
                block
            })
            .flatten()
            .map(|b| {
                format!(
                    "Node {} mined block #{} {:#} at {d} bits",
                    node_name(node),
                    b.header.height,
                    b.hash()
                )
            })
            .ok_or_else(|| "No nonce was found; try again".to_owned())
    });
    state.message.set(Some(result));
}

/// Applies a tamper on node `node` and lets the network deliver what it serves.
pub fn tamper(state: NodesState, node: usize, kind: Tamper) {
    let height = match kind {
        Tamper::LowDifficulty => Ok(0),
        Tamper::Edit | Tamper::Forge => {
            parse_height(&state.tamper_height.get_untracked()).map_err(|e| e.to_string())
        }
    };
    let result = height.and_then(|h| {
        let now = clock::now_ms();
        state
            .net
            .try_update(|net| {
                let r = match kind {
                    Tamper::Edit => net.tamper_edit(node, h),
                    Tamper::Forge => net.tamper_forge_amount(node, h),
                    Tamper::LowDifficulty => {
                        net.tamper_low_difficulty(node, now, beneficiary(node))
                    }
                };
                net.deliver_all(MAX_DELIVERIES);
                r.map_err(|e| e.to_string())
            })
            .unwrap_or_else(|| Err("the network is gone".to_owned()))
            .map(|b| {
                format!(
                    "Node {} now holds a tampered block #{} {:#} and sent it to its peers",
                    node_name(node),
                    b.header.height,
                    b.hash()
                )
            })
            .map_err(|e| capitalise(&e.to_string()))
    });
    state.message.set(Some(result));
}

/// Sends the demo transfer into node `node`, which checks it and relays it to its peers.
pub fn send_tx(state: NodesState, node: usize) {
    let result = dev_sender().map_err(|e| e.to_string()).and_then(|sender| {
        let raw = state
            .net
            .with_untracked(|net| demo_transfer(net, node, &sender))
            .map_err(|e| e.to_string())?;
        let hash = raw.hash();
        let nonce = raw.tx().nonce();
        state
            .net
            .try_update(|net| {
                let r = net.submit_tx(node, raw);
                net.deliver_all(MAX_DELIVERIES);
                r.map_err(|e| e.to_string())
            })
            .unwrap_or_else(|| Err("the network is gone".to_owned()))
            .map(|()| {
                format!(
                    "Node {} took transaction {hash:#} (1 ETH from {:#} to {:#}, nonce {nonce}) and relayed it",
                    node_name(node),
                    sender.address,
                    DEV_ADDRESSES[1]
                )
            })
            .map_err(|e| capitalise(&e.to_string()))
    });
    state.message.set(Some(result));
}

/// Cuts or restores a link and lets the network deliver (a restored link syncs both ends).
pub fn set_link(state: NodesState, a: usize, b: usize, up: bool) {
    state.net.update(|net| {
        net.set_link(a, b, up);
        net.deliver_all(MAX_DELIVERIES);
    });
    state.message.set(None);
}

/// Adds a node (it syncs from its neighbours).
pub fn add_node(state: NodesState) {
    let mut added = None;
    state.net.update(|net| {
        added = net.add_node();
        net.deliver_all(MAX_DELIVERIES);
    });
    state.message.set(Some(added.map_or_else(
        || Err(format!("At most {MAX_NODES} nodes")),
        |i| {
            Ok(format!(
                "Node {} joined and synced from its peers",
                node_name(i)
            ))
        },
    )));
}

/// Removes the last node (one always stays).
pub fn remove_node(state: NodesState) {
    let mut removed = false;
    state.net.update(|net| removed = net.remove_last());
    state.message.set(Some(if removed {
        Ok("The last node left the network".to_owned())
    } else {
        Err("One node always stays".to_owned())
    }));
}
