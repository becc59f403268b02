//! Node tests: acceptance, rejection with reasons, fork choice by work, reorgs returning
//! transactions to the mempool, sync of missing blocks, tampering, the consensus summary, and
//! a deterministic seeded simulation of mining, delivery, drops and partitions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use super::network::{node_name, Network, NetworkError};
use super::*;
use crate::block::{Entry, Height};
use crate::genesis::{dev_allocations, genesis_block};
use crate::mempool::MempoolError;
use crate::state::tests::{dev, eth, miner, transfer};

/// Blocks need at least 2 bits: the tamper "mine at a lower difficulty" mines at 1.
fn params() -> ChainParams {
    ChainParams {
        min_difficulty: 2,
        ..ChainParams::default()
    }
}

fn genesis() -> Block {
    genesis_block(1_000, &dev_allocations())
}

fn node() -> Node {
    Node::new(genesis(), params())
}

/// Mines a block on `node` at `difficulty`, asserting it was taken on the tip.
fn mine_on(node: &mut Node, ts: u64, difficulty: u32) -> Block {
    let (block, reception) = node.mine(ts, difficulty, miner(), u64::MAX).unwrap();
    assert!(
        matches!(reception, Reception::Extended { .. }),
        "{reception:?}"
    );
    block
}

fn assert_valid(node: &Node) {
    let report = node.chain().validate(node.params());
    assert!(report.is_valid(), "{report:?}");
}

/// splitmix64: a tiny deterministic PRNG for the schedules.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn a_valid_block_on_the_tip_extends_and_is_relayed() {
    let mut a = node();
    let mut b = node();
    let block = mine_on(&mut a, 2_000, 3);
    let response = b.handle(Message::Block(block.clone()));
    assert_eq!(
        response.handled,
        Handled::Block(Reception::Extended {
            height: Height(1),
            hash: block.hash()
        })
    );
    assert_eq!(response.relay, Some(Message::Block(block.clone())));
    assert_eq!(b.chain().tip(), &block);
    // The same block again is known, and not relayed a second time.
    let again = b.handle(Message::Block(block.clone()));
    assert_eq!(
        again.handled,
        Handled::Block(Reception::AlreadyKnown { hash: block.hash() })
    );
    assert_eq!(again.relay, None);
}

#[test]
fn a_block_with_broken_rules_is_rejected_with_its_problems() {
    let mut a = node();
    let mut b = node();
    let block = mine_on(&mut a, 2_000, 3);
    // Below the minimum difficulty: refused whatever its hash.
    let mut low = b.candidate(2_000, 1, miner());
    assert!(mine(&mut low, u64::MAX));
    let Reception::Rejected(r) = b.receive_block(low.clone()) else {
        panic!("accepted a block below the minimum difficulty")
    };
    assert_eq!(r.hash, low.hash());
    assert_eq!(
        r.reason,
        RejectReason::Invalid(vec![BlockProblem::DifficultyOutOfRange {
            got: 1,
            min: 2,
            max: 64
        }])
    );
    assert!(r
        .to_string()
        .contains("difficulty 1 is outside the allowed range 2 to 64"));
    // A child of a refused block is refused at once, naming the ancestor.
    let mut child = Block::candidate(Some(&low), 2_001, 2, [0; 20], Vec::new());
    assert!(mine(&mut child, u64::MAX));
    assert_eq!(
        b.receive_block(child.clone()),
        Reception::Rejected(Rejection {
            height: Height(2),
            hash: child.hash(),
            reason: RejectReason::DescendsFromInvalid {
                ancestor: low.hash()
            }
        })
    );
    // A wrong coinbase is a state rule: refused on the tip with the state problem.
    let mut greedy = block.clone();
    if let Some(Entry::Coinbase { amount, .. }) = greedy.entries.first_mut() {
        *amount = eth("100");
    }
    greedy.header.entries_root = greedy.computed_root();
    assert!(mine(&mut greedy, u64::MAX));
    let Reception::Rejected(r) = b.receive_block(greedy) else {
        panic!("accepted a greedy coinbase")
    };
    assert!(
        matches!(&r.reason, RejectReason::Invalid(p) if matches!(p[..], [BlockProblem::BadCoinbase { .. }])),
        "{r:?}"
    );
    // Another chain's genesis.
    assert!(matches!(
        b.receive_block(genesis_block(5, &[])),
        Reception::Rejected(Rejection {
            reason: RejectReason::OtherGenesis,
            ..
        })
    ));
    // The honest block still goes in, and nothing refused ever did.
    assert!(matches!(
        b.receive_block(block),
        Reception::Extended {
            height: Height(1),
            ..
        }
    ));
    assert_eq!(b.chain().len(), 2);
    assert_valid(&b);
}

