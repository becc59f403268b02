//! What the same attacks cost in stake under Casper FFG (Buterin and Griffith 2017, "Casper
//! the Friendly Finality Gadget"), beside the hash-power figures. A checkpoint is finalized by
//! votes of 2/3 of the stake; the paper's accountable safety theorem says two conflicting
//! finalized checkpoints need at least 1/3 of the stake to have broken a slashing rule. So
//! reverting a finalized block costs at least 1/3 of the total stake, destroyed (slashed);
//! holding back more than 1/3 stops finality without any slashing (plausible liveness); and
//! finalizing a branch alone takes 2/3.
//!
//! This is the rule's arithmetic on the stake the user types, in integer wei (money is
//! integers, rounded up where the rule says "at least"); the lab has no proof-of-stake chain
//! (that is a separate issue), so there is no simulation here.

use crate::amount::Wei;

use super::AttackError;

/// The stake thresholds of Casper FFG for a total stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StakeCosts {
    /// The stake validating.
    pub total: Wei,
    /// At least this much is slashed (destroyed) to revert a finalized block: 1/3, rounded up.
    pub slashed_to_revert: Wei,
    /// More than 1/3 withholding votes stops finality: the smallest stake above 1/3.
    pub to_stop_finality: Wei,
    /// 2/3 (rounded up) finalizes a branch alone.
    pub to_finalize: Wei,
}

/// `ceil(total * num / 3)` for `num` in {1, 2}, without overflow.
fn thirds(total: u128, num: u128) -> u128 {
    let (q, r) = (total / 3, total % 3);
    // total * num / 3 = q * num + r * num / 3, and r * num < 6.
    q * num + (r * num).div_ceil(3)
}

/// The Casper FFG figures for `total` stake.
pub fn stake_costs(total: Wei) -> StakeCosts {
    let t = total.as_wei();
    StakeCosts {
        total,
        slashed_to_revert: Wei::from_wei(thirds(t, 1)),
        to_stop_finality: Wei::from_wei(t / 3 + 1).min(total),
        to_finalize: Wei::from_wei(thirds(t, 2)),
    }
}

/// Parses the total stake typed in coins (`"34000000"`, `"1.5"`) and gives its figures.
///
/// # Errors
/// [`AttackError::Stake`] for text that is not a positive coin amount (the sentence names the
/// valid form).
pub fn parse_stake(text: &str) -> Result<StakeCosts, AttackError> {
    let stake = Wei::parse_coins(text)
        .ok()
        .filter(|w| *w > Wei::ZERO)
        .ok_or_else(|| AttackError::Stake(text.trim().to_string()))?;
    Ok(stake_costs(stake))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn eth(text: &str) -> Wei {
        Wei::parse_coins(text).unwrap()
    }

    #[test]
    fn a_third_to_revert_more_than_a_third_to_stall_two_thirds_to_finalize() {
        let c = parse_stake("300").unwrap();
        assert_eq!(c.slashed_to_revert, eth("100"));
        assert_eq!(c.to_stop_finality, Wei::from_wei(eth("100").as_wei() + 1));
        assert_eq!(c.to_finalize, eth("200"));
        // Rounded up where the rule says "at least": 1 wei of 1/3 is still 1 wei.
        let c = stake_costs(Wei::from_wei(1));
        assert_eq!(
            (c.slashed_to_revert, c.to_stop_finality, c.to_finalize),
            (Wei::from_wei(1), Wei::from_wei(1), Wei::from_wei(1))
        );
        let c = stake_costs(Wei::from_wei(10));
        assert_eq!(c.slashed_to_revert, Wei::from_wei(4));
        assert_eq!(c.to_stop_finality, Wei::from_wei(4));
        assert_eq!(c.to_finalize, Wei::from_wei(7));
        // No overflow at the top of the range (2^128 - 1 is a multiple of 3).
        let c = stake_costs(Wei::from_wei(u128::MAX));
        assert_eq!(c.slashed_to_revert.as_wei(), u128::MAX / 3);
        assert_eq!(c.to_stop_finality.as_wei(), u128::MAX / 3 + 1);
        assert_eq!(c.to_finalize.as_wei(), u128::MAX / 3 * 2);
        let c = stake_costs(Wei::from_wei(u128::MAX - 1));
        assert_eq!(c.slashed_to_revert.as_wei(), (u128::MAX - 1) / 3 + 1);
        assert_eq!(c.to_finalize.as_wei(), (u128::MAX - 1) / 3 * 2 + 2);
        for t in 1..200u128 {
            let c = stake_costs(Wei::from_wei(t));
            let s = c.slashed_to_revert.as_wei();
            assert!(3 * s >= t && 3 * (s - 1) < t, "{t}");
            let f = c.to_finalize.as_wei();
            assert!(3 * f >= 2 * t && 3 * (f - 1) < 2 * t, "{t}");
            let l = c.to_stop_finality.as_wei();
            assert!(3 * l > t && (l == 1 || 3 * (l - 1) <= t), "{t}");
        }
    }

    #[test]
    fn bad_stake_is_refused_with_the_valid_form() {
        for bad in ["", "0", "-5", "abc", "1e6", "NaN"] {
            let e = parse_stake(bad).unwrap_err();
            assert_eq!(e, AttackError::Stake(bad.trim().to_string()));
            assert!(e.to_string().contains("a positive amount"), "{e}");
        }
    }
}
