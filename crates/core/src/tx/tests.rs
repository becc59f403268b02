//! Unit and property tests for the transaction module. The official vectors and the ethers
//! cross-check live in `tests/tx_vectors.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use proptest::prelude::*;

use super::*;
use crate::signature::SignatureError;

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn account() -> Account {
    Account::from_private_key_hex(DEV_KEY).unwrap()
}

fn bob() -> Address {
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        .parse()
        .unwrap()
}

fn transfer_1559() -> Transaction {
    TxRequest::transfer(31337, 0, bob(), Wei::from_wei(1_000))
        .eip1559(1, 10)
        .unwrap()
}

fn transfer_legacy() -> Transaction {
    TxRequest::transfer(31337, 0, bob(), Wei::from_wei(1_000))
        .legacy(10)
        .unwrap()
}

/// Hand-built RLP list of already-encoded items, optionally behind a type byte.
fn list(prefix: Option<u8>, items: &[Vec<u8>]) -> Vec<u8> {
    let mut w = ListWriter::new();
    for item in items {
        w.put_encoded(item);
    }
    w.finish(prefix)
}

fn enc<T: alloy_rlp::Encodable + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out);
    out
}

/// The RLP items of a legacy tx, to be tampered with.
fn legacy_items(v: u128, r: U256, s: U256) -> Vec<Vec<u8>> {
    vec![
        enc(&0u64),
        enc(&1u128),
        enc(&21000u64),
        enc(&bob().as_bytes()[..]),
        enc(&U256::from(1u8)),
        enc(&[][..]),
        enc(&v),
        enc(&r),
        enc(&s),
    ]
}

/// The secp256k1 group order n.
fn order() -> U256 {
    "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        .parse()
        .unwrap()
}

#[test]
fn empty_and_not_hex() {
    assert_eq!(SignedTx::decode_raw(&[]), Err(TxError::Empty));
    assert_eq!(SignedTx::from_raw_hex(""), Err(TxError::Empty));
    assert_eq!(SignedTx::from_raw_hex("  0x "), Err(TxError::Empty));
    assert_eq!(SignedTx::from_raw_hex("0xzz"), Err(TxError::NotHex));
    assert_eq!(SignedTx::from_raw_hex("0x02f"), Err(TxError::NotHex));
}

#[test]
fn trailing_bytes() {
    for tx in [transfer_1559(), transfer_legacy()] {
        let mut raw = tx.sign(&account()).unwrap().raw();
        raw.extend_from_slice(&[0xc0, 0x00]);
        assert_eq!(
            SignedTx::decode_raw(&raw),
            Err(TxError::TrailingBytes { extra: 2 })
        );
    }
}

#[test]
fn malformed_rlp_names_the_field() {
    let raw = transfer_1559().sign(&account()).unwrap().raw();
    // Cut short: the list header promises more than there is.
    assert_eq!(
        SignedTx::decode_raw(&raw[..raw.len() - 1]),
        Err(TxError::Rlp {
            field: "transaction",
            reason: "the data ends too early"
        })
    );
    // A byte string where the transaction list belongs.
    assert!(matches!(
        SignedTx::decode_raw(&[0x83, 1, 2, 3]),
        Err(TxError::Rlp {
            field: "transaction",
            ..
        })
    ));
    // A legacy list without its signature.
    let mut items = legacy_items(37, U256::from(1u8), U256::from(1u8));
    items.truncate(6);
    assert_eq!(
        SignedTx::decode_raw(&list(None, &items)),
        Err(TxError::Rlp {
            field: "v",
            reason: "the data ends too early"
        })
    );
    // One item too many.
    let mut items = legacy_items(37, U256::from(1u8), U256::from(1u8));
    items.push(enc(&0u8));
    assert_eq!(
        SignedTx::decode_raw(&list(None, &items)),
        Err(TxError::Rlp {
            field: "transaction",
            reason: "the list has more items than this transaction type"
        })
    );
    // Data given as a list.
    let mut items = legacy_items(37, U256::from(1u8), U256::from(1u8));
    items[5] = vec![0xc0];
    assert_eq!(
        SignedTx::decode_raw(&list(None, &items)),
        Err(TxError::Rlp {
            field: "data",
            reason: "expected a byte string, found a list"
        })
    );
    // A nonce with a leading zero, and one that is too large for u64.
    let mut items = legacy_items(37, U256::from(1u8), U256::from(1u8));
    items[0] = vec![0x82, 0x00, 0x01];
    assert!(matches!(
        SignedTx::decode_raw(&list(None, &items)),
        Err(TxError::Rlp { field: "nonce", .. })
    ));
    items[0] = enc(&u128::MAX);
    assert!(matches!(
        SignedTx::decode_raw(&list(None, &items)),
        Err(TxError::Rlp { field: "nonce", .. })
    ));
}

