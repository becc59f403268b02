//! JSON-RPC without I/O: request bodies, strict parsing of answers, node errors classified.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::*;

/// Runs a future whose transport answers at once.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Answers each request with the next canned body and records what was asked.
#[derive(Default)]
struct Fake {
    answers: RefCell<VecDeque<Result<String, TransportError>>>,
    asked: RefCell<Vec<Value>>,
}

impl Fake {
    fn with(results: &[Value]) -> Self {
        let f = Self::default();
        for r in results {
            f.answers.borrow_mut().push_back(Ok(
                json!({"jsonrpc": "2.0", "id": 1, "result": r}).to_string()
            ));
        }
        f
    }
    fn methods(&self) -> Vec<String> {
        self.asked
            .borrow()
            .iter()
            .map(|v| v["method"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl Transport for Fake {
    fn post(
        &self,
        _url: &str,
        body: String,
    ) -> impl Future<Output = Result<String, TransportError>> {
        self.asked
            .borrow_mut()
            .push(serde_json::from_str(&body).unwrap());
        let next = self
            .answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(TransportError::Timeout { ms: 1 }));
        std::future::ready(next)
    }
}

const URL: &str = "http://127.0.0.1:8545";

fn addr(n: u8) -> Address {
    Address::from_bytes([n; 20])
}

#[test]
fn request_bodies_are_json_rpc_2() {
    let body: Value = serde_json::from_str(&Call::Balance(addr(0xab)).body(7)).unwrap();
    assert_eq!(
        body,
        json!({"jsonrpc": "2.0", "id": 7, "method": "eth_getBalance",
               "params": ["0xabababababababababababababababababababab", "latest"]})
    );
    let est: Value = serde_json::from_str(
        &Call::EstimateGas {
            from: addr(1),
            to: addr(2),
            value: Wei::from_wei(1_500_000_000_000_000_000),
            data: b"hi".to_vec(),
        }
        .body(1),
    )
    .unwrap();
    assert_eq!(est["params"][0]["value"], "0x14d1120d7b160000");
    assert_eq!(est["params"][0]["data"], "0x6869");
    let nonce: Value = serde_json::from_str(&Call::TransactionCount(addr(1)).body(1)).unwrap();
    assert_eq!(
        nonce["params"][1], "pending",
        "the next nonce counts pending txs"
    );
    let fh: Value = serde_json::from_str(&Call::FeeHistory { blocks: 5 }.body(1)).unwrap();
    assert_eq!(fh["params"], json!(["0x5", "latest", [50]]));
}

#[test]
fn quantities_are_minimal_hex() {
    assert_eq!(quantity(0), "0x0");
    assert_eq!(quantity(255), "0xff");
    assert_eq!(parse_u64(&json!("0x0"), "n").unwrap(), 0);
    assert_eq!(parse_u64(&json!("0x7a69"), "n").unwrap(), 31337);
    assert_eq!(
        parse_u256(&json!("0x21e19e0c9bab2400000"), "n").unwrap(),
        U256::from(10_000u128 * 10u128.pow(18))
    );
    for bad in [
        json!("0x"),
        json!("7a69"),
        json!("0x07"),
        json!("0xzz"),
        json!(5),
        json!(null),
    ] {
        assert!(
            matches!(parse_u64(&bad, "n"), Err(RpcError::Malformed { .. })),
            "{bad} must be refused"
        );
    }
    assert!(matches!(
        parse_u64(&json!("0x10000000000000000"), "n"),
        Err(RpcError::Malformed { .. })
    ));
}

#[test]
fn responses_are_checked() {
    assert_eq!(
        parse_response(r#"{"jsonrpc":"2.0","id":1,"result":"0x1"}"#, 1).unwrap(),
        json!("0x1")
    );
    for bad in [
        "not json",
        "[]",
        r#"{"jsonrpc":"2.0","id":2,"result":"0x1"}"#,
        r#"{"jsonrpc":"2.0","id":1}"#,
    ] {
        assert!(
            matches!(parse_response(bad, 1), Err(RpcError::Malformed { .. })),
            "{bad}"
        );
    }
    let e = parse_response(
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32003,"message":"nonce too low: next nonce 1, tx nonce 0"}}"#,
        1,
    )
    .unwrap_err();
    assert_eq!(
        e,
        RpcError::Node {
            code: -32003,
            message: "nonce too low: next nonce 1, tx nonce 0".into(),
            kind: NodeErrorKind::NonceTooLow
        }
    );
    assert!(e.to_string().starts_with("nonce too low"), "{e}");
    // An error answered with id null (a request the node could not parse) is still shown.
    let e = parse_response(
        r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}"#,
        1,
    )
    .unwrap_err();
    assert!(matches!(e, RpcError::Node { code: -32700, .. }));
}

#[test]
fn node_errors_are_classified() {
    use NodeErrorKind::*;
    for (message, kind) in [
        ("nonce too low", NonceTooLow),
        (
            "Nonce too low. Expected nonce to be 3 but got 1.",
            NonceTooLow,
        ),
        ("nonce too high", NonceTooHigh),
        (
            "insufficient funds for gas * price + value: have 0 want 1",
            InsufficientFunds,
        ),
        (
            "Insufficient funds for gas * price + value",
            InsufficientFunds,
        ),
        ("replacement transaction underpriced", Underpriced),
        ("transaction underpriced", Underpriced),
        ("max fee per gas less than block base fee", Underpriced),
        ("invalid chain id for signer", WrongChainId),
        (
            "only replay-protected (EIP-155) transactions allowed over RPC",
            WrongChainId,
        ),
        ("already known", AlreadyKnown),
        ("intrinsic gas too low", GasTooLow),
        ("execution reverted", Other),
    ] {
        assert_eq!(NodeErrorKind::classify(message), kind, "{message}");
    }
}

#[test]
fn plain_http_only_reaches_this_computer() {
    // What the site's Content-Security-Policy allows (connect-src https: http://127.0.0.1:*
    // http://localhost:*): the same URLs pass here, the others get a sentence saying why.
    for ok in [
        "http://127.0.0.1:8545",
        "http://localhost:8545/rpc",
        "http://LOCALHOST",
        "https://10.0.0.2:8545",
        "https://rpc.example/v3/key",
    ] {
        assert_eq!(check_url(ok).as_deref(), Ok(ok), "{ok}");
    }
    for remote in [
        "http://10.0.0.2:8545",
        "http://rpc.example",
        "http://127.0.0.1.evil.example:8545",
        "http://127.0.0.1@evil.example",
        "http://localhost.evil.example/",
        "http://[::1]:8545",
    ] {
        let e = check_url(remote).unwrap_err();
        assert!(
            matches!(e, TransportError::PlainHttpRemote { .. }),
            "{remote}"
        );
        assert!(e.to_string().contains("use https://"), "{e}");
    }
    // User info before the host: the host is what follows the last '@'.
    assert!(check_url("http://user:pw@127.0.0.1:8545").is_ok());
}

#[test]
fn urls_are_http_only() {
    assert_eq!(
        check_url("  http://127.0.0.1:8545 ").unwrap(),
        "http://127.0.0.1:8545"
    );
    assert!(check_url("https://rpc.example/v3/key").is_ok());
    for bad in [
        "",
        "127.0.0.1:8545",
        "ws://x",
        "http://",
        "javascript:alert(1)",
        "http://a b",
    ] {
        let e = check_url(bad).unwrap_err();
        assert!(matches!(e, TransportError::BadUrl { .. }), "{bad}");
    }
    // A bad URL is refused before anything is sent.
    let fake = Fake::default();
    let e = block_on(call(&fake, "ftp://x", &Call::ChainId)).unwrap_err();
    assert!(matches!(
        e,
        RpcError::Transport(TransportError::BadUrl { .. })
    ));
    assert!(fake.asked.borrow().is_empty());
}

#[test]
fn node_status_reads_every_field() {
    let fake = Fake::with(&[
        json!("0x7a69"),
        json!("0x2a"),
        json!("0x77359400"),
        json!({"number": "0x2a", "baseFeePerGas": "0x3b9aca00"}),
        json!("anvil/v1.7.1"),
    ]);
    let s = block_on(node_status(&fake, URL)).unwrap();
    assert_eq!(
        s,
        NodeStatus {
            chain_id: 31337,
            latest_block: 42,
            gas_price: 2_000_000_000,
            base_fee: Some(1_000_000_000),
            client: Some("anvil/v1.7.1".into()),
        }
    );
    assert_eq!(
        fake.methods(),
        [
            "eth_chainId",
            "eth_blockNumber",
            "eth_gasPrice",
            "eth_getBlockByNumber",
            "web3_clientVersion"
        ]
    );
    // A pre-London block has no base fee; a node without web3_clientVersion still works.
    let fake = Fake::with(&[
        json!("0x1"),
        json!("0x0"),
        json!("0x1"),
        json!({"number": "0x0"}),
    ]);
    let s = block_on(node_status(&fake, URL)).unwrap();
    assert_eq!((s.base_fee, s.client), (None, None));
}

#[test]
fn transport_errors_reach_the_caller_in_words() {
    let fake = Fake::default();
    fake.answers
        .borrow_mut()
        .push_back(Err(TransportError::Unreachable {
            detail: "Failed to fetch".into(),
        }));
    let e = block_on(node_status(&fake, URL)).unwrap_err();
    let words = e.to_string();
    assert!(
        words.contains("could not be reached") && words.contains("CORS"),
        "{words}"
    );
    assert!(TransportError::Timeout { ms: 10_000 }
        .to_string()
        .contains("10 s"));
    let http = TransportError::Http {
        status: 401,
        body: "invalid project id".into(),
    };
    assert_eq!(
        http.to_string(),
        "the node answered HTTP 401: invalid project id"
    );
}

#[test]
fn account_and_accounts() {
    let fake = Fake::with(&[json!("0x14d1120d7b160000"), json!("0x3")]);
    let a = block_on(account_on_node(&fake, URL, addr(1))).unwrap();
    assert_eq!(a.balance, U256::from(1_500_000_000_000_000_000u128));
    assert_eq!(a.nonce, 3);
    let fake = Fake::with(&[json!([
        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    ])]);
    let list = block_on(accounts(&fake, URL)).unwrap();
    assert_eq!(
        list[0].to_checksum(),
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    );
    assert_eq!(
        list[1].to_checksum(),
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    );
    let fake = Fake::with(&[json!(["0x12"])]);
    assert!(block_on(accounts(&fake, URL)).is_err());
}

#[test]
fn fees_from_history_and_without_it() {
    let history = json!({
        "baseFeePerGas": ["0x3b9aca00", "0x3b9aca00", "0x4a817c80"],
        "reward": [["0x5f5e100"], ["0x3b9aca00"], ["0x1"]],
    });
    let f = fees_from_history(Some(&history), 3_000_000_000);
    assert_eq!(f.base_fee, Some(1_250_000_000), "the next block's base fee");
    assert_eq!(f.priority_fee, 100_000_000, "the median tip");
    assert_eq!(f.max_fee, 2 * 1_250_000_000 + 100_000_000);
    assert_eq!(f.gas_price, 3_000_000_000);
    // No tips recorded (an idle dev chain): the gas price's part above the base fee.
    let idle = json!({"baseFeePerGas": ["0x3b9aca00"], "reward": []});
    let f = fees_from_history(Some(&idle), 2_000_000_000);
    assert_eq!(f.priority_fee, 1_000_000_000);
    // No EIP-1559: everything is the gas price.
    let f = fees_from_history(None, 7);
    assert_eq!((f.base_fee, f.priority_fee, f.max_fee), (None, 7, 7));
    // suggest_fees survives a node that refuses eth_feeHistory.
    let fake = Fake::default();
    fake.answers
        .borrow_mut()
        .push_back(Ok(r#"{"jsonrpc":"2.0","id":1,"result":"0x9"}"#.into()));
    fake.answers.borrow_mut().push_back(Ok(
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"method not found"}}"#.into(),
    ));
    assert_eq!(block_on(suggest_fees(&fake, URL)).unwrap().gas_price, 9);
}

fn signed_example() -> SignedTx {
    SignedTx::from_raw_hex("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83").unwrap()
}

#[test]
fn broadcast_checks_the_answered_hash() {
    let tx = signed_example();
    let fake = Fake::with(&[json!(tx.hash().to_hex())]);
    assert_eq!(block_on(broadcast(&fake, URL, &tx)).unwrap(), tx.hash());
    assert_eq!(fake.asked.borrow()[0]["params"][0], tx.raw_hex());
    let fake = Fake::with(&[json!(TxHash::ZERO.to_hex())]);
    assert!(matches!(
        block_on(broadcast(&fake, URL, &tx)),
        Err(RpcError::Malformed { .. })
    ));
}

#[test]
fn receipts() {
    assert_eq!(parse_receipt(&Value::Null).unwrap(), None);
    let hash = signed_example().hash();
    let r = parse_receipt(&json!({
        "transactionHash": hash.to_hex(),
        "status": "0x1",
        "blockNumber": "0x5",
        "gasUsed": "0x5208",
        "effectiveGasPrice": "0x77359400",
        "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    }))
    .unwrap()
    .unwrap();
    assert!(r.success);
    assert_eq!((r.block_number, r.gas_used), (5, 21_000));
    assert_eq!(r.fee_paid(), 21_000 * 2_000_000_000);
    let missing = json!({"transactionHash": hash.to_hex(), "status": "0x0"});
    assert!(parse_receipt(&missing).is_err());
}

#[test]
fn known_chains_and_explorer_links() {
    let h = signed_example().hash();
    assert_eq!(
        explorer_tx_url(1, &h).unwrap(),
        format!("https://etherscan.io/tx/{}", h.to_hex())
    );
    assert!(explorer_tx_url(11_155_111, &h)
        .unwrap()
        .starts_with("https://sepolia.etherscan.io/tx/0x"));
    assert_eq!(explorer_tx_url(31_337, &h), None);
    assert_eq!(explorer_tx_url(424_242, &h), None);
    assert!(known_chain(1).unwrap().real_money);
    assert!(!known_chain(31_337).unwrap().real_money);
}

#[test]
fn urls_carrying_a_key_are_recognised() {
    for url in [
        "https://sepolia.infura.io/v3/0123456789abcdef0123456789abcdef",
        "https://eth-sepolia.g.alchemy.com/v2/AbCdEf123456GhIjKl789",
        "https://rpc.example.org/?apikey=x",
        "https://user:pass@node.example.org",
        "https://node.example.org/rpc?token=abc",
    ] {
        assert!(url_carries_key(url), "{url}");
    }
    for url in [
        "http://127.0.0.1:8545",
        "https://rpc.sepolia.org",
        "https://ethereum-sepolia-rpc.publicnode.com",
        "http://localhost:8545/",
    ] {
        assert!(!url_carries_key(url), "{url}");
    }
}
