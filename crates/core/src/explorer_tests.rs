//! Explorer tests: the index against a brute-force scan, search parsing, chart series.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use proptest::prelude::*;

use super::search::{parse, Query, SearchError};
use super::*;
use crate::block::MiningStats;
use crate::genesis::{DEV_ADDRESSES, DEV_BALANCE};
use crate::state::tests::{dev, eth, mine_txs, miner, test_chain, transfer};

fn wei(n: u128) -> Wei {
    Wei::from_wei(n)
}

/// What a linear scan of the valid prefix says about `address`: (height, entry, direction,
/// amount, fee, running balance), computed from the entries themselves, not the receipts.
fn brute_history(
    chain: &Chain,
    address: &Address,
) -> Vec<(usize, usize, Direction, Wei, Wei, Wei)> {
    let base_fee = chain.params().base_fee;
    let mut balance = 0u128;
    let mut out = Vec::new();
    for (h, block) in chain.blocks().iter().enumerate().take(chain.valid_len()) {
        for (i, e) in block.entries.iter().enumerate() {
            match e {
                Entry::Alloc { to, amount } | Entry::Coinbase { to, amount } if to == address => {
                    balance += amount.as_wei();
                    let d = if matches!(e, Entry::Alloc { .. }) {
                        Direction::Alloc
                    } else {
                        Direction::Reward
                    };
                    out.push((h, i, d, *amount, Wei::ZERO, wei(balance)));
                }
                Entry::Tx { from, raw } => {
                    let t = raw.tx();
                    let to = *t.to().unwrap();
                    let value = t.value_wei().unwrap().as_wei();
                    let fee =
                        u128::from(t.intrinsic_gas()) * t.effective_gas_price(base_fee).unwrap();
                    if from == address && to == *address {
                        balance -= fee;
                        out.push((
                            h,
                            i,
                            Direction::SelfTransfer,
                            wei(value),
                            wei(fee),
                            wei(balance),
                        ));
                    } else if from == address {
                        balance -= value + fee;
                        out.push((h, i, Direction::Out, wei(value), wei(fee), wei(balance)));
                    } else if to == *address {
                        balance += value;
                        out.push((h, i, Direction::In, wei(value), Wei::ZERO, wei(balance)));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn projected(index: &Index, address: &Address) -> Vec<(usize, usize, Direction, Wei, Wei, Wei)> {
    index
        .history(address)
        .iter()
        .map(|e| (e.height, e.entry, e.direction, e.amount, e.fee, e.balance))
        .collect()
}

fn addresses() -> Vec<Address> {
    let mut all = DEV_ADDRESSES.to_vec();
    all.push(miner());
    all
}

fn check_against_scan(chain: &Chain) {
    let index = Index::build(chain);
    for a in addresses() {
        assert_eq!(projected(&index, &a), brute_history(chain, &a), "{a}");
        let last = index.history(&a).last().map_or(Wei::ZERO, |e| e.balance);
        assert_eq!(last, chain.state().balance(&a), "final balance of {a}");
        let mined: Vec<usize> = (0..chain.valid_len())
            .filter(|h| {
                matches!(chain.blocks()[*h].entries.first(), Some(Entry::Coinbase { to, .. }) if *to == a)
            })
            .collect();
        assert_eq!(index.mined_by(&a), mined.as_slice());
    }
    let mut count = 0;
    for (h, block) in chain.blocks().iter().enumerate() {
        assert_eq!(index.block_height(&block.hash()), Some(h));
        for (i, e) in block.entries.iter().enumerate() {
            if let Entry::Tx { raw, .. } = e {
                count += 1;
                assert_eq!(
                    index.tx(&raw.hash()),
                    Some(TxLocation {
                        height: h,
                        entry: i
                    })
                );
            }
        }
    }
    assert_eq!(index.tx_count(), count);
}

#[test]
fn index_of_the_test_chain() {
    let chain = test_chain();
    let index = Index::build(&chain);
    check_against_scan(&chain);
    let d0: Vec<Direction> = index.history(&dev(0)).iter().map(|e| e.direction).collect();
    assert_eq!(
        d0,
        [
            Direction::Alloc,
            Direction::Out,
            Direction::Out,
            Direction::In
        ]
    );
    let first_out = index.history(&dev(0))[1];
    assert_eq!(first_out.amount, eth("1.5"));
    assert_eq!(first_out.counterparty, Some(dev(1)));
    assert_eq!(
        first_out.balance,
        DEV_BALANCE
            .checked_sub(eth("1.5"))
            .unwrap()
            .checked_sub(first_out.fee)
            .unwrap()
    );
    assert_eq!(index.mined_by(&miner()), [1, 2, 3]);
    assert_eq!(index.tx_count(), 4);
    let latest: Vec<usize> = index.latest_txs(2).map(|t| t.height).collect();
    assert_eq!(latest, [3, 2]);
    assert!(index.knows(&miner()));
    assert!(!index.knows(&Address::from_bytes([0x42; 20])));
}

#[test]
fn an_invalid_block_keeps_its_txs_findable_but_out_of_histories() {
    let mut chain = test_chain();
    let mut b = chain.blocks()[2].clone();
    // Difficulty 0: block 2 stays valid, but block 3 no longer links to it.
    b.header.timestamp_ms += 1;
    chain.replace(2, b);
    assert_eq!(chain.valid_len(), 3);
    let index = Index::build(&chain);
    check_against_scan(&chain);
    let Entry::Tx { raw, .. } = &chain.blocks()[3].entries[1] else {
        panic!("a tx")
    };
    assert_eq!(index.tx(&raw.hash()).map(|t| t.height), Some(3));
    assert_eq!(index.mined_by(&miner()), [1, 2]);
    assert_eq!(index.history(&dev(2)).last().unwrap().height, 2);
}

/// A block of random transfers among dev keys 0..3 (and the miner as a receiver).
fn random_chain(blocks: &[Vec<(usize, usize, u64)>]) -> Chain {
    let mut chain = Chain::new(1_000);
    let mut nonces = [0u64; 3];
    let targets = [dev(0), dev(1), dev(2), miner()];
    for txs in blocks {
        let signed: Vec<_> = txs
            .iter()
            .map(|&(from, to, milli)| {
                let tx = transfer(
                    from,
                    nonces[from],
                    targets[to],
                    wei(u128::from(milli) * 1_000_000_000_000_000),
                );
                nonces[from] += 1;
                tx
            })
            .collect();
        mine_txs(&mut chain, &signed);
    }
    chain
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn index_agrees_with_a_linear_scan(
        blocks in prop::collection::vec(
            prop::collection::vec((0usize..3, 0usize..4, 0u64..5_000), 0..4),
            0..5,
        )
    ) {
        let chain = random_chain(&blocks);
        prop_assert_eq!(chain.valid_len(), chain.len());
        check_against_scan(&chain);
    }

    #[test]
    fn aggregate_keeps_extremes_and_counts(
        ys in prop::collection::vec(-1e6f64..1e6, 0..400),
        width in 0usize..120,
    ) {
        let points: Vec<Point> = ys.iter().enumerate().map(|(i, y)| Point { x: i as u64, y: *y }).collect();
        let buckets = aggregate(&points, width);
        prop_assert!(buckets.len() <= width.max(1));
        prop_assert_eq!(buckets.iter().map(|b| b.count).sum::<usize>(), points.len());
        if points.len() <= width.max(1) {
            prop_assert_eq!(buckets.len(), points.len());
        }
        for w in buckets.windows(2) {
            prop_assert_eq!(w[0].x_last + 1, w[1].x_first);
        }
        for b in &buckets {
            prop_assert!(b.min <= b.mean + 1e-6 && b.mean <= b.max + 1e-6);
        }
        if !points.is_empty() {
            let min = ys.iter().copied().fold(f64::INFINITY, f64::min);
            let max = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(buckets.iter().map(|b| b.min).fold(f64::INFINITY, f64::min), min);
            prop_assert_eq!(buckets.iter().map(|b| b.max).fold(f64::NEG_INFINITY, f64::max), max);
        }
    }

    #[test]
    fn any_hash_or_address_text_parses_back(bytes in any::<[u8; 32]>(), upper in any::<bool>(), prefix in any::<bool>()) {
        let hex = hex::encode(bytes);
        let addr_hex = &hex[..40];
        let shape = |s: &str| {
            let s = if upper { s.to_ascii_uppercase() } else { s.to_owned() };
            if prefix { format!("  0x{s}\n") } else { s }
        };
        prop_assert_eq!(parse(&shape(&hex)), Ok(Query::Hash(Hash32::from_bytes(bytes))));
        let mut a = [0u8; 20];
        a.copy_from_slice(&bytes[..20]);
        prop_assert_eq!(parse(&shape(addr_hex)), Ok(Query::Address(Address::from_bytes(a))));
    }
}

#[test]
fn search_parses_every_kind() {
    assert_eq!(parse("0"), Ok(Query::Height(0)));
    assert_eq!(parse("  42 \t"), Ok(Query::Height(42)));
    assert_eq!(parse("#7"), Ok(Query::Height(7)));
    let checksummed = dev(0).to_checksum();
    let want = Ok(Query::Address(dev(0)));
    assert_eq!(parse(&checksummed), want);
    assert_eq!(parse(&checksummed[2..]), want);
    assert_eq!(parse(&checksummed.to_lowercase()), want);
    assert_eq!(parse(&checksummed.to_uppercase()), want);
    // Any case: a mixed case that is not the checksum still finds the address.
    let swapped: String = checksummed
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    assert_eq!(parse(&swapped.replacen("0X", "0x", 1)), want);
    let h = Hash32::from_bytes([0xab; 32]);
    assert_eq!(parse(&h.to_hex()), Ok(Query::Hash(h)));
    assert_eq!(parse(&h.to_hex()[2..].to_uppercase()), Ok(Query::Hash(h)));
    // 40 or 64 decimal digits are hex (an address or a hash), not a height.
    let digits40 = "1".repeat(40);
    assert_eq!(
        parse(&digits40),
        Ok(Query::Address(Address::from_bytes([0x11; 20])))
    );
}

#[test]
fn search_refuses_bad_input_with_the_reason() {
    assert_eq!(parse(""), Err(SearchError::Empty));
    assert_eq!(parse("   "), Err(SearchError::Empty));
    assert_eq!(parse("hello"), Err(SearchError::NotHex));
    assert_eq!(parse("0xzz"), Err(SearchError::NotHex));
    assert_eq!(parse("#"), Err(SearchError::NotHex));
    assert_eq!(parse("-1"), Err(SearchError::NotHex));
    assert_eq!(parse("1.5"), Err(SearchError::NotHex));
    assert_eq!(parse("0x"), Err(SearchError::WrongLength { digits: 0 }));
    assert_eq!(parse("0xabc"), Err(SearchError::WrongLength { digits: 3 }));
    assert_eq!(
        parse(&"a".repeat(63)),
        Err(SearchError::WrongLength { digits: 63 })
    );
    assert_eq!(
        parse(&"a".repeat(65)),
        Err(SearchError::WrongLength { digits: 65 })
    );
    assert_eq!(
        parse("99999999999999999999"),
        Err(SearchError::HeightTooLarge)
    );
    for e in [
        SearchError::Empty,
        SearchError::NotHex,
        SearchError::WrongLength { digits: 3 },
        SearchError::HeightTooLarge,
    ] {
        let text = e.to_string();
        assert!(text.chars().next().unwrap().is_lowercase() && !text.ends_with('.'));
    }
}

#[test]
fn resolve_looks_up_blocks_then_transactions() {
    let chain = test_chain();
    let index = Index::build(&chain);
    let none = |_: &TxHash| false;
    let len = chain.len();
    assert_eq!(
        index.resolve(&Query::Height(3), len, none),
        Ok(Target::Block(3))
    );
    assert_eq!(
        index.resolve(&Query::Height(4), len, none),
        Err(NoMatch::Height { height: 4, tip: 3 })
    );
    let block = Hash32::from_bytes(*chain.blocks()[2].hash().as_bytes());
    assert_eq!(
        index.resolve(&Query::Hash(block), len, none),
        Ok(Target::Block(2))
    );
    let Entry::Tx { raw, .. } = &chain.blocks()[1].entries[1] else {
        panic!("a tx")
    };
    let tx = Hash32::from_bytes(*raw.hash().as_bytes());
    assert_eq!(
        index.resolve(&Query::Hash(tx), len, none),
        Ok(Target::Tx(raw.hash()))
    );
    let waiting = Hash32::from_bytes([9; 32]);
    assert_eq!(
        index.resolve(&Query::Hash(waiting), len, none),
        Err(NoMatch::Hash(waiting))
    );
    assert_eq!(
        index.resolve(&Query::Hash(waiting), len, |h| *h.as_bytes() == [9; 32]),
        Ok(Target::Tx(TxHash::from_bytes([9; 32])))
    );
    assert_eq!(
        index.resolve(&Query::Address(dev(1)), len, none),
        Ok(Target::Address(dev(1)))
    );
    let stranger = Address::from_bytes([0x42; 20]);
    let err = index
        .resolve(&Query::Address(stranger), len, none)
        .unwrap_err();
    assert_eq!(err, NoMatch::Address(stranger));
    assert!(err.to_string().starts_with("the address 0x4242"));
}

#[test]
fn chart_series() {
    let mut chain = test_chain();
    let mut b = chain.blocks()[3].clone();
    b.stats = Some(MiningStats {
        attempts: 5_000,
        elapsed_ms: 500,
        workers: 2,
    });
    chain.replace(3, b);
    let times = block_times(&chain);
    // test_chain stamps genesis at 1000 ms and each block 1 ms after its parent.
    assert_eq!(times.len(), 3);
    assert_eq!(times[0], Point { x: 1, y: 0.001 });
    assert_eq!(difficulties(&chain).len(), 4);
    assert_eq!(hash_rates(&chain), [Point { x: 3, y: 10_000.0 }]);
    let index = Index::build(&chain);
    let balance = balance_over_time(index.history(&dev(0)));
    let heights: Vec<u64> = balance.iter().map(|p| p.x).collect();
    assert_eq!(heights, [0, 1, 2, 3]);
    assert_eq!(balance[0].y, 10_000.0);
}

#[test]
fn block_size_counts_header_and_entries() {
    let chain = test_chain();
    let b = &chain.blocks()[1];
    let entries: usize = b.entries.iter().map(|e| e.leaf_bytes().len()).sum();
    assert_eq!(block_size(b), 116 + entries);
}

#[test]
fn a_two_point_chain_and_a_large_one_aggregate() {
    let two = [Point { x: 0, y: 1.0 }, Point { x: 1, y: 3.0 }];
    assert_eq!(aggregate(&two, 600).len(), 2);
    let many: Vec<Point> = (0..10_000)
        .map(|i| Point {
            x: i,
            y: (i % 7) as f64,
        })
        .collect();
    let b = aggregate(&many, 600);
    assert_eq!(b.len(), 600);
    assert_eq!(b[0].x_first, 0);
    assert_eq!(b[599].x_last, 9_999);
    assert!(aggregate(&[], 10).is_empty());
}
