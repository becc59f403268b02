//! One slot's work: the proposers' and committees' duties, and delivering a message to a node
//! (checked, relayed when new, refused with the reason in the log).

use std::collections::BTreeMap;

use super::{Delivered, Envelope, EventKind, PosNetwork};
use crate::address::Address;
use crate::node::network::node_name;
use crate::pos::client::Behaviour;
use crate::pos::node::{BlockReceived, VoteReceived};
use crate::pos::types::{Checkpoint, PosMessage};

impl PosNetwork {
    pub(super) fn propose(&mut self) {
        let slot = self.slot;
        let mut proposed = false;
        // Each node works out the slot's proposer on its own head (once per node, not per
        // validator); the proposer's client, when it runs there and is online, signs.
        for host in 0..self.nodes.len() {
            let Some(node) = self.nodes.get(host) else {
                continue;
            };
            let Some(state) = node.state_at_slot(slot) else {
                continue;
            };
            let Some(index) = state.proposer(slot, &self.params) else {
                continue;
            };
            let Some(address) = state.validator(index).map(|v| v.address) else {
                continue;
            };
            let Some(c) = self.clients.get(&address) else {
                continue;
            };
            if c.host != host || !c.online || !c.may_propose(slot) {
                continue;
            }
            let key = c.key().clone();
            let behaviour = c.behaviour;
            let mut blocks = Vec::new();
            if let Some(b) =
                node.build_block(slot, index, &key, &format!("node {}", node_name(host)))
            {
                blocks.push(b);
            }
            if behaviour == Behaviour::Equivocating {
                if let Some(b) = node.build_block(slot, index, &key, "equivocation") {
                    blocks.push(b);
                }
            }
            if let Some(c) = self.clients.get_mut(&address) {
                c.proposed(slot, &blocks);
            }
            let split = blocks.len() > 1;
            for (i, b) in blocks.into_iter().enumerate() {
                proposed = true;
                self.stats.blocks += 1;
                self.log(
                    EventKind::Proposed,
                    format!(
                        "validator #{index} on node {} proposed {}",
                        node_name(host),
                        b.root().short()
                    ),
                );
                let message = PosMessage::Block(b);
                if i == 0 {
                    self.deliver(Envelope {
                        from: host,
                        to: host,
                        message: message.clone(),
                    });
                }
                // An equivocator sends its second block to the other half of the network.
                for to in 0..self.nodes.len() {
                    let first_half = to % 2 == 0;
                    if to != host && (!split || first_half == (i == 0)) {
                        self.enqueue(host, to, message.clone());
                    }
                }
            }
        }
        if !proposed && !self.proposer_elsewhere(slot) {
            self.stats.missed += 1;
            self.log(
                EventKind::Missed,
                format!("slot {slot}: no block (its proposer is offline or has no view)"),
            );
        }
    }

    /// Whether the slot's proposer (in the gateway's view) signs in another tab still there:
    /// then no block here is not a missed slot.
    fn proposer_elsewhere(&self, slot: crate::pos::types::Slot) -> bool {
        let Some(state) = self
            .nodes
            .get(super::GATEWAY)
            .and_then(|n| n.state_at_slot(slot))
        else {
            return false;
        };
        state
            .proposer(slot, &self.params)
            .and_then(|i| state.validator(i))
            .is_some_and(|v| self.remote.get(&v.address).copied().unwrap_or(false))
    }

    pub(super) fn attest(&mut self) {
        let slot = self.slot;
        let mut per_node: BTreeMap<usize, Vec<Address>> = BTreeMap::new();
        for c in self.clients.values().filter(|c| c.online) {
            per_node.entry(c.host).or_default().push(c.address);
        }
        for (host, addresses) in per_node {
            let Some(node) = self.nodes.get(host) else {
                continue;
            };
            let Some(state) = node.state_at_slot(slot) else {
                continue;
            };
            let Some(committee) = state.committee(slot, &self.params) else {
                continue;
            };
            let data = node.vote_data(slot, &state);
            let alternative = Checkpoint {
                epoch: node.finalized().epoch,
                root: node.finalized().root,
            };
            let mut votes = Vec::new();
            for address in addresses {
                let Some(index) = state.index_of(&address) else {
                    continue;
                };
                if !committee.contains(&index) {
                    continue;
                }
                if let Some(c) = self.clients.get_mut(&address) {
                    votes.extend(c.attest(index, data, alternative));
                }
            }
            for v in votes {
                let message = PosMessage::Attestation(v);
                self.deliver(Envelope {
                    from: host,
                    to: host,
                    message: message.clone(),
                });
                self.broadcast(host, &message, None);
            }
        }
    }

