//! Secrets typed into the page (passwords, a recovery phrase, a private key) and shown by it:
//! read into zeroizing buffers of their final size, never through a signal, and written into
//! the DOM straight from the wasm memory. The limits are in SECURITY.md ("Secrets in memory").

use js_sys::{JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::{Zeroize, Zeroizing};

/// The `value` of an `<input>` or `<textarea>`, decoded here from its UTF-16 code units into a
/// buffer sized before the first byte is written: wasm-bindgen's own string passing grows
/// (reallocates) its buffer for non-ASCII text and would leave a partial copy behind.
pub fn read(element: &web_sys::Element) -> Zeroizing<String> {
    let value = Reflect::get(element, &JsValue::from_str("value"))
        .ok()
        .and_then(|v| v.dyn_into::<JsString>().ok());
    let Some(value) = value else {
        return Zeroizing::new(String::new());
    };
    // A UTF-16 code unit is at most 3 UTF-8 bytes.
    let mut out = Zeroizing::new(String::with_capacity(value.length() as usize * 3));
    for c in char::decode_utf16(value.iter()) {
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    out
}

/// Empties an `<input>` or `<textarea>`.
pub fn clear(element: &web_sys::Element) {
    let _ = Reflect::set(element, &JsValue::from_str("value"), &JsValue::from_str(""));
}

/// Reads and empties a field: the secret now lives only in the returned buffer.
pub fn take(element: &web_sys::Element) -> Zeroizing<String> {
    let value = read(element);
    clear(element);
    value
}

/// Overwrites the unused part of the wasm stack below the caller's frame. Cryptographic code
/// (k256, hmac, pbkdf2) leaves key bytes in stack frames it does not wipe; the next deep call
/// usually overwrites them, this makes sure (called on lock and after showing secrets).
///
/// 256 KiB of the 1 MiB stack: the lock can run from a shallower frame than the export did (a
/// timer rather than a click), so the wipe reaches well past the deepest signing frames. (64
/// KiB left one copy of a key's limbs about once in 84 e2e runs; not proven to be the stack.)
/// The stack is first in memory, so a deeper wipe would trap, never overwrite data.
#[inline(never)]
pub fn wipe_stack() {
    let mut scratch = [0u8; 256 * 1024];
    scratch.zeroize();
    core::hint::black_box(&scratch);
}
