//! The explorer's charts as plain data: marks in SVG user units (bucketed by the core's
//! [`explorer::aggregate`]) and the words of their labels.

use crate::explorer::{self, Bucket, Point};

/// A chart's drawing, in SVG user units: a plot area of `width` x `height` after the margins.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartModel {
    /// One per bucket (one per point when they fit), left to right.
    pub marks: Vec<ChartMark>,
    pub y_max: f64,
    pub x_first: u64,
    pub x_last: u64,
    /// Whether points were grouped into buckets.
    pub aggregated: bool,
}

/// One drawn bucket: a bar from `y_top` (its max) to `y_bottom` (its min), the mean at
/// `y_mean`, and the hover text.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartMark {
    pub x: f64,
    pub width: f64,
    pub y_top: f64,
    pub y_bottom: f64,
    pub y_mean: f64,
    pub title: String,
}

/// Plot width in SVG units: at most this many buckets (one per pixel column pair).
pub const PLOT_WIDTH: f64 = 600.0;
/// Plot height in SVG units.
pub const PLOT_HEIGHT: f64 = 140.0;
/// Most marks a chart draws.
pub const MAX_MARKS: usize = 300;

/// Lays out `points` (y from 0 up to the largest value) in the plot area, aggregating into at
/// most [`MAX_MARKS`] buckets; `format` writes a value with its unit for the hover text.
pub fn chart_model(points: &[Point], format: impl Fn(f64) -> String) -> ChartModel {
    let buckets = explorer::aggregate(points, MAX_MARKS);
    let aggregated = buckets.len() < points.len();
    let y_max = buckets.iter().map(|b| b.max).fold(0.0f64, f64::max);
    let scale = |y: f64| {
        if y_max > 0.0 {
            PLOT_HEIGHT - (y.max(0.0) / y_max) * PLOT_HEIGHT
        } else {
            PLOT_HEIGHT
        }
    };
    let n = buckets.len().max(1) as f64;
    let slot = PLOT_WIDTH / n;
    let marks = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| ChartMark {
            x: i as f64 * slot,
            width: (slot * 0.8).max(0.5),
            y_top: scale(b.max),
            y_bottom: scale(b.min),
            y_mean: scale(b.mean),
            title: mark_title(b, &format),
        })
        .collect();
    ChartModel {
        marks,
        y_max,
        x_first: buckets.first().map_or(0, |b| b.x_first),
        x_last: buckets.last().map_or(0, |b| b.x_last),
        aggregated,
    }
}

fn mark_title(b: &Bucket, format: &impl Fn(f64) -> String) -> String {
    if b.count == 1 {
        format!("block #{}: {}", b.x_first, format(b.mean))
    } else {
        format!(
            "blocks #{}–#{} ({} blocks): min {}, mean {}, max {}",
            b.x_first,
            b.x_last,
            b.count,
            format(b.min),
            format(b.mean),
            format(b.max)
        )
    }
}

/// Seconds with up to three decimals: `1.25 s`.
pub fn seconds(y: f64) -> String {
    format!("{} s", trim_float(y, 3))
}

/// Leading zero bits.
pub fn bits(y: f64) -> String {
    format!("{} bits", trim_float(y, 1))
}

/// An amount of gas on a chart's axis.
pub fn gas(y: f64) -> String {
    format!("{} gas", trim_float(y, 0))
}

/// A fee per gas in gwei on a chart's axis.
pub fn gwei(y: f64) -> String {
    format!("{} gwei", trim_float(y, 3))
}

/// Hashes per second with an SI prefix: `7.4 MH/s`.
pub fn hash_rate(y: f64) -> String {
    let (v, unit) = if y >= 1e9 {
        (y / 1e9, "GH/s")
    } else if y >= 1e6 {
        (y / 1e6, "MH/s")
    } else if y >= 1e3 {
        (y / 1e3, "kH/s")
    } else {
        (y, "H/s")
    };
    format!("{} {unit}", trim_float(v, 2))
}

/// ETH, rounded for a chart label (the tables show exact amounts).
pub fn eth(y: f64) -> String {
    format!("{} ETH", trim_float(y, 4))
}

fn trim_float(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A duration between blocks in words: `12.5 s`, `3 min 4 s`.
pub fn duration(ms: u64) -> String {
    if ms < 60_000 {
        seconds(ms as f64 / 1000.0)
    } else {
        let s = ms / 1000;
        format!("{} min {} s", s / 60, s % 60)
    }
}
