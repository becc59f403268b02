//! A simulated network of [`Node`]s: links that can be cut and restored (a partition), and a
//! queue of messages delivered one at a time to connected neighbours. Deterministic: the
//! caller decides what to deliver, drop, mine and tamper, and passes every timestamp.

use std::collections::BTreeMap;

use crate::address::Address;
use crate::block::{Block, Height};
use crate::chain::ChainParams;
use crate::hash::BlockHash;
use crate::net::{Mesh, Taken};
use crate::tx::SignedTx;

mod types;
pub mod view;

pub use types::{
    Consensus, Delivery, Envelope, Link, LinkRejection, NetworkError, ReorgNotice, TipGroup,
};

use super::{Handled, Message, Node, Reception, TamperError};

/// Most nodes a network holds.
pub const MAX_NODES: usize = 8;
/// Most messages waiting; more are dropped (a flood never exhausts memory).
pub const MAX_QUEUE: usize = 100_000;

/// A node's name in the UI and in sentences: A, B, C, ...
pub fn node_name(index: usize) -> String {
    let letter = u8::try_from(index)
        .ok()
        .filter(|i| *i < 26)
        .map(|i| char::from(b'A' + i));
    match letter {
        Some(c) => c.to_string(),
        None => format!("#{}", index + 1),
    }
}

/// The simulated network: nodes, and the shared [`Mesh`] of links and queued messages.
#[derive(Debug, Clone)]
pub struct Network {
    params: ChainParams,
    genesis: Block,
    nodes: Vec<Node>,
    mesh: Mesh<Message, LinkRejection>,
    last_reorg: Option<ReorgNotice>,
}

impl Network {
    /// `n` nodes (1 to [`MAX_NODES`]) sharing `genesis`, all linked.
    pub fn new(n: usize, genesis: Block, params: ChainParams) -> Self {
        let mut net = Self {
            params,
            genesis,
            nodes: Vec::new(),
            mesh: Mesh::new(0, MAX_QUEUE),
            last_reorg: None,
        };
        for _ in 0..n.clamp(1, MAX_NODES) {
            net.add_node();
        }
        net
    }

