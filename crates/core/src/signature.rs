//! secp256k1 signatures as Ethereum uses them, for messages (EIP-191) and transactions alike:
//! one [`Signature`] type (r, s, y parity; checked when built), signing of a 32-byte digest
//! with RFC 6979 deterministic nonces (low-s, EIP-2), and one [`RecoveredSigner`] type (address
//! and public key) for whatever recovery finds.
//!
//! ```
//! use blocklab_core::address::keccak256;
//! use blocklab_core::signature::Signature;
//! use blocklab_core::wallet::Account;
//!
//! let account = Account::from_private_key_hex(
//!     "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
//! )?;
//! let digest = keccak256(b"any 32-byte digest");
//! let signature = Signature::sign_prehash(account.signing_key(), &digest)?;
//! let signer = signature.recover_prehash(&digest)?;
//! assert_eq!(signer.address(), account.address);
//! // The 65-byte r ‖ s ‖ v form (v = 27 or 28) that wallets exchange.
//! assert_eq!(Signature::from_hex(&signature.to_hex())?, signature);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use k256::ecdsa::{RecoveryId, SigningKey, VerifyingKey};
use k256::elliptic_curve::sec1::ToSec1Point;
use ruint::aliases::U256;

use crate::address::Address;

/// Why a signature could not be made, read or used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// Not 65 bytes (130 hex digits).
    WrongLength { got: usize },
    /// Not hex.
    NotHex,
    /// The last byte v is not 0, 1, 27 or 28.
    BadRecoveryId { v: u8 },
    /// r or s is zero.
    ZeroValue { which: &'static str },
    /// r or s is not below the secp256k1 group order.
    ValueTooLarge { which: &'static str },
    /// s is in the upper half of the order (EIP-2 forbids such malleable signatures).
    HighS,
    /// No public key recovers from this signature and digest.
    RecoveryFailed,
    /// Signing failed (not expected with a valid key).
    SigningFailed,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength { got } => write!(f, "a signature is 65 bytes (130 hex digits), this is {got} bytes"),
            Self::NotHex => f.write_str("a signature is hex: 0x followed by 130 hex digits"),
            Self::BadRecoveryId { v } => write!(f, "the last byte (v = {v}) must be 27 or 28 (or 0 or 1)"),
            Self::ZeroValue { which } => write!(f, "the signature value {which} is zero"),
            Self::ValueTooLarge { which } => write!(f, "the signature value {which} is not below the secp256k1 order"),
            Self::HighS => f.write_str("s is in the upper half of the curve order (a malleable signature, refused by EIP-2)"),
            Self::RecoveryFailed => f.write_str("no public key can be recovered from this signature"),
            Self::SigningFailed => f.write_str("signing failed"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A secp256k1 signature: `r`, `s` and the y parity of the nonce point (the recovery id).
/// Built only through checks ([`Signature::new`], [`Signature::from_bytes`], signing), so `r`
/// and `s` are always in `1..n` and `s` is in the lower half (EIP-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    r: U256,
    s: U256,
    y_parity: bool,
}

/// Checks one signature scalar: non-zero and below the group order.
fn check_scalar(value: U256, which: &'static str) -> Result<k256::Scalar, SignatureError> {
    use k256::elliptic_curve::ff::PrimeField;
    if value.is_zero() {
        return Err(SignatureError::ZeroValue { which });
    }
    let bytes: [u8; 32] = value.to_be_bytes();
    Option::<k256::Scalar>::from(k256::Scalar::from_repr(bytes.into()))
        .ok_or(SignatureError::ValueTooLarge { which })
}

impl Signature {
    /// Checks and wraps a signature.
    ///
    /// # Errors
    /// [`SignatureError::ZeroValue`], [`SignatureError::ValueTooLarge`] (not below the
    /// secp256k1 order) or [`SignatureError::HighS`].
    pub fn new(r: U256, s: U256, y_parity: bool) -> Result<Self, SignatureError> {
        use k256::elliptic_curve::scalar::IsHigh;
        check_scalar(r, "r")?;
        if bool::from(check_scalar(s, "s")?.is_high()) {
            return Err(SignatureError::HighS);
        }
        Ok(Self { r, s, y_parity })
    }

    /// Signs a 32-byte digest with RFC 6979 deterministic nonces; the result is low-s.
    ///
    /// # Errors
    /// [`SignatureError::SigningFailed`] (not expected with a valid key).
    pub fn sign_prehash(key: &SigningKey, digest: &[u8; 32]) -> Result<Self, SignatureError> {
        let (sig, recid) = key.sign_prehash_recoverable(digest);
        // k256 returns low-s signatures, with the recovery id matching them.
        let (r, s) = sig.split_bytes();
        let r: [u8; 32] = r.into();
        let s: [u8; 32] = s.into();
        Self::new(
            U256::from_be_bytes(r),
            U256::from_be_bytes(s),
            recid.is_y_odd(),
        )
        .map_err(|_| SignatureError::SigningFailed)
    }

    /// `r`.
    pub fn r(&self) -> U256 {
        self.r
    }

    /// `s` (low half of the order).
    pub fn s(&self) -> U256 {
        self.s
    }

    /// The y parity of the nonce point (the recovery id, 0 or 1).
    pub fn y_parity(&self) -> bool {
        self.y_parity
    }

    /// The EIP-191 / pre-EIP-155 `v`: 27 or 28.
    pub fn v(&self) -> u8 {
        27 + u8::from(self.y_parity)
    }

    /// The legacy transaction `v`: `27 + parity` without a chain id, `chain_id * 2 + 35 +
    /// parity` with one (EIP-155). `u128` so that every `u64` chain id fits.
    pub fn legacy_v(&self, chain_id: Option<u64>) -> u128 {
        let parity = u128::from(self.y_parity);
        match chain_id {
            None => 27 + parity,
            Some(id) => u128::from(id) * 2 + 35 + parity,
        }
    }

    /// The 65 bytes `r ‖ s ‖ v` with v = 27 or 28, as `personal_sign` returns them.
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r.to_be_bytes::<32>());
        out[32..64].copy_from_slice(&self.s.to_be_bytes::<32>());
        out[64] = self.v();
        out
    }

    /// Reads 65 bytes `r ‖ s ‖ v`; v may be 0/1 or 27/28.
    ///
    /// # Errors
    /// [`SignatureError::WrongLength`], [`SignatureError::BadRecoveryId`], or the checks of
    /// [`Signature::new`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SignatureError> {
        let bytes: &[u8; 65] = bytes
            .try_into()
            .map_err(|_| SignatureError::WrongLength { got: bytes.len() })?;
        let y_parity = match bytes[64] {
            0 | 27 => false,
            1 | 28 => true,
            v => return Err(SignatureError::BadRecoveryId { v }),
        };
        let r = U256::from_be_slice(&bytes[..32]);
        let s = U256::from_be_slice(&bytes[32..64]);
        Self::new(r, s, y_parity)
    }

    /// `0x` + 130 hex digits ([`Signature::to_bytes`]).
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.to_bytes()))
    }

    /// Parses 65 bytes of hex (`0x` optional, surrounding space ignored).
    ///
    /// # Errors
    /// [`SignatureError::NotHex`], or any error of [`Signature::from_bytes`].
    pub fn from_hex(text: &str) -> Result<Self, SignatureError> {
        let t = text.trim();
        let digits = t.strip_prefix("0x").unwrap_or(t);
        let bytes = hex::decode(digits).map_err(|_| SignatureError::NotHex)?;
        Self::from_bytes(&bytes)
    }

    fn to_k256(self) -> Result<k256::ecdsa::Signature, SignatureError> {
        k256::ecdsa::Signature::from_scalars(self.r.to_be_bytes::<32>(), self.s.to_be_bytes::<32>())
            .map_err(|_| SignatureError::ValueTooLarge { which: "r" })
    }

    /// Recovers the key that signed `digest`.
    ///
    /// # Errors
    /// [`SignatureError::RecoveryFailed`] when no key matches (some `r` is not the x coordinate
    /// of any point).
    pub fn recover_prehash(&self, digest: &[u8; 32]) -> Result<RecoveredSigner, SignatureError> {
        let recid = RecoveryId::new(self.y_parity, false);
        let key = VerifyingKey::recover_from_prehash(digest, &self.to_k256()?, recid)
            .map_err(|_| SignatureError::RecoveryFailed)?;
        RecoveredSigner::from_key(&key).ok_or(SignatureError::RecoveryFailed)
    }

    /// Whether this is a signature of `digest` by `key` (the check a verifier that knows the
    /// public key makes; Ethereum itself recovers instead).
    pub fn verify_prehash(&self, key: &VerifyingKey, digest: &[u8; 32]) -> bool {
        use k256::ecdsa::signature::hazmat::PrehashVerifier;
        self.to_k256()
            .is_ok_and(|sig| key.verify_prehash(digest, &sig).is_ok())
    }
}

