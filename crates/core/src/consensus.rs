//! The consensus-specific rules of proof of work's engine ([`crate::node`]), behind one enum:
//! what seals a header (here: the difficulty range and the hash below the target) and the
//! weight fork choice compares (here: the sum of 2^difficulty). Everything else (header
//! links, bodies, the state pass, the mempool) is shared.
//!
//! Proof of stake ([`crate::pos`]) is a second engine beside this one, not a variant here: its
//! blocks carry a slot and signatures instead of a nonce, and its fork choice (LMD-GHOST under
//! Casper FFG's finalized checkpoint) needs votes, not headers. What both engines share is the
//! ledger ([`crate::state::State`]: every account rule), the [`crate::mempool::Mempool`], the
//! transaction format and the simulated wire ([`crate::net::Mesh`]: links, partitions,
//! refusals, the queue).

use crate::block::Header;
use crate::pow;

/// How blocks are sealed and branches weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Consensus {
    /// Nakamoto proof of work: a nonce makes the header hash meet its difficulty; the branch
    /// with the most expected hashes wins.
    #[default]
    ProofOfWork,
}

impl Consensus {
    /// The fork-choice weight of a run of headers: for proof of work the expected hashes,
    /// the sum of 2^difficulty (saturating). The heavier branch wins; on a tie the current
    /// one stays.
    pub fn weight<'a>(self, headers: impl Iterator<Item = &'a Header>) -> u128 {
        match self {
            Self::ProofOfWork => {
                headers.fold(0u128, |acc, h| acc.saturating_add(pow::work(h.difficulty)))
            }
        }
    }
}

/// Fork choice's one comparison, used by every node, tab and sync: a branch of weight
/// `theirs` replaces one of weight `ours` only with strictly more; a tie keeps the current
/// branch (the one seen first).
pub fn is_heavier(theirs: u128, ours: u128) -> bool {
    theirs > ours
}
