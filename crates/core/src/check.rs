//! The block rules that need no account state: one header check ([`check_header`], shared by
//! block validation and the peers' headers-first sync) and the body's structure
//! ([`check_block`]), with the typed problems ([`BlockProblem`]) and the chain's report.

use core::fmt;

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry, Header, HEADER_VERSION};
use crate::consensus::Consensus;
use crate::hash::{BlockHash, Hash32, TxHash};
use crate::params::{ChainParams, MAX_ENTRIES};
use crate::pow::{self, MAX_DIFFICULTY};
use crate::record::RecordError;
use crate::rules::TxRuleError;

/// One reason a block is invalid, with the values that disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockProblem {
    /// The header version is not one this build understands.
    UnsupportedVersion { got: u32 },
    /// The block is not at the height its position says.
    HeightMismatch { expected: u64, got: u64 },
    /// The genesis block must have the all-zero parent.
    GenesisParentNotZero { got: BlockHash },
    /// The block does not link to its parent's actual hash.
    PrevHashMismatch { expected: BlockHash, got: BlockHash },
    /// The body does not match the root the header commits to.
    EntriesRootMismatch { header: Hash32, computed: Hash32 },
    /// The stated difficulty is outside the allowed range.
    DifficultyOutOfRange { got: u32, min: u32, max: u32 },
    /// The hash does not have enough leading zero bits.
    InsufficientWork {
        difficulty: u32,
        leading_zeros: u32,
        hash: BlockHash,
    },
    /// The timestamp is earlier than the parent's.
    TimestampBeforeParent { parent_ms: u64, got_ms: u64 },
    /// The body holds more entries than a block may.
    TooManyEntries { got: usize, max: usize },
    /// An entry breaks the record rules.
    InvalidRecord { index: usize, error: RecordError },
    /// A transaction breaks the rules (signature, sender, chain id, nonce, balance, fees).
    InvalidTransaction {
        index: usize,
        hash: TxHash,
        error: TxRuleError,
    },
    /// The coinbase pays another amount than block reward plus priority fees.
    BadCoinbase { expected: Wei, got: Wei },
    /// The coinbase pays someone else than the header's beneficiary.
    CoinbaseNotToBeneficiary { to: Address, beneficiary: Address },
    /// A coinbase that is not the first entry, a second one, or one in genesis.
    CoinbaseMisplaced { index: usize },
    /// An allocation outside the genesis block.
    AllocOutsideGenesis { index: usize },
    /// Genesis allocations that add up beyond what a balance can hold.
    AllocOverflow { index: usize },
    /// The transaction's gas limit does not fit in what is left of the block gas limit.
    BlockGasLimitExceeded {
        index: usize,
        used: u64,
        gas_limit: u64,
        limit: u64,
    },
    /// The block itself is fine, but an earlier block is invalid.
    DescendsFromInvalid { height: u64 },
}

impl fmt::Display for BlockProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedVersion { got } => {
                write!(f, "header version {got} is not supported (expected {HEADER_VERSION})")
            }
            Self::HeightMismatch { expected, got } => {
                write!(f, "height is {got} but the block is at position {expected}")
            }
            Self::GenesisParentNotZero { got } => {
                write!(f, "the genesis block's previous hash must be all zeros, not {got:#}")
            }
            Self::PrevHashMismatch { expected, got } => write!(
                f,
                "previous hash {got:#} does not match the parent block's hash {expected:#}"
            ),
            Self::EntriesRootMismatch { header, computed } => write!(
                f,
                "the records do not match the header: they hash to root {computed:#}, the header commits to {header:#}"
            ),
            Self::DifficultyOutOfRange { got, min, max } => {
                write!(f, "difficulty {got} is outside the allowed range {min} to {max}")
            }
            Self::InsufficientWork { difficulty, leading_zeros, hash } => write!(
                f,
                "proof of work fails: hash {hash:#} has {leading_zeros} leading zero bits, the difficulty needs {difficulty}"
            ),
            Self::TimestampBeforeParent { parent_ms, got_ms } => write!(
                f,
                "timestamp {got_ms} ms is earlier than the parent's {parent_ms} ms"
            ),
            Self::TooManyEntries { got, max } => {
                write!(f, "the block holds {got} records, at most {max} are allowed")
            }
            Self::InvalidRecord { index, error } => write!(f, "record {}: {error}", index + 1),
            Self::InvalidTransaction { index, hash, error } => {
                write!(f, "transaction {} ({hash:#}): {error}", index + 1)
            }
            Self::BadCoinbase { expected, got } => write!(
                f,
                "bad coinbase amount: expected {expected} ETH (block reward + priority fees), got {got} ETH"
            ),
            Self::CoinbaseNotToBeneficiary { to, beneficiary } => write!(
                f,
                "the coinbase pays {to}, not the block's beneficiary {beneficiary}"
            ),
            Self::CoinbaseMisplaced { index } => write!(
                f,
                "entry {}: a coinbase may only be the first entry of a block after genesis",
                index + 1
            ),
            Self::AllocOutsideGenesis { index } => write!(
                f,
                "entry {}: only the genesis block may allocate funds",
                index + 1
            ),
            Self::AllocOverflow { index } => write!(
                f,
                "entry {}: the allocations add up to more than a balance can hold",
                index + 1
            ),
            Self::BlockGasLimitExceeded {
                index,
                used,
                gas_limit,
                limit,
            } => write!(
                f,
                "transaction {}: its gas limit {gas_limit} does not fit the block ({used} of {limit} gas already used)",
                index + 1
            ),
            Self::DescendsFromInvalid { height } => {
                write!(f, "builds on invalid block #{height}")
            }
        }
    }
}

