//! Browser tabs as peers: the wire protocol and the headers-first sync, without I/O.
//!
//! Every message travels in an [`Envelope`] (`{"v":1,"from":…,"to":…,"msg":{"type":…}}`),
//! encoded as JSON. [`decode`] is strict and bounded: a message longer than
//! [`MAX_MESSAGE_CHARS`], of another version, with an unknown or missing field, a malformed
//! value or more items than a list may hold ([`MAX_HEADERS`], [`MAX_BLOCKS`],
//! [`MAX_LOCATOR`]) is refused with a [`DecodeError`], never a panic.
//!
//! [`Peers`] is the sync logic as a pure state machine: the caller hands it each received text,
//! the local chain and mempool and the time, and gets back a [`Reaction`] (messages to send,
//! and a validated chain or mempool to adopt). On a peer's status claiming more work it asks
//! for headers, checks their linkage and proof of work itself (claimed work is never trusted),
//! then fetches the bodies and appends them one by one to a copy of the chain with every check
//! of [`Chain::append`]; the copy is adopted only if it really has more total work than the
//! local valid prefix. A peer that sends invalid data (a bad block, bad proof of work, a forged
//! transaction, a malformed message, a false claim of work) is flagged and ignored for
//! [`FLAG_MS`]. The module reads no clock: every method that needs the time takes `now_ms`.
//!
//! Tabs are not authenticated (any script of the origin may post on the channel), so a peer id
//! is a name, not an identity: flagging protects the chain, not the name.

use std::collections::{BTreeMap, VecDeque};

use crate::address::Address;
use crate::block::{Block, Header, HEADER_VERSION};
use crate::chain::{AppendError, Chain, ChainParams};
use crate::hash::BlockHash;
use crate::mempool::{Mempool, MempoolError};
use crate::pow::{self, MAX_DIFFICULTY};
use crate::tx::SignedTx;

mod wire;
pub use wire::{
    decode, encode, sender_hint, DecodeError, Envelope, Message, PeerId, Status, MAX_BLOCKS,
    MAX_HEADERS, MAX_LOCATOR, MAX_MESSAGE_CHARS, MAX_PEER_ID_CHARS, PROTOCOL_VERSION,
};

/// A peer not heard from for this long is no longer counted as connected.
pub const PEER_TIMEOUT_MS: u64 = 7_000;
/// How often a tab should send its status (the heartbeat).
pub const HEARTBEAT_MS: u64 = 2_000;
/// How long a flagged peer is ignored.
pub const FLAG_MS: u64 = 60_000;
/// How long a sync waits for an answer before giving up (without blaming the peer).
pub const REQUEST_TIMEOUT_MS: u64 = 8_000;
/// How many log lines are kept (the oldest go first).
pub const LOG_CAPACITY: usize = 30;

/// Why a peer was flagged, and until when it is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub until_ms: u64,
    pub reason: String,
}

/// What this tab knows of one peer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerInfo {
    /// The last status it sent.
    pub status: Option<Status>,
    pub last_seen_ms: u64,
    /// Set while the peer is ignored.
    pub flag: Option<Flag>,
    /// Messages dropped because the peer was flagged.
    pub ignored: u64,
}

/// One line of the peer log: a dropped or ignored message, a flag, a sync step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at_ms: u64,
    pub peer: Option<PeerId>,
    pub text: String,
}

/// A chain validated on a copy and heavier than the local one (or the local one plus a block).
#[derive(Debug, Clone)]
pub struct Adoption {
    pub chain: Chain,
    /// Local blocks the new chain does not have (their transactions went back to the mempool).
    pub dropped: Vec<Block>,
    /// Blocks the new chain adds after the common prefix.
    pub added: Vec<Block>,
}

/// What the caller does after [`Peers::receive`]: post `send`, then replace its chain and its
/// mempool by those given.
#[derive(Debug, Clone, Default)]
pub struct Reaction {
    /// Encoded messages to post on the channel.
    pub send: Vec<String>,
    pub adopt: Option<Adoption>,
    /// The mempool after an adopted chain or an accepted transaction.
    pub mempool: Option<Mempool>,
}