    pub(super) fn deliver(&mut self, e: Envelope<PosMessage>) -> Delivered {
        if !self.link_up(e.from, e.to) {
            self.stats.lost += 1;
            return Delivered::Lost;
        }
        self.stats.messages += 1;
        let now = self.slot;
        let (to, from) = (e.to, e.from);
        let Some(node) = self.nodes.get_mut(to) else {
            return Delivered::Lost;
        };
        let mut forward = false;
        let mut extra: Vec<PosMessage> = Vec::new();
        let refused: Option<String> = match &e.message {
            PosMessage::Block(b) => match node.receive_block(b.clone(), now) {
                Ok(BlockReceived::Accepted {
                    applied, evidence, ..
                }) => {
                    forward = true;
                    extra.extend(evidence.map(|e| PosMessage::Evidence(*e)));
                    for ev in b
                        .body
                        .evidence
                        .iter()
                        .filter(|ev| applied.slashed.contains(&ev.offender()))
                    {
                        let text = format!(
                            "node {} took evidence that validator #{} {} ({}): slashed 1/32 of its stake and ejected",
                            node_name(to),
                            ev.offender(),
                            ev.rule(),
                            ev.describe()
                        );
                        self.log(EventKind::Slashed, text);
                    }
                    None
                }
                Ok(_) => None,
                Err(r) => Some(format!(
                    "block {} of slot {}: {r}",
                    b.root().short(),
                    b.slot()
                )),
            },
            PosMessage::Attestation(a) => match node.receive_attestation(*a, now) {
                Ok(VoteReceived::Accepted { evidence }) => {
                    forward = true;
                    extra.extend(evidence.map(|e| PosMessage::Evidence(*e)));
                    None
                }
                Ok(VoteReceived::Known) => None,
                Err(r) => Some(format!("vote of validator #{}: {r}", a.validator)),
            },
            PosMessage::Evidence(ev) => match node.receive_evidence(*ev) {
                Ok(new) => {
                    forward = new;
                    None
                }
                Err(crate::pos::refusal::EvidenceRefusal::AlreadySlashed { .. }) => None,
                Err(r) => Some(format!("slashing evidence: {r}")),
            },
            PosMessage::Deposit(d) => match node.receive_deposit(d.clone()) {
                Ok(new) => {
                    forward = new;
                    None
                }
                Err(r) => Some(format!("deposit: {r}")),
            },
            PosMessage::Transfer(t) => match node.receive_transfer(t) {
                Ok(new) => {
                    forward = new;
                    None
                }
                Err(r) => Some(format!("transfer: {r}")),
            },
            PosMessage::Exit(x) => match node.receive_exit(*x) {
                Ok(new) => {
                    forward = new;
                    None
                }
                Err(r) => Some(format!("exit: {r}")),
            },
        };
        if let Some(why) = refused {
            self.stats.refused += 1;
            let text = if self.inbound {
                format!("node {} refused from another tab: {why}", node_name(to))
            } else if from == to {
                format!("node {} refused its own {why}", node_name(to))
            } else {
                format!(
                    "node {} refused from node {}: {why}",
                    node_name(to),
                    node_name(from)
                )
            };
            // A refusal between two nodes (not from another tab, not a node's own) stays on
            // their link, in the log's words.
            if from != to {
                self.mesh.note_rejection(from, to, text.clone());
            }
            self.log(EventKind::Refused, text);
            return Delivered::Refused(why);
        }
        if forward {
            self.broadcast(to, &e.message, Some(from));
        }
        for m in extra {
            self.broadcast(to, &m, None);
        }
        if forward {
            Delivered::Accepted
        } else {
            Delivered::Known
        }
    }
}
