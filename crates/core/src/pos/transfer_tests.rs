//! Ordinary transfers on proof of stake: pooled by the core's mempool, included by proposers,
//! applied by the core's ledger rules on every node, fees to the proposer.

use super::refusal::{BlockRefusal, TransferRefusal};
use super::sim::PosNetwork;
use super::tests::net;
use super::types::{Domain, Transfer};
use super::*;
use crate::amount::Wei;
use crate::signature::Signature;
use crate::tx::TxRequest;
use crate::wallet::Account;

const GWEI: u128 = 1_000_000_000;

/// Development account `i` (funded with 10,000 ETH; not a validator when `i` >= the count).
fn dev(i: usize) -> Account {
    Account::from_private_key(&genesis_keys(i + 1)[i].to_bytes().into()).unwrap()
}

fn sign(from: &Account, nonce: u64, to: Address, value: u128, gas_price: u128) -> String {
    TxRequest::transfer(LAB_CHAIN_ID, nonce, to, Wei::from_wei(value))
        .legacy(gas_price)
        .unwrap()
        .sign(from)
        .unwrap()
        .raw_hex()
}

fn recipient(n: u8) -> Address {
    Address::from_bytes([n; 20])
}

/// Every node's head ledger conserves coins: the balances sum to allocated + minted - burned.
fn assert_conserved(n: &PosNetwork) {
    for node in n.nodes() {
        let ledger = &node.head_state().unwrap().ledger;
        let s = ledger.supply();
        let expected = s.allocated.as_wei() + s.minted.as_wei() - s.burned.as_wei();
        assert_eq!(ledger.total_balance().unwrap().as_wei(), expected);
    }
}

#[test]
fn a_transfer_moves_balances_on_every_node_and_pays_its_tip_to_the_proposer() {
    let mut n = net(3, 8);
    let user = dev(9);
    let to = recipient(0x42);
    // 2 gwei against the 1 gwei base fee: 1 gwei per gas burned, 1 gwei tipped.
    let raw = sign(&user, 0, to, 5 * ETH, 2 * GWEI);
    n.transfer(&raw, 1).unwrap();
    assert_eq!(n.nodes()[1].waiting_transfers().len(), 1);
    let waiting = view::waiting_rows(&n, 1);
    assert_eq!(
        (waiting[0].from, waiting[0].to, waiting[0].value.as_wei()),
        (user.address, Some(to), 5 * ETH)
    );
    assert_eq!(
        n.next_nonce(&user.address, 1),
        1,
        "past the waiting transfer"
    );
    n.run_to(6);
    for (i, node) in n.nodes().iter().enumerate() {
        let ledger = &node.head_state().unwrap().ledger;
        assert_eq!(ledger.balance(&to).as_wei(), 5 * ETH, "node {i}");
        assert_eq!(ledger.nonce(&user.address), 1, "node {i}");
        assert_eq!(
            ledger.balance(&user.address).as_wei(),
            10_000 * ETH - 5 * ETH - 21_000 * 2 * GWEI,
            "node {i}"
        );
        assert!(node.waiting_transfers().is_empty(), "node {i}");
        // The proposer that included it (a genesis validator, a development account) earned
        // the tip, and no one else did.
        let tipped: Vec<usize> = (0..8)
            .filter(|v| ledger.balance(&dev_address(*v)).as_wei() == 10_000 * ETH + 21_000 * GWEI)
            .collect();
        assert_eq!(tipped.len(), 1, "node {i}: {tipped:?}");
    }
    assert_conserved(&n);
    // What the page shows: the recipient's row, and one transaction applied.
    let rows = view::account_rows(&n, 0);
    let row = rows.iter().find(|r| r.address == to).unwrap();
    assert_eq!((row.balance.as_wei(), row.nonce), (5 * ETH, 0));
    assert!(rows
        .iter()
        .any(|r| r.role.as_deref() == Some("validator #0")));
    let compare = view::compare(view::PowRun::default(), &n);
    let row = compare.iter().find(|r| r.key == "transactions").unwrap();
    assert!(row.pos.starts_with("1 applied"), "{}", row.pos);
    // The same signed transfer again: a replay, known and changing nothing.
    let replay = n.transfer(&raw, 0).unwrap_err();
    assert!(
        replay.to_string().contains("a replay changes nothing"),
        "{replay}"
    );
    n.run_to(8);
    assert_eq!(
        n.nodes()[0]
            .head_state()
            .unwrap()
            .ledger
            .nonce(&user.address),
        1
    );
}

fn dev_address(i: usize) -> Address {
    crate::genesis::DEV_ADDRESSES[i]
}