/// Where a running sync is.
#[derive(Debug, Clone)]
enum Stage {
    /// Waiting for headers; those already checked and the number of local blocks they build on.
    Headers {
        headers: Vec<Header>,
        keep: Option<usize>,
    },
    /// Fetching bodies; `candidate` holds the local prefix plus the bodies checked so far.
    Bodies {
        headers: Vec<Header>,
        keep: usize,
        candidate: Box<Chain>,
    },
}

#[derive(Debug, Clone)]
struct SyncJob {
    peer: PeerId,
    /// The id of the request awaiting an answer.
    request: u32,
    /// The work the peer claimed (`None` when the sync follows a block, not a status).
    claimed: Option<u128>,
    stage: Stage,
    deadline_ms: u64,
}

/// The peers of this tab and the sync in progress (one at a time).
#[derive(Debug, Clone)]
pub struct Peers {
    me: PeerId,
    peers: BTreeMap<PeerId, PeerInfo>,
    sync: Option<SyncJob>,
    log: VecDeque<LogEntry>,
    /// The id the next request carries.
    next_request: u32,
}

/// Total work of the valid prefix of `chain` (an invalid block's claimed work does not count).
pub fn valid_work(chain: &Chain) -> u128 {
    chain
        .blocks()
        .iter()
        .take(chain.valid_len())
        .fold(0u128, |acc, b| {
            acc.saturating_add(pow::work(b.header.difficulty))
        })
}

/// Hashes of the valid prefix, newest first: the last ten, then ever larger steps, and
/// genesis last; at most [`MAX_LOCATOR`].
pub fn locator(chain: &Chain) -> Vec<BlockHash> {
    let blocks = &chain.blocks()[..chain.valid_len().max(1).min(chain.len())];
    let mut out = Vec::new();
    let mut height = blocks.len() - 1;
    let mut step = 1;
    loop {
        out.push(blocks[height].hash());
        if height == 0 || out.len() + 1 >= MAX_LOCATOR {
            break;
        }
        if out.len() >= 10 {
            step *= 2;
        }
        height = height.saturating_sub(step);
    }
    if height != 0 {
        out.push(blocks[0].hash());
    }
    out
}

/// Checks `headers` as a branch on top of `parent`: heights, links, version, timestamps,
/// difficulty range and proof of work (each hash recomputed). Returns the first problem.
fn check_headers(
    parent: &Header,
    headers: &[Header],
    params: &ChainParams,
) -> Result<u128, String> {
    let mut prev_hash = parent.hash();
    let mut prev_height = parent.height;
    let mut prev_ts = parent.timestamp_ms;
    let mut work = 0u128;
    for h in headers {
        let expected = prev_height.saturating_add(1);
        if h.height != expected {
            return Err(format!(
                "header at height {} where {expected} was expected",
                h.height
            ));
        }
        if h.version != HEADER_VERSION {
            return Err(format!("header #{} has version {}", h.height, h.version));
        }
        if h.prev_hash != prev_hash {
            return Err(format!(
                "header #{} does not link to its parent {prev_hash:#}",
                h.height
            ));
        }
        if h.timestamp_ms < prev_ts {
            return Err(format!("header #{} is stamped before its parent", h.height));
        }
        if h.difficulty > MAX_DIFFICULTY || h.difficulty < params.min_difficulty {
            return Err(format!(
                "header #{} states difficulty {} outside {} to {MAX_DIFFICULTY}",
                h.height, h.difficulty, params.min_difficulty
            ));
        }
        let hash = h.hash();
        let zeros = pow::leading_zero_bits(hash.as_bytes());
        if zeros < h.difficulty {
            return Err(format!(
                "header #{}: proof of work fails (hash {hash:#} has {zeros} leading zero bits, its difficulty needs {})",
                h.height, h.difficulty
            ));
        }
        work = work.saturating_add(pow::work(h.difficulty));
        prev_hash = hash;
        prev_height = h.height;
        prev_ts = h.timestamp_ms;
    }
    Ok(work)
}

/// How many leading blocks two lists share (compared by hash).
fn common_prefix(a: &[Block], b: &[Block]) -> usize {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| x.hash() == y.hash())
        .count()
}

impl Peers {
    /// No peers yet; this tab is `me`.
    pub fn new(me: PeerId) -> Self {
        Self {
            me,
            peers: BTreeMap::new(),
            sync: None,
            log: VecDeque::new(),
            next_request: 1,
        }
    }

