use proptest::prelude::*;

use super::client::Behaviour;
use super::duties;
use super::sim::{EventKind, PosNetwork};
use super::types::{Checkpoint, PosMessage};
use super::*;
use crate::genesis::dev_allocations;
use crate::hash::Hash32;

pub(super) fn net(nodes: usize, validators: usize) -> PosNetwork {
    let accounts: Vec<(Address, u128)> = dev_allocations()
        .into_iter()
        .map(|(a, w)| (a, w.as_wei()))
        .collect();
    PosNetwork::new(
        PosParams::default(),
        nodes,
        &vec![32 * ETH; validators],
        &accounts,
    )
}

#[test]
fn genesis_validators_are_the_development_accounts() {
    let n = net(1, 12);
    let state = n.nodes()[0].head_state().unwrap();
    for (i, dev) in crate::genesis::DEV_ADDRESSES.iter().enumerate() {
        assert_eq!(
            state.validator(i as u32).unwrap().address,
            *dev,
            "validator #{i}"
        );
        assert!(
            n.client(dev).is_some(),
            "the lab holds development account {i}'s key"
        );
    }
    // Beyond the ten listed: the same mnemonic's next BIP-44 accounts, all distinct.
    let all: std::collections::BTreeSet<_> = state.validators.iter().map(|v| v.address).collect();
    assert_eq!(all.len(), 12);
    assert_eq!(genesis_keys(12)[11], genesis_keys(40)[11]);
}

fn spe(n: &PosNetwork) -> u64 {
    n.params().slots_per_epoch
}

fn finalized_epochs(n: &PosNetwork) -> Vec<u64> {
    n.nodes().iter().map(|x| x.finalized().epoch).collect()
}

/// No two finalized checkpoints, on any nodes, conflict: all lie on one chain.
fn assert_finality_consistent(n: &PosNetwork) {
    let mut all: Vec<Checkpoint> = n
        .nodes()
        .iter()
        .flat_map(|x| x.finalized_history().to_vec())
        .collect();
    all.sort();
    all.dedup();
    for w in all.windows(2) {
        if w[0].epoch == w[1].epoch {
            panic!(
                "two checkpoints finalized for epoch {}: {:?}",
                w[0].epoch, w
            );
        }
    }
    // Each later checkpoint descends from every earlier one in the view of a node that knows both.
    for node in n.nodes() {
        let known: Vec<&Checkpoint> = all
            .iter()
            .filter(|c| node.entry(&c.root).is_some())
            .collect();
        for pair in known.windows(2) {
            assert!(
                node.is_ancestor(&pair[0].root, &pair[1].root),
                "conflicting finality {pair:?}"
            );
        }
    }
}

#[test]
fn proposer_frequency_follows_stake_over_100000_slots() {
    let stakes = [(0, 32u64), (1, 64), (2, 96), (3, 128)];
    let seed = Hash32::from_bytes([7; 32]);
    let slots = 100_000u64;
    let mut counts = [0u64; 4];
    for slot in 0..slots {
        let p = duties::proposer(&seed, slot, &stakes).unwrap();
        counts[p as usize] += 1;
    }
    let total: u64 = stakes.iter().map(|s| s.1).sum();
    let chi2: f64 = stakes
        .iter()
        .zip(counts)
        .map(|((_, s), c)| {
            let expected = slots as f64 * *s as f64 / total as f64;
            (c as f64 - expected).powi(2) / expected
        })
        .sum();
    // 3 degrees of freedom: 16.27 is the 0.1% tail.
    assert!(chi2 < 16.27, "counts {counts:?}, chi-squared {chi2}");
    // And a stake-blind choice would fail the same test.
    let uniform_chi2: f64 = counts
        .iter()
        .map(|c| (*c as f64 - 25_000.0).powi(2) / 25_000.0)
        .sum();
    assert!(uniform_chi2 > 1000.0);
}

#[test]
fn an_honest_network_justifies_and_finalizes() {
    let mut n = net(4, 16);
    n.run_to(5 * spe(&n));
    let fin = finalized_epochs(&n);
    assert!(fin.iter().all(|e| *e >= 3), "finalized {fin:?}");
    assert_eq!(n.stats.missed, 0);
    assert!(n.events().any(|e| e.kind == EventKind::Finalized));
    // Every node agrees on the head.
    let heads: Vec<_> = n.nodes().iter().map(|x| x.head()).collect();
    assert!(heads.windows(2).all(|w| w[0] == w[1]));
    // Votes paid: every validator's stake grew.
    let state = n.nodes()[0].head_state().unwrap();
    assert!(state.validators.iter().all(|v| v.balance > 32 * ETH));
    assert_finality_consistent(&n);
}