/// The verdict on one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockVerdict {
    pub height: u64,
    pub hash: BlockHash,
    /// Empty when the block is valid.
    pub problems: Vec<BlockProblem>,
}

impl BlockVerdict {
    /// Whether the block is valid.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The verdict on every block of a chain, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationReport {
    pub blocks: Vec<BlockVerdict>,
}

impl ValidationReport {
    /// Whether every block is valid.
    pub fn is_valid(&self) -> bool {
        self.blocks.iter().all(BlockVerdict::is_valid)
    }

    /// The first invalid block's verdict, if any.
    pub fn first_invalid(&self) -> Option<&BlockVerdict> {
        self.blocks.iter().find(|v| !v.is_valid())
    }

    /// How many blocks are invalid.
    pub fn invalid_count(&self) -> usize {
        self.blocks.iter().filter(|v| !v.is_valid()).count()
    }
}

/// A header that breaks a rule, in a run of headers (the peers' headers-first sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    pub height: u64,
    /// Boxed: a [`BlockProblem`] is large and the error travels through `Result`s.
    pub problem: Box<BlockProblem>,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "header #{}: {}", self.height, self.problem)
    }
}

impl std::error::Error for HeaderError {}

/// The header rules, the one place they are written: version, height at its position, the
/// link to the parent (`None` for genesis) and a timestamp no earlier than the parent's, then
/// the consensus' own seal ([`check_seal`]: for proof of work the
/// difficulty range and the hash). Returns every problem, empty when the header is valid.
pub fn check_header(
    h: &Header,
    position: u64,
    parent: Option<&Header>,
    params: &ChainParams,
) -> Vec<BlockProblem> {
    let mut problems = Vec::new();
    if h.version != HEADER_VERSION {
        problems.push(BlockProblem::UnsupportedVersion { got: h.version });
    }
    if h.height != position {
        problems.push(BlockProblem::HeightMismatch {
            expected: position,
            got: h.height,
        });
    }
    match parent {
        None => {
            if h.prev_hash != BlockHash::ZERO {
                problems.push(BlockProblem::GenesisParentNotZero { got: h.prev_hash });
            }
        }
        Some(p) => {
            let expected = p.hash();
            if h.prev_hash != expected {
                problems.push(BlockProblem::PrevHashMismatch {
                    expected,
                    got: h.prev_hash,
                });
            }
            if h.timestamp_ms < p.timestamp_ms {
                problems.push(BlockProblem::TimestampBeforeParent {
                    parent_ms: p.timestamp_ms,
                    got_ms: h.timestamp_ms,
                });
            }
        }
    }
    let min = if parent.is_some() {
        params.min_difficulty
    } else {
        0
    };
    problems.extend(check_seal(params.consensus, h, min));
    problems
}