    fn request_id(&mut self) -> u32 {
        let id = self.next_request;
        self.next_request = self.next_request.wrapping_add(1);
        id
    }

    /// This tab's id.
    pub fn me(&self) -> &PeerId {
        &self.me
    }

    fn envelope(&self, to: Option<&PeerId>, message: Message) -> String {
        encode(&Envelope {
            from: self.me.clone(),
            to: to.cloned(),
            message,
        })
    }

    /// Makes `job` the running sync, awaiting the answer to a new request (built by `ask`
    /// from its id) until [`REQUEST_TIMEOUT_MS`] after `now_ms`; returns the request for `to`.
    fn request(
        &mut self,
        mut job: SyncJob,
        to: &PeerId,
        now_ms: u64,
        ask: impl FnOnce(u32) -> Message,
    ) -> String {
        let request = self.request_id();
        job.request = request;
        job.deadline_ms = now_ms.saturating_add(REQUEST_TIMEOUT_MS);
        self.sync = Some(job);
        self.envelope(Some(to), ask(request))
    }

    /// The first message of a tab (peers answer with their status).
    pub fn hello(&self, chain: &Chain) -> String {
        self.envelope(
            None,
            Message::Hello {
                status: Status::of(chain),
            },
        )
    }

    /// The heartbeat: this tab's status, for every peer.
    pub fn status(&self, chain: &Chain) -> String {
        self.envelope(
            None,
            Message::Status {
                status: Status::of(chain),
            },
        )
    }

    /// The message a closing tab sends.
    pub fn bye(&self) -> String {
        self.envelope(None, Message::Bye)
    }

    /// Announces a block (just mined here or just adopted).
    pub fn announce_block(&self, block: &Block) -> String {
        self.envelope(
            None,
            Message::NewBlock {
                block: block.clone(),
            },
        )
    }

    /// Announces a transaction that entered the local mempool.
    pub fn announce_tx(&self, from: Address, raw: &SignedTx) -> String {
        self.envelope(
            None,
            Message::NewTx {
                from,
                raw: raw.clone(),
            },
        )
    }

    /// The peers seen so far.
    pub fn peers(&self) -> &BTreeMap<PeerId, PeerInfo> {
        &self.peers
    }

    /// Peers heard from within [`PEER_TIMEOUT_MS`] and not flagged.
    pub fn connected(&self, now_ms: u64) -> usize {
        self.peers
            .values()
            .filter(|p| {
                p.last_seen_ms.saturating_add(PEER_TIMEOUT_MS) > now_ms
                    && p.flag.as_ref().is_none_or(|f| f.until_ms <= now_ms)
            })
            .count()
    }

    /// Whether `peer` is flagged at `now_ms`.
    pub fn is_flagged(&self, peer: &PeerId, now_ms: u64) -> bool {
        self.peers
            .get(peer)
            .and_then(|p| p.flag.as_ref())
            .is_some_and(|f| f.until_ms > now_ms)
    }

    /// The log, oldest first.
    pub fn log(&self) -> impl Iterator<Item = &LogEntry> {
        self.log.iter()
    }

    /// Whether a sync is in progress.
    pub fn syncing(&self) -> bool {
        self.sync.is_some()
    }

    /// Records a line in the log (the app adds its own, e.g. for non-text messages).
    pub fn note(&mut self, peer: Option<&PeerId>, now_ms: u64, text: String) {
        if self.log.len() >= LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(LogEntry {
            at_ms: now_ms,
            peer: peer.cloned(),
            text,
        });
    }

    /// Flags `peer` for [`FLAG_MS`] and abandons a sync with it.
    pub fn flag(&mut self, peer: &PeerId, now_ms: u64, reason: String) {
        let info = self.peers.entry(peer.clone()).or_default();
        info.flag = Some(Flag {
            until_ms: now_ms.saturating_add(FLAG_MS),
            reason: reason.clone(),
        });
        if self.sync.as_ref().is_some_and(|s| &s.peer == peer) {
            self.sync = None;
        }
        self.note(
            Some(peer),
            now_ms,
            format!("flagged for {} s: {reason}", FLAG_MS / 1000),
        );
    }

