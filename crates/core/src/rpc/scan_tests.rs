use super::*;
use crate::rpc::explore::{parse_tx, NodeTx};
use crate::rpc::fake_node::{addr, block_on, tx_json, FakeNode, URL};

/// The brute-force answer: every transfer of the fake chain touching `a`, newest first.
fn expected(head: u64, oldest: u64, a: Address) -> Vec<NodeTx> {
    (oldest.max(1)..=head)
        .rev()
        .map(|n| parse_tx(&tx_json(n)).unwrap())
        .filter(|t| touches(t, &a))
        .collect()
}

#[test]
fn a_scan_finds_what_a_brute_force_finds_and_says_how_far_it_looked() {
    let c = Client::new(FakeNode::new(120), URL).unwrap();
    let mut scan = Scan::new(addr(2), 120, 1_000);
    let mut steps = 0;
    while !scan.done() {
        block_on(scan.step(&c)).unwrap();
        steps += 1;
    }
    assert_eq!(steps, 121u64.div_ceil(SCAN_STEP));
    assert_eq!(scan.found, expected(120, 0, addr(2)));
    assert_eq!(scan.progress(), (121, 121));
    assert!(
        scan.sentence().contains("every block, 120 down to 0"),
        "{}",
        scan.sentence()
    );
}

#[test]
fn a_deep_chain_is_scanned_only_to_the_depth_and_a_stopped_scan_says_so() {
    let c = Client::new(FakeNode::new(5_000), URL).unwrap();
    let mut scan = Scan::new(addr(9), 5_000, 100);
    block_on(scan.step(&c)).unwrap();
    assert_eq!(scan.progress(), (25, 100));
    assert_eq!(scan.reached(), Some(4_976));
    assert!(
        scan.sentence()
            .contains("Stopped after 25 of 100 blocks, 5000 down to 4976"),
        "{}",
        scan.sentence()
    );
    while !scan.done() {
        block_on(scan.step(&c)).unwrap();
    }
    assert_eq!(scan.found, expected(5_000, 4_901, addr(9)));
    assert!(
        scan.sentence()
            .contains("latest 100 blocks, 5000 down to 4901"),
        "{}",
        scan.sentence()
    );
}

#[test]
fn a_failed_step_can_be_retried_without_skipping_blocks() {
    let mut scan = Scan::new(addr(1), 10, 1_000);
    let numbers = scan.next_blocks(SCAN_STEP);
    let mut answers: Vec<_> = numbers
        .iter()
        .map(|n| Ok(crate::rpc::fake_node::block_json(*n, true)))
        .collect();
    answers[3] = Err(crate::rpc::error::malformed("boom"));
    assert!(scan.absorb(&numbers, answers).is_err());
    assert_eq!(
        scan.next_blocks(1),
        vec![7],
        "blocks 10, 9, 8 were looked at"
    );
    let c = Client::new(FakeNode::new(10), URL).unwrap();
    while !scan.done() {
        block_on(scan.step(&c)).unwrap();
    }
    assert_eq!(scan.found, expected(10, 0, addr(1)));
}

#[test]
fn otterscan_is_detected_and_lists_the_same_transactions() {
    let c = Client::new(FakeNode::new(30), URL).unwrap();
    assert!(block_on(has_ots(&c)));
    let (txs, more) = block_on(ots_history(&c, addr(3))).unwrap();
    assert!(!more);
    assert_eq!(txs, expected(30, 0, addr(3)));
    let mut node = FakeNode::new(30);
    node.ots = false;
    let c = Client::new(node, URL).unwrap();
    assert!(!block_on(has_ots(&c)));
}
