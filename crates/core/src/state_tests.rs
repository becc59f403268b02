//! State and rule tests, and the shared fixtures (`test_chain()`, the dev keys).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use proptest::prelude::*;

use super::*;
use crate::block::Block;
use crate::chain::tests::mine;
use crate::chain::Chain;
use crate::genesis::{genesis_block, DEV_ADDRESSES, DEV_BALANCE};
use crate::tx::{Eip1559Tx, LegacyTx, Signature, Transaction, TxRequest, U256};
use crate::wallet::hd::Account;

/// Private keys of the first three BIP-44 accounts of the public development mnemonic
/// (`test … junk`). PUBLIC test keys: `genesis::tests` checks they derive from it.
pub const DEV_KEYS: [&str; 3] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

pub const GWEI: u128 = 1_000_000_000;

/// The account behind `DEV_KEYS[i]`.
pub fn key(i: usize) -> Account {
    Account::from_private_key_hex(DEV_KEYS[i]).unwrap()
}

/// `DEV_ADDRESSES[i]`.
pub fn dev(i: usize) -> Address {
    DEV_ADDRESSES[i]
}

/// A miner address that holds nothing at genesis.
pub fn miner() -> Address {
    Address::from_bytes([0xee; 20])
}

pub fn eth(text: &str) -> Wei {
    Wei::parse_coins(text).unwrap()
}

/// An EIP-1559 transfer signed by dev key `from`: tip 1 gwei, max fee 3 gwei (so it pays
/// 2 gwei per gas at the 1 gwei base fee).
pub fn transfer(from: usize, nonce: u64, to: Address, value: Wei) -> Recovered {
    transfer_fees(from, nonce, to, value, GWEI, 3 * GWEI)
}

pub fn transfer_fees(
    from: usize,
    nonce: u64,
    to: Address,
    value: Wei,
    tip: u128,
    max_fee: u128,
) -> Recovered {
    TxRequest::transfer(1337, nonce, to, value)
        .eip1559(tip, max_fee)
        .unwrap()
        .sign_recovered(&key(from))
        .unwrap()
}

/// Signs any transaction with dev key `from`.
pub fn signed(from: usize, tx: Transaction) -> SignedTx {
    tx.sign(&key(from)).unwrap()
}

pub fn tx_entry(tx: &Recovered) -> Entry {
    Entry::Tx {
        from: tx.sender(),
        raw: tx.signed().clone(),
    }
}

/// A block on the tip holding `txs` and the right coinbase (computed on a scratch state),
/// mined at difficulty 0.
pub fn block_with(chain: &Chain, txs: &[Recovered]) -> Block {
    let mut scratch = chain.state().clone();
    let mut tips = Wei::ZERO;
    for tx in txs {
        if let Ok(r) = scratch.apply_tx(&tx.sender(), tx.signed(), chain.params()) {
            tips = tips.checked_add(r.cost.priority_fee).unwrap();
        }
    }
    let mut entries = vec![Entry::Coinbase {
        to: miner(),
        amount: tips.checked_add(chain.params().block_reward).unwrap(),
    }];
    entries.extend(txs.iter().map(tx_entry));
    let ts = chain.tip().header.timestamp_ms + 1;
    let mut b = Block::candidate(Some(chain.tip()), ts, 0, *miner().as_bytes(), entries);
    mine(&mut b);
    b
}

/// Mines `txs` into a new block on `chain`.
pub fn mine_txs(chain: &mut Chain, txs: &[Recovered]) {
    let b = block_with(chain, txs);
    let params = *chain.params();
    chain.append(b, &params).unwrap();
}

/// A lab chain (dev accounts funded) with three blocks of signed transfers:
/// #1: 0 → 1 1.5 ETH, 1 → 2 2 ETH; #2: 0 → 2 0.25 ETH (legacy, 5 gwei); #3: 2 → 0 1 ETH.
pub fn test_chain() -> Chain {
    let mut chain = Chain::new(1_000);
    mine_txs(
        &mut chain,
        &[
            transfer(0, 0, dev(1), eth("1.5")),
            transfer(1, 0, dev(2), eth("2")),
        ],
    );
    let legacy = TxRequest::transfer(1337, 1, dev(2), eth("0.25"))
        .legacy(5 * GWEI)
        .unwrap()
        .sign_recovered(&key(0))
        .unwrap();
    mine_txs(&mut chain, &[legacy]);
    mine_txs(&mut chain, &[transfer(2, 0, dev(0), eth("1"))]);
    chain
}

