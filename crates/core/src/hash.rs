//! 32-byte hash newtypes with hex `Display` / `FromStr` and serde as `0x…` strings.

use core::fmt;
use core::str::FromStr;

/// Why a hex hash string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseHashError {
    /// The string does not hold exactly 64 hex digits (after an optional `0x`).
    WrongLength { got: usize },
    /// A character is not a hex digit.
    NotHex,
}

impl fmt::Display for ParseHashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength { got } => write!(f, "a hash has 64 hex digits, this has {got}"),
            Self::NotHex => f.write_str("a hash may contain only the hex digits 0-9 and a-f"),
        }
    }
}

impl std::error::Error for ParseHashError {}

/// Parses exactly `N` bytes from hex, with or without a `0x` prefix, any case.
pub(crate) fn parse_hex_array<const N: usize>(s: &str) -> Result<[u8; N], ParseHashError> {
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if digits.len() != N * 2 {
        return Err(ParseHashError::WrongLength { got: digits.len() });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(digits, &mut out).map_err(|_| ParseHashError::NotHex)?;
    Ok(out)
}

macro_rules! hash_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name([u8; 32]);

        impl $name {
            /// The all-zero value (the genesis block's parent, an empty Merkle tree).
            pub const ZERO: Self = Self([0u8; 32]);

            /// Wraps 32 raw bytes.
            pub const fn from_bytes(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// `0x` followed by 64 lower-case hex digits.
            pub fn to_hex(&self) -> String {
                format!("0x{}", hex::encode(self.0))
            }

            /// A short form for the UI: `0x1234…abcd`.
            pub fn short(&self) -> String {
                let full = hex::encode(self.0);
                format!("0x{}…{}", &full[..6], &full[60..])
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if f.alternate() {
                    f.write_str(&self.short())
                } else {
                    f.write_str(&self.to_hex())
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl FromStr for $name {
            type Err = ParseHashError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_hex_array::<32>(s.trim()).map(Self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hash_newtype!(
    /// The SHA-256 hash of a block header: the block's identity.
    BlockHash
);
hash_newtype!(
    /// A generic 32-byte digest, such as a Merkle root.
    Hash32
);
hash_newtype!(
    /// keccak256 of a signed Ethereum transaction's raw bytes (the typed envelope for EIP-2718
    /// transactions): the hash wallets and explorers show. See [`crate::tx::SignedTx::hash`].
    TxHash
);

/// SHA-256 of `data` (one call into the `sha2` crate).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_forms() {
        let h = BlockHash::from_bytes([0xab; 32]);
        assert_eq!(h.to_hex().len(), 66);
        assert_eq!(h.to_hex().parse::<BlockHash>(), Ok(h));
        assert_eq!(h.to_hex()[2..].to_uppercase().parse::<BlockHash>(), Ok(h));
        assert_eq!(format!("{h:#}"), "0xababab…abab");
    }

    #[test]
    fn bad_hex_is_refused() {
        assert_eq!(
            "0x12".parse::<BlockHash>(),
            Err(ParseHashError::WrongLength { got: 2 })
        );
        let bad = format!("0x{}", "g".repeat(64));
        assert_eq!(bad.parse::<BlockHash>(), Err(ParseHashError::NotHex));
    }

    #[test]
    fn sha256_known_answer() {
        // FIPS 180-2 example "abc".
        assert_eq!(
            hex::encode(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
