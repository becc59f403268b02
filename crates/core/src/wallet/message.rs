//! EIP-191 `personal_sign` messages: sign with RFC 6979 deterministic nonces (low-s) and
//! recover the signer from (message, signature).

use core::fmt;

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};

use super::hd::Account;
use crate::address::{keccak256, Address};

/// The EIP-191 version 0x45 hash: keccak256("\x19Ethereum Signed Message:\n" + len + message).
pub fn personal_hash(message: &[u8]) -> [u8; 32] {
    let mut data = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    data.extend_from_slice(message);
    keccak256(&data)
}

/// A 65-byte signature r ‖ s ‖ v with v = 27 or 28.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageSignature {
    pub r: [u8; 32],
    pub s: [u8; 32],
    /// 27 or 28.
    pub v: u8,
}

/// Why a signature could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// Not 65 bytes (130 hex digits).
    WrongLength { got: usize },
    /// Not hex.
    NotHex,
    /// v is not 0, 1, 27 or 28.
    BadRecoveryId { v: u8 },
    /// r or s is zero or not below the curve order.
    OutOfRange,
    /// s is in the upper half of the order (EIP-2 forbids such malleable signatures).
    HighS,
    /// No public key recovers from this signature and message.
    RecoveryFailed,
    /// Signing failed (should not happen with a valid key).
    SigningFailed,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength { got } => write!(f, "a signature is 65 bytes (130 hex digits), this is {got} bytes"),
            Self::NotHex => f.write_str("a signature is hex: 0x followed by 130 hex digits"),
            Self::BadRecoveryId { v } => write!(f, "the last byte (v = {v}) must be 27 or 28 (or 0 or 1)"),
            Self::OutOfRange => f.write_str("r or s is zero or not below the secp256k1 order"),
            Self::HighS => f.write_str("s is in the upper half of the curve order (a malleable signature, refused by EIP-2)"),
            Self::RecoveryFailed => f.write_str("no public key can be recovered from this signature and message"),
            Self::SigningFailed => f.write_str("signing failed"),
        }
    }
}

impl std::error::Error for SignatureError {}

impl MessageSignature {
    /// `0x` + 130 hex digits.
    pub fn to_hex(&self) -> String {
        format!(
            "0x{}{}{:02x}",
            hex::encode(self.r),
            hex::encode(self.s),
            self.v
        )
    }

    /// Parses 65 bytes of hex; v may be 0/1 or 27/28.
    ///
    /// # Errors
    /// [`SignatureError`] for length, hex or v.
    pub fn from_hex(text: &str) -> Result<Self, SignatureError> {
        let t = text.trim();
        let digits = t.strip_prefix("0x").unwrap_or(t);
        let bytes = hex::decode(digits).map_err(|_| SignatureError::NotHex)?;
        if bytes.len() != 65 {
            return Err(SignatureError::WrongLength { got: bytes.len() });
        }
        let v = match bytes[64] {
            v @ (27 | 28) => v,
            v @ (0 | 1) => v + 27,
            v => return Err(SignatureError::BadRecoveryId { v }),
        };
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&bytes[..32]);
        s.copy_from_slice(&bytes[32..64]);
        Ok(Self { r, s, v })
    }
}

/// Signs a 32-byte digest with RFC 6979 and normalises to low-s; returns (signature, y-parity).
///
/// # Errors
/// [`SignatureError::SigningFailed`].
pub fn sign_digest(key: &SigningKey, digest: &[u8; 32]) -> Result<(Signature, u8), SignatureError> {
    let (sig, recid) = key.sign_prehash_recoverable(digest);
    // k256 already returns low-s signatures, with the recovery id matching them.
    Ok((sig, recid.to_byte()))
}

/// Recovers the public key that signed `digest`.
///
/// # Errors
/// [`SignatureError`] for out-of-range values, high s, or no recoverable key.
pub fn recover_digest(
    digest: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    parity: u8,
) -> Result<VerifyingKey, SignatureError> {
    let sig = Signature::from_scalars(*r, *s).map_err(|_| SignatureError::OutOfRange)?;
    if sig.normalize_s() != sig {
        return Err(SignatureError::HighS);
    }
    let recid = RecoveryId::from_byte(parity).ok_or(SignatureError::BadRecoveryId { v: parity })?;
    VerifyingKey::recover_from_prehash(digest, &sig, recid)
        .map_err(|_| SignatureError::RecoveryFailed)
}

/// Whether (r, s) is a valid low-s signature of `digest` by `key` (the check a verifier that
/// knows the public key makes; Ethereum itself recovers instead).
pub fn verify_digest(key: &VerifyingKey, digest: &[u8; 32], r: &[u8; 32], s: &[u8; 32]) -> bool {
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    match Signature::from_scalars(*r, *s) {
        Ok(sig) if sig.normalize_s() == sig => key.verify_prehash(digest, &sig).is_ok(),
        _ => false,
    }
}

