//! Mempool tests: admission, replacement, capacity, ordering, selection, inclusion, reorgs,
//! and the (sender, nonce) invariant under random operations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use proptest::prelude::*;

use super::*;
use crate::chain::tests::mine;
use crate::chain::Chain;
use crate::state::tests::{dev, eth, key, mine_txs, miner, transfer, transfer_fees, GWEI};
use crate::tx::TxRequest;

fn params() -> ChainParams {
    ChainParams::default()
}

impl Mempool {
    /// The internal indexes agree: every transaction is indexed by its hash under its own
    /// (sender, nonce), no nonce is both pending and queued, nothing is indexed twice.
    fn assert_invariants(&self) {
        let mut count = 0;
        for (sender, txs) in &self.senders {
            assert!(!txs.is_empty(), "empty sender entries are dropped");
            for nonce in txs.pending.keys() {
                assert!(!txs.queued.contains_key(nonce), "nonce {nonce} twice");
            }
            for (nonce, tx) in txs.pending.iter().chain(txs.queued.iter()) {
                count += 1;
                assert_eq!(tx.sender(), *sender);
                assert_eq!(tx.tx().nonce(), *nonce);
                assert_eq!(self.hashes.get(&tx.hash()), Some(&(*sender, *nonce)));
            }
        }
        assert_eq!(count, self.hashes.len());
        assert!(self.len() <= self.capacity);
    }

    /// After `promote(state)`: pending runs without a gap from each sender's next nonce.
    fn assert_classified(&self, state: &State) {
        for (sender, txs) in &self.senders {
            let next = state.nonce(sender);
            for (i, nonce) in txs.pending.keys().enumerate() {
                assert_eq!(*nonce, next + i as u64);
            }
            if let Some(first_queued) = txs.queued.keys().next() {
                assert!(*first_queued > next + txs.pending.len() as u64);
            }
        }
    }
}

#[test]
fn pending_queued_and_promotion() {
    let chain = Chain::new(1_000);
    let state = chain.state();
    let mut pool = Mempool::new();
    let t0 = transfer(0, 0, dev(1), eth("1"));
    let t1 = transfer(0, 1, dev(1), eth("1"));
    let t2 = transfer(0, 2, dev(1), eth("1"));
    let t3 = transfer(0, 3, dev(1), eth("1"));
    assert_eq!(
        pool.add(t2.clone(), state, &params()),
        Ok(AddOutcome::Queued)
    );
    assert_eq!(
        pool.add(t0.clone(), state, &params()),
        Ok(AddOutcome::Pending)
    );
    assert_eq!(pool.next_nonce(&dev(0), state), 1);
    // Filling the gap promotes the queued one.
    assert_eq!(
        pool.add(t1.clone(), state, &params()),
        Ok(AddOutcome::Pending)
    );
    assert_eq!(pool.get(&t2.hash()).unwrap().1, TxStatus::Pending);
    assert_eq!(pool.next_nonce(&dev(0), state), 3);
    assert_eq!(pool.add(t3, state, &params()), Ok(AddOutcome::Pending));
    assert_eq!(pool.pending().count(), 4);
    assert_eq!(pool.queued().count(), 0);
    let nonces: Vec<u64> = pool.iter().map(|(t, _)| t.tx().nonce()).collect();
    assert_eq!(nonces, vec![0, 1, 2, 3]);
    pool.assert_invariants();
    pool.assert_classified(state);
    // Removing a pending one in the middle and reclassifying queues the rest.
    pool.remove(&t1.hash());
    pool.promote(state);
    assert_eq!(pool.get(&t2.hash()).unwrap().1, TxStatus::Queued);
    pool.assert_invariants();
    pool.assert_classified(state);
}

#[test]
fn refusals_use_the_block_rules() {
    let mut chain = Chain::new(1_000);
    let mut pool = Mempool::new();
    let t0 = transfer(0, 0, dev(1), eth("1"));
    pool.add(t0.clone(), chain.state(), &params()).unwrap();
    assert_eq!(
        pool.add(t0.clone(), chain.state(), &params()),
        Err(MempoolError::AlreadyKnown { hash: t0.hash() })
    );
    // Mined, then sent again: a replay.
    mine_txs(&mut chain, std::slice::from_ref(&t0));
    pool.remove_included(chain.tip());
    let err = pool.add(t0.clone(), chain.state(), &params()).unwrap_err();
    assert_eq!(
        err,
        MempoolError::Rule(TxRuleError::NonceTooLow {
            expected: 1,
            got: 0
        })
    );
    assert!(err.to_string().contains("replay"));
    // Overspend.
    let big = transfer(0, 1, dev(1), eth("10000"));
    assert!(matches!(
        pool.add(big, chain.state(), &params()),
        Err(MempoolError::Rule(TxRuleError::InsufficientFunds { .. }))
    ));
    // Wrong chain id.
    let other = TxRequest::transfer(1, 1, dev(1), eth("1"))
        .eip1559(GWEI, 3 * GWEI)
        .unwrap()
        .sign_recovered(&key(0))
        .unwrap();
    assert_eq!(
        pool.add(other, chain.state(), &params()),
        Err(MempoolError::Rule(TxRuleError::WrongChainId {
            signed: 1,
            chain: 1337
        }))
    );
    assert!(pool.is_empty());
}

