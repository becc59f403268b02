//! The ledger operations: records, submit (and replays), candidate and mined blocks, chain
//! replacement with the mempool, fork choice for a whole chain, tamper edits, the
//! transaction-check report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use super::super::{Inclusion, RecordEdit, TamperError};
use super::*;
use crate::mempool::TxStatus;
use crate::state::tests::{dev, eth, miner, transfer};
use crate::{Record, Wei};

fn ledger() -> Node {
    let chain = Chain::new(1_000);
    Node::from_parts(chain, Mempool::new(), Vec::new(), ChainParams::default())
}

fn record(memo: &str) -> Record {
    Record::from_form("alice", "bob", "1", memo).unwrap()
}

/// Mines the candidate at difficulty 0 and takes it.
fn mine(node: &mut Node) -> Candidate {
    let ts = node.chain().tip().header.timestamp_ms + 1;
    let c = node.candidate_block(miner(), ts, 0).unwrap();
    node.accept_mined(c.block.clone(), c.records).unwrap();
    c
}

fn signed(from: usize, nonce: u64, value: &str) -> SignedTx {
    transfer(from, nonce, dev(1), eth(value)).signed().clone()
}

#[test]
fn records_wait_then_leave_with_the_block_that_holds_them() {
    let mut node = ledger();
    node.add_record(record("a"));
    node.add_record(record("b"));
    node.add_record(record("c"));
    assert_eq!(node.remove_pending(1).map(|r| r.memo), Some("b".into()));
    assert_eq!(node.remove_pending(9), None);
    let rev = node.revision();
    let c = mine(&mut node);
    assert_eq!(c.records, 2);
    assert!(node.pending().is_empty());
    assert_ne!(node.revision(), rev, "the chain changed");
    assert!(matches!(c.block.entries[0], Entry::Coinbase { to, .. } if to == miner()));
    assert!(matches!(c.block.entries[1], Entry::Record(_)));
    assert_eq!(node.chain().len(), 2);
    // Only the pending list changing leaves the revision alone.
    let rev = node.revision();
    node.add_record(record("d"));
    assert_eq!(node.revision(), rev);
}

#[test]
fn a_submitted_transfer_is_mined_and_a_replay_names_its_block() {
    let mut node = ledger();
    let tx = signed(0, 0, "1.5");
    assert_eq!(node.submit(tx.clone()), Ok(AddOutcome::Pending));
    let c = mine(&mut node);
    assert!(matches!(c.block.entries[1], Entry::Tx { .. }));
    assert!(node.mempool().is_empty());
    assert_eq!(node.chain().state().balance(&dev(1)).to_coins(), "10001.5");
    assert_eq!(node.find_included(&tx.hash()), Some(1));
    let refusal = node.submit(tx.clone()).unwrap_err();
    assert_eq!(refusal.replay_of(), Some(1));
    assert!(refusal.to_string().contains("already used"), "{refusal}");
    // A refusal that is no replay names no block.
    let poor = node.submit(signed(2, 0, "20000")).unwrap_err();
    assert_eq!(poor.replay_of(), None);
    assert!(matches!(
        poor.reason,
        TxRejection::Refused(MempoolError::Rule(TxRuleError::InsufficientFunds { .. }))
    ));
}

#[test]
fn a_block_mined_on_an_old_tip_is_refused_and_changes_nothing() {
    let mut node = ledger();
    node.add_record(record("a"));
    let stale = node.candidate_block(miner(), 2_000, 0).unwrap();
    mine(&mut node);
    node.add_record(record("b"));
    assert!(node.accept_mined(stale.block, stale.records).is_err());
    assert_eq!(node.pending().len(), 1);
    assert_eq!(node.chain().len(), 2);
}

#[test]
fn replacing_the_chain_returns_dropped_transactions_to_the_mempool() {
    let mut node = ledger();
    let mined = {
        node.submit(signed(0, 0, "1")).unwrap();
        mine(&mut node);
        node.chain().clone()
    };
    assert!(node.mempool().is_empty());
    assert_eq!(node.replace_chain(Chain::new(2_000)), 1);
    assert_eq!(node.mempool().len(), 1);
    // Back to a chain that includes it: it leaves the mempool again.
    assert_eq!(node.replace_chain(mined), 0);
    assert!(node.mempool().is_empty());
}