#[test]
fn more_than_a_third_offline_stops_finality_until_they_return() {
    let mut n = net(4, 12);
    n.run_to(4 * spe(&n));
    let before = n.nodes()[0].finalized().epoch;
    assert!(before >= 2);
    let offline: Vec<Address> = (0..5).filter_map(|i| n.validator_address(i)).collect();
    for a in &offline {
        n.set_online(a, false);
    }
    let (on, total) = n.online_stake();
    assert!(3 * on < 2 * total);
    n.run_to(9 * spe(&n));
    let stalled = n.nodes()[0].finalized().epoch;
    assert!(
        stalled <= before + 1,
        "finality went on: {before} -> {stalled}"
    );
    assert!(n.stats.missed > 0);
    for a in &offline {
        n.set_online(a, true);
    }
    n.run_to(13 * spe(&n));
    assert!(
        n.nodes()[0].finalized().epoch >= stalled + 2,
        "finality did not resume"
    );
    assert_finality_consistent(&n);
}

#[test]
fn an_equivocator_is_slashed_in_every_view() {
    let mut n = net(4, 16);
    n.run_to(spe(&n));
    let cheat = n.validator_address(3).unwrap();
    n.set_behaviour(&cheat, Behaviour::Equivocating);
    n.run_to(4 * spe(&n));
    n.set_behaviour(&cheat, Behaviour::Honest);
    n.run_to(6 * spe(&n));
    for node in n.nodes() {
        let v = node.head_state().unwrap().validator(3).unwrap();
        assert!(v.slashed, "not slashed on a node");
        assert!(v.balance < 32 * ETH);
    }
    assert!(n.events().any(|e| e.kind == EventKind::Slashed));
    assert!(finalized_epochs(&n).iter().all(|e| *e >= 3));
    assert_finality_consistent(&n);
}

#[test]
fn a_split_network_finalizes_on_neither_side_then_heals() {
    let mut n = net(4, 16);
    n.run_to(3 * spe(&n));
    let before = n.nodes()[0].finalized().epoch;
    n.partition(2);
    n.run_to(8 * spe(&n));
    for node in n.nodes() {
        assert!(
            node.finalized().epoch <= before + 1,
            "a half finalized alone"
        );
    }
    assert_ne!(
        n.nodes()[0].head(),
        n.nodes()[3].head(),
        "the halves did not fork"
    );
    n.heal();
    n.run_to(12 * spe(&n));
    let heads: Vec<_> = n.nodes().iter().map(|x| x.head()).collect();
    assert!(
        heads.windows(2).all(|w| w[0] == w[1]),
        "no agreement after healing"
    );
    assert!(
        n.nodes()[0].finalized().epoch >= before + 3,
        "finality did not resume"
    );
    assert_finality_consistent(&n);
}

#[test]
fn a_tampered_block_is_refused_with_the_reason() {
    let mut n = net(3, 8);
    n.run_to(3);
    n.tamper(1).unwrap();
    n.run_to(4);
    let refused: Vec<_> = n
        .events()
        .filter(|e| e.kind == EventKind::Refused)
        .collect();
    assert!(
        refused
            .iter()
            .any(|e| e.text.contains("changed after signing")),
        "{refused:?}"
    );
    assert!(n.is_compromised(1));
    // The refusal stays on the links it came over (the shared wire's, as for proof of work);
    // the link between the two honest nodes has none.
    for other in [0, 2] {
        let link = n.links().get(&crate::net::key(1, other)).unwrap();
        assert!(
            link.last_rejection.as_deref().is_some_and(
                |r| r.contains("refused from node B") && r.contains("changed after signing")
            ),
            "{link:?}"
        );
    }
    assert!(n.links().get(&(0, 2)).unwrap().last_rejection.is_none());
}

