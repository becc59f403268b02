//! Small helpers for the words the screens show (pure, native-tested).

/// `n` with the singular or the plural noun: "1 block", "0 blocks", "2 blocks".
pub fn plural(n: impl Into<u128>, one: &str, many: &str) -> String {
    match n.into() {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(
            plural(1u32, "waiting transaction", "waiting transactions"),
            "1 waiting transaction"
        );
        assert_eq!(plural(0u32, "block", "blocks"), "0 blocks");
        assert_eq!(
            plural(2u64, "confirmation", "confirmations"),
            "2 confirmations"
        );
    }
}
