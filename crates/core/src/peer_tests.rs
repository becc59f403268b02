//! Peer tests: tabs exchanging messages deterministically (honest and malicious), strict
//! decoding, and the invariant that no invalid block is ever adopted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use proptest::prelude::*;

use super::*;
use crate::block::tests::record;
use crate::block::Entry;
use crate::chain::tests::mine;
use crate::pow::meets;
use crate::state::tests::{block_with, dev, eth, transfer};

fn params() -> ChainParams {
    ChainParams::default()
}

fn id(name: &str) -> PeerId {
    PeerId::new(name).unwrap()
}

/// Mines `n` record blocks on `chain` at `difficulty`; `tag` makes forks differ.
fn extend(chain: &mut Chain, n: u64, difficulty: u32, tag: u128) {
    for i in 0..n {
        let ts = chain.tip().header.timestamp_ms + 1;
        let entries = vec![record(tag * 10_000 + u128::from(i) + 1)];
        let mut b = Block::candidate(Some(chain.tip()), ts, difficulty, [0; 20], entries);
        mine(&mut b);
        chain.append(b, &params()).unwrap();
    }
}

fn chain_of(n: u64, difficulty: u32, tag: u128) -> Chain {
    let mut c = Chain::new(1_000);
    extend(&mut c, n, difficulty, tag);
    c
}

/// One tab: its peer state, chain and mempool.
struct Tab {
    peers: Peers,
    chain: Chain,
    pool: Mempool,
}

impl Tab {
    fn new(name: &str, chain: Chain) -> Self {
        Self {
            peers: Peers::new(id(name)),
            chain,
            pool: Mempool::new(),
        }
    }

    /// Receives `text` and applies the reaction like the app does; returns what to send.
    fn receive(&mut self, text: &str, now: u64) -> Vec<String> {
        let r = self
            .peers
            .receive(text, &self.chain, &self.pool, &params(), now);
        if let Some(a) = r.adopt {
            assert!(
                a.chain.validate(&params()).is_valid(),
                "an adopted chain must be valid"
            );
            self.chain = a.chain;
        }
        if let Some(p) = r.mempool {
            self.pool = p;
        }
        r.send
    }

