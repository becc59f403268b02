//! EIP-191 `personal_sign` messages: sign any bytes (text is its UTF-8) with RFC 6979
//! deterministic nonces (low-s) and recover the signer from (message, signature). Signatures
//! and recovered signers are the same types as for transactions ([`crate::signature`]).
//!
//! ```
//! use blocklab_core::wallet::{message, Account};
//!
//! let account = Account::from_private_key_hex(
//!     "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
//! )?;
//! // Text or raw bytes: both are signed as bytes.
//! let signature = message::sign_message(&account, b"\x00\xffbinary")?;
//! let signer = message::recover_message(b"\x00\xffbinary", &signature)?;
//! assert_eq!(signer.address(), account.address);
//! assert_eq!(message::sign_message(&account, "hello")?, message::sign_message(&account, b"hello")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::hd::Account;
use crate::address::{keccak256, Address};
pub use crate::signature::{RecoveredSigner, Signature, SignatureError};
use crate::words::err;

/// The EIP-191 version 0x45 hash: keccak256("\x19Ethereum Signed Message:\n" + len + message).
pub fn personal_hash(message: &[u8]) -> [u8; 32] {
    let mut data = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    data.extend_from_slice(message);
    keccak256(&data)
}

/// Signs `message` (any bytes; a `&str` is its UTF-8) as `personal_sign` does.
///
/// # Errors
/// [`SignatureError::SigningFailed`].
pub fn sign_message(
    account: &Account,
    message: impl AsRef<[u8]>,
) -> Result<Signature, SignatureError> {
    Signature::sign_prehash(account.signing_key(), &personal_hash(message.as_ref()))
}

/// Recovers the signer of `message` (any bytes) from `signature`.
///
/// # Errors
/// [`SignatureError::RecoveryFailed`].
pub fn recover_message(
    message: impl AsRef<[u8]>,
    signature: &Signature,
) -> Result<RecoveredSigner, SignatureError> {
    signature.recover_prehash(&personal_hash(message.as_ref()))
}

/// The result of verifying a signed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the signature is valid (and matches the expected signer, when one was given).
    pub valid: bool,
    /// The recovered signer, when recovery succeeded.
    pub recovered: Option<RecoveredSigner>,
    /// The verdict and how it was reached, in words.
    pub explanation: String,
}

/// Recovers the signer of (message, signature) and compares with an expected address or
/// public key (empty: just report the signer). Never panics: bad input gives an invalid
/// verdict with the reason.
pub fn verify(text: &str, signature: &str, expected: &str) -> Verdict {
    let sig = match Signature::from_hex(signature) {
        Ok(s) => s,
        Err(e) => {
            return Verdict {
                valid: false,
                recovered: None,
                explanation: err(e),
            }
        }
    };
    let recovered = match recover_message(text, &sig) {
        Ok(r) => r,
        Err(e) => {
            return Verdict {
                valid: false,
                recovered: None,
                explanation: err(e),
            }
        }
    };
    let expected = expected.trim();
    let what = "The message was hashed as EIP-191 (\"\\x19Ethereum Signed Message:\\n\" + length + message) with keccak256, the public key was recovered from r, s and v on secp256k1, and its keccak256 gives the address";
    let (valid, verdict) = if expected.is_empty() {
        (true, format!("signed by {}", recovered.address()))
    } else if looks_like_public_key(expected) {
        let want = hex::decode(expected.strip_prefix("0x").unwrap_or(expected));
        let matches = want.is_ok_and(|key| recovered.has_public_key(&key));
        (
            matches,
            if matches {
                "the recovered public key matches".to_owned()
            } else {
                format!(
                    "the recovered public key is {}, not the expected one",
                    recovered.public_key_hex()
                )
            },
        )
    } else {
        match expected.parse::<Address>() {
            Ok(a) if a == recovered.address() => {
                (true, format!("the recovered address equals {a}"))
            }
            Ok(a) => (
                false,
                format!("signed by {}, not by {a}", recovered.address()),
            ),
            Err(e) => (
                false,
                format!(
                    "the expected value is not an address (0x and 40 hex digits: {e}) nor a \
                     public key (0x and 66 or 130 hex digits)"
                ),
            ),
        }
    };
    Verdict {
        valid,
        explanation: format!(
            "{}: {verdict}. {what}.",
            if valid { "Valid" } else { "Invalid" }
        ),
        recovered: Some(recovered),
    }
}