/// Signed transactions in `blocks`.
pub fn transactions(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .flat_map(|b| &b.entries)
        .filter(|e| matches!(e, Entry::Tx { .. }))
        .count()
}

/// [`test_chain`]'s blocks with block 2's transaction claiming dev account 1 as its sender
/// (it could have sent it: funded, and its next nonce is this transaction's), the entries root
/// recomputed and every block from there mined again: a forgery only the signature shows.
/// Returns the blocks and the forged transaction.
pub fn forged_sender_blocks() -> (Vec<Block>, SignedTx) {
    let mut blocks = test_chain().blocks().to_vec();
    let Some(Entry::Tx { from, raw }) = blocks[2].entries.get_mut(1) else {
        panic!("block 2 holds a transaction second")
    };
    assert_ne!(*from, dev(1));
    *from = dev(1);
    let forged = raw.clone();
    for i in 2..blocks.len() {
        blocks[i].header.prev_hash = blocks[i - 1].hash();
        blocks[i].header.entries_root = blocks[i].computed_root();
        mine(&mut blocks[i]);
    }
    (blocks, forged)
}

fn conserved(state: &State) -> bool {
    let s = state.supply();
    state.total_balance().unwrap().as_wei() + s.burned.as_wei()
        == s.allocated.as_wei() + s.minted.as_wei()
}

fn params() -> ChainParams {
    ChainParams::default()
}

fn funded() -> AccountState {
    AccountState {
        balance: DEV_BALANCE,
        nonce: 0,
    }
}

fn eip1559(nonce: u64) -> Eip1559Tx {
    Eip1559Tx {
        chain_id: 1337,
        nonce,
        max_priority_fee_per_gas: GWEI,
        max_fee_per_gas: 3 * GWEI,
        gas_limit: 21_000,
        to: Some(dev(1)),
        value: U256::from(1u8),
        data: Vec::new(),
        access_list: Vec::new(),
    }
}

fn check(tx: Eip1559Tx) -> Result<TxCost, TxRuleError> {
    check_tx(&signed(0, tx.into()), funded(), &params())
}

// ---- the chain fixture, receipts, fees ----

#[test]
fn the_test_chain_validates_and_moves_the_money() {
    let chain = test_chain();
    let report = chain.validate(chain.params());
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(chain.valid_len(), 4);
    let s = chain.state();
    // 21000 gas at 2 gwei for 1559 transfers, at 5 gwei for the legacy one.
    let fee_1559 = 21_000 * 2 * GWEI;
    let fee_legacy = 21_000 * 5 * GWEI;
    assert_eq!(
        s.balance(&dev(0)).as_wei(),
        DEV_BALANCE.as_wei() - eth("1.5").as_wei() - eth("0.25").as_wei() + eth("1").as_wei()
            - fee_1559
            - fee_legacy
    );
    assert_eq!(
        s.balance(&dev(1)).as_wei(),
        DEV_BALANCE.as_wei() + eth("1.5").as_wei() - eth("2").as_wei() - fee_1559
    );
    assert_eq!(s.nonce(&dev(0)), 2);
    assert_eq!(s.nonce(&dev(1)), 1);
    assert_eq!(s.nonce(&dev(2)), 1);
    // Miner: 3 rewards + tips (1 gwei per gas for 1559, 4 gwei for the legacy one).
    assert_eq!(
        s.balance(&miner()).as_wei(),
        3 * 2 * 10u128.pow(18) + 3 * 21_000 * GWEI + 21_000 * 4 * GWEI
    );
    assert_eq!(s.supply().burned.as_wei(), 4 * 21_000 * GWEI);
    assert!(conserved(s));
}

