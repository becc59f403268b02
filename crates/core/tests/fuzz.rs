//! Fuzzing of every decoder and validator that reads bytes or text from outside: raw
//! transactions (RLP), chain files, snapshots and wallet files from storage, keystore files,
//! JSON-RPC answers, mnemonic input, addresses, explorer searches, record and amount forms.
//!
//! proptest-based (cargo-fuzz needs a nightly toolchain, which this project does not use). Each
//! target gets random bytes and, mostly, mutations of valid inputs (bit flips, inserted and
//! deleted bytes, duplicated chunks, splices of another seed, and "interesting" tokens: RLP
//! length prefixes that claim gigabytes, huge JSON numbers, nesting). The property is always
//! "no panic, an `Err` or a value that survives its own round trip"; and no unbounded
//! allocation: this test binary's allocator refuses any total above [`MEMORY_LIMIT`], which
//! aborts the run (a decoder that trusted a length prefix would ask for gigabytes).
//!
//! Budget: `BLOCKLAB_FUZZ_CASES` cases per target, 256 by default (what `cargo test` and
//! `scripts/test.sh` run, a few seconds in all). A long run, e.g. before a release:
//! `BLOCKLAB_FUZZ_CASES=200000 cargo test --release -p blocklab-core --test fuzz`.
//! A failing case is saved under `tests/proptest-regressions/` (commit it) and replayed first.
//!
//! Adding a target: write one `fuzz_target!` below with seeds of valid inputs and the decoder
//! call (`peer_message` is the latest example).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use std::alloc::System;
use std::str::FromStr;

use blocklab_core::address::Address;
use blocklab_core::chain::ChainParams;
use blocklab_core::explorer::search;
use blocklab_core::peer::{self, PeerId, Peers};
use blocklab_core::persist::{self, Settings, Snapshot};
use blocklab_core::wallet::keystore::{self, EncryptionRandomness, Kdf, Keystore};
use blocklab_core::wallet::{vault, Account, Mnemonic, ScryptParams};
use blocklab_core::{rpc, Block, Chain, Entry, Mempool, Record, SignedTx, TxRequest, Wei};
use cap::Cap;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

/// The most this whole test binary may hold allocated at once (all targets, in parallel).
const MEMORY_LIMIT: usize = 256 * 1024 * 1024;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, MEMORY_LIMIT);

/// Largest random input and largest mutated input, in bytes.
const MAX_RANDOM: usize = 512;
const MAX_INPUT: usize = 64 * 1024;

fn cases() -> u32 {
    std::env::var("BLOCKLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Shrinking a long run's failure can take long; the failing input is saved anyway.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// One mutation of an input.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Insert(Index, u8),
    Remove(Index, Index),
    Duplicate(Index, Index, Index),
    Token(Index, Index),
    Splice(Index, Index, Index),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(a, n, at)| Mutation::Duplicate(a, n, at)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(t, at)| Mutation::Token(t, at)),
        1 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(s, from, at)| Mutation::Splice(s, from, at)),
        1 => (any::<Index>()).prop_map(Mutation::Truncate),
    ]
}

/// `ix` as a position in `0..=len`.
fn pos(ix: &Index, len: usize) -> usize {
    ix.index(len + 1)
}

