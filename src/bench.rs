//! Entry points for the benchmark suite (`scripts/bench.sh`): called from JavaScript through
//! Trunk's `window.wasmBindings`, timed there with `performance.now()` next to peer libraries in
//! the same page. They do the same work as the app's own actions.

use blocklab_core::wallet::hd::{Account, PathPreset};
use blocklab_core::wallet::keystore::{self, EncryptionRandomness};
use blocklab_core::wallet::Mnemonic;
use wasm_bindgen::prelude::*;

use crate::state::wallet::SCRYPT;

/// Restores a wallet from `phrase` and derives `count` BIP-44 addresses; returns them.
///
/// # Errors
/// The phrase or derivation error as a string.
#[wasm_bindgen]
pub fn bench_restore_wallet(phrase: &str, count: u32) -> Result<Vec<String>, JsError> {
    let seed = Mnemonic::parse(phrase)
        .map_err(|e| JsError::new(&e.to_string()))?
        .to_seed("");
    let paths = (0..count)
        .map(|i| PathPreset::Bip44.path(i).parse())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e: blocklab_core::wallet::HdError| JsError::new(&e.to_string()))?;
    let accounts = Account::derive_many(&seed, &paths).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(accounts.iter().map(|a| a.address.to_checksum()).collect())
}

/// Encrypts a private key as the app does (scrypt with the app's parameters); returns the JSON.
///
/// # Errors
/// Key or encryption errors as a string.
#[wasm_bindgen]
pub fn bench_encrypt_keystore(private_key_hex: &str, password: &str) -> Result<String, JsError> {
    let a =
        Account::from_private_key_hex(private_key_hex).map_err(|e| JsError::new(&e.to_string()))?;
    let rand = EncryptionRandomness {
        salt: [7; 32],
        iv: [8; 16],
        uuid: [9; 16],
    };
    keystore::encrypt(
        a.private_key_bytes().as_slice(),
        password,
        SCRYPT,
        &rand,
        Some(&a.address),
        None,
    )
    .map(|v| v.to_string())
    .map_err(|e| JsError::new(&e.to_string()))
}

/// Unlocks a keystore (the work of the wallet's Unlock button); returns the address.
///
/// # Errors
/// Keystore errors as a string.
#[wasm_bindgen]
pub fn bench_unlock_keystore(json: &str, password: &str) -> Result<String, JsError> {
    let v = keystore::parse(json).map_err(|e| JsError::new(&e.to_string()))?;
    keystore::decrypt_private_key(&v, password)
        .map(|a| a.address.to_checksum())
        .map_err(|e| JsError::new(&e.to_string()))
}
