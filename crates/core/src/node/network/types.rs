//! What the simulated network reports: links and their last refusal, messages in flight, what
//! a delivery did, the latest reorganisation, the nodes' agreement, and its errors.

use core::fmt;

use super::node_name;
use crate::block::Height;
use crate::hash::BlockHash;
use crate::node::{Compromise, Handled, Message, Rejection, Reorg, TamperError, TxRejection};

/// The last refusal seen on a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRejection {
    /// The node that sent the block.
    pub from: usize,
    /// The node that refused it.
    pub to: usize,
    pub rejection: Rejection,
}

impl fmt::Display for LinkRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "node {} rejected from node {}: {}",
            node_name(self.to),
            node_name(self.from),
            self.rejection
        )
    }
}

/// A link between two nodes: up or cut, and the last block refused over it.
pub type Link = crate::net::Link<LinkRejection>;

/// A message in flight.
pub type Envelope = crate::net::Envelope<Message>;

/// What delivering one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The link was down: the message is lost.
    Lost { from: usize, to: usize },
    /// The receiver no longer exists.
    Gone { to: usize },
    /// The receiver handled it.
    Handled {
        from: usize,
        to: usize,
        handled: Handled,
    },
}

/// A reorganisation seen on one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReorgNotice {
    pub node: usize,
    pub reorg: Reorg,
}

impl fmt::Display for ReorgNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}: {}", node_name(self.node), self.reorg)
    }
}

/// Nodes that share a tip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipGroup {
    pub height: Height,
    pub hash: BlockHash,
    pub nodes: Vec<usize>,
}

/// Which nodes agree, and which copies are compromised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consensus {
    pub total: usize,
    /// Nodes with a valid chain grouped by tip, largest group first (ties: higher, then by
    /// hash).
    pub groups: Vec<TipGroup>,
    /// Nodes whose own chain is invalid, with where and why.
    pub compromised: Vec<(usize, Compromise)>,
}

impl Consensus {
    /// The group most nodes agree on.
    pub fn majority(&self) -> Option<&TipGroup> {
        self.groups.first()
    }
}

impl fmt::Display for Consensus {
    /// "3 of 4 nodes agree on block N hash 0x…; node C's chain is invalid at block K: reason".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.majority() {
            Some(g) => write!(
                f,
                "{} of {} nodes agree on block {} hash {:#}",
                g.nodes.len(),
                self.total,
                g.height,
                g.hash
            )?,
            None => write!(f, "0 of {} nodes have a valid chain", self.total)?,
        }
        for g in self.groups.iter().skip(1) {
            let names: Vec<String> = g.nodes.iter().map(|i| node_name(*i)).collect();
            write!(
                f,
                "; node{} {} {} on block {} hash {:#}",
                if names.len() > 1 { "s" } else { "" },
                names.join(", "),
                if names.len() > 1 { "are" } else { "is" },
                g.height,
                g.hash
            )?;
        }
        for (i, c) in &self.compromised {
            write!(f, "; node {}'s chain is {c}", node_name(*i))?;
        }
        Ok(())
    }
}

/// An action on the simulated network that could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkError {
    /// There is no node at this index.
    NoSuchNode { index: usize },
    /// The node refused the transaction.
    Tx(TxRejection),
    /// The tamper could not be done.
    Tamper(TamperError),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchNode { index } => write!(f, "there is no node {}", node_name(*index)),
            Self::Tx(e) => e.fmt(f),
            Self::Tamper(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for NetworkError {}