fn apply(seed: &[u8], mutations: &[Mutation], seeds: &[Vec<u8>], tokens: &[&[u8]]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for m in mutations {
        let len = v.len();
        match m {
            Mutation::FlipBit(i, b) if len > 0 => v[i.index(len)] ^= 1 << b,
            Mutation::SetByte(i, b) if len > 0 => v[i.index(len)] = *b,
            Mutation::Insert(i, b) => v.insert(pos(i, len), *b),
            Mutation::Remove(i, n) if len > 0 => {
                let start = i.index(len);
                let end = start + n.index((len - start).min(16) + 1);
                v.drain(start..end);
            }
            Mutation::Duplicate(a, n, at) if len > 0 => {
                let start = a.index(len);
                let end = start + n.index((len - start).min(64) + 1);
                let chunk = v[start..end].to_vec();
                let at = pos(at, len);
                v.splice(at..at, chunk);
            }
            Mutation::Token(t, at) => {
                let token = tokens[t.index(tokens.len())];
                let at = pos(at, len);
                v.splice(at..at, token.iter().copied());
            }
            Mutation::Splice(s, from, at) => {
                let other = &seeds[s.index(seeds.len())];
                let from = pos(from, other.len());
                let at = pos(at, len);
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
            Mutation::Truncate(i) => v.truncate(pos(i, len)),
            _ => {}
        }
        v.truncate(MAX_INPUT);
    }
    v
}

/// Random bytes (one case in five) or a valid seed with 1 to 8 mutations.
fn input(seeds: Vec<Vec<u8>>, tokens: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    assert!(
        !seeds.is_empty(),
        "a fuzz target needs at least one valid seed"
    );
    let n = seeds.len();
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..MAX_RANDOM),
        4 => (0..n, proptest::collection::vec(mutation(), 1..8))
            .prop_map(move |(i, ms)| apply(&seeds[i], &ms, &seeds, tokens)),
    ]
}

/// RLP prefixes that matter: short and long strings and lists, lengths that claim up to
/// 2^64 - 1 bytes, non-canonical encodings, and the transaction type bytes.
const RLP_TOKENS: &[&[u8]] = &[
    &[0x00],
    &[0x01],
    &[0x02],
    &[0x7f],
    &[0x80],
    &[0x81, 0x00],
    &[0xb7],
    &[0xb8, 0x01],
    &[0xb8, 0xff],
    &[0xbb, 0xff, 0xff, 0xff, 0xff],
    &[0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    &[0xc0],
    &[0xf7],
    &[0xf8, 0xff],
    &[0xfb, 0x7f, 0xff, 0xff, 0xff],
    &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    &[0xa0],
];

/// JSON tokens: structure, out-of-range numbers, odd strings, deep nesting.
const JSON_TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"true",
    b"-1",
    b"0",
    b"1e400",
    b"-0.5",
    b"18446744073709551616",
    b"340282366920938463463374607431768211456",
    b"\"0x\"",
    b"\"0x00\"",
    b"\"0xzz\"",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    b"{\"a\":{\"a\":{\"a\":{\"a\":",
    "\u{feff}".as_bytes(),
    b"\xff\xfe",
    b"\"version\":1",
    b"\"version\":2",
    b"\"version\":99",
];

/// Words and separators for phrases (valid words, near misses, case, spacing, Unicode).
const WORD_TOKENS: &[&[u8]] = &[
    b" ",
    b"  ",
    b"\t",
    b"\n",
    b"abandon",
    b"zoo",
    b"junk",
    b"test",
    b"TEST",
    b"abandonn",
    b"zzzz",
    "caf\u{e9}".as_bytes(),
    "\u{3000}".as_bytes(),
    b"0x",
];

/// The public development key #0 (the `test … junk` phrase): only for signing fixtures.
const DEV_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const TO: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

fn dev_account() -> Account {
    Account::from_private_key_hex(DEV_KEY).expect("the dev key is valid hex")
}

/// Valid signed transactions of each kind the core decodes.
fn raw_txs() -> Vec<Vec<u8>> {
    let key = dev_account();
    let to = Address::from_str(TO).expect("a valid address");
    let one = Wei::parse_coins("1.5").expect("an amount");
    let mut data = TxRequest::transfer(1337, 7, to, one);
    data.data = b"a memo in the data field".to_vec();
    [
        TxRequest::transfer(1337, 0, to, one).eip1559(1_000_000_000, 3_000_000_000),
        TxRequest::transfer(1337, 1, to, one).legacy(2_000_000_000),
        data.eip1559(5, 10_000_000_000),
        TxRequest::transfer(1, 2, to, Wei::ZERO).legacy(1),
    ]
    .into_iter()
    .map(|tx| {
        tx.expect("a valid request")
            .sign(&key)
            .expect("signs")
            .raw()
    })
    .collect()
}

