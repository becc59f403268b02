//! The keys walkthrough: from a private key to its public point, the Keccak-256 of that point,
//! the last 20 bytes, and the EIP-55 checksum letter by letter.

use k256::ecdsa::SigningKey;
use k256::elliptic_curve::sec1::ToSec1Point;

use crate::address::{keccak256, Address};
use crate::wallet::hd::HdError;

/// One hex letter of the address and what EIP-55 did to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksumLetter {
    /// Position among the 40 hex digits.
    pub index: usize,
    /// The digit as written in the checksummed address.
    pub shown: char,
    /// The matching nibble of keccak256(lower-case hex address): 8 or more capitalises a letter.
    pub nibble: u8,
}

impl ChecksumLetter {
    /// Whether EIP-55 capitalised it (a letter whose nibble is 8 or more).
    pub fn capitalised(&self) -> bool {
        self.shown.is_ascii_uppercase()
    }
}

/// Every value on the way from a private key to its address, as `0x…` hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyWalk {
    /// x of the public point k·G (32 bytes).
    pub x: String,
    /// y of the public point (32 bytes).
    pub y: String,
    /// The 64 bytes x ‖ y that are hashed (the uncompressed key without its 0x04 prefix).
    pub public_key: String,
    /// keccak256(x ‖ y), 32 bytes.
    pub keccak: String,
    /// Its last 20 bytes, lower case: the address.
    pub last20: String,
    /// keccak256 of the lower-case hex digits (without 0x): the checksum's source.
    pub checksum_hash: String,
    /// The address with the EIP-55 checksum.
    pub address: Address,
    /// Each of the 40 digits with its checksum nibble.
    pub letters: Vec<ChecksumLetter>,
}

impl KeyWalk {
    /// Walks from 32 private key bytes.
    ///
    /// # Errors
    /// [`HdError::InvalidPrivateKey`] for zero or a value not below the curve order.
    pub fn from_private_key(bytes: &[u8; 32]) -> Result<Self, HdError> {
        let key = SigningKey::from_slice(bytes).map_err(|_| HdError::InvalidPrivateKey)?;
        let public = k256::PublicKey::from(key.verifying_key());
        let point = public.to_sec1_point(false);
        let xy = point.as_bytes().get(1..).unwrap_or_default();
        let digest = keccak256(xy);
        let address = Address::from_public_key(&public);
        let lower = hex::encode(address.as_bytes());
        let checksum_hash = keccak256(lower.as_bytes());
        let shown = address.to_checksum();
        let letters = shown
            .chars()
            .skip(2)
            .enumerate()
            .map(|(index, c)| ChecksumLetter {
                index,
                shown: c,
                nibble: (checksum_hash[index / 2] >> if index % 2 == 0 { 4 } else { 0 }) & 0x0f,
            })
            .collect();
        Ok(Self {
            x: format!("0x{}", hex::encode(xy.get(..32).unwrap_or_default())),
            y: format!("0x{}", hex::encode(xy.get(32..).unwrap_or_default())),
            public_key: format!("0x{}", hex::encode(xy)),
            keccak: format!("0x{}", hex::encode(digest)),
            last20: format!("0x{lower}"),
            checksum_hash: format!("0x{}", hex::encode(checksum_hash)),
            address,
            letters,
        })
    }

    /// Parses a private key typed for teaching (64 hex digits, `0x` optional).
    ///
    /// # Errors
    /// [`HdError::BadPrivateKeyHex`], [`HdError::InvalidPrivateKey`].
    pub fn from_hex(text: &str) -> Result<Self, HdError> {
        let t = text.trim();
        let digits = t.strip_prefix("0x").unwrap_or(t);
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        if digits.len() != 64 || hex::decode_to_slice(digits, bytes.as_mut()).is_err() {
            return Err(HdError::BadPrivateKeyHex);
        }
        Self::from_private_key(&bytes)
    }

    /// The capitalised letters.
    pub fn capitalised(&self) -> impl Iterator<Item = &ChecksumLetter> {
        self.letters.iter().filter(|l| l.capitalised())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_of_anvils_first_key() {
        // anvil / hardhat account 0; its address and public key are published with the tools.
        let w =
            KeyWalk::from_hex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
                .unwrap();
        assert_eq!(
            w.address.to_checksum(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert_eq!(w.last20, "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
        assert_eq!(
            w.x,
            "0x8318535b54105d4a7aae60c08fc45f9687181b4fdfc625bd1a753fa7397fed75"
        );
        assert!(w.keccak.ends_with(&w.last20[2..]));
        assert_eq!(w.public_key, format!("{}{}", w.x, &w.y[2..]));
        assert_eq!(w.letters.len(), 40);
        for l in &w.letters {
            let upper = l.shown.is_ascii_alphabetic() && l.nibble >= 8;
            assert_eq!(l.capitalised(), upper, "{l:?}");
        }
        let caps: String = w.capitalised().map(|l| l.shown).collect();
        assert_eq!(caps, "FFFBF");
        assert_eq!(KeyWalk::from_hex("0x00"), Err(HdError::BadPrivateKeyHex));
        assert_eq!(
            KeyWalk::from_private_key(&[0; 32]),
            Err(HdError::InvalidPrivateKey)
        );
    }
}