    fn log_text(&self) -> String {
        self.peers
            .log()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Tabs on one broadcast channel: a message posted by one reaches every other one.
struct Net {
    tabs: Vec<Tab>,
    now: u64,
    /// The type of every message delivered, in order.
    kinds: Vec<&'static str>,
}

impl Net {
    fn new(tabs: Vec<Tab>) -> Self {
        Self {
            tabs,
            now: 10_000,
            kinds: Vec::new(),
        }
    }

    /// Posts `text` from tab `from` (`usize::MAX`: a script outside every tab) and delivers
    /// everything it causes until the channel is quiet.
    fn post(&mut self, from: usize, text: String) {
        self.post_lossy(from, text, &mut || false);
    }

    /// [`Self::post`] where each delivery is lost when `drop()` says so.
    fn post_lossy(&mut self, from: usize, text: String, drop: &mut dyn FnMut() -> bool) {
        let mut queue = VecDeque::from([(from, text)]);
        let mut delivered = 0;
        while let Some((src, text)) = queue.pop_front() {
            delivered += 1;
            assert!(delivered < 10_000, "the tabs never go quiet");
            if let Ok(e) = decode(&text) {
                self.kinds.push(e.message.kind());
            }
            for i in 0..self.tabs.len() {
                if i != src && !drop() {
                    for out in self.tabs[i].receive(&text, self.now) {
                        queue.push_back((i, out));
                    }
                }
            }
        }
    }

    fn hello(&mut self, i: usize) {
        let text = self.tabs[i].peers.hello(&self.tabs[i].chain);
        self.post(i, text);
    }
}

fn forged(from: &str, message: Message) -> String {
    encode(&Envelope {
        from: id(from),
        to: None,
        message,
    })
}

#[test]
fn a_late_tab_syncs_headers_first_then_bodies_in_batches() {
    let a = chain_of(40, 2, 1);
    let mut net = Net::new(vec![
        Tab::new("a", a.clone()),
        Tab::new("b", Chain::new(1_000)),
    ]);
    net.hello(1);
    assert_eq!(net.tabs[1].chain, a);
    let first_headers = net.kinds.iter().position(|k| *k == "get_headers").unwrap();
    let first_blocks = net.kinds.iter().position(|k| *k == "get_blocks").unwrap();
    assert!(first_headers < first_blocks, "{:?}", net.kinds);
    // 40 blocks in batches of at most MAX_BLOCKS.
    let batches = net.kinds.iter().filter(|k| **k == "get_blocks").count();
    assert_eq!(batches, 40_usize.div_ceil(MAX_BLOCKS));
    assert_eq!(net.tabs[0].peers.connected(net.now), 1);
    assert_eq!(net.tabs[1].peers.connected(net.now), 1);
}

#[test]
fn more_headers_than_one_message_are_fetched_in_several() {
    let a = chain_of(MAX_HEADERS as u64 + 30, 0, 1);
    let mut net = Net::new(vec![
        Tab::new("a", a.clone()),
        Tab::new("b", Chain::new(1_000)),
    ]);
    net.hello(1);
    assert_eq!(net.tabs[1].chain, a);
    assert_eq!(net.kinds.iter().filter(|k| **k == "headers").count(), 2);
}

#[test]
fn fork_choice_is_by_work_not_length_and_dropped_txs_return_to_the_mempool() {
    let base = Chain::new(1_000);
    let mut heavy = base.clone();
    extend(&mut heavy, 3, 8, 1); // work 1 + 3 * 256
    let mut long = base.clone();
    let tx = transfer(0, 0, dev(1), eth("1"));
    let b = block_with(&long, std::slice::from_ref(&tx));
    long.append(b, &params()).unwrap();
    extend(&mut long, 6, 2, 2); // 8 blocks, work 1 + 1 + 6 * 4
    assert!(long.len() > heavy.len() && long.total_work() < heavy.total_work());
    let mut net = Net::new(vec![
        Tab::new("heavy", heavy.clone()),
        Tab::new("long", long),
    ]);
    net.hello(0);
    net.hello(1);
    assert_eq!(net.tabs[0].chain, heavy, "the heavy tab keeps its chain");
    assert_eq!(
        net.tabs[1].chain, heavy,
        "the long tab reorganises to the heavier one"
    );
    assert!(
        net.tabs[1].pool.contains(&tx.hash()),
        "the dropped tx is back"
    );
    assert!(
        net.tabs[1].log_text().contains("7 to drop"),
        "{}",
        net.tabs[1].log_text()
    );
    assert!(!net.tabs[0].peers.is_flagged(&id("long"), net.now));
    assert!(!net.tabs[1].peers.is_flagged(&id("heavy"), net.now));
}

#[test]
fn a_new_block_extends_every_tab_and_its_txs_leave_their_mempools() {
    let base = chain_of(2, 2, 1);
    let tx = transfer(0, 0, dev(1), eth("1"));
    let mut net = Net::new(vec![
        Tab::new("a", base.clone()),
        Tab::new("b", base.clone()),
        Tab::new("c", base.clone()),
    ]);
    net.post(0, net.tabs[0].peers.announce_tx(tx.sender(), tx.signed()));
    for t in &net.tabs[1..] {
        assert!(t.pool.contains(&tx.hash()));
    }
    let block = block_with(&base, std::slice::from_ref(&tx));
    net.tabs[0].chain.append(block.clone(), &params()).unwrap();
    net.post(0, net.tabs[0].peers.announce_block(&block));
    for t in &net.tabs[1..] {
        assert_eq!(t.chain.tip(), &block);
        assert!(!t.pool.contains(&tx.hash()));
    }
}

#[test]
fn a_forged_transaction_flags_its_sender_and_is_not_pooled() {
    let mut net = Net::new(vec![Tab::new("h", Chain::new(1_000))]);
    let tx = transfer(0, 0, dev(1), eth("1"));
    net.post(
        usize::MAX,
        forged(
            "mallory",
            Message::NewTx {
                from: dev(5),
                raw: tx.signed().clone(),
            },
        ),
    );
    assert!(net.tabs[0].pool.is_empty());
    assert!(net.tabs[0].peers.is_flagged(&id("mallory"), net.now));
    let flag = net.tabs[0].peers.peers()[&id("mallory")]
        .flag
        .clone()
        .unwrap();
    assert!(flag.reason.contains("signed by"), "{}", flag.reason);
}

#[test]
fn a_fake_claim_of_work_is_checked_and_flagged() {
    let mallory = chain_of(2, 1, 9);
    let honest = Chain::new(1_000);
    let mut net = Net::new(vec![
        Tab::new("h", honest.clone()),
        Tab::new("mallory", mallory.clone()),
    ]);
    let mut status = Status::of(&mallory);
    status.total_work = 1 << 100;
    net.post(1, forged("mallory", Message::Status { status }));
    assert_eq!(net.tabs[0].chain, honest, "nothing adopted on a claim");
    assert!(net.tabs[0].peers.is_flagged(&id("mallory"), net.now));
    assert!(
        net.tabs[0].log_text().contains("headers prove only"),
        "{}",
        net.tabs[0].log_text()
    );
    // While flagged, even a valid block from it is ignored.
    let mut next = honest.clone();
    extend(&mut next, 1, 2, 3);
    net.post(
        1,
        forged(
            "mallory",
            Message::NewBlock {
                block: next.tip().clone(),
            },
        ),
    );
    assert_eq!(net.tabs[0].chain, honest);
    assert_eq!(net.tabs[0].peers.peers()[&id("mallory")].ignored, 1);
    // After the flag expires it is heard again.
    net.now += FLAG_MS;
    net.post(
        1,
        forged(
            "mallory",
            Message::NewBlock {
                block: next.tip().clone(),
            },
        ),
    );
    assert_eq!(net.tabs[0].chain, next);
}

#[test]
fn a_tampered_chain_fails_proof_of_work_in_its_headers() {
    let mut tampered = chain_of(2, 16, 1);
    let mut b = tampered.blocks()[1].clone();
    b.entries = vec![record(999)];
    b.header.entries_root = b.computed_root();
    assert!(
        !meets(&b.hash(), 16),
        "the edited block must not meet its target by chance"
    );
    assert!(tampered.replace(1, b));
    let mut net = Net::new(vec![
        Tab::new("h", Chain::new(1_000)),
        Tab::new("m", tampered),
    ]);
    net.hello(0);
    assert_eq!(
        net.tabs[0].chain.len(),
        1,
        "not even the valid blocks after it are taken"
    );
    assert!(net.tabs[0].peers.is_flagged(&id("m"), net.now));
    assert!(
        net.tabs[0].log_text().contains("proof of work fails"),
        "{}",
        net.tabs[0].log_text()
    );
}

/// Drives one honest tab by hand against a scripted peer: returns the tab's answers.
fn script(tab: &mut Tab, text: String, now: u64) -> Vec<Envelope> {
    tab.receive(&text, now)
        .iter()
        .map(|t| decode(t).unwrap())
        .collect()
}

#[test]
fn a_body_that_does_not_match_its_header_is_refused_and_flags_the_peer() {
    let good = chain_of(3, 4, 1);
    let mut h = Tab::new("h", Chain::new(1_000));
    let out = script(
        &mut h,
        forged(
            "m",
            Message::Status {
                status: Status::of(&good),
            },
        ),
        1,
    );
    let Message::GetHeaders { request, .. } = out[0].message else {
        panic!("expected get_headers, got {out:?}")
    };
    let headers = good.blocks()[1..]
        .iter()
        .map(|b| b.header.clone())
        .collect();
    let out = script(
        &mut h,
        forged("m", Message::Headers { request, headers }),
        2,
    );
    let Message::GetBlocks { request, hashes } = &out[0].message else {
        panic!("expected get_blocks, got {out:?}")
    };
    assert_eq!(hashes.len(), 3);
    let request = *request;
    let mut blocks: Vec<Block> = good.blocks()[1..].to_vec();
    blocks[1].entries = vec![record(12345)];
    assert!(script(&mut h, forged("m", Message::Blocks { request, blocks }), 3).is_empty());
    assert_eq!(h.chain.len(), 1);
    assert!(h.peers.is_flagged(&id("m"), 3));
    assert!(
        h.log_text().contains("do not match the header"),
        "{}",
        h.log_text()
    );
}

#[test]
fn a_remined_block_with_a_forged_coinbase_is_refused() {
    let base = chain_of(1, 2, 1);
    let mut h = Tab::new("h", base.clone());
    let entries = vec![Entry::Coinbase {
        to: Address::ZERO,
        amount: eth("1000"),
    }];
    let mut b = Block::candidate(Some(base.tip()), 5_000, 4, [0; 20], entries);
    mine(&mut b);
    script(&mut h, forged("m", Message::NewBlock { block: b }), 1);
    assert_eq!(h.chain, base);
    assert!(h.peers.is_flagged(&id("m"), 1));
    assert!(
        h.log_text().contains("bad coinbase amount"),
        "{}",
        h.log_text()
    );
}

#[test]
fn a_new_block_with_bad_proof_of_work_is_refused() {
    let base = Chain::new(1_000);
    let mut h = Tab::new("h", base.clone());
    let mut b = Block::candidate(Some(base.tip()), 5_000, 16, [0; 20], vec![record(1)]);
    b.header.nonce = 7;
    assert!(!meets(&b.hash(), 16));
    script(&mut h, forged("m", Message::NewBlock { block: b }), 1);
    assert_eq!(h.chain, base);
    assert!(h.peers.is_flagged(&id("m"), 1));
}

#[test]
fn an_answer_overtaken_by_another_peer_does_not_flag_an_honest_peer() {
    let target = chain_of(2, 3, 1);
    let mut h = Tab::new("h", Chain::new(1_000));
    let mut p = Tab::new("p", target.clone());
    // P's status makes H ask P for headers; the request is held back.
    let request = h.receive(&p.peers.status(&p.chain), 1);
    assert_eq!(request.len(), 1);
    // Meanwhile Q delivers the same blocks one by one.
    for block in &target.blocks()[1..] {
        h.receive(
            &forged(
                "q",
                Message::NewBlock {
                    block: block.clone(),
                },
            ),
            2,
        );
    }
    assert_eq!(h.chain, target);
    for answer in p.receive(&request[0], 3) {
        assert!(h.receive(&answer, 4).is_empty());
    }
    assert!(!h.peers.is_flagged(&id("p"), 4), "{}", h.log_text());
    assert!(h.log_text().contains("not heavier"), "{}", h.log_text());
}

#[test]
fn a_late_answer_to_an_older_request_is_ignored_without_blame() {
    let target = chain_of(3, 3, 1);
    let mut h = Tab::new("h", Chain::new(1_000));
    let mut p = Tab::new("p", target.clone());
    let status = p.peers.status(&p.chain);
    let first = h.receive(&status, 1);
    // No answer in time: the sync is given up, and the next status starts another one.
    h.peers.tick(1 + REQUEST_TIMEOUT_MS);
    assert!(!h.peers.syncing());
    let second = h.receive(&status, 2 + REQUEST_TIMEOUT_MS);
    assert_ne!(first, second, "a new request id");
    let late = p.receive(&first[0], 3 + REQUEST_TIMEOUT_MS);
    assert!(h.receive(&late[0], 4 + REQUEST_TIMEOUT_MS).is_empty());
    assert!(
        h.log_text().contains("answer no pending request"),
        "{}",
        h.log_text()
    );
    // The current request completes the sync.
    let mut queue = vec![second[0].clone()];
    while let Some(text) = queue.pop() {
        for answer in p.receive(&text, 5 + REQUEST_TIMEOUT_MS) {
            queue.extend(h.receive(&answer, 6 + REQUEST_TIMEOUT_MS));
        }
    }
    assert_eq!(h.chain, target);
    assert!(!h.peers.is_flagged(&id("p"), 6 + REQUEST_TIMEOUT_MS));
}

#[test]
fn peer_count_follows_heartbeats_timeouts_and_bye() {
    let c = Chain::new(1_000);
    let mut net = Net::new(vec![
        Tab::new("a", c.clone()),
        Tab::new("b", c.clone()),
        Tab::new("c", c.clone()),
    ]);
    net.hello(0);
    assert_eq!(
        net.tabs[0].peers.connected(net.now),
        2,
        "both answered hello"
    );
    assert_eq!(
        net.tabs[1].peers.connected(net.now),
        1,
        "b has heard only a so far"
    );
    net.now += PEER_TIMEOUT_MS;
    assert_eq!(net.tabs[0].peers.connected(net.now), 0);
    let beat = net.tabs[1].peers.status(&net.tabs[1].chain);
    net.post(1, beat);
    assert_eq!(net.tabs[0].peers.connected(net.now), 1);
    let bye = net.tabs[1].peers.bye();
    net.post(1, bye);
    assert_eq!(net.tabs[0].peers.connected(net.now), 0);
}

#[test]
fn every_message_round_trips() {
    let c = chain_of(2, 1, 1);
    let tx = transfer(0, 0, dev(1), eth("1"));
    let messages = vec![
        Message::Hello {
            status: Status::of(&c),
        },
        Message::Status {
            status: Status::of(&c),
        },
        Message::Bye,
        Message::NewTx {
            from: tx.sender(),
            raw: tx.signed().clone(),
        },
        Message::NewBlock {
            block: c.tip().clone(),
        },
        Message::GetHeaders {
            request: 1,
            locator: locator(&c),
        },
        Message::Headers {
            request: 2,
            headers: vec![c.tip().header.clone()],
        },
        Message::GetBlocks {
            request: 3,
            hashes: vec![c.tip().hash()],
        },
        Message::Blocks {
            request: u32::MAX,
            blocks: c.blocks().to_vec(),
        },
    ];
    for message in messages {
        let e = Envelope {
            from: id("a-1"),
            to: Some(id("B_2")),
            message,
        };
        assert_eq!(decode(&encode(&e)).unwrap(), e);
    }
}

#[test]
fn locators_are_bounded_and_end_at_genesis() {
    let c = chain_of(300, 0, 1);
    let l = locator(&c);
    assert!(l.len() <= MAX_LOCATOR);
    assert_eq!(l[0], c.tip().hash());
    assert_eq!(*l.last().unwrap(), c.blocks()[0].hash());
    assert_eq!(locator(&Chain::new(1)), vec![Chain::new(1).tip().hash()]);
}

#[test]
fn malformed_messages_are_refused_with_a_typed_reason() {
    let c = Chain::new(1_000);
    let ok = forged(
        "a",
        Message::Status {
            status: Status::of(&c),
        },
    );
    assert!(decode(&ok).is_ok());
    type Expect = fn(&DecodeError) -> bool;
    let cases: Vec<(String, Expect)> = vec![
        ("garbage".into(), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
        (String::new(), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
        ("{}".into(), |e| {
            matches!(e, DecodeError::UnsupportedVersion { .. })
        }),
        (
            ok.replace("\"v\":1", "\"v\":2"),
            |e| matches!(e, DecodeError::UnsupportedVersion { got } if got == "2"),
        ),
        (ok.replace("\"v\":1", "\"v\":\"1\""), |e| {
            matches!(e, DecodeError::UnsupportedVersion { .. })
        }),
        (ok.replace("\"from\"", "\"extra\":0,\"from\""), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
        (ok.replace("\"height\"", "\"extra\":0,\"height\""), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
        (
            ok.replace("\"type\":\"status\"", "\"type\":\"steal\""),
            |e| matches!(e, DecodeError::Malformed { .. }),
        ),
        (ok.replace("\"from\":\"a\"", "\"from\":\"a b\""), |e| {
            matches!(e, DecodeError::BadPeerId)
        }),
        (ok.replace("\"from\":\"a\"", "\"from\":\"\""), |e| {
            matches!(e, DecodeError::BadPeerId)
        }),
        (ok.replace("\"height\":0", "\"height\":-1"), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
        (ok.replace("\"tip\":\"0x", "\"tip\":\"0xzz"), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
        (
            forged(
                "a",
                Message::Headers {
                    request: 1,
                    headers: vec![c.tip().header.clone(); MAX_HEADERS + 1],
                },
            ),
            |e| {
                matches!(
                    e,
                    DecodeError::TooMany {
                        what: "headers",
                        ..
                    }
                )
            },
        ),
        (
            forged(
                "a",
                Message::GetBlocks {
                    request: 1,
                    hashes: vec![BlockHash::ZERO; MAX_BLOCKS + 1],
                },
            ),
            |e| matches!(e, DecodeError::TooMany { .. }),
        ),
        (" ".repeat(MAX_MESSAGE_CHARS + 1), |e| {
            matches!(e, DecodeError::TooLarge { .. })
        }),
        ("[".repeat(10_000), |e| {
            matches!(e, DecodeError::Malformed { .. })
        }),
    ];
    for (text, expected) in &cases {
        let got = decode(text).unwrap_err();
        assert!(expected(&got), "{:.80}: {got:?}", text);
        assert!(!got.to_string().is_empty());
    }
}

#[test]
fn a_malformed_message_is_logged_and_flags_a_named_sender() {
    let mut h = Tab::new("h", Chain::new(1_000));
    assert!(h.receive("garbage", 1).is_empty());
    assert!(
        h.log_text().contains("dropped: the message is malformed"),
        "{}",
        h.log_text()
    );
    h.receive(
        r#"{"v":1,"from":"m","msg":{"type":"headers","headers":7}}"#,
        2,
    );
    assert!(h.peers.is_flagged(&id("m"), 2));
    assert_eq!(h.peers.connected(2), 0);
}

fn sample_messages() -> Vec<String> {
    let c = chain_of(2, 1, 1);
    let tx = transfer(0, 0, dev(1), eth("1"));
    let mut heavier = c.clone();
    extend(&mut heavier, 2, 1, 2);
    vec![
        forged(
            "m",
            Message::Status {
                status: Status::of(&heavier),
            },
        ),
        forged(
            "m",
            Message::NewBlock {
                block: heavier.tip().clone(),
            },
        ),
        forged(
            "m",
            Message::NewBlock {
                block: heavier.blocks()[1].clone(),
            },
        ),
        forged(
            "m",
            Message::Headers {
                request: 1,
                headers: heavier.blocks()[1..]
                    .iter()
                    .map(|b| b.header.clone())
                    .collect(),
            },
        ),
        forged(
            "m",
            Message::Blocks {
                request: 2,
                blocks: heavier.blocks()[1..].to_vec(),
            },
        ),
        forged(
            "m",
            Message::NewTx {
                from: tx.sender(),
                raw: tx.signed().clone(),
            },
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn decode_never_panics_on_any_text(text in ".{0,300}") {
        let _ = decode(&text);
        let _ = sender_hint(&text);
    }

    #[test]
    fn mutated_messages_never_panic_nor_bring_an_invalid_block(
        edits in proptest::collection::vec((0usize..100_000, 0u8..128), 1..6),
        which in proptest::collection::vec(0usize..6, 1..8),
    ) {
        let samples = sample_messages();
        let mut h = Tab::new("h", chain_of(1, 1, 1));
        let mut now = 1;
        for w in which {
            let mut bytes = samples[w].clone().into_bytes();
            for (at, ch) in &edits {
                let len = bytes.len();
                bytes[at % len] = *ch;
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            now += 1;
            let _ = h.receive(&text, now);
            prop_assert!(h.chain.validate(&params()).is_valid());
            // Unmutated messages are also fed, so the sync really runs on mixed input.
            let _ = h.receive(&samples[w], now);
            prop_assert!(h.chain.validate(&params()).is_valid());
        }
    }

    #[test]
    fn honest_tabs_converge_on_the_heaviest_chain(
        lengths in proptest::collection::vec(0u64..6, 3),
        difficulties in proptest::collection::vec(0u32..5, 3),
        order in proptest::collection::vec(0usize..3, 1..6),
    ) {
        let tabs: Vec<Tab> = (0..3)
            .map(|i| Tab::new(&format!("t{i}"), chain_of(lengths[i], difficulties[i], i as u128 + 1)))
            .collect();
        let best = tabs.iter().map(|t| t.chain.total_work()).max().unwrap();
        let tops: std::collections::BTreeSet<BlockHash> = tabs
            .iter()
            .filter(|t| t.chain.total_work() == best)
            .map(|t| t.chain.tip().hash())
            .collect();
        // Equal work on two tips is a tie each tab keeps: no convergence is promised there.
        prop_assume!(tops.len() == 1);
        let mut net = Net::new(tabs);
        for i in order {
            net.hello(i);
        }
        for i in 0..3 {
            net.hello(i);
        }
        let tip = net.tabs[0].chain.tip().hash();
        for t in &net.tabs {
            prop_assert_eq!(t.chain.total_work(), best);
            prop_assert_eq!(t.chain.tip().hash(), tip);
            prop_assert!(t.peers.peers().values().all(|p| p.flag.is_none()), "{}", t.log_text());
        }
    }

    #[test]
    fn honest_tabs_converge_after_a_seeded_schedule_of_lost_messages(
        seed in any::<u64>(),
        lengths in proptest::collection::vec(0u64..5, 3),
        difficulties in proptest::collection::vec(0u32..4, 3),
    ) {
        let tabs: Vec<Tab> = (0..3)
            .map(|i| Tab::new(&format!("t{i}"), chain_of(lengths[i], difficulties[i], i as u128 + 1)))
            .collect();
        let best = tabs.iter().map(|t| t.chain.total_work()).max().unwrap();
        let tops: std::collections::BTreeSet<BlockHash> = tabs
            .iter()
            .filter(|t| t.chain.total_work() == best)
            .map(|t| t.chain.tip().hash())
            .collect();
        prop_assume!(tops.len() == 1);
        let mut net = Net::new(tabs);
        // A linear congruential generator: the schedule is a function of the seed.
        let mut x = seed | 1;
        let mut lose = move || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % 3 == 0
        };
        for round in 0..4 {
            for i in 0..3 {
                let t = &net.tabs[i];
                let text = if round == 0 { t.peers.hello(&t.chain) } else { t.peers.status(&t.chain) };
                net.post_lossy(i, text, &mut lose);
            }
            net.now += HEARTBEAT_MS;
        }
        // The network heals: stalled syncs time out, heartbeats go through.
        net.now += REQUEST_TIMEOUT_MS;
        for _ in 0..3 {
            for i in 0..3 {
                let text = net.tabs[i].peers.status(&net.tabs[i].chain);
                net.post(i, text);
            }
            net.now += HEARTBEAT_MS;
        }
        let tip = net.tabs[0].chain.tip().hash();
        for t in &net.tabs {
            prop_assert_eq!(t.chain.total_work(), best);
            prop_assert_eq!(t.chain.tip().hash(), tip);
            prop_assert!(t.chain.validate(&params()).is_valid());
            prop_assert!(t.peers.peers().values().all(|p| p.flag.is_none()), "{}", t.log_text());
        }
    }
}
