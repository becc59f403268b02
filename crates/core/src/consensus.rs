//! The consensus-specific rules, behind one enum so a second consensus plugs in beside proof
//! of work: what seals a header (here: the difficulty range and the hash below the target) and
//! the weight fork choice compares (here: the sum of 2^difficulty). Everything else (header
//! links, bodies, the state pass, the mempool) is shared.
//!
//! A proof-of-stake variant would add its seal (a slot instead of a nonce, the proposer's
//! signature over the header, attestations) and its weight (attested stake, a finalised
//! checkpoint no branch may drop): its weight here, its seal in [`crate::check::check_seal`]
//! (which matches on this enum, so the rules' modules never import each other back).

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
