//! The browser's NFKD (`String.prototype.normalize("NFKD")`) for the core's BIP-39 functions.
//! The app builds `blocklab-core` without its `unicode-tables` feature: the tables are about
//! 100 KB of wasm that every first load would fetch (BENCHMARKS.md, "NFKD from the browser"),
//! while every browser ships the same normalisation. `src/bin/app.rs` installs it at start-up.

/// Installs the browser's NFKD in the core (the first call wins).
pub fn install() -> bool {
    blocklab_core::wallet::set_platform_nfkd(normalize)
}

fn normalize(text: &str) -> String {
    String::from(js_sys::JsString::from(text).normalize("NFKD"))
}