#[test]
fn receipts_carry_gas_fee_and_effective_price() {
    let chain = test_chain();
    let outcome = chain.outcome(2).unwrap();
    let r = &outcome.receipts[0];
    assert_eq!(r.from, dev(0));
    assert_eq!(r.to, dev(2));
    assert_eq!(r.nonce, 1);
    assert_eq!(r.cost.gas_used, 21_000);
    assert_eq!(r.cost.effective_gas_price, 5 * GWEI);
    assert_eq!(r.cost.fee.as_wei(), 21_000 * 5 * GWEI);
    assert_eq!(r.cost.priority_fee.as_wei(), 21_000 * 4 * GWEI);
    assert_eq!(r.cost.burned.as_wei(), 21_000 * GWEI);
    assert_eq!(outcome.gas_used, 21_000);
    assert_eq!(
        outcome.coinbase.unwrap().as_wei(),
        2 * 10u128.pow(18) + 21_000 * 4 * GWEI
    );
    let r1 = &chain.outcome(1).unwrap().receipts[1];
    assert_eq!(r1.cost.effective_gas_price, 2 * GWEI);
    // The 1559 price is capped by the max fee.
    let capped = check(Eip1559Tx {
        max_priority_fee_per_gas: 5 * GWEI,
        max_fee_per_gas: 4 * GWEI,
        ..eip1559(0)
    });
    assert!(matches!(capped, Err(TxRuleError::TipAboveMaxFee { .. })));
    let capped = check(Eip1559Tx {
        max_priority_fee_per_gas: 3 * GWEI,
        max_fee_per_gas: 2 * GWEI + 1,
        ..eip1559(0)
    })
    .unwrap_err();
    assert!(matches!(capped, TxRuleError::TipAboveMaxFee { .. }));
    let c = check(Eip1559Tx {
        max_priority_fee_per_gas: 2 * GWEI,
        max_fee_per_gas: 2 * GWEI,
        ..eip1559(0)
    })
    .unwrap();
    assert_eq!(c.effective_gas_price, 2 * GWEI);
    let c = check(Eip1559Tx {
        max_priority_fee_per_gas: 2 * GWEI,
        max_fee_per_gas: 2 * GWEI + 7,
        ..eip1559(0)
    })
    .unwrap();
    assert_eq!(c.effective_gas_price, 2 * GWEI + 7);
    assert_eq!(c.max_cost.as_wei(), 1 + 21_000 * (2 * GWEI + 7));
}

// ---- one test per rule / error variant ----

#[test]
fn rule_not_replay_protected() {
    let tx = LegacyTx {
        chain_id: None,
        nonce: 0,
        gas_price: 2 * GWEI,
        gas_limit: 21_000,
        to: Some(dev(1)),
        value: U256::from(1u8),
        data: Vec::new(),
    };
    assert_eq!(
        check_tx(&signed(0, tx.into()), funded(), &params()),
        Err(TxRuleError::NotReplayProtected)
    );
}

#[test]
fn rule_wrong_chain_id() {
    let err = check(Eip1559Tx {
        chain_id: 1,
        ..eip1559(0)
    })
    .unwrap_err();
    assert_eq!(
        err,
        TxRuleError::WrongChainId {
            signed: 1,
            chain: 1337
        }
    );
    assert_eq!(
        err.to_string(),
        "wrong chain id: signed for 1, this chain is 1337"
    );
}

#[test]
fn rule_contract_creation_is_refused() {
    let tx = Eip1559Tx {
        to: None,
        gas_limit: 60_000,
        ..eip1559(0)
    };
    assert_eq!(check(tx), Err(TxRuleError::ContractCreation));
}

#[test]
fn rule_data_size() {
    let tx = Eip1559Tx {
        data: vec![1; 4097],
        gas_limit: 21_000 + 16 * 4097,
        ..eip1559(0)
    };
    assert_eq!(
        check(tx),
        Err(TxRuleError::DataTooLarge {
            len: 4097,
            max: 4096
        })
    );
    let ok = Eip1559Tx {
        data: vec![1; 4096],
        gas_limit: 21_000 + 16 * 4096,
        ..eip1559(0)
    };
    assert_eq!(check(ok).unwrap().gas_used, 21_000 + 16 * 4096);
}

#[test]
fn rule_gas_limits() {
    assert_eq!(
        check(Eip1559Tx {
            gas_limit: 20_999,
            ..eip1559(0)
        }),
        Err(TxRuleError::GasLimitBelowIntrinsic {
            gas_limit: 20_999,
            intrinsic: 21_000
        })
    );
    assert_eq!(
        check(Eip1559Tx {
            gas_limit: 30_000_001,
            ..eip1559(0)
        }),
        Err(TxRuleError::GasLimitAboveBlockLimit {
            gas_limit: 30_000_001,
            block_limit: 30_000_000
        })
    );
    // Gas used is the intrinsic gas, whatever the limit; the balance must cover the limit.
    let c = check(Eip1559Tx {
        gas_limit: 100_000,
        ..eip1559(0)
    })
    .unwrap();
    assert_eq!(c.gas_used, 21_000);
    assert_eq!(c.fee.as_wei(), 21_000 * 2 * GWEI);
    assert_eq!(c.max_cost.as_wei(), 1 + 100_000 * 3 * GWEI);
}

