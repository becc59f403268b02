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
use crate::block::{Block, Header};
use crate::chain::{check_header_run, AppendError, Chain, ChainParams};
use crate::hash::BlockHash;
use crate::mempool::{Mempool, MempoolError};
use crate::tx::SignedTx;

mod sync;
mod wire;

use sync::SyncJob;
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
        let heavier = status.total_work > chain.valid_work();
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
}

#[cfg(test)]
#[path = "peer_tests.rs"]
mod tests;