/// Checks `headers` as a run on top of `parent` with [`check_header`]; returns their
/// fork-choice weight.
///
/// # Errors
/// The first header that breaks a rule, with its first problem.
pub fn check_header_run(
    parent: &Header,
    headers: &[Header],
    params: &ChainParams,
) -> Result<u128, HeaderError> {
    let mut prev = parent;
    for h in headers {
        let position = prev.height.saturating_add(1);
        if let Some(problem) = check_header(h, position, Some(prev), params)
            .into_iter()
            .next()
        {
            return Err(HeaderError {
                height: h.height,
                problem: Box::new(problem),
            });
        }
        prev = h;
    }
    Ok(params.consensus.weight(headers.iter()))
}

/// Checks one block on its own and against its parent (`None` for genesis): the header
/// ([`check_header`]), then the body's structure. Returns every problem found, empty when
/// valid. `position` is the block's index in the chain.
pub fn check_block(
    block: &Block,
    position: u64,
    parent: Option<&Block>,
    params: &ChainParams,
) -> Vec<BlockProblem> {
    let h = &block.header;
    let mut problems = check_header(h, position, parent.map(|p| &p.header), params);
    if block.entries.len() > MAX_ENTRIES {
        problems.push(BlockProblem::TooManyEntries {
            got: block.entries.len(),
            max: MAX_ENTRIES,
        });
    }
    let computed = block.computed_root();
    if computed != h.entries_root {
        problems.push(BlockProblem::EntriesRootMismatch {
            header: h.entries_root,
            computed,
        });
    }
    for (index, entry) in block.entries.iter().enumerate() {
        match entry {
            Entry::Record(r) => {
                if let Err(error) = r.check() {
                    problems.push(BlockProblem::InvalidRecord { index, error });
                }
            }
            // Value-moving entries are judged by the state pass (`State::apply_block`).
            Entry::Tx { .. } | Entry::Coinbase { .. } | Entry::Alloc { .. } => {}
        }
    }
    problems
}

/// The header's seal: for proof of work, a difficulty from `min_difficulty` (the caller
/// passes 0 for genesis) to [`MAX_DIFFICULTY`], and a hash with that many leading zero
/// bits. Returns every problem, empty when sealed.
pub fn check_seal(consensus: Consensus, header: &Header, min_difficulty: u32) -> Vec<BlockProblem> {
    match consensus {
        Consensus::ProofOfWork => {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;
    use crate::chain::tests::{mine, mined_chain};

    /// One header rule, two callers: a header broken in each way gives block validation and
    /// the peers' headers-first sync the same problem.
    #[test]
    fn blocks_and_header_runs_share_one_header_check() {
        let params = ChainParams {
            min_difficulty: 2,
            ..ChainParams::default()
        };
        let chain = mined_chain(2, 4);
        let (parent, good) = (&chain.blocks()[0], &chain.blocks()[1]);
        assert_eq!(check_block(good, 1, Some(parent), &params), vec![]);
        let run =
            check_header_run(&parent.header, std::slice::from_ref(&good.header), &params).unwrap();
        assert_eq!(run, 16);

        let breaks: [fn(&mut Header); 5] = [
            |h| h.version += 1,
            |h| h.height += 1,
            |h| h.prev_hash = BlockHash::ZERO,
            |h| h.timestamp_ms = 0,
            |h| h.difficulty = 1,
        ];
        for (i, broken) in breaks.iter().enumerate() {
            let mut block = good.clone();
            broken(&mut block.header);
            mine(&mut block);
            let from_block = check_block(&block, 1, Some(parent), &params);
            let from_run =
                check_header_run(&parent.header, std::slice::from_ref(&block.header), &params)
                    .unwrap_err();
            assert_eq!(*from_run.problem, from_block[0], "break {i}");
            assert_eq!(from_run.height, block.header.height);
        }
        // Work: an unmined header fails the consensus seal in both.
        let mut unmined = good.clone();
        unmined.header.nonce = unmined.header.nonce.wrapping_add(1);
        while crate::pow::leading_zero_bits(unmined.header.hash().as_bytes()) >= 4 {
            unmined.header.nonce = unmined.header.nonce.wrapping_add(1);
        }
        let e = check_header_run(
            &parent.header,
            std::slice::from_ref(&unmined.header),
            &params,
        )
        .unwrap_err();
        assert!(matches!(*e.problem, BlockProblem::InsufficientWork { .. }));
        assert!(check_block(&unmined, 1, Some(parent), &params).contains(&e.problem));
    }
}