#[test]
fn malformed_access_lists() {
    let sig = [enc(&0u8), enc(&U256::from(1u8)), enc(&U256::from(1u8))];
    let head = [
        enc(&1u64),
        enc(&0u64),
        enc(&1u128),
        enc(&1u128),
        enc(&21000u64),
        enc(&bob().as_bytes()[..]),
        enc(&0u8),
        enc(&[][..]),
    ];
    let with_access_list = |access_list: Vec<u8>| {
        let mut items: Vec<Vec<u8>> = head.to_vec();
        items.push(access_list);
        items.extend(sig.iter().cloned());
        SignedTx::decode_raw(&list(Some(EIP1559_TYPE), &items))
    };
    // An entry whose address is 19 bytes.
    let entry = list(None, &[enc(&[7u8; 19][..]), list(None, &[])]);
    assert_eq!(
        with_access_list(list(None, &[entry])),
        Err(TxError::AddressLength {
            field: "access list",
            got: 19
        })
    );
    // An entry with a third item.
    let entry = list(None, &[enc(&[7u8; 20][..]), list(None, &[]), enc(&1u8)]);
    assert!(matches!(
        with_access_list(list(None, &[entry])),
        Err(TxError::Rlp {
            field: "access_list",
            ..
        })
    ));
    // A storage key of 31 bytes.
    let entry = list(
        None,
        &[enc(&[7u8; 20][..]), list(None, &[enc(&[1u8; 31][..])])],
    );
    assert!(matches!(
        with_access_list(list(None, &[entry])),
        Err(TxError::Rlp {
            field: "access_list",
            ..
        })
    ));
    // A well-formed non-empty access list is kept and re-encoded byte for byte.
    let entry = list(
        None,
        &[
            enc(&[7u8; 20][..]),
            list(None, &[enc(&[1u8; 32]), enc(&[2u8; 32])]),
        ],
    );
    let mut items: Vec<Vec<u8>> = head.to_vec();
    items.push(list(None, &[entry]));
    items.extend(sig.iter().cloned());
    let raw = list(Some(EIP1559_TYPE), &items);
    let decoded = SignedTx::decode_raw(&raw).unwrap();
    assert_eq!(
        decoded.tx().access_list(),
        &[AccessListItem {
            address: Address::from_bytes([7; 20]),
            storage_keys: vec![[1; 32], [2; 32]],
        }]
    );
    assert_eq!(decoded.raw(), raw);
    assert_eq!(decoded.tx().intrinsic_gas(), 21000 + 2400 + 2 * 1900);
}

#[test]
fn unsupported_types() {
    for type_byte in [0x00, 0x01, 0x03, 0x04, 0x7f] {
        assert_eq!(
            SignedTx::decode_raw(&[type_byte, 0xc0]),
            Err(TxError::UnsupportedType { type_byte })
        );
    }
}

#[test]
fn bad_v_and_y_parity() {
    let one = U256::from(1u8);
    for v in [0u128, 1, 26, 29, 34] {
        assert_eq!(
            SignedTx::decode_raw(&list(None, &legacy_items(v, one, one))),
            Err(TxError::BadV { v })
        );
    }
    // A chain id beyond u64.
    let v = u128::from(u64::MAX) * 2 + 37;
    assert_eq!(
        SignedTx::decode_raw(&list(None, &legacy_items(v, one, one))),
        Err(TxError::BadV { v })
    );
    // The largest u64 chain id round-trips through v.
    let tx = Transaction::Legacy(LegacyTx {
        chain_id: Some(u64::MAX),
        ..match transfer_legacy() {
            Transaction::Legacy(tx) => tx,
            Transaction::Eip1559(_) => unreachable!(),
        }
    });
    let signed = tx.sign(&account()).unwrap();
    assert_eq!(SignedTx::decode_raw(&signed.raw()), Ok(signed.clone()));
    assert_eq!(signed.recover_sender(), Ok(account().address));

    let mut raw = transfer_1559().sign(&account()).unwrap().raw();
    // y_parity is the byte before the 0xa0-prefixed r (r and s are 33 bytes each here).
    let at = raw.len() - 67;
    assert!(raw[at] <= 1);
    raw[at] = 0x02;
    assert_eq!(
        SignedTx::decode_raw(&raw),
        Err(TxError::BadYParity { got: 2 })
    );
}