    /// The rules every node applies.
    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, i: usize) -> Option<&Node> {
        self.nodes.get(i)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Messages waiting.
    pub fn pending(&self) -> usize {
        self.mesh.pending()
    }

    /// The most recent reorganisation on any node.
    pub fn last_reorg(&self) -> Option<&ReorgNotice> {
        self.last_reorg.as_ref()
    }

    /// Every link, by (lower, higher) node index.
    pub fn links(&self) -> &BTreeMap<(usize, usize), Link> {
        self.mesh.links()
    }

    pub fn link(&self, a: usize, b: usize) -> Option<&Link> {
        self.mesh.link(a, b)
    }

    /// Adds a node that knows only genesis, linked to every other; it asks its neighbours for
    /// their tips. Returns its index, or `None` at [`MAX_NODES`].
    pub fn add_node(&mut self) -> Option<usize> {
        if self.nodes.len() >= MAX_NODES {
            return None;
        }
        let new = self.mesh.add_node();
        self.nodes
            .push(Node::new(self.genesis.clone(), self.params));
        for other in 0..new {
            self.announce_tip(other, new);
        }
        Some(new)
    }

    /// Removes the last node (at least one stays) and its links and messages.
    pub fn remove_last(&mut self) -> bool {
        if self.nodes.len() <= 1 {
            return false;
        }
        let gone = self.nodes.len() - 1;
        self.nodes.pop();
        self.mesh.remove_last();
        if self.last_reorg.as_ref().is_some_and(|r| r.node == gone) {
            self.last_reorg = None;
        }
        true
    }

    /// Cuts or restores the link between `a` and `b`. Restoring makes both ends announce
    /// their tips to each other, so they sync what they missed.
    pub fn set_link(&mut self, a: usize, b: usize, up: bool) {
        if self.mesh.set_up(a, b, up) {
            self.announce_tip(a, b);
            self.announce_tip(b, a);
        }
    }

    /// Cuts every link between `side` and the other nodes (a partition).
    pub fn partition(&mut self, side: &[usize]) {
        self.mesh.partition(|i| side.contains(&i));
    }

    /// Restores every link, then every node announces its tip to every neighbour (so what
    /// was lost, on a cut link or a dropped message, is fetched again).
    pub fn heal(&mut self) {
        self.mesh.heal();
        self.announce_all();
    }

    /// Every node announces its tip to each connected neighbour.
    pub fn announce_all(&mut self) {
        let keys: Vec<(usize, usize)> = self.mesh.links().keys().copied().collect();
        for (a, b) in keys {
            self.announce_tip(a, b);
            self.announce_tip(b, a);
        }
    }

    fn announce_tip(&mut self, from: usize, to: usize) {
        if let Some(tip) = self.nodes.get(from).map(|n| n.chain().tip().clone()) {
            self.send(from, to, Message::Block(tip));
        }
    }

    fn send(&mut self, from: usize, to: usize, message: Message) {
        self.mesh.send(from, to, message);
    }

    /// Puts a message from `from` to `to` in the queue as if `from` had sent it (when their
    /// link is up): what an adversary or a test sends beside the nodes' own behaviour.
    pub fn inject(&mut self, from: usize, to: usize, message: Message) {
        self.send(from, to, message);
    }

    /// Sends `message` from `from` to every connected neighbour except `except`.
    fn broadcast(&mut self, from: usize, message: &Message, except: Option<usize>) {
        self.mesh.broadcast(from, message, except);
    }

    /// Mines a block on node `i` and announces it. Returns the block, or `None` when `i` is
    /// not a node or no nonce below `max_attempts` was found.
    pub fn mine(
        &mut self,
        i: usize,
        timestamp_ms: u64,
        difficulty: u32,
        beneficiary: Address,
        max_attempts: u64,
    ) -> Option<Block> {
        let (block, reception) =
            self.nodes
                .get_mut(i)?
                .mine(timestamp_ms, difficulty, beneficiary, max_attempts)?;
        self.note(i, &reception);
        self.broadcast(i, &Message::Block(block.clone()), None);
        Some(block)
    }

    /// Gives a transaction to node `i`; when admitted, it is announced.
    ///
    /// # Errors
    /// The node's refusal (or a sentence when `i` is not a node).
    pub fn submit_tx(&mut self, i: usize, raw: SignedTx) -> Result<(), NetworkError> {
        let node = self.node_mut(i)?;
        node.receive_tx(raw.clone()).map_err(NetworkError::Tx)?;
        self.broadcast(i, &Message::Tx(raw), None);
        Ok(())
    }

    fn tampered(
        &mut self,
        i: usize,
        result: Result<Block, TamperError>,
    ) -> Result<Block, NetworkError> {
        let block = result.map_err(NetworkError::Tamper)?;
        self.broadcast(i, &Message::Block(block.clone()), None);
        Ok(block)
    }

    fn node_mut(&mut self, i: usize) -> Result<&mut Node, NetworkError> {
        self.nodes
            .get_mut(i)
            .ok_or(NetworkError::NoSuchNode { index: i })
    }

    /// Tamper on node `i`: edit block `height` in place ([`Node::tamper_edit`]), then the node
    /// serves the edited block to its neighbours.
    ///
    /// # Errors
    /// Why the tamper could not be done.
    pub fn tamper_edit(&mut self, i: usize, height: u64) -> Result<Block, NetworkError> {
        let r = self.node_mut(i)?.tamper_edit(height);
        self.tampered(i, r)
    }

    /// Tamper on node `i`: forge a transaction's amount ([`Node::tamper_forge_amount`]).
    ///
    /// # Errors
    /// Why the tamper could not be done.
    pub fn tamper_forge_amount(&mut self, i: usize, height: u64) -> Result<Block, NetworkError> {
        let r = self.node_mut(i)?.tamper_forge_amount(height);
        self.tampered(i, r)
    }

    /// Tamper on node `i`: mine a block below the required difficulty
    /// ([`Node::tamper_low_difficulty`]).
    ///
    /// # Errors
    /// Why the tamper could not be done.
    pub fn tamper_low_difficulty(
        &mut self,
        i: usize,
        timestamp_ms: u64,
        beneficiary: Address,
    ) -> Result<Block, NetworkError> {
        let r = self
            .node_mut(i)?
            .tamper_low_difficulty(timestamp_ms, beneficiary);
        self.tampered(i, r)
    }

    fn note(&mut self, node: usize, reception: &Reception) {
        if let Reception::Reorganised(reorg) = reception {
            self.last_reorg = Some(ReorgNotice {
                node,
                reorg: reorg.clone(),
            });
        }
    }

    /// Discards the next message (a lost packet). Returns false when none waits.
    pub fn drop_next(&mut self) -> bool {
        self.mesh.pop().is_some()
    }

    /// Delivers the next message, if any.
    pub fn deliver_next(&mut self) -> Option<Delivery> {
        let Taken { envelope, link_up } = self.mesh.pop()?;
        let Envelope { from, to, message } = envelope;
        if !link_up {
            return Some(Delivery::Lost { from, to });
        }
        let Some(node) = self.nodes.get_mut(to) else {
            return Some(Delivery::Gone { to });
        };
        let response = node.handle(message);
        let receptions = match &response.handled {
            Handled::Block(r) => core::slice::from_ref(r),
            Handled::Blocks(rs) => rs.as_slice(),
            Handled::Tx(_) | Handled::Served(_) => &[],
        };
        for reception in receptions {
            self.note(to, reception);
            if let Reception::Rejected(rejection) = reception {
                self.mesh.note_rejection(
                    from,
                    to,
                    LinkRejection {
                        from,
                        to,
                        rejection: rejection.clone(),
                    },
                );
            }
        }
        for m in response.reply {
            self.send(to, from, m);
        }
        if let Some(m) = response.relay {
            self.broadcast(to, &m, Some(from));
        }
        Some(Delivery::Handled {
            from,
            to,
            handled: response.handled,
        })
    }

    /// Delivers messages until none waits or `max` were delivered; returns how many.
    pub fn deliver_all(&mut self, max: usize) -> usize {
        let mut n = 0;
        while n < max && self.deliver_next().is_some() {
            n += 1;
        }
        n
    }

    /// Which nodes agree on the tip, and which own copies are invalid.
    pub fn consensus(&self) -> Consensus {
        let mut by_tip: BTreeMap<BlockHash, TipGroup> = BTreeMap::new();
        let mut compromised = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            match node.compromise() {
                Some(c) => compromised.push((i, c)),
                None => {
                    let tip = node.chain().tip();
                    by_tip
                        .entry(tip.hash())
                        .or_insert_with(|| TipGroup {
                            height: Height(tip.header.height),
                            hash: tip.hash(),
                            nodes: Vec::new(),
                        })
                        .nodes
                        .push(i);
                }
            }
        }
        let mut groups: Vec<TipGroup> = by_tip.into_values().collect();
        groups.sort_by(|a, b| {
            b.nodes
                .len()
                .cmp(&a.nodes.len())
                .then(b.height.cmp(&a.height))
                .then(a.hash.cmp(&b.hash))
        });
        Consensus {
            total: self.nodes.len(),
            groups,
            compromised,
        }
    }
}