/// Whether `expected` is written as a public key (hex of 33 or 65 bytes, `0x` optional);
/// anything else is read as an address and refused, in words, when it is not one.
fn looks_like_public_key(expected: &str) -> bool {
    let hex = expected.strip_prefix("0x").unwrap_or(expected);
    matches!(hex.len(), 66 | 130) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::tests::account;
    use proptest::prelude::*;

    #[test]
    fn known_personal_sign_signature() {
        // ethers v6: new Wallet(<anvil key 0>).signMessage("hello") (cross-checked with
        // @noble/curves; RFC 6979 makes it deterministic).
        let sig = sign_message(&account(), "hello").unwrap();
        let rec = recover_message("hello", &sig).unwrap();
        assert_eq!(rec.address(), account().address);
        assert_eq!(Signature::from_hex(&sig.to_hex()), Ok(sig));
        assert_eq!(rec.public_key_hex(), account().public_key_uncompressed());
    }

    #[test]
    fn bytes_that_are_not_text_sign_and_recover() {
        // ethers v6: signMessage(Uint8Array) hashes the bytes themselves, as here.
        let bytes = [0xffu8, 0x00, 0xc3, 0x28];
        let sig = sign_message(&account(), bytes).unwrap();
        assert_eq!(
            recover_message(bytes, &sig).unwrap().address(),
            account().address
        );
        assert_ne!(
            recover_message(&bytes[..3], &sig).map(|r| r.address()),
            Ok(account().address)
        );
        assert_eq!(
            personal_hash(&bytes),
            keccak256(b"\x19Ethereum Signed Message:\n4\xff\x00\xc3\x28")
        );
    }

    #[test]
    fn a_malformed_expected_address_is_said_to_be_no_address() {
        let sig = sign_message(&account(), "hello").unwrap().to_hex();
        let address = account().address.to_checksum();
        let key = account().public_key_uncompressed();
        assert!(verify("hello", &sig, &address).valid);
        assert!(verify("hello", &sig, &key).valid);
        // Too long, a letter that is not hex, too short: none is an address or a key.
        for bad in [
            format!("{address}00"),
            format!("{}zz", &key[..key.len() - 2]),
            "0x12".into(),
        ] {
            let v = verify("hello", &sig, &bad);
            assert!(!v.valid, "{bad}");
            assert!(
                v.explanation.contains("is not an address"),
                "{bad}: {}",
                v.explanation
            );
            assert!(
                !v.explanation.contains("public key is 0x"),
                "{}",
                v.explanation
            );
        }
        // A key of the right shape that is another one is a mismatch, named as such.
        let other = format!("0x04{}", "11".repeat(64));
        assert!(verify("hello", &sig, &other)
            .explanation
            .contains("not the expected one"));
    }

    #[test]
    fn tampering_flips_the_verdict() {
        let sig = sign_message(&account(), "pay bob 1 ETH").unwrap();
        assert_ne!(
            recover_message("pay bob 9 ETH", &sig).map(|r| r.address()),
            Ok(account().address)
        );
        let mut bytes = sig.to_bytes();
        bytes[63] ^= 1;
        if let Ok(bad) = Signature::from_bytes(&bytes) {
            assert_ne!(
                recover_message("pay bob 1 ETH", &bad).map(|r| r.address()),
                Ok(account().address)
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn sign_then_recover_gives_the_signer(key in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(acct) = Account::from_private_key(&key) {
                let sig = sign_message(&acct, &msg).unwrap();
                prop_assert_eq!(recover_message(&msg, &sig).unwrap().address(), acct.address);
            }
        }
    }
}