#[test]
fn only_a_heavier_valid_chain_of_the_same_genesis_is_adopted() {
    let mut node = ledger();
    mine(&mut node);
    let mut heavier = node.clone();
    mine(&mut heavier);
    let mut ts = heavier.chain().tip().header.timestamp_ms;
    ts += 1;
    let c = heavier.candidate_block(miner(), ts, 3).unwrap();
    let mut block = c.block;
    assert!(crate::node::mine(&mut block, u64::MAX));
    heavier.accept_mined(block, 0).unwrap();

    // Not heavier: our own chain.
    assert!(matches!(
        node.clone().adopt_if_heavier(node.chain().clone()),
        Err(NotAdopted::NotHeavier { .. })
    ));
    // Another genesis.
    let other = Chain::new(5);
    assert_eq!(
        node.clone().adopt_if_heavier(other),
        Err(NotAdopted::OtherGenesis)
    );
    // Invalid: a tampered copy of the heavier chain.
    let mut bad = heavier.clone();
    bad.tamper_record(0, 0, RecordEdit::Memo("x".into()))
        .unwrap_err();
    let mut bad_chain = heavier.clone();
    bad_chain.tamper_edit(2).unwrap();
    assert!(matches!(
        node.clone().adopt_if_heavier(bad_chain.chain().clone()),
        Err(NotAdopted::Invalid { height: 2 })
    ));
    // Heavier and valid: adopted, appended only.
    let switched = node.adopt_if_heavier(heavier.chain().clone()).unwrap();
    assert_eq!(switched.blocks, 4);
    assert!(!switched.reorg);
    assert_eq!(node.chain(), heavier.chain());
}

#[test]
fn tamper_edits_change_the_hash_and_break_the_chain_where_they_are() {
    let mut node = ledger();
    node.add_record(record("a"));
    node.submit(signed(0, 0, "1")).unwrap();
    // Mined at 8 bits, so an edit breaks its proof of work.
    let mut c = node.candidate_block(miner(), 2_000, 8).unwrap();
    assert!(crate::node::mine(&mut c.block, u64::MAX));
    node.accept_mined(c.block.clone(), c.records).unwrap();
    let tx_entry = c
        .block
        .entries
        .iter()
        .position(|e| matches!(e, Entry::Tx { .. }))
        .unwrap();
    let record_entry = c
        .block
        .entries
        .iter()
        .position(|e| matches!(e, Entry::Record(_)))
        .unwrap();
    let before = node.chain().blocks()[1].hash();
    node.tamper_record(1, record_entry, RecordEdit::Amount(eth("99")))
        .unwrap();
    let after = node.chain().blocks()[1].hash();
    assert_ne!(before, after);
    assert_eq!(node.chain().valid_len(), 1);
    assert_eq!(
        node.tamper_record(1, tx_entry, RecordEdit::Memo("m".into())),
        Err(TamperError::NoSuchEntry {
            height: 1,
            entry: tx_entry
        })
    );
    node.tamper_tx_value(1, tx_entry, Wei::parse_coins("100").unwrap())
        .unwrap();
    let Entry::Tx { raw, .. } = &node.chain().blocks()[1].entries[tx_entry] else {
        panic!("a transaction");
    };
    assert_eq!(raw.tx().value_wei().unwrap().to_coins(), "100");
    assert_ne!(raw.recover_sender().ok(), Some(dev(0)));
    // A re-mined record edit repairs the proof of work but not the forged signature.
    let mut again = node.remine_candidate(1).unwrap();
    assert!(crate::node::mine(&mut again, u64::MAX));
    assert!(node.put_remined(1, again));
    assert_eq!(node.chain().valid_len(), 1);
    assert!(node.remine_candidate(5).is_none());
}

