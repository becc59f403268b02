//! Money as integers: [`Wei`] holds base units (10^-18 of a coin/ether) in a `u128`.
//!
//! Decimal strings are parsed and formatted here, digit by digit; no float is ever involved.

use core::fmt;
use core::str::FromStr;

/// Decimal places of one whole coin (ether): 1 coin = 10^18 wei.
pub const DECIMALS: u32 = 18;
/// Decimal places of one gwei in wei: 1 gwei = 10^9 wei (the unit fees are usually quoted in).
pub const GWEI_DECIMALS: u32 = 9;

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
        parse_units(text, DECIMALS).map(Self)
    }

    /// Formats as a decimal coin amount without trailing zeros: `1.5`, `0.000000000000000001`, `12`.
    pub fn to_coins(self) -> String {
        format_units(self.0, DECIMALS)
    }
}

/// Parses a decimal amount of a unit that has `decimals` places of base units into base units:
/// `parse_units("1.5", GWEI_DECIMALS)` is 1,500,000,000 (wei), `parse_units("2", 0)` is 2.
/// Digit by digit with checked arithmetic; a leading `+` and surrounding spaces are allowed,
/// trailing zeros after the point are ignored.
///
/// # Errors
/// [`AmountError`] for empty, negative, non-decimal, over-precise (more than `decimals`
/// significant digits after the point) or too large (more than `u128::MAX`) input.
pub fn parse_units(text: &str, decimals: u32) -> Result<u128, AmountError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    if s.starts_with('-') {
        return Err(AmountError::Negative);
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
        return Err(AmountError::NotANumber);
    }
    let frac = frac.trim_end_matches('0');
    let places = usize::try_from(decimals).unwrap_or(usize::MAX);
    if frac.len() > places {
        return Err(AmountError::TooManyDecimals { max: decimals });
    }
    let mut value: u128 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(b - b'0')))
            .ok_or(AmountError::Overflow)?;
    }
    // Scale the digits read so far up to `decimals` places.
    if value == 0 {
        return Ok(0);
    }
    u32::try_from(places - frac.len())
        .ok()
        .and_then(|zeros| 10u128.checked_pow(zeros))
        .and_then(|scale| value.checked_mul(scale))
        .ok_or(AmountError::Overflow)
}

/// Formats base units as a decimal amount of a unit with `decimals` places, without trailing
/// zeros: `format_units(1_500_000_000, GWEI_DECIMALS)` is `"1.5"`, `format_units(7, 0)` is `"7"`.
/// `decimals` is a unit's constant ([`DECIMALS`], [`GWEI_DECIMALS`]), not user input.
pub fn format_units(value: u128, decimals: u32) -> String {
    let places = usize::try_from(decimals).unwrap_or(usize::MAX);
    let digits = value.to_string();
    if places == 0 {
        return digits;
    }
    // At least one digit before the point.
    let digits = if digits.len() <= places {
        format!("{}{digits}", "0".repeat(places + 1 - digits.len()))
    } else {
        digits
    };
    let (whole, frac) = digits.split_at(digits.len() - places);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}.{frac}")
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

    const WEI_PER_COIN: u128 = 1_000_000_000_000_000_000;

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
    fn parses_and_formats_other_units() {
        assert_eq!(parse_units("1", GWEI_DECIMALS), Ok(1_000_000_000));
        assert_eq!(parse_units("2.5", GWEI_DECIMALS), Ok(2_500_000_000));
        assert_eq!(parse_units("0.000000001", GWEI_DECIMALS), Ok(1));
        assert_eq!(parse_units("0.1000000000", GWEI_DECIMALS), Ok(100_000_000));
        assert_eq!(parse_units(" +7 ", 0), Ok(7));
        assert_eq!(parse_units("7.0", 0), Ok(7));
        assert_eq!(
            parse_units("0.0000000001", GWEI_DECIMALS),
            Err(AmountError::TooManyDecimals { max: 9 })
        );
        assert_eq!(
            parse_units("7.5", 0),
            Err(AmountError::TooManyDecimals { max: 0 })
        );
        assert_eq!(parse_units("-1", GWEI_DECIMALS), Err(AmountError::Negative));
        assert_eq!(
            parse_units("1.2.3", GWEI_DECIMALS),
            Err(AmountError::NotANumber)
        );
        assert_eq!(
            parse_units("1 000", GWEI_DECIMALS),
            Err(AmountError::NotANumber)
        );
        assert_eq!(parse_units("", GWEI_DECIMALS), Err(AmountError::Empty));
        // u128::MAX wei is 340282366920938463463374607431.768211455 gwei.
        assert_eq!(
            parse_units("340282366920938463463374607431.768211455", GWEI_DECIMALS),
            Ok(u128::MAX)
        );
        assert_eq!(
            parse_units("340282366920938463463374607431.768211456", GWEI_DECIMALS),
            Err(AmountError::Overflow)
        );
        // Overflowing when the whole part is scaled up, not while its digits are read.
        assert_eq!(
            parse_units("340282366920938463463374607432", GWEI_DECIMALS),
            Err(AmountError::Overflow)
        );
        assert_eq!(parse_units("1", 39), Err(AmountError::Overflow));
        assert_eq!(parse_units("0.0", 60), Ok(0));
        assert_eq!(format_units(2_000_000_000, GWEI_DECIMALS), "2");
        assert_eq!(format_units(1_500_000_000, GWEI_DECIMALS), "1.5");
        assert_eq!(format_units(1, GWEI_DECIMALS), "0.000000001");
        assert_eq!(format_units(0, GWEI_DECIMALS), "0");
        assert_eq!(format_units(1234, 0), "1234");
        assert_eq!(
            format_units(u128::MAX, 40),
            "0.0340282366920938463463374607431768211455"
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
        fn parse_never_panics(s in "\\PC{0,50}", decimals in 0u32..60) {
            let _ = Wei::parse_coins(&s);
            let _ = parse_units(&s, decimals);
        }

        #[test]
        fn units_format_then_parse_round_trips(value in any::<u128>(), decimals in 0u32..60) {
            prop_assert_eq!(parse_units(&format_units(value, decimals), decimals), Ok(value));
        }
    }
}
