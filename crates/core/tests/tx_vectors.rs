//! Transactions against the official vectors in `tests/data` (sources and licenses in its
//! README) and against bytes produced by ethers v6.
//!
//! RFC 6979 signing (the nonce behind every signature here) is checked against the bitcoinjs
//! vectors in `wallet_vectors.rs` (`rfc6979_bitcoinjs_signatures`), through the same
//! `Signature::sign_prehash` that `Transaction::sign` calls; not repeated here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use blocklab_core::address::Address;
use blocklab_core::tx::{
    Eip1559Tx, LegacyTx, Recovered, SignedTx, Transaction, TxError, TxRequest, TxType, U256,
};
use blocklab_core::wallet::hd::Account;
use blocklab_core::Wei;
use k256::ecdsa::SigningKey;
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing string {key}"))
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[test]
fn eip155_worked_example_byte_for_byte() {
    let v = data("eip155_example.json");
    let t = &v["tx"];
    let tx = Transaction::Legacy(LegacyTx {
        chain_id: Some(t["chain_id"].as_u64().unwrap()),
        nonce: t["nonce"].as_u64().unwrap(),
        gas_price: s(t, "gas_price_wei").parse().unwrap(),
        gas_limit: t["gas_limit"].as_u64().unwrap(),
        to: Some(s(t, "to").parse().unwrap()),
        value: s(t, "value_wei").parse().unwrap(),
        data: hex::decode(s(t, "data").trim_start_matches("0x")).unwrap(),
    });
    assert_eq!(hex0x(&tx.signing_payload()), s(&v, "signing_data_rlp"));
    assert_eq!(hex0x(&tx.signing_hash()), s(&v, "signing_hash"));

    let key = Account::from_private_key_hex(s(&v, "private_key")).unwrap();
    let signed = tx.sign(&key).unwrap();
    let sig = signed.signature();
    assert_eq!(sig.legacy_v(Some(1)), u128::from(v["v"].as_u64().unwrap()));
    assert_eq!(sig.r().to_string(), s(&v, "r_dec"));
    assert_eq!(sig.s().to_string(), s(&v, "s_dec"));
    assert_eq!(hex0x(&sig.r().to_be_bytes::<32>()), s(&v, "r_hex"));
    assert_eq!(hex0x(&sig.s().to_be_bytes::<32>()), s(&v, "s_hex"));
    assert_eq!(signed.raw_hex(), s(&v, "signed_tx"));
    assert_eq!(signed.hash().to_string(), s(&v, "tx_hash"));

    let expected_sender: Address = s(&v, "expected_sender").parse().unwrap();
    assert_eq!(signed.recover_sender(), Ok(expected_sender));
    // The same signing key (a raw k256 key rather than an Account) gives the same bytes.
    let raw_key = SigningKey::from_slice(&key.private_key_bytes()[..]).unwrap();
    assert_eq!(tx.sign(&raw_key).unwrap(), signed);

    // And the published bytes decode back to the same transaction and sender.
    let decoded = SignedTx::from_raw_hex(s(&v, "signed_tx")).unwrap();
    assert_eq!(decoded, signed);
    let recovered = decoded.recover().unwrap();
    assert_eq!(recovered.sender(), expected_sender);
    assert_eq!(recovered.hash().to_string(), s(&v, "tx_hash"));
}

/// Valid fixtures this decoder deliberately refuses, each with the reason and the exact error.
/// Listed by name so nothing is skipped silently; the test fails if the list goes stale.
fn known_refusals() -> Vec<(&'static str, &'static str, TxError)> {
    vec![
        (
            "GasLimitPriceProductOverflowtMinusOne",
            "max_fee_per_gas is a 31-byte number; fees are u128 here (as in alloy), and no \
             balance in the lab can pay a fee above 2^128 wei per gas",
            TxError::Rlp {
                field: "max_fee_per_gas",
                reason: "the number is too large for this field",
            },
        ),
        (
            "V_equals38",
            "gas_price is a 31-byte number; fees are u128 here (as in alloy), and no balance in \
             the lab can pay a gas price above 2^128 wei",
            TxError::Rlp {
                field: "gas_price",
                reason: "the number is too large for this field",
            },
        ),
        (
            "accessListStorage32Bytes",
            "EIP-2930 (type 1) transactions are out of scope: the lab reads legacy and type 2",
            TxError::UnsupportedType { type_byte: 0x01 },
        ),
    ]
}

