//! Entry points for the benchmark suite (`scripts/bench.sh`): called from JavaScript through
//! Trunk's `window.wasmBindings`, timed there with `performance.now()` next to peer libraries in
//! the same page. They do the same work as the app's own actions.

use blocklab_core::persist;
use blocklab_core::wallet::hd::{Account, PathPreset};
use blocklab_core::wallet::keystore::{self, EncryptionRandomness};
use blocklab_core::wallet::Mnemonic;
use blocklab_core::{Chain, Entry, SenderCache, Signature, SignedTx, ValidationReport};
use wasm_bindgen::prelude::*;

use crate::pages::wallet::state::SCRYPT;

/// Restores a wallet from `phrase` and derives `count` BIP-44 addresses; returns them.
///
/// # Errors
/// The phrase or derivation error as a string.
#[wasm_bindgen]
pub fn bench_restore_wallet(phrase: &str, count: u32) -> Result<Vec<String>, JsError> {
    let seed = Mnemonic::parse(phrase)
        .and_then(|m| m.to_seed(""))
        .map_err(|e| JsError::new(&e.to_string()))?;
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
    .map(|v| v.to_json())
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

/// A private key held for the signature benchmarks (parsed once, outside the timed loops).
#[wasm_bindgen]
pub struct BenchSigner {
    account: Account,
}

fn digest_at(bytes: &[u8], i: usize) -> Result<[u8; 32], JsError> {
    bytes
        .get(i * 32..(i + 1) * 32)
        .and_then(|d| d.try_into().ok())
        .ok_or_else(|| JsError::new("truncated input"))
}

#[wasm_bindgen]
impl BenchSigner {
    /// Parses a private key (hex).
    ///
    /// # Errors
    /// An invalid key.
    #[wasm_bindgen(constructor)]
    pub fn new(private_key_hex: &str) -> Result<BenchSigner, JsError> {
        Account::from_private_key_hex(private_key_hex)
            .map(|account| Self { account })
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// The key's checksummed address.
    pub fn address(&self) -> String {
        self.account.address.to_checksum()
    }

    /// The uncompressed public key (hex, as the wallet shows it).
    pub fn public_key(&self) -> String {
        self.account.public_key_uncompressed()
    }

    /// Signs each 32-byte digest of `digests` (concatenated) with RFC 6979 (low-s): returns
    /// r ‖ s ‖ recovery id (65 bytes each), the core's `Signature::sign_prehash` as
    /// transactions use it.
    ///
    /// # Errors
    /// Truncated input or a signing failure.
    pub fn sign_digests(&self, digests: &[u8]) -> Result<Vec<u8>, JsError> {
        let n = digests.len() / 32;
        let mut out = Vec::with_capacity(n * 65);
        for i in 0..n {
            let sig = Signature::sign_prehash(self.account.signing_key(), &digest_at(digests, i)?)
                .map_err(|e| JsError::new(&e.to_string()))?;
            out.extend_from_slice(&sig.to_bytes()[..64]);
            out.push(u8::from(sig.y_parity()));
        }
        Ok(out)
    }

    /// Verifies 65-byte signatures (as [`Self::sign_digests`] returns) of `digests` against this
    /// key; returns how many are valid.
    ///
    /// # Errors
    /// Truncated input.
    pub fn verify_digests(&self, digests: &[u8], signatures: &[u8]) -> Result<u32, JsError> {
        let key = self.account.signing_key().verifying_key();
        let mut valid = 0;
        for i in 0..digests.len() / 32 {
            if signature_at(signatures, i)?.verify_prehash(key, &digest_at(digests, i)?) {
                valid += 1;
            }
        }
        Ok(valid)
    }
}

fn signature_at(bytes: &[u8], i: usize) -> Result<Signature, JsError> {
    let sig = bytes
        .get(i * 65..(i + 1) * 65)
        .ok_or_else(|| JsError::new("truncated signatures"))?;
    Signature::from_bytes(sig).map_err(|e| JsError::new(&e.to_string()))
}

/// Recovers the signer's address of each (digest, 65-byte signature) pair: 20 bytes each. This
/// is the work of recovering a transaction's sender (public key recovery, then keccak256).
///
/// # Errors
/// Truncated input or an unrecoverable signature.
#[wasm_bindgen]
pub fn bench_recover_addresses(digests: &[u8], signatures: &[u8]) -> Result<Vec<u8>, JsError> {
    let n = digests.len() / 32;
    let mut out = Vec::with_capacity(n * 20);
    for i in 0..n {
        let signer = signature_at(signatures, i)?
            .recover_prehash(&digest_at(digests, i)?)
            .map_err(|e| JsError::new(&e.to_string()))?;
        out.extend_from_slice(signer.address().as_bytes());
    }
    Ok(out)
}

/// A chain loaded from a snapshot the way the app loads it, for the chain benchmarks.
#[wasm_bindgen]
pub struct BenchChain {
    chain: Chain,
}

fn invalid(report: &ValidationReport) -> JsError {
    match report.first_invalid() {
        Some(v) => JsError::new(&format!(
            "block {} is invalid: {}",
            v.height,
            v.problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )),
        None => JsError::new("invalid chain"),
    }
}

#[wasm_bindgen]
impl BenchChain {
    /// Decodes a snapshot (`blocklab.snapshot` JSON) with the core's `decode_snapshot` and
    /// checks every stored sender, the whole of what the app does on start (the checks run
    /// after the first paint there): parse, rebuild the state, recover every sender once.
    ///
    /// # Errors
    /// A snapshot that does not decode, or a chain that is not entirely valid.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> Result<BenchChain, JsError> {
        let mut loaded = Self::on_trust(json)?;
        let found = loaded.chain.check_stored_senders(usize::MAX);
        if let Some(m) = found.first() {
            return Err(JsError::new(&m.to_string()));
        }
        Ok(loaded)
    }

    /// The part of [`Self::new`] before the first paint: decode and rebuild the state with the
    /// stored senders taken on trust (none recovered).
    ///
    /// # Errors
    /// A snapshot that does not decode, or a chain that is not entirely valid.
    pub fn on_trust(json: &str) -> Result<BenchChain, JsError> {
        let snapshot = persist::decode_snapshot(json).map_err(|e| JsError::new(&e.to_string()))?;
        let chain = snapshot.chain;
        if chain.valid_len() != chain.len() {
            return Err(JsError::new(&format!(
                "only {} of {} blocks are valid",
                chain.valid_len(),
                chain.len()
            )));
        }
        Ok(Self { chain })
    }

    /// Number of blocks, genesis included.
    pub fn blocks(&self) -> usize {
        self.chain.len()
    }

    /// Number of signed transactions.
    pub fn transactions(&self) -> usize {
        self.chain
            .blocks()
            .iter()
            .flat_map(|b| &b.entries)
            .filter(|e| matches!(e, Entry::Tx { .. }))
            .count()
    }

    /// Senders the chain's own cache has recovered (all of them, once, on load).
    pub fn cached_recoveries(&self) -> f64 {
        self.chain.sender_cache().recoveries() as f64
    }

    /// Full validation with an empty sender cache (every signature recovered); returns the
    /// number of recoveries.
    ///
    /// # Errors
    /// The first invalid block.
    pub fn validate_cold(&self) -> Result<f64, JsError> {
        let mut senders = SenderCache::new();
        let report = self.chain.validate_with(self.chain.params(), &mut senders);
        if !report.is_valid() {
            return Err(invalid(&report));
        }
        Ok(senders.recoveries() as f64)
    }

    /// Full validation as the app runs it (`Chain::validate`: the chain's sender cache, filled
    /// on load); returns the number of recoveries it needed (0 when the cache works).
    ///
    /// # Errors
    /// The first invalid block.
    pub fn validate_warm(&self) -> Result<f64, JsError> {
        let mut senders = self.chain.sender_cache().clone();
        let before = senders.recoveries();
        let report = self.chain.validate_with(self.chain.params(), &mut senders);
        if !report.is_valid() {
            return Err(invalid(&report));
        }
        Ok((senders.recoveries() - before) as f64)
    }

    /// Every transaction's signing digest (32 bytes each, concatenated), in chain order.
    pub fn digests(&self) -> Vec<u8> {
        self.txs().flat_map(|tx| tx.tx().signing_hash()).collect()
    }

    /// Every transaction's signature as r ‖ s ‖ y-parity (65 bytes each), in chain order.
    pub fn signatures(&self) -> Vec<u8> {
        self.txs()
            .flat_map(|tx| {
                let sig = tx.signature();
                let mut out = sig.r().to_be_bytes::<32>().to_vec();
                out.extend_from_slice(&sig.s().to_be_bytes::<32>());
                out.push(u8::from(sig.y_parity()));
                out
            })
            .collect()
    }

    /// Every transaction's claimed sender (20 bytes each), in chain order.
    pub fn senders(&self) -> Vec<u8> {
        self.chain
            .blocks()
            .iter()
            .flat_map(|b| &b.entries)
            .filter_map(|e| match e {
                Entry::Tx { from, .. } => Some(*from.as_bytes()),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

impl BenchChain {
    fn txs(&self) -> impl Iterator<Item = &SignedTx> {
        self.chain
            .blocks()
            .iter()
            .flat_map(|b| &b.entries)
            .filter_map(|e| match e {
                Entry::Tx { raw, .. } => Some(raw),
                _ => None,
            })
    }
}

/// Runs a fresh proof-of-stake network (`validators` of 32 ETH on `nodes`) for `slots` slots,
/// the work the Nodes screen's clock does; returns JSON `{"ms":…,"made":…,"checked":…}`.
#[wasm_bindgen]
pub fn bench_pos_slots(validators: u32, nodes: u32, slots: u32) -> String {
    let t0 = crate::platform::clock::perf_ms();
    let net = blocklab_core::pos::sim::PosNetwork::bench(
        validators as usize,
        nodes as usize,
        u64::from(slots),
    );
    let ms = crate::platform::clock::perf_ms() - t0;
    format!(
        "{{\"ms\":{ms},\"made\":{},\"checked\":{}}}",
        net.signatures_made(),
        net.signatures_checked()
    )
}
