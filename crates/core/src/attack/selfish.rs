//! Selfish mining (Eyal and Sirer 2014, "Majority is not enough: Bitcoin mining is
//! vulnerable"): a pool with share `alpha` withholds the blocks it finds and publishes them to
//! orphan the honest miners' work; `gamma` is the share of honest miners that mine on the
//! pool's block during a tie. The paper's state machine (states 0, 0', 1, 2, ...: the pool's
//! private lead), simulated block by block, and its closed form (equation 8) and threshold.

use super::rng::{threshold, Rng};
use super::{check_alpha, check_gamma, AttackError};

/// The pool's revenue share (paper, eq. 8):
/// `R = [α(1-α)²(4α + γ(1-2α)) - α³] / [1 - α(1 + (2-α)α)]`.
///
/// # Errors
/// `alpha` outside [0, 1/2), `gamma` outside [0, 1].
pub fn revenue(alpha: f64, gamma: f64) -> Result<f64, AttackError> {
    let a = check_alpha(alpha)?;
    let g = check_gamma(gamma)?;
    let num = a * (1.0 - a).powi(2) * (4.0 * a + g * (1.0 - 2.0 * a)) - a.powi(3);
    let den = 1.0 - a * (1.0 + (2.0 - a) * a);
    Ok(num / den)
}

/// The smallest pool share for which selfish mining pays more than honest mining (paper,
/// observation 1): `(1 - γ) / (3 - 2γ)`.
///
/// # Errors
/// `gamma` outside [0, 1].
pub fn threshold_share(gamma: f64) -> Result<f64, AttackError> {
    let g = check_gamma(gamma)?;
    Ok((1.0 - g) / (3.0 - 2.0 * g))
}

/// Most blocks one simulation may be asked for.
pub const MAX_BLOCKS: u64 = 100_000_000;

/// The strategy's state machine, one mined block per step.
#[derive(Debug, Clone)]
pub struct SelfishSim {
    alpha: f64,
    gamma: f64,
    pool_finds: u64,
    tie_to_pool: u64,
    rng: Rng,
    /// The pool's private lead (state 1, 2, ...), 0 in states 0 and 0'.
    lead: u64,
    /// State 0': two public branches of length one (the pool's and the others').
    tie: bool,
    blocks: u64,
    pool: u64,
    others: u64,
}

impl SelfishSim {
    /// A simulation of pool share `alpha` and tie-breaking `gamma`, seeded.
    ///
    /// # Errors
    /// `alpha` outside [0, 1/2), `gamma` outside [0, 1].
    pub fn new(alpha: f64, gamma: f64, seed: u64) -> Result<Self, AttackError> {
        let alpha = check_alpha(alpha)?;
        let gamma = check_gamma(gamma)?;
        Ok(Self {
            alpha,
            gamma,
            pool_finds: threshold(alpha),
            tie_to_pool: threshold(gamma),
            rng: Rng::new(seed),
            lead: 0,
            tie: false,
            blocks: 0,
            pool: 0,
            others: 0,
        })
    }

    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// Blocks mined so far (by anyone, orphans included).
    pub fn blocks(&self) -> u64 {
        self.blocks
    }

    /// Main-chain blocks so far: (pool's, others').
    pub fn main_chain(&self) -> (u64, u64) {
        (self.pool, self.others)
    }

    /// One mined block through the state machine (paper, Algorithm 1 and Figure 1).
    fn step(&mut self) {
        self.blocks += 1;
        let pool_found = self.rng.below(self.pool_finds);
        if self.tie {
            // State 0': the pool mines on its branch, the others split gamma / 1 - gamma.
            self.tie = false;
            if pool_found {
                self.pool += 2;
            } else if self.rng.below(self.tie_to_pool) {
                self.pool += 1;
                self.others += 1;
            } else {
                self.others += 2;
            }
            return;
        }
        if pool_found {
            self.lead += 1;
            return;
        }
        match self.lead {
            0 => self.others += 1,
            // The others caught up: the pool publishes, a race of two branches (state 0').
            1 => {
                self.lead = 0;
                self.tie = true;
            }
            // Lead of one left: the pool publishes everything and wins both.
            2 => {
                self.lead = 0;
                self.pool += 2;
            }
            // A comfortable lead: publish one block (it will stay in the main chain).
            _ => {
                self.lead -= 1;
                self.pool += 1;
            }
        }
    }

    /// Simulates `n` more blocks.
    pub fn run(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    /// The pool's share of main-chain blocks so far (0 before any settled block).
    #[allow(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
    pub fn share(&self) -> f64 {
        let total = self.pool + self.others;
        if total == 0 {
            0.0
        } else {
            self.pool as f64 / total as f64
        }
    }
}

/// One row of a selfish-mining table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelfishRow {
    pub alpha: f64,
    pub gamma: f64,
    pub closed_form: f64,
    pub simulated: f64,
}

/// Closed form and a simulation of `blocks` blocks (seeded) for one `(alpha, gamma)`.
///
/// # Errors
/// Bad `alpha`/`gamma`; `blocks` outside 1..=[`MAX_BLOCKS`].
pub fn row(alpha: f64, gamma: f64, blocks: u64, seed: u64) -> Result<SelfishRow, AttackError> {
    if !(1..=MAX_BLOCKS).contains(&blocks) {
        return Err(AttackError::Count {
            what: "blocks",
            max: MAX_BLOCKS,
        });
    }
    let closed_form = revenue(alpha, gamma)?;
    let mut sim = SelfishSim::new(alpha, gamma, seed)?;
    sim.run(blocks);
    Ok(SelfishRow {
        alpha,
        gamma,
        closed_form,
        simulated: sim.share(),
    })
}
