use super::*;
use crate::rpc::fake_node::{addr, block_on, h32, FakeNode, URL};

#[test]
fn node_routes_round_trip() {
    let tx: TxHash = h32(0x77, 3).parse().unwrap();
    for p in [
        NodePage::Overview,
        NodePage::Block(0),
        NodePage::Block(42),
        NodePage::Tx(tx),
        NodePage::Address(addr(7)),
        NodePage::Pool,
    ] {
        let href = p.href();
        let rest = href.trim_start_matches("#/explorer/");
        assert_eq!(
            super::super::pages::ExplorerPage::parse(rest),
            super::super::pages::ExplorerPage::Node(p),
            "{href}"
        );
    }
    assert_eq!(NodePage::parse("block/x"), None);
    assert_eq!(NodePage::parse("tx/0x12"), None);
    assert_eq!(
        super::super::pages::ExplorerPage::parse("node/nope"),
        super::super::pages::ExplorerPage::BadLink
    );
}

#[test]
fn search_resolves_numbers_hashes_and_addresses_on_the_node() {
    let c = Client::new(FakeNode::new(12), URL).unwrap();
    assert_eq!(block_on(search(&c, "7")), Ok(NodePage::Block(7)));
    assert_eq!(
        block_on(search(&c, "13")),
        Err(NodeSearchError::NoBlock { number: 13 })
    );
    let tx = h32(0x77, 5);
    assert_eq!(
        block_on(search(&c, &tx)),
        Ok(NodePage::Tx(tx.parse().unwrap()))
    );
    assert_eq!(
        block_on(search(&c, &h32(0x55, 5))),
        Err(NodeSearchError::NoHash)
    );
    let a = format!("0x{}", hex::encode([4u8; 20]));
    assert_eq!(block_on(search(&c, &a)), Ok(NodePage::Address(addr(4))));
    assert!(matches!(
        block_on(search(&c, "zz")),
        Err(NodeSearchError::Query(_))
    ));
}

#[test]
fn the_overview_lists_the_latest_blocks_and_charts_them() {
    let c = Client::new(FakeNode::new(30), URL).unwrap();
    let o = block_on(overview(&c)).unwrap();
    assert_eq!(o.head, 30);
    assert_eq!(
        o.blocks.iter().map(|b| b.number).collect::<Vec<_>>(),
        (11..=30).rev().collect::<Vec<_>>()
    );
    assert!(o.missing.is_empty());
    assert_eq!(
        latest_txs(&o.blocks, 3)
            .iter()
            .map(|t| t.block_number)
            .collect::<Vec<_>>(),
        vec![Some(30), Some(29), Some(28)]
    );
    let times = block_time_points(&o.blocks);
    assert_eq!(times.len(), 19);
    assert!(times.iter().all(|p| p.y == 2.0));
    assert_eq!(gas_used_points(&o.blocks)[0].x, 11);
    assert_eq!(base_fee_points(&o.blocks)[0].y, 1.0);
    // A short chain: only what exists.
    let c = Client::new(FakeNode::new(2), URL).unwrap();
    assert_eq!(block_on(overview(&c)).unwrap().blocks.len(), 3);
}

#[test]
fn a_failed_call_leaves_the_other_panels() {
    let c = Client::new(FakeNode::new(5), URL).unwrap();
    // The fake node has no receipts, raw bytes, balances or pool: each panel fails alone.
    let v = block_on(tx(&c, h32(0x77, 2).parse().unwrap()));
    assert_eq!(v.tx.unwrap().unwrap().block_number, Some(2));
    assert!(v.receipt.is_err());
    assert!(v.raw.is_err());
    let a = block_on(address(&c, addr(1)));
    assert!(a.balance.is_err() && a.nonce.is_err() && a.code.is_err());
    let e = block_on(pool(&c)).unwrap_err().to_string();
    assert!(e.contains("does not offer this method"), "{e}");
}

#[test]
fn rows_word_every_field_with_exact_integers() {
    let b = crate::rpc::explore::parse_block(&crate::rpc::fake_node::block_json(7, true))
        .unwrap()
        .unwrap();
    let rows = block_rows(&b);
    let get = |rows: &[Row], key: &str| {
        rows.iter()
            .find(|r| r.key == key)
            .map(|r| r.value.clone())
            .unwrap()
    };
    assert_eq!(get(&rows, "gas-used"), "21000");
    assert_eq!(get(&rows, "base-fee"), "1 gwei (1000000000 wei)");
    assert!(get(&rows, "timestamp").ends_with("(unix 1700000014)"));
    let t = crate::rpc::explore::parse_tx(&crate::rpc::fake_node::tx_json(7)).unwrap();
    let rows = tx_rows(&t);
    assert_eq!(get(&rows, "value"), "1 ETH (1000000000000000000 wei)");
    assert_eq!(get(&rows, "block"), "7 (position 0)");
    assert_eq!(get(&rows, "type"), "2 (EIP-1559)");
    assert!(chain_name(31337).contains("anvil"));
    assert!(chain_name(5).contains("not a network this lab knows"));
}