#[test]
fn replacement_needs_ten_percent_more_in_both_fees() {
    let chain = Chain::new(1_000);
    let state = chain.state();
    let mut pool = Mempool::new();
    let old = transfer_fees(0, 0, dev(1), eth("1"), 10 * GWEI, 20 * GWEI);
    pool.add(old.clone(), state, &params()).unwrap();
    let low = transfer_fees(0, 0, dev(1), eth("2"), 11 * GWEI, 21 * GWEI);
    assert_eq!(
        pool.add(low, state, &params()),
        Err(MempoolError::ReplacementUnderpriced {
            nonce: 0,
            min_max_fee: 22 * GWEI,
            min_tip: 11 * GWEI
        })
    );
    let tip_only = transfer_fees(0, 0, dev(1), eth("2"), 20 * GWEI, 20 * GWEI);
    assert!(matches!(
        pool.add(tip_only, state, &params()),
        Err(MempoolError::ReplacementUnderpriced { .. })
    ));
    let enough = transfer_fees(0, 0, dev(1), eth("2"), 11 * GWEI, 22 * GWEI);
    assert_eq!(
        pool.add(enough.clone(), state, &params()),
        Ok(AddOutcome::Replaced { old: old.hash() })
    );
    assert_eq!(pool.len(), 1);
    assert!(!pool.contains(&old.hash()));
    assert!(pool.contains(&enough.hash()));
    // A queued transaction is replaced the same way and stays queued.
    let q = transfer_fees(0, 5, dev(1), eth("1"), GWEI, 2 * GWEI);
    pool.add(q.clone(), state, &params()).unwrap();
    let q2 = transfer_fees(0, 5, dev(1), eth("1"), 2 * GWEI, 3 * GWEI);
    assert_eq!(
        pool.add(q2.clone(), state, &params()),
        Ok(AddOutcome::Replaced { old: q.hash() })
    );
    assert_eq!(pool.get(&q2.hash()).unwrap().1, TxStatus::Queued);
    pool.assert_invariants();
    assert!(pool
        .add(
            transfer_fees(0, 5, dev(1), eth("1"), 2 * GWEI, 3 * GWEI),
            state,
            &params()
        )
        .is_err());
}

#[test]
fn bump_is_ten_percent_rounded_down() {
    assert_eq!(bumped(100), Some(110));
    assert_eq!(bumped(19), Some(20));
    assert_eq!(bumped(0), Some(0));
    assert_eq!(bumped(u128::MAX), None);
    assert_eq!(bumped(123_456_789_012), Some(135_802_467_913));
}

#[test]
fn a_full_pool_evicts_the_cheapest_queued_transaction() {
    let chain = Chain::new(1_000);
    let state = chain.state();
    let mut pool = Mempool::with_capacity(3);
    let p0 = transfer_fees(0, 0, dev(1), eth("1"), GWEI, 3 * GWEI);
    let q_cheap = transfer_fees(1, 3, dev(0), eth("1"), GWEI, 2 * GWEI);
    let q_rich = transfer_fees(2, 3, dev(0), eth("1"), 5 * GWEI, 9 * GWEI);
    for tx in [&p0, &q_cheap, &q_rich] {
        pool.add(tx.clone(), state, &params()).unwrap();
    }
    // A queued one that pays no more than the cheapest queued: refused.
    let q_poor = transfer_fees(0, 7, dev(1), eth("1"), GWEI, 2 * GWEI);
    let full = pool.add(q_poor, state, &params()).unwrap_err();
    assert_eq!(full, MempoolError::Full { capacity: 3 });
    assert!(full.to_string().starts_with("the mempool is full"));
    // A pending one evicts the cheapest queued.
    let p1 = transfer_fees(0, 1, dev(1), eth("1"), GWEI, 3 * GWEI);
    assert_eq!(pool.add(p1, state, &params()), Ok(AddOutcome::Pending));
    assert!(!pool.contains(&q_cheap.hash()));
    assert!(pool.contains(&q_rich.hash()));
    assert_eq!(pool.len(), 3);
    pool.assert_invariants();
    // Nothing queued is left but one: a pending one evicts it; then nothing can be evicted.
    let p2 = transfer_fees(0, 2, dev(1), eth("1"), GWEI, 3 * GWEI);
    pool.add(p2, state, &params()).unwrap();
    let p3 = transfer_fees(0, 3, dev(1), eth("1"), GWEI, 3 * GWEI);
    assert_eq!(
        pool.add(p3, state, &params()),
        Err(MempoolError::Full { capacity: 3 })
    );
    pool.assert_invariants();
}

