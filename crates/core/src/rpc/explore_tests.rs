use serde_json::json;

use super::*;
use crate::rpc::fake_node::{addr, block_json, h32, tx_json};

#[test]
fn blocks_decode_with_hashes_or_full_transactions() {
    let b = parse_block(&block_json(5, true)).unwrap().unwrap();
    assert_eq!(
        (b.number, b.gas_used, b.base_fee),
        (5, 21_000, Some(1_000_000_000))
    );
    assert_eq!(b.timestamp, 1_700_000_010);
    assert_eq!(b.hash.to_hex(), h32(0xbb, 5));
    match &b.txs {
        BlockTxs::Full(t) => assert_eq!(t[0].from, addr(3)),
        BlockTxs::Hashes(_) => panic!("full transactions expected"),
    }
    let b = parse_block(&block_json(5, false)).unwrap().unwrap();
    assert_eq!(b.txs, BlockTxs::Hashes(vec![h32(0x77, 5).parse().unwrap()]));
    assert_eq!(parse_block(&Value::Null).unwrap(), None);
}

#[test]
fn a_wrong_field_is_named() {
    let mut b = block_json(5, true);
    b["gasUsed"] = json!("0x05");
    let e = parse_block(&b).unwrap_err().to_string();
    assert!(e.contains("gasUsed"), "{e}");
    let mut b = block_json(5, true);
    b.as_object_mut().unwrap().remove("miner");
    assert!(parse_block(&b)
        .unwrap_err()
        .to_string()
        .contains("no miner"));
    let mut t = tx_json(2);
    t["input"] = json!("0x123");
    assert!(parse_tx(&t).unwrap_err().to_string().contains("input"));
    assert!(parse_tx(&json!([])).is_err());
}

#[test]
fn transactions_read_every_field() {
    let t = parse_tx(&tx_json(4)).unwrap();
    assert_eq!(t.value, U256::from(10u128.pow(18)));
    assert_eq!(
        (t.gas, t.nonce, t.tx_type, t.index),
        (21_000, 1, 2, Some(0))
    );
    assert_eq!(
        (t.gas_price, t.max_fee, t.max_priority_fee),
        (Some(1_000_000_000), Some(2_000_000_000), Some(1))
    );
    assert_eq!(t.to, Some(addr(9)));
    let mut creation = tx_json(4);
    creation["to"] = Value::Null;
    creation["blockNumber"] = Value::Null;
    let t = parse_tx(&creation).unwrap();
    assert_eq!((t.to, t.block_number), (None, None));
}

fn receipt_json() -> Value {
    json!({
        "transactionHash": h32(0x77, 3), "status": "0x1", "blockNumber": "0x3", "gasUsed": "0xa410",
        "cumulativeGasUsed": "0xa410", "effectiveGasPrice": "0x3b9aca07",
        "from": format!("0x{}", hex::encode([1u8; 20])), "to": null,
        "contractAddress": format!("0x{}", hex::encode([5u8; 20])),
        "logs": [{"address": format!("0x{}", hex::encode([5u8; 20])), "topics": [h32(0, 0x77)], "data": "0x2a", "logIndex": "0x0"}],
    })
}

#[test]
fn receipts_read_logs_and_the_created_contract() {
    let r = parse_node_receipt(&receipt_json()).unwrap().unwrap();
    assert_eq!(r.success, Some(true));
    assert_eq!(r.contract_address, Some(addr(5)));
    assert_eq!(r.fee(), Some(0xa410 * 0x3b9a_ca07));
    assert_eq!(r.logs.len(), 1);
    assert_eq!(r.logs[0].data, vec![0x2a]);
    assert_eq!(r.logs[0].topics[0].to_hex(), h32(0, 0x77));
    let mut bad = receipt_json();
    bad["logs"][0]["topics"] = json!(["0x12"]);
    assert!(parse_node_receipt(&bad).is_err());
    assert_eq!(parse_node_receipt(&Value::Null).unwrap(), None);
}

