//! The attack lab: what a double spend, a majority of hash power and selfish mining can do,
//! three ways (formula, Monte Carlo simulation, a live race on replicated [`crate::node`]s).
//!
//! - [`double_spend`]: Nakamoto's Poisson approximation (Bitcoin paper, 2008, section 11),
//!   the exact probability derived twice (Rosenfeld 2014, "Analysis of hashrate-based double
//!   spending": a negative binomial sum; Grunspan and Pérez-Marco 2017, "Double spend races":
//!   the regularized incomplete beta function `I_{4pq}(z, 1/2)`), the Monte Carlo race with its
//!   confidence interval, the `z` needed for a chosen risk, and the expected time of a
//!   majority attack (`q > 1/2`).
//! - [`selfish`]: selfish mining (Eyal and Sirer 2014, "Majority is not enough"): the
//!   withholding strategy's state machine, the paper's closed-form revenue and threshold.
//! - [`live`]: a merchant node and an attacker node racing with real (low-difficulty) blocks.
//! - [`cli`]: the CSV tables the `attacks` example prints.
//!
//! Pure and deterministic: no clock, no entropy; every simulation takes a seed ([`rng::Rng`]).
//!
//! # Where `f64` precision ends
//! Probabilities are `f64`. The closed form ([`double_spend::exact`]) keeps about 12
//! significant digits down to the smallest normal `f64` (it is computed in log space and never
//! subtracts from 1 for small results). The sums ([`double_spend::exact_sum`],
//! [`double_spend::nakamoto`]) compute `1 - sum`, so their absolute error is about 1e-15:
//! below about 1e-12 they carry no significant digit, and the closed form is the reference.
//! A risk below [`MIN_RISK`] is refused for that reason. Results below about 1e-300
//! underflow to 0. Monte Carlo cannot resolve probabilities below about 1 / trials.

pub mod cli;
pub mod double_spend;
pub mod live;
pub mod protocol;
pub mod rng;
pub mod selfish;
mod special;
pub mod stake;

use std::fmt;

/// Largest number of confirmations accepted (the sums cost O(z)).
pub const MAX_Z: u32 = 10_000;
/// Smallest risk a "z for this risk" question may ask (see the module doc on precision).
pub const MIN_RISK: f64 = 1e-12;
/// Longest block interval the 51% panel accepts, in minutes (a year).
pub const MAX_INTERVAL_MINUTES: f64 = 525_600.0;

/// Input the attack formulas refuse, naming the valid range.
#[derive(Debug, Clone, PartialEq)]
pub enum AttackError {
    /// Attacker hash-power share `q` outside [0, 1).
    AttackerShare(f64),
    /// Majority share outside (1/2, 1) (the 51% expected time).
    MajorityShare(f64),
    /// Confirmations `z` outside 0..=[`MAX_Z`] (`text` as typed).
    Confirmations(String),
    /// Selfish pool share `alpha` outside [0, 1/2).
    PoolShare(f64),
    /// Tie-breaking share `gamma` outside [0, 1].
    TieBreak(f64),
    /// Risk outside [[`MIN_RISK`], 1).
    Risk(f64),
    /// No `z` up to [`MAX_Z`] brings the risk below the target.
    RiskUnreachable { q: f64, risk: f64 },
    /// A count (trials, blocks) outside 1..=max.
    Count { what: &'static str, max: u64 },
    /// The live race needs an attacker: `q` in (0, 1).
    LiveShare(f64),
    /// The live race waits for at most [`live::MAX_LIVE_Z`] confirmations (`text` as typed).
    LiveConfirmations(String),
    /// A block interval (minutes) outside (0, [`MAX_INTERVAL_MINUTES`]] (`text` as typed).
    Interval(String),
    /// A total stake that is not a positive coin amount (`text` as typed).
    Stake(String),
    /// Blocks found per tick outside (0, 1].
    Activity(f64),
    /// Live mining difficulty outside 1..=16 bits.
    Difficulty(u32),
    /// Text that is not a number.
    NotANumber { what: &'static str, text: String },
}

impl fmt::Display for AttackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AttackerShare(q) => write!(
                f,
                "attacker share q = {q} is outside the valid range [0, 1) (0 <= q < 1)"
            ),
            Self::MajorityShare(q) => write!(
                f,
                "a majority attack needs q in (0.5, 1); q = {q} is outside that range"
            ),
            Self::Confirmations(text) => write!(
                f,
                "confirmations z = {text} is outside the valid range 0 to {MAX_Z} (a whole number)"
            ),
            Self::PoolShare(a) => write!(
                f,
                "pool share alpha = {a} is outside the valid range [0, 0.5) (0 <= alpha < 0.5)"
            ),
            Self::TieBreak(g) => write!(
                f,
                "tie-breaking gamma = {g} is outside the valid range [0, 1] (0 <= gamma <= 1)"
            ),
            Self::Risk(r) => write!(
                f,
                "risk = {r} is outside the valid range [{MIN_RISK:e}, 1) (f64 precision ends below)"
            ),
            Self::RiskUnreachable { q, risk } => write!(
                f,
                "no z up to {MAX_Z} brings the risk below {risk} for q = {q}"
            ),
            Self::Count { what, max } => {
                write!(f, "{what} must be a whole number from 1 to {max}")
            }
            Self::LiveShare(q) => write!(
                f,
                "the live race needs an attacker: q = {q} is outside the valid range (0, 1)"
            ),
            Self::LiveConfirmations(z) => write!(
                f,
                "the live race waits for 0 to {} confirmations; z = {z} is outside that range",
                live::MAX_LIVE_Z
            ),
            Self::Interval(text) => write!(
                f,
                "block interval = '{text}' minutes is outside the valid range (0, {MAX_INTERVAL_MINUTES}]"
            ),
            Self::Stake(text) => write!(
                f,
                "total stake = '{text}' is not a positive amount of coins (for example 34000000 or 1.5)"
            ),
            Self::Activity(a) => {
                write!(f, "blocks per tick = {a} is outside the valid range (0, 1]")
            }
            Self::Difficulty(d) => write!(
                f,
                "live difficulty = {d} bits is outside the valid range 1 to 16"
            ),
            Self::NotANumber { what, text } => write!(f, "{what}: '{text}' is not a number"),
        }
    }
}

