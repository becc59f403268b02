//! Browser tests (wasm-bindgen-test in headless Chromium): the localStorage adapter, start-up
//! with stored and corrupt data, and the app mounted and driven through its DOM.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use blocklab::platform::storage::LocalStore;
use blocklab_core::persist::{self, KeyValueStore, LoadOutcome, StorageError, SNAPSHOT_KEY};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clear() {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.clear();
    }
}

/// Lets Leptos run its scheduled effects (they run in later tasks).
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
fn local_store_round_trips_and_removes() {
    clear();
    let store = LocalStore;
    assert_eq!(store.get("k").unwrap(), None);
    store.set("k", "v1").unwrap();
    assert_eq!(store.get("k").unwrap().as_deref(), Some("v1"));
    store.remove("k").unwrap();
    assert_eq!(store.get("k").unwrap(), None);
}

#[wasm_bindgen_test]
fn a_full_quota_is_reported_and_keeps_the_old_value() {
    clear();
    let store = LocalStore;
    store.set("keep", "old").unwrap();
    // localStorage holds about 5 million characters per origin; 6 million cannot fit.
    let huge = "x".repeat(6_000_000);
    assert_eq!(store.set("keep", &huge), Err(StorageError::QuotaExceeded));
    assert_eq!(store.get("keep").unwrap().as_deref(), Some("old"));
    clear();
}

#[wasm_bindgen_test]
fn corrupt_storage_is_backed_up_in_local_storage() {
    clear();
    let store = LocalStore;
    store.set(SNAPSHOT_KEY, "{corrupt").unwrap();
    let outcome = persist::load(&store, 1234).unwrap();
    let LoadOutcome::Corrupt { backup_key, .. } = outcome else {
        panic!("expected corrupt: {outcome:?}")
    };
    assert_eq!(backup_key.as_deref(), Some("blocklab.backup.1234"));
    assert_eq!(
        store.get("blocklab.backup.1234").unwrap().as_deref(),
        Some("{corrupt")
    );
    assert_eq!(
        store.get(SNAPSHOT_KEY).unwrap().as_deref(),
        Some("{corrupt")
    );
    clear();
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).unwrap()
}

