//! A platform's NFKD, once installed, normalises every non-ASCII phrase and passphrase (the web
//! app installs the browser's and builds the core without its tables; tests/browser.rs runs
//! that build). Its own test binary: the installation is process-wide.
#![allow(clippy::unwrap_used, reason = "test code")]

use std::sync::atomic::{AtomicUsize, Ordering};

use blocklab_core::wallet::{nfkd, set_platform_nfkd, Mnemonic};
use unicode_normalization::UnicodeNormalization;

static CALLS: AtomicUsize = AtomicUsize::new(0);

fn counting_nfkd(text: &str) -> String {
    CALLS.fetch_add(1, Ordering::SeqCst);
    text.nfkd().collect()
}

fn wrong_nfkd(_: &str) -> String {
    "not this".into()
}

#[test]
fn the_installed_nfkd_is_used_for_non_ascii_text_only() {
    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    let m = Mnemonic::parse(ABANDON).unwrap();
    let before = m.to_seed("ＴＲＥＺＯＲ").unwrap();
    assert!(set_platform_nfkd(counting_nfkd));
    assert!(
        !set_platform_nfkd(wrong_nfkd),
        "the first installation wins"
    );
    // ASCII is its own NFKD: the platform is not asked.
    let ascii = m.to_seed("TREZOR").unwrap();
    assert_eq!(CALLS.load(Ordering::SeqCst), 0);
    assert_eq!(m.to_seed("ＴＲＥＺＯＲ").unwrap(), ascii);
    assert_eq!(before, ascii);
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    assert_eq!(nfkd("\u{fb01}").unwrap().as_str(), "fi");
    assert_eq!(CALLS.load(Ordering::SeqCst), 2);
}