#[test]
fn rule_fee_below_base_fee() {
    let err = check(Eip1559Tx {
        max_priority_fee_per_gas: 0,
        max_fee_per_gas: GWEI - 1,
        ..eip1559(0)
    })
    .unwrap_err();
    assert_eq!(
        err,
        TxRuleError::FeeBelowBaseFee {
            max_fee: GWEI - 1,
            base_fee: GWEI
        }
    );
    let legacy = TxRequest::transfer(1337, 0, dev(1), Wei::from_wei(1))
        .legacy(GWEI - 1)
        .unwrap();
    assert!(matches!(
        check_tx(&signed(0, legacy), funded(), &params()),
        Err(TxRuleError::FeeBelowBaseFee { .. })
    ));
}

#[test]
fn rule_value_and_cost_must_fit_u128() {
    let err = check(Eip1559Tx {
        value: U256::from(u128::MAX) + U256::from(1u8),
        ..eip1559(0)
    })
    .unwrap_err();
    assert!(matches!(
        err,
        TxRuleError::Amount(TxError::ValueTooLarge { .. })
    ));
    let err = check(Eip1559Tx {
        max_fee_per_gas: u128::MAX / 1000,
        max_priority_fee_per_gas: 0,
        ..eip1559(0)
    })
    .unwrap_err();
    assert!(matches!(
        err,
        TxRuleError::Amount(TxError::CostTooLarge { .. })
    ));
    let err = check(Eip1559Tx {
        value: U256::MAX,
        ..eip1559(0)
    })
    .unwrap_err();
    // A value that cannot fit is reported as such (the u128 check runs before the cost).
    assert!(matches!(
        err,
        TxRuleError::Amount(TxError::ValueTooLarge { .. })
    ));
}

#[test]
fn rule_nonces() {
    let tx = signed(0, eip1559(3).into());
    let at = |nonce| AccountState {
        balance: DEV_BALANCE,
        nonce,
    };
    assert!(check_tx(&tx, at(3), &params()).is_ok());
    let low = check_tx(&tx, at(4), &params()).unwrap_err();
    assert_eq!(
        low,
        TxRuleError::NonceTooLow {
            expected: 4,
            got: 3
        }
    );
    assert!(low
        .to_string()
        .starts_with("nonce too low / already used (replay)"));
    assert_eq!(
        check_tx(&tx, at(2), &params()),
        Err(TxRuleError::NonceTooHigh {
            expected: 2,
            got: 3
        })
    );
    let last = signed(0, eip1559(u64::MAX).into());
    assert_eq!(
        check_tx(&last, at(u64::MAX), &params()),
        Err(TxRuleError::NonceExhausted)
    );
}

#[test]
fn rule_insufficient_funds_counts_value_and_max_fee() {
    let tx = signed(0, eip1559(0).into());
    let needs = Wei::from_wei(1 + 21_000 * 3 * GWEI);
    let poor = AccountState {
        balance: Wei::from_wei(needs.as_wei() - 1),
        nonce: 0,
    };
    let err = check_tx(&tx, poor, &params()).unwrap_err();
    assert_eq!(
        err,
        TxRuleError::InsufficientFunds {
            balance: poor.balance,
            needs
        }
    );
    assert!(err.to_string().starts_with("insufficient funds: balance"));
    let exact = AccountState {
        balance: needs,
        nonce: 0,
    };
    assert!(check_tx(&tx, exact, &params()).is_ok());
    // A nonce gap on an unaffordable transaction reports the funds, not the gap.
    let gap = signed(0, eip1559(5).into());
    assert!(matches!(
        check_tx(&gap, poor, &params()),
        Err(TxRuleError::InsufficientFunds { .. })
    ));
}

#[test]
fn rule_recipient_balance_overflow() {
    let mut state = State::new();
    state.accounts.insert(dev(0), funded());
    state.accounts.insert(
        dev(1),
        AccountState {
            balance: Wei::from_wei(u128::MAX),
            nonce: 0,
        },
    );
    let before = state.clone();
    let tx = signed(0, eip1559(0).into());
    assert_eq!(
        state.apply_tx(&dev(0), &tx, &params()),
        Err(TxRuleError::BalanceOverflow { address: dev(1) })
    );
    assert_eq!(state, before);
}

#[test]
fn a_transfer_to_oneself_only_costs_the_fee() {
    let mut state = State::new();
    state.accounts.insert(dev(0), funded());
    let tx = signed(
        0,
        Eip1559Tx {
            to: Some(dev(0)),
            value: U256::from(10u8).pow(U256::from(18u8)),
            ..eip1559(0)
        }
        .into(),
    );
    state.apply_tx(&dev(0), &tx, &params()).unwrap();
    assert_eq!(
        state.balance(&dev(0)).as_wei(),
        DEV_BALANCE.as_wei() - 21_000 * 2 * GWEI
    );
    assert_eq!(state.nonce(&dev(0)), 1);
}

