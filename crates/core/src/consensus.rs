//! The consensus-specific rules, behind one enum so a second consensus plugs in beside proof
//! of work: what seals a header (here: the difficulty range and the hash below the target) and
//! the weight fork choice compares (here: the sum of 2^difficulty). Everything else (header
//! links, bodies, the state pass, the mempool) is shared.
//!
//! A proof-of-stake variant would add its seal (a slot instead of a nonce, the proposer's
//! signature over the header, attestations) and its weight (attested stake, a finalised
//! checkpoint no branch may drop) here; [`crate::check::check_header`] and the nodes' fork
//! choice call only these two methods.

use crate::block::Header;
use crate::check::BlockProblem;
use crate::pow::{self, MAX_DIFFICULTY};

/// How blocks are sealed and branches weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Consensus {
    /// Nakamoto proof of work: a nonce makes the header hash meet its difficulty; the branch
    /// with the most expected hashes wins.
    #[default]
    ProofOfWork,
}

impl Consensus {
    /// The header's seal: for proof of work, a difficulty from `min_difficulty` (the caller
    /// passes 0 for genesis) to [`MAX_DIFFICULTY`], and a hash with that many leading zero
    /// bits. Returns every problem, empty when sealed.
    pub fn check_seal(self, header: &Header, min_difficulty: u32) -> Vec<BlockProblem> {
        match self {
            Self::ProofOfWork => {
                let mut problems = Vec::new();
                let min = min_difficulty;
                if header.difficulty > MAX_DIFFICULTY || header.difficulty < min {
                    problems.push(BlockProblem::DifficultyOutOfRange {
                        got: header.difficulty,
                        min,
                        max: MAX_DIFFICULTY,
                    });
                }
                let hash = header.hash();
                let leading_zeros = pow::leading_zero_bits(hash.as_bytes());
                if leading_zeros < header.difficulty {
                    problems.push(BlockProblem::InsufficientWork {
                        difficulty: header.difficulty,
                        leading_zeros,
                        hash,
                    });
                }
                problems
            }
        }
    }

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