#[test]
fn the_check_report_gives_every_rule_its_own_outcome() {
    let mut node = ledger();
    let tx = signed(0, 0, "1");
    let fresh = node.check_tx(&tx);
    assert_eq!(fresh.inclusion, Inclusion::Unknown);
    let rules = fresh.rules.unwrap();
    assert_eq!(rules.sender, dev(0));
    assert_eq!(rules.nonce_rule, Ok(()));
    assert!(rules.funds_rule.is_ok());
    assert_eq!(rules.chain_id_rule, Ok(1337));
    assert!(rules.verdict.is_ok());

    let gap = node.check_tx(&signed(0, 3, "1")).rules.unwrap();
    assert!(matches!(
        gap.nonce_rule,
        Err(TxRuleError::NonceTooHigh {
            expected: 0,
            got: 3
        })
    ));
    assert!(matches!(gap.verdict, Err(TxRuleError::NonceTooHigh { .. })));

    let poor = node.check_tx(&signed(0, 0, "10000")).rules.unwrap();
    assert!(matches!(
        poor.funds_rule,
        Err(TxRuleError::InsufficientFunds { .. })
    ));
    assert_eq!(poor.nonce_rule, Ok(()));

    node.submit(tx.clone()).unwrap();
    assert_eq!(
        node.check_tx(&tx).inclusion,
        Inclusion::Waiting(TxStatus::Pending)
    );
    mine(&mut node);
    let mined = node.check_tx(&tx);
    assert_eq!(
        mined.inclusion,
        Inclusion::Included {
            height: crate::Height(1),
            confirmations: 1
        }
    );
    let rules = mined.rules.unwrap();
    assert!(matches!(
        rules.nonce_rule,
        Err(TxRuleError::NonceTooLow { .. })
    ));
    assert!(matches!(
        rules.verdict,
        Err(TxRuleError::NonceTooLow { .. })
    ));

    // Signed for another chain.
    let other = crate::tx::TxRequest::transfer(1, 1, dev(1), eth("1"))
        .eip1559(1_000_000_000, 3_000_000_000)
        .unwrap()
        .sign(&crate::state::tests::key(0))
        .unwrap();
    let rules = node.check_tx(&other).rules.unwrap();
    assert_eq!(
        rules.chain_id_rule,
        Err(TxRuleError::WrongChainId {
            signed: 1,
            chain: 1337
        })
    );
}

#[test]
fn a_synced_chain_and_mempool_are_installed_and_bump_the_revision_only_for_the_chain() {
    let mut node = ledger();
    let mut other = node.clone();
    mine(&mut other);
    other.submit(signed(0, 0, "1")).unwrap();
    let rev = node.revision();
    node.install_synced(None, Some(other.mempool().clone()));
    assert_eq!(
        node.revision(),
        rev,
        "a mempool alone is not a chain change"
    );
    assert_eq!(node.mempool().len(), 1);
    node.install_synced(Some(other.chain().clone()), None);
    assert_ne!(node.revision(), rev);
    assert_eq!(node.chain(), other.chain());
    assert_eq!(node.mempool().len(), 1);
}

#[test]
fn records_of_a_block_dropped_by_a_reorg_come_back_to_the_pending_list() {
    // Two tabs from one chain: A mines a block with its record; B mines two blocks with
    // another record (heavier). A adopts B's chain: A's record was in no block of it, so it
    // is pending again; B's is in the new chain, so it is not pending.
    let mut a = ledger();
    let mut b = a.clone();
    a.add_record(record("only in A's block"));
    b.add_record(record("in B's chain"));
    mine(&mut a);
    mine(&mut b);
    mine(&mut b);
    assert!(a.pending().is_empty());
    let switched = a.adopt_if_heavier(b.chain().clone()).unwrap();
    assert!(switched.reorg);
    let memos: Vec<&str> = a.pending().iter().map(|r| r.memo.as_str()).collect();
    assert_eq!(memos, ["only in A's block"]);
    // The same through a peers' sync.
    let mut c = ledger();
    c.add_record(record("only in C's block"));
    mine(&mut c);
    c.install_synced(Some(b.chain().clone()), None);
    let memos: Vec<&str> = c.pending().iter().map(|r| r.memo.as_str()).collect();
    assert_eq!(memos, ["only in C's block"]);
    // A record both chains hold does not come back.
    let mut d = ledger();
    let mut e = d.clone();
    d.add_record(record("in both"));
    e.add_record(record("in both"));
    mine(&mut d);
    mine(&mut e);
    mine(&mut e);
    d.adopt_if_heavier(e.chain().clone()).unwrap();
    assert!(d.pending().is_empty(), "{:?}", d.pending());
}

/// Mines the candidate at 8 bits (an edit then breaks its proof of work) and takes it.
fn mine_at_8_bits(node: &mut Node) -> Candidate {
    let ts = node.chain().tip().header.timestamp_ms + 1;
    let mut c = node.candidate_block(miner(), ts, 8).unwrap();
    assert!(crate::node::mine(&mut c.block, u64::MAX));
    node.accept_mined(c.block.clone(), c.records).unwrap();
    c
}