#[test]
fn a_shorter_but_heavier_branch_wins_over_a_longer_lighter_one() {
    let mut light = node();
    let light_blocks: Vec<Block> = (0..3).map(|i| mine_on(&mut light, 2_000 + i, 2)).collect();
    let mut heavy = node();
    let heavy_block = mine_on(&mut heavy, 2_000, 6);
    assert!(light.chain().len() > heavy.chain().len());
    assert!(heavy.chain().total_work() > light.chain().total_work());

    // The light node hears of the heavy block: it switches, three blocks off, one on.
    let Reception::Reorganised(reorg) = light.receive_block(heavy_block.clone()) else {
        panic!("the heavier branch did not win")
    };
    assert_eq!(reorg.fork_height, Height::GENESIS);
    assert_eq!(reorg.depth, 3);
    assert_eq!(
        reorg.dropped,
        light_blocks.iter().map(Block::hash).collect::<Vec<_>>()
    );
    assert_eq!(reorg.adopted, vec![heavy_block.hash()]);
    assert_eq!((reorg.old_work, reorg.new_work), (1 + 3 * 4, 1 + 64));
    assert_eq!(light.chain().tip(), &heavy_block);
    // The old branch is kept aside, not forgotten.
    assert_eq!(light.side_len(), 3);
    assert_valid(&light);

    // The heavy node hears of the longer light branch: it stays, keeping it aside.
    for (i, b) in light_blocks.iter().enumerate() {
        let r = heavy.receive_block(b.clone());
        let Reception::SideBranch {
            branch_work,
            active_work,
            ..
        } = r
        else {
            panic!("{r:?}")
        };
        assert_eq!(branch_work, 1 + 4 * (i as u128 + 1));
        assert_eq!(active_work, 65);
    }
    assert_eq!(heavy.chain().tip(), &heavy_block);
    assert_eq!(heavy.chain().len(), 2);
}

#[test]
fn a_side_branch_that_grows_heavier_later_wins() {
    let mut a = node();
    let a1 = mine_on(&mut a, 2_000, 4); // work 16
    let mut b = node();
    let b1 = mine_on(&mut b, 2_000, 3); // 8
    let b2 = mine_on(&mut b, 2_001, 3); // 16: a tie
    let b3 = mine_on(&mut b, 2_002, 2); // 20: heavier
    assert!(matches!(a.receive_block(b1), Reception::SideBranch { .. }));
    // Equal work: the current branch stays.
    assert!(matches!(a.receive_block(b2), Reception::SideBranch { .. }));
    assert_eq!(a.chain().tip(), &a1);
    let Reception::Reorganised(reorg) = a.receive_block(b3.clone()) else {
        panic!("the heavier side branch did not win")
    };
    assert_eq!((reorg.depth, reorg.adopted.len()), (1, 3));
    assert_eq!(a.chain().tip(), &b3);
    assert_valid(&a);
}

/// A block that breaks a state rule (its coinbase pays itself 100 ETH) but whose header and
/// proof of work are fine, on `parent`, mined at `difficulty`.
fn greedy_block(parent: &Block, ts: u64, difficulty: u32) -> Block {
    let entries = vec![Entry::Coinbase {
        to: miner(),
        amount: eth("100"),
    }];
    let mut b = Block::candidate(Some(parent), ts, difficulty, *miner().as_bytes(), entries);
    assert!(mine(&mut b, u64::MAX));
    b
}