/// A signature whose `r` is not the x coordinate of any curve point recovers nothing.
#[test]
fn rule_bad_signature() {
    let tx: Transaction = eip1559(0).into();
    let bad = (1u64..64)
        .map(|r| {
            let sig = Signature::new(U256::from(r), U256::from(1u8), false).unwrap();
            SignedTx::from_parts(tx.clone(), sig)
        })
        .find(|s| s.recover_sender().is_err())
        .expect("some small r has no curve point");
    let mut chain = Chain::new(1_000);
    let mut b = block_with(&chain, &[]);
    b.entries.push(Entry::Tx {
        from: dev(0),
        raw: bad.clone(),
    });
    b.header.entries_root = b.computed_root();
    mine(&mut b);
    let err = chain.append(b, &params()).unwrap_err();
    assert_eq!(
        err.problems,
        vec![BlockProblem::InvalidTransaction {
            index: 1,
            hash: bad.hash(),
            error: TxRuleError::BadSignature(TxError::RecoveryFailed)
        }]
    );
    assert!(err.problems[0].to_string().contains("bad signature"));
}

#[test]
fn every_rule_error_reads_as_a_lower_case_sentence() {
    let all = [
        TxRuleError::BadSignature(TxError::RecoveryFailed),
        TxRuleError::SenderMismatch {
            claimed: dev(0),
            recovered: dev(1),
        },
        TxRuleError::NotReplayProtected,
        TxRuleError::WrongChainId {
            signed: 1,
            chain: 2,
        },
        TxRuleError::ContractCreation,
        TxRuleError::DataTooLarge { len: 2, max: 1 },
        TxRuleError::GasLimitBelowIntrinsic {
            gas_limit: 1,
            intrinsic: 2,
        },
        TxRuleError::GasLimitAboveBlockLimit {
            gas_limit: 2,
            block_limit: 1,
        },
        TxRuleError::FeeBelowBaseFee {
            max_fee: 1,
            base_fee: 2,
        },
        TxRuleError::TipAboveMaxFee { tip: 2, max_fee: 1 },
        TxRuleError::Amount(TxError::CostOverflow),
        TxRuleError::NonceTooLow {
            expected: 2,
            got: 1,
        },
        TxRuleError::NonceTooHigh {
            expected: 1,
            got: 2,
        },
        TxRuleError::NonceExhausted,
        TxRuleError::InsufficientFunds {
            balance: Wei::ZERO,
            needs: eth("1.5"),
        },
        TxRuleError::BalanceOverflow { address: dev(0) },
        TxRuleError::FeeOverflow,
    ];
    for e in all {
        let s = e.to_string();
        assert!(s.chars().next().unwrap().is_lowercase(), "{s}");
        assert!(!s.ends_with('.'), "{s}");
    }
    assert_eq!(
        TxRuleError::InsufficientFunds {
            balance: Wei::ZERO,
            needs: eth("1.5")
        }
        .to_string(),
        "insufficient funds: balance 0 ETH, needs 1.5 ETH (value + gas limit × max fee)"
    );
}

// ---- blocks ----

#[test]
fn replaying_a_mined_transaction_is_refused() {
    let mut chain = Chain::new(1_000);
    let tx = transfer(0, 0, dev(1), eth("1"));
    mine_txs(&mut chain, std::slice::from_ref(&tx));
    let replay = block_with(&chain, std::slice::from_ref(&tx));
    let err = chain.append(replay, &params()).unwrap_err();
    assert!(err.problems.contains(&BlockProblem::InvalidTransaction {
        index: 1,
        hash: tx.hash(),
        error: TxRuleError::NonceTooLow {
            expected: 1,
            got: 0
        }
    }));
    // The same transaction twice in one block: the second is the replay.
    let mut chain = Chain::new(1_000);
    let twice = block_with(&chain, &[tx.clone(), tx.clone()]);
    let err = chain.append(twice, &params()).unwrap_err();
    assert!(err.problems.iter().any(|p| matches!(
        p,
        BlockProblem::InvalidTransaction {
            index: 2,
            error: TxRuleError::NonceTooLow { .. },
            ..
        }
    )));
}