    /// Gives up a sync that waited too long for an answer, and forgets peers long gone.
    pub fn tick(&mut self, now_ms: u64) {
        if let Some(job) = &self.sync {
            if job.deadline_ms <= now_ms {
                let peer = job.peer.clone();
                self.sync = None;
                self.note(Some(&peer), now_ms, "sync timed out: no answer".into());
            }
        }
        let forget = PEER_TIMEOUT_MS.saturating_mul(20);
        self.peers.retain(|_, p| {
            p.last_seen_ms.saturating_add(forget) > now_ms
                || p.flag.as_ref().is_some_and(|f| f.until_ms > now_ms)
        });
    }

    /// Handles one received text against the local `chain` and `pool` (neither is changed:
    /// what to adopt comes back in the [`Reaction`]). Never panics on any input.
    pub fn receive(
        &mut self,
        text: &str,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        self.tick(now_ms);
        let envelope = match decode(text) {
            Ok(e) => e,
            Err(e) => {
                match sender_hint(text).filter(|p| p != &self.me) {
                    Some(peer) => self.flag(&peer, now_ms, format!("dropped: {e}")),
                    None => self.note(None, now_ms, format!("dropped: {e}")),
                }
                return Reaction::default();
            }
        };
        let Envelope { from, to, message } = envelope;
        if from == self.me || to.as_ref().is_some_and(|t| t != &self.me) {
            return Reaction::default();
        }
        let info = self.peers.entry(from.clone()).or_default();
        info.last_seen_ms = now_ms;
        if info.flag.as_ref().is_some_and(|f| f.until_ms > now_ms) {
            info.ignored = info.ignored.saturating_add(1);
            return Reaction::default();
        }
        info.flag = None;
        match message {
            Message::Hello { status } => {
                let mut r = self.on_status(&from, status, chain, now_ms);
                r.send.insert(
                    0,
                    self.envelope(
                        Some(&from),
                        Message::Status {
                            status: Status::of(chain),
                        },
                    ),
                );
                r
            }
            Message::Status { status } => self.on_status(&from, status, chain, now_ms),
            Message::Bye => {
                self.peers.remove(&from);
                if self.sync.as_ref().is_some_and(|s| s.peer == from) {
                    self.sync = None;
                }
                Reaction::default()
            }
            Message::NewTx { from: sender, raw } => {
                self.on_tx(&from, sender, raw, chain, pool, params, now_ms)
            }
            Message::NewBlock { block } => self.on_block(&from, block, chain, pool, params, now_ms),
            Message::GetHeaders { request, locator } => {
                self.serve_headers(&from, request, &locator, chain)
            }
            Message::GetBlocks { request, hashes } => {
                self.serve_blocks(&from, request, &hashes, chain)
            }
            Message::Headers { request, headers } => {
                if self.answers_request(&from, request, "headers", now_ms) {
                    self.on_headers(&from, headers, chain, params, now_ms)
                } else {
                    Reaction::default()
                }
            }
            Message::Blocks { request, blocks } => {
                if self.answers_request(&from, request, "blocks", now_ms) {
                    self.on_blocks(&from, blocks, chain, pool, params, now_ms)
                } else {
                    Reaction::default()
                }
            }
        }
    }

    fn on_status(&mut self, from: &PeerId, status: Status, chain: &Chain, now_ms: u64) -> Reaction {
        let heavier = status.total_work > valid_work(chain);
        let same_genesis = chain.blocks().first().map(Block::hash) == Some(status.genesis);
        let claimed = status.total_work;
        if let Some(info) = self.peers.get_mut(from) {
            info.status = Some(status);
        }
        let mut r = Reaction::default();
        if heavier && same_genesis && self.sync.is_none() {
            r.send
                .push(self.start_sync(from, Some(claimed), chain, now_ms));
        }
        r
    }