#[test]
fn a_heavier_branch_holding_an_invalid_block_is_refused_and_the_chain_stays() {
    let mut a = node();
    let tip = mine_on(&mut a, 2_000, 2);
    let genesis = a.chain().blocks()[0].clone();
    // Off the tip, as heavy as the active chain: validated before it is kept aside.
    let greedy = greedy_block(&genesis, 2_000, 2);
    let Reception::Rejected(r) = a.receive_block(greedy.clone()) else {
        panic!("kept a block that breaks the coinbase rule")
    };
    assert!(
        matches!(&r.reason, RejectReason::Invalid(p) if matches!(p[..], [BlockProblem::BadCoinbase { .. }])),
        "{r:?}"
    );
    // A much heavier child of it is refused too: the branch is never adopted.
    let mut child = Block::candidate(Some(&greedy), 2_001, 8, [0; 20], Vec::new());
    assert!(mine(&mut child, u64::MAX));
    assert!(matches!(
        a.receive_block(child),
        Reception::Rejected(Rejection {
            reason: RejectReason::DescendsFromInvalid { .. },
            ..
        })
    ));
    assert_eq!(a.chain().tip(), &tip);
    assert_eq!(a.side_len(), 0);
    assert_valid(&a);
}

#[test]
fn a_reorg_returns_the_dropped_transactions_to_the_mempool() {
    let mut a = node();
    let t = transfer(0, 0, dev(1), eth("1"));
    a.receive_tx(t.signed().clone()).unwrap();
    assert!(a.mempool().contains(&t.hash()));
    let with_tx = mine_on(&mut a, 2_000, 2);
    assert!(with_tx
        .entries
        .iter()
        .any(|e| matches!(e, Entry::Tx { raw, .. } if raw.hash() == t.hash())));
    // Mined: it left the pool and the balance moved.
    assert!(!a.mempool().contains(&t.hash()));
    assert_eq!(a.chain().state().nonce(&dev(0)), 1);

    let mut b = node();
    let heavy = mine_on(&mut b, 2_000, 5);
    let Reception::Reorganised(reorg) = a.receive_block(heavy) else {
        panic!("no reorg")
    };
    assert_eq!(reorg.returned_txs, 1);
    assert_eq!(reorg.dropped, vec![with_tx.hash()]);
    assert!(a.mempool().contains(&t.hash()), "the dropped tx is back");
    assert_eq!(a.chain().state().nonce(&dev(0)), 0);
    // And the next block on the new branch includes it again.
    let again = mine_on(&mut a, 2_001, 2);
    assert!(again
        .entries
        .iter()
        .any(|e| matches!(e, Entry::Tx { raw, .. } if raw.hash() == t.hash())));
    assert_valid(&a);
}

#[test]
fn transactions_from_peers_are_checked() {
    let mut a = node();
    let t = transfer(0, 0, dev(1), eth("1"));
    let response = a.handle(Message::Tx(t.signed().clone()));
    assert_eq!(response.handled, Handled::Tx(Ok(AddOutcome::Pending)));
    assert_eq!(response.relay, Some(Message::Tx(t.signed().clone())));
    let again = a.handle(Message::Tx(t.signed().clone()));
    assert!(matches!(
        again.handled,
        Handled::Tx(Err(TxRejection::Refused(MempoolError::AlreadyKnown { .. })))
    ));
    assert_eq!(again.relay, None);
    // Too much: 20,000 ETH from a 10,000 ETH account.
    let broke = transfer(1, 0, dev(2), eth("20000"));
    let Handled::Tx(Err(e)) = a.handle(Message::Tx(broke.signed().clone())).handled else {
        panic!("accepted an unaffordable tx")
    };
    assert!(e.to_string().starts_with("transaction refused: "), "{e}");
}

#[test]
fn a_node_missing_blocks_asks_for_them_and_catches_up() {
    let mut a = node();
    let blocks: Vec<Block> = (0..4).map(|i| mine_on(&mut a, 2_000 + i, 2)).collect();
    let mut b = node();
    let tip = blocks[3].clone();
    let response = b.handle(Message::Block(tip.clone()));
    assert_eq!(
        response.handled,
        Handled::Block(Reception::MissingParent {
            hash: tip.hash(),
            parent: blocks[2].hash()
        })
    );
    let [Message::GetBlocks { want, have }] = &response.reply[..] else {
        panic!("no request: {:?}", response.reply)
    };
    assert_eq!(want, &tip.hash());
    let answer = a.handle(Message::GetBlocks {
        want: *want,
        have: have.clone(),
    });
    assert_eq!(answer.handled, Handled::Served(4));
    assert_eq!(answer.reply, vec![Message::Blocks(blocks.clone())]);
    for m in answer.reply {
        b.handle(m);
    }
    assert_eq!(b.chain(), a.chain());
    // Asking for an unknown block gets nothing.
    assert!(a
        .blocks_for(&BlockHash::from_bytes([9; 32]), &[])
        .is_empty());
}