/// Who signed: the address and the public key recovered from a signature (of a message or a
/// transaction), or taken from the signing key itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecoveredSigner {
    address: Address,
    public_key: [u8; 65],
}

impl fmt::Debug for RecoveredSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveredSigner")
            .field("address", &self.address)
            .field("public_key", &self.public_key_hex())
            .finish()
    }
}

impl RecoveredSigner {
    /// `None` only if the key's uncompressed form were not 65 bytes (SEC1 says it is).
    pub(crate) fn from_key(key: &VerifyingKey) -> Option<Self> {
        let public = k256::PublicKey::from(key);
        let public_key = <[u8; 65]>::try_from(public.to_sec1_point(false).as_bytes()).ok()?;
        Some(Self {
            address: Address::from_public_key(&public),
            public_key,
        })
    }

    /// The signer's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The uncompressed public key `0x04 ‖ x ‖ y`.
    pub fn public_key(&self) -> &[u8; 65] {
        &self.public_key
    }

    /// The 33-byte compressed public key (`0x02`/`0x03` by the parity of y, then x).
    pub fn public_key_compressed(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out[0] = 2 + (self.public_key[64] & 1);
        out[1..].copy_from_slice(&self.public_key[1..33]);
        out
    }

    /// `0x04…` hex of [`Self::public_key`].
    pub fn public_key_hex(&self) -> String {
        format!("0x{}", hex::encode(self.public_key))
    }

