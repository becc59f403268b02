//! The double-spend race: a merchant waits for `z` confirmations while an attacker with a
//! share `q` of the hash power mines a private branch from the moment the payment is sent;
//! the attacker wins when, once the merchant has accepted, his branch ever becomes at least as
//! long as the honest one (Nakamoto's "catch up"; Rosenfeld's model with one premined block
//! and a strictly longer branch is the same event). Each new block is the attacker's with
//! probability `q` and the honest network's with `p = 1 - q`.

use super::rng::{threshold, Rng};
use super::special::regularized_beta;
use super::{check_q, check_risk, check_z, AttackError, MAX_Z};

/// Nakamoto's approximation (Bitcoin paper, section 11): the attacker's progress while the
/// merchant waits for `z` blocks is taken as Poisson with mean `λ = z q / p`, and from
/// `z - k` behind he catches up with probability `(q/p)^(z-k)`:
/// `P = 1 - Σ_{k=0}^{z} e^{-λ} λ^k / k! (1 - (q/p)^(z-k))`.
///
/// # Errors
/// `q` outside [0, 1), `z` above [`MAX_Z`].
pub fn nakamoto(q: f64, z: u32) -> Result<f64, AttackError> {
    let q = check_q(q)?;
    let z = check_z(z)?;
    let p = 1.0 - q;
    if z == 0 || q >= p {
        return Ok(1.0);
    }
    if q == 0.0 {
        return Ok(0.0);
    }
    let lambda = f64::from(z) * q / p;
    let (ln_lambda, ln_ratio) = (lambda.ln(), (q / p).ln());
    let mut ln_poisson = -lambda;
    let mut sum = 0.0;
    for k in 0..=z {
        if k > 0 {
            ln_poisson += ln_lambda - f64::from(k).ln();
        }
        let catch_up = (f64::from(z - k) * ln_ratio).exp();
        sum += ln_poisson.exp() * (1.0 - catch_up);
    }
    Ok((1.0 - sum).clamp(0.0, 1.0))
}

/// The exact probability as Rosenfeld's negative binomial sum (2014, eq. for `r`):
/// `P = 1 - Σ_{m=0}^{z} C(m+z-1, m) (p^z q^m - p^m q^z)`, computed in log space.
///
/// # Errors
/// `q` outside [0, 1), `z` above [`MAX_Z`].
pub fn exact_sum(q: f64, z: u32) -> Result<f64, AttackError> {
    let q = check_q(q)?;
    let z = check_z(z)?;
    let p = 1.0 - q;
    if z == 0 || q >= p {
        return Ok(1.0);
    }
    if q == 0.0 {
        return Ok(0.0);
    }
    let (lp, lq, n) = (p.ln(), q.ln(), f64::from(z));
    let mut ln_binom = 0.0; // ln C(m + z - 1, m)
    let mut sum = 0.0;
    for m in 0..=z {
        let mf = f64::from(m);
        if m > 0 {
            ln_binom += ((mf + n - 1.0) / mf).ln();
        }
        sum += (ln_binom + n * lp + mf * lq).exp() - (ln_binom + mf * lp + n * lq).exp();
    }
    Ok((1.0 - sum).clamp(0.0, 1.0))
}

/// The exact probability in Grunspan and Pérez-Marco's closed form (2017, Theorem 1):
/// `P = I_{4pq}(z, 1/2)`, the regularized incomplete beta function (with `1 - 4pq` taken as
/// `(p - q)^2` for precision). The reference value: relative precision is kept for tiny `P`.
///
/// # Errors
/// `q` outside [0, 1), `z` above [`MAX_Z`].
pub fn exact(q: f64, z: u32) -> Result<f64, AttackError> {
    let q = check_q(q)?;
    let z = check_z(z)?;
    let p = 1.0 - q;
    if z == 0 || q >= p {
        return Ok(1.0);
    }
    Ok(regularized_beta(
        4.0 * p * q,
        (p - q) * (p - q),
        f64::from(z),
        0.5,
    ))
}

