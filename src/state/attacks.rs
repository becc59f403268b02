//! The Attack lab's view model: inputs parsed by the core (which names the valid ranges), the
//! probabilities formatted, the charts laid out. Every figure comes from
//! `blocklab_core::attack`; nothing here computes a probability.

use blocklab_core::attack::double_spend::{self, Formula};
use blocklab_core::attack::{self, selfish};

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

/// Probability (log scale, 1e-10 to 1) against z (0 to [`CHART_Z_MAX`]), exact and Nakamoto
/// (dashed) for each of [`CHART_QS`].
pub fn double_spend_chart() -> Vec<ChartLine> {
    let x = |z: u32| f64::from(z) / f64::from(CHART_Z_MAX) * PLOT_W;
    let y = |p: f64| {
        let l = p.max(CHART_P_MIN).log10();
        -l / -CHART_P_MIN.log10() * PLOT_H
    };
    let mut lines = Vec::new();
    for (i, q) in CHART_QS.iter().enumerate() {
        let class = CLASSES[i % CLASSES.len()];
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
                    class
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

/// The three columns of the double-spend panel for typed `q` and `z`.
///
/// # Errors
/// The core's sentence naming the valid range.
pub fn double_spend_figures(q: &str, z: &str) -> Result<(f64, u32, f64, f64), String> {
    let q = attack::parse_q(q).map_err(|e| e.to_string())?;
    let z = attack::parse_z(z).map_err(|e| e.to_string())?;
    let n = double_spend::nakamoto(q, z).map_err(|e| e.to_string())?;
    let x = double_spend::exact(q, z).map_err(|e| e.to_string())?;
    Ok((q, z, n, x))
}

/// z needed for a typed risk, (exact, Nakamoto).
///
/// # Errors
/// The core's sentence.
pub fn z_for_risk(q: &str, risk: &str) -> Result<(u32, u32), String> {
    let q = attack::parse_q(q).map_err(|e| e.to_string())?;
    let risk = attack::parse_risk(risk).map_err(|e| e.to_string())?;
    let e = double_spend::z_for_risk(q, risk, Formula::Exact).map_err(|e| e.to_string())?;
    let n = double_spend::z_for_risk(q, risk, Formula::Nakamoto).map_err(|e| e.to_string())?;
    Ok((e, n))
}

/// The 51% panel: (expected blocks, expected minutes) for typed q, z and block interval.
///
/// # Errors
/// The core's sentence, or a bad interval.
pub fn majority(q: &str, z: &str, minutes: &str) -> Result<(f64, f64), String> {
    let q: f64 = q
        .trim()
        .parse()
        .map_err(|_| format!("q: '{}' is not a number", q.trim()))?;
    let z = attack::parse_z(z).map_err(|e| e.to_string())?;
    let minutes: f64 = minutes
        .trim()
        .parse()
        .ok()
        .filter(|m: &f64| *m > 0.0 && *m <= 1e6)
        .ok_or("block interval must be a number of minutes from above 0 to 1000000")?;
    let blocks = double_spend::majority_expected_blocks(q, z).map_err(|e| e.to_string())?;
    Ok((blocks, blocks * minutes))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn figures_and_refusals() {
        let (q, z, n, x) = double_spend_figures("0.1", "1").unwrap();
        assert_eq!((q, z), (0.1, 1));
        assert_eq!(fmt_p(n), "0.2045873");
        assert!((x - 0.2).abs() < 1e-12);
        assert!(double_spend_figures("1.5", "1")
            .unwrap_err()
            .contains("[0, 1)"));
        assert!(double_spend_figures("0.1", "-1")
            .unwrap_err()
            .contains("0 to 10000"));
        assert_eq!(z_for_risk("0.1", "0.001").unwrap(), (6, 5));
        assert!(majority("0.4", "6", "10").unwrap_err().contains("(0.5, 1)"));
        assert!(majority("0.6", "6", "0").is_err());
        assert_eq!(fmt_p(0.0), "0");
        assert_eq!(fmt_p(1.2e-6), "1.200e-6");
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
    }
}
