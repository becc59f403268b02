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

#[cfg(test)]
mod tests {
    use super::*;

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
}