#[test]
fn best_orders_by_tip_then_nonce_within_a_sender() {
    let chain = Chain::new(1_000);
    let state = chain.state();
    let mut pool = Mempool::new();
    let a0 = transfer_fees(0, 0, dev(3), eth("1"), GWEI, 10 * GWEI);
    let a1 = transfer_fees(0, 1, dev(3), eth("1"), 5 * GWEI, 10 * GWEI);
    let b0 = transfer_fees(1, 0, dev(3), eth("1"), 3 * GWEI, 10 * GWEI);
    // A legacy price of 3 gwei tips 2 gwei at the 1 gwei base fee.
    let c0 = TxRequest::transfer(1337, 0, dev(3), eth("1"))
        .legacy(3 * GWEI)
        .unwrap()
        .sign_recovered(&key(2))
        .unwrap();
    for tx in [&a1, &a0, &b0, &c0] {
        pool.add(tx.clone(), state, &params()).unwrap();
    }
    let order: Vec<TxHash> = pool.best(GWEI).map(Recovered::hash).collect();
    assert_eq!(order, vec![b0.hash(), c0.hash(), a0.hash(), a1.hash()]);
    assert_eq!(effective_tip(c0.tx(), GWEI), 2 * GWEI);
    // mark_invalid withholds the rest of that sender.
    let mut best = pool.best(GWEI);
    let mut seen = Vec::new();
    while let Some(tx) = best.next() {
        seen.push(tx.hash());
        if tx.hash() == a0.hash() {
            best.mark_invalid();
        }
    }
    assert!(!seen.contains(&a1.hash()));
}

#[test]
fn selection_respects_gas_limit_and_cumulative_balances() {
    let mut chain = Chain::new(1_000);
    let mut pool = Mempool::new();
    // Each alone is affordable; together they overspend (10,000 ETH each account).
    let a0 = transfer(0, 0, dev(1), eth("6000"));
    let a1 = transfer(0, 1, dev(1), eth("6000"));
    let b0 = transfer_fees(1, 0, dev(2), eth("1"), 2 * GWEI, 4 * GWEI);
    for tx in [&a0, &a1, &b0] {
        pool.add(tx.clone(), chain.state(), &params()).unwrap();
    }
    let picked: Vec<TxHash> = pool
        .select_for_block(chain.state(), &params())
        .iter()
        .map(Recovered::hash)
        .collect();
    assert_eq!(picked, vec![b0.hash(), a0.hash()]);
    let tight = ChainParams {
        block_gas_limit: 21_000,
        ..params()
    };
    assert_eq!(pool.select_for_block(chain.state(), &tight).len(), 1);
    // The built block is valid, pays the right coinbase, and its transactions leave the pool.
    let mut block = build_block(
        chain.tip(),
        chain.state(),
        &pool,
        &params(),
        miner(),
        5_000,
        2,
    );
    mine(&mut block);
    let Entry::Coinbase { to, amount } = &block.entries[0] else {
        panic!("coinbase first")
    };
    assert_eq!(*to, miner());
    assert_eq!(
        amount.as_wei(),
        2 * 10u128.pow(18) + 21_000 * 2 * GWEI + 21_000 * GWEI
    );
    chain.append(block.clone(), &params()).unwrap();
    pool.remove_included(&block);
    pool.promote(chain.state());
    assert_eq!(pool.len(), 1);
    assert!(pool.contains(&a1.hash()));
    // Still unaffordable after the first 6000: the next block leaves it out.
    assert!(pool.select_for_block(chain.state(), &params()).is_empty());
    pool.assert_invariants();
}

#[test]
fn inclusion_drops_a_competing_transaction_with_the_same_nonce() {
    let mut chain = Chain::new(1_000);
    let mut pool = Mempool::new();
    let mine_this = transfer(0, 0, dev(1), eth("1"));
    let competitor = transfer(0, 0, dev(2), eth("1"));
    pool.add(competitor.clone(), chain.state(), &params())
        .unwrap();
    mine_txs(&mut chain, &[mine_this]);
    pool.remove_included(chain.tip());
    assert!(pool.is_empty());
}

