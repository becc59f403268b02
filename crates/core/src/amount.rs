//! Money as integers: [`Wei`] holds base units (10^-18 of a coin/ether) in a `u128`.
//!
//! Decimal strings are parsed and formatted here, digit by digit; no float is ever involved.

use core::fmt;
use core::str::FromStr;

/// Decimal places of one whole coin (ether): 1 coin = 10^18 wei.
pub const DECIMALS: u32 = 18;
const WEI_PER_COIN: u128 = 1_000_000_000_000_000_000;

/// An amount in base units (wei).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Wei(u128);

/// Why a decimal amount string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Nothing was entered.
    Empty,
    /// The amount starts with a minus sign.
    Negative,
    /// The text is not a plain decimal number such as `1.5`.
    NotANumber,
    /// More fractional digits than one wei can express.
    TooManyDecimals { max: u32 },
    /// The value does not fit in 128 bits of wei.
    Overflow,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("enter an amount"),
            Self::Negative => f.write_str("an amount cannot be negative"),
            Self::NotANumber => f.write_str("an amount is a decimal number such as 1.5"),
            Self::TooManyDecimals { max } => {
                write!(f, "an amount has at most {max} digits after the point")
            }
            Self::Overflow => f.write_str("that amount is too large"),
        }
    }
}

impl std::error::Error for AmountError {}

impl Wei {
    /// Zero wei.
    pub const ZERO: Self = Self(0);

    /// Wraps a count of wei.
    pub const fn from_wei(wei: u128) -> Self {
        Self(wei)
    }

    /// The count of wei.
    pub const fn as_wei(self) -> u128 {
        self.0
    }

    /// Checked addition; `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// Checked subtraction; `None` when `other` is larger.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    /// Parses a decimal coin amount (`"1.5"`, `"0.000000000000000001"`, `"12"`) into wei.
    ///
    /// # Errors
    /// [`AmountError`] for empty, negative, non-decimal, over-precise or too large input.
    pub fn parse_coins(text: &str) -> Result<Self, AmountError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        if s.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let s = s.strip_prefix('+').unwrap_or(s);
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
            return Err(AmountError::NotANumber);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > DECIMALS as usize {
            return Err(AmountError::TooManyDecimals { max: DECIMALS });
        }
        let mut wei: u128 = 0;
        for b in whole.bytes() {
            wei = wei
                .checked_mul(10)
                .and_then(|w| w.checked_add(u128::from(b - b'0')))
                .ok_or(AmountError::Overflow)?;
        }
        wei = wei.checked_mul(WEI_PER_COIN).ok_or(AmountError::Overflow)?;
        let mut frac_wei: u128 = 0;
        for (i, b) in frac.bytes().enumerate() {
            let place = 10u128.pow(DECIMALS - 1 - i as u32);
            frac_wei += u128::from(b - b'0') * place;
        }
        wei.checked_add(frac_wei)
            .map(Self)
            .ok_or(AmountError::Overflow)
    }

    /// Formats as a decimal coin amount without trailing zeros: `1.5`, `0.000000000000000001`, `12`.
    pub fn to_coins(self) -> String {
        let whole = self.0 / WEI_PER_COIN;
        let frac = self.0 % WEI_PER_COIN;
        if frac == 0 {
            return whole.to_string();
        }
        let digits = format!("{frac:018}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl fmt::Display for Wei {
    /// Coins with their decimal point (`1.5`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_coins())
    }
}

impl FromStr for Wei {
    type Err = AmountError;
    /// Parses a decimal coin amount; see [`Wei::parse_coins`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_coins(s)
    }
}

/// Serialises as a decimal string of wei, so JavaScript readers never lose precision.
impl serde::Serialize for Wei {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Wei {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(
                "an amount in wei is a string of decimal digits",
            ));
        }
        s.parse::<u128>()
            .map(Self)
            .map_err(|_| serde::de::Error::custom("amount in wei is too large"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_decimal_coins() {
        assert_eq!(Wei::parse_coins("1.5"), Ok(Wei(1_500_000_000_000_000_000)));
        assert_eq!(Wei::parse_coins("0.000000000000000001"), Ok(Wei(1)));
        assert_eq!(Wei::parse_coins(" 12 "), Ok(Wei(12 * WEI_PER_COIN)));
        assert_eq!(Wei::parse_coins(".5"), Ok(Wei(WEI_PER_COIN / 2)));
        assert_eq!(Wei::parse_coins("2."), Ok(Wei(2 * WEI_PER_COIN)));
        assert_eq!(
            Wei::parse_coins("1.50000000000000000000"),
            Ok(Wei(1_500_000_000_000_000_000))
        );
    }

    #[test]
    fn refuses_bad_amounts_with_distinct_errors() {
        assert_eq!(Wei::parse_coins(""), Err(AmountError::Empty));
        assert_eq!(Wei::parse_coins("-1"), Err(AmountError::Negative));
        assert_eq!(Wei::parse_coins("abc"), Err(AmountError::NotANumber));
        assert_eq!(Wei::parse_coins("1e5"), Err(AmountError::NotANumber));
        assert_eq!(Wei::parse_coins("."), Err(AmountError::NotANumber));
        assert_eq!(Wei::parse_coins("1.2.3"), Err(AmountError::NotANumber));
        assert_eq!(Wei::parse_coins("NaN"), Err(AmountError::NotANumber));
        assert_eq!(
            Wei::parse_coins("0.0000000000000000001"),
            Err(AmountError::TooManyDecimals { max: 18 })
        );
        assert_eq!(
            Wei::parse_coins("340282366920938463464"),
            Err(AmountError::Overflow)
        );
        assert_eq!(
            Wei::parse_coins(&"9".repeat(60)),
            Err(AmountError::Overflow)
        );
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(Wei(1_500_000_000_000_000_000).to_coins(), "1.5");
        assert_eq!(Wei(1).to_coins(), "0.000000000000000001");
        assert_eq!(Wei(0).to_coins(), "0");
        assert_eq!(
            Wei(u128::MAX).to_coins(),
            "340282366920938463463.374607431768211455"
        );
    }

    #[test]
    fn serde_is_a_wei_string() {
        let json = serde_json::to_string(&Wei(15)).unwrap();
        assert_eq!(json, "\"15\"");
        assert_eq!(serde_json::from_str::<Wei>("\"15\"").unwrap(), Wei(15));
        assert!(serde_json::from_str::<Wei>("\"-1\"").is_err());
        assert!(serde_json::from_str::<Wei>("15").is_err());
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(wei in any::<u128>()) {
            prop_assert_eq!(Wei::parse_coins(&Wei(wei).to_coins()), Ok(Wei(wei)));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,50}") {
            let _ = Wei::parse_coins(&s);
        }
    }
}