/// A small valid chain: genesis and two record blocks (difficulty 0: any nonce meets it).
fn chain() -> Chain {
    let params = ChainParams::default();
    let mut chain = Chain::new(1_000);
    for (i, memo) in ["first", "second <b>\"quoted\"</b>"].iter().enumerate() {
        let record = Record::from_form("alice", "bob", "1.5", memo).expect("a valid record");
        let block = Block::candidate(
            Some(chain.tip()),
            2_000 + i as u64,
            0,
            [0; 20],
            vec![Entry::Record(record)],
        );
        chain.append(block, &params).expect("a valid block");
    }
    chain
}

fn snapshot_text() -> Vec<u8> {
    let snapshot = Snapshot {
        chain: chain(),
        pending: vec![Record::from_form("carol", "dave", "0.25", "pending").expect("a record")],
        mempool: Mempool::new(),
        settings: Settings {
            difficulty: 9,
            workers: Some(3),
            beneficiary: Address::from_str(TO).ok(),
        },
    };
    persist::encode_snapshot(&snapshot).into_bytes()
}

/// The cheapest scrypt a keystore can carry, so that thousands of cases stay fast.
const CHEAP_SCRYPT: ScryptParams = ScryptParams {
    log_n: 4,
    r: 8,
    p: 1,
};

fn keystore_text() -> Value {
    let rand = EncryptionRandomness {
        salt: [7; 32],
        iv: [9; 16],
        uuid: [1; 16],
    };
    let key = hex::decode(DEV_KEY).expect("hex");
    keystore::encrypt(&key, "password", CHEAP_SCRYPT, &rand, None, None)
        .expect("encrypts")
        .to_value()
}