#[test]
fn overspending_in_a_block_is_refused_cumulatively() {
    let mut chain = Chain::new(1_000);
    let a = transfer(0, 0, dev(1), eth("6000"));
    let b = transfer(0, 1, dev(1), eth("6000"));
    let block = block_with(&chain, &[a, b.clone()]);
    let before = chain.clone();
    let err = chain.append(block, &params()).unwrap_err();
    assert!(
        matches!(
            &err.problems[..],
            [BlockProblem::InvalidTransaction {
                index: 2,
                error: TxRuleError::InsufficientFunds { .. },
                ..
            }]
        ),
        "{err:?}"
    );
    assert_eq!(chain, before);
    assert_eq!(chain.state(), before.state());
}

#[test]
fn a_nonce_gap_is_invalid_in_a_block() {
    let mut chain = Chain::new(1_000);
    let block = block_with(&chain, &[transfer(0, 1, dev(1), eth("1"))]);
    let err = chain.append(block, &params()).unwrap_err();
    assert!(matches!(
        err.problems[..],
        [BlockProblem::InvalidTransaction {
            error: TxRuleError::NonceTooHigh {
                expected: 0,
                got: 1
            },
            ..
        }]
    ));
}

#[test]
fn wrong_chain_id_in_a_block() {
    let mut chain = Chain::new(1_000);
    let other = TxRequest::transfer(1, 0, dev(1), eth("1"))
        .eip1559(GWEI, 3 * GWEI)
        .unwrap()
        .sign_recovered(&key(0))
        .unwrap();
    let err = chain
        .append(block_with(&chain, &[other]), &params())
        .unwrap_err();
    assert!(err
        .to_string()
        .contains("wrong chain id: signed for 1, this chain is 1337"));
}

fn remine_with(chain: &Chain, f: impl Fn(&mut Block)) -> Block {
    let mut b = block_with(chain, &[transfer(0, 0, dev(1), eth("1"))]);
    f(&mut b);
    b.header.entries_root = b.computed_root();
    mine(&mut b);
    b
}

#[test]
fn coinbase_rules() {
    let mut chain = Chain::new(1_000);
    let expected = Wei::from_wei(2 * 10u128.pow(18) + 21_000 * GWEI);
    let refuse = |chain: &mut Chain, b: Block| chain.append(b, &params()).unwrap_err().problems;
    let b = remine_with(&chain, |b| {
        b.entries[0] = Entry::Coinbase {
            to: miner(),
            amount: eth("3"),
        }
    });
    let problems = refuse(&mut chain, b);
    assert_eq!(
        problems,
        vec![BlockProblem::BadCoinbase {
            expected,
            got: eth("3")
        }]
    );
    assert!(problems[0]
        .to_string()
        .starts_with("bad coinbase amount: expected 2.000021 ETH"));
    let b = remine_with(&chain, |b| {
        b.entries[0] = Entry::Coinbase {
            to: dev(5),
            amount: expected,
        }
    });
    assert_eq!(
        refuse(&mut chain, b),
        vec![BlockProblem::CoinbaseNotToBeneficiary {
            to: dev(5),
            beneficiary: miner()
        }]
    );
    let b = remine_with(&chain, |b| b.entries.swap(0, 1));
    assert!(refuse(&mut chain, b).contains(&BlockProblem::CoinbaseMisplaced { index: 1 }));
    let b = remine_with(&chain, |b| {
        let again = b.entries[0].clone();
        b.entries.push(again);
    });
    assert_eq!(
        refuse(&mut chain, b),
        vec![BlockProblem::CoinbaseMisplaced { index: 2 }]
    );
    // No coinbase at all: allowed, the reward and the tips are forfeited.
    let b = remine_with(&chain, |b| {
        b.entries.remove(0);
    });
    chain.append(b, &params()).unwrap();
    assert_eq!(chain.state().balance(&miner()), Wei::ZERO);
    assert_eq!(chain.state().supply().minted, Wei::ZERO);
    assert!(conserved(chain.state()));
}

#[test]
fn coinbase_and_alloc_are_misplaced_in_the_wrong_block() {
    let mut genesis = genesis_block(1, &[(dev(0), eth("1"))]);
    genesis.entries.push(Entry::Coinbase {
        to: miner(),
        amount: eth("2"),
    });
    genesis.header.entries_root = genesis.computed_root();
    let chain = Chain::from_blocks(vec![genesis]).unwrap();
    let report = chain.validate(&params());
    assert_eq!(
        report.blocks[0].problems,
        vec![BlockProblem::CoinbaseMisplaced { index: 1 }]
    );
    assert_eq!(chain.valid_len(), 0);

    let mut chain = Chain::new(1_000);
    let b = remine_with(&chain, |b| {
        b.entries.push(Entry::Alloc {
            to: miner(),
            amount: eth("1000"),
        })
    });
    let err = chain.append(b, &params()).unwrap_err();
    assert_eq!(
        err.problems,
        vec![BlockProblem::AllocOutsideGenesis { index: 2 }]
    );
    assert!(err
        .to_string()
        .contains("only the genesis block may allocate"));
}

