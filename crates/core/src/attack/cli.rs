//! The `attacks` example's command line, as a pure function so tests check its output:
//! `double-spend --q 0.1,0.25 --z 0-12 [--trials N] [--seed S]` prints
//! `q,z,nakamoto,exact,simulated,trials`; `selfish --alpha 0.1,0.3 --gamma 0,0.5,1
//! [--blocks N] [--seed S]` prints `alpha,gamma,closed_form,simulated`.

use core::fmt;

use super::double_spend::{exact, nakamoto, RaceSim};
use super::{check_alpha, check_gamma, check_q, parse_count, parse_z, selfish, AttackError};

/// Usage text.
pub const USAGE: &str = "usage: attacks double-spend --q 0.1,0.25 --z 0-12 [--trials 100000] [--seed 1]\n       attacks selfish --alpha 0.1,0.3 --gamma 0,0.5,1 [--blocks 1000000] [--seed 1]";

/// Most Monte Carlo races per row.
pub const MAX_TRIALS: u64 = 1_000_000_000;

/// Why the command line printed no table. `Display` is what the example prints on stderr.
#[derive(Debug, Clone, PartialEq)]
pub enum CliError {
    /// No known command, or a required flag is missing: the [`USAGE`] text.
    Usage,
    /// `--seed` is not a whole number (`text` as given).
    Seed { text: String },
    /// A value the attack formulas refuse, naming its valid range.
    Attack(AttackError),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage => f.write_str(USAGE),
            Self::Seed { text } => write!(f, "--seed: '{text}' is not a whole number"),
            Self::Attack(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CliError {}

impl From<AttackError> for CliError {
    fn from(e: AttackError) -> Self {
        Self::Attack(e)
    }
}

/// Parses `0.1,0.25` into numbers.
///
/// # Errors
/// An element that is not a number.
pub fn parse_list(what: &'static str, text: &str) -> Result<Vec<f64>, AttackError> {
    text.split(',')
        .map(|t| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| AttackError::NotANumber {
                    what,
                    text: t.trim().to_string(),
                })
        })
        .collect()
}

/// Parses confirmations: `0-12` (inclusive), `0-50:5` (with a step), or a list `1,2,6`.
///
/// # Errors
/// Anything outside 0..=[`super::MAX_Z`] or malformed.
pub fn parse_z_grid(text: &str) -> Result<Vec<u32>, AttackError> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once(':') {
            Some((r, s)) => (r, parse_z(s)?.max(1)),
            None => (part, 1),
        };
        match range.trim().split_once('-') {
            Some((a, b)) if !a.trim().is_empty() => {
                let (a, b) = (parse_z(a)?, parse_z(b)?);
                out.extend((a..=b).step_by(step as usize));
            }
            _ => out.push(parse_z(range)?),
        }
    }
    Ok(out)
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn seed(args: &[String]) -> Result<u64, CliError> {
    flag(args, "--seed").map_or(Ok(1), |s| {
        s.parse::<u64>()
            .map_err(|_| CliError::Seed { text: s.to_owned() })
    })
}

/// Runs the command line (without the program name) and returns the CSV text.
///
/// # Errors
/// [`CliError::Attack`] naming the bad argument and its valid range, [`CliError::Seed`], or
/// [`CliError::Usage`].
pub fn run(args: &[String]) -> Result<String, CliError> {
    let required = |name: &str| flag(args, name).ok_or(CliError::Usage);
    match args.first().map(String::as_str) {
        Some("double-spend") => {
            let qs = parse_list("q", required("--q")?)?;
            let zs = parse_z_grid(required("--z")?)?;
            let trials = flag(args, "--trials")
                .map_or(Ok(100_000), |t| parse_count("trials", t, MAX_TRIALS))?;
            Ok(double_spend_csv(&qs, &zs, trials, seed(args)?)?)
        }
        Some("selfish") => {
            let alphas = parse_list("alpha", required("--alpha")?)?;
            let gammas = parse_list("gamma", required("--gamma")?)?;
            let blocks = flag(args, "--blocks").map_or(Ok(1_000_000), |t| {
                parse_count("blocks", t, selfish::MAX_BLOCKS)
            })?;
            Ok(selfish_csv(&alphas, &gammas, blocks, seed(args)?)?)
        }
        _ => Err(CliError::Usage),
    }
}

/// The double-spend table: one row per `(q, z)`, the simulation seeded by `seed + row`.
///
/// # Errors
/// A bad `q` or `z`.
pub fn double_spend_csv(
    qs: &[f64],
    zs: &[u32],
    trials: u64,
    seed: u64,
) -> Result<String, AttackError> {
    let mut out = String::from("q,z,nakamoto,exact,simulated,trials\n");
    let mut row = 0u64;
    for &q in qs {
        check_q(q)?;
        for &z in zs {
            let mut sim = RaceSim::new(q, z, seed.wrapping_add(row))?;
            sim.run(trials);
            let est = sim.estimate();
            out.push_str(&format!(
                "{q},{z},{:.10},{:.10},{:.10},{}\n",
                nakamoto(q, z)?,
                exact(q, z)?,
                est.p,
                est.trials
            ));
            row += 1;
        }
    }
    Ok(out)
}

/// The selfish-mining table: one row per `(alpha, gamma)`, seeded by `seed + row`.
///
/// # Errors
/// A bad `alpha`, `gamma` or block count.
pub fn selfish_csv(
    alphas: &[f64],
    gammas: &[f64],
    blocks: u64,
    seed: u64,
) -> Result<String, AttackError> {
    let mut out = String::from("alpha,gamma,closed_form,simulated\n");
    let mut n = 0u64;
    for &alpha in alphas {
        check_alpha(alpha)?;
        for &gamma in gammas {
            check_gamma(gamma)?;
            let r = selfish::row(alpha, gamma, blocks, seed.wrapping_add(n))?;
            out.push_str(&format!(
                "{alpha},{gamma},{:.6},{:.6}\n",
                r.closed_form, r.simulated
            ));
            n += 1;
        }
    }
    Ok(out)
}