#[test]
fn bad_transfers_are_refused_in_words_and_change_nothing() {
    let mut n = net(2, 8);
    let user = dev(9);
    let before = n.nodes()[0].head_state().unwrap().ledger.clone();
    let cases = [
        ("0x1234".to_string(), "not a valid signed transaction"),
        (
            sign(&user, 0, DEPOSIT_ADDRESS, 32 * ETH, GWEI),
            "must be sent as a deposit",
        ),
        (
            sign(&user, 0, recipient(1), 20_000 * ETH, GWEI),
            "insufficient",
        ),
        (sign(&user, 3, recipient(1), ETH, GWEI), ""),
        (sign(&user, 0, recipient(1), ETH, 1), "base fee"),
        (
            TxRequest::transfer(1, 0, recipient(1), Wei::from_wei(ETH))
                .legacy(GWEI)
                .unwrap()
                .sign(&user)
                .unwrap()
                .raw_hex(),
            "chain",
        ),
    ];
    for (raw, words) in &cases {
        if words.is_empty() {
            // A nonce ahead of the account's: queued by the pool, as on Ethereum, never mined
            // before the gap is filled.
            n.transfer(raw, 0).unwrap();
            continue;
        }
        let e = n.transfer(raw, 0).unwrap_err().to_string();
        assert!(e.to_lowercase().contains(words), "{words}: {e}");
    }
    n.run_to(4);
    for node in n.nodes() {
        assert_eq!(node.head_state().unwrap().ledger, before, "nothing moved");
    }
}

#[test]
fn two_spends_of_one_nonce_land_once_on_every_node() {
    let mut n = net(3, 8);
    let user = dev(9);
    let a = sign(&user, 0, recipient(0xa), 9_000 * ETH, GWEI);
    let b = sign(&user, 0, recipient(0xb), 9_000 * ETH, GWEI);
    n.transfer(&a, 0).unwrap();
    n.transfer(&b, 2).unwrap();
    n.run_to(8);
    let mut landed = Vec::new();
    for node in n.nodes() {
        let ledger = &node.head_state().unwrap().ledger;
        assert_eq!(ledger.nonce(&user.address), 1);
        let got = (
            ledger.balance(&recipient(0xa)).as_wei(),
            ledger.balance(&recipient(0xb)).as_wei(),
        );
        assert!(
            got == (9_000 * ETH, 0) || got == (0, 9_000 * ETH),
            "{got:?}"
        );
        landed.push(got);
    }
    landed.dedup();
    assert_eq!(landed.len(), 1, "every node agrees on which spend landed");
    assert_conserved(&n);
}

#[test]
fn a_transfer_in_a_losing_branch_is_included_again() {
    // Node 0 alone (a third of the validators) against nodes 1 and 2: the transfer sent to node
    // 0 lands only in its branch, which loses once the network heals.
    let mut n = net(3, 9);
    n.partition(1);
    let user = dev(9);
    let to = recipient(0x77);
    n.transfer(&sign(&user, 0, to, 7 * ETH, GWEI), 0).unwrap();
    let spe = n.params().slots_per_epoch;
    n.run_to(2 * spe);
    let included_on_0 = n.nodes()[0].head_state().unwrap().ledger.balance(&to);
    assert_eq!(
        included_on_0.as_wei(),
        7 * ETH,
        "node 0's own branch has it"
    );
    assert_eq!(
        n.nodes()[1].head_state().unwrap().ledger.balance(&to),
        Wei::ZERO,
        "the other side never saw it"
    );
    n.heal();
    n.run_to(6 * spe);
    let head = n.nodes()[1].head();
    for (i, node) in n.nodes().iter().enumerate() {
        assert_eq!(node.head(), head, "node {i} on one head");
        let ledger = &node.head_state().unwrap().ledger;
        assert_eq!(
            ledger.balance(&to).as_wei(),
            7 * ETH,
            "node {i}: included again"
        );
        assert_eq!(ledger.nonce(&user.address), 1, "node {i}: once");
    }
    assert_conserved(&n);
}

#[test]
fn a_block_with_an_invalid_transfer_is_refused_with_the_reason() {
    let mut n = net(2, 8);
    n.run_to(1);
    let node = &n.nodes()[0];
    let slot = 2;
    let state = node.state_at_slot(slot).unwrap();
    let proposer = state.proposer(slot, n.params()).unwrap();
    let key = genesis_keys(8)[proposer as usize].clone();
    let mut block = node.build_block(slot, proposer, &key, "").unwrap();
    // The proposer slips in a transfer the sender cannot pay, and signs the result.
    let user = dev(9);
    block.body.transfers.push(Transfer {
        raw: sign(&user, 0, recipient(3), 50_000 * ETH, GWEI),
    });
    block.header.body_root = block.body.root();
    block.signature =
        Signature::sign_prehash(&key, &Domain::Block.digest(&block.header.root())).unwrap();
    let mut other = n.nodes()[1].clone();
    let refused = other.receive_block(block, slot).unwrap_err();
    assert!(
        matches!(
            &refused,
            BlockRefusal::Transfer {
                index: 0,
                reason: TransferRefusal::Ledger(_)
            }
        ),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("transfer 1 in the block"),
        "{refused}"
    );
}
