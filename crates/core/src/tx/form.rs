//! The send form as typed, and [`build`]: form text -> [`Transaction`] through the core's
//! parsers, every refused field named (the transactions screen and the Network screen).

use core::fmt;

use crate::address::Address;
use crate::amount::{parse_units, Wei, GWEI_DECIMALS};
use crate::params::LAB_CHAIN_ID;
use crate::tx::{Transaction, TxError, TxRequest};
use crate::words::err;

/// The transaction format the send form signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeKind {
    /// EIP-1559 (type 2).
    Eip1559,
    Legacy,
}

/// How the send form's data field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// A note, sent as its UTF-8 bytes.
    Text,
    /// `0x` and hex digits: call data.
    Hex,
}

/// The send form as typed. Amounts and fees stay text until [`build`] parses them in the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendForm {
    /// Index of the account in the unlocked wallet.
    pub from: usize,
    pub to: String,
    /// ETH, decimal.
    pub amount: String,
    pub data: String,
    pub data_kind: DataKind,
    pub fee_kind: FeeKind,
    /// gwei, decimal (EIP-1559).
    pub priority_fee: String,
    /// gwei, decimal (EIP-1559).
    pub max_fee: String,
    /// gwei, decimal (legacy).
    pub gas_price: String,
    /// Empty: the default of [`TxRequest::gas_limit`].
    pub gas_limit: String,
    /// Used only when `nonce_auto` is off.
    pub nonce: String,
    /// Sign with the sender's next nonce (the chain's, past its pending transactions in the
    /// mempool) instead of `nonce`. Typing a nonce turns it off.
    pub nonce_auto: bool,
    pub chain_id: String,
}

impl Default for SendForm {
    /// EIP-1559 with a 1 gwei tip and a 2 gwei fee cap (legacy: 2 gwei), the sender's next
    /// nonce, the lab chain.
    fn default() -> Self {
        Self {
            from: 0,
            to: String::new(),
            amount: String::new(),
            data: String::new(),
            data_kind: DataKind::Text,
            fee_kind: FeeKind::Eip1559,
            priority_fee: "1".to_owned(),
            max_fee: "2".to_owned(),
            gas_price: "2".to_owned(),
            gas_limit: String::new(),
            nonce: "0".to_owned(),
            nonce_auto: true,
            chain_id: LAB_CHAIN_ID.to_string(),
        }
    }
}

/// Why one field of the send form was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's key (`to`, `amount`, `max-fee`, …): the screen's `data-testid` suffix.
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
}

pub fn field_error(field: &'static str, label: &'static str, e: impl ToString) -> FieldError {
    FieldError {
        field,
        label,
        message: err(e),
    }
}

/// Why a whole-number field or the hex data field of the send form is refused (the other
/// fields carry the core's own parse errors). `Display` is the sentence the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormError {
    /// The field is empty; `what` names it ("nonce", "chain id", "gas limit").
    Missing { what: &'static str },
    /// The field is not a whole number that fits.
    NotWhole { what: &'static str },
    /// Data in hex that is not `0x` and an even number of hex digits.
    DataNotHex,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { what } => write!(f, "Enter the {what}"),
            Self::NotWhole { what } => write!(
                f,
                "The {what} is a whole number such as 0, 1, 2 (no sign, no point)"
            ),
            Self::DataNotHex => {
                f.write_str("Data in hex is 0x followed by an even number of hex digits")
            }
        }
    }
}

impl std::error::Error for FormError {}

fn parse_whole<T: std::str::FromStr>(text: &str, what: &'static str) -> Result<T, FormError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FormError::Missing { what });
    }
    t.parse().map_err(|_| FormError::NotWhole { what })
}

/// The data field's bytes.
///
/// # Errors
/// [`FormError::DataNotHex`]: hex that is not `0x` and an even number of hex digits.
pub fn form_data(form: &SendForm) -> Result<Vec<u8>, FormError> {
    match form.data_kind {
        DataKind::Text => Ok(form.data.as_bytes().to_vec()),
        DataKind::Hex => {
            let t = form.data.trim();
            let digits = t
                .strip_prefix("0x")
                .or_else(|| t.strip_prefix("0X"))
                .unwrap_or(t);
            hex::decode(digits).map_err(|_| FormError::DataNotHex)
        }
    }
}

/// The gas limit used when the field is empty: the least Ethereum accepts for the form's data
/// (21000 for a plain transfer; see `tx::min_gas_limit`). `None` while the data is not readable.
pub fn default_gas_limit(form: &SendForm) -> Option<u64> {
    let data = form_data(form).ok()?;
    TxRequest::transfer(0, 0, Address::ZERO, Wei::ZERO)
        .with_data(data)
        .gas_limit()
        .ok()
}