fn by_testid(id: &str) -> Vec<web_sys::HtmlElement> {
    let list = document()
        .query_selector_all(&format!("[data-testid='{id}']"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

fn type_into(id: &str, text: &str) {
    // Inputs and text areas alike: set `value`, then fire `input` as typing does.
    let field = by_testid(id).remove(0);
    js_sys::Reflect::set(&field, &"value".into(), &text.into()).unwrap();
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Mounts the app on the Ledger and waits until its shell (rendered on the first animation
/// frame, after the home screen's first paint) is in the document.
async fn mount_app() -> web_sys::HtmlElement {
    let host: web_sys::HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    // The Ledger (the bare address opens the Learn home screen).
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/ledger")
        .unwrap();
    let handle = leptos::mount::mount_to(host.clone(), blocklab::app::App);
    handle.forget();
    let ready = || {
        host.query_selector("[data-testid=app-ready]")
            .ok()
            .flatten()
            .is_some()
    };
    for _ in 0..100 {
        tick().await;
        if ready() {
            break;
        }
    }
    assert!(ready(), "the shell is rendered");
    host
}

#[wasm_bindgen_test]
async fn the_app_adds_a_record_mines_it_and_saves_the_block() {
    clear();
    let host = mount_app().await;
    tick().await;
    assert_eq!(
        by_testid("block-card").len(),
        1,
        "a new chain shows its genesis block"
    );

    // Bad input first: an amount that is not a number is refused with a message.
    type_into("record-sender", "alice");
    type_into("record-receiver", "bob");
    type_into("record-amount", "abc");
    by_testid("add-record")[0].click();
    tick().await;
    assert!(by_testid("form-error")[0]
        .text_content()
        .unwrap()
        .contains("decimal number"));
    assert_eq!(by_testid("pending-record").len(), 0);

    type_into("record-amount", "1.5");
    by_testid("add-record")[0].click();
    tick().await;
    assert!(by_testid("form-error").is_empty());
    assert_eq!(by_testid("pending-record").len(), 1);

    type_into("difficulty-input", "4");
    tick().await;
    by_testid("mine-button")[0].click();
    for _ in 0..100 {
        tick().await;
        if by_testid("block-card").len() == 2 {
            break;
        }
    }
    let cards = by_testid("block-card");
    assert_eq!(cards.len(), 2, "the mined block is shown");
    assert_eq!(
        cards[1].get_attribute("data-valid").as_deref(),
        Some("true")
    );
    assert!(cards[1].text_content().unwrap().contains("alice"));
    assert_eq!(by_testid("pending-record").len(), 0);

    // The snapshot in localStorage now holds both blocks (saved once the tabs' save lock is
    // granted, a task later).
    let mut snapshot = None;
    for _ in 0..100 {
        if let LoadOutcome::Loaded(s) = persist::load(&LocalStore, 0).unwrap() {
            if s.chain.len() == 2 {
                snapshot = Some(s);
                break;
            }
        }
        tick().await;
    }
    let snapshot = snapshot.expect("the saved snapshot holds both blocks");
    assert_eq!(
        cards[1].get_attribute("data-hash").unwrap(),
        snapshot.chain.tip().hash().to_hex()
    );
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn the_app_reports_corrupt_storage_without_overwriting_the_backup() {
    clear();
    LocalStore.set(SNAPSHOT_KEY, "not json at all").unwrap();
    let host = mount_app().await;
    tick().await;
    let banner = by_testid("storage-banner");
    assert_eq!(banner.len(), 1);
    let text = banner[0].text_content().unwrap();
    assert!(text.contains("blocklab.backup."), "{text}");
    let backup_key = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mut found = false;
    for i in 0..backup_key.length().unwrap() {
        let k = backup_key.key(i).unwrap().unwrap();
        if k.starts_with("blocklab.backup.") {
            assert_eq!(
                backup_key.get_item(&k).unwrap().as_deref(),
                Some("not json at all")
            );
            found = true;
        }
    }
    assert!(found, "the unreadable value is kept under a backup key");
    host.remove();
    clear();
}

#[wasm_bindgen_test]
fn the_browser_rng_gives_distinct_unpredictable_bytes() {
    let a: [u8; 32] = blocklab::platform::random::bytes().unwrap();
    let b: [u8; 32] = blocklab::platform::random::bytes().unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 32]);
    // Roughly balanced bits over 4 KiB (a stuck or constant source fails this).
    let mut big = vec![0u8; 4096];
    blocklab::platform::random::fill(&mut big).unwrap();
    let ones: u32 = big.iter().map(|b| b.count_ones()).sum();
    assert!(
        (15_000..=17_800).contains(&ones),
        "{ones} one-bits of 32768"
    );
}

#[wasm_bindgen_test]
async fn a_wallet_is_stored_only_encrypted() {
    clear();
    let host = mount_app().await;
    tick().await;
    let phrase = "test test test test test test test test test test test junk";
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/wallet")
        .unwrap();
    tick().await;
    type_into("import-phrase", phrase);
    type_into("import-password", "password123");
    type_into("import-password-confirm", "password123");
    by_testid("import-wallet")[0].click();
    for _ in 0..100 {
        tick().await;
        if !by_testid("lock-button").is_empty() {
            break;
        }
    }
    assert_eq!(
        by_testid("account-card").len(),
        1,
        "the imported wallet is unlocked"
    );
    let stored = LocalStore.get("blocklab.wallet").unwrap().unwrap();
    assert!(stored.contains("\"kdf\":\"scrypt\""), "{stored}");
    assert!(
        !stored.contains("test test"),
        "the phrase is stored in plaintext"
    );
    assert!(!stored.contains("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"));
    web_sys::window().unwrap().location().set_hash("").unwrap();
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn the_peer_channel_delivers_text_to_other_tabs_and_marks_other_data() {
    use blocklab::platform::broadcast::{Broadcast, Incoming, PeerChannel, CHANNEL_NAME};
    use std::cell::RefCell;
    use std::rc::Rc;

    let heard: Rc<RefCell<Vec<Incoming>>> = Rc::default();
    let sink = Rc::clone(&heard);
    let receiver = Broadcast::open(move |m| sink.borrow_mut().push(m)).unwrap();
    let sender = Broadcast::open(|_| {}).unwrap();
    sender.post("hello peers").unwrap();
    // A script posting something that is not text on the same channel.
    let raw = web_sys::BroadcastChannel::new(CHANNEL_NAME).unwrap();
    raw.post_message(&js_sys::Object::new()).unwrap();
    for _ in 0..100 {
        tick().await;
        if heard.borrow().len() >= 2 {
            break;
        }
    }
    raw.close();
    assert_eq!(
        *heard.borrow(),
        vec![
            Incoming::Text("hello peers".into()),
            Incoming::NotText("object".into())
        ]
    );
    drop(receiver);
    drop(sender);
}

/// The app builds the core without its Unicode tables: before the browser's NFKD is installed,
/// non-ASCII text is refused (never hashed unnormalised); once installed, every Japanese BIP-39
/// vector (published as typed, not NFKD) and a full-width passphrase give the published seeds.
#[wasm_bindgen_test]
fn the_browsers_nfkd_gives_the_bip39_seeds_of_text_as_typed() {
    use blocklab_core::wallet::{Mnemonic, MnemonicError, Seed};
    let vectors: serde_json::Value = serde_json::from_str(include_str!(
        "../crates/core/tests/data/trezor_vectors.json"
    ))
    .unwrap();
    let japanese = vectors["japanese"].as_array().unwrap();
    let first = japanese[0][1].as_str().unwrap();
    assert!(!first.is_ascii());
    assert_eq!(
        Seed::from_phrase_unchecked(first, "TREZOR"),
        Err(MnemonicError::NoNormalizer),
        "this build has no NFKD of its own (the tables are not linked in)"
    );
    assert!(blocklab::platform::nfkd::install());
    // "ﬁ" (U+FB01) decomposes to "fi" under NFKD; "é" to "e" + U+0301.
    use blocklab_core::wallet::mnemonic::nfkd;
    assert_eq!(nfkd("\u{fb01}").unwrap().as_str(), "fi");
    assert_eq!(nfkd("\u{e9}").unwrap().as_str(), "e\u{301}");
    for case in japanese {
        let [phrase, seed] = [1, 2].map(|i| case[i].as_str().unwrap());
        let got = Seed::from_phrase_unchecked(phrase, "TREZOR").unwrap();
        assert_eq!(hex::encode(got.as_bytes()), seed, "{phrase}");
    }
    assert!(japanese.len() >= 24);
    let english = &vectors["english"][0];
    let m = Mnemonic::parse(english[1].as_str().unwrap()).unwrap();
    assert_eq!(
        hex::encode(m.to_seed("ＴＲＥＺＯＲ").unwrap().as_bytes()),
        english[2].as_str().unwrap()
    );
}
