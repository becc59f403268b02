//! A simulated proof-of-stake network: nodes with links that can be cut, validator clients
//! hosted on the nodes, and a clock in slots. Deterministic and driven in small steps (one
//! message delivered or one duty phase run per [`PosNetwork::step`]) so a page can run it in
//! slices without long tasks.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::net::{Envelope, Link, Mesh, Sent};

mod operations;
mod slot;
mod tabs;

pub use tabs::{Delivered, Handed};

use k256::ecdsa::SigningKey;

use crate::address::Address;
use crate::hash::Hash32;
use crate::node::network::node_name;

use super::client::{Behaviour, Client};
use super::duties::epoch_of;
use super::node::PosNode;
use super::state::{BeaconState, GenesisValidator};
use super::types::{Epoch, PosMessage, Slot, ValidatorIndex};
use super::{genesis_keys, genesis_root, PosParams};

/// Most nodes.
pub const MAX_POS_NODES: usize = 8;
/// The node that talks to other tabs: what it gossips goes out, what arrives comes in there.
pub const GATEWAY: usize = 0;
/// Events kept for the UI.
const EVENTS_KEPT: usize = 300;
/// Messages waiting, at most (a flood never exhausts memory).
const MAX_QUEUE: usize = 200_000;

/// What happened, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    Proposed,
    Missed,
    Refused,
    Slashed,
    Justified,
    Finalized,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub slot: Slot,
    pub kind: EventKind,
    pub text: String,
}

/// Where the slot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Propose,
    Attest,
    Done,
}

/// Counters for the comparison panel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub blocks: u64,
    pub missed: u64,
    pub messages: u64,
    pub lost: u64,
    pub refused: u64,
    /// (slot, epoch) each time the best finalized epoch over honest nodes rose.
    pub finality: Vec<(Slot, Epoch)>,
}

/// The network.
#[derive(Debug, Clone)]
pub struct PosNetwork {
    params: PosParams,
    nodes: Vec<PosNode>,
    clients: BTreeMap<Address, Client>,
    /// The links and the queue, the same wire as proof of work's; a link keeps the last
    /// refusal over it in words.
    mesh: Mesh<PosMessage, String>,
    compromised: BTreeSet<usize>,
    slot: Slot,
    phase: Phase,
    events: VecDeque<Event>,
    pub stats: Stats,
    best_finalized: Epoch,
    best_justified: Epoch,
    genesis: Hash32,
    /// How many genesis validators there were.
    genesis_count: usize,
    /// Whether what the gateway node gossips also goes to other tabs ([`Self::take_outbox`]).
    bridged: bool,
    /// Set while a message from another tab is delivered: it does not go back out.
    inbound: bool,
    outbox: Vec<PosMessage>,
    /// Validators another tab signs for, and whether that tab is still there.
    remote: BTreeMap<Address, bool>,
    /// Whether a slot phase has run (a network that has not may still [`Self::start_at`]).
    ran: bool,
}

impl PosNetwork {
    /// `nodes` nodes (1 to [`MAX_POS_NODES`]) and one genesis validator per stake (in wei,
    /// at most [`super::MAX_VALIDATORS`]): development account `i` for stake `i`, hosted
    /// round-robin; the execution ledger starts with `accounts`.
    pub fn new(
        params: PosParams,
        nodes: usize,
        stakes: &[u128],
        accounts: &[(Address, u128)],
    ) -> Self {
        let keys: Vec<SigningKey> = genesis_keys(stakes.len());
        let keys_len = keys.len();
        let genesis: Vec<GenesisValidator> = keys
            .iter()
            .zip(stakes)
            .map(|(k, s)| GenesisValidator {
                key: *k.verifying_key(),
                stake: *s,
            })
            .collect();
        let root = genesis_root(&genesis);
        let state = BeaconState::genesis(&params, &genesis, accounts, root);
        let n = nodes.clamp(1, MAX_POS_NODES);
        let clients = keys
            .into_iter()
            .enumerate()
            .map(|(i, k)| {
                let c = Client::new(k, i % n);
                (c.address, c)
            })
            .collect();
        Self {
            params,
            nodes: (0..n)
                .map(|_| PosNode::new(params, state.clone(), root))
                .collect(),
            clients,
            mesh: Mesh::new(n, MAX_QUEUE),
            compromised: BTreeSet::new(),
            slot: 0,
            phase: Phase::Done,
            events: VecDeque::new(),
            stats: Stats::default(),
            best_finalized: 0,
            best_justified: 0,
            genesis: root,
            genesis_count: keys_len,
            bridged: false,
            inbound: false,
            outbox: Vec::new(),
            ran: false,
            remote: BTreeMap::new(),
        }
    }

    pub fn params(&self) -> &PosParams {
        &self.params
    }

    pub fn nodes(&self) -> &[PosNode] {
        &self.nodes
    }

    pub fn slot(&self) -> Slot {
        self.slot
    }