#[test]
fn genesis_allocations_may_not_overflow() {
    let half = Wei::from_wei(u128::MAX / 2 + 1);
    let g = genesis_block(1, &[(dev(0), half), (dev(0), half)]);
    let chain = Chain::from_blocks(vec![g]).unwrap();
    assert_eq!(
        chain.validate(&params()).blocks[0].problems,
        vec![BlockProblem::AllocOverflow { index: 1 }]
    );
}

#[test]
fn the_block_gas_limit_counts_gas_limits_against_gas_used() {
    let tight = ChainParams {
        block_gas_limit: 50_000,
        ..params()
    };
    let mut chain =
        Chain::from_genesis(genesis_block(1, &crate::genesis::dev_allocations()), &tight);
    let txs = [
        transfer(0, 0, dev(1), eth("1")),
        transfer(0, 1, dev(1), eth("1")),
        transfer(0, 2, dev(1), eth("1")),
    ];
    let b = block_with(&chain, &txs);
    let err = chain.append(b, &tight).unwrap_err();
    assert!(err.problems.contains(&BlockProblem::BlockGasLimitExceeded {
        index: 3,
        used: 42_000,
        gas_limit: 21_000,
        limit: 50_000
    }));
    let b = block_with(&chain, &txs[..2]);
    chain.append(b, &tight).unwrap();
}

#[test]
fn a_failing_block_leaves_the_state_untouched() {
    let chain = test_chain();
    let mut state = chain.state().clone();
    let before = state.clone();
    let b = block_with(
        &chain,
        &[
            transfer(0, 2, dev(1), eth("1")),
            transfer(1, 5, dev(2), eth("1")),
        ],
    );
    let mut cache = SenderCache::new();
    let problems = state
        .apply_block(&b, chain.params(), &mut cache)
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(state, before);
}

/// Tamper mode edits a transaction's amount: its signature no longer matches the sender.
#[test]
fn tampering_with_a_value_breaks_the_signature_and_later_blocks() {
    let mut chain = test_chain();
    let mut b = chain.blocks()[1].clone();
    let Entry::Tx { from, raw } = &b.entries[1] else {
        panic!("a transaction")
    };
    let mut tx = raw.tx().clone();
    let Transaction::Eip1559(inner) = &mut tx else {
        panic!("1559")
    };
    inner.value = U256::from(eth("1000").as_wei());
    let edited = SignedTx::from_parts(tx, *raw.signature());
    let hash = edited.hash();
    let from = *from;
    b.entries[1] = Entry::Tx { from, raw: edited };
    chain.replace(1, b);
    assert_eq!(chain.valid_len(), 1);
    let report = chain.validate(chain.params());
    let v = &report.blocks;
    assert!(v[0].is_valid());
    assert!(
        matches!(
            &v[1].problems[..],
            [
                BlockProblem::EntriesRootMismatch { .. },
                BlockProblem::InvalidTransaction {
                    index: 1,
                    hash: h,
                    error: TxRuleError::SenderMismatch { claimed, .. },
                }
            ] if *h == hash && *claimed == from
        ),
        "{:?}",
        v[1].problems
    );
    let text = v[1].problems[1].to_string();
    assert!(
        text.contains("the signature does not match the sender"),
        "{text}"
    );
    assert!(
        text.contains("the transaction was changed after it was signed"),
        "{text}"
    );
    assert_eq!(
        v[2].problems,
        vec![BlockProblem::DescendsFromInvalid { height: 1 }]
    );
    assert_eq!(
        v[3].problems,
        vec![BlockProblem::DescendsFromInvalid { height: 1 }]
    );
}

