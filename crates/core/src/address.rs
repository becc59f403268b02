//! Ethereum addresses: the last 20 bytes of keccak256 of the public key, shown with the EIP-55
//! mixed-case checksum.

use core::fmt;
use core::str::FromStr;

use sha3::{Digest, Keccak256};

/// keccak256 (the Ethereum hash, not NIST SHA3-256).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// A 20-byte Ethereum address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address([u8; 20]);

/// Why address text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// Not 40 hex digits after the optional `0x`.
    WrongLength { got: usize },
    /// A character is not a hex digit.
    NotHex,
    /// Mixed case that is not the EIP-55 checksum: probably a typo.
    BadChecksum { expected: String },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength { got } => {
                write!(f, "an address has 40 hex digits after 0x, this has {got}")
            }
            Self::NotHex => f.write_str("an address may contain only the hex digits 0-9 and a-f"),
            Self::BadChecksum { expected } => write!(
                f,
                "the address's upper/lower case does not match its EIP-55 checksum (a typo?); the checksummed form of these digits is {expected}"
            ),
        }
    }
}

impl std::error::Error for AddressError {}

impl Address {
    /// The zero address.
    pub const ZERO: Self = Self([0u8; 20]);

    /// Wraps 20 raw bytes.
    pub const fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The address of a secp256k1 public key: keccak256 of the 64-byte uncompressed point
    /// (without the 0x04 prefix), last 20 bytes.
    pub fn from_public_key(key: &k256::PublicKey) -> Self {
        use k256::elliptic_curve::sec1::ToSec1Point;
        let point = key.to_sec1_point(false);
        let bytes = point.as_bytes();
        let digest = keccak256(bytes.get(1..).unwrap_or_default());
        let mut out = [0u8; 20];
        out.copy_from_slice(&digest[12..]);
        Self(out)
    }

    /// The EIP-55 checksummed form: a hex letter is upper case when the matching nibble of
    /// keccak256(lower-case hex) is 8 or more.
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let digest = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (digest[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            if c.is_ascii_alphabetic() && nibble >= 8 {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// A short form for the UI: `0x1234…abcd` (checksummed).
    pub fn short(&self) -> String {
        let full = self.to_checksum();
        format!("{}…{}", &full[..6], &full[38..])
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.write_str(&self.short())
        } else {
            f.write_str(&self.to_checksum())
        }
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_checksum())
    }
}

impl FromStr for Address {
    type Err = AddressError;

    /// Accepts all-lower-case or all-upper-case hex, and mixed case only when it is the EIP-55
    /// checksum. The `0x` prefix is optional.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        if digits.len() != 40 {
            return Err(AddressError::WrongLength {
                got: digits.chars().count(),
            });
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| AddressError::NotHex)?;
        let address = Self(bytes);
        let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper {
            let expected = address.to_checksum();
            if expected[2..] != *digits {
                return Err(AddressError::BadChecksum { expected });
            }
        }
        Ok(address)
    }
}

impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_checksum())
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keccak_known_answer() {
        // keccak256("") from the Keccak team's reference.
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn parse_rules() {
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        let a: Address = good.parse().unwrap();
        assert_eq!(a.to_string(), good);
        assert_eq!(good.to_lowercase().parse::<Address>(), Ok(a));
        assert_eq!(good[2..].to_uppercase().parse::<Address>(), Ok(a));
        assert_eq!(good[2..].parse::<Address>(), Ok(a));
        // One letter's case flipped: refused with the correct form.
        let typo = good.replacen("aA", "AA", 1);
        assert_eq!(
            typo.parse::<Address>(),
            Err(AddressError::BadChecksum {
                expected: good.into()
            })
        );
        assert_eq!(
            "0x1234".parse::<Address>(),
            Err(AddressError::WrongLength { got: 4 })
        );
        assert_eq!(
            format!("0x{}", "z".repeat(40)).parse::<Address>(),
            Err(AddressError::NotHex)
        );
        assert_eq!(
            format!("{a:#}"),
            "0x5aAe…BeAed"[..].replace("BeAed", "eAed")
        );
    }

    proptest! {
        #[test]
        fn checksum_round_trips(bytes in any::<[u8; 20]>()) {
            let a = Address::from_bytes(bytes);
            prop_assert_eq!(a.to_checksum().parse::<Address>(), Ok(a));
            prop_assert_eq!(a.to_checksum().to_lowercase().parse::<Address>(), Ok(a));
        }
    }
}
