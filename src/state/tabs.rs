//! Tabs as peers (issue 7): every open tab of the site is a peer over a `BroadcastChannel`
//! ([`crate::platform::broadcast`]), running the core's [`blocklab_core::peer::Peers`], and a
//! guard that keeps storage consistent across tabs.
//!
//! - Gossip: a block that extends the tip (mined here or adopted) and every transaction that
//!   enters the mempool are announced; the status goes out on every tip change and every
//!   [`HEARTBEAT_MS`] (so a closed tab drops out of the peer count), `bye` on `pagehide`.
//! - Sync: the core decides (headers first, proof of work checked, bodies appended one by one
//!   on a copy); the tab installs the validated chain and mempool it hands back. Nothing is
//!   adopted from peers while tamper mode is on (the user's edits are not undone under them).
//! - Storage: each save also writes a small tip record ([`TIP_KEY`]: writer, genesis, tip,
//!   height, work). Before saving, a tab reads it: when another tab stored a heavier chain of
//!   the same genesis, the tab adopts the stored chain (if it validates and is heavier) instead
//!   of overwriting it. The `storage` event does the same as soon as another tab saves.
//! - Records, mempool and settings: merged three ways from what the tab last saw stored
//!   ([`merge`]), before each save and on the `storage` event.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use blocklab_core::hash::{BlockHash, TxHash};
use blocklab_core::node::Node;
use blocklab_core::peer::{Adoption, PeerId, Peers, Status, HEARTBEAT_MS};
use blocklab_core::persist::{self, KeyValueStore, LoadOutcome};
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::{actions, mining, AppState, MineTarget};
use crate::platform::broadcast::{Broadcast, Incoming, PeerChannel};
use crate::platform::{clock, locks, random, storage::LocalStore};
use crate::state::notices::Notice;

mod merge;
use merge::{merge_stored, SeenStored};

/// The Web Lock every tab's save holds ([`crate::platform::locks`]).
const SAVE_LOCK: &str = "blocklab.save";
/// The small record saved beside the snapshot: who saved which chain.
pub const TIP_KEY: &str = "blocklab.tip";
/// The tip record's version.
const TIP_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TipRecord {
    v: u32,
    writer: String,
    status: Status,
}

/// What the peers panel shows.
#[derive(Debug, Clone, Copy)]
pub struct TabsState {
    /// Peers heard from recently and not flagged.
    pub connected: RwSignal<usize>,
    /// The peer log (dropped and ignored messages with their reason, flags, syncs), oldest
    /// first.
    pub log: RwSignal<Vec<String>>,
    /// Flagged peers and why.
    pub flagged: RwSignal<Vec<String>>,
    /// Why this tab has no peers (no `BroadcastChannel`), if so.
    pub unavailable: RwSignal<Option<String>>,
}

struct Shared {
    tabs: TabsState,
    peers: RefCell<Peers>,
    channel: RefCell<Option<Broadcast>>,
    announced: RefCell<BTreeSet<TxHash>>,
    last_tip: Cell<Option<BlockHash>>,
    /// What this tab last saw stored (records, mempool, settings): the base of the merge.
    seen: RefCell<SeenStored>,
    /// A save waits for the tabs' save lock.
    save_queued: Cell<bool>,
}

impl Shared {
    fn post(&self, text: &str) {
        if let Some(channel) = self.channel.borrow().as_ref() {
            if let Err(e) = channel.post(text) {
                web_sys::console::warn_1(&e.into());
            }
        }
    }
}

