//! The Attack lab's view model: inputs parsed by the core (which names the valid ranges), the
//! probabilities formatted, the charts laid out, and the Monte Carlo run in its worker. Every
//! figure comes from `blocklab_core::attack`; nothing here computes a probability.

use blocklab_core::attack::double_spend::{self, estimate, Estimate, Formula};
use blocklab_core::attack::protocol::{FromSim, ToSim};
use blocklab_core::attack::{self, selfish, AttackError};
use leptos::prelude::*;

use crate::platform::sim::SimWorker;

/// Plot area of the line charts, in SVG units.
pub const PLOT_W: f64 = 420.0;
pub const PLOT_H: f64 = 200.0;
/// The attacker shares drawn on the probability chart.
pub const CHART_QS: [f64; 4] = [0.1, 0.2, 0.3, 0.4];
/// Confirmations on the chart's x axis.
pub const CHART_Z_MAX: u32 = 30;
/// Lowest probability on the log axis.
pub const CHART_P_MIN: f64 = 1e-10;
/// The tie-breaking shares drawn on the selfish-mining chart.
pub const CHART_GAMMAS: [f64; 3] = [0.0, 0.5, 1.0];
/// Most races one Monte Carlo run may be asked for.
pub const MAX_MC_TRIALS: u64 = 100_000_000;

/// A probability for reading: seven decimals (as Nakamoto printed them), scientific below 1e-4.
pub fn fmt_p(p: f64) -> String {
    if p == 0.0 {
        "0".to_owned()
    } else if p < 1e-4 {
        format!("{p:.3e}")
    } else {
        format!("{p:.7}")
    }
}

/// A duration in minutes for reading.
pub fn fmt_minutes(m: f64) -> String {
    if m < 120.0 {
        format!("{m:.1} minutes")
    } else if m < 48.0 * 60.0 {
        format!("{:.1} hours", m / 60.0)
    } else {
        format!("{:.1} days", m / 1440.0)
    }
}

/// One line of a chart: its label and SVG `points`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLine {
    pub label: String,
    pub points: String,
    /// CSS class (its colour).
    pub class: &'static str,
}

const CLASSES: [&str; 4] = ["line-a", "line-b", "line-c", "line-d"];

fn points(xy: impl Iterator<Item = (f64, f64)>) -> String {
    xy.map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Probability (log scale, [`CHART_P_MIN`] to 1) against z (0 to [`CHART_Z_MAX`]), exact and
/// Nakamoto (dashed) for each of [`CHART_QS`].
pub fn double_spend_chart() -> Vec<ChartLine> {
    let x = |z: u32| f64::from(z) / f64::from(CHART_Z_MAX) * PLOT_W;
    let y = |p: f64| p.max(CHART_P_MIN).log10() / CHART_P_MIN.log10() * PLOT_H;
    let mut lines = Vec::new();
    for (i, q) in CHART_QS.iter().enumerate() {
        for (formula, label) in [(Formula::Exact, "exact"), (Formula::Nakamoto, "Nakamoto")] {
            let pts = (0..=CHART_Z_MAX).map(|z| {
                let p = match formula {
                    Formula::Exact => double_spend::exact(*q, z),
                    Formula::Nakamoto => double_spend::nakamoto(*q, z),
                };
                (x(z), y(p.unwrap_or(0.0)))
            });
            lines.push(ChartLine {
                label: format!("q = {q} ({label})"),
                points: points(pts),
                class: if formula == Formula::Exact {
                    CLASSES[i % CLASSES.len()]
                } else {
                    "line-dashed"
                },
            });
        }
    }
    lines
}

/// The pool's revenue against alpha (0 to 0.5) for each of [`CHART_GAMMAS`], and honest mining
/// (revenue = alpha) for comparison. The y axis runs 0 to 1.
pub fn selfish_chart() -> Vec<ChartLine> {
    let x = |a: f64| a / 0.5 * PLOT_W;
    let y = |r: f64| (1.0 - r.clamp(0.0, 1.0)) * PLOT_H;
    let alphas = || (0..50).map(|i| f64::from(i) / 100.0);
    let mut lines: Vec<ChartLine> = CHART_GAMMAS
        .iter()
        .enumerate()
        .map(|(i, g)| ChartLine {
            label: format!("γ = {g}"),
            points: points(alphas().map(|a| (x(a), y(selfish::revenue(a, *g).unwrap_or(0.0))))),
            class: CLASSES[i % CLASSES.len()],
        })
        .collect();
    lines.push(ChartLine {
        label: "honest mining (revenue = α)".to_owned(),
        points: points(alphas().map(|a| (x(a), y(a)))),
        class: "line-dashed",
    });
    lines
}

/// The double-spend panel's formulas for typed `q` and `z`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub q: f64,
    pub z: u32,
    pub nakamoto: f64,
    pub exact: f64,
}

