//! Words: the one place errors and amounts become what a user reads (the app and the view
//! models in the core use only these).

use crate::amount::{format_units, GWEI_DECIMALS};
use crate::Wei;

/// Upper-cases the first letter of a core message for display.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A count and its noun: `1 block`, `2 blocks`, `0 blocks`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An amount in ETH, exact: `1.5 ETH`.
pub fn eth(w: Wei) -> String {
    format!("{} ETH", w.to_coins())
}

/// An amount in ETH, or the reason there is none (a value that does not fit), as the core says it.
pub fn eth_or<E: ToString>(v: &Result<Wei, E>) -> String {
    v.as_ref().map_or_else(|e| e.to_string(), |w| eth(*w))
}

/// Raw bytes as `0x` + lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    format!("0x{}", ::hex::encode(bytes))
}

/// A fee per gas in gwei, exact: `2.2 gwei`.
pub fn gwei(wei: u128) -> String {
    format!("{} gwei", format_units(wei, GWEI_DECIMALS))
}

/// An error as a sentence: the core's lower-case message, capitalised.
pub fn err(e: impl ToString) -> String {
    capitalise(&e.to_string())
}

/// A time in milliseconds since 1970-01-01 UTC as `2026-12-03 10:00:51 UTC`, the one time
/// format of the app. Pure integer arithmetic (Howard Hinnant's `civil_from_days`), so any
/// `u64` a stored or imported header carries has words: years past 9999 print in full.
pub fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (hour, minute, second) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Days since 0000-03-01 in the proleptic Gregorian calendar, split into 400-year eras.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(0, "block", "blocks"), "0 blocks");
        assert_eq!(
            plural(1, "waiting transaction", "waiting transactions"),
            "1 waiting transaction"
        );
        assert_eq!(
            plural(2, "confirmation", "confirmations"),
            "2 confirmations"
        );
    }

    #[test]
    fn a_message_starts_with_a_capital() {
        assert_eq!(capitalise("élan vital"), "Élan vital");
        assert_eq!(capitalise(""), "");
        assert_eq!(err(format_args!("nonce too low")), "Nonce too low");
        assert_eq!(eth(Wei::from_wei(1_500_000_000_000_000_000)), "1.5 ETH");
        assert_eq!(
            eth_or::<String>(&Ok(Wei::from_wei(2))),
            "0.000000000000000002 ETH"
        );
        assert_eq!(eth_or::<&str>(&Err("too big")), "too big");
        assert_eq!(hex(&[0x0a, 0xff]), "0x0aff");
        assert_eq!(gwei(2_200_000_000), "2.2 gwei");
    }

    #[test]
    fn times_are_worded_in_utc_like_the_calendar() {
        // Expected values from Python's datetime (proleptic Gregorian, UTC).
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_764_756_051_000), "2025-12-03 10:00:51 UTC");
        assert_eq!(utc(1_709_168_523_999), "2024-02-29 01:02:03 UTC");
        assert_eq!(utc(951_868_800_000), "2000-03-01 00:00:00 UTC");
        assert_eq!(utc(253_402_300_799_999), "9999-12-31 23:59:59 UTC");
    }

    #[test]
    fn any_stored_timestamp_has_words() {
        // Beyond JavaScript's Date (8.64e15 ms), where `toISOString` would throw.
        assert_eq!(utc(8_640_000_000_000_000), "275760-09-13 00:00:00 UTC");
        assert!(utc(u64::MAX).ends_with(" UTC"));
    }
}