#[test]
fn deposits_and_exits_are_checked() {
    use crate::amount::Wei;
    use crate::tx::TxRequest;
    use crate::wallet::Account;
    let mut n = net(2, 8);
    // Development account 9: funded, and not among the 8 genesis validators.
    let user = Account::from_private_key(&genesis_keys(10)[9].to_bytes().into()).unwrap();
    let genesis_validator =
        Account::from_private_key(&genesis_keys(1)[0].to_bytes().into()).unwrap();
    let sign = |nonce: u64, value: u128, chain: u64| {
        TxRequest::transfer(chain, nonce, DEPOSIT_ADDRESS, Wei::from_wei(value))
            .legacy(1_000_000_000)
            .unwrap()
            .sign(&user)
            .unwrap()
            .raw_hex()
    };
    let small = n
        .deposit(
            &sign(0, ETH / 2, LAB_CHAIN_ID),
            user.signing_key().clone(),
            0,
        )
        .unwrap_err();
    assert!(small.to_string().contains("below the minimum"), "{small}");
    let big = n
        .deposit(
            &sign(0, 1_000_000 * ETH, LAB_CHAIN_ID),
            user.signing_key().clone(),
            0,
        )
        .unwrap_err();
    assert!(big.to_string().contains("balance"), "{big}");
    let other_chain = n
        .deposit(&sign(0, 32 * ETH, 1), user.signing_key().clone(), 0)
        .unwrap_err();
    assert!(other_chain.to_string().contains("chain 1"), "{other_chain}");
    let skipped = n
        .deposit(
            &sign(5, 32 * ETH, LAB_CHAIN_ID),
            user.signing_key().clone(),
            0,
        )
        .unwrap_err();
    assert!(skipped.to_string().contains("nonce"), "{skipped}");
    let already = TxRequest::transfer(LAB_CHAIN_ID, 0, DEPOSIT_ADDRESS, Wei::from_wei(32 * ETH))
        .legacy(1_000_000_000)
        .unwrap()
        .sign(&genesis_validator)
        .unwrap()
        .raw_hex();
    let twice = n
        .deposit(&already, genesis_validator.signing_key().clone(), 0)
        .unwrap_err();
    assert!(twice.to_string().contains("already a validator"), "{twice}");
    // A gas price under the ledger's base fee: the same rule as a transfer's.
    let cheap = TxRequest::transfer(LAB_CHAIN_ID, 0, DEPOSIT_ADDRESS, Wei::from_wei(32 * ETH))
        .legacy(1)
        .unwrap()
        .sign(&user)
        .unwrap()
        .raw_hex();
    let under = n
        .deposit(&cheap, user.signing_key().clone(), 0)
        .unwrap_err();
    assert!(under.to_string().contains("rule of the ledger"), "{under}");
    let raw = sign(0, 32 * ETH, LAB_CHAIN_ID);
    n.deposit(&raw, user.signing_key().clone(), 0).unwrap();
    n.run_to(5 * spe(&n));
    let state = n.nodes()[1].head_state().unwrap();
    let index = state
        .index_of(&user.address)
        .expect("the deposit made a validator");
    assert!(state.validator(index).unwrap().is_active(n.epoch()));
    assert_eq!(state.ledger.nonce(&user.address), 1);
    // The ledger's own rules moved the ETH: value to the deposit address, the fee (21,000 gas
    // at the 1 gwei base fee) burned.
    assert_eq!(
        state.ledger.balance(&user.address).as_wei(),
        10_000 * ETH - 32 * ETH - 21_000 * 1_000_000_000
    );
    assert_eq!(state.ledger.balance(&DEPOSIT_ADDRESS).as_wei(), 32 * ETH);
    // Replaying the same signed deposit changes nothing.
    let replay = n.deposit(&raw, user.signing_key().clone(), 1).unwrap_err();
    assert!(replay.to_string().contains("nonce"), "{replay}");
    // Unknown validator, then a real exit, then the same exit again.
    assert!(n.exit(200).unwrap_err().contains("no validator #200"));
    n.exit(index).unwrap();
    n.run_to(6 * spe(&n));
    assert!(n.exit(index).unwrap_err().contains("already exiting"));
    n.run_to(9 * spe(&n));
    let state = n.nodes()[0].head_state().unwrap();
    assert!(!state.validator(index).unwrap().is_active(n.epoch()));
    assert!(
        state.ledger.balance(&user.address).as_wei() > 9_990 * ETH,
        "the stake came back"
    );
}

