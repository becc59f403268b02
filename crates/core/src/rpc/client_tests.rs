use serde_json::json;

use super::*;
use crate::rpc::explore::BlockTag;
use crate::rpc::fake_node::{block_on, FakeNode, URL};
use crate::rpc::TransportError;

fn blocks(range: std::ops::RangeInclusive<u64>) -> Vec<Req> {
    range
        .map(|n| Req::Block(BlockTag::Number(n), true))
        .collect()
}

#[test]
fn a_second_visit_is_answered_from_the_cache() {
    let c = Client::new(FakeNode::new(50), URL).unwrap();
    let first = block_on(c.get_many(&blocks(1..=10)));
    assert_eq!(c.stats().requests, 1, "one batch");
    let again = block_on(c.get_many(&blocks(1..=10)));
    assert_eq!(first, again);
    assert_eq!(c.stats().requests, 1, "nothing new asked");
    assert_eq!(c.stats().cache_hits, 10);
    // The head changes: never cached.
    block_on(c.get(&Req::BlockNumber)).unwrap();
    block_on(c.get(&Req::BlockNumber)).unwrap();
    assert_eq!(c.stats().requests, 3);
}

#[test]
fn large_reads_go_in_bounded_batches() {
    let c = Client::new(FakeNode::new(200), URL).unwrap();
    let answers = block_on(c.get_many(&blocks(1..=100)));
    assert!(answers.iter().all(Result::is_ok));
    assert_eq!(c.stats().requests, 100u64.div_ceil(BATCH_MAX as u64));
    assert_eq!(c.accepts_batches(), Some(true));
}

#[test]
fn a_node_refusing_batches_is_asked_one_call_at_a_time() {
    let mut node = FakeNode::new(20);
    node.batches = false;
    let c = Client::new(node, URL).unwrap();
    let answers = block_on(c.get_many(&blocks(1..=5)));
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    assert_eq!(c.accepts_batches(), Some(false));
    // 1 refused batch + 5 single calls; then no batch is tried again.
    assert_eq!(c.stats().requests, 6);
    block_on(c.get_many(&blocks(6..=8)));
    assert_eq!(c.stats().requests, 9);
}

struct Down;
impl Transport for Down {
    async fn post(&self, _: &str, _: String) -> Result<String, TransportError> {
        Err(TransportError::Http {
            status: 429,
            body: String::new(),
        })
    }
}

#[test]
fn a_rate_limit_fails_each_call_with_its_reason() {
    let c = Client::new(Down, URL).unwrap();
    let answers = block_on(c.get_many(&blocks(1..=3)));
    assert_eq!(answers.len(), 3);
    for a in answers {
        let e = a.unwrap_err().to_string();
        assert!(e.contains("429"), "{e}");
    }
    // A rate limit is not a refusal of batches.
    assert_eq!(c.accepts_batches(), None);
}

#[test]
fn the_cache_is_bounded_and_drops_the_least_recently_used() {
    let mut cache = Cache::new(3);
    for k in ["a", "b", "c"] {
        cache.put(k.into(), json!(k));
    }
    assert_eq!(cache.get("a"), Some(json!("a")));
    cache.put("d".into(), json!("d"));
    assert_eq!(cache.len(), 3);
    assert_eq!(cache.get("b"), None, "b was the least recently used");
    assert_eq!(cache.get("a"), Some(json!("a")));
    cache.put("a".into(), json!("A"));
    assert_eq!((cache.len(), cache.get("a")), (3, Some(json!("A"))));
}

#[test]
fn the_gate_lets_at_most_max_through() {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};
    let gate = Gate::new(2);
    let mut cx = Context::from_waker(Waker::noop());
    let a = block_on(gate.enter());
    let b = block_on(gate.enter());
    let mut third = pin!(gate.enter());
    assert!(third.as_mut().poll(&mut cx).is_pending());
    drop(a);
    assert!(matches!(third.as_mut().poll(&mut cx), Poll::Ready(_)));
    drop(b);
    assert_eq!(gate.peak(), 2);
}

/// A node whose every answer takes one extra poll, so that calls overlap.
struct Slow(FakeNode);

impl Transport for Slow {
    fn post(
        &self,
        url: &str,
        body: String,
    ) -> impl Future<Output = Result<String, TransportError>> {
        let answer = self.0.post(url, body);
        let mut waited = false;
        let mut answer = Box::pin(answer);
        std::future::poll_fn(move |cx| {
            if !waited {
                waited = true;
                cx.waker().wake_by_ref();
                return std::task::Poll::Pending;
            }
            answer.as_mut().poll(cx)
        })
    }
}

#[test]
fn no_more_than_max_in_flight_requests_at_once() {
    use std::task::{Context, Waker};
    let c = Client::new(Slow(FakeNode::new(100)), URL).unwrap();
    let reqs: Vec<Req> = (0..12).map(|_| Req::BlockNumber).collect();
    let mut calls: Vec<_> = reqs.iter().map(|r| Box::pin(c.get(r))).collect();
    let mut done = vec![false; calls.len()];
    let mut cx = Context::from_waker(Waker::noop());
    while done.iter().any(|d| !d) {
        for (f, d) in calls.iter_mut().zip(done.iter_mut()) {
            if !*d && f.as_mut().poll(&mut cx).is_ready() {
                *d = true;
            }
        }
    }
    assert_eq!(
        c.peak_in_flight(),
        MAX_IN_FLIGHT,
        "twelve overlapping calls, at most four at once"
    );
    assert_eq!(c.stats().requests, 12);
}
