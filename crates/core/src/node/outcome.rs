//! What a node answers: the messages peers send each other, and what became of a block or a
//! transaction ([`Reception`], [`Rejection`], [`Reorg`]).

use core::fmt;

use crate::block::{Block, Height};
use crate::chain::BlockProblem;
use crate::hash::BlockHash;
use crate::mempool::{AddOutcome, MempoolError};
use crate::tx::{SignedTx, TxError};

/// What peers send each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A block (new, relayed, or part of an answer).
    Block(Block),
    /// The answer to [`Message::GetBlocks`]: consecutive blocks, oldest first.
    Blocks(Vec<Block>),
    /// A signed transaction.
    Tx(SignedTx),
    /// Asks for the blocks leading to `want`, after the newest of `have` the peer holds.
    GetBlocks {
        want: BlockHash,
        have: Vec<BlockHash>,
    },
}

/// A switch to a heavier branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reorg {
    /// Height of the last block both branches share.
    pub fork_height: Height,
    /// How many blocks were taken off the old branch.
    pub depth: usize,
    /// The blocks taken off, oldest first.
    pub dropped: Vec<BlockHash>,
    /// The blocks of the new branch after the fork, oldest first.
    pub adopted: Vec<BlockHash>,
    /// How many transactions of the dropped blocks went back to the mempool.
    pub returned_txs: usize,
    /// Total work of the old and of the new chain.
    pub old_work: u128,
    pub new_work: u128,
}

impl fmt::Display for Reorg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reorg of depth {} at block #{}: {} block(s) dropped, {} adopted (work {} -> {}), {} transaction(s) back in the mempool",
            self.depth,
            self.fork_height,
            self.dropped.len(),
            self.adopted.len(),
            self.old_work,
            self.new_work,
            self.returned_txs
        )
    }
}

/// Why a block was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    /// The block breaks these rules (against its parent and the state on its branch).
    Invalid(Vec<BlockProblem>),
    /// Its parent (or an earlier ancestor) was found invalid.
    DescendsFromInvalid { ancestor: BlockHash },
    /// A genesis block other than this node's.
    OtherGenesis,
    /// The node keeps no more side-branch blocks.
    SideTreeFull,
}

/// A refused block: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub height: Height,
    pub hash: BlockHash,
    pub reason: RejectReason,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block #{} {:#} refused: ", self.height, self.hash)?;
        match &self.reason {
            RejectReason::Invalid(problems) => {
                let words: Vec<String> = problems.iter().map(ToString::to_string).collect();
                f.write_str(&words.join("; "))
            }
            RejectReason::DescendsFromInvalid { ancestor } => {
                write!(f, "it builds on invalid block {ancestor:#}")
            }
            RejectReason::OtherGenesis => f.write_str("it is another chain's genesis block"),
            RejectReason::SideTreeFull => f.write_str("too many side-branch blocks are kept"),
        }
    }
}

/// What a node did with a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reception {
    /// Appended on the tip.
    Extended { height: Height, hash: BlockHash },
    /// Its branch is now the heaviest: the node switched to it.
    Reorganised(Reorg),
    /// Valid, but its branch has no more work than the active chain: kept aside.
    SideBranch {
        height: Height,
        hash: BlockHash,
        branch_work: u128,
        active_work: u128,
    },
    /// This very block is known already.
    AlreadyKnown { hash: BlockHash },
    /// Its parent is unknown: ask the sender for the blocks before it.
    MissingParent { hash: BlockHash, parent: BlockHash },
    /// Refused.
    Rejected(Rejection),
}

impl Reception {
    /// Whether the block was new and valid (worth relaying).
    pub fn is_new_valid(&self) -> bool {
        matches!(
            self,
            Self::Extended { .. } | Self::Reorganised(_) | Self::SideBranch { .. }
        )
    }
}

/// Why a transaction from a peer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxRejection {
    /// No sender can be recovered from the signature.
    Unrecoverable(TxError),
    /// The mempool refused it.
    Refused(MempoolError),
}

impl fmt::Display for TxRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unrecoverable(e) => write!(f, "transaction refused: {e}"),
            Self::Refused(e) => write!(f, "transaction refused: {e}"),
        }
    }
}

/// What handling one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    Block(Reception),
    /// What became of each block of an answer, in order.
    Blocks(Vec<Reception>),
    Tx(Result<AddOutcome, TxRejection>),
    /// Answered a [`Message::GetBlocks`] with this many blocks.
    Served(usize),
}

/// The node's answer to a message: what happened, what to send back to the sender, and what
/// to relay to its other peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub handled: Handled,
    pub reply: Vec<Message>,
    pub relay: Option<Message>,
}

/// One block a node knows, for drawing its fork tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeBlock {
    pub height: Height,
    pub hash: BlockHash,
    pub parent: BlockHash,
    pub difficulty: u32,
    /// On the active chain (else on a side branch).
    pub active: bool,
}

/// Where a node first finds its own chain invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compromise {
    pub height: Height,
    pub problems: Vec<BlockProblem>,
}

impl fmt::Display for Compromise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        write!(f, "invalid at block {}: {}", self.height, words.join("; "))
    }
}