fn three_nodes_with_a_tx() -> (Network, crate::tx::Recovered) {
    let mut net = Network::new(3, genesis(), params());
    let t = transfer(0, 0, dev(1), eth("1"));
    net.submit_tx(0, t.signed().clone()).unwrap();
    net.deliver_all(1_000);
    for i in 0..3 {
        assert!(net.node(i).unwrap().mempool().contains(&t.hash()));
    }
    net.mine(0, 2_000, 3, miner(), u64::MAX).unwrap();
    net.deliver_all(1_000);
    net.mine(1, 2_001, 3, miner(), u64::MAX).unwrap();
    net.deliver_all(1_000);
    (net, t)
}

fn rejection_on(net: &Network, from: usize, to: usize) -> Rejection {
    let link = net.link(from, to).unwrap();
    let lr = link
        .last_rejection
        .clone()
        .expect("a rejection on the link");
    assert_eq!((lr.from, lr.to), (from, to));
    lr.rejection
}

#[test]
fn an_edited_past_block_is_rejected_by_the_others_and_named_in_the_consensus() {
    let (mut net, _) = three_nodes_with_a_tx();
    let tip = net.node(0).unwrap().chain().tip().hash();
    let edited = net.tamper_edit(2, 1).unwrap();
    net.deliver_all(1_000);
    for honest in [0, 1] {
        let r = rejection_on(&net, 2, honest);
        assert_eq!((r.height, r.hash), (Height(1), edited.hash()));
        assert!(
            matches!(&r.reason, RejectReason::Invalid(p) if matches!(p[..], [BlockProblem::EntriesRootMismatch { .. }])),
            "{r:?}"
        );
        assert_eq!(net.node(honest).unwrap().chain().tip().hash(), tip);
        assert_valid(net.node(honest).unwrap());
    }
    let consensus = net.consensus();
    let (who, c) = &consensus.compromised[0];
    assert_eq!((*who, c.height), (2, Height(1)));
    assert!(matches!(
        c.problems[0],
        BlockProblem::EntriesRootMismatch { .. }
    ));
    let reasons: Vec<String> = c.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        consensus.to_string(),
        format!(
            "2 of 3 nodes agree on block 2 hash {tip:#}; node C's chain is invalid at block 1: {}",
            reasons.join("; ")
        )
    );
    assert!(consensus
        .to_string()
        .contains("invalid at block 1: the records do not match the header"));
    // The honest copy of that block is still accepted where it was missing.
    assert!(net.link(0, 1).unwrap().last_rejection.is_none());
}

#[test]
fn a_forged_amount_is_rejected_by_the_others() {
    let (mut net, t) = three_nodes_with_a_tx();
    let forged = net.tamper_forge_amount(1, 1).unwrap();
    net.deliver_all(1_000);
    for honest in [0, 2] {
        let r = rejection_on(&net, 1, honest);
        assert_eq!((r.height, r.hash), (Height(1), forged.hash()));
        assert!(matches!(r.reason, RejectReason::Invalid(_)));
        assert_valid(net.node(honest).unwrap());
    }
    let consensus = net.consensus();
    assert_eq!(consensus.majority().unwrap().nodes, vec![0, 2]);
    let (who, c) = &consensus.compromised[0];
    assert_eq!((*who, c.height), (1, Height(1)));
    // Whatever the proof of work says, the signature no longer matches the claimed sender.
    assert!(
        c.problems.iter().any(|p| matches!(
            p,
            BlockProblem::InvalidTransaction { hash, .. } if *hash != t.hash()
        )),
        "{c:?}"
    );
    // A block without a transaction cannot be forged.
    assert_eq!(
        net.tamper_forge_amount(1, 2).unwrap_err(),
        NetworkError::Tamper(TamperError::NoTransaction { height: 2 })
    );
    assert!(net.tamper_edit(1, 0).is_err());
    assert!(net.tamper_edit(1, 9).is_err());
}