#[test]
fn signature_values_are_checked() {
    let one = U256::from(1u8);
    let n = order();
    let half = n >> 1;
    assert_eq!(
        Signature::new(U256::ZERO, one, false),
        Err(SignatureError::ZeroValue { which: "r" })
    );
    assert_eq!(
        Signature::new(one, U256::ZERO, false),
        Err(SignatureError::ZeroValue { which: "s" })
    );
    assert_eq!(
        Signature::new(n, one, false),
        Err(SignatureError::ValueTooLarge { which: "r" })
    );
    assert_eq!(
        Signature::new(one, U256::MAX, false),
        Err(SignatureError::ValueTooLarge { which: "s" })
    );
    assert_eq!(
        Signature::new(one, half + one, false),
        Err(SignatureError::HighS)
    );
    assert!(Signature::new(n - one, half, true).is_ok());
    // The same rules hold when decoding.
    assert_eq!(
        SignedTx::decode_raw(&list(None, &legacy_items(27, one, half + one))),
        Err(TxError::HighS)
    );
}

#[test]
fn recovery_failure_is_an_error() {
    // Some r is not the x coordinate of any curve point: recovery must fail, not panic.
    let tx = transfer_1559();
    let failing = (1u64..64).find(|r| {
        let sig = Signature::new(U256::from(*r), U256::from(1u8), false).unwrap();
        SignedTx::from_parts(tx.clone(), sig).recover_sender() == Err(TxError::RecoveryFailed)
    });
    assert!(failing.is_some());
}

#[test]
fn chain_id_checks() {
    let signed = transfer_1559().sign(&account()).unwrap();
    assert_eq!(signed.ensure_chain_id(31337), Ok(()));
    assert_eq!(
        signed.ensure_chain_id(1),
        Err(TxError::ChainIdMismatch {
            expected: 1,
            got: 31337
        })
    );
    assert!(signed.is_replay_protected());
    let pre155 = Transaction::Legacy(LegacyTx {
        chain_id: None,
        ..match transfer_legacy() {
            Transaction::Legacy(tx) => tx,
            Transaction::Eip1559(_) => unreachable!(),
        }
    })
    .sign(&account())
    .unwrap();
    assert!(!pre155.is_replay_protected());
    assert_eq!(pre155.ensure_chain_id(1), Ok(()));
    assert_eq!(
        pre155.signature().legacy_v(None),
        pre155.raw()[pre155.raw().len() - 67].into()
    );
}

#[test]
fn value_and_cost_limits() {
    let mut tx = match transfer_1559() {
        Transaction::Eip1559(tx) => tx,
        Transaction::Legacy(_) => unreachable!(),
    };
    tx.value = U256::from(u128::MAX) + U256::from(1u8);
    let big = Transaction::Eip1559(tx.clone());
    assert_eq!(
        big.value_wei(),
        Err(TxError::ValueTooLarge { value: tx.value })
    );
    tx.value = U256::from(u128::MAX);
    let cost = U256::from(u128::MAX) + U256::from(21000u64 * 10);
    assert_eq!(
        Transaction::Eip1559(tx.clone()).max_cost_wei(),
        Err(TxError::CostTooLarge { cost })
    );
    tx.value = U256::MAX;
    assert_eq!(
        Transaction::Eip1559(tx).max_cost(),
        Err(TxError::CostOverflow)
    );
    assert_eq!(
        transfer_1559().max_cost_wei(),
        Ok(Wei::from_wei(1_000 + 21_000 * 10))
    );
    assert_eq!(transfer_1559().value_wei(), Ok(Wei::from_wei(1_000)));
}