thread_local! {
    /// The tab's peer state, for the save effect (the latest started, if the app is mounted
    /// more than once, as in browser tests).
    static SHARED: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

fn shared() -> Option<Rc<Shared>> {
    SHARED.with(|s| s.borrow().clone())
}

/// A fresh random peer id (16 hex digits); from the clock when the browser has no CSPRNG (the
/// id only names the tab, it protects nothing).
fn new_peer_id() -> PeerId {
    let bytes = random::bytes::<8>().unwrap_or_else(|_| clock::now_ms().to_be_bytes());
    PeerId::from_bytes(bytes)
}

/// Joins the peer channel, says hello, and starts the gossip effects, the heartbeat, the
/// `bye` on `pagehide` and the `storage` listener.
pub fn start(state: AppState) -> TabsState {
    let tabs = TabsState {
        connected: RwSignal::new(0),
        log: RwSignal::new(Vec::new()),
        flagged: RwSignal::new(Vec::new()),
        unavailable: RwSignal::new(None),
    };
    let shared = Rc::new(Shared {
        tabs,
        peers: RefCell::new(Peers::new(new_peer_id())),
        channel: RefCell::new(None),
        announced: RefCell::new(BTreeSet::new()),
        last_tip: Cell::new(None),
        seen: RefCell::new(SeenStored::now(state)),
        save_queued: Cell::new(false),
    });
    SHARED.with(|s| *s.borrow_mut() = Some(Rc::clone(&shared)));
    let for_channel = Rc::clone(&shared);
    match Broadcast::open(move |incoming| on_incoming(state, &for_channel, incoming)) {
        Ok(channel) => *shared.channel.borrow_mut() = Some(channel),
        Err(e) => tabs.unavailable.set(Some(e)),
    }
    let hello = state.with_chain_untracked(|c| shared.peers.borrow().hello(c));
    shared.post(&hello);
    gossip(state, &shared);
    heartbeat(state, &shared);
    listen_window(state, &shared);
    tabs
}

/// Announces a block that extends the previous tip, the status on every tip change, and each
/// transaction the first time it is in the mempool.
fn gossip(state: AppState, shared: &Rc<Shared>) {
    let for_blocks = Rc::clone(shared);
    Effect::new(move |_| {
        let shared = &for_blocks;
        let (tip, prev) = state.with_chain(|c| (c.tip().hash(), c.tip().header.prev_hash));
        let last = shared.last_tip.replace(Some(tip));
        if last.is_none() || last == Some(tip) {
            return;
        }
        let messages = state.with_chain_untracked(|c| {
            let peers = shared.peers.borrow();
            let mut out = Vec::new();
            if last == Some(prev) {
                out.push(peers.announce_block(c.tip()));
            }
            out.push(peers.status(c));
            out
        });
        for m in messages {
            shared.post(&m);
        }
    });
    let for_txs = Rc::clone(shared);
    Effect::new(move |_| {
        let shared = &for_txs;
        let fresh: Vec<String> = state.ledger.with(|l| {
            let mut announced = shared.announced.borrow_mut();
            let peers = shared.peers.borrow();
            l.mempool()
                .iter()
                .filter(|(tx, _)| announced.insert(tx.hash()))
                .map(|(tx, _)| peers.announce_tx(tx.sender(), tx.signed()))
                .collect()
        });
        for m in fresh {
            shared.post(&m);
        }
    });
}

fn heartbeat(state: AppState, shared: &Rc<Shared>) {
    let shared = Rc::clone(shared);
    let _ = set_interval_with_handle(
        move || {
            let now = clock::now_ms();
            let status = state.with_chain_untracked(|c| {
                let mut peers = shared.peers.borrow_mut();
                peers.tick(now);
                peers.status(c)
            });
            shared.post(&status);
            refresh(&shared, now);
        },
        Duration::from_millis(HEARTBEAT_MS),
    );
}

fn listen_window(state: AppState, shared: &Rc<Shared>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let for_hide = Rc::clone(shared);
    let on_hide = Closure::<dyn Fn()>::new(move || {
        let bye = for_hide.peers.borrow().bye();
        for_hide.post(&bye);
        // A save still waiting for the save lock is written now, unlocked: the page may not
        // live to be granted the lock (a reload right after adding a record).
        if for_hide.save_queued.get() && !state.saving_blocked.get_untracked() {
            save_locked(state, &for_hide);
        }
    });
    let _ = window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    // Lives as long as the page.
    on_hide.forget();
    let for_storage = Rc::clone(shared);
    let on_storage =
        Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |e: web_sys::StorageEvent| {
            let key = e.key();
            if key.as_deref() == Some(TIP_KEY) && stored_is_heavier(state, &for_storage) {
                adopt_stored(state, &for_storage);
            }
            // Records, mempool and settings: merged (the save effect stores the result). The
            // pointer changes with every save; the tip record only with the chain.
            if key.as_deref() == Some(persist::SNAPSHOT_KEY) {
                merge_stored(state, &for_storage.seen);
            }
        });
    let _ = window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
    on_storage.forget();
}