    /// Whether `key` (33 compressed or 65 uncompressed bytes) is this signer's public key.
    pub fn has_public_key(&self, key: &[u8]) -> bool {
        key == self.public_key.as_slice() || key == self.public_key_compressed().as_slice()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::address::keccak256;
    use crate::wallet::Account;

    /// Anvil's development account 0 (a public key).
    pub(crate) fn account() -> Account {
        Account::from_private_key_hex(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .unwrap()
    }

    #[test]
    fn sign_verify_recover_a_digest() {
        let digest = keccak256(b"digest");
        let sig = Signature::sign_prehash(account().signing_key(), &digest).unwrap();
        let key = *account().signing_key().verifying_key();
        assert!(sig.verify_prehash(&key, &digest));
        assert!(!sig.verify_prehash(&key, &keccak256(b"other")));
        let signer = sig.recover_prehash(&digest).unwrap();
        assert_eq!(signer.address(), account().address);
        assert_eq!(signer.public_key_hex(), account().public_key_uncompressed());
        assert_eq!(
            format!("0x{}", hex::encode(signer.public_key_compressed())),
            account().public_key_compressed()
        );
        assert!(signer.has_public_key(&signer.public_key_compressed()));
        assert!(!signer.has_public_key(&[4; 65]));
    }

    #[test]
    fn bytes_and_hex_round_trip_and_refuse_with_reasons() {
        let sig = Signature::sign_prehash(account().signing_key(), &[7; 32]).unwrap();
        assert_eq!(Signature::from_bytes(&sig.to_bytes()), Ok(sig));
        let mut zero_one = sig.to_bytes();
        zero_one[64] -= 27;
        assert_eq!(Signature::from_bytes(&zero_one), Ok(sig));
        assert_eq!(
            Signature::from_hex("0x12"),
            Err(SignatureError::WrongLength { got: 1 })
        );
        assert_eq!(Signature::from_hex("zz"), Err(SignatureError::NotHex));
        let mut bad_v = sig.to_bytes();
        bad_v[64] = 5;
        assert_eq!(
            Signature::from_bytes(&bad_v),
            Err(SignatureError::BadRecoveryId { v: 5 })
        );
        let mut zero_r = sig.to_bytes();
        zero_r[..32].fill(0);
        assert_eq!(
            Signature::from_bytes(&zero_r),
            Err(SignatureError::ZeroValue { which: "r" })
        );
        let mut big_s = sig.to_bytes();
        big_s[32..64].fill(0xff);
        assert_eq!(
            Signature::from_bytes(&big_s),
            Err(SignatureError::ValueTooLarge { which: "s" })
        );
        let mut high_s = [0x7f; 65];
        high_s[32] = 0xf0;
        high_s[64] = 27;
        assert_eq!(Signature::from_bytes(&high_s), Err(SignatureError::HighS));
    }
}
