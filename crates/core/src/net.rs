//! The simulated wire both consensus engines run on ([`crate::node::network::Network`] for
//! proof of work, [`crate::pos::sim::PosNetwork`] for proof of stake): a full mesh of links
//! that can be cut and restored, each keeping the last refusal seen on it, and one bounded
//! queue of messages delivered in order. Generic over the message (`M`) and the refusal (`R`);
//! what a node does with a message, and what it resends when a link comes back, is the
//! engine's.
//!
//! A message is queued only while its link is up, and one whose link was cut while it waited
//! is lost at delivery ([`Mesh::pop`] hands it over with [`Taken::link_up`] false): the
//! same partition rules for both engines.

use std::collections::{BTreeMap, VecDeque};

/// A link between two nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<R> {
    pub up: bool,
    /// The last refusal seen on this link (either way).
    pub last_rejection: Option<R>,
}

/// A message in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<M> {
    pub from: usize,
    pub to: usize,
    pub message: M,
}

/// A message taken off the queue, and whether its link is still up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken<M> {
    pub envelope: Envelope<M>,
    pub link_up: bool,
}

/// What became of a message handed to [`Mesh::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Queued,
    /// Its link is down, or it was addressed to its sender: not sent.
    NoLink,
    /// The queue was full: the message is lost.
    QueueFull,
}

/// Links keyed by (lower index, higher index), and the queue.
#[derive(Debug, Clone)]
pub struct Mesh<M, R> {
    nodes: usize,
    links: BTreeMap<(usize, usize), Link<R>>,
    queue: VecDeque<Envelope<M>>,
    capacity: usize,
}

