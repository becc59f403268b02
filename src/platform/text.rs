//! Unicode normalisation by the browser (keeps the Unicode tables out of the wasm bundle).

/// NFKD form of `s` (`String.prototype.normalize("NFKD")`), as BIP-39 requires for phrases and
/// passphrases.
pub fn nfkd(s: &str) -> String {
    js_sys::JsString::from(s).normalize("NFKD").into()
}