    pub fn epoch(&self) -> Epoch {
        epoch_of(self.slot, self.params.slots_per_epoch)
    }

    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.events.iter()
    }

    pub fn pending(&self) -> usize {
        self.mesh.pending()
    }

    pub fn links(&self) -> &BTreeMap<(usize, usize), Link<String>> {
        self.mesh.links()
    }

    pub fn is_compromised(&self, node: usize) -> bool {
        self.compromised.contains(&node)
    }

    pub fn clients(&self) -> impl Iterator<Item = &Client> {
        self.clients.values()
    }

    pub fn client(&self, address: &Address) -> Option<&Client> {
        self.clients.get(address)
    }

    /// Signatures made by every validator.
    pub fn signatures_made(&self) -> u64 {
        self.clients.values().map(|c| c.signed).sum()
    }

    /// Signatures checked by every node.
    pub fn signatures_checked(&self) -> u64 {
        self.nodes.iter().map(|n| n.checked).sum()
    }

    fn log(&mut self, kind: EventKind, text: String) {
        if self.events.len() >= EVENTS_KEPT {
            self.events.pop_front();
        }
        self.events.push_back(Event {
            slot: self.slot,
            kind,
            text,
        });
    }

    fn link_up(&self, a: usize, b: usize) -> bool {
        self.mesh.is_up(a, b)
    }

    /// Cuts or restores a link; restoring makes both ends send each other what they hold.
    pub fn set_link(&mut self, a: usize, b: usize, up: bool) {
        if self.mesh.set_up(a, b, up) {
            self.resync(a, b);
        }
    }

    /// Both ends of a restored link send each other what they hold.
    fn resync(&mut self, a: usize, b: usize) {
        for (from, to) in [(a, b), (b, a)] {
            let now = self.slot;
            let msgs = self
                .nodes
                .get(from)
                .map(|n| n.sync_messages(now))
                .unwrap_or_default();
            for message in msgs {
                self.enqueue(from, to, message);
            }
        }
    }

    /// Splits the nodes into `0..at` and `at..`, cutting every link between the halves.
    pub fn partition(&mut self, at: usize) {
        self.mesh.partition(|i| i < at);
    }

    /// Restores every link; both ends of each restored one resync.
    pub fn heal(&mut self) {
        for (a, b) in self.mesh.heal() {
            self.resync(a, b);
        }
    }

    pub fn set_online(&mut self, address: &Address, online: bool) {
        if let Some(c) = self.clients.get_mut(address) {
            c.online = online;
        }
    }

    pub fn set_behaviour(&mut self, address: &Address, behaviour: Behaviour) {
        if let Some(c) = self.clients.get_mut(address) {
            c.behaviour = behaviour;
        }
    }

    /// The address of validator `index` in node 0's head state.
    pub fn validator_address(&self, index: ValidatorIndex) -> Option<Address> {
        self.nodes
            .first()?
            .head_state()?
            .validator(index)
            .map(|v| v.address)
    }

    /// Queues a message over an up link; one the full queue refuses counts as lost.
    fn enqueue(&mut self, from: usize, to: usize, message: PosMessage) {
        if self.mesh.send(from, to, message) == Sent::QueueFull {
            self.stats.lost += 1;
        }
    }

    fn broadcast(&mut self, from: usize, message: &PosMessage, except: Option<usize>) {
        if from == GATEWAY && self.bridged && !self.inbound && self.outbox.len() < MAX_QUEUE {
            self.outbox.push(message.clone());
        }
        self.stats.lost += self.mesh.broadcast(from, message, except);
    }

    /// Runs one unit of work: one message delivered, or one duty phase. Returns the slot.
    pub fn step(&mut self) -> Slot {
        if let Some(taken) = self.mesh.pop() {
            self.deliver(taken.envelope);
            return self.slot;
        }
        self.ran = true;
        match self.phase {
            Phase::Done => {
                self.slot += 1;
                self.phase = Phase::Propose;
                self.propose();
            }
            Phase::Propose => {
                self.phase = Phase::Attest;
                self.attest();
            }
            Phase::Attest => {
                self.phase = Phase::Done;
                self.note_checkpoints();
            }
        }
        self.slot
    }

    /// Runs until slot `slot` is over (every message of it delivered).
    pub fn run_to(&mut self, slot: Slot) {
        while self.slot < slot || self.phase != Phase::Done || self.mesh.pending() > 0 {
            self.step();
        }
    }

    /// Whether the current slot is over.
    pub fn slot_done(&self) -> bool {
        self.phase == Phase::Done && self.mesh.pending() == 0
    }

    fn note_checkpoints(&mut self) {
        let honest = (0..self.nodes.len()).filter(|i| !self.compromised.contains(i));
        let (mut fin, mut just) = (0, 0);
        for i in honest {
            if let Some(n) = self.nodes.get(i) {
                fin = fin.max(n.finalized().epoch);
                just = just.max(n.justified().epoch);
            }
        }
        if just > self.best_justified {
            self.best_justified = just;
            self.log(
                EventKind::Justified,
                format!(
                    "epoch {just} justified: at least 2/3 of the stake voted for its checkpoint"
                ),
            );
        }
        if fin > self.best_finalized {
            self.best_finalized = fin;
            self.stats.finality.push((self.slot, fin));
            self.log(
                EventKind::Finalized,
                format!("epoch {fin} finalized: the next checkpoint was justified on top of it"),
            );
        }
    }

    /// A compromised node gossips its head block with a changed body: honest peers refuse it.
    pub fn tamper(&mut self, node: usize) -> Option<Hash32> {
        let b = self
            .nodes
            .get(node)?
            .tampered_head(&format!("tampered by node {}", node_name(node)))?;
        self.compromised.insert(node);
        let root = b.root();
        self.broadcast(node, &PosMessage::Block(b), None);
        Some(root)
    }

    /// Delivers a message from outside (another tab, a file) to `node` as if a peer sent it:
    /// refused ones are logged with the reason; what it says happened comes back.
    pub fn inject(&mut self, node: usize, message: PosMessage) -> Delivered {
        let to = node.min(self.nodes.len().saturating_sub(1));
        self.deliver(Envelope {
            from: to,
            to,
            message,
        })
    }
}
