//! Transactions signed by the core, accepted by a real Ethereum node.
//!
//! Starts anvil (npm `@foundry-rs/anvil`, installed by `scripts/setup.sh` under
//! `tests/e2e/node_modules`; `ANVIL` overrides the path) on a free loopback port, sends ten
//! transfers with varied fields through the core's own JSON-RPC flows (`rpc::broadcast`,
//! `rpc::receipt`, ...) over a small HTTP/1.1 client, and checks that the node accepts each
//! one under the hash the core computed and attributes it to the signer. Ignored by a plain
//! `cargo test` (it needs the node); `scripts/test.sh` runs it with `--ignored`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::pin::pin;
use std::process::{Child, Command, Stdio};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use blocklab_core::address::Address;
use blocklab_core::rpc::{self, RpcError, Transport, TransportError};
use blocklab_core::tx::{SignedTx, TxRequest, U256};
use blocklab_core::wallet::hd::{Account, DerivationPath};
use blocklab_core::wallet::mnemonic::Mnemonic;
use blocklab_core::Wei;

const DEV: &str = "test test test test test test test test test test test junk";

/// Blocking HTTP/1.1 POST over loopback: enough of HTTP for one JSON-RPC request.
struct Http;

fn post_blocking(url: &str, body: &str) -> Result<String, TransportError> {
    let unreachable = |e: std::io::Error| TransportError::Unreachable {
        detail: e.to_string(),
    };
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(host).map_err(unreachable)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(unreachable)?;
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(unreachable)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(unreachable)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(TransportError::Http { status, body })
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

impl Transport for Http {
    fn post(
        &self,
        url: &str,
        body: String,
    ) -> impl Future<Output = Result<String, TransportError>> {
        std::future::ready(post_blocking(url, &body))
    }
}

/// Runs a future whose transport is blocking (ready on first poll).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// The node, stopped when dropped.
struct Anvil {
    child: Child,
    url: String,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn anvil_path() -> String {
    std::env::var("ANVIL").unwrap_or_else(|_| {
        format!(
            "{}/../../tests/e2e/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
            env!("CARGO_MANIFEST_DIR")
        )
    })
}

fn start_anvil() -> Anvil {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let path = anvil_path();
    let child = Command::new(&path)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--silent",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start anvil at {path} ({e}): run scripts/setup.sh"));
    let node = Anvil {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let start = Instant::now();
    while block_on(rpc::call(&Http, &node.url, &rpc::Call::ChainId)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "anvil did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    node
}

fn dev_accounts(n: u32) -> Vec<Account> {
    (0..n).map(dev_accounts_at).collect()
}

fn dev_accounts_at(i: u32) -> Account {
    let seed = Mnemonic::parse(DEV).unwrap().to_seed("").unwrap();
    let path: DerivationPath = format!("m/44'/60'/0'/0/{i}").parse().unwrap();
    Account::derive(&seed, &path).unwrap()
}

#[test]
#[ignore = "needs anvil (tests/e2e/node_modules): scripts/test.sh runs it"]
fn ten_core_signed_transactions_are_accepted_by_anvil() {
    let node = start_anvil();
    let url = node.url.as_str();
    let status = block_on(rpc::node_status(&Http, url)).unwrap();
    assert_eq!(status.chain_id, 31_337);
    let accounts = dev_accounts(4);
    // The node's dev accounts are the core's derivation of the same phrase.
    let listed = block_on(rpc::accounts(&Http, url)).unwrap();
    let derived: Vec<Address> = accounts.iter().map(|a| a.address).collect();
    assert_eq!(&listed[..4], &derived[..]);

    let fees = block_on(rpc::suggest_fees(&Http, url)).unwrap();
    let base = fees.base_fee.expect("anvil runs with EIP-1559");
    let recipient: Address = "0x000000000000000000000000000000000000dEaD"
        .parse()
        .unwrap();
    let before = block_on(rpc::account_on_node(&Http, url, recipient))
        .unwrap()
        .balance;
    let mut expected_in = U256::ZERO;
    let mut sent = Vec::new();
    for i in 0..10u64 {
        let signer = &accounts[usize::try_from(i % 3).unwrap()];
        let nonce = block_on(rpc::account_on_node(&Http, url, signer.address))
            .unwrap()
            .nonce;
        let to = if i % 2 == 0 {
            recipient
        } else {
            accounts[3].address
        };
        let value = Wei::from_wei(u128::from(i) * 1_000_000_000_000_000 + 1);
        let data = match i % 4 {
            0 => Vec::new(),
            1 => b"blocklab memo".to_vec(),
            2 => vec![0, 0, 1, 2, 0xff],
            _ => vec![0u8; 40],
        };
        let request = TxRequest::transfer(31_337, nonce, to, value).with_data(data.clone());
        // The core's default gas limit (Prague's calldata floor included, EIP-7623: anvil
        // enforces it when it mines, after accepting a transaction into its pool), one set by
        // hand, and the node's estimate (as the app's "Fill from node" does).
        let request = if i == 7 {
            request.with_gas_limit(100_000)
        } else if i % 4 != 2 {
            request
        } else {
            let gas = block_on(rpc::estimate_gas(
                &Http,
                url,
                signer.address,
                to,
                value,
                data,
            ))
            .unwrap();
            assert!(gas >= request.min_gas_limit(), "estimate {gas}");
            request.with_gas_limit(gas)
        };
        let tx = if i % 3 == 1 {
            request.legacy(base * 2 + u128::from(i)).unwrap()
        } else {
            let tip = u128::from(i) * 1_000_000 + 1;
            request.eip1559(tip, base * 3 + tip).unwrap()
        };
        let signed: SignedTx = tx.sign(signer).unwrap();
        // The raw bytes round-trip through the core's own decoder first.
        assert_eq!(SignedTx::decode_raw(&signed.raw()).unwrap(), signed);
        let hash = block_on(rpc::broadcast(&Http, url, &signed))
            .unwrap_or_else(|e| panic!("transaction {i} refused by anvil: {e}"));
        assert_eq!(
            hash,
            signed.hash(),
            "the node's hash is the core's keccak256(raw)"
        );
        if to == recipient {
            expected_in += U256::from(value.as_wei());
        }
        sent.push((hash, signer.address));
    }
    for (i, (hash, from)) in sent.iter().enumerate() {
        let start = Instant::now();
        let receipt = loop {
            if let Some(r) = block_on(rpc::receipt(&Http, url, hash)).unwrap() {
                break r;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no receipt for {i}"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(receipt.success, "transaction {i} failed on the node");
        assert_eq!(receipt.hash, *hash);
        assert_eq!(
            receipt.from, *from,
            "anvil recovers the core's signer for {i}"
        );
    }
    let after = block_on(rpc::account_on_node(&Http, url, recipient))
        .unwrap()
        .balance;
    assert_eq!(
        after - before,
        expected_in,
        "the recipient got exactly the values sent"
    );

    // A replay of an included transaction is refused, and the refusal is classified.
    let first = accounts[0].address;
    let replay = TxRequest::transfer(31_337, 0, recipient, Wei::from_wei(1))
        .eip1559(1, base * 3)
        .unwrap()
        .sign(&accounts[0])
        .unwrap();
    match block_on(rpc::broadcast(&Http, url, &replay)) {
        Err(RpcError::Node { kind, .. }) => {
            assert_eq!(kind, rpc::NodeErrorKind::NonceTooLow, "{first}")
        }
        other => panic!("a used nonce must be refused, got {other:?}"),
    }
    // An unfunded account (index 20: anvil funds the first 10) cannot pay: insufficient funds.
    let poor = &dev_accounts_at(20);
    let broke = TxRequest::transfer(31_337, 0, recipient, Wei::from_wei(1))
        .eip1559(1, base * 3)
        .unwrap()
        .sign(poor)
        .unwrap();
    match block_on(rpc::broadcast(&Http, url, &broke)) {
        Err(RpcError::Node { kind, .. }) => {
            assert_eq!(kind, rpc::NodeErrorKind::InsufficientFunds)
        }
        other => panic!("an unfunded sender must be refused, got {other:?}"),
    }
    // A fee cap below the base fee is refused as underpriced.
    let nonce = block_on(rpc::account_on_node(&Http, url, first))
        .unwrap()
        .nonce;
    let current_base = block_on(rpc::suggest_fees(&Http, url))
        .unwrap()
        .base_fee
        .unwrap();
    let cheap = TxRequest::transfer(31_337, nonce, recipient, Wei::from_wei(1))
        .eip1559(0, current_base / 2)
        .unwrap()
        .sign(&accounts[0])
        .unwrap();
    match block_on(rpc::broadcast(&Http, url, &cheap)) {
        Err(RpcError::Node { kind, .. }) => assert_eq!(kind, rpc::NodeErrorKind::Underpriced),
        other => panic!("a fee cap below the base fee must be refused, got {other:?}"),
    }
    // A transaction for another chain id is refused too.
    let nonce = block_on(rpc::account_on_node(&Http, url, first))
        .unwrap()
        .nonce;
    let wrong_chain = TxRequest::transfer(1, nonce, recipient, Wei::from_wei(1))
        .eip1559(1, base * 3)
        .unwrap()
        .sign(&accounts[0])
        .unwrap();
    assert!(matches!(
        block_on(rpc::broadcast(&Http, url, &wrong_chain)),
        Err(RpcError::Node { .. })
    ));
}
