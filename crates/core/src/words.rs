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

/// An amount in ETH, exact: `1.5 ETH`.
pub fn eth(w: Wei) -> String {
    format!("{} ETH", w.to_coins())
}

/// A fee per gas in gwei, exact: `2.2 gwei`.
pub fn gwei(wei: u128) -> String {
    format!("{} gwei", format_units(wei, GWEI_DECIMALS))
}

/// An error as a sentence: the core's lower-case message, capitalised.
pub fn err(e: impl ToString) -> String {
    capitalise(&e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_starts_with_a_capital() {
        assert_eq!(capitalise("élan vital"), "Élan vital");
        assert_eq!(capitalise(""), "");
        assert_eq!(err(format_args!("nonce too low")), "Nonce too low");
        assert_eq!(eth(Wei::from_wei(1_500_000_000_000_000_000)), "1.5 ETH");
        assert_eq!(gwei(2_200_000_000), "2.2 gwei");
    }
}