/// The key of the link between `a` and `b`.
pub fn key(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

impl<M: Clone, R> Mesh<M, R> {
    /// `nodes` nodes, every pair linked and up; at most `capacity` messages wait.
    pub fn new(nodes: usize, capacity: usize) -> Self {
        let mut mesh = Self {
            nodes: 0,
            links: BTreeMap::new(),
            queue: VecDeque::new(),
            capacity,
        };
        for _ in 0..nodes {
            mesh.add_node();
        }
        mesh
    }

    /// How many nodes the mesh links.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// Adds a node linked to every other; returns its index.
    pub fn add_node(&mut self) -> usize {
        let new = self.nodes;
        for other in 0..new {
            self.links.insert(
                (other, new),
                Link {
                    up: true,
                    last_rejection: None,
                },
            );
        }
        self.nodes += 1;
        new
    }

    /// Removes the last node, its links and the messages to or from it.
    pub fn remove_last(&mut self) {
        let Some(gone) = self.nodes.checked_sub(1) else {
            return;
        };
        self.nodes = gone;
        self.links.retain(|(a, b), _| *a != gone && *b != gone);
        self.queue.retain(|e| e.from != gone && e.to != gone);
    }

    /// Every link, by (lower, higher) node index.
    pub fn links(&self) -> &BTreeMap<(usize, usize), Link<R>> {
        &self.links
    }

    pub fn link(&self, a: usize, b: usize) -> Option<&Link<R>> {
        self.links.get(&key(a, b))
    }

    /// Whether `a` can send to `b` now (a node always reaches itself).
    pub fn is_up(&self, a: usize, b: usize) -> bool {
        a == b || self.link(a, b).is_some_and(|l| l.up)
    }

    /// Cuts or restores the link between `a` and `b`. True when it was down and is now up:
    /// the engine then has both ends resend what the other may have missed.
    pub fn set_up(&mut self, a: usize, b: usize, up: bool) -> bool {
        let Some(link) = self.links.get_mut(&key(a, b)) else {
            return false;
        };
        let restored = up && !link.up;
        link.up = up;
        restored
    }

    /// Cuts every link between the nodes for which `side` holds and the others (a
    /// partition).
    pub fn partition(&mut self, side: impl Fn(usize) -> bool) {
        for ((a, b), link) in &mut self.links {
            if side(*a) != side(*b) {
                link.up = false;
            }
        }
    }

    /// Restores every link; returns the links that were down (to resync).
    pub fn heal(&mut self) -> Vec<(usize, usize)> {
        let mut restored = Vec::new();
        for (k, link) in &mut self.links {
            if !link.up {
                link.up = true;
                restored.push(*k);
            }
        }
        restored
    }

    /// Notes a refusal on the link between `a` and `b`.
    pub fn note_rejection(&mut self, a: usize, b: usize, rejection: R) {
        if let Some(link) = self.links.get_mut(&key(a, b)) {
            link.last_rejection = Some(rejection);
        }
    }

    /// Queues `message` from `from` to `to` (another node) when their link is up and the
    /// queue has room.
    pub fn send(&mut self, from: usize, to: usize, message: M) -> Sent {
        if from == to || !self.is_up(from, to) {
            return Sent::NoLink;
        }
        if self.queue.len() >= self.capacity {
            return Sent::QueueFull;
        }
        self.queue.push_back(Envelope { from, to, message });
        Sent::Queued
    }

    /// Sends `message` from `from` to every connected node but itself and `except`. Returns
    /// how many copies the full queue lost.
    pub fn broadcast(&mut self, from: usize, message: &M, except: Option<usize>) -> u64 {
        let mut lost = 0;
        for to in 0..self.nodes {
            if to != from
                && Some(to) != except
                && self.send(from, to, message.clone()) == Sent::QueueFull
            {
                lost += 1;
            }
        }
        lost
    }

    /// Takes the next message, with whether its link is still up.
    pub fn pop(&mut self) -> Option<Taken<M>> {
        let envelope = self.queue.pop_front()?;
        let link_up = self.is_up(envelope.from, envelope.to);
        Some(Taken { envelope, link_up })
    }

    /// Messages waiting.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestMesh = Mesh<u32, &'static str>;

    #[test]
    fn a_full_mesh_with_every_link_up() {
        let m = TestMesh::new(4, 10);
        assert_eq!(m.links().len(), 6);
        assert!((0..4).all(|a| (0..4).all(|b| m.is_up(a, b))));
        assert!(!m.is_up(0, 4), "no such node");
    }

    #[test]
    fn a_partition_cuts_only_the_links_between_the_sides_and_heal_restores_them() {
        let mut m = TestMesh::new(4, 10);
        m.partition(|i| i < 2);
        assert!(m.is_up(0, 1) && m.is_up(2, 3));
        assert!(!m.is_up(0, 2) && !m.is_up(1, 3) && !m.is_up(3, 0));
        assert_eq!(m.heal(), vec![(0, 2), (0, 3), (1, 2), (1, 3)]);
        assert!(m.heal().is_empty());
    }

    #[test]
    fn messages_go_only_over_up_links_and_are_lost_when_cut_in_flight() {
        let mut m = TestMesh::new(3, 10);
        m.set_up(0, 2, false);
        m.broadcast(0, &7, None);
        assert_eq!(m.pending(), 1, "only to node 1");
        m.set_up(0, 1, false);
        let taken = m.pop().unwrap();
        assert_eq!((taken.envelope.to, taken.link_up), (1, false));
        assert!(m.set_up(0, 1, true), "restored");
        assert!(!m.set_up(0, 1, true), "already up");
        assert!(m.is_up(1, 1), "a node reaches itself");
        assert_eq!(
            m.send(1, 1, 3),
            Sent::NoLink,
            "but does not queue to itself"
        );
    }

    #[test]
    fn the_queue_is_bounded_and_says_what_it_refused() {
        let mut m = TestMesh::new(3, 3);
        let sent: Vec<Sent> = (0..4).map(|i| m.send(0, 1, i)).collect();
        assert_eq!(
            sent,
            [Sent::Queued, Sent::Queued, Sent::Queued, Sent::QueueFull]
        );
        assert_eq!(m.pending(), 3);
        m.pop();
        assert_eq!(m.broadcast(0, &9, None), 1, "one copy queued, one lost");
        assert_eq!(m.pending(), 3);
    }

    #[test]
    fn removing_a_node_drops_its_links_and_messages_and_refusals_stay_on_their_link() {
        let mut m = TestMesh::new(3, 10);
        m.send(0, 2, 1);
        m.send(0, 1, 2);
        m.note_rejection(2, 1, "bad block");
        assert_eq!(m.link(1, 2).unwrap().last_rejection, Some("bad block"));
        m.remove_last();
        assert_eq!((m.nodes(), m.links().len(), m.pending()), (2, 1, 1));
        assert_eq!(m.add_node(), 2);
        assert!(m.link(1, 2).unwrap().last_rejection.is_none());
    }
}
