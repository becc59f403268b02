//! [`TxError`]: why a transaction could not be decoded, signed, recovered or costed.

use core::fmt;

use super::U256;

/// Why a transaction was refused. `Display` is the sentence a user reads (lower case, no
/// trailing period; the app capitalises it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxError {
    /// No bytes (or no hex digits) were given.
    Empty,
    /// The text is not an even number of hex digits after an optional `0x`.
    NotHex,
    /// Bytes are left over after the transaction.
    TrailingBytes { extra: usize },
    /// The RLP structure is malformed or not canonical; `field` names where.
    Rlp {
        field: &'static str,
        reason: &'static str,
    },
    /// An address field is neither 20 bytes nor (for `to` only) empty.
    AddressLength { field: &'static str, got: usize },
    /// An EIP-2718 type byte this lab does not decode (it reads legacy and type 2).
    UnsupportedType { type_byte: u8 },
    /// A legacy `v` that is neither 27/28 nor `chain_id * 2 + 35/36` (EIP-155).
    BadV { v: u128 },
    /// A typed transaction's `y_parity` is not 0 or 1.
    BadYParity { got: u64 },
    /// `r` or `s` is zero.
    ZeroSignatureValue { which: &'static str },
    /// `r` or `s` is not below the secp256k1 group order.
    SignatureValueTooLarge { which: &'static str },
    /// `s` is in the upper half of the order: a malleable signature that EIP-2 forbids.
    HighS,
    /// No public key can be recovered from the signature and the signing hash.
    RecoveryFailed,
    /// Signing failed (does not happen with a valid key).
    SigningFailed,
    /// The transaction is bound to another chain (EIP-155 / EIP-1559 chain id).
    ChainIdMismatch { expected: u64, got: u64 },
    /// The value does not fit the lab's balances (`u128` wei).
    ValueTooLarge { value: U256 },
    /// `value + gas_limit * max fee` does not fit in 256 bits.
    CostOverflow,
    /// The maximum cost does not fit the lab's balances (`u128` wei).
    CostTooLarge { cost: U256 },
    /// The most the sender will pay per gas is below the block's base fee.
    FeeBelowBaseFee { max_fee: u128, base_fee: u128 },
    /// The priority fee (tip) is above the maximum fee per gas (EIP-1559 forbids it).
    PriorityFeeAboveMaxFee { priority_fee: u128, max_fee: u128 },
    /// The gas limit is below the intrinsic gas of the transaction.
    GasLimitBelowIntrinsic { gas_limit: u64, intrinsic: u64 },
    /// The gas limit pays the intrinsic gas but not Prague's calldata floor (EIP-7623).
    GasLimitBelowFloor { gas_limit: u64, floor: u64 },
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("no transaction was given"),
            Self::NotHex => f.write_str(
                "a raw transaction is hex: 0x followed by an even number of hex digits",
            ),
            Self::TrailingBytes { extra } => write!(
                f,
                "{extra} unexpected byte(s) follow the end of the transaction"
            ),
            Self::Rlp { field, reason } => {
                write!(f, "the transaction is malformed at {field}: {reason}")
            }
            Self::AddressLength { field, got } => write!(
                f,
                "the {field} address is {got} bytes long; an address is 20 bytes"
            ),
            Self::UnsupportedType { type_byte } => write!(
                f,
                "transaction type 0x{type_byte:02x} is not supported (only legacy and EIP-1559 type 2)"
            ),
            Self::BadV { v } => write!(
                f,
                "the signature's v = {v} is neither 27/28 nor chain id * 2 + 35/36 (EIP-155)"
            ),
            Self::BadYParity { got } => {
                write!(f, "the signature's y parity is {got}; it must be 0 or 1")
            }
            Self::ZeroSignatureValue { which } => {
                write!(f, "the signature's {which} is zero")
            }
            Self::SignatureValueTooLarge { which } => write!(
                f,
                "the signature's {which} is not below the secp256k1 group order"
            ),
            Self::HighS => f.write_str(
                "the signature's s is in the upper half of the curve order (a malleable signature, refused by EIP-2)",
            ),
            Self::RecoveryFailed => {
                f.write_str("no sender can be recovered from this signature")
            }
            Self::SigningFailed => f.write_str("signing the transaction failed"),
            Self::ChainIdMismatch { expected, got } => write!(
                f,
                "the transaction is for chain {got}, not this chain ({expected})"
            ),
            Self::ValueTooLarge { value } => write!(
                f,
                "the value of {value} wei is larger than a balance in this lab can hold"
            ),
            Self::CostOverflow => f.write_str(
                "value plus gas limit times fee per gas is larger than 256 bits can hold",
            ),
            Self::CostTooLarge { cost } => write!(
                f,
                "the maximum cost of {cost} wei is larger than a balance in this lab can hold"
            ),
            Self::FeeBelowBaseFee { max_fee, base_fee } => write!(
                f,
                "the fee of {max_fee} wei per gas is below the base fee of {base_fee} wei per gas"
            ),
            Self::PriorityFeeAboveMaxFee {
                priority_fee,
                max_fee,
            } => write!(
                f,
                "the priority fee ({priority_fee} wei per gas) is above the maximum fee ({max_fee} wei per gas)"
            ),
            Self::GasLimitBelowIntrinsic {
                gas_limit,
                intrinsic,
            } => write!(
                f,
                "a gas limit of {gas_limit} is below the {intrinsic} gas this transaction needs before it runs"
            ),
            Self::GasLimitBelowFloor { gas_limit, floor } => write!(
                f,
                "a gas limit of {gas_limit} is below the {floor} gas Ethereum charges for this call data since Prague (EIP-7623: 21000 plus 10 per zero and 40 per other byte); nodes refuse it"
            ),
        }
    }
}

impl std::error::Error for TxError {}

/// The words for an RLP decoding failure.
pub(crate) fn rlp_reason(err: alloy_rlp::Error) -> &'static str {
    use alloy_rlp::Error as E;
    match err {
        E::Overflow => "the number is too large for this field",
        E::LeadingZero => "a number has leading zero bytes (not canonical RLP)",
        E::InputTooShort => "the data ends too early",
        E::NonCanonicalSingleByte => {
            "a single byte below 0x80 carries a length prefix (not canonical RLP)"
        }
        E::NonCanonicalSize => {
            "a length uses the long form where the short one fits (not canonical RLP)"
        }
        E::UnexpectedLength => "the item has the wrong length",
        E::UnexpectedString => "expected a list, found a byte string",
        E::UnexpectedList => "expected a byte string, found a list",
        E::ListLengthMismatch { .. } => "the list has the wrong number of items",
        E::Custom(reason) => reason,
    }
}

/// Maps an RLP error at `field` to a [`TxError`].
pub(crate) fn at(field: &'static str) -> impl Fn(alloy_rlp::Error) -> TxError {
    move |err| TxError::Rlp {
        field,
        reason: rlp_reason(err),
    }
}

impl From<crate::signature::SignatureError> for TxError {
    /// A transaction's signature refused for the same reasons as any signature, worded for
    /// transactions.
    fn from(e: crate::signature::SignatureError) -> Self {
        use crate::signature::SignatureError as S;
        match e {
            S::ZeroValue { which } => Self::ZeroSignatureValue { which },
            S::ValueTooLarge { which } => Self::SignatureValueTooLarge { which },
            S::HighS => Self::HighS,
            S::SigningFailed => Self::SigningFailed,
            S::WrongLength { .. } | S::NotHex | S::BadRecoveryId { .. } | S::RecoveryFailed => {
                Self::RecoveryFailed
            }
        }
    }
}