#[test]
fn forged_and_malformed_messages_are_refused() {
    let mut n = net(2, 8);
    n.run_to(2);
    // A vote signed by the wrong key.
    let node = &n.nodes()[0];
    let state = node.state_at_slot(2).unwrap();
    let committee = state.committee(2, n.params()).unwrap();
    let data = node.vote_data(2, &state);
    let wrong = lab_key(99);
    let sig = crate::signature::Signature::sign_prehash(
        &wrong,
        &types::Domain::Attestation.digest(&data.root()),
    )
    .unwrap();
    let forged = types::Attestation {
        data,
        validator: committee[0],
        signature: sig,
    };
    n.inject(1, PosMessage::Attestation(forged));
    assert!(
        n.events().any(|e| e.text.contains("is not validator")),
        "forged vote accepted"
    );
    // A replayed vote is simply known; a malformed one never decodes.
    assert!(codec::decode("{\"type\":\"attestation\",\"body\":{}}").is_err());
    assert!(codec::decode("not json")
        .unwrap_err()
        .contains("not a proof-of-stake message"));
    let block = n.nodes()[0].head_entry().unwrap().block.clone().unwrap();
    let text = codec::encode(&PosMessage::Block(block.clone()));
    assert_eq!(codec::decode(&text).unwrap(), PosMessage::Block(block));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Random partitions, offline validators and equivocators (together under 1/3 of the
    /// stake): finality never conflicts; once the network heals and everyone honest is online,
    /// every equivocator is slashed in every view and finality advances.
    #[test]
    fn random_schedules_keep_finality_safe(
        events in proptest::collection::vec((0u8..5, 0usize..16, 1usize..4), 1..8),
        cheats in proptest::collection::btree_set(0u32..16, 0..3),
    ) {
        let mut n = net(4, 16);
        let step = spe(&n) / 2;
        let cheaters: Vec<Address> = cheats.iter().filter_map(|i| n.validator_address(*i)).collect();
        // At most 2 equivocators and 2 offline at once: 4 of 16 < 1/3.
        let mut offline: Vec<Address> = Vec::new();
        for a in &cheaters {
            n.set_behaviour(a, Behaviour::Equivocating);
        }
        let mut slot = 0;
        for (kind, who, at) in events {
            match kind {
                0 => n.partition(at),
                1 => n.heal(),
                2 => if let Some(a) = n.validator_address(who as u32) {
                    if offline.len() < 2 && !cheaters.contains(&a) { n.set_online(&a, false); offline.push(a); }
                },
                3 => if let Some(a) = offline.pop() { n.set_online(&a, true); },
                _ => {}
            }
            slot += step * at as u64;
            n.run_to(slot);
            assert_finality_consistent(&n);
        }
        n.heal();
        for a in offline.drain(..) {
            n.set_online(&a, true);
        }
        for a in &cheaters {
            n.set_behaviour(a, Behaviour::Honest);
        }
        let before = n.nodes().iter().map(|x| x.finalized().epoch).min().unwrap_or(0);
        n.run_to(slot + 6 * spe(&n));
        assert_finality_consistent(&n);
        for node in n.nodes() {
            prop_assert!(node.finalized().epoch >= before + 2, "finality stuck at {}", node.finalized().epoch);
            let state = node.head_state().unwrap();
            for i in &cheats {
                // An equivocator that never had a duty while cheating signed nothing twice.
                let signed_twice = n.events().any(|e| e.kind == EventKind::Slashed && e.text.contains(&format!("#{i} ")));
                if signed_twice {
                    prop_assert!(state.validator(*i).unwrap().slashed, "#{} slashed somewhere but not here", i);
                }
            }
        }
    }
}

#[test]
fn a_node_cut_off_while_the_others_finalize_catches_up() {
    let mut n = net(4, 16);
    for i in [1u32, 11] {
        let a = n.validator_address(i).unwrap();
        n.set_behaviour(&a, Behaviour::Equivocating);
    }
    n.run_to(16);
    n.partition(3);
    n.run_to(48);
    // A, B and C hold 3/4 of the stake: they finalize (and let go of old states); D cannot.
    assert!(
        n.nodes()[0].finalized().epoch >= 3,
        "{:?}",
        finalized_epochs(&n)
    );
    assert_eq!(n.nodes()[3].finalized().epoch, 0);
    n.heal();
    n.run_to(64);
    let heads: Vec<_> = n.nodes().iter().map(|x| x.head()).collect();
    assert!(heads.windows(2).all(|w| w[0] == w[1]), "D did not catch up");
    assert!(n.nodes()[3].finalized().epoch >= 4);
    assert_eq!(n.nodes()[3].orphans(), 0);
    assert_finality_consistent(&n);
}

#[test]
fn a_surround_vote_is_proven_and_a_replayed_vote_changes_nothing() {
    use types::{Attestation, AttestationData, Domain, Evidence, VoteOffence};
    let n = net(2, 8);
    let state = n.nodes()[0].head_state().unwrap().clone();
    let key = genesis_keys(3).swap_remove(2);
    let cp = |epoch: u64| Checkpoint {
        epoch,
        root: Hash32::from_bytes([epoch as u8; 32]),
    };
    let vote = |source: u64, target: u64| {
        let data = AttestationData {
            slot: target * 8,
            head: cp(target).root,
            source: cp(source),
            target: cp(target),
        };
        let signature = crate::signature::Signature::sign_prehash(
            &key,
            &Domain::Attestation.digest(&data.root()),
        )
        .unwrap();
        Attestation {
            data,
            validator: 2,
            signature,
        }
    };
    let (outer, inner) = (vote(1, 5), vote(2, 4));
    assert_eq!(
        outer.data.offence_with(&inner.data),
        Some(VoteOffence::SurroundVote)
    );
    assert_eq!(
        vote(1, 4).data.offence_with(&vote(2, 4).data),
        Some(VoteOffence::DoubleVote)
    );
    assert_eq!(
        vote(1, 2).data.offence_with(&vote(2, 3).data),
        None,
        "consecutive links are fine"
    );
    let e = Evidence::Votes { a: outer, b: inner };
    assert_eq!(state.check_evidence(&e), Ok(2));
    assert_eq!(e.rule(), "made a surround vote");
    // Evidence naming another validator than the signer's is refused.
    let wrong = Evidence::Votes {
        a: Attestation {
            validator: 3,
            ..outer
        },
        b: Attestation {
            validator: 3,
            ..inner
        },
    };
    assert!(state.check_evidence(&wrong).is_err());

    // A vote replayed to a node is recognised and changes nothing.
    let mut n = net(2, 8);
    n.run_to(3);
    let vote = n.nodes()[1]
        .head_entry()
        .unwrap()
        .block
        .as_ref()
        .unwrap()
        .body
        .attestations[0];
    let before = n.nodes()[0].clone();
    let checked = before.checked;
    let mut node = before.clone();
    assert_eq!(
        node.receive_attestation(vote, 3),
        Ok(node::VoteReceived::Known)
    );
    assert_eq!(node.checked, checked);
    assert_eq!(node.head(), before.head());
}

#[test]
fn the_screens_rows_follow_the_network() {
    use super::view::{compare, more_than_a_third, node_rows, summary, validator_rows, PowRun};
    let mut n = net(3, 12);
    n.run_to(2 * spe(&n));
    let group = more_than_a_third(&n);
    let rows = validator_rows(&n);
    let total: u64 = rows.iter().map(|r| r.effective).sum();
    let stake: u64 = rows
        .iter()
        .filter(|r| group.contains(&r.address))
        .map(|r| r.effective)
        .sum();
    assert!(
        3 * stake > total,
        "{stake} of {total} is not more than a third"
    );
    let smaller = stake
        - rows
            .iter()
            .find(|r| group.last() == Some(&r.address))
            .unwrap()
            .effective;
    assert!(3 * smaller <= total, "the group is not the smallest");
    for a in &group {
        n.set_online(a, false);
    }
    assert!(!summary(&n).can_finalize);
    let rows = validator_rows(&n);
    assert_eq!(
        rows.iter()
            .filter(|r| r.status == super::view::Status::Offline)
            .count(),
        group.len()
    );
    // Every slot of the epoch has one proposer, and every active validator one vote slot.
    let proposals: usize = rows.iter().map(|r| r.proposes.len()).sum();
    assert_eq!(proposals as u64, spe(&n));
    assert!(rows.iter().all(|r| r.votes_in.is_some()));
    assert_eq!(node_rows(&n).len(), 3);
    let cmp = compare(
        PowRun {
            blocks: 5,
            expected_hashes: 1 << 20,
            transactions: 3,
        },
        &n,
    );
    assert!(cmp
        .iter()
        .any(|r| r.key == "work" && r.pow.contains("1048576")));
    assert!(cmp
        .iter()
        .any(|r| r.key == "transactions" && r.pow.starts_with("3 applied")));
    assert!(cmp
        .iter()
        .any(|r| r.key == "attacker" && r.pos.contains("ETH")));
}