fn on_incoming(state: AppState, shared: &Shared, incoming: Incoming) {
    let now = clock::now_ms();
    let text = match incoming {
        Incoming::Text(t) => t,
        Incoming::NotText(kind) => {
            shared.peers.borrow_mut().note(
                None,
                now,
                format!("dropped: a message of type {kind}, not text"),
            );
            refresh(shared, now);
            return;
        }
    };
    let reaction = state.ledger.with_untracked(|l| {
        shared
            .peers
            .borrow_mut()
            .receive(&text, l.chain(), l.mempool(), l.params(), now)
    });
    for m in &reaction.send {
        shared.post(m);
    }
    let tamper = state.tamper.get_untracked();
    match reaction.adopt {
        Some(_) if tamper => shared.peers.borrow_mut().note(
            None,
            now,
            "a heavier valid chain was not adopted: tamper mode is on".into(),
        ),
        Some(Adoption {
            chain,
            dropped,
            added,
        }) => {
            if added.len() > 1 || !dropped.is_empty() {
                shared.peers.borrow_mut().note(
                    None,
                    now,
                    format!("switched to the heavier chain ({} blocks)", chain.len()),
                );
            }
            let reorg = !dropped.is_empty();
            install(state, move |l| {
                l.install_synced(Some(chain), reaction.mempool);
                reorg
            });
        }
        None => {
            if let Some(pool) = reaction.mempool {
                state.ledger.update(|l| l.install_synced(None, Some(pool)));
            }
        }
    }
    refresh(shared, now);
}

/// Stops a search for a new block (its candidate no longer fits what the ledger holds);
/// whether there was one (the caller restarts it once the ledger changed).
fn cancel_block_mining(state: AppState) -> bool {
    let mining_block = state.mining.with_untracked(|m| {
        matches!(
            m.as_ref().map(|m| m.target),
            Some(MineTarget::NewBlock { .. })
        )
    });
    if mining_block {
        actions::cancel_mining(state);
    }
    mining_block
}

/// Installs a validated chain from a peer or from storage (`change` does it on the ledger and
/// says whether blocks were dropped); a search on the old tip restarts on the new one.
fn install(state: AppState, change: impl FnOnce(&mut Node) -> bool) {
    let was_mining_block = cancel_block_mining(state);
    let mut reorg = false;
    state.ledger.update(|l| reorg = change(l));
    if reorg {
        state.chain_generation.update(|g| *g += 1);
    }
    state.notices.set(Notice::ValidationSummary, None);
    if was_mining_block {
        mining::mine_new_block(state);
    }
}

fn refresh(shared: &Shared, now: u64) {
    let tabs = shared.tabs;
    let peers = shared.peers.borrow();
    tabs.connected.set(peers.connected(now));
    let log: Vec<String> = peers
        .log()
        .map(|l| {
            let who = l
                .peer
                .as_ref()
                .map_or_else(String::new, |p| format!("peer {p}: "));
            format!("{} {who}{}", blocklab_core::words::utc(l.at_ms), l.text)
        })
        .collect();
    if tabs.log.with_untracked(|old| *old != log) {
        tabs.log.set(log);
    }
    let flagged: Vec<String> = peers
        .peers()
        .iter()
        .filter_map(|(id, info)| {
            let f = info.flag.as_ref().filter(|f| f.until_ms > now)?;
            Some(format!(
                "peer {id}: {} (ignored for {} s more, {} messages dropped)",
                f.reason,
                (f.until_ms - now).div_ceil(1000),
                info.ignored
            ))
        })
        .collect();
    if tabs.flagged.with_untracked(|old| *old != flagged) {
        tabs.flagged.set(flagged);
    }
}