#[test]
fn the_sender_cache_recovers_each_transaction_once() {
    let chain = test_chain();
    let mut cache = SenderCache::new();
    assert!(chain.validate_with(chain.params(), &mut cache).is_valid());
    assert_eq!(cache.recoveries(), 4);
    assert_eq!(cache.len(), 4);
    assert!(chain.validate_with(chain.params(), &mut cache).is_valid());
    assert_eq!(
        cache.recoveries(),
        4,
        "a second validation recovers nothing"
    );
    // The chain keeps its own cache: loading recovered each sender once, appends add theirs.
    assert_eq!(chain.sender_cache().recoveries(), 4);
    let reloaded = Chain::from_blocks(chain.blocks().to_vec()).unwrap();
    assert_eq!(reloaded.sender_cache().recoveries(), 4);
    // A remembered (signed here) transaction is never recovered.
    let mut cache = SenderCache::new();
    let tx = transfer(0, 0, dev(1), eth("1"));
    cache.remember(&tx);
    assert_eq!(cache.sender(tx.signed()), Ok(dev(0)));
    assert_eq!(cache.recoveries(), 0);
}

#[test]
fn append_refuses_an_invalid_block_and_keeps_state() {
    let mut chain = test_chain();
    let before = chain.clone();
    let b = block_with(&chain, &[transfer(0, 2, dev(1), eth("100000"))]);
    assert!(chain.append(b, &params()).is_err());
    assert_eq!(chain, before);
    assert_eq!(chain.state(), before.state());
}

#[test]
fn first_slice_chains_of_records_still_validate() {
    let chain = crate::chain::tests::mined_chain(3, 2);
    assert!(chain.validate(&params()).is_valid());
    assert_eq!(chain.valid_len(), 4);
}

// ---- properties ----

#[derive(Debug, Clone)]
struct TxSpec {
    from: usize,
    nonce_delta: i8,
    to: usize,
    value_milli: u64,
    tip: u128,
    max_fee: u128,
}

fn tx_spec() -> impl Strategy<Value = TxSpec> {
    (
        0usize..3,
        prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)],
        0usize..4,
        prop_oneof![4 => 0u64..5_000, 1 => 5_000_000u64..20_000_000],
        0u128..3,
        0u128..4,
    )
        .prop_map(
            |(from, nonce_delta, to, value_milli, tip, max_fee)| TxSpec {
                from,
                nonce_delta,
                to,
                value_milli,
                tip: tip * GWEI,
                max_fee: (max_fee + tip) * GWEI,
            },
        )
}

fn build(chain: &Chain, specs: &[TxSpec]) -> Vec<Recovered> {
    let mut next = [0u64; 3];
    for (i, n) in next.iter_mut().enumerate() {
        *n = chain.state().nonce(&dev(i));
    }
    specs
        .iter()
        .map(|s| {
            let nonce = next[s.from].saturating_add_signed(i64::from(s.nonce_delta));
            if s.nonce_delta == 0 {
                next[s.from] += 1;
            }
            transfer_fees(
                s.from,
                nonce,
                dev(s.to),
                Wei::from_wei(u128::from(s.value_milli) * 10u128.pow(15)),
                s.tip,
                s.max_fee,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// For any block of random transfers (some invalid: replays, gaps, overspends, low fees),
    /// and a coinbase that may be off: applying it succeeds iff the chain with it validates,
    /// iff append accepts it; and coins are conserved on every valid chain.
    #[test]
    fn applying_and_validating_agree(
        blocks in proptest::collection::vec(
            (proptest::collection::vec(tx_spec(), 0..5), prop_oneof![4 => Just(0u128), 1 => 1u128..3]),
            1..4,
        )
    ) {
        let mut chain = Chain::new(1_000);
        for (specs, coinbase_error) in blocks {
            let txs = build(&chain, &specs);
            let mut b = block_with(&chain, &txs);
            if coinbase_error != 0 {
                if let Entry::Coinbase { amount, .. } = &mut b.entries[0] {
                    *amount = Wei::from_wei(amount.as_wei() + coinbase_error);
                }
                b.header.entries_root = b.computed_root();
                mine(&mut b);
            }
            let mut after = chain.state().clone();
            let applied = after.apply_block(&b, chain.params(), &mut SenderCache::new()).is_ok();
            // A refused block changes nothing (not an account created, not the supply).
            if !applied {
                prop_assert_eq!(&after, chain.state());
            }
            let mut blocks = chain.blocks().to_vec();
            blocks.push(b.clone());
            let validated = Chain::from_blocks(blocks).unwrap().validate(&params()).is_valid();
            prop_assert_eq!(applied, validated);
            let appended = chain.append(b, &params()).is_ok();
            prop_assert_eq!(applied, appended);
            prop_assert_eq!(&after, chain.state());
            prop_assert!(conserved(chain.state()));
            prop_assert!(chain.validate(&params()).is_valid());
        }
    }
}