/// The two formulas for typed `q` and `z`.
///
/// # Errors
/// The core's sentence naming the valid range.
pub fn double_spend_figures(q: &str, z: &str) -> Result<Figures, String> {
    let run = || -> Result<Figures, AttackError> {
        let (q, z) = (attack::parse_q(q)?, attack::parse_z(z)?);
        Ok(Figures {
            q,
            z,
            nakamoto: double_spend::nakamoto(q, z)?,
            exact: double_spend::exact(q, z)?,
        })
    };
    run().map_err(|e| e.to_string())
}

/// z needed for a typed risk, (exact, Nakamoto).
///
/// # Errors
/// The core's sentence.
pub fn z_for_risk(q: &str, risk: &str) -> Result<(u32, u32), String> {
    let run = || -> Result<(u32, u32), AttackError> {
        let (q, risk) = (attack::parse_q(q)?, attack::parse_risk(risk)?);
        Ok((
            double_spend::z_for_risk(q, risk, Formula::Exact)?,
            double_spend::z_for_risk(q, risk, Formula::Nakamoto)?,
        ))
    };
    run().map_err(|e| e.to_string())
}

/// The 51% panel: (expected blocks, expected minutes) for typed q, z and block interval.
///
/// # Errors
/// The core's sentence.
pub fn majority(q: &str, z: &str, minutes: &str) -> Result<(f64, f64), String> {
    let run = || -> Result<(f64, f64), AttackError> {
        let q = attack::parse_majority_q(q)?;
        let z = attack::parse_z(z)?;
        let minutes = attack::parse_interval_minutes(minutes)?;
        let blocks = double_spend::majority_expected_blocks(q, z)?;
        Ok((blocks, blocks * minutes))
    };
    run().map_err(|e| e.to_string())
}

/// Most blocks one selfish-mining simulation on the page may take (it runs on the main thread:
/// about a second).
pub const MAX_PAGE_BLOCKS: u64 = 10_000_000;

/// The selfish-mining panel's closed-form figures for typed alpha and gamma.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelfishFigures {
    pub alpha: f64,
    pub gamma: f64,
    /// The pool's share of main-chain blocks (Eyal and Sirer, eq. 8).
    pub revenue: f64,
    /// The smallest alpha for which withholding pays, (1 - γ)/(3 - 2γ).
    pub threshold: f64,
}

impl SelfishFigures {
    /// Whether withholding pays at this alpha (the closed form's revenue above alpha).
    pub fn pays(&self) -> bool {
        self.revenue > self.alpha
    }
}

/// The closed form and the threshold for typed alpha and gamma.
///
/// # Errors
/// The core's sentence naming the valid range.
pub fn selfish_figures(alpha: &str, gamma: &str) -> Result<SelfishFigures, String> {
    let run = || -> Result<SelfishFigures, AttackError> {
        let (alpha, gamma) = (attack::parse_alpha(alpha)?, attack::parse_gamma(gamma)?);
        Ok(SelfishFigures {
            alpha,
            gamma,
            revenue: selfish::revenue(alpha, gamma)?,
            threshold: selfish::threshold_share(gamma)?,
        })
    };
    run().map_err(|e| e.to_string())
}

/// The withholding strategy simulated over the typed number of blocks (seed 1): the pool's
/// share of main-chain blocks.
///
/// # Errors
/// The core's sentence.
pub fn selfish_simulated(f: &SelfishFigures, blocks: &str) -> Result<f64, String> {
    attack::parse_count("blocks", blocks, MAX_PAGE_BLOCKS)
        .and_then(|n| selfish::row(f.alpha, f.gamma, n, 1))
        .map(|row| row.simulated)
        .map_err(|e| e.to_string())
}