impl std::error::Error for AttackError {}

/// Checks an attacker share `q` in [0, 1).
///
/// # Errors
/// [`AttackError::AttackerShare`] (NaN included).
pub fn check_q(q: f64) -> Result<f64, AttackError> {
    if (0.0..1.0).contains(&q) {
        Ok(q)
    } else {
        Err(AttackError::AttackerShare(q))
    }
}

/// Checks a selfish pool share `alpha` in [0, 1/2).
///
/// # Errors
/// [`AttackError::PoolShare`].
pub fn check_alpha(alpha: f64) -> Result<f64, AttackError> {
    if (0.0..0.5).contains(&alpha) {
        Ok(alpha)
    } else {
        Err(AttackError::PoolShare(alpha))
    }
}

/// Checks a tie-breaking share `gamma` in [0, 1].
///
/// # Errors
/// [`AttackError::TieBreak`].
pub fn check_gamma(gamma: f64) -> Result<f64, AttackError> {
    if (0.0..=1.0).contains(&gamma) {
        Ok(gamma)
    } else {
        Err(AttackError::TieBreak(gamma))
    }
}

/// Checks a target risk in [[`MIN_RISK`], 1).
///
/// # Errors
/// [`AttackError::Risk`].
pub fn check_risk(risk: f64) -> Result<f64, AttackError> {
    if (MIN_RISK..1.0).contains(&risk) {
        Ok(risk)
    } else {
        Err(AttackError::Risk(risk))
    }
}

/// Checks confirmations `z` in 0..=[`MAX_Z`].
///
/// # Errors
/// [`AttackError::Confirmations`].
pub fn check_z(z: u32) -> Result<u32, AttackError> {
    if z <= MAX_Z {
        Ok(z)
    } else {
        Err(AttackError::Confirmations(z.to_string()))
    }
}

fn parse_f64(what: &'static str, text: &str) -> Result<f64, AttackError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| AttackError::NotANumber {
            what,
            text: text.trim().to_string(),
        })
}

/// Parses and checks `q` as typed.
///
/// # Errors
/// Not a number, or outside [0, 1).
pub fn parse_q(text: &str) -> Result<f64, AttackError> {
    check_q(parse_f64("attacker share q", text)?)
}

/// Parses and checks a majority attacker's share `q` as typed, in (1/2, 1).
///
/// # Errors
/// Not a number, or [`AttackError::MajorityShare`].
pub fn parse_majority_q(text: &str) -> Result<f64, AttackError> {
    let q = parse_f64("attacker share q", text)?;
    if q > 0.5 && q < 1.0 {
        Ok(q)
    } else {
        Err(AttackError::MajorityShare(q))
    }
}

/// Parses a block interval in minutes as typed, in (0, [`MAX_INTERVAL_MINUTES`]].
///
/// # Errors
/// [`AttackError::Interval`].
pub fn parse_interval_minutes(text: &str) -> Result<f64, AttackError> {
    let t = text.trim();
    t.parse::<f64>()
        .ok()
        .filter(|m| *m > 0.0 && *m <= MAX_INTERVAL_MINUTES)
        .ok_or_else(|| AttackError::Interval(t.to_string()))
}

/// Parses and checks `alpha` as typed.
///
/// # Errors
/// Not a number, or outside [0, 1/2).
pub fn parse_alpha(text: &str) -> Result<f64, AttackError> {
    check_alpha(parse_f64("pool share alpha", text)?)
}

/// Parses and checks `gamma` as typed.
///
/// # Errors
/// Not a number, or outside [0, 1].
pub fn parse_gamma(text: &str) -> Result<f64, AttackError> {
    check_gamma(parse_f64("tie-breaking gamma", text)?)
}

/// Parses and checks a risk as typed (`0.001` or `1e-3`).
///
/// # Errors
/// Not a number, or outside [[`MIN_RISK`], 1).
pub fn parse_risk(text: &str) -> Result<f64, AttackError> {
    check_risk(parse_f64("risk", text)?)
}

/// Parses and checks confirmations `z` as typed: a whole number 0..=[`MAX_Z`] ("-1", "2.5",
/// "99999" are refused with the range).
///
/// # Errors
/// [`AttackError::Confirmations`].
pub fn parse_z(text: &str) -> Result<u32, AttackError> {
    let t = text.trim();
    t.parse::<u32>()
        .ok()
        .filter(|z| *z <= MAX_Z)
        .ok_or_else(|| AttackError::Confirmations(t.to_string()))
}

/// Parses a count (trials, blocks) 1..=`max`.
///
/// # Errors
/// [`AttackError::Count`].
pub fn parse_count(what: &'static str, text: &str, max: u64) -> Result<u64, AttackError> {
    text.trim()
        .replace('_', "")
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or(AttackError::Count { what, max })
}

#[cfg(test)]
mod tests;