/// Builds the unsigned transaction the form describes. Every field is checked, and every
/// problem is reported, each with the core's message.
///
/// # Errors
/// One [`FieldError`] per refused field.
pub fn build(form: &SendForm) -> Result<Transaction, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    let to = form.to.trim().parse::<Address>();
    let value = Wei::parse_coins(&form.amount);
    let data = form_data(form);
    check(
        to.as_ref()
            .map(drop)
            .map_err(|e| field_error("to", "To", e)),
    );
    check(
        value
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("amount", "Amount", e)),
    );
    check(
        data.as_ref()
            .map(drop)
            .map_err(|e| field_error("data", "Data", e)),
    );
    let gwei = |text: &str| parse_units(text, GWEI_DECIMALS);
    let fees = match form.fee_kind {
        FeeKind::Eip1559 => {
            let tip = gwei(&form.priority_fee);
            let max = gwei(&form.max_fee);
            let pair = tip.clone().ok().zip(max.clone().ok());
            check(
                tip.map(drop)
                    .map_err(|e| field_error("priority-fee", "Priority fee", e)),
            );
            check(
                max.map(drop)
                    .map_err(|e| field_error("max-fee", "Max fee", e)),
            );
            pair
        }
        FeeKind::Legacy => {
            let price = gwei(&form.gas_price);
            let pair = price.clone().ok().map(|p| (p, p));
            check(
                price
                    .map(drop)
                    .map_err(|e| field_error("gas-price", "Gas price", e)),
            );
            pair
        }
    };
    let gas_limit = if form.gas_limit.trim().is_empty() {
        Ok(None)
    } else {
        parse_whole::<u64>(&form.gas_limit, "gas limit").map(Some)
    };
    let nonce = parse_whole::<u64>(&form.nonce, "nonce");
    let chain_id = parse_whole::<u64>(&form.chain_id, "chain id");
    check(
        gas_limit
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("gas-limit", "Gas limit", e)),
    );
    check(
        nonce
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("nonce", "Nonce", e)),
    );
    check(
        chain_id
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("chain-id", "Chain id", e)),
    );
    let (Ok(to), Ok(value), Ok(data), Some((tip, max_fee)), Ok(gas_limit), Ok(nonce), Ok(chain_id)) =
        (to, value, data, fees, gas_limit, nonce, chain_id)
    else {
        return Err(errors);
    };
    let mut request = TxRequest::transfer(chain_id, nonce, to, value).with_data(data);
    if let Some(limit) = gas_limit {
        request = request.with_gas_limit(limit);
    }
    let tx = match form.fee_kind {
        FeeKind::Eip1559 => request.eip1559(tip, max_fee),
        FeeKind::Legacy => request.legacy(max_fee),
    };
    tx.map_err(|e| {
        let (field, label) = match e {
            TxError::PriorityFeeAboveMaxFee { .. } => ("priority-fee", "Priority fee"),
            TxError::GasLimitBelowIntrinsic { .. } | TxError::GasLimitBelowFloor { .. } => {
                ("gas-limit", "Gas limit")
            }
            _ => ("form", "Transaction"),
        };
        vec![field_error(field, label, e)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::LAB_CHAIN_ID;

    #[test]
    fn builds_what_the_form_says_and_names_every_bad_field() {
        let form = SendForm {
            to: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8".into(),
            amount: "1.5".into(),
            ..SendForm::default()
        };
        let Ok(Transaction::Eip1559(tx)) = build(&form) else {
            panic!("not built");
        };
        assert_eq!(
            (
                tx.chain_id,
                tx.max_priority_fee_per_gas,
                tx.max_fee_per_gas,
                tx.gas_limit
            ),
            (LAB_CHAIN_ID, 1_000_000_000, 2_000_000_000, 21_000)
        );
        let bad = SendForm {
            to: "0x70997970c51812dc3A010C7d01b50e0d17dc79C8".into(),
            amount: "1.2.3".into(),
            max_fee: "0.5".into(),
            nonce: "-1".into(),
            ..SendForm::default()
        };
        let fields: Vec<_> = build(&bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["to", "amount", "nonce"]);
        let tip_above_cap = SendForm {
            max_fee: "0.5".into(),
            ..form
        };
        let fields: Vec<_> = build(&tip_above_cap)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["priority-fee"]);
    }

    #[test]
    fn whole_number_and_hex_fields_say_what_is_wrong() {
        let bad = SendForm {
            to: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8".into(),
            amount: "1".into(),
            data: "0x123".into(),
            data_kind: DataKind::Hex,
            nonce_auto: false,
            nonce: "1.5".into(),
            chain_id: " ".into(),
            ..SendForm::default()
        };
        assert_eq!(form_data(&bad), Err(FormError::DataNotHex));
        assert_eq!(
            parse_whole::<u64>(&bad.nonce, "nonce"),
            Err(FormError::NotWhole { what: "nonce" })
        );
        assert_eq!(
            parse_whole::<u64>(&bad.chain_id, "chain id"),
            Err(FormError::Missing { what: "chain id" })
        );
        let messages: Vec<_> = build(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "data",
                    "Data in hex is 0x followed by an even number of hex digits".to_owned()
                ),
                (
                    "nonce",
                    "The nonce is a whole number such as 0, 1, 2 (no sign, no point)".to_owned()
                ),
                ("chain-id", "Enter the chain id".to_owned()),
            ]
        );
    }
}
