//! The chain: an ordered list of blocks from genesis, its validation report and its work.

use core::fmt;

use crate::block::{Block, Entry};
use crate::genesis::{dev_allocations, genesis_block};
use crate::state::{AssumedSenderMismatch, BlockOutcome, SenderCache, State};

pub use crate::check::{
    check_block, check_header, check_header_run, BlockProblem, BlockVerdict, HeaderError,
    ValidationReport,
};
pub use crate::params::{ChainParams, LAB_CHAIN_ID, MAX_ENTRIES};

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

/// What the chain knows about its valid prefix, derived from the blocks and never stored:
/// rebuilt on load, on replacement (tamper mode), on reorganisation and when the params change;
/// extended on append.
#[derive(Debug, Clone)]
struct Tip {
    params: ChainParams,
    /// How many blocks from genesis are valid (structure and state).
    valid_len: usize,
    /// The state after those blocks.
    state: State,
    /// What applying each of those blocks did (receipts for the explorer).
    outcomes: Vec<BlockOutcome>,
    /// Senders recovered so far, reused by every later validation.
    senders: SenderCache,
}

/// A sender read back from storage that turned out not to be its transaction's signer
/// ([`Chain::check_stored_senders`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSenderMismatch {
    /// The block holding the transaction.
    pub height: u64,
    pub mismatch: AssumedSenderMismatch,
}

impl fmt::Display for StoredSenderMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.mismatch;
        match &m.signer {
            Ok(signer) => write!(
                f,
                "block #{}: stored transaction {} claims sender {} but was signed by {}",
                self.height, m.tx, m.claimed, signer
            ),
            Err(e) => write!(
                f,
                "block #{}: stored transaction {} claims sender {} but its signature does not recover ({e})",
                self.height, m.tx, m.claimed
            ),
        }
    }
}

/// A chain of blocks from genesis. It may hold invalid blocks (tamper mode edits them in place);
/// [`Chain::validate`] says which. The chain caches the state at the end of its valid prefix
/// ([`Chain::state`]) and the senders it has recovered.
#[derive(Debug, Clone)]
pub struct Chain {
    blocks: Vec<Block>,
    tip: Tip,
}

/// Two chains are equal when their blocks are: everything else is derived from them.
impl PartialEq for Chain {
    fn eq(&self, other: &Self) -> bool {
        self.blocks == other.blocks
    }
}

impl Eq for Chain {}

impl Chain {
    /// A new lab chain: a genesis block stamped `timestamp_ms` that funds the public
    /// development accounts ([`crate::genesis::dev_allocations`]), under the default params.
    pub fn new(timestamp_ms: u64) -> Self {
        Self::from_genesis(
            genesis_block(timestamp_ms, &dev_allocations()),
            &ChainParams::default(),
        )
    }

    /// A chain holding only `genesis` (see [`crate::genesis::genesis_block`]).
    pub fn from_genesis(genesis: Block, params: &ChainParams) -> Self {
        Self::build(vec![genesis], *params)
    }

    /// Wraps stored blocks as they are, valid or not, under the default params; `None` when
    /// there are none.
    pub fn from_blocks(blocks: Vec<Block>) -> Option<Self> {
        Self::from_blocks_with(blocks, &ChainParams::default())
    }

    /// [`Self::from_blocks`] under `params`.
    pub fn from_blocks_with(blocks: Vec<Block>, params: &ChainParams) -> Option<Self> {
        if blocks.is_empty() {
            None
        } else {
            Some(Self::build(blocks, *params))
        }
    }

    /// [`Self::from_blocks_with`], starting from senders already recovered (a decoder that
    /// recovered them), so none is recovered twice.
    pub fn from_blocks_with_senders(
        blocks: Vec<Block>,
        params: &ChainParams,
        senders: SenderCache,
    ) -> Option<Self> {
        if blocks.is_empty() {
            None
        } else {
            Some(Self::build_with(blocks, *params, senders))
        }
    }

    fn build(blocks: Vec<Block>, params: ChainParams) -> Self {
        Self::build_with(blocks, params, SenderCache::new())
    }

    fn build_with(blocks: Vec<Block>, params: ChainParams, senders: SenderCache) -> Self {
        let mut chain = Self {
            blocks,
            tip: Tip {
                params,
                valid_len: 0,
                state: State::new(),
                outcomes: Vec::new(),
                senders,
            },
        };
        chain.rebuild();
        chain
    }