#[test]
fn a_block_below_the_required_difficulty_is_rejected_by_the_others() {
    let (mut net, _) = three_nodes_with_a_tx();
    let low = net.tamper_low_difficulty(0, 3_000, miner()).unwrap();
    assert_eq!(low.header.difficulty, 1);
    net.deliver_all(1_000);
    for honest in [1, 2] {
        let r = rejection_on(&net, 0, honest);
        assert_eq!(
            r.reason,
            RejectReason::Invalid(vec![BlockProblem::DifficultyOutOfRange {
                got: 1,
                min: 2,
                max: 64
            }])
        );
        assert_eq!(net.node(honest).unwrap().chain().len(), 3);
    }
    // What the compromised node mines next is refused as its descendant.
    net.mine(0, 3_001, 3, miner(), u64::MAX).unwrap();
    net.deliver_all(1_000);
    assert!(matches!(
        rejection_on(&net, 0, 1).reason,
        RejectReason::DescendsFromInvalid { ancestor } if ancestor == low.hash()
    ));
    let consensus = net.consensus();
    assert_eq!(consensus.compromised[0].0, 0);
    assert_eq!(consensus.compromised[0].1.height, Height(3));
    assert!(consensus
        .to_string()
        .contains("node A's chain is invalid at block 3: difficulty 1 is outside"));
    let none = Network::new(1, genesis(), ChainParams::default())
        .tamper_low_difficulty(0, 1, miner())
        .unwrap_err();
    assert_eq!(none, NetworkError::Tamper(TamperError::NoMinimumDifficulty));
}

#[test]
fn partition_then_heal_reorganises_the_lighter_side() {
    let mut net = Network::new(4, genesis(), params());
    let t = transfer(0, 0, dev(1), eth("1"));
    net.partition(&[0, 1]);
    assert!(!net.link(0, 2).unwrap().up && net.link(0, 1).unwrap().up);
    // Side {2, 3}: two light blocks, the second carrying a transaction.
    net.mine(2, 2_000, 2, miner(), u64::MAX).unwrap();
    net.submit_tx(2, t.signed().clone()).unwrap();
    net.deliver_all(1_000);
    let light = net.mine(3, 2_001, 2, miner(), u64::MAX).unwrap();
    assert!(
        light.entries.len() == 2,
        "the tx is mined on the light side"
    );
    // Side {0, 1}: one heavy block.
    let heavy = net.mine(0, 2_000, 6, miner(), u64::MAX).unwrap();
    net.deliver_all(1_000);
    assert_eq!(net.node(1).unwrap().chain().tip(), &heavy);
    assert_eq!(net.node(2).unwrap().chain().tip(), &light);
    assert_eq!(net.consensus().groups.len(), 2);
    assert!(net
        .consensus()
        .to_string()
        .starts_with("2 of 4 nodes agree on block"));

    net.heal();
    net.deliver_all(10_000);
    assert_eq!(net.pending(), 0);
    for i in 0..4 {
        let n = net.node(i).unwrap();
        assert_eq!(n.chain().tip(), &heavy, "node {}", node_name(i));
        assert_valid(n);
    }
    let notice = net.last_reorg().unwrap();
    assert!([2, 3].contains(&notice.node));
    assert_eq!(
        (notice.reorg.depth, notice.reorg.adopted.clone()),
        (2, vec![heavy.hash()])
    );
    assert_eq!(notice.reorg.returned_txs, 1);
    assert!(net.node(2).unwrap().mempool().contains(&t.hash()));
    assert!(net.node(3).unwrap().mempool().contains(&t.hash()));
    assert!(notice
        .to_string()
        .contains("reorg of depth 2 at block #0: 2 block(s) dropped, 1 adopted"));
    assert_eq!(
        net.consensus().to_string(),
        format!("4 of 4 nodes agree on block 1 hash {:#}", heavy.hash())
    );
    // The fork tree of a reorganised node shows both branches.
    let tree = net.node(2).unwrap().tree();
    assert_eq!(tree.iter().filter(|b| b.active).count(), 2);
    assert_eq!(tree.iter().filter(|b| !b.active).count(), 2);
}