#[test]
fn fees() {
    // max fee 10, tip 1.
    let tx = transfer_1559();
    assert_eq!(tx.effective_gas_price(5), Ok(6));
    assert_eq!(tx.effective_gas_price(9), Ok(10));
    assert_eq!(tx.effective_gas_price(10), Ok(10));
    assert_eq!(
        tx.effective_gas_price(11),
        Err(TxError::FeeBelowBaseFee {
            max_fee: 10,
            base_fee: 11
        })
    );
    let legacy = transfer_legacy();
    assert_eq!(legacy.effective_gas_price(3), Ok(10));
    assert_eq!(
        legacy.effective_gas_price(11),
        Err(TxError::FeeBelowBaseFee {
            max_fee: 10,
            base_fee: 11
        })
    );
    let req = TxRequest::transfer(1, 0, bob(), Wei::ZERO);
    assert_eq!(
        req.eip1559(11, 10),
        Err(TxError::PriorityFeeAboveMaxFee {
            priority_fee: 11,
            max_fee: 10
        })
    );
    // A decoded tx can carry a tip above its cap; the price check refuses it.
    let Transaction::Eip1559(mut raw_tx) = transfer_1559() else {
        unreachable!()
    };
    raw_tx.max_priority_fee_per_gas = 20;
    assert_eq!(
        Transaction::Eip1559(raw_tx).effective_gas_price(1),
        Err(TxError::PriorityFeeAboveMaxFee {
            priority_fee: 20,
            max_fee: 10
        })
    );
    // base fee + tip saturates instead of overflowing.
    let Transaction::Eip1559(mut max) = transfer_1559() else {
        unreachable!()
    };
    max.max_fee_per_gas = u128::MAX;
    max.max_priority_fee_per_gas = u128::MAX;
    assert_eq!(
        Transaction::Eip1559(max).effective_gas_price(u128::MAX),
        Ok(u128::MAX)
    );
}

#[test]
fn gas_defaults() {
    let req = TxRequest::transfer(1, 0, bob(), Wei::ZERO);
    assert_eq!(req.gas_limit(), Ok(TRANSFER_GAS));
    let with_data = req.clone().with_data(vec![0, 0, 1, 2, 0]);
    assert_eq!(with_data.intrinsic_gas(), 21000 + 3 * 4 + 2 * 16);
    // The default pays Prague's calldata floor, here above the intrinsic gas (EIP-7623).
    assert_eq!(floor_data_gas(&with_data.data), 21000 + 10 * (3 + 2 * 4));
    assert_eq!(with_data.gas_limit(), Ok(21110));
    assert_eq!(with_data.min_gas_limit(), 21110);
    assert_eq!(
        with_data.clone().with_gas_limit(21_109).eip1559(1, 2),
        Err(TxError::GasLimitBelowFloor {
            gas_limit: 21_109,
            floor: 21_110
        })
    );
    assert_eq!(
        with_data
            .clone()
            .with_gas_limit(21_110)
            .legacy(1)
            .map(|t| t.gas_limit()),
        Ok(21_110)
    );
    assert_eq!(
        with_data.clone().with_gas_limit(21000).legacy(1),
        Err(TxError::GasLimitBelowIntrinsic {
            gas_limit: 21000,
            intrinsic: 21044
        })
    );
    assert_eq!(
        with_data
            .with_gas_limit(50_000)
            .eip1559(1, 2)
            .unwrap()
            .gas_limit(),
        50_000
    );
    // Contract creation: 32000 more and 2 gas per 32-byte word of init code (EIP-3860).
    assert_eq!(
        intrinsic_gas(&[1; 33], true, &[]),
        21000 + 32000 + 33 * 16 + 2 * 2
    );
    assert_eq!(intrinsic_gas(&[], false, &[]), 21000);
    // There the intrinsic gas is the larger: the floor has no creation cost.
    assert_eq!(floor_data_gas(&[1; 33]), 21000 + 33 * 40);
    assert_eq!(
        min_gas_limit(&[1; 33], true, &[]),
        21000 + 32000 + 33 * 16 + 2 * 2
    );
    assert_eq!(min_gas_limit(&[], false, &[]), 21000);
    assert_eq!(floor_data_gas(&[]), 21000);
}