    /// Recomputes the valid prefix and its state from genesis (the sender cache is kept).
    fn rebuild(&mut self) {
        let tip = &mut self.tip;
        tip.state = State::new();
        tip.outcomes.clear();
        tip.valid_len = 0;
        let mut parent: Option<&Block> = None;
        for (i, block) in self.blocks.iter().enumerate() {
            if !check_block(block, i as u64, parent, &tip.params).is_empty() {
                break;
            }
            match tip.state.apply_block(block, &tip.params, &mut tip.senders) {
                Ok(outcome) => tip.outcomes.push(outcome),
                Err(_) => break,
            }
            tip.valid_len += 1;
            parent = Some(block);
        }
    }

    /// All blocks, genesis first.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The last block.
    pub fn tip(&self) -> &Block {
        // A chain is never empty: every constructor guarantees a genesis block.
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

    /// The params the cached state was computed under.
    pub fn params(&self) -> &ChainParams {
        &self.tip.params
    }

    /// Recomputes the cached state under other params (no-op when they are the same).
    pub fn set_params(&mut self, params: &ChainParams) {
        if self.tip.params != *params {
            self.tip.params = *params;
            self.rebuild();
        }
    }

    /// The balances and nonces after the valid prefix of the chain (the whole chain when it is
    /// valid): what the wallet and the mempool check against.
    pub fn state(&self) -> &State {
        &self.tip.state
    }

    /// How many blocks from genesis are valid; equal to [`Self::len`] for a valid chain.
    pub fn valid_len(&self) -> usize {
        self.tip.valid_len
    }

    /// What applying the block at `height` did (receipts, gas, coinbase), for blocks of the
    /// valid prefix.
    pub fn outcome(&self, height: usize) -> Option<&BlockOutcome> {
        self.tip.outcomes.get(height)
    }

    /// The senders recovered so far (with a count of recoveries).
    pub fn sender_cache(&self) -> &SenderCache {
        &self.tip.senders
    }

    /// How many senders read back from storage are still taken on trust (see
    /// [`SenderCache::assume`]); until they are checked the chain's validity rests on them.
    pub fn unchecked_senders(&self) -> usize {
        self.tip.senders.unchecked()
    }

    /// Checks up to `max` of the senders taken on trust by recovering them. When one is not its
    /// transaction's signer, the cache takes the real signer and the valid prefix is rebuilt:
    /// from then on the block claiming it is invalid (as a tampered block is), and the state
    /// is the one before it. Returns those senders, each with its block's height (a sender
    /// whose transaction the chain no longer holds, after an edit or a reorganisation, is
    /// corrected in the cache but not returned).
    pub fn check_stored_senders(&mut self, max: usize) -> Vec<StoredSenderMismatch> {
        let found = self.tip.senders.check_assumed(max);
        if found.is_empty() {
            return Vec::new();
        }
        self.rebuild();
        found
            .into_iter()
            .filter_map(|m| {
                let height = self.blocks.iter().position(|b| {
                    b.entries
                        .iter()
                        .any(|e| matches!(e, Entry::Tx { raw, .. } if raw.hash() == m.tx))
                })?;
                Some(StoredSenderMismatch {
                    height: height as u64,
                    mismatch: m,
                })
            })
            .collect()
    }

    /// Appends a block after checking it against the tip: structure, and, when the chain is
    /// valid, every state rule (transactions, coinbase). On a chain that already holds an
    /// invalid block only the structure is checked (the state there is undefined; the block is
    /// reported as building on the invalid one).
    ///
    /// # Errors
    /// [`AppendError`] with every problem; the chain is unchanged.
    pub fn append(&mut self, block: Block, params: &ChainParams) -> Result<(), AppendError> {
        self.set_params(params);
        let mut problems = check_block(&block, self.blocks.len() as u64, Some(self.tip()), params);
        let all_valid = self.tip.valid_len == self.blocks.len();
        if all_valid {
            let tip = &mut self.tip;
            if problems.is_empty() {
                match tip.state.apply_block(&block, params, &mut tip.senders) {
                    Ok(outcome) => {
                        tip.outcomes.push(outcome);
                        tip.valid_len += 1;
                    }
                    Err(state_problems) => problems = state_problems,
                }
            } else if let Err(state_problems) =
                tip.state
                    .clone()
                    .apply_block(&block, params, &mut tip.senders)
            {
                problems.extend(state_problems);
            }
        }
        if !problems.is_empty() {
            return Err(AppendError { problems });
        }
        self.blocks.push(block);
        Ok(())
    }

    /// Replaces the block at `index` (tamper mode, re-mining) and recomputes the cached state.
    /// Returns false when out of range.
    pub fn replace(&mut self, index: usize, block: Block) -> bool {
        match self.blocks.get_mut(index) {
            Some(slot) => {
                *slot = block;
                self.rebuild();
                true
            }
            None => false,
        }
    }

    /// Switches to another branch: keeps the first `keep` blocks (at least genesis) and
    /// appends `new_blocks` with every check of [`Self::append`]. Returns the blocks taken off
    /// (give them and `new_blocks` to [`crate::mempool::Mempool::on_reorg`]). Which branch is
    /// better (more work) is the caller's decision.
    ///
    /// # Errors
    /// [`AppendError`] for the first new block refused; the chain is unchanged.
    pub fn reorg(
        &mut self,
        keep: usize,
        new_blocks: Vec<Block>,
        params: &ChainParams,
    ) -> Result<Vec<Block>, AppendError> {
        let keep = keep.clamp(1, self.blocks.len());
        let mut next = Self {
            blocks: self.blocks[..keep].to_vec(),
            tip: Tip {
                params: *params,
                valid_len: 0,
                state: State::new(),
                outcomes: Vec::new(),
                senders: self.tip.senders.clone(),
            },
        };
        next.rebuild();
        for block in new_blocks {
            next.append(block, params)?;
        }
        let removed = self.blocks.split_off(keep);
        *self = next;
        Ok(removed)
    }

    /// Validates every block: links, hashes, proof of work, heights, timestamps, records, and
    /// the state pass (signatures, senders, chain ids, nonces, balances, fees, coinbase). A block
    /// with no problem of its own after an invalid one is reported as descending from the first
    /// invalid block (its transactions cannot be judged: the state before it is undefined).
    /// Senders already recovered by this chain are not recovered again.
    pub fn validate(&self, params: &ChainParams) -> ValidationReport {
        let mut senders = self.tip.senders.clone();
        self.validate_with(params, &mut senders)
    }

    /// The same report as [`Self::validate`], from what the chain already knows: the blocks of
    /// its valid prefix passed every check when it was built (under `params`), so only the
    /// blocks after it are checked again, from the cached state. What the app shows live;
    /// [`Self::validate`] is the full re-check.
    pub fn report(&self, params: &ChainParams) -> ValidationReport {
        if *params != self.tip.params {
            return self.validate(params);
        }
        let valid = self.tip.valid_len;
        let mut verdicts: Vec<BlockVerdict> = self.blocks[..valid]
            .iter()
            .enumerate()
            .map(|(i, b)| BlockVerdict {
                height: i as u64,
                hash: b.hash(),
                problems: Vec::new(),
            })
            .collect();
        let mut state = self.tip.state.clone();
        let mut senders = self.tip.senders.clone();
        self.check_from(valid, &mut state, params, &mut senders, &mut verdicts);
        ValidationReport { blocks: verdicts }
    }

    /// [`Self::validate`] with a caller-owned sender cache (kept between validations).
    pub fn validate_with(
        &self,
        params: &ChainParams,
        senders: &mut SenderCache,
    ) -> ValidationReport {
        let mut state = State::new();
        let mut blocks = Vec::with_capacity(self.blocks.len());
        self.check_from(0, &mut state, params, senders, &mut blocks);
        ValidationReport { blocks }
    }

    /// Checks the blocks from `start` on, `state` being the state after the blocks before it
    /// (all valid), and appends their verdicts.
    fn check_from(
        &self,
        start: usize,
        state: &mut State,
        params: &ChainParams,
        senders: &mut SenderCache,
        blocks: &mut Vec<BlockVerdict>,
    ) {
        let mut first_invalid: Option<u64> = None;
        let mut parent: Option<&Block> = start.checked_sub(1).and_then(|i| self.blocks.get(i));
        for (i, block) in self.blocks.iter().enumerate().skip(start) {
            let position = i as u64;
            let mut problems = check_block(block, position, parent, params);
            match first_invalid {
                None => {
                    if let Err(state_problems) = state.apply_block(block, params, senders) {
                        problems.extend(state_problems);
                    }
                    if !problems.is_empty() {
                        first_invalid = Some(position);
                    }
                }
                Some(height) => {
                    if problems.is_empty() {
                        problems.push(BlockProblem::DescendsFromInvalid { height });
                    }
                }
            }
            blocks.push(BlockVerdict {
                height: position,
                hash: block.hash(),
                problems,
            });
            parent = Some(block);
        }
    }

    /// Total expected hashes behind the chain: the sum of 2^difficulty over its blocks.
    pub fn total_work(&self) -> u128 {
        work_of(&self.blocks, &self.tip.params)
    }

    /// The work of the valid prefix only (what fork choice compares for a chain that may
    /// hold tampered blocks).
    pub fn valid_work(&self) -> u128 {
        work_of(
            self.blocks.get(..self.valid_len()).unwrap_or_default(),
            &self.tip.params,
        )
    }

    /// Confirmations of the block at `height` of the valid prefix: tip height - height + 1
    /// (0 outside the valid prefix).
    pub fn confirmations(&self, height: usize) -> usize {
        self.valid_len().saturating_sub(height)
    }

    /// How many leading blocks this chain shares with `other` (compared by hash).
    pub fn common_prefix(&self, other: &Chain) -> usize {
        common_prefix(&self.blocks, &other.blocks)
    }
}

/// How many leading blocks two runs of blocks share (compared by hash).
pub fn common_prefix(a: &[Block], b: &[Block]) -> usize {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| x.hash() == y.hash())
        .count()
}