#[test]
fn no_block_is_mined_on_an_invalid_tip_and_nothing_waiting_is_lost() {
    let mut node = ledger();
    node.add_record(record("in block 1"));
    mine_at_8_bits(&mut node);
    node.add_record(record("in block 2"));
    node.submit(signed(0, 0, "1")).unwrap();
    mine_at_8_bits(&mut node);
    assert_eq!(node.check_tip(), Ok(()));
    assert_eq!(
        node.drop_invalid_blocks(),
        None,
        "a valid chain keeps its blocks"
    );

    // Tamper with block 1: blocks 1 and 2 are invalid, and a block on the tip would be too.
    node.tamper_record(1, 1, RecordEdit::Memo("edited".into()))
        .unwrap();
    let bad = InvalidTip {
        first_invalid: Height(1),
        tip: Height(2),
    };
    assert_eq!(node.check_tip(), Err(bad));
    assert_eq!(bad.invalid_blocks(), 2);
    assert_eq!(
        bad.to_string(),
        "block #1 is invalid, and so is every block after it up to the tip #2"
    );
    node.add_record(record("waiting"));
    node.submit(signed(1, 0, "2")).unwrap();
    assert_eq!(node.candidate_block(miner(), 9_000, 0), Err(bad));
    // A block mined before the edit is not taken either: what waits stays.
    let tip = node.chain().tip().clone();
    let stale = crate::mempool::build_block(
        &tip,
        node.chain().state(),
        node.mempool(),
        &ChainParams::default(),
        miner(),
        9_000,
        0,
    );
    assert_eq!(node.accept_mined(stale, 1), Err(NotTaken::InvalidTip(bad)));
    assert_eq!(node.chain().len(), 3);
    assert_eq!(node.pending().len(), 1);
    assert_eq!(node.mempool().len(), 1);

    // Mining on the valid prefix: the two invalid blocks go, their record and transaction
    // come back to wait, and a new block can be mined.
    let dropped = node.drop_invalid_blocks().unwrap();
    assert_eq!(
        dropped,
        Dropped {
            from: Height(1),
            blocks: 2,
            returned: 1,
            records: 2
        }
    );
    assert_eq!(node.chain().len(), 1);
    assert_eq!(node.check_tip(), Ok(()));
    let memos: Vec<String> = node.pending().iter().map(|r| r.memo.clone()).collect();
    assert_eq!(memos, ["edited", "in block 2", "waiting"]);
    assert_eq!(node.mempool().len(), 2);
    let c = mine(&mut node);
    assert_eq!(c.records, 3);
    assert_eq!(node.chain().valid_len(), 2);
}

#[test]
fn an_invalid_tip_is_named_as_one_block_when_it_is_the_only_bad_one() {
    let mut node = ledger();
    node.add_record(record("a"));
    mine_at_8_bits(&mut node);
    node.tamper_record(1, 1, RecordEdit::Memo("b".into()))
        .unwrap();
    let e = node.check_tip().unwrap_err();
    assert_eq!(e.to_string(), "the tip, block #1, is invalid");
    assert_eq!(e.invalid_blocks(), 1);
}

#[test]
fn dropping_a_forged_block_queues_what_waited_behind_its_transaction() {
    let mut node = ledger();
    node.submit(signed(0, 0, "1.5")).unwrap();
    mine_at_8_bits(&mut node);
    let second = signed(0, 1, "2");
    node.submit(second.clone()).unwrap();
    assert_eq!(
        node.mempool().get(&second.hash()).map(|(_, s)| s),
        Some(TxStatus::Pending)
    );
    node.tamper_tx_value(1, 1, Wei::parse_coins("100").unwrap())
        .unwrap();
    let mut again = node.remine_candidate(1).unwrap();
    assert!(crate::node::mine(&mut again, u64::MAX));
    assert!(node.put_remined(1, again));
    assert!(node.check_tip().is_err());
    let dropped = node.drop_invalid_blocks().unwrap();
    // The forgery recovers a stranger with nothing: it does not come back.
    assert_eq!((dropped.blocks, dropped.returned), (1, 0));
    assert_eq!(node.mempool().len(), 1);
    assert_eq!(
        node.mempool().get(&second.hash()).map(|(_, s)| s),
        Some(TxStatus::Queued),
        "nonce 0 is unused again: nonce 1 waits behind it"
    );
}
