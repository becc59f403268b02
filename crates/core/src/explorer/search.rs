//! Search box input.

use std::fmt;

use super::NoMatch;
use crate::address::Address;
use crate::hash::Hash32;
use crate::words::capitalise;

/// A well-formed search. A 32-byte hash may name a block or a transaction:
/// [`super::Index::resolve`] looks up both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    Height(u64),
    Hash(Hash32),
    Address(Address),
}

/// Why search text is not a height, a hash or an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchError {
    Empty,
    /// A character that is neither a decimal nor a hex digit.
    NotHex,
    /// Hex of a length that is neither an address (40) nor a hash (64).
    WrongLength {
        digits: usize,
    },
    /// Only decimal digits, but more than a height can be.
    HeightTooLarge,
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str(
                "type a block height, a block hash, a transaction hash or an address",
            ),
            Self::NotHex => f.write_str(
                "not a height, hash or address: only the digits 0-9 and hex letters a-f may appear (after an optional 0x)",
            ),
            Self::WrongLength { digits } => write!(
                f,
                "not a hash or address: a hash has 64 hex digits and an address 40, this has {digits}"
            ),
            Self::HeightTooLarge => f.write_str("that height is too large to be a block height"),
        }
    }
}

impl std::error::Error for SearchError {}

/// Why the search box goes nowhere. `Display` is the sentence the screen shows (capitalised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchBoxError {
    /// The text is not a height, a hash or an address.
    Query(SearchError),
    /// The text is well-formed but nothing on this chain matches it.
    NoMatch(NoMatch),
}

impl fmt::Display for SearchBoxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Query(e) => f.write_str(&capitalise(&e.to_string())),
            Self::NoMatch(e) => write!(f, "Nothing matches: {e}"),
        }
    }
}

impl std::error::Error for SearchBoxError {}

/// Reads search text: surrounding whitespace is trimmed; a height is decimal (an optional
/// leading `#`); a hash (64 hex digits) or an address (40) may have `0x` or not and be in
/// any case (the case of an address is not checked against EIP-55 here: searching is
/// looking, not sending).
///
/// # Errors
/// [`SearchError`] naming what is wrong with the text.
pub fn parse(text: &str) -> Result<Query, SearchError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SearchError::Empty);
    }
    let height_text = text.strip_prefix('#').unwrap_or(text);
    let decimal = !height_text.is_empty() && height_text.bytes().all(|b| b.is_ascii_digit());
    let (has_prefix, digits) = match text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        Some(d) => (true, d),
        None => (false, text),
    };
    if decimal && !(digits.len() == 40 || digits.len() == 64) {
        return height_text
            .parse::<u64>()
            .map(Query::Height)
            .map_err(|_| SearchError::HeightTooLarge);
    }
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SearchError::NotHex);
    }
    let lower = digits.to_ascii_lowercase();
    match lower.len() {
        40 => {
            let mut bytes = [0u8; 20];
            hex::decode_to_slice(&lower, &mut bytes).map_err(|_| SearchError::NotHex)?;
            Ok(Query::Address(Address::from_bytes(bytes)))
        }
        64 => {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(&lower, &mut bytes).map_err(|_| SearchError::NotHex)?;
            Ok(Query::Hash(Hash32::from_bytes(bytes)))
        }
        n if has_prefix || n > 0 => Err(SearchError::WrongLength { digits: n }),
        _ => Err(SearchError::Empty),
    }
}