fn work_of(blocks: &[Block], params: &ChainParams) -> u128 {
    params.consensus.weight(blocks.iter().map(|b| &b.header))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::block::tests::record;
    use crate::hash::BlockHash;
    use crate::pow::MAX_DIFFICULTY;
    use crate::pow::{MiningJob, SearchOutcome};
    use crate::record::RecordError;

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
        let Entry::Record(r) = &mut b.entries[0] else {
            panic!("a record")
        };
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
        let strict = ChainParams {
            min_difficulty: 4,
            ..ChainParams::default()
        };
        assert!(check_block(&good, 2, Some(parent), &strict).contains(
            &BlockProblem::DifficultyOutOfRange {
                got: 0,
                min: 4,
                max: MAX_DIFFICULTY
            }
        ));
        let mut bad_record = good.clone();
        let Entry::Record(r) = &mut bad_record.entries[0] else {
            panic!("a record")
        };
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
                prop_assert_eq!(chain.report(&ChainParams::default()), report);
            }

            /// Any change to any field of any record invalidates that block.
            #[test]
            fn changing_any_record_field_breaks_the_block(field in 0usize..4, k in 1usize..4, mask in 1u128..u128::MAX, ch in proptest::char::any()) {
                let mut chain = mined_chain(3, 6);
                let mut b = chain.blocks()[k].clone();
                let Entry::Record(r) = &mut b.entries[0] else {
            panic!("a record")
        };
                match field {
                    0 => r.amount = crate::amount::Wei::from_wei(r.amount.as_wei() ^ mask),
                    1 => r.sender.push(ch),
                    2 => { r.receiver.pop(); }
                    _ => r.memo.insert(0, ch),
                }
                chain.replace(k, b);
                let report = chain.validate(&ChainParams::default());
                prop_assert_eq!(report.first_invalid().map(|v| v.height), Some(k as u64));
                prop_assert_eq!(chain.report(&ChainParams::default()), report);
            }

            /// The live report (from the chain's cached valid prefix) is the full validation's,
            /// for a chain of signed transactions edited anywhere: a sender, a header byte, a
            /// block mined again after its sender was changed, or other params.
            #[test]
            fn the_cached_report_is_the_full_one(k in 1usize..4, kind in 0usize..4, at in 0usize..HEADER_LEN, mask in 1u8..=255, who in 0usize..4) {
                let mut chain = crate::state::tests::test_chain();
                let mut params = ChainParams::default();
                let mut b = chain.blocks()[k].clone();
                match kind {
                    0 | 1 => {
                        if let Some(Entry::Tx { from, .. }) = b.entries.iter_mut().find(|e| matches!(e, Entry::Tx { .. })) {
                            *from = crate::state::tests::dev(who);
                        }
                        if kind == 1 {
                            b.header.entries_root = b.computed_root();
                            mine(&mut b);
                        }
                    }
                    2 => {
                        let mut bytes = b.header.encode();
                        bytes[at] ^= mask;
                        b.header = Header::decode(&bytes);
                    }
                    _ => params.block_reward = crate::amount::Wei::from_wei(u128::from(mask)),
                }
                chain.replace(k, b);
                prop_assert_eq!(chain.report(&params), chain.validate(&params));
                prop_assert_eq!(chain.report(&ChainParams::default()), chain.validate(&ChainParams::default()));
            }
        }
    }

    #[test]
    fn problems_read_as_sentences() {
        let p = BlockProblem::DescendsFromInvalid { height: 3 };
        assert_eq!(p.to_string(), "builds on invalid block #3");
    }
}