/// Which formula a question is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    Nakamoto,
    Exact,
}

/// The smallest `z` whose success probability is below `risk` (Nakamoto's "P < 0.001" list
/// asks this of his approximation).
///
/// # Errors
/// Bad `q` or `risk`; [`AttackError::RiskUnreachable`] when no `z` up to [`MAX_Z`] does.
pub fn z_for_risk(q: f64, risk: f64, formula: Formula) -> Result<u32, AttackError> {
    let q = check_q(q)?;
    let risk = check_risk(risk)?;
    for z in 0..=MAX_Z {
        let p = match formula {
            Formula::Nakamoto => nakamoto(q, z)?,
            Formula::Exact => exact(q, z)?,
        };
        if p < risk {
            return Ok(z);
        }
    }
    Err(AttackError::RiskUnreachable { q, risk })
}

/// Expected number of blocks (found by the whole network, attacker included) from the payment
/// until a majority attacker (`1/2 < q < 1`) has both let the merchant see `z` confirmations
/// and caught up: `z / p` blocks for the confirmations, then each missing block takes
/// `1 / (q - p)` blocks (Wald): `E = z/p + E[max(z - M, 0)] / (q - p)` with `M`, the
/// attacker's blocks meanwhile, negative binomial. Multiply by the block interval for a time.
///
/// # Errors
/// [`AttackError::MajorityShare`] unless `1/2 < q < 1`; `z` above [`MAX_Z`].
pub fn majority_expected_blocks(q: f64, z: u32) -> Result<f64, AttackError> {
    if !(q > 0.5 && q < 1.0) {
        return Err(AttackError::MajorityShare(q));
    }
    let z = check_z(z)?;
    let p = 1.0 - q;
    let n = f64::from(z);
    let (lp, lq) = (p.ln(), q.ln());
    let mut ln_binom = 0.0;
    let mut deficit = 0.0;
    for m in 0..z {
        let mf = f64::from(m);
        if m > 0 {
            ln_binom += ((mf + n - 1.0) / mf).ln();
        }
        deficit += (n - mf) * (ln_binom + n * lp + mf * lq).exp();
    }
    Ok(n / p + deficit / (q - p))
}

/// Expected blocks for a majority attacker to erase a lead of `deficit` blocks: `deficit /
/// (2q - 1)` (one block closer per block with drift `q - p`).
///
/// # Errors
/// [`AttackError::MajorityShare`] unless `1/2 < q < 1`.
pub fn catch_up_blocks(q: f64, deficit: u32) -> Result<f64, AttackError> {
    if !(q > 0.5 && q < 1.0) {
        return Err(AttackError::MajorityShare(q));
    }
    Ok(f64::from(deficit) / (2.0 * q - 1.0))
}

/// Largest deficit the Monte Carlo attacker chases before giving up: the smallest `d` with
/// `(q/p)^d < 1e-12` (the bias it adds is below that). A majority attacker never gives up.
fn give_up_deficit(q: f64) -> u64 {
    let p = 1.0 - q;
    if q == 0.0 {
        return 1;
    }
    if q >= p {
        return u64::MAX;
    }
    let d = (12.0 * std::f64::consts::LN_10 / (p / q).ln()).ceil();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "d is positive and below 1e6 for q < 1/2 - 1e-5; the cast saturates beyond"
    )]
    let d = d as u64;
    d.max(1)
}

/// Most blocks one simulated race may take (bounds the q = 1/2 walk, which ends almost surely
/// but has no finite mean); a race cut off is counted as a failure.
pub const MAX_RACE_BLOCKS: u64 = 10_000_000;