/// Whether decrypting `v` costs at most a cheap scrypt or PBKDF2 (a mutated `n` or `c` can ask
/// for the real maximum, 256 MiB of scrypt or 10 million rounds: correct, bounded by the
/// keystore's own limits, tested in its unit tests, but too slow for thousands of cases).
fn cheap_to_decrypt(ks: &Keystore) -> bool {
    match ks.kdf() {
        Kdf::Scrypt { params, .. } => {
            (1u64 << params.log_n.min(63))
                .saturating_mul(u64::from(params.r.max(1)))
                .saturating_mul(u64::from(params.p.max(1)))
                <= 1 << 10
        }
        Kdf::Pbkdf2 { rounds, .. } => *rounds <= 1_000,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One proptest target: `$name` gets inputs from [`input`] over `$seeds` and `$tokens`.
macro_rules! fuzz_target {
    ($name:ident, seeds = $seeds:expr, tokens = $tokens:expr, |$bytes:ident| $body:block) => {
        proptest! {
            #![proptest_config(config())]
            #[test]
            fn $name($bytes in input($seeds, $tokens)) $body
        }
    };
}

fuzz_target!(
    raw_transaction_rlp,
    seeds = raw_txs(),
    tokens = RLP_TOKENS,
    |bytes| {
        if let Ok(tx) = SignedTx::decode_raw(&bytes) {
            // Strict canonical decoding: what decodes re-encodes to the same bytes.
            prop_assert_eq!(tx.raw(), bytes.clone());
            let _ = tx.recover_sender();
            let _ = tx.clone().recover();
        }
        let _ = blocklab_core::Recovered::from_raw(&bytes);
        let _ = SignedTx::from_raw_hex(&format!("0x{}", hex::encode(&bytes)));
        let _ = SignedTx::from_raw_hex(&text(&bytes));
    }
);

fuzz_target!(
    chain_import_json,
    seeds = vec![persist::export_chain(&chain()).into_bytes()],
    tokens = JSON_TOKENS,
    |bytes| {
        let params = ChainParams::default();
        if let Ok(imported) = persist::import_chain(&text(&bytes), &params) {
            // What imports is a valid chain, and exports and imports again to the same blocks.
            prop_assert!(imported.validate(&params).is_valid());
            let again = persist::import_chain(&persist::export_chain(&imported), &params);
            prop_assert_eq!(
                again.map(|c| c.blocks().to_vec()).ok(),
                Some(imported.blocks().to_vec())
            );
        }
    }
);

fuzz_target!(
    stored_snapshot,
    seeds = vec![snapshot_text()],
    tokens = JSON_TOKENS,
    |bytes| {
        if let Ok(snapshot) = persist::decode_snapshot(&text(&bytes)) {
            let _ = snapshot.chain.validate(&ChainParams::default());
            let _ = persist::encode_snapshot(&snapshot);
        }
    }
);

fuzz_target!(
    keystore_json,
    seeds = vec![keystore_text().to_string().into_bytes()],
    tokens = JSON_TOKENS,
    |bytes| {
        if let Ok(v) = keystore::parse(&text(&bytes)) {
            assert_eq!(keystore::parse(&v.to_json()).as_ref(), Ok(&v));
            if cheap_to_decrypt(&v) {
                let _ = keystore::decrypt(&v, "password");
                let _ = keystore::decrypt_private_key(&v, "password");
                let _ = keystore::decrypt(&v, "wrong");
            }
        }
    }
);

fuzz_target!(
    stored_wallet_file,
    seeds = vec![wallet_file_text()],
    tokens = JSON_TOKENS,
    |bytes| {
        if let Ok(file) = vault::decode(&text(&bytes)) {
            if cheap_to_decrypt(&file.vault) {
                let _ = vault::open(&file.vault, "password");
            }
        }
    }
);

fuzz_target!(
    json_rpc_answer,
    seeds = rpc_answers(),
    tokens = JSON_TOKENS,
    |bytes| {
        if let Ok(v) = rpc::parse_response(&text(&bytes), 1) {
            let _ = rpc::parse_u128(&v, "value");
            let _ = rpc::parse_u64(&v, "value");
            let _ = rpc::parse_u256(&v, "value");
            let _ = rpc::parse_receipt(&v);
        }
    }
);

fuzz_target!(
    node_explorer_answers,
    seeds = node_answers(),
    tokens = JSON_TOKENS,
    |bytes| {
        use blocklab_core::rpc::explore;
        if let Ok(list) = explore::parse_batch(&text(&bytes), 4, 1) {
            for v in list.into_iter().flatten() {
                use blocklab_core::explorer::node;
                if let Ok(Some(b)) = explore::parse_block(&v) {
                    let _ = node::block_rows(&b);
                    let both = [b.clone(), b];
                    let _ = node::block_time_points(&both);
                    let _ = node::base_fee_points(&both);
                    let _ = node::gas_used_points(&both);
                    let _ = node::latest_txs(&both, 5);
                }
                if let Ok(t) = explore::parse_tx(&v) {
                    let _ = node::tx_rows(&t);
                }
                if let Ok(Some(r)) = explore::parse_node_receipt(&v) {
                    let _ = node::receipt_rows(&r);
                }
                let _ = explore::parse_pool(&v);
                let _ = explore::parse_ots_page(&v);
                let _ = explore::parse_data(&v, "data");
            }
        }
    }
);

fuzz_target!(
    mnemonic_input,
    seeds = phrases(),
    tokens = WORD_TOKENS,
    |bytes| {
        if let Ok(m) = Mnemonic::parse(&text(&bytes)) {
            // A phrase that parses is the canonical phrase of its entropy.
            let again = Mnemonic::parse(&m.phrase());
            prop_assert_eq!(
                again.map(|a| a.entropy().to_vec()).ok(),
                Some(m.entropy().to_vec())
            );
        }
    }
);

fuzz_target!(
    address_and_search_input,
    seeds = searches(),
    tokens = WORD_TOKENS,
    |bytes| {
        let s = text(&bytes);
        if let Ok(a) = Address::from_str(&s) {
            prop_assert_eq!(Address::from_str(&a.to_string()).ok(), Some(a));
        }
        let _ = search::parse(&s);
    }
);

fuzz_target!(
    record_and_amount_forms,
    seeds = forms(),
    tokens = WORD_TOKENS,
    |bytes| {
        let s = text(&bytes);
        let mut fields = s.splitn(4, '|');
        let mut next = || fields.next().unwrap_or("");
        let (sender, receiver, amount, memo) = (next(), next(), next(), next());
        if let Ok(r) = Record::from_form(sender, receiver, amount, memo) {
            prop_assert!(r.check().is_ok());
        }
        if let Ok(w) = Wei::parse_coins(amount) {
            prop_assert_eq!(Wei::parse_coins(&w.to_coins()).ok(), Some(w));
        }
    }
);

fn wallet_file_text() -> Vec<u8> {
    // The stored wallet format: public entries in the clear, secrets in one keystore container.
    serde_json::json!({
        "version": 1,
        "accounts": [{ "name": "Account 1", "address": TO, "source": { "kind": "derived", "path": "m/44'/60'/0'/0/0" } }],
        "vault": keystore_text(),
        "auto_lock_minutes": 5,
    })
    .to_string()
    .into_bytes()
}

fn rpc_answers() -> Vec<Vec<u8>> {
    [
        r#"{"jsonrpc":"2.0","id":1,"result":"0x539"}"#,
        r#"{"jsonrpc":"2.0","id":1,"result":"0xde0b6b3a7640000"}"#,
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"nonce too low"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"result":{"status":"0x1","blockNumber":"0x2","gasUsed":"0x5208","transactionHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","effectiveGasPrice":"0x3b9aca00","blockHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"result":null}"#,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// A batch answer of the node explorer: a block with its transaction, a receipt with a log,
/// a pool and an Otterscan page (the shapes anvil answers).
fn node_answers() -> Vec<Vec<u8>> {
    let tx = r#"{"hash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","blockNumber":"0x2","blockHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","transactionIndex":"0x0","from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","to":null,"value":"0x0","gas":"0x5208","gasPrice":"0x3b9aca00","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x1","nonce":"0x0","input":"0x600d","type":"0x2"}"#;
    let block = format!(
        r#"{{"number":"0x2","hash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","parentHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","timestamp":"0x65","miner":"0x0000000000000000000000000000000000000000","gasUsed":"0x5208","gasLimit":"0x1c9c380","baseFeePerGas":"0x3b9aca00","size":"0x262","stateRoot":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","transactionsRoot":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","receiptsRoot":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","extraData":"0x","transactions":[{tx}]}}"#
    );
    let receipt = r#"{"transactionHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","status":"0x1","blockNumber":"0x2","gasUsed":"0x5208","cumulativeGasUsed":"0x5208","effectiveGasPrice":"0x3b9aca00","from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","to":null,"contractAddress":"0x5fbdb2315678afecb367f032d93f642f64180aa3","logs":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":["0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b"],"data":"0x2a","logIndex":"0x0"}]}"#;
    let pool = format!(
        r#"{{"pending":{{"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266":{{"0":{tx}}}}},"queued":{{}}}}"#
    );
    let ots = format!(r#"{{"txs":[{tx}],"receipts":[],"firstPage":true,"lastPage":true}}"#);
    let batch = format!(
        r#"[{{"jsonrpc":"2.0","id":1,"result":{block}}},{{"jsonrpc":"2.0","id":2,"result":{receipt}}},{{"jsonrpc":"2.0","id":3,"result":{pool}}},{{"jsonrpc":"2.0","id":4,"result":{ots}}}]"#
    );
    vec![batch.into_bytes()]
}

fn phrases() -> Vec<Vec<u8>> {
    [
        "test test test test test test test test test test test junk",
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn searches() -> Vec<Vec<u8>> {
    [
        TO,
        "70997970c51812dc3a010c7d01b50e0d17dc79c8",
        "#12",
        "12",
        "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn forms() -> Vec<Vec<u8>> {
    [
        "alice|bob|1.5|lunch",
        "a|b|0.000000000000000001|",
        "x|y|340282366920938463463.374607431768211455|m",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// Inputs built to make a careless decoder allocate or recurse without bound: each must be
/// refused quickly (the allocator limit turns a huge allocation into an abort of this binary).
#[test]
fn hostile_lengths_and_nesting_are_refused_without_allocating() {
    let huge_prefixes: [&[u8]; 5] = [
        &[0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        &[0xfb, 0x7f, 0xff, 0xff, 0xff, 0x80],
        &[0x02, 0xfb, 0x7f, 0xff, 0xff, 0xff, 0x01],
        &[
            0x02, 0xf8, 0x40, 0x82, 0x05, 0x39, 0xbb, 0x7f, 0xff, 0xff, 0xff,
        ],
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ];
    for bytes in huge_prefixes {
        assert!(SignedTx::decode_raw(bytes).is_err(), "{bytes:02x?}");
    }
    let nested = "[".repeat(100_000);
    let deep_object = "{\"a\":".repeat(100_000);
    let params = ChainParams::default();
    for text in [&nested, &deep_object] {
        assert!(persist::import_chain(text, &params).is_err());
        assert!(persist::decode_snapshot(text).is_err());
        assert!(keystore::parse(text).is_err());
        assert!(vault::decode(text).is_err());
        assert!(rpc::parse_response(text, 1).is_err());
    }
    // A keystore that asks for more scrypt memory than the limit is refused before scrypt runs.
    let mut v = keystore_text();
    v["crypto"]["kdfparams"]["n"] = Value::from(1u64 << 40);
    let costly = Keystore::from_value(&v).expect("a well-formed keystore");
    assert!(keystore::decrypt(&costly, "password").is_err());
    // Megabytes of input are refused in time, not by allocating in proportion to a claim.
    let long = "9".repeat(4 * 1024 * 1024);
    assert!(Wei::parse_coins(&long).is_err());
    assert!(SignedTx::from_raw_hex(&long).is_err());
    assert!(Mnemonic::parse(&long).is_err());
}

/// The seeds really are valid (otherwise the mutations explore nothing useful).
#[test]
fn seeds_are_valid_inputs() {
    let params = ChainParams::default();
    for raw in raw_txs() {
        assert_eq!(SignedTx::decode_raw(&raw).map(|t| t.raw()), Ok(raw));
    }
    assert!(persist::import_chain(&persist::export_chain(&chain()), &params).is_ok());
    assert!(persist::decode_snapshot(&text(&snapshot_text())).is_ok());
    let ks = keystore::parse(&keystore_text().to_string()).unwrap();
    assert!(cheap_to_decrypt(&ks));
    assert_eq!(
        keystore::decrypt(&ks, "password").unwrap().to_vec(),
        hex::decode(DEV_KEY).unwrap()
    );
    let file = vault::decode(&text(&wallet_file_text()));
    assert!(file.is_ok(), "{file:?}");
    for answer in node_answers() {
        let list = blocklab_core::rpc::explore::parse_batch(&text(&answer), 4, 1).unwrap();
        let list: Vec<_> = list.into_iter().map(Result::unwrap).collect();
        assert!(blocklab_core::rpc::explore::parse_block(&list[0])
            .unwrap()
            .is_some());
        assert!(blocklab_core::rpc::explore::parse_node_receipt(&list[1])
            .unwrap()
            .is_some());
        assert_eq!(
            blocklab_core::rpc::explore::parse_pool(&list[2])
                .unwrap()
                .pending
                .len(),
            1
        );
        assert_eq!(
            blocklab_core::rpc::explore::parse_ots_page(&list[3])
                .unwrap()
                .txs
                .len(),
            1
        );
    }
    for answer in rpc_answers().iter().take(2) {
        assert!(rpc::parse_response(&text(answer), 1).is_ok());
    }
    for phrase in phrases() {
        assert!(Mnemonic::parse(&text(&phrase)).is_ok());
    }
    assert!(Address::from_str(TO).is_ok());
    assert!(search::parse("#12").is_ok());
}

/// One valid message of every kind a tab sends, from a tab with the small chain above.
fn peer_seeds() -> Vec<Vec<u8>> {
    let chain = chain();
    let me = PeerId::new("tab-a").expect("a valid id");
    let peers = Peers::new(me.clone());
    let raw = SignedTx::decode_raw(&raw_txs()[0]).expect("a valid transaction");
    let from = raw.recover_sender().expect("a sender");
    let hashes: Vec<_> = chain.blocks().iter().map(Block::hash).collect();
    let headers = chain.blocks().iter().map(|b| b.header.clone()).collect();
    let wire = |message| {
        peer::encode(&peer::Envelope {
            from: me.clone(),
            to: None,
            message,
        })
    };
    vec![
        peers.hello(&chain),
        peers.status(&chain),
        peers.bye(),
        peers.announce_block(chain.tip()),
        peers.announce_tx(from, &raw),
        wire(peer::Message::GetHeaders {
            request: 1,
            locator: hashes.clone(),
        }),
        wire(peer::Message::Headers {
            request: 1,
            headers,
        }),
        wire(peer::Message::GetBlocks { request: 2, hashes }),
        wire(peer::Message::Blocks {
            request: 2,
            blocks: chain.blocks().to_vec(),
        }),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

fuzz_target!(
    peer_message,
    seeds = peer_seeds(),
    tokens = JSON_TOKENS,
    |bytes| {
        let text = text(&bytes);
        if let Ok(envelope) = peer::decode(&text) {
            // What decodes re-encodes to a message that decodes to the same envelope.
            assert_eq!(peer::decode(&peer::encode(&envelope)), Ok(envelope));
        }
        // Handled by a tab, it never panics and never hands back an invalid chain to adopt.
        let local = Chain::new(1_000);
        let mut tab = Peers::new(PeerId::new("tab-b").expect("a valid id"));
        let reaction = tab.receive(
            &text,
            &local,
            &Mempool::new(),
            &ChainParams::default(),
            5_000,
        );
        if let Some(adopt) = reaction.adopt {
            assert!(adopt.chain.validate(&ChainParams::default()).is_valid());
        }
    }
);

/// One message of every proof-of-stake kind, from a short honest run.
fn pos_seeds() -> Vec<Vec<u8>> {
    use blocklab_core::pos::{codec, sim::PosNetwork, types::PosMessage, PosParams, ETH};
    let mut net = PosNetwork::new(PosParams::default(), 2, &[32 * ETH; 8], &[]);
    net.run_to(10);
    let node = &net.nodes()[0];
    let mut out: Vec<PosMessage> = node
        .sync_messages(net.slot())
        .into_iter()
        .rev()
        .take(4)
        .collect();
    let block = node
        .head_entry()
        .and_then(|e| e.block.clone())
        .expect("a block");
    if let Some(a) = block.body.attestations.first() {
        let mut b = *a;
        b.data.head = block.header.parent;
        out.push(PosMessage::Evidence(
            blocklab_core::pos::types::Evidence::Votes { a: *a, b },
        ));
    }
    out.push(PosMessage::Block(block));
    // A transfer signed by development account 0.
    let account = blocklab_core::wallet::Account::from_private_key(
        &blocklab_core::pos::genesis_keys(1)[0].to_bytes().into(),
    )
    .expect("a key");
    let raw = blocklab_core::tx::TxRequest::transfer(
        blocklab_core::params::LAB_CHAIN_ID,
        0,
        account.address,
        blocklab_core::Wei::from_wei(ETH),
    )
    .legacy(1_000_000_000)
    .and_then(|tx| tx.sign(&account))
    .expect("signed")
    .raw_hex();
    out.push(PosMessage::Transfer(blocklab_core::pos::types::Transfer {
        raw,
    }));
    out.into_iter()
        .map(|m| codec::encode(&m).into_bytes())
        .collect()
}

fuzz_target!(
    pos_message_json,
    seeds = pos_seeds(),
    tokens = JSON_TOKENS,
    |bytes| {
        use blocklab_core::pos::{codec, sim::PosNetwork, PosParams, ETH};
        if let Ok(message) = codec::decode(&text(&bytes)) {
            // Whatever decodes re-encodes and decodes to itself, and a node checks it without
            // panicking (refused ones are logged with their reason).
            prop_assert_eq!(codec::decode(&codec::encode(&message)), Ok(message.clone()));
            let mut net = PosNetwork::new(PosParams::default(), 1, &[32 * ETH; 4], &[]);
            net.run_to(2);
            net.inject(0, message);
        }
    }
);

#[test]
fn pos_seeds_decode() {
    let seeds = pos_seeds();
    assert!(seeds.len() >= 5);
    assert!(seeds
        .iter()
        .any(|s| String::from_utf8_lossy(s).contains("\"transfer\"")));
    for s in seeds {
        blocklab_core::pos::codec::decode(&text(&s)).expect("a seed decodes");
    }
}

/// Every kind of message between tabs, from a sharing tab and a joining one.
fn pos_tab_seeds() -> Vec<Vec<u8>> {
    use blocklab_core::pos::tabs::{Offer, Setup, TabBridge};
    let setup = Setup {
        validators: 4,
        slots_per_epoch: 4,
    };
    let mut net = setup.network(1);
    let mut sharer = TabBridge::share(1, setup, &mut net);
    let mut out = sharer.outgoing(&mut net, 0.0);
    let offer = out.iter().find_map(|t| Offer::read(t)).expect("a status");
    let (mut joiner, mut joined) = TabBridge::join(2, &offer, 1, 0.0).expect("joins");
    let asks = joiner.outgoing(&mut joined, 0.0);
    for t in &asks {
        sharer.receive(t, 1.0, &mut net);
    }
    net.run_to(3);
    out.extend(asks);
    out.extend(sharer.outgoing(&mut net, 2.0));
    out.push(sharer.bye(&mut net));
    out.into_iter().map(String::into_bytes).collect()
}

fuzz_target!(
    pos_tab_wire_json,
    seeds = pos_tab_seeds(),
    tokens = JSON_TOKENS,
    |bytes| {
        use blocklab_core::pos::tabs::{Setup, TabBridge, Wire};
        let t = text(&bytes);
        if let Ok(wire) = Wire::decode(&t) {
            prop_assert_eq!(Wire::decode(&wire.encode()), Ok(wire));
        }
        // Whatever arrives, a tab handles it without panicking (refused ones are logged).
        let setup = Setup {
            validators: 4,
            slots_per_epoch: 4,
        };
        let mut net = setup.network(1);
        let mut bridge = TabBridge::share(1, setup, &mut net);
        bridge.receive(&t, 0.0, &mut net);
        let limit = bridge.limit(1.0, &mut net);
        for _ in 0..20 {
            bridge.step(&mut net, limit);
        }
    }
);

#[test]
fn pos_tab_seeds_decode() {
    let seeds = pos_tab_seeds();
    let kinds: std::collections::BTreeSet<String> = seeds
        .iter()
        .map(|s| {
            let v: serde_json::Value = serde_json::from_slice(s).expect("json");
            v["kind"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    for k in ["status", "join", "handoff", "gossip", "bye"] {
        assert!(kinds.contains(k), "no {k} seed: {kinds:?}");
    }
    for s in seeds {
        blocklab_core::pos::tabs::Wire::decode(&text(&s)).expect("a seed decodes");
    }
}