/// Where a Monte Carlo run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McState {
    Running,
    Done,
    Cancelled,
}

impl McState {
    /// The `data-state` the tests read.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }
}

/// What the Monte Carlo column shows: a run's settings and its counts so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McRun {
    pub job: u64,
    pub q: f64,
    pub z: u32,
    pub target: u64,
    pub trials: u64,
    pub successes: u64,
    pub elapsed_ms: f64,
    pub state: McState,
}

impl McRun {
    /// The estimate and its 95% interval (the core's).
    pub fn estimate(&self) -> Estimate {
        estimate(self.trials, self.successes, 0.0, 0.0)
    }

    /// Races per second so far.
    #[allow(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms > 0.0 {
            self.trials as f64 / self.elapsed_ms * 1000.0
        } else {
            0.0
        }
    }
}

/// The double-spend panel's signals and its Monte Carlo worker (spawned on the first run,
/// terminated when the panel goes).
#[derive(Clone, Copy)]
pub struct DoubleSpendState {
    pub q: RwSignal<String>,
    pub z: RwSignal<String>,
    pub risk: RwSignal<String>,
    pub trials: RwSignal<String>,
    pub figures: Memo<Result<Figures, String>>,
    pub mc: RwSignal<Option<McRun>>,
    pub mc_error: RwSignal<Option<String>>,
    worker: StoredValue<Option<SimWorker>, LocalStorage>,
    next_job: StoredValue<u64>,
}

impl Default for DoubleSpendState {
    fn default() -> Self {
        Self::new()
    }
}

impl DoubleSpendState {
    /// The panel's state with Nakamoto's first example (q = 0.1, z = 6).
    pub fn new() -> Self {
        let q = RwSignal::new("0.1".to_owned());
        let z = RwSignal::new("6".to_owned());
        Self {
            q,
            z,
            risk: RwSignal::new("0.001".to_owned()),
            trials: RwSignal::new("100000".to_owned()),
            figures: Memo::new(move |_| double_spend_figures(&q.get(), &z.get())),
            mc: RwSignal::new(None),
            mc_error: RwSignal::new(None),
            worker: StoredValue::new_local(None),
            next_job: StoredValue::new(0),
        }
    }

    /// Whether a run is going.
    pub fn running(&self) -> bool {
        self.mc
            .with(|m| m.is_some_and(|m| m.state == McState::Running))
    }

    /// A worker message: counts of the current job update the column; older jobs are ignored.
    fn on_event(self, msg: FromSim) {
        let current = self.mc.get_untracked().map(|m| m.job);
        let update = |job: u64, f: &dyn Fn(&mut McRun)| {
            if Some(job) == current {
                self.mc.update(|m| {
                    if let Some(m) = m {
                        f(m);
                    }
                });
            }
        };
        let done = matches!(msg, FromSim::Done { .. });
        match msg {
            FromSim::Progress {
                job,
                trials,
                successes,
                elapsed_ms,
            }
            | FromSim::Done {
                job,
                trials,
                successes,
                elapsed_ms,
            } => update(job, &|m| {
                (m.trials, m.successes, m.elapsed_ms) = (trials, successes, elapsed_ms);
                if done {
                    m.state = McState::Done;
                }
            }),
            FromSim::Cancelled {
                job,
                trials,
                successes,
            } => update(job, &|m| {
                (m.trials, m.successes) = (trials, successes);
                m.state = McState::Cancelled;
            }),
            FromSim::Refused { job, message } => {
                update(job, &|m| m.state = McState::Cancelled);
                self.mc_error.set(Some(message));
            }
            FromSim::Ready => {}
        }
    }