/// A Monte Carlo estimate with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub trials: u64,
    pub successes: u64,
    /// Success fraction (0 before the first trial).
    pub p: f64,
    /// Standard error of `p`, `sqrt(p(1-p)/n)`.
    pub std_error: f64,
    /// Wilson score interval at 95% (stays inside [0, 1] and is honest at p = 0).
    pub low: f64,
    pub high: f64,
    /// Mean blocks per race (found by the whole network).
    pub mean_blocks: f64,
    /// Standard error of that mean.
    pub mean_blocks_se: f64,
}

/// The Monte Carlo race, run incrementally ([`RaceSim::run`] in chunks; [`RaceSim::estimate`]
/// any time). Each block is the attacker's with probability `q` (one PRNG draw per block).
#[derive(Debug, Clone)]
pub struct RaceSim {
    q: f64,
    z: u32,
    attacker: u64,
    give_up: u64,
    rng: Rng,
    trials: u64,
    successes: u64,
    blocks: f64,
    blocks_sq: f64,
}

impl RaceSim {
    /// A simulation of races of `z` confirmations against share `q`, seeded.
    ///
    /// # Errors
    /// `q` outside [0, 1), `z` above [`MAX_Z`].
    pub fn new(q: f64, z: u32, seed: u64) -> Result<Self, AttackError> {
        let q = check_q(q)?;
        let z = check_z(z)?;
        Ok(Self {
            q,
            z,
            attacker: threshold(q),
            give_up: give_up_deficit(q),
            rng: Rng::new(seed),
            trials: 0,
            successes: 0,
            blocks: 0.0,
            blocks_sq: 0.0,
        })
    }

    pub fn q(&self) -> f64 {
        self.q
    }

    pub fn z(&self) -> u32 {
        self.z
    }

    /// Races so far.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// One race: returns (attacker won, blocks found meanwhile).
    fn race(&mut self) -> (bool, u64) {
        let (mut honest, mut attacker, mut blocks) = (0u64, 0u64, 0u64);
        let z = u64::from(self.z);
        while honest < z {
            if self.rng.below(self.attacker) {
                attacker += 1;
            } else {
                honest += 1;
            }
            blocks += 1;
        }
        loop {
            if attacker >= honest {
                return (true, blocks);
            }
            if honest - attacker >= self.give_up || blocks >= MAX_RACE_BLOCKS {
                return (false, blocks);
            }
            if self.rng.below(self.attacker) {
                attacker += 1;
            } else {
                honest += 1;
            }
            blocks += 1;
        }
    }

    /// Runs `n` more races.
    pub fn run(&mut self, n: u64) {
        for _ in 0..n {
            let (won, blocks) = self.race();
            self.trials += 1;
            self.successes += u64::from(won);
            #[allow(
                clippy::cast_precision_loss,
                reason = "block counts are far below 2^53"
            )]
            let b = blocks as f64;
            self.blocks += b;
            self.blocks_sq += b * b;
        }
    }

    /// The estimate so far.
    pub fn estimate(&self) -> Estimate {
        estimate(self.trials, self.successes, self.blocks, self.blocks_sq)
    }
}

/// Builds an [`Estimate`] from counts (also used by the live race's tally).
#[allow(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
pub fn estimate(trials: u64, successes: u64, blocks: f64, blocks_sq: f64) -> Estimate {
    if trials == 0 {
        return Estimate {
            trials,
            successes,
            p: 0.0,
            std_error: 0.0,
            low: 0.0,
            high: 1.0,
            mean_blocks: 0.0,
            mean_blocks_se: 0.0,
        };
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = 1.959_963_984_540_054;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    let mean = blocks / n;
    let var = (blocks_sq / n - mean * mean).max(0.0);
    Estimate {
        trials,
        successes,
        p,
        std_error: (p * (1.0 - p) / n).sqrt(),
        // The Wilson interval contains p; min/max only absorb rounding at p = 0 or 1.
        low: (centre - half).max(0.0).min(p),
        high: (centre + half).min(1.0).max(p),
        mean_blocks: mean,
        mean_blocks_se: (var / n).sqrt(),
    }
}