fn read_tip() -> Option<TipRecord> {
    let text = LocalStore.get(TIP_KEY).ok()??;
    let record: TipRecord = serde_json::from_str(&text).ok()?;
    (record.v == TIP_VERSION).then_some(record)
}

/// Whether another tab stored a chain of our genesis claiming more work than our valid prefix
/// (the claim is checked when the stored chain is loaded).
fn stored_is_heavier(state: AppState, shared: &Shared) -> bool {
    let Some(record) = read_tip() else {
        return false;
    };
    if shared.peers.borrow().me().as_str() == record.writer {
        return false;
    }
    state.with_chain_untracked(|c| record.status.claims_more_than(c))
}

/// Loads the stored snapshot and adopts its chain when it validates and is heavier than ours.
/// Returns whether it did.
fn adopt_stored(state: AppState, shared: &Shared) -> bool {
    let now = clock::now_ms();
    let note = |text: String| {
        shared.peers.borrow_mut().note(None, now, text);
        refresh(shared, now);
    };
    if state.tamper.get_untracked() {
        note("another tab stored a heavier chain; not adopted while tamper mode is on".into());
        return false;
    }
    // A complete older copy beside it (another tab's interrupted save) is kept by the load
    // under a backup key, listed in the Storage card.
    let snapshot = match persist::load(&LocalStore, now) {
        Ok(LoadOutcome::Loaded(s)) => s,
        Ok(LoadOutcome::Superseded { snapshot, .. }) => {
            state.kept_backups.set(LocalStore::backup_keys());
            snapshot
        }
        _ => return false,
    };
    let mut chain = snapshot.chain;
    state
        .ledger
        .with_untracked(|l| chain.set_params(l.params()));
    if state
        .ledger
        .with_untracked(|l| l.judge_whole(&chain))
        .is_err()
    {
        return false;
    }
    let n = chain.len();
    install(state, move |l| {
        l.adopt_if_heavier(chain)
            .is_ok_and(|switched| switched.reorg)
    });
    note(format!(
        "adopted the heavier chain another tab stored ({n} blocks) instead of overwriting it"
    ));
    true
}

/// The save effect's write (see the module documentation), under the tabs' save lock: merges
/// what another tab stored, adopts a heavier chain another tab stored instead of overwriting
/// it; otherwise saves and writes the tip record. Saves asked for while one waits for the lock
/// are one save (of the state when it runs).
pub fn save_guarded(state: AppState) {
    let Some(shared) = shared() else {
        // Peers not started (a state built without the app): a plain save.
        actions::save_now(state);
        return;
    };
    if shared.save_queued.replace(true) {
        return;
    }
    locks::exclusive(SAVE_LOCK, move || {
        shared.save_queued.set(false);
        // A restore may have begun meanwhile: nothing in memory may be saved over it.
        if !state.saving_blocked.get_untracked() {
            save_locked(state, &shared);
        }
    });
}

/// What [`save_guarded`] does once no other tab is saving.
fn save_locked(state: AppState, shared: &Rc<Shared>) {
    // Another tab's records, mempool and settings first: this save must not drop them.
    merge_stored(state, &shared.seen);
    if stored_is_heavier(state, shared) {
        if adopt_stored(state, shared) {
            // The chain changed: the save effect runs again and saves it.
            return;
        }
        if state.tamper.get_untracked() {
            // Never overwrite another tab's heavier chain; the edits stay in memory.
            return;
        }
    }
    actions::save_now(state);
    if state
        .notices
        .with_untracked(Notice::SaveError, Option::is_none)
    {
        *shared.seen.borrow_mut() = SeenStored::now(state);
        write_tip(state, shared);
        // The tip record is part of what the storage panel counts.
        state.storage_usage.set(LocalStore::usage());
    }
}

fn write_tip(state: AppState, shared: &Shared) {
    let record = TipRecord {
        v: TIP_VERSION,
        writer: shared.peers.borrow().me().as_str().to_owned(),
        status: state.with_chain_untracked(Status::of),
    };
    if let Ok(text) = serde_json::to_string(&record) {
        let _ = LocalStore.set(TIP_KEY, &text);
    }
}
