//! The chain: an ordered list of blocks from genesis, its validation report and its work.

use core::fmt;

use crate::block::{Block, Entry, HEADER_VERSION};
use crate::hash::{BlockHash, Hash32};
use crate::pow::{self, MAX_DIFFICULTY};
use crate::record::RecordError;

/// Most entries one block may carry.
pub const MAX_ENTRIES: usize = 1000;

/// Rules a chain is validated under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChainParams {
    /// Lowest difficulty a block after genesis may state.
    pub min_difficulty: u32,
}

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

/// Checks one block on its own and against its parent (`None` for genesis). Returns every
/// problem found, empty when valid. `position` is the block's index in the chain.
pub fn check_block(
    block: &Block,
    position: u64,
    parent: Option<&Block>,
    params: &ChainParams,
) -> Vec<BlockProblem> {
    let mut problems = Vec::new();
    let h = &block.header;
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
            if h.timestamp_ms < p.header.timestamp_ms {
                problems.push(BlockProblem::TimestampBeforeParent {
                    parent_ms: p.header.timestamp_ms,
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
    if h.difficulty > MAX_DIFFICULTY || h.difficulty < min {
        problems.push(BlockProblem::DifficultyOutOfRange {
            got: h.difficulty,
            min,
            max: MAX_DIFFICULTY,
        });
    }
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
    let hash = h.hash();
    let leading_zeros = pow::leading_zero_bits(hash.as_bytes());
    if leading_zeros < h.difficulty {
        problems.push(BlockProblem::InsufficientWork {
            difficulty: h.difficulty,
            leading_zeros,
            hash,
        });
    }
    for (index, entry) in block.entries.iter().enumerate() {
        match entry {
            Entry::Record(r) => {
                if let Err(error) = r.check() {
                    problems.push(BlockProblem::InvalidRecord { index, error });
                }
            }
        }
    }
    problems
}

/// Why a block was not appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendError {
    pub problems: Vec<BlockProblem>,
}

impl fmt::Display for AppendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reasons: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        write!(f, "block refused: {}", reasons.join("; "))
    }
}

impl std::error::Error for AppendError {}

/// A chain of blocks from genesis. It may hold invalid blocks (tamper mode edits them in place);
/// [`Chain::validate`] says which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    blocks: Vec<Block>,
}

impl Chain {
    /// A new chain holding only a genesis block stamped `timestamp_ms`.
    pub fn new(timestamp_ms: u64) -> Self {
        Self {
            blocks: vec![Block::candidate(None, timestamp_ms, 0, [0; 20], Vec::new())],
        }
    }

    /// Wraps stored blocks as they are, valid or not; `None` when there are none.
    pub fn from_blocks(blocks: Vec<Block>) -> Option<Self> {
        if blocks.is_empty() {
            None
        } else {
            Some(Self { blocks })
        }
    }

    /// All blocks, genesis first.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The last block.
    pub fn tip(&self) -> &Block {
        // A chain is never empty: `new` and `from_blocks` guarantee a genesis block.
        &self.blocks[self.blocks.len() - 1]
    }

    /// Number of blocks, genesis included.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Always false: a chain has at least its genesis block.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Appends a block after checking it against the tip.
    ///
    /// # Errors
    /// [`AppendError`] with every problem; the chain is unchanged.
    pub fn append(&mut self, block: Block, params: &ChainParams) -> Result<(), AppendError> {
        let problems = check_block(&block, self.blocks.len() as u64, Some(self.tip()), params);
        if !problems.is_empty() {
            return Err(AppendError { problems });
        }
        self.blocks.push(block);
        Ok(())
    }

    /// Replaces the block at `index` (tamper mode, re-mining). Returns false when out of range.
    pub fn replace(&mut self, index: usize, block: Block) -> bool {
        match self.blocks.get_mut(index) {
            Some(slot) => {
                *slot = block;
                true
            }
            None => false,
        }
    }

    /// Validates every block: links, hashes, proof of work, heights, timestamps, records.
    /// A block with no problem of its own after an invalid one is reported as descending from
    /// the first invalid block.
    pub fn validate(&self, params: &ChainParams) -> ValidationReport {
        let mut first_invalid: Option<u64> = None;
        let mut parent: Option<&Block> = None;
        let mut blocks = Vec::with_capacity(self.blocks.len());
        for (i, block) in self.blocks.iter().enumerate() {
            let position = i as u64;
            let mut problems = check_block(block, position, parent, params);
            if problems.is_empty() {
                if let Some(height) = first_invalid {
                    problems.push(BlockProblem::DescendsFromInvalid { height });
                }
            } else if first_invalid.is_none() {
                first_invalid = Some(position);
            }
            blocks.push(BlockVerdict {
                height: position,
                hash: block.hash(),
                problems,
            });
            parent = Some(block);
        }
        ValidationReport { blocks }
    }