    fn start_sync(
        &mut self,
        peer: &PeerId,
        claimed: Option<u128>,
        chain: &Chain,
        now_ms: u64,
    ) -> String {
        let job = SyncJob {
            peer: peer.clone(),
            request: 0,
            claimed,
            stage: Stage::Headers {
                headers: Vec::new(),
                keep: None,
            },
            deadline_ms: 0,
        };
        let locator = locator(chain);
        self.request(job, peer, now_ms, |request| Message::GetHeaders {
            request,
            locator,
        })
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the handler needs the sender, the message's two fields and the local context"
    )]
    fn on_tx(
        &mut self,
        from: &PeerId,
        sender: Address,
        raw: SignedTx,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let hash = raw.hash();
        if pool.contains(&hash) {
            return Reaction::default();
        }
        let tx = match raw.recover() {
            Ok(tx) => tx,
            Err(e) => {
                self.flag(
                    from,
                    now_ms,
                    format!("sent transaction {hash:#} with a bad signature: {e}"),
                );
                return Reaction::default();
            }
        };
        if tx.sender() != sender {
            self.flag(
                from,
                now_ms,
                format!(
                    "sent transaction {hash:#} claiming sender {sender:#}, but it is signed by {:#}",
                    tx.sender()
                ),
            );
            return Reaction::default();
        }
        let mut next = pool.clone();
        match next.add(tx, chain.state(), params) {
            Ok(_) => Reaction {
                mempool: Some(next),
                ..Reaction::default()
            },
            Err(MempoolError::AlreadyKnown { .. }) => Reaction::default(),
            // A rule broken now may be an honest race (mined meanwhile): dropped, not flagged.
            Err(e) => {
                self.note(
                    Some(from),
                    now_ms,
                    format!("dropped transaction {hash:#}: {e}"),
                );
                Reaction::default()
            }
        }
    }

    fn on_block(
        &mut self,
        from: &PeerId,
        block: Block,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let hash = block.hash();
        if chain.blocks().iter().any(|b| b.hash() == hash) {
            return Reaction::default();
        }
        let mut r = Reaction::default();
        let on_tip = block.header.prev_hash == chain.tip().hash();
        if on_tip && chain.valid_len() == chain.len() {
            let mut next = chain.clone();
            let height = block.header.height;
            match next.append(block.clone(), params) {
                Ok(()) => {
                    let mut p = pool.clone();
                    p.on_reorg(&[], std::slice::from_ref(&block), next.state(), params);
                    r.adopt = Some(Adoption {
                        chain: next,
                        dropped: Vec::new(),
                        added: vec![block],
                    });
                    r.mempool = Some(p);
                }
                Err(e) => self.flag(from, now_ms, format!("sent invalid block #{height}: {e}")),
            }
        } else if self.sync.is_none() {
            // Not on our tip: the sender may know a heavier branch; its headers will say.
            r.send.push(self.start_sync(from, None, chain, now_ms));
        }
        r
    }

    fn serve_headers(
        &self,
        to: &PeerId,
        request: u32,
        locator: &[BlockHash],
        chain: &Chain,
    ) -> Reaction {
        let blocks = chain.blocks();
        let index: BTreeMap<BlockHash, usize> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.hash(), i))
            .collect();
        let start = locator.iter().find_map(|h| index.get(h)).map(|i| i + 1);
        let headers = match start {
            Some(s) => blocks
                .iter()
                .skip(s)
                .take(MAX_HEADERS)
                .map(|b| b.header.clone())
                .collect(),
            None => Vec::new(),
        };
        Reaction {
            send: vec![self.envelope(Some(to), Message::Headers { request, headers })],
            ..Reaction::default()
        }
    }

    fn serve_blocks(
        &self,
        to: &PeerId,
        request: u32,
        hashes: &[BlockHash],
        chain: &Chain,
    ) -> Reaction {
        let index: BTreeMap<BlockHash, &Block> =
            chain.blocks().iter().map(|b| (b.hash(), b)).collect();
        let blocks = hashes
            .iter()
            .filter_map(|h| index.get(h).map(|b| (*b).clone()))
            .collect();
        Reaction {
            send: vec![self.envelope(Some(to), Message::Blocks { request, blocks })],
            ..Reaction::default()
        }
    }

    /// Whether the running sync waits for this answer from `from` (a late answer to an older
    /// request, or one nobody asked for, is ignored without blaming the peer).
    fn answers_request(&mut self, from: &PeerId, request: u32, what: &str, now_ms: u64) -> bool {
        let expected = self
            .sync
            .as_ref()
            .is_some_and(|job| &job.peer == from && job.request == request);
        if !expected {
            self.note(
                Some(from),
                now_ms,
                format!("ignored {what} that answer no pending request"),
            );
        }
        expected
    }

    /// The running sync, when it is with `from` (answers from anyone else are ignored).
    fn job_with(&mut self, from: &PeerId, what: &str, now_ms: u64) -> Option<SyncJob> {
        match self.sync.take() {
            Some(job) if &job.peer == from => Some(job),
            other => {
                self.sync = other;
                self.note(Some(from), now_ms, format!("ignored unrequested {what}"));
                None
            }
        }
    }

    fn on_headers(
        &mut self,
        from: &PeerId,
        batch: Vec<Header>,
        chain: &Chain,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let Some(mut job) = self.job_with(from, "headers", now_ms) else {
            return Reaction::default();
        };
        let Stage::Headers { mut headers, keep } = job.stage else {
            self.note(
                Some(from),
                now_ms,
                "ignored headers while fetching blocks".into(),
            );
            self.sync = Some(job);
            return Reaction::default();
        };
        let valid = &chain.blocks()[..chain.valid_len().max(1).min(chain.len())];
        // Where the batch attaches: after the headers already received, else on a local block.
        let (keep, parent) = match (keep, headers.last()) {
            (Some(k), Some(last)) => (k, last.clone()),
            _ => {
                let Some(first) = batch.first() else {
                    // Nothing after the newest hash it knows: its chain is a prefix of ours.
                    let keep = valid.len();
                    return self.finish_headers(
                        from,
                        job.claimed,
                        headers,
                        keep,
                        chain,
                        params,
                        now_ms,
                    );
                };
                match valid.iter().position(|b| b.hash() == first.prev_hash) {
                    Some(i) => (i + 1, valid[i].header.clone()),
                    None => {
                        self.flag(
                            from,
                            now_ms,
                            format!(
                                "sent headers that build on {:#}, a block of none of the chain it was asked about",
                                first.prev_hash
                            ),
                        );
                        return Reaction::default();
                    }
                }
            }
        };
        if let Err(reason) = check_headers(&parent, &batch, params) {
            self.flag(from, now_ms, format!("sent invalid headers: {reason}"));
            return Reaction::default();
        }
        let full = batch.len() == MAX_HEADERS;
        headers.extend(batch);
        let local: u128 = valid[..keep].iter().fold(0u128, |a, b| {
            a.saturating_add(pow::work(b.header.difficulty))
        });
        let proven = headers
            .iter()
            .fold(local, |a, h| a.saturating_add(pow::work(h.difficulty)));
        let more_needed = job
            .claimed
            .map_or(proven <= valid_work(chain), |c| proven < c);
        if full && more_needed {
            let mut loc = vec![headers.last().map(Header::hash).unwrap_or_default()];
            loc.extend(locator(chain).into_iter().take(MAX_LOCATOR - 1));
            job.stage = Stage::Headers {
                headers,
                keep: Some(keep),
            };
            let ask = self.request(job, from, now_ms, |request| Message::GetHeaders {
                request,
                locator: loc,
            });
            return Reaction {
                send: vec![ask],
                ..Reaction::default()
            };
        }
        self.finish_headers(from, job.claimed, headers, keep, chain, params, now_ms)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the step needs the job's parts and the local context"
    )]
    fn finish_headers(
        &mut self,
        from: &PeerId,
        claimed: Option<u128>,
        headers: Vec<Header>,
        keep: usize,
        chain: &Chain,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let local: u128 = chain.blocks()[..keep.min(chain.len())]
            .iter()
            .fold(0u128, |a, b| {
                a.saturating_add(pow::work(b.header.difficulty))
            });
        let proven = headers
            .iter()
            .fold(local, |a, h| a.saturating_add(pow::work(h.difficulty)));
        if let Some(c) = claimed {
            if proven < c {
                self.flag(
                    from,
                    now_ms,
                    format!("claimed total work {c}, but its headers prove only {proven}"),
                );
                return Reaction::default();
            }
        }
        if headers.is_empty() || proven <= valid_work(chain) {
            self.note(
                Some(from),
                now_ms,
                format!("its chain (work {proven}) is not heavier than ours"),
            );
            return Reaction::default();
        }
        let mut candidate = chain.clone();
        if let Err(e) = candidate.reorg(keep, Vec::new(), params) {
            // Cannot happen with no new blocks; kept as a refusal rather than a panic.
            self.note(Some(from), now_ms, format!("sync abandoned: {e}"));
            return Reaction::default();
        }
        let ask: Vec<BlockHash> = headers.iter().take(MAX_BLOCKS).map(Header::hash).collect();
        let job = SyncJob {
            peer: from.clone(),
            request: 0,
            claimed,
            stage: Stage::Bodies {
                headers,
                keep,
                candidate: Box::new(candidate),
            },
            deadline_ms: 0,
        };
        let ask = self.request(job, from, now_ms, |request| Message::GetBlocks {
            request,
            hashes: ask,
        });
        Reaction {
            send: vec![ask],
            ..Reaction::default()
        }
    }

    fn on_blocks(
        &mut self,
        from: &PeerId,
        blocks: Vec<Block>,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let Some(mut job) = self.job_with(from, "blocks", now_ms) else {
            return Reaction::default();
        };
        let Stage::Bodies {
            headers,
            keep,
            mut candidate,
        } = job.stage
        else {
            self.note(
                Some(from),
                now_ms,
                "ignored blocks while fetching headers".into(),
            );
            self.sync = Some(job);
            return Reaction::default();
        };
        if blocks.is_empty() {
            self.note(
                Some(from),
                now_ms,
                "sync abandoned: the peer sent no blocks".into(),
            );
            return Reaction::default();
        }
        for block in blocks {
            let done = candidate.len() - keep;
            let Some(expected) = headers.get(done) else {
                self.flag(from, now_ms, "sent more blocks than asked".into());
                return Reaction::default();
            };
            if block.header != *expected {
                self.flag(
                    from,
                    now_ms,
                    format!(
                        "sent block {:#} where #{} {:#} was asked",
                        block.hash(),
                        expected.height,
                        expected.hash()
                    ),
                );
                return Reaction::default();
            }
            let height = block.header.height;
            if let Err(e) = candidate.append(block, params) {
                self.flag(
                    from,
                    now_ms,
                    format!("sent invalid block #{height}: {}", reasons(&e)),
                );
                return Reaction::default();
            }
        }
        let done = candidate.len() - keep;
        if done < headers.len() {
            let ask = headers
                .iter()
                .skip(done)
                .take(MAX_BLOCKS)
                .map(Header::hash)
                .collect();
            job.stage = Stage::Bodies {
                headers,
                keep,
                candidate,
            };
            let ask = self.request(job, from, now_ms, |request| Message::GetBlocks {
                request,
                hashes: ask,
            });
            return Reaction {
                send: vec![ask],
                ..Reaction::default()
            };
        }
        self.adopt(from, *candidate, keep, chain, pool, params, now_ms)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the last step needs the candidate and the local context"
    )]
    fn adopt(
        &mut self,
        from: &PeerId,
        candidate: Chain,
        keep: usize,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        if common_prefix(chain.blocks(), candidate.blocks()) < keep {
            self.note(
                Some(from),
                now_ms,
                "sync abandoned: our chain changed meanwhile".into(),
            );
            return Reaction::default();
        }
        let ours = valid_work(chain);
        let theirs = candidate.total_work();
        if candidate.valid_len() != candidate.len() || theirs <= ours {
            self.note(
                Some(from),
                now_ms,
                format!("its validated chain (work {theirs}) is not heavier than ours ({ours})"),
            );
            return Reaction::default();
        }
        let dropped = chain.blocks()[keep..].to_vec();
        let added = candidate.blocks()[keep..].to_vec();
        let mut p = pool.clone();
        let returned = p.on_reorg(&dropped, &added, candidate.state(), params);
        self.note(
            Some(from),
            now_ms,
            format!(
                "validated its heavier chain: {} blocks to add, {} to drop ({returned} transactions back to the mempool), work {ours} -> {theirs}",
                added.len(),
                dropped.len()
            ),
        );
        let status = self.status(&candidate);
        Reaction {
            send: vec![status],
            adopt: Some(Adoption {
                chain: candidate,
                dropped,
                added,
            }),
            mempool: Some(p),
        }
    }
}

fn reasons(e: &AppendError) -> String {
    let all: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
    all.join("; ")
}

#[cfg(test)]
#[path = "peer_tests.rs"]
mod tests;
