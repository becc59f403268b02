//! Ledger records: the unsigned "sender, receiver, amount, memo" entries of the first course
//! module. No value moves between accounts; they are data a block commits to.

use core::fmt;

use crate::amount::{AmountError, Wei};

/// Longest sender or receiver name, in characters.
pub const MAX_PARTY_CHARS: usize = 64;
/// Longest memo, in characters.
pub const MAX_MEMO_CHARS: usize = 280;

/// One ledger record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub sender: String,
    pub receiver: String,
    /// The amount in base units (10^-18 of a coin).
    pub amount: Wei,
    #[serde(default)]
    pub memo: String,
}

/// Which field of a record a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordField {
    Sender,
    Receiver,
    Amount,
    Memo,
}

impl fmt::Display for RecordField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sender => "sender",
            Self::Receiver => "receiver",
            Self::Amount => "amount",
            Self::Memo => "memo",
        })
    }
}

/// Why a record is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// A required field is empty (or only white space).
    Empty { field: RecordField },
    /// A field is longer than allowed.
    TooLong { field: RecordField, max: usize },
    /// A field holds a control character (line breaks, NUL, …).
    ControlCharacter { field: RecordField },
    /// The amount is zero.
    ZeroAmount,
    /// The amount text did not parse.
    Amount(AmountError),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty { field } => write!(f, "the {field} is empty"),
            Self::TooLong { field, max } => {
                write!(f, "the {field} is longer than {max} characters")
            }
            Self::ControlCharacter { field } => {
                write!(f, "the {field} contains a control character")
            }
            Self::ZeroAmount => f.write_str("the amount must be greater than zero"),
            Self::Amount(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RecordError {}

impl Record {
    /// Builds a record from form text, trimming the names and parsing the amount.
    ///
    /// # Errors
    /// The first [`RecordError`] found, field by field.
    pub fn from_form(
        sender: &str,
        receiver: &str,
        amount: &str,
        memo: &str,
    ) -> Result<Self, RecordError> {
        let amount = Wei::parse_coins(amount).map_err(RecordError::Amount)?;
        let record = Self {
            sender: sender.trim().to_owned(),
            receiver: receiver.trim().to_owned(),
            amount,
            memo: memo.trim().to_owned(),
        };
        record.check()?;
        Ok(record)
    }

    /// Checks the rules every record in a block obeys.
    ///
    /// # Errors
    /// The first [`RecordError`] found.
    pub fn check(&self) -> Result<(), RecordError> {
        check_party(&self.sender, RecordField::Sender)?;
        check_party(&self.receiver, RecordField::Receiver)?;
        if self.amount == Wei::ZERO {
            return Err(RecordError::ZeroAmount);
        }
        if self.memo.chars().count() > MAX_MEMO_CHARS {
            return Err(RecordError::TooLong {
                field: RecordField::Memo,
                max: MAX_MEMO_CHARS,
            });
        }
        if self.memo.chars().any(|c| c.is_control() && c != '\n') {
            return Err(RecordError::ControlCharacter {
                field: RecordField::Memo,
            });
        }
        Ok(())
    }

    /// The canonical bytes a block commits to: each text field length-prefixed (u32 big-endian),
    /// the amount as 16 big-endian bytes. Distinct records always encode differently.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(32 + self.sender.len() + self.receiver.len() + self.memo.len());
        push_field(&mut out, self.sender.as_bytes());
        push_field(&mut out, self.receiver.as_bytes());
        out.extend_from_slice(&self.amount.as_wei().to_be_bytes());
        push_field(&mut out, self.memo.as_bytes());
        out
    }
}

fn check_party(value: &str, field: RecordField) -> Result<(), RecordError> {
    if value.trim().is_empty() {
        return Err(RecordError::Empty { field });
    }
    if value.chars().count() > MAX_PARTY_CHARS {
        return Err(RecordError::TooLong {
            field,
            max: MAX_PARTY_CHARS,
        });
    }
    if value.chars().any(char::is_control) {
        return Err(RecordError::ControlCharacter { field });
    }
    Ok(())
}

fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    // Field lengths are bounded by the checks above far below u32::MAX; saturate regardless.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_input_is_checked_field_by_field() {
        let ok = Record::from_form(" alice ", "bob", "1.5", "rent").unwrap();
        assert_eq!(ok.sender, "alice");
        assert_eq!(ok.amount, Wei::from_wei(1_500_000_000_000_000_000));
        assert_eq!(
            Record::from_form("", "bob", "1", ""),
            Err(RecordError::Empty {
                field: RecordField::Sender
            })
        );
        assert_eq!(
            Record::from_form("a", "  ", "1", ""),
            Err(RecordError::Empty {
                field: RecordField::Receiver
            })
        );
        assert_eq!(
            Record::from_form("a", "b", "0", ""),
            Err(RecordError::ZeroAmount)
        );
        assert_eq!(
            Record::from_form("a", "b", "-2", ""),
            Err(RecordError::Amount(AmountError::Negative))
        );
        assert_eq!(
            Record::from_form("a", "b", "two", ""),
            Err(RecordError::Amount(AmountError::NotANumber))
        );
        assert_eq!(
            Record::from_form(&"x".repeat(65), "b", "1", ""),
            Err(RecordError::TooLong {
                field: RecordField::Sender,
                max: 64
            })
        );
        assert_eq!(
            Record::from_form("a", "b", "1", &"m".repeat(281)),
            Err(RecordError::TooLong {
                field: RecordField::Memo,
                max: 280
            })
        );
        assert_eq!(
            Record::from_form("a\u{0}", "b", "1", ""),
            Err(RecordError::ControlCharacter {
                field: RecordField::Sender
            })
        );
    }

    #[test]
    fn encoding_is_unambiguous_where_concatenation_is_not() {
        let r = |s: &str, t: &str| Record {
            sender: s.into(),
            receiver: t.into(),
            amount: Wei::from_wei(1),
            memo: String::new(),
        };
        // "ab"+"c" and "a"+"bc" concatenate to the same string but must not encode the same.
        assert_ne!(
            r("ab", "c").canonical_bytes(),
            r("a", "bc").canonical_bytes()
        );
    }
}