proptest! {
    /// The default gas limit is the smallest one that pays both the intrinsic gas and the
    /// floor: one gas less is refused.
    #[test]
    fn the_default_gas_limit_pays_intrinsic_gas_and_the_floor(data in proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..300)) {
        let req = TxRequest::transfer(1, 0, bob(), Wei::ZERO).with_data(data.clone());
        let limit = req.gas_limit().unwrap();
        let intrinsic = intrinsic_gas(&data, false, &[]);
        let floor = floor_data_gas(&data);
        prop_assert_eq!(limit, intrinsic.max(floor));
        let zeros = data.iter().filter(|b| **b == 0).count() as u64;
        let others = data.len() as u64 - zeros;
        prop_assert_eq!(floor, 21000 + 10 * zeros + 40 * others);
        prop_assert!(req.clone().with_gas_limit(limit).eip1559(1, 2).is_ok());
        if limit > 21000 {
            prop_assert!(req.with_gas_limit(limit - 1).eip1559(1, 2).is_err());
        }
    }
}

#[test]
fn display_forms_and_serde() {
    let signed = transfer_1559().sign(&account()).unwrap();
    assert_eq!(signed.to_string(), signed.raw_hex());
    assert_eq!(format!("{signed:#}"), format!("{:#}", signed.hash()));
    let json = serde_json::to_string(&signed).unwrap();
    assert_eq!(json, format!("\"{}\"", signed.raw_hex()));
    assert_eq!(serde_json::from_str::<SignedTx>(&json).unwrap(), signed);
    assert!(serde_json::from_str::<SignedTx>("\"0x02\"").is_err());
    let hash = signed.hash();
    assert_eq!(hash.to_string().parse::<TxHash>(), Ok(hash));
    assert_eq!(serde_json::to_string(&hash).unwrap(), format!("\"{hash}\""));
    assert_eq!(TxHash::from_bytes(*hash.as_bytes()), hash);
}

#[test]
fn every_message_is_a_lower_case_sentence() {
    let all = [
        TxError::Empty,
        TxError::NotHex,
        TxError::TrailingBytes { extra: 1 },
        TxError::Rlp {
            field: "nonce",
            reason: "the data ends too early",
        },
        TxError::AddressLength {
            field: "to",
            got: 3,
        },
        TxError::UnsupportedType { type_byte: 1 },
        TxError::BadV { v: 3 },
        TxError::BadYParity { got: 2 },
        TxError::ZeroSignatureValue { which: "r" },
        TxError::SignatureValueTooLarge { which: "s" },
        TxError::HighS,
        TxError::RecoveryFailed,
        TxError::SigningFailed,
        TxError::ChainIdMismatch {
            expected: 1,
            got: 2,
        },
        TxError::ValueTooLarge { value: U256::MAX },
        TxError::CostOverflow,
        TxError::CostTooLarge { cost: U256::MAX },
        TxError::FeeBelowBaseFee {
            max_fee: 1,
            base_fee: 2,
        },
        TxError::PriorityFeeAboveMaxFee {
            priority_fee: 2,
            max_fee: 1,
        },
        TxError::GasLimitBelowIntrinsic {
            gas_limit: 1,
            intrinsic: 2,
        },
        TxError::GasLimitBelowFloor {
            gas_limit: 1,
            floor: 2,
        },
    ];
    for err in all {
        let text = err.to_string();
        let first = text.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{text}");
        assert!(!text.ends_with('.'), "{text}");
    }
    assert_eq!(
        TxError::ChainIdMismatch {
            expected: 1,
            got: 2
        }
        .to_string(),
        "the transaction is for chain 2, not this chain (1)"
    );
}

// ---- property tests ----

/// Integers of every byte width (so short and long RLP forms both occur).
fn u64s() -> impl Strategy<Value = u64> {
    (any::<u64>(), 0u32..64).prop_map(|(x, shift)| x >> shift)
}

fn u128s() -> impl Strategy<Value = u128> {
    (any::<u128>(), 0u32..128).prop_map(|(x, shift)| x >> shift)
}

