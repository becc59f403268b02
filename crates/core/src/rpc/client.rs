//! The explorer's way of asking a node: a bounded cache of answers that do not change, JSON-RPC
//! batches while the node accepts them (single calls after its first refusal), and a bound on
//! requests in flight ([`Gate`]). No I/O of its own: requests go through the [`Transport`].

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use serde_json::Value;

use super::explore::{batch_body, parse_batch, Req};
use super::{check_url, parse_response, RpcError, Transport};

/// Answers kept at most.
pub const CACHE_ENTRIES: usize = 1024;
/// Requests in flight at most, per client.
pub const MAX_IN_FLIGHT: usize = 4;
/// Calls per batch at most (providers refuse large batches; Alchemy and Infura accept 100).
pub const BATCH_MAX: usize = 25;

/// A bounded least-recently-used cache of answers, keyed by method and parameters.
#[derive(Debug, Default)]
pub struct Cache {
    max: usize,
    clock: u64,
    entries: BTreeMap<String, (u64, Value)>,
    by_age: BTreeMap<u64, String>,
}

impl Cache {
    /// A cache of at most `max` answers.
    pub fn new(max: usize) -> Self {
        Self {
            max,
            ..Self::default()
        }
    }

    /// The answer kept for `key`, marked as just used.
    pub fn get(&mut self, key: &str) -> Option<Value> {
        self.clock += 1;
        let now = self.clock;
        let (age, value) = self.entries.get_mut(key)?;
        self.by_age.remove(age);
        *age = now;
        self.by_age.insert(now, key.to_owned());
        Some(value.clone())
    }

    /// Keeps `value`, dropping the least recently used answer beyond the bound.
    pub fn put(&mut self, key: String, value: Value) {
        if self.max == 0 {
            return;
        }
        self.clock += 1;
        if let Some((old, _)) = self.entries.remove(&key) {
            self.by_age.remove(&old);
        }
        while self.entries.len() >= self.max {
            let Some((_, oldest)) = self.by_age.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.by_age.insert(self.clock, key.clone());
        self.entries.insert(key, (self.clock, value));
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// An async counting semaphore for one thread: at most `max` holders of a [`Permit`].
#[derive(Debug)]
pub struct Gate {
    max: usize,
    used: Cell<usize>,
    waiting: RefCell<Vec<Waker>>,
    peak: Cell<usize>,
}

impl Gate {
    /// A gate letting `max` (at least 1) through at once.
    pub fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            used: Cell::new(0),
            waiting: RefCell::new(Vec::new()),
            peak: Cell::new(0),
        }
    }

    /// Waits for a free place.
    pub fn enter(&self) -> Enter<'_> {
        Enter(self)
    }

    /// The most holders there ever were at once.
    pub fn peak(&self) -> usize {
        self.peak.get()
    }
}

/// The future of [`Gate::enter`].
#[derive(Debug)]
pub struct Enter<'a>(&'a Gate);

impl<'a> Future for Enter<'a> {
    type Output = Permit<'a>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let gate = self.0;
        if gate.used.get() < gate.max {
            gate.used.set(gate.used.get() + 1);
            gate.peak.set(gate.peak.get().max(gate.used.get()));
            Poll::Ready(Permit(gate))
        } else {
            gate.waiting.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// A place in a [`Gate`], freed on drop (every waiter is woken to try again, so a waiter that
/// was dropped meanwhile loses nobody's turn).
#[derive(Debug)]
pub struct Permit<'a>(&'a Gate);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.used.set(self.0.used.get().saturating_sub(1));
        let waiting = std::mem::take(&mut *self.0.waiting.borrow_mut());
        for w in waiting {
            w.wake();
        }
    }
}

/// Counters for the benchmark and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// HTTP requests sent.
    pub requests: u64,
    /// Calls answered from the cache.
    pub cache_hits: u64,
    /// Calls sent (in batches or alone).
    pub calls: u64,
}

/// One node, asked through a [`Transport`] with a cache, batches and a bound in flight.
#[derive(Debug)]
pub struct Client<T> {
    transport: T,
    url: String,
    cache: RefCell<Cache>,
    /// `None` until a batch was tried; `Some(false)` after the node refused one.
    batches: Cell<Option<bool>>,
    gate: Gate,
    next_id: Cell<u64>,
    stats: Cell<Stats>,
}

