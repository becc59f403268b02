//! Randomness from the browser's CSPRNG (`crypto.getRandomValues`). The core never makes its
//! own: it takes these bytes as parameters.

/// Fills `buf` with cryptographically secure random bytes.
///
/// # Errors
/// A message when the browser offers no `crypto.getRandomValues` (then no key is made).
pub fn fill(buf: &mut [u8]) -> Result<(), String> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| "this browser offers no secure random number generator".to_owned())?;
    crypto
        .get_random_values_with_u8_array(buf)
        .map(|_| ())
        .map_err(|e| format!("the secure random number generator failed ({e:?})"))
}

/// `N` random bytes.
///
/// # Errors
/// See [`fill`].
pub fn bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}