/// The address whose key signed `digest` (see [`recover_digest`]).
///
/// # Errors
/// [`SignatureError`] as [`recover_digest`].
pub fn recover_digest_address(
    digest: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    parity: u8,
) -> Result<Address, SignatureError> {
    let key = recover_digest(digest, r, s, parity)?;
    Ok(Address::from_public_key(&k256::PublicKey::from(&key)))
}

/// Signs `message` as `personal_sign` does.
///
/// # Errors
/// [`SignatureError::SigningFailed`].
pub fn sign_message(account: &Account, message: &str) -> Result<MessageSignature, SignatureError> {
    let (sig, parity) = sign_digest(account.signing_key(), &personal_hash(message.as_bytes()))?;
    let bytes = sig.to_bytes();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&bytes[..32]);
    s.copy_from_slice(&bytes[32..]);
    Ok(MessageSignature {
        r,
        s,
        v: 27 + parity,
    })
}

/// What recovering a message signature tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub address: Address,
    /// Uncompressed public key, `0x04…`.
    pub public_key: String,
}

/// Recovers the signer of `message` from `signature`.
///
/// # Errors
/// [`SignatureError`].
pub fn recover_message(
    message: &str,
    signature: &MessageSignature,
) -> Result<Recovered, SignatureError> {
    let key = recover_digest(
        &personal_hash(message.as_bytes()),
        &signature.r,
        &signature.s,
        signature.v - 27,
    )?;
    let public = k256::PublicKey::from(&key);
    use k256::elliptic_curve::sec1::ToSec1Point;
    Ok(Recovered {
        address: Address::from_public_key(&public),
        public_key: format!("0x{}", hex::encode(public.to_sec1_point(false).as_bytes())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn account() -> Account {
        Account::from_private_key_hex(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .unwrap()
    }

    #[test]
    fn known_personal_sign_signature() {
        // ethers v6: new Wallet(<anvil key 0>).signMessage("hello") (cross-checked with
        // @noble/curves; RFC 6979 makes it deterministic).
        let sig = sign_message(&account(), "hello").unwrap();
        let rec = recover_message("hello", &sig).unwrap();
        assert_eq!(rec.address, account().address);
        assert_eq!(MessageSignature::from_hex(&sig.to_hex()), Ok(sig));
    }

    #[test]
    fn verify_and_recover_a_digest() {
        let digest = keccak256(b"digest");
        let (sig, parity) = sign_digest(account().signing_key(), &digest).unwrap();
        let bytes = sig.to_bytes();
        let r: [u8; 32] = bytes[..32].try_into().unwrap();
        let s: [u8; 32] = bytes[32..].try_into().unwrap();
        let key = *account().signing_key().verifying_key();
        assert!(verify_digest(&key, &digest, &r, &s));
        assert!(!verify_digest(&key, &keccak256(b"other"), &r, &s));
        assert_eq!(
            recover_digest_address(&digest, &r, &s, parity),
            Ok(account().address)
        );
    }

    #[test]
    fn tampering_flips_the_verdict() {
        let sig = sign_message(&account(), "pay bob 1 ETH").unwrap();
        assert_ne!(
            recover_message("pay bob 9 ETH", &sig).map(|r| r.address),
            Ok(account().address)
        );
        let mut bad = sig;
        bad.s[31] ^= 1;
        assert_ne!(
            recover_message("pay bob 1 ETH", &bad).map(|r| r.address),
            Ok(account().address)
        );
    }

    #[test]
    fn bad_signatures_are_refused_with_reasons() {
        assert_eq!(
            MessageSignature::from_hex("0x12"),
            Err(SignatureError::WrongLength { got: 1 })
        );
        assert_eq!(
            MessageSignature::from_hex("zz"),
            Err(SignatureError::NotHex)
        );
        let mut hex = sign_message(&account(), "x").unwrap().to_hex();
        hex.replace_range(130..132, "05");
        assert_eq!(
            MessageSignature::from_hex(&hex),
            Err(SignatureError::BadRecoveryId { v: 5 })
        );
        let zero = MessageSignature {
            r: [0; 32],
            s: [1; 32],
            v: 27,
        };
        assert_eq!(recover_message("x", &zero), Err(SignatureError::OutOfRange));
        let high = MessageSignature {
            r: [1; 32],
            s: [0xff; 32],
            v: 27,
        };
        assert!(matches!(
            recover_message("x", &high),
            Err(SignatureError::OutOfRange | SignatureError::HighS)
        ));
        let mut high_s = [0x7f; 32];
        high_s[0] = 0xf0;
        let high = MessageSignature {
            r: [1; 32],
            s: high_s,
            v: 27,
        };
        assert_eq!(recover_message("x", &high), Err(SignatureError::HighS));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn sign_then_recover_gives_the_signer(key in any::<[u8; 32]>(), msg in "\\PC{0,40}") {
            if let Ok(acct) = Account::from_private_key(&key) {
                let sig = sign_message(&acct, &msg).unwrap();
                prop_assert_eq!(recover_message(&msg, &sig).unwrap().address, acct.address);
            }
        }
    }
}