impl<T: Transport> Client<T> {
    /// A client of the node at `url`.
    ///
    /// # Errors
    /// [`RpcError::Transport`] for a URL [`check_url`] refuses.
    pub fn new(transport: T, url: &str) -> Result<Self, RpcError> {
        Ok(Self {
            transport,
            url: check_url(url)?,
            cache: RefCell::new(Cache::new(CACHE_ENTRIES)),
            batches: Cell::new(None),
            gate: Gate::new(MAX_IN_FLIGHT),
            next_id: Cell::new(1),
            stats: Cell::new(Stats::default()),
        })
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// Whether the node accepts batches (`None`: not tried yet).
    pub fn accepts_batches(&self) -> Option<bool> {
        self.batches.get()
    }

    /// The most requests there were in flight at once.
    pub fn peak_in_flight(&self) -> usize {
        self.gate.peak()
    }

    fn ids(&self, n: usize) -> u64 {
        let first = self.next_id.get();
        self.next_id
            .set(first.wrapping_add(u64::try_from(n).unwrap_or(u64::MAX)));
        first
    }

    fn count(&self, f: impl FnOnce(&mut Stats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

    /// One call (from the cache when kept).
    ///
    /// # Errors
    /// The call's [`RpcError`].
    pub async fn get(&self, req: &Req) -> Result<Value, RpcError> {
        self.get_many(std::slice::from_ref(req))
            .await
            .pop()
            .unwrap_or_else(|| Err(super::error::malformed("no answer")))
    }

    /// Several calls, answered in order: kept answers from the cache, the rest in batches of
    /// at most [`BATCH_MAX`] (or one by one once the node refused a batch).
    pub async fn get_many(&self, reqs: &[Req]) -> Vec<Result<Value, RpcError>> {
        let mut out: Vec<Option<Result<Value, RpcError>>> = reqs
            .iter()
            .map(|r| self.cache.borrow_mut().get(&r.key()).map(Ok))
            .collect();
        let hits = out.iter().filter(|o| o.is_some()).count();
        self.count(|s| s.cache_hits += hits as u64);
        let missing: Vec<usize> = (0..reqs.len()).filter(|i| out[*i].is_none()).collect();
        for chunk in missing.chunks(BATCH_MAX) {
            let answers = self.send(chunk.iter().map(|i| &reqs[*i]).collect()).await;
            for (i, a) in chunk.iter().zip(answers) {
                if let Ok(v) = &a {
                    if reqs[*i].cacheable(v) {
                        self.cache.borrow_mut().put(reqs[*i].key(), v.clone());
                    }
                }
                out[*i] = Some(a);
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| Err(super::error::malformed("no answer"))))
            .collect()
    }

    async fn send(&self, reqs: Vec<&Req>) -> Vec<Result<Value, RpcError>> {
        self.count(|s| s.calls += reqs.len() as u64);
        if reqs.len() > 1 && self.batches.get() != Some(false) {
            let first = self.ids(reqs.len());
            let sent = {
                let _permit = self.gate.enter().await;
                self.count(|s| s.requests += 1);
                self.transport
                    .post(&self.url, batch_body(&reqs, first))
                    .await
            };
            match sent
                .map_err(RpcError::from)
                .and_then(|body| parse_batch(&body, reqs.len(), first))
            {
                Ok(answers) => {
                    self.batches.set(Some(true));
                    return answers;
                }
                // A transport failure is the node's, not the batch's: every call fails with it.
                Err(RpcError::Transport(e)) if !refuses_batch(&e) => {
                    return reqs
                        .iter()
                        .map(|_| Err(RpcError::Transport(e.clone())))
                        .collect();
                }
                // The node (or a proxy) refuses batches: call one by one from now on.
                Err(_) => self.batches.set(Some(false)),
            }
        }
        let mut out = Vec::with_capacity(reqs.len());
        for r in reqs {
            let id = self.ids(1);
            let _permit = self.gate.enter().await;
            self.count(|s| s.requests += 1);
            let answer = match self
                .transport
                .post(&self.url, r.to_json(id).to_string())
                .await
            {
                Ok(body) => parse_response(&body, id),
                Err(e) => Err(e.into()),
            };
            out.push(answer);
        }
        out
    }
}

/// Whether an HTTP error answer to a batch may mean "no batches here" (400, 405, 413, 501)
/// rather than the node being unreachable or rate-limiting.
fn refuses_batch(e: &super::TransportError) -> bool {
    matches!(e, super::TransportError::Http { status, .. } if matches!(status, 400 | 405 | 413 | 501))
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