#[test]
fn pools_and_ots_pages() {
    let pool = json!({"pending": {"0x0101010101010101010101010101010101010101": {"1": tx_json(4), "0": tx_json(1)}}, "queued": {}});
    let p = parse_pool(&pool).unwrap();
    assert_eq!(
        p.pending.iter().map(|t| t.nonce).collect::<Vec<_>>(),
        vec![0, 1]
    );
    assert!(p.queued.is_empty());
    assert!(parse_pool(&json!("x")).is_err());
    let page = parse_ots_page(
        &json!({"txs": [tx_json(2)], "receipts": [], "firstPage": true, "lastPage": false}),
    )
    .unwrap();
    assert_eq!((page.txs.len(), page.more), (1, true));
    assert!(parse_ots_page(&json!({"txs": [], "lastPage": "yes"})).is_err());
}

#[test]
fn batches_are_read_in_request_order_and_a_refusal_is_the_whole_batch() {
    let reqs = [Req::BlockNumber, Req::ChainId];
    let body = batch_body(&reqs.iter().collect::<Vec<_>>(), 7);
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(sent[1]["id"], 8);
    assert_eq!(sent[1]["method"], "eth_chainId");
    let answer = r#"[{"jsonrpc":"2.0","id":8,"result":"0x1"},{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"nope"}}]"#;
    let got = parse_batch(answer, 2, 7).unwrap();
    assert!(matches!(
        got[0],
        Err(RpcError::Node {
            kind: crate::rpc::NodeErrorKind::MethodNotFound,
            ..
        })
    ));
    assert_eq!(got[1], Ok(json!("0x1")));
    let short = parse_batch(r#"[{"jsonrpc":"2.0","id":7,"result":"0x1"}]"#, 2, 7).unwrap();
    assert!(matches!(short[1], Err(RpcError::Malformed { .. })));
    let refused = r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch requests are not supported"}}"#;
    assert!(matches!(
        parse_batch(refused, 2, 7),
        Err(RpcError::Node { .. })
    ));
    assert!(parse_batch("<html>", 2, 7).is_err());
}

#[test]
fn only_answers_a_new_block_cannot_change_are_cacheable() {
    assert!(Req::Block(BlockTag::Number(3), true).cacheable(&block_json(3, true)));
    assert!(!Req::Block(BlockTag::Number(3), true).cacheable(&Value::Null));
    assert!(!Req::Block(BlockTag::Latest, true).cacheable(&block_json(3, true)));
    assert!(!Req::Balance(addr(1)).cacheable(&json!("0x1")));
    let mut pending = tx_json(3);
    pending["blockNumber"] = Value::Null;
    assert!(!Req::Tx(TxHash::ZERO).cacheable(&pending));
    assert!(Req::Tx(TxHash::ZERO).cacheable(&tx_json(3)));
}

/// The EIP-155 example transaction, signed by 0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F.
const EIP155: &str = "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

#[test]
fn the_sender_is_recovered_here_and_compared_with_the_nodes_from() {
    let raw = hex::decode(EIP155).unwrap();
    let signer: Address = "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"
        .parse()
        .unwrap();
    let mut t = parse_tx(&tx_json(1)).unwrap();
    t.hash = TxHash::from_bytes(crate::address::keccak256(&raw));
    t.from = signer;
    assert_eq!(check_sender(&raw, &t), SenderCheck::Agrees(signer));
    t.from = addr(1);
    assert_eq!(
        check_sender(&raw, &t),
        SenderCheck::Differs {
            recovered: signer,
            node: addr(1)
        }
    );
    let other = parse_tx(&tx_json(1)).unwrap();
    assert!(matches!(
        check_sender(&raw, &other),
        SenderCheck::WrongHash { .. }
    ));
    assert!(matches!(
        check_sender(&[0x01, 0x02], &other),
        SenderCheck::Undecodable(_)
    ));
}