#[test]
fn a_reorg_returns_orphaned_transactions_to_the_pool() {
    let mut chain = Chain::new(1_000);
    let mut pool = Mempool::new();
    let t0 = transfer(0, 0, dev(1), eth("1"));
    let t1 = transfer(0, 1, dev(1), eth("1"));
    let u0 = transfer(1, 0, dev(2), eth("1"));
    mine_txs(&mut chain, &[t0.clone(), u0.clone()]);
    mine_txs(&mut chain, std::slice::from_ref(&t1));
    assert!(pool.is_empty());
    // A competing branch from genesis: two blocks, the first holding u0 only.
    let mut branch = Chain::from_blocks(chain.blocks()[..1].to_vec()).unwrap();
    mine_txs(&mut branch, std::slice::from_ref(&u0));
    mine_txs(&mut branch, &[]);
    mine_txs(&mut branch, &[]);
    let added = branch.blocks()[1..].to_vec();
    let removed = chain.reorg(1, added.clone(), &params()).unwrap();
    assert_eq!(removed.len(), 2);
    assert_eq!(chain, branch);
    assert!(chain.validate(&params()).is_valid());
    let back = pool.on_reorg(&removed, &added, chain.state(), &params());
    assert_eq!(back, 2);
    assert!(pool.contains(&t0.hash()) && pool.contains(&t1.hash()));
    assert!(!pool.contains(&u0.hash()), "included in the new branch");
    assert_eq!(pool.get(&t1.hash()).unwrap().1, TxStatus::Pending);
    pool.assert_invariants();
    pool.assert_classified(chain.state());
    // Mining them again works.
    let picked = pool.select_for_block(chain.state(), &params());
    assert_eq!(picked.len(), 2);
    mine_txs(&mut chain, &picked);
}

#[test]
fn a_refused_reorg_leaves_the_chain_alone() {
    let mut chain = Chain::new(1_000);
    mine_txs(&mut chain, &[transfer(0, 0, dev(1), eth("1"))]);
    let before = chain.clone();
    let mut bad = chain.blocks()[1].clone();
    bad.header.timestamp_ms = 0;
    assert!(chain.reorg(1, vec![bad], &params()).is_err());
    assert_eq!(chain, before);
}

#[derive(Debug, Clone)]
enum Op {
    Add { from: usize, nonce: u64, fee: u128 },
    Remove(usize),
    MineBest,
    Promote,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..3, 0u64..6, 1u128..6).prop_map(|(from, nonce, fee)| Op::Add { from, nonce, fee }),
        1 => (0usize..64).prop_map(Op::Remove),
        1 => Just(Op::MineBest),
        1 => Just(Op::Promote),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Under random adds (including replacements and refusals), removals, inclusions and
    /// reclassifications, the pool never holds two transactions with the same (sender, nonce)
    /// and its indexes agree.
    #[test]
    fn never_two_transactions_with_the_same_sender_and_nonce(ops in proptest::collection::vec(op(), 1..24)) {
        let mut chain = Chain::new(1_000);
        let mut pool = Mempool::with_capacity(8);
        for op in ops {
            match op {
                Op::Add { from, nonce, fee } => {
                    let tx = transfer_fees(from, nonce, dev(3), eth("1"), fee * GWEI, (fee + 1) * GWEI);
                    let before = pool.len();
                    match pool.add(tx.clone(), chain.state(), chain.params()) {
                        Ok(AddOutcome::Replaced { old }) => {
                            prop_assert_eq!(pool.len(), before);
                            prop_assert!(!pool.contains(&old));
                        }
                        Ok(_) => prop_assert!(pool.contains(&tx.hash())),
                        Err(_) => prop_assert_eq!(pool.len(), before),
                    }
                }
                Op::Remove(i) => {
                    let hash = pool.iter().nth(i % pool.len().max(1)).map(|(t, _)| t.hash());
                    if let Some(hash) = hash {
                        prop_assert!(pool.remove(&hash).is_some());
                    }
                }
                Op::MineBest => {
                    let txs = pool.select_for_block(chain.state(), chain.params());
                    let block = build_block(chain.tip(), chain.state(), &pool, chain.params(), miner(), 9_000, 0);
                    prop_assert_eq!(block.entries.len(), txs.len() + 1);
                    let params = *chain.params();
                    prop_assert!(chain.append(block.clone(), &params).is_ok());
                    pool.remove_included(&block);
                    pool.promote(chain.state());
                    pool.assert_classified(chain.state());
                }
                Op::Promote => {
                    pool.promote(chain.state());
                    pool.assert_classified(chain.state());
                }
            }
            pool.assert_invariants();
            let mut seen = std::collections::BTreeSet::new();
            for (tx, _) in pool.iter() {
                prop_assert!(seen.insert((tx.sender(), tx.tx().nonce())));
            }
        }
    }
}