#[test]
fn nodes_can_be_added_up_to_eight_and_a_new_one_syncs() {
    let mut net = Network::new(2, genesis(), params());
    net.mine(0, 2_000, 2, miner(), u64::MAX).unwrap();
    net.mine(0, 2_001, 2, miner(), u64::MAX).unwrap();
    net.deliver_all(1_000);
    while net.add_node().is_some() {}
    assert_eq!(net.len(), 8);
    assert_eq!(net.links().len(), 28);
    net.deliver_all(10_000);
    let tip = net.node(0).unwrap().chain().tip().hash();
    assert!(net.nodes().iter().all(|n| n.chain().tip().hash() == tip));
    assert!(net.remove_last());
    assert_eq!((net.len(), net.links().len()), (7, 21));
    let mut one = Network::new(1, genesis(), params());
    assert!(!one.remove_last());
    assert_eq!(node_name(2), "C");
}

/// Random schedules over many seeds: mining on random nodes (one of which may be a liar that
/// tampers with its copy and sends blocks that break a state rule), deliveries, drops, link cuts and restores, transactions. At every step every
/// honest node's chain validates in full (no invalid block was ever accepted) and no node's
/// work goes down; after healing (every node re-announces its tip) and delivering everything,
/// every honest node is on the greatest work any of them had; after one more block, which
/// breaks a tie of equal work (the rule keeps the current branch), they all share one tip.
#[test]
fn seeded_simulations_converge_and_never_accept_an_invalid_block() {
    let txs: Vec<SignedTx> = (0..6)
        .map(|n| transfer(0, n, dev(1), eth("1")).signed().clone())
        .collect();
    let mut reorgs = 0;
    let mut rejections = 0;
    for seed in 0..200u64 {
        let mut rng = Rng(seed);
        let n = 2 + rng.below(7); // 2..=8 nodes
        let liar = (seed % 3 == 0).then_some(0usize);
        let mut net = Network::new(n, genesis(), params());
        let mut ts = 2_000u64;
        let mut work: Vec<u128> = vec![1; n];
        for _step in 0..60 {
            ts += 1;
            match rng.below(20) {
                0..=3 => {
                    let i = rng.below(n);
                    let d = 2 + rng.below(3) as u32;
                    net.mine(i, ts, d, miner(), u64::MAX).unwrap();
                }
                4..=10 => {
                    net.deliver_next();
                }
                11 | 12 => {
                    net.drop_next();
                }
                13 => {
                    let (a, b) = (rng.below(n), rng.below(n));
                    net.set_link(a, b, false);
                }
                14 => {
                    let (a, b) = (rng.below(n), rng.below(n));
                    net.set_link(a, b, true);
                }
                15 => {
                    let _ = net.submit_tx(rng.below(n), txs[rng.below(txs.len())].clone());
                }
                16 => {
                    net.deliver_all(50);
                }
                _ => {
                    if let Some(l) = liar {
                        let len = net.node(l).unwrap().chain().len() as u64;
                        let h = 1 + rng.below(len.max(2) as usize) as u64;
                        let _ = match rng.below(4) {
                            0 => net.tamper_edit(l, h),
                            1 => net.tamper_forge_amount(l, h),
                            2 => net.tamper_low_difficulty(l, ts, miner()),
                            _ => {
                                // A state-invalid block with good proof of work on a random
                                // block of a random honest node's chain, often heavier.
                                let victim = 1 + rng.below(n - 1);
                                let chain = net.node(victim).unwrap().chain();
                                let parent = chain.blocks()[rng.below(chain.len())].clone();
                                let d = 2 + rng.below(6) as u32;
                                let bad = greedy_block(&parent, ts, d);
                                net.inject(l, victim, Message::Block(bad));
                                Ok(parent)
                            }
                        };
                    }
                }
            }
            for (i, node) in net.nodes().iter().enumerate() {
                if Some(i) != liar {
                    assert_valid(node);
                    let w = node.chain().total_work();
                    assert!(w >= work[i], "seed {seed}: node {i} lost work");
                    work[i] = w;
                }
            }
        }
        for l in net.links().values() {
            if l.last_rejection.is_some() {
                rejections += 1;
            }
        }
        net.heal();
        net.deliver_all(1_000_000);
        assert_eq!(net.pending(), 0, "seed {seed}: still delivering");
        let honest: Vec<usize> = (0..n).filter(|i| Some(*i) != liar).collect();
        let best = honest.iter().map(|i| work[*i]).max().unwrap();
        // Already now every honest node is on a branch of the greatest work any of them had
        // (only a tie of equal work can leave their tips apart).
        for i in &honest {
            let w = net.node(*i).unwrap().chain().total_work();
            assert!(
                w >= best,
                "seed {seed}: node {i} stayed on a lighter branch"
            );
        }
        let healed: Vec<u128> = honest
            .iter()
            .map(|i| net.node(*i).unwrap().chain().total_work())
            .collect();
        assert!(
            healed.iter().all(|w| *w == healed[0]),
            "seed {seed}: {healed:?}"
        );
        let breaker = honest[rng.below(honest.len())];
        ts += 1;
        net.mine(breaker, ts, 2, miner(), u64::MAX).unwrap();
        net.deliver_all(1_000_000);
        if net.last_reorg().is_some() {
            reorgs += 1;
        }
        let tip = net.node(honest[0]).unwrap().chain().tip().hash();
        for i in &honest {
            let node = net.node(*i).unwrap();
            assert_valid(node);
            assert_eq!(
                node.chain().tip().hash(),
                tip,
                "seed {seed}: node {i} diverged"
            );
            assert!(node.chain().total_work() > best, "seed {seed}");
        }
        let consensus = net.consensus();
        assert!(consensus.majority().unwrap().nodes.len() >= honest.len());
        assert!(consensus.compromised.iter().all(|(i, _)| Some(*i) == liar));
    }
    // The schedules did exercise forks and refusals.
    assert!(reorgs > 50, "only {reorgs} runs saw a reorg");
    assert!(rejections > 20, "only {rejections} refusals on links");
}

