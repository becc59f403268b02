//! Three-way merges of what tabs share: records, mempool, settings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use super::*;
use crate::chain::ChainParams;
use crate::state::tests::{dev, eth, miner, transfer};

fn record(memo: &str) -> Record {
    Record::from_form("alice", "bob", "1", memo).unwrap()
}

/// Two tabs' nodes, both loaded from the same stored snapshot; returns (a, b, stored).
fn two_tabs() -> (Node, Node, Snapshot) {
    let mut stored = Snapshot::new(1_000);
    stored.pending.push(record("both had it"));
    let node = || {
        Node::from_parts(
            stored.chain.clone(),
            stored.mempool.clone(),
            stored.pending.clone(),
            ChainParams::default(),
        )
    };
    (node(), node(), stored)
}

/// What `node` would store.
fn stored_by(node: &Node, settings: &Settings) -> Snapshot {
    Snapshot {
        chain: node.chain().clone(),
        pending: node.pending().to_vec(),
        mempool: node.mempool().clone(),
        settings: settings.clone(),
    }
}

#[test]
fn records_added_in_two_tabs_at_once_are_both_kept() {
    let (mut a, mut b, stored) = two_tabs();
    let base = SharedParts::of_snapshot(&stored);
    a.add_record(record("from A"));
    b.add_record(record("from B"));
    // A saves first; B merges A's save before its own.
    let settings = Settings::default();
    let from_a = stored_by(&a, &settings);
    let m = b.merge_shared(&base, &from_a, &settings);
    assert_eq!((m.records_added, m.records_removed), (1, 0));
    assert!(m.changed());
    let memos: Vec<&str> = b.pending().iter().map(|r| r.memo.as_str()).collect();
    assert_eq!(memos, ["both had it", "from B", "from A"]);
    // A merges B's save: the same three, nothing doubled.
    let from_b = stored_by(&b, &settings);
    let m = a.merge_shared(&SharedParts::of_snapshot(&from_a), &from_b, &settings);
    assert_eq!((m.records_added, m.records_removed), (1, 0));
    let mut memos_a: Vec<&str> = a.pending().iter().map(|r| r.memo.as_str()).collect();
    memos_a.sort_unstable();
    assert_eq!(memos_a, ["both had it", "from A", "from B"]);
    // Merging the same save again changes nothing.
    let again = a.merge_shared(&SharedParts::of_snapshot(&from_b), &from_b, &settings);
    assert!(!again.changed(), "{again:?}");
}

#[test]
fn a_record_removed_in_one_tab_leaves_the_other_and_duplicates_count() {
    let (mut a, mut b, stored) = two_tabs();
    let base = SharedParts::of_snapshot(&stored);
    // B holds two equal records besides the shared one; A clears everything it had.
    b.add_record(record("twice"));
    b.add_record(record("twice"));
    a.clear_pending();
    let settings = Settings::default();
    let m = b.merge_shared(&base, &stored_by(&a, &settings), &settings);
    assert_eq!((m.records_added, m.records_removed), (0, 1));
    let memos: Vec<&str> = b.pending().iter().map(|r| r.memo.as_str()).collect();
    assert_eq!(memos, ["twice", "twice"]);
}

#[test]
fn transactions_from_another_tab_go_through_this_nodes_rules() {
    let (mut a, mut b, stored) = two_tabs();
    let base = SharedParts::of_snapshot(&stored);
    let settings = Settings::default();
    // A admits two transfers from dev 0; B admits a transfer from dev 1.
    a.receive_tx(transfer(0, 0, dev(2), eth("1")).signed().clone())
        .unwrap();
    a.receive_tx(transfer(0, 1, dev(2), eth("1")).signed().clone())
        .unwrap();
    b.receive_tx(transfer(1, 0, dev(2), eth("1")).signed().clone())
        .unwrap();
    let m = b.merge_shared(&base, &stored_by(&a, &settings), &settings);
    assert_eq!((m.txs_added, m.txs_refused, m.txs_removed), (2, 0, 0));
    assert_eq!(b.mempool().len(), 3);
    // A mines its two; B, merging A's next save, drops them from its mempool (the chain
    // follows by fork choice).
    let from_a = stored_by(&a, &settings);
    let ts = a.chain().tip().header.timestamp_ms + 1;
    let c = a.candidate_block(miner(), ts, 0).unwrap();
    a.accept_mined(c.block, c.records).unwrap();
    assert!(a.mempool().is_empty());
    let m = b.merge_shared(
        &SharedParts::of_snapshot(&from_a),
        &stored_by(&a, &settings),
        &settings,
    );
    assert_eq!((m.txs_added, m.txs_removed), (0, 2));
    assert_eq!(b.mempool().len(), 1);
}

#[test]
fn a_setting_changed_in_another_tab_wins_over_an_unchanged_one_here() {
    let (mut a, _, stored) = two_tabs();
    let base = SharedParts::of_snapshot(&stored);
    let ours = Settings {
        workers: Some(2),
        ..Settings::default()
    };
    let theirs = Snapshot {
        settings: Settings {
            difficulty: 3,
            beneficiary: Some(dev(4)),
            ..Settings::default()
        },
        ..stored.clone()
    };
    let m = a.merge_shared(&base, &theirs, &ours);
    assert!(m.settings_changed);
    assert_eq!(
        m.settings,
        Settings {
            difficulty: 3,
            workers: Some(2),
            beneficiary: Some(dev(4)),
        }
    );
    // Nothing changed there: ours stay.
    let m = a.merge_shared(&base, &stored, &ours);
    assert_eq!(m.settings, ours);
    assert!(!m.changed());
    // Both changed the difficulty: this tab's change is the one not stored yet (the later).
    let ours = Settings {
        difficulty: 7,
        ..Settings::default()
    };
    let m = a.merge_shared(&base, &theirs, &ours);
    assert_eq!(m.settings.difficulty, 7);
    assert_eq!(m.settings.beneficiary, Some(dev(4)));
}