fn u256s() -> impl Strategy<Value = U256> {
    (any::<[u8; 32]>(), 0usize..256).prop_map(|(b, shift)| U256::from_be_bytes(b) >> shift)
}

fn addresses() -> impl Strategy<Value = Option<Address>> {
    prop::option::of(any::<[u8; 20]>().prop_map(Address::from_bytes))
}

fn datas() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..80)
}

fn access_lists() -> impl Strategy<Value = Vec<AccessListItem>> {
    prop::collection::vec(
        (
            any::<[u8; 20]>(),
            prop::collection::vec(any::<[u8; 32]>(), 0..3),
        )
            .prop_map(|(a, storage_keys)| AccessListItem {
                address: Address::from_bytes(a),
                storage_keys,
            }),
        0..3,
    )
}

fn transactions() -> impl Strategy<Value = Transaction> {
    let legacy = (
        prop::option::of(u64s()),
        u64s(),
        u128s(),
        u64s(),
        addresses(),
        u256s(),
        datas(),
    )
        .prop_map(|(chain_id, nonce, gas_price, gas_limit, to, value, data)| {
            Transaction::Legacy(LegacyTx {
                chain_id,
                nonce,
                gas_price,
                gas_limit,
                to,
                value,
                data,
            })
        });
    let eip1559 = (
        (u64s(), u64s(), u128s(), u128s(), u64s()),
        (addresses(), u256s(), datas(), access_lists()),
    )
        .prop_map(
            |((chain_id, nonce, tip, max_fee, gas_limit), (to, value, data, access_list))| {
                Transaction::Eip1559(Eip1559Tx {
                    chain_id,
                    nonce,
                    max_priority_fee_per_gas: tip,
                    max_fee_per_gas: max_fee,
                    gas_limit,
                    to,
                    value,
                    data,
                    access_list,
                })
            },
        );
    prop_oneof![legacy, eip1559]
}

/// Signatures that pass the range checks: r below 2^255, s below 2^254 (< n/2), both non-zero.
fn signatures() -> impl Strategy<Value = Signature> {
    (any::<[u8; 32]>(), any::<[u8; 32]>(), any::<bool>()).prop_map(|(mut r, mut s, parity)| {
        r[0] &= 0x7f;
        r[31] |= 1;
        s[0] &= 0x3f;
        s[31] |= 1;
        Signature::new(U256::from_be_bytes(r), U256::from_be_bytes(s), parity).unwrap()
    })
}

proptest! {
    #[test]
    fn decode_encode_round_trips(tx in transactions(), sig in signatures()) {
        let signed = SignedTx::from_parts(tx, sig);
        let raw = signed.raw();
        let decoded = SignedTx::decode_raw(&raw).unwrap();
        prop_assert_eq!(decoded.raw(), raw);
        prop_assert_eq!(&decoded, &signed);
        prop_assert_eq!(SignedTx::from_raw_hex(&signed.raw_hex()).unwrap(), signed);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(signed) = SignedTx::decode_raw(&bytes) {
            // Anything accepted is canonical.
            prop_assert_eq!(signed.raw(), bytes);
            let _ = signed.recover_sender();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sign_then_recover_gives_the_signer(key in any::<[u8; 32]>(), tx in transactions()) {
        if let Ok(acct) = Account::from_private_key(&key) {
            let signed = tx.sign(&acct).unwrap();
            prop_assert_eq!(signed.recover_sender(), Ok(acct.address));
            let recovered = SignedTx::decode_raw(&signed.raw()).unwrap().recover().unwrap();
            prop_assert_eq!(recovered.sender(), acct.address);
            prop_assert_eq!(&recovered, &tx.sign_recovered(&acct).unwrap());
        }
    }

    #[test]
    fn flipping_any_byte_breaks_decoding_or_changes_sender_and_hash(
        tx in transactions(),
        index in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let signer = account();
        let signed = tx.sign(&signer).unwrap();
        let mut raw = signed.raw();
        let at = index.index(raw.len());
        raw[at] ^= mask;
        if let Ok(tampered) = SignedTx::decode_raw(&raw) {
            prop_assert_eq!(tampered.raw(), raw);
            prop_assert_ne!(tampered.hash(), signed.hash());
            prop_assert_ne!(tampered.recover_sender(), Ok(signer.address));
        }
    }
}