mod properties {
    use super::*;
    use crate::block::{Header, HEADER_LEN};
    use proptest::prelude::*;

    /// Five honest blocks (the fifth with a transfer) from another node.
    fn honest_blocks() -> Vec<Block> {
        let mut a = node();
        let mut out: Vec<Block> = (0..4).map(|i| mine_on(&mut a, 2_000 + i, 2)).collect();
        a.receive_tx(transfer(0, 0, dev(1), eth("1")).signed().clone())
            .unwrap();
        out.push(mine_on(&mut a, 2_010, 2));
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Peer data in any order, with any header byte flipped or any entry dropped or
        /// duplicated, never panics a node and never leaves it with an invalid chain; the
        /// genuine blocks still arrive and bring it to at least the honest chain's work.
        #[test]
        fn mangled_blocks_in_any_order_never_corrupt_a_node(
            edits in proptest::collection::vec((0usize..5, 0usize..HEADER_LEN, 1u8..=255, 0u8..3), 0..12),
            order in Just((0usize..5).collect::<Vec<_>>()).prop_shuffle(),
        ) {
            let blocks = honest_blocks();
            let mut b = node();
            for (k, at, mask, how) in edits {
                let mut bad = blocks[k].clone();
                match how {
                    0 => {
                        let mut bytes = bad.header.encode();
                        bytes[at] ^= mask;
                        bad.header = Header::decode(&bytes);
                    }
                    1 => { bad.entries.pop(); }
                    _ => {
                        if let Some(e) = bad.entries.first().cloned() {
                            bad.entries.push(e);
                        }
                    }
                }
                let _ = b.handle(Message::Block(bad.clone()));
                let _ = b.handle(Message::Blocks(vec![bad]));
                prop_assert!(b.chain().validate(b.params()).is_valid());
            }
            for i in order {
                let _ = b.handle(Message::Block(blocks[i].clone()));
            }
            // Whatever arrived out of order is fetched as one answer.
            let _ = b.handle(Message::Blocks(blocks.clone()));
            prop_assert!(b.chain().validate(b.params()).is_valid());
            // On the honest tip, or on a branch at least as heavy (a flipped nonce or timestamp
            // can make another block that is valid too: it is then a fair competitor).
            let honest = 1 + 5 * 4;
            prop_assert!(b.chain().total_work() >= honest);
            prop_assert!(b.knows(&blocks[4].hash()));
        }
    }
}
