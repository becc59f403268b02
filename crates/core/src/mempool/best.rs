//! Inclusion order and the block builder: [`BestTransactions`] yields pending transactions
//! highest tip first (nonce order within a sender); [`build_block`] wraps what
//! [`Mempool::select_for_block`] picks in a candidate block with its coinbase.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub(super) tip: u128,
    pub(super) sender: Address,
    pub(super) nonce: u64,
}

impl Ord for Candidate {
    /// Higher tip first; ties go to the lower address (deterministic).
    fn cmp(&self, other: &Self) -> Ordering {
        self.tip
            .cmp(&other.tip)
            .then_with(|| other.sender.cmp(&self.sender))
            .then_with(|| other.nonce.cmp(&self.nonce))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Iterator over pending transactions in inclusion order (see [`Mempool::best`]). A sender's
/// next transaction becomes available once the previous one was yielded;
/// [`BestTransactions::mark_invalid`] withholds the rest of the last sender.
#[derive(Debug)]
pub struct BestTransactions<'a> {
    pub(super) pool: &'a Mempool,
    pub(super) heap: BinaryHeap<Candidate>,
    pub(super) base_fee: u128,
    pub(super) last: Option<(Address, u64)>,
}

impl BestTransactions<'_> {
    /// Skips every later transaction of the sender last yielded (it did not fit or failed).
    pub fn mark_invalid(&mut self) {
        self.last = None;
    }
}

impl<'a> Iterator for BestTransactions<'a> {
    type Item = &'a Recovered;

    fn next(&mut self) -> Option<&'a Recovered> {
        if let Some((sender, nonce)) = self.last.take() {
            let following = nonce.checked_add(1).and_then(|n| {
                let tx = self.pool.senders.get(&sender)?.pending.get(&n)?;
                Some((n, tx))
            });
            if let Some((n, tx)) = following {
                self.heap.push(Candidate {
                    tip: effective_tip(tx.tx(), self.base_fee),
                    sender,
                    nonce: n,
                });
            }
        }
        while let Some(c) = self.heap.pop() {
            if let Some(tx) = self
                .pool
                .senders
                .get(&c.sender)
                .and_then(|s| s.pending.get(&c.nonce))
            {
                self.last = Some((c.sender, c.nonce));
                return Some(tx);
            }
        }
        None
    }
}

/// A candidate block on `parent` (unmined, nonce 0): a coinbase paying `beneficiary` the block
/// reward plus the priority fees, then the transactions [`Mempool::select_for_block`] picks
/// against `state` (the state at `parent`). To carry unsigned records too, push them to
/// `entries` and set `header.entries_root = computed_root()` before mining.
pub fn build_block(
    parent: &Block,
    state: &State,
    mempool: &Mempool,
    params: &ChainParams,
    beneficiary: Address,
    timestamp_ms: u64,
    difficulty: u32,
) -> Block {
    let (txs, tips) = mempool.select(state, params);
    let amount = Wei::from_wei(tips.as_wei().saturating_add(params.block_reward.as_wei()));
    let mut entries = Vec::with_capacity(txs.len() + 1);
    entries.push(Entry::Coinbase {
        to: beneficiary,
        amount,
    });
    entries.extend(txs.into_iter().map(|tx| Entry::Tx {
        from: tx.sender(),
        raw: tx.into_signed(),
    }));
    Block::candidate(
        Some(parent),
        timestamp_ms,
        difficulty,
        *beneficiary.as_bytes(),
        entries,
    )
}