    /// Starts a Monte Carlo run of the typed number of races for the typed q and z.
    pub fn run(self) {
        self.mc_error.set(None);
        let Ok(f) = self.figures.get_untracked() else {
            return;
        };
        let n = match attack::parse_count("races", &self.trials.get_untracked(), MAX_MC_TRIALS) {
            Ok(n) => n,
            Err(e) => {
                self.mc_error.set(Some(e.to_string()));
                return;
            }
        };
        if self.worker.with_value(Option::is_none) {
            let on_error = move |e: String| {
                self.mc_error.set(Some(e));
                self.mc.update(|m| {
                    if let Some(m) = m.as_mut().filter(|m| m.state == McState::Running) {
                        m.state = McState::Cancelled;
                    }
                });
            };
            match SimWorker::spawn(move |msg| self.on_event(msg), on_error) {
                Ok(w) => self.worker.set_value(Some(w)),
                Err(e) => {
                    self.mc_error
                        .set(Some(format!("the simulation cannot run here: {e}")));
                    return;
                }
            }
        }
        self.next_job.update_value(|j| *j += 1);
        let job = self.next_job.get_value();
        self.mc.set(Some(McRun {
            job,
            q: f.q,
            z: f.z,
            target: n,
            trials: 0,
            successes: 0,
            elapsed_ms: 0.0,
            state: McState::Running,
        }));
        self.send(&ToSim::Start {
            job,
            q: f.q,
            z: f.z,
            trials: n,
            seed: job,
        });
    }

    /// Asks the worker to stop the current run (it answers with the counts so far).
    pub fn cancel(self) {
        if let Some(m) = self.mc.get_untracked() {
            self.send(&ToSim::Cancel { job: m.job });
        }
    }

    fn send(self, msg: &ToSim) {
        self.worker.with_value(|w| {
            if let Some(w) = w {
                w.send(msg);
            }
        });
    }
}

mod live;

pub use live::{LiveState, LogLine};

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn figures_and_refusals() {
        let f = double_spend_figures("0.1", "1").unwrap();
        assert_eq!((f.q, f.z), (0.1, 1));
        assert_eq!(fmt_p(f.nakamoto), "0.2045873");
        assert!((f.exact - 0.2).abs() < 1e-12);
        assert!(double_spend_figures("1.5", "1")
            .unwrap_err()
            .contains("[0, 1)"));
        assert!(double_spend_figures("0.1", "-1")
            .unwrap_err()
            .contains("0 to 10000"));
        assert_eq!(z_for_risk("0.1", "0.001").unwrap(), (6, 5));
        assert!(majority("0.4", "6", "10").unwrap_err().contains("(0.5, 1)"));
        assert!(majority("0.6", "6", "0").unwrap_err().contains("interval"));
        let (blocks, minutes) = majority("0.75", "0", "10").unwrap();
        assert_eq!((blocks, minutes), (0.0, 0.0));
        assert_eq!(fmt_p(0.0), "0");
        assert_eq!(fmt_p(1.2e-6), "1.200e-6");
        assert_eq!(fmt_minutes(90.0), "90.0 minutes");
        assert_eq!(fmt_minutes(180.0), "3.0 hours");
        assert_eq!(fmt_minutes(4320.0), "3.0 days");
        let f = selfish_figures("0.4", "0.5").unwrap();
        assert!(f.pays() && (f.threshold - 0.25).abs() < 1e-12);
        assert!(!selfish_figures("0.2", "0").unwrap().pays());
        assert!(selfish_figures("0.2", "1.5")
            .unwrap_err()
            .contains("[0, 1]"));
        assert!(selfish_figures("0.5", "0")
            .unwrap_err()
            .contains("[0, 0.5)"));
        assert!(selfish_simulated(&f, "0")
            .unwrap_err()
            .contains("1 to 10000000"));
        let sim = selfish_simulated(&f, "200000").unwrap();
        assert!((sim - f.revenue).abs() < 0.01, "{sim} vs {}", f.revenue);
    }

    #[test]
    fn charts_have_finite_points_inside_the_plot() {
        for line in double_spend_chart().into_iter().chain(selfish_chart()) {
            for pair in line.points.split(' ') {
                let (x, y) = pair.split_once(',').unwrap();
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!(
                    (0.0..=PLOT_W).contains(&x) && (0.0..=PLOT_H).contains(&y),
                    "{pair}"
                );
            }
        }
        assert_eq!(double_spend_chart().len(), 2 * CHART_QS.len());
        assert_eq!(selfish_chart().len(), CHART_GAMMAS.len() + 1);
    }
}