#[test]
fn ethereum_tests_transaction_selection() {
    let v = data("transaction_tests_selection.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 50);
    let refusals = known_refusals();
    let (mut valid_ok, mut invalid_rejected, mut refused_as_listed) = (0, 0, 0);
    let mut problems = Vec::new();
    for case in cases {
        let name = s(case, "name");
        let bytes = hex::decode(s(case, "txbytes").trim_start_matches("0x")).unwrap();
        // Every fixture is on chain 1 (ethereum/tests' network): a tx signed for another chain
        // is invalid there. Pre-EIP-155 transactions are valid on every chain.
        let result = Recovered::from_raw(&bytes).and_then(|r| {
            r.signed().ensure_chain_id(1)?;
            Ok(r)
        });
        if case["valid"].as_bool().unwrap() {
            if let Some((_, _, err)) = refusals.iter().find(|(n, _, _)| *n == name) {
                if result.as_ref().err() == Some(err) {
                    refused_as_listed += 1;
                } else {
                    problems.push(format!("{name}: listed refusal, got {result:?}"));
                }
                continue;
            }
            let r = match result {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{name}: valid but refused: {e:?}"));
                    continue;
                }
            };
            let sender: Address = s(case, "sender").parse().unwrap();
            let gas = u64::from_str_radix(s(case, "intrinsic_gas").trim_start_matches("0x"), 16);
            let checks = [
                ("sender", r.sender() == sender),
                ("hash", r.hash().to_string() == s(case, "hash")),
                ("chain id", r.tx().chain_id() == case["chain_id"].as_u64()),
                ("intrinsic gas", r.tx().intrinsic_gas() == gas.unwrap()),
                // Canonical: re-encoding gives back the fixture's bytes.
                ("re-encoding", r.signed().raw() == bytes),
            ];
            match checks.iter().find(|(_, ok)| !ok) {
                None => valid_ok += 1,
                Some((what, _)) => problems.push(format!("{name}: wrong {what}")),
            }
        } else if result.is_ok() {
            problems.push(format!("{name} ({}) was accepted", s(case, "exception")));
        } else {
            invalid_rejected += 1;
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(refused_as_listed, refusals.len());
    assert_eq!(valid_ok, 19);
    assert_eq!(invalid_rejected, 28);
}

#[test]
fn ethereum_tests_rejections_give_the_right_reason() {
    let v = data("transaction_tests_selection.json");
    let expect = |name: &str| -> TxError {
        let case = v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        let bytes = hex::decode(s(case, "txbytes").trim_start_matches("0x")).unwrap();
        Recovered::from_raw(&bytes)
            .and_then(|r| r.signed().ensure_chain_id(1).map(|()| r))
            .unwrap_err()
    };
    assert_eq!(expect("TransactionWithSvalueHigh"), TxError::HighS);
    assert_eq!(
        expect("TransactionWithSvalue0"),
        TxError::ZeroSignatureValue { which: "s" }
    );
    assert_eq!(
        expect("TransactionWithRvalue0"),
        TxError::ZeroSignatureValue { which: "r" }
    );
    assert_eq!(
        expect("TransactionWithRvalueTooHigh"),
        TxError::SignatureValueTooLarge { which: "r" }
    );
    assert_eq!(expect("PointAtInfinity"), TxError::RecoveryFailed);
    assert_eq!(expect("WrongVRSTestVEqual26"), TxError::BadV { v: 26 });
    assert_eq!(expect("WrongVRSTestVEqual29"), TxError::BadV { v: 29 });
    assert_eq!(
        expect("WrongVRSTestVEqual39"),
        TxError::ChainIdMismatch {
            expected: 1,
            got: 2
        }
    );
    assert_eq!(
        expect("InvalidChainID0ValidV0"),
        TxError::ChainIdMismatch {
            expected: 1,
            got: 0
        }
    );
    assert_eq!(
        expect("RLPExtraRandomByteAtTheEnd"),
        TxError::TrailingBytes { extra: 2 }
    );
    assert_eq!(
        expect("RLP_09_maxFeePerGas32BytesValue"),
        TxError::UnsupportedType { type_byte: 9 }
    );
    assert_eq!(
        expect("TRANSCT_to_TooShort"),
        TxError::AddressLength {
            field: "to",
            got: 18
        }
    );
    assert_eq!(
        expect("AddressMoreThan20"),
        TxError::AddressLength {
            field: "to",
            got: 21
        }
    );
    assert!(matches!(
        expect("TransactionWithLeadingZerosNonce"),
        TxError::Rlp { field: "nonce", .. }
    ));
    assert!(matches!(
        expect("maxFeePerGas00prefix"),
        TxError::Rlp {
            field: "max_fee_per_gas",
            ..
        }
    ));
    assert!(matches!(
        expect("TransactionWithHighValueOverflow"),
        TxError::Rlp { field: "value", .. }
    ));
    assert!(matches!(
        expect("aMaliciousRLP"),
        TxError::Rlp {
            field: "transaction",
            ..
        }
    ));
}

/// Expected bytes generated offline with ethers 6.17.0 (npm), `new Wallet(KEY)
/// .signTransaction(fields)` and `Transaction.from(fields).unsignedHash`, for the fields in
/// each case below (KEY = the anvil/hardhat dev key #0; ethers signs with RFC 6979 as well).
struct EthersCase {
    name: &'static str,
    tx: Transaction,
    signing_hash: &'static str,
    raw: &'static str,
    hash: &'static str,
}

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const GWEI: u128 = 1_000_000_000;

fn addr(text: &str) -> Option<Address> {
    Some(text.parse().unwrap())
}

fn ethers_cases() -> Vec<EthersCase> {
    let acct1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let acct2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    vec![
        EthersCase {
            // { type: 2, chainId: 31337, nonce: 0, to: acct1, value: parseEther("1"),
            //   maxPriorityFeePerGas: 1 gwei, maxFeePerGas: 2 gwei, gasLimit: 21000, data: "0x" }
            name: "type2_plain",
            tx: Eip1559Tx {
                chain_id: 31337,
                nonce: 0,
                max_priority_fee_per_gas: GWEI,
                max_fee_per_gas: 2 * GWEI,
                gas_limit: 21000,
                to: addr(acct1),
                value: U256::from(10u128.pow(18)),
                data: vec![],
                access_list: vec![],
            }
            .into(),
            signing_hash: "0xb74b50b3bba4accb52a758871e49bc78918a27c080727efb8b3c8306e46a3edd",
            raw: "0x02f874827a6980843b9aca0084773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c8880de0b6b3a764000080c080a074128fd7d42631897474d93692787a2e56b813754468caaca4993c641c986a37a06d5a3b027177cc2841199b70400fece0a29ac5eabee2fa9cbf9b6aa213716c48",
            hash: "0x7d4c13ed95c0cee830d7457ec5a5976db1fc301cfa7a23fef0039a7ccf6aea87",
        },
        EthersCase {
            // { type: 2, chainId: 31337, nonce: 7, to: acct2, value: 12345n,
            //   maxPriorityFeePerGas: 1.5 gwei, maxFeePerGas: 30 gwei, gasLimit: 21040,
            //   data: "0x00ff0001" }
            name: "type2_data",
            tx: Eip1559Tx {
                chain_id: 31337,
                nonce: 7,
                max_priority_fee_per_gas: 1_500_000_000,
                max_fee_per_gas: 30 * GWEI,
                gas_limit: 21040,
                to: addr(acct2),
                value: U256::from(12345u64),
                data: vec![0x00, 0xff, 0x00, 0x01],
                access_list: vec![],
            }
            .into(),
            signing_hash: "0x3967468cf3276d507f3fcb452e53c23ae5ede08d3c9efb13f38c09f3d3428072",
            raw: "0x02f873827a69078459682f008506fc23ac00825230943c44cdddb6a900fa2b585dd299e03d12fa4293bc8230398400ff0001c001a0b2c637c92bb954e2941de0a757b38683f1eb5dce00fb88af9ebf3e4fb4029b00a02337aeff8eef6be84dfe5246eb9dd39734034bf19784579a5eca77f798bff7fa",
            hash: "0xa1f255562a05b794a6bba67467e71bd10d84008271df2f35f64dd11023adceed",
        },
        EthersCase {
            // { type: 2, chainId: 31337, nonce: 1, to: null, value: 0n,
            //   maxPriorityFeePerGas: 1n, maxFeePerGas: 875000000n, gasLimit: 60000,
            //   data: "0x6000" }
            name: "type2_create",
            tx: Eip1559Tx {
                chain_id: 31337,
                nonce: 1,
                max_priority_fee_per_gas: 1,
                max_fee_per_gas: 875_000_000,
                gas_limit: 60000,
                to: None,
                value: U256::ZERO,
                data: vec![0x60, 0x00],
                access_list: vec![],
            }
            .into(),
            signing_hash: "0xd8005ef8b59900f37e5b40df3d749714a8a98d589624753ba5976fe5c8204bd7",
            raw: "0x02f856827a69010184342770c082ea608080826000c001a01fb151aa859906ec36055317a8e80ed50f595d1315db23f282a5ad24e92c6227a00f52c6fcce9df3c0638566691b4f5580645bb1df16be685e2c7cbd0cabe43b30",
            hash: "0x3aeb8d2d0f376e2e26bffc5a5df868caeebc5415b9445bb717a2c7c97b3bd8aa",
        },
        EthersCase {
            // { type: 0, chainId: 31337, nonce: 3, to: acct1, value: parseEther("0.5"),
            //   gasPrice: 20 gwei, gasLimit: 21000, data: "0x" }
            name: "legacy_plain",
            tx: LegacyTx {
                chain_id: Some(31337),
                nonce: 3,
                gas_price: 20 * GWEI,
                gas_limit: 21000,
                to: addr(acct1),
                value: U256::from(5 * 10u128.pow(17)),
                data: vec![],
            }
            .into(),
            signing_hash: "0xb8217ff8de1a4c476497489acd43d095341191282c6c8825c404811ee0451bde",
            raw: "0xf86e038504a817c8008252089470997970c51812dc3a010c7d01b50e0d17dc79c88806f05b59d3b200008082f4f6a0ca1a5b54418f702ca3bf5dfa2fb7bca215bba523cb9d5de305495876b8968e54a0211aebbf775667486ddd0981587f773255a8f58244f2c6ff7dba32eca867cc02",
            hash: "0x0ab396e30fad610c7c754e57f29efd77d14589c80897ac8250e36267850140e0",
        },
        EthersCase {
            // { type: 0, chainId: 31337, nonce: 4, to: acct2, value: 1n, gasPrice: 1n,
            //   gasLimit: 21064, data: "0xdeadbeef" }
            name: "legacy_data",
            tx: LegacyTx {
                chain_id: Some(31337),
                nonce: 4,
                gas_price: 1,
                gas_limit: 21064,
                to: addr(acct2),
                value: U256::from(1u8),
                data: vec![0xde, 0xad, 0xbe, 0xef],
            }
            .into(),
            signing_hash: "0xfa906d01bb41d6da3896470f7fa239953c948c26f8415a76cc01482ecf78f588",
            raw: "0xf8650401825248943c44cdddb6a900fa2b585dd299e03d12fa4293bc0184deadbeef82f4f5a0d2e05a4240a6a959003df3a04f3282b43c061300c703059773fdbf8ba5388164a01a95631e9cb149e5f4c0d407d4ec4a36424b200d574451a74ef674837d1cbd92",
            hash: "0x68305e7efbfea2e6cf69cfef386f5484a1912e46bb07923ebb066ff38089b27e",
        },
    ]
}

#[test]
fn dev_key_signatures_match_ethers_v6() {
    let account = Account::from_private_key_hex(DEV_KEY).unwrap();
    let dev: Address = DEV_ADDRESS.parse().unwrap();
    assert_eq!(account.address, dev);
    let cases = ethers_cases();
    assert_eq!(cases.len(), 5);
    for c in cases {
        assert_eq!(hex0x(&c.tx.signing_hash()), c.signing_hash, "{}", c.name);
        let recovered = c.tx.sign_recovered(&account).unwrap();
        assert_eq!(recovered.signed().raw_hex(), c.raw, "{}", c.name);
        assert_eq!(recovered.hash().to_string(), c.hash, "{}", c.name);
        assert_eq!(recovered.sender(), dev, "{}", c.name);
        let decoded = SignedTx::from_raw_hex(c.raw).unwrap();
        assert_eq!(decoded.tx(), &c.tx, "{}", c.name);
        assert_eq!(decoded.recover().unwrap(), recovered, "{}", c.name);
    }
}

#[test]
fn requests_build_the_ethers_transactions() {
    // The builder gives the hand-written ethers transactions, except that its default gas limit
    // pays Prague's calldata floor (EIP-7623), which those transactions (signed with the
    // intrinsic gas) predate, and it refuses their lower limit by name.
    let cases = ethers_cases();
    let acct2: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
        .parse()
        .unwrap();
    let with_data = TxRequest::transfer(31337, 7, acct2, Wei::from_wei(12345))
        .with_data(vec![0x00, 0xff, 0x00, 0x01]);
    assert_eq!(with_data.intrinsic_gas(), 21040);
    assert_eq!(with_data.gas_limit(), Ok(21000 + 10 * (2 + 2 * 4)));
    assert_eq!(
        with_data.clone().with_gas_limit(21040).gas_limit(),
        Err(TxError::GasLimitBelowFloor {
            gas_limit: 21040,
            floor: 21100
        })
    );
    let tx = with_data.eip1559(1_500_000_000, 30 * GWEI).unwrap();
    let Transaction::Eip1559(mut expected) = cases[1].tx.clone() else {
        panic!("case 1 is an EIP-1559 transaction")
    };
    assert_eq!(expected.gas_limit, 21040);
    expected.gas_limit = 21100;
    assert_eq!(tx, Transaction::Eip1559(expected));
    assert_eq!(tx.tx_type(), TxType::Eip1559);

    let legacy = TxRequest::transfer(31337, 4, acct2, Wei::from_wei(1))
        .with_data(vec![0xde, 0xad, 0xbe, 0xef])
        .legacy(1)
        .unwrap();
    let Transaction::Legacy(mut expected) = cases[4].tx.clone() else {
        panic!("case 4 is a legacy transaction")
    };
    assert_eq!(expected.gas_limit, 21000 + 4 * 16);
    expected.gas_limit = 21000 + 4 * 40;
    assert_eq!(legacy, Transaction::Legacy(expected));
    assert_eq!(legacy.tx_type(), TxType::Legacy);
}