    /// Total expected hashes behind the chain: the sum of 2^difficulty over its blocks.
    pub fn total_work(&self) -> u128 {
        self.blocks.iter().fold(0u128, |acc, b| {
            acc.saturating_add(pow::work(b.header.difficulty))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::block::tests::record;
    use crate::pow::{MiningJob, SearchOutcome};

    /// Mines `block` in place (test helper; low difficulties only).
    pub fn mine(block: &mut Block) {
        match MiningJob::new(&block.header).search(0, u64::MAX) {
            SearchOutcome::Found { nonce, .. } => block.header.nonce = nonce,
            SearchOutcome::Exhausted { .. } => panic!("no nonce found"),
        }
    }

    /// A valid chain with `n` mined blocks after genesis, one record each.
    pub fn mined_chain(n: u64, difficulty: u32) -> Chain {
        let mut chain = Chain::new(1_000);
        for i in 0..n {
            let mut b = Block::candidate(
                Some(chain.tip()),
                2_000 + i,
                difficulty,
                [0; 20],
                vec![record(u128::from(i) + 1)],
            );
            mine(&mut b);
            chain.append(b, &ChainParams::default()).unwrap();
        }
        chain
    }

    #[test]
    fn a_mined_chain_validates() {
        let chain = mined_chain(5, 6);
        let report = chain.validate(&ChainParams::default());
        assert!(report.is_valid(), "{report:?}");
        assert_eq!(report.blocks.len(), 6);
        assert_eq!(chain.total_work(), 1 + 5 * 64);
    }

    #[test]
    fn tampered_record_breaks_that_block_and_all_later_ones() {
        let mut chain = mined_chain(4, 8);
        let mut b = chain.blocks()[2].clone();
        let Entry::Record(r) = &mut b.entries[0];
        r.sender = "mallory".into();
        chain.replace(2, b);
        let report = chain.validate(&ChainParams::default());
        let v = &report.blocks;
        assert!(v[0].is_valid() && v[1].is_valid());
        assert!(matches!(
            v[2].problems[..],
            [BlockProblem::EntriesRootMismatch { .. }]
        ));
        assert_eq!(
            v[3].problems,
            vec![BlockProblem::DescendsFromInvalid { height: 2 }]
        );
        assert_eq!(
            v[4].problems,
            vec![BlockProblem::DescendsFromInvalid { height: 2 }]
        );
        assert_eq!(report.invalid_count(), 3);
    }

    #[test]
    fn tamper_with_recomputed_root_breaks_work_and_link() {
        let mut chain = mined_chain(3, 12);
        let mut b = chain.blocks()[1].clone();
        b.entries.push(record(99));
        b.header.entries_root = b.computed_root();
        chain.replace(1, b);
        let report = chain.validate(&ChainParams::default());
        // With 12 bits the chance the edited header still meets the target is 1/4096; the
        // fixture is deterministic and was checked not to.
        assert!(matches!(
            report.blocks[1].problems[..],
            [BlockProblem::InsufficientWork { difficulty: 12, .. }]
        ));
        assert!(matches!(
            report.blocks[2].problems[..],
            [BlockProblem::PrevHashMismatch { .. }]
        ));
        assert_eq!(
            report.blocks[3].problems,
            vec![BlockProblem::DescendsFromInvalid { height: 1 }]
        );
    }

    #[test]
    fn remining_repairs_the_chain() {
        let mut chain = mined_chain(3, 8);
        let mut b = chain.blocks()[1].clone();
        b.entries.push(record(99));
        b.header.entries_root = b.computed_root();
        chain.replace(1, b);
        for i in 1..chain.len() {
            let mut b = chain.blocks()[i].clone();
            b.header.prev_hash = chain.blocks()[i - 1].hash();
            mine(&mut b);
            chain.replace(i, b);
        }
        assert!(chain.validate(&ChainParams::default()).is_valid());
    }

    #[test]
    fn each_header_rule_has_its_own_problem() {
        let chain = mined_chain(2, 0);
        let params = ChainParams::default();
        let parent = &chain.blocks()[1];
        let good = chain.blocks()[2].clone();
        let check = |f: &dyn Fn(&mut Block)| {
            let mut b = good.clone();
            f(&mut b);
            check_block(&b, 2, Some(parent), &params)
        };
        assert_eq!(
            check(&|b| b.header.version = 9),
            vec![BlockProblem::UnsupportedVersion { got: 9 }]
        );
        assert_eq!(
            check(&|b| b.header.height = 5),
            vec![BlockProblem::HeightMismatch {
                expected: 2,
                got: 5
            }]
        );
        assert_eq!(
            check(&|b| b.header.timestamp_ms = 1),
            vec![BlockProblem::TimestampBeforeParent {
                parent_ms: parent.header.timestamp_ms,
                got_ms: 1
            }]
        );
        assert!(matches!(
            check(&|b| b.header.difficulty = 65)[..],
            [
                BlockProblem::DifficultyOutOfRange { got: 65, .. },
                BlockProblem::InsufficientWork { .. }
            ]
        ));
        assert!(matches!(
            check(&|b| b.header.prev_hash = BlockHash::ZERO)[..],
            [BlockProblem::PrevHashMismatch { .. }]
        ));
        let strict = ChainParams { min_difficulty: 4 };
        assert!(check_block(&good, 2, Some(parent), &strict).contains(
            &BlockProblem::DifficultyOutOfRange {
                got: 0,
                min: 4,
                max: MAX_DIFFICULTY
            }
        ));
        let mut bad_record = good.clone();
        let Entry::Record(r) = &mut bad_record.entries[0];
        r.receiver = String::new();
        bad_record.header.entries_root = bad_record.computed_root();
        assert!(check_block(&bad_record, 2, Some(parent), &params).contains(
            &BlockProblem::InvalidRecord {
                index: 0,
                error: RecordError::Empty {
                    field: crate::record::RecordField::Receiver
                }
            }
        ));
        let mut genesis = chain.blocks()[0].clone();
        genesis.header.prev_hash = BlockHash::from_bytes([1; 32]);
        assert!(matches!(
            check_block(&genesis, 0, None, &params)[..],
            [BlockProblem::GenesisParentNotZero { .. }]
        ));
    }

    #[test]
    fn append_refuses_a_bad_block_and_keeps_the_chain() {
        let mut chain = mined_chain(1, 4);
        let before = chain.clone();
        let b = Block::candidate(
            Some(chain.blocks().first().unwrap()),
            5_000,
            4,
            [0; 20],
            vec![],
        );
        let err = chain.append(b, &ChainParams::default()).unwrap_err();
        assert!(err
            .problems
            .iter()
            .any(|p| matches!(p, BlockProblem::HeightMismatch { .. })));
        assert_eq!(chain, before);
    }

    mod properties {
        use super::*;
        use crate::block::{Header, HEADER_LEN};
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn a_mined_chain_always_validates(n in 1u64..5, difficulty in 0u32..7) {
                prop_assert!(mined_chain(n, difficulty).validate(&ChainParams::default()).is_valid());
            }

            /// Any single-byte change to a header (of a block that has a child) invalidates the
            /// chain at that block or its child.
            #[test]
            fn flipping_any_header_byte_breaks_the_chain(at in 0usize..HEADER_LEN, mask in 1u8..=255, k in 0usize..3) {
                let mut chain = mined_chain(3, 6);
                let mut b = chain.blocks()[k].clone();
                let mut bytes = b.header.encode();
                bytes[at] ^= mask;
                b.header = Header::decode(&bytes);
                chain.replace(k, b);
                let report = chain.validate(&ChainParams::default());
                let first = report.first_invalid().map(|v| v.height);
                prop_assert!(first == Some(k as u64) || first == Some(k as u64 + 1), "{report:?}");
            }

            /// Any change to any field of any record invalidates that block.
            #[test]
            fn changing_any_record_field_breaks_the_block(field in 0usize..4, k in 1usize..4, mask in 1u128..u128::MAX, ch in proptest::char::any()) {
                let mut chain = mined_chain(3, 6);
                let mut b = chain.blocks()[k].clone();
                let Entry::Record(r) = &mut b.entries[0];
                match field {
                    0 => r.amount = crate::amount::Wei::from_wei(r.amount.as_wei() ^ mask),
                    1 => r.sender.push(ch),
                    2 => { r.receiver.pop(); }
                    _ => r.memo.insert(0, ch),
                }
                chain.replace(k, b);
                let report = chain.validate(&ChainParams::default());
                prop_assert_eq!(report.first_invalid().map(|v| v.height), Some(k as u64));
            }
        }
    }

    #[test]
    fn problems_read_as_sentences() {
        let p = BlockProblem::DescendsFromInvalid { height: 3 };
        assert_eq!(p.to_string(), "builds on invalid block #3");
    }
}
