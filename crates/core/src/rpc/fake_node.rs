//! A simulated node for the tests of the explorer's client, scan and pages: it answers
//! `eth_*`, `ots_*` and `txpool_content` from a generated chain, with batches and Otterscan
//! switchable, and counts what it was asked.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::{json, Value};

use super::{Transport, TransportError};
use crate::address::Address;

pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

pub const URL: &str = "http://127.0.0.1:8545";

pub fn addr(i: u8) -> Address {
    Address::from_bytes([i; 20])
}

pub fn h32(tag: u8, n: u64) -> String {
    let mut b = [tag; 32];
    b[24..].copy_from_slice(&n.to_be_bytes());
    format!("0x{}", hex::encode(b))
}

/// Block `n` holds one transfer from `addr(n % 3 + 1)` to `addr(9)` (hash `h32(0x77, n)`).
pub fn tx_json(n: u64) -> Value {
    json!({
        "hash": h32(0x77, n), "blockNumber": format!("{n:#x}"), "blockHash": h32(0xbb, n),
        "transactionIndex": "0x0", "from": format!("0x{}", hex::encode([(n % 3 + 1) as u8; 20])),
        "to": format!("0x{}", hex::encode([9u8; 20])), "value": "0xde0b6b3a7640000", "gas": "0x5208",
        "gasPrice": "0x3b9aca00", "maxFeePerGas": "0x77359400", "maxPriorityFeePerGas": "0x1",
        "nonce": format!("{:#x}", n / 3), "input": "0x", "type": "0x2",
    })
}

pub fn block_json(n: u64, full: bool) -> Value {
    let txs = if n == 0 {
        json!([])
    } else if full {
        json!([tx_json(n)])
    } else {
        json!([h32(0x77, n)])
    };
    json!({
        "number": format!("{n:#x}"), "hash": h32(0xbb, n), "parentHash": h32(0xbb, n.saturating_sub(1)),
        "timestamp": format!("{:#x}", 1_700_000_000 + 2 * n), "miner": format!("0x{}", hex::encode([0u8; 20])),
        "gasUsed": if n == 0 { "0x0" } else { "0x5208" }, "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00",
        "size": "0x262", "stateRoot": h32(1, n), "transactionsRoot": h32(2, n), "receiptsRoot": h32(3, n),
        "extraData": "0x", "transactions": txs,
    })
}

pub struct FakeNode {
    pub head: u64,
    pub batches: bool,
    pub ots: bool,
    pub requests: Cell<u64>,
    pub methods: RefCell<Vec<String>>,
}

impl FakeNode {
    pub fn new(head: u64) -> Self {
        Self {
            head,
            batches: true,
            ots: true,
            requests: Cell::new(0),
            methods: RefCell::new(Vec::new()),
        }
    }

    fn answer(&self, req: &Value) -> Value {
        let method = req["method"].as_str().unwrap_or_default().to_owned();
        self.methods.borrow_mut().push(method.clone());
        let p = &req["params"];
        let number = |v: &Value| {
            v.as_str()
                .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        };
        let result = match method.as_str() {
            "eth_blockNumber" => json!(format!("{:#x}", self.head)),
            "eth_chainId" => json!("0x7a69"),
            "eth_getBlockByNumber" => match number(&p[0]) {
                Some(n) if n <= self.head => block_json(n, p[1].as_bool().unwrap_or(false)),
                _ => Value::Null,
            },
            "eth_getTransactionByHash" => {
                let n = number(&json!(format!(
                    "0x{}",
                    &p[0].as_str().unwrap_or_default()[50..]
                )));
                match n {
                    Some(n) if n >= 1 && n <= self.head && p[0] == json!(h32(0x77, n)) => {
                        tx_json(n)
                    }
                    _ => Value::Null,
                }
            }
            "eth_getBlockByHash" => Value::Null,
            "ots_getApiLevel" | "ots_searchTransactionsBefore" if !self.ots => {
                return json!({"jsonrpc":"2.0","id":req["id"],"error":{"code":-32601,"message":"Method not found"}});
            }
            "ots_getApiLevel" => json!(8),
            "ots_searchTransactionsBefore" => {
                let who = p[0].as_str().unwrap_or_default().to_owned();
                let txs: Vec<Value> = (1..=self.head)
                    .rev()
                    .map(tx_json)
                    .filter(|t| t["from"] == json!(who) || t["to"] == json!(who))
                    .collect();
                json!({"txs": txs, "receipts": [], "firstPage": true, "lastPage": true})
            }
            _ => {
                return json!({"jsonrpc":"2.0","id":req["id"],"error":{"code":-32601,"message":"Method not found"}})
            }
        };
        json!({"jsonrpc": "2.0", "id": req["id"], "result": result})
    }
}

impl Transport for FakeNode {
    fn post(
        &self,
        _url: &str,
        body: String,
    ) -> impl Future<Output = Result<String, TransportError>> {
        self.requests.set(self.requests.get() + 1);
        let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let answer = match v {
            Value::Array(list) if !self.batches => Err(TransportError::Http {
                status: 400,
                body: format!("batches of {} refused", list.len()),
            }),
            Value::Array(list) => {
                Ok(Value::Array(list.iter().map(|r| self.answer(r)).collect()).to_string())
            }
            single => Ok(self.answer(&single).to_string()),
        };
        async move { answer }
    }
}
