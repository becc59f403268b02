//! A small line chart (inline SVG): lines laid out by `state.rs`, axes, a legend.

use leptos::prelude::*;

use super::state::{ChartLine, PLOT_H, PLOT_W};

const LEFT: f64 = 56.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 34.0;
const RIGHT: f64 = 10.0;

/// A line chart.
#[component]
pub fn LineChart(
    /// The caption.
    title: &'static str,
    /// `data-testid` of the `<svg>`; each line is `chart-line`.
    testid: &'static str,
    /// The x axis's caption.
    x_label: &'static str,
    /// The y axis's caption.
    y_label: &'static str,
    /// The labels at the two ends of the x axis.
    x_ends: (String, String),
    /// The labels at the bottom and the top of the y axis.
    y_ends: (String, String),
    /// The laid-out lines.
    lines: Vec<ChartLine>,
) -> impl IntoView {
    let view_box = format!("0 0 {} {}", LEFT + PLOT_W + RIGHT, TOP + PLOT_H + BOTTOM);
    let legend = lines.clone();
    let count = lines.len().to_string();
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg data-testid=testid viewBox=view_box role="img" aria-label=title data-lines=count>
                <line class="axis" x1=LEFT y1=TOP x2=LEFT y2=TOP + PLOT_H />
                <line class="axis" x1=LEFT y1=TOP + PLOT_H x2=LEFT + PLOT_W y2=TOP + PLOT_H />
                <text class="tick" x=LEFT - 4.0 y=TOP + 8.0 text-anchor="end">{y_ends.1}</text>
                <text class="tick" x=LEFT - 4.0 y=TOP + PLOT_H text-anchor="end">{y_ends.0}</text>
                <text class="tick" x=LEFT y=TOP + PLOT_H + 14.0>{x_ends.0}</text>
                <text class="tick" x=LEFT + PLOT_W y=TOP + PLOT_H + 14.0 text-anchor="end">{x_ends.1}</text>
                <text class="axis-label" x=LEFT + PLOT_W / 2.0 y=TOP + PLOT_H + 30.0 text-anchor="middle">{x_label}</text>
                <text class="axis-label" x=12.0 y=TOP + PLOT_H / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 12 {})", TOP + PLOT_H / 2.0)>{y_label}</text>
                <g transform=format!("translate({LEFT} {TOP})")>
                    {lines.into_iter().map(|l| view! {
                        <polyline data-testid="chart-line" class=format!("plot {}", l.class) points=l.points>
                            <title>{l.label}</title>
                        </polyline>
                    }).collect_view()}
                </g>
            </svg>
            <ul class="legend small">
                {legend.into_iter().map(|l| view! { <li><span class=format!("swatch {}", l.class)></span>{l.label}</li> }).collect_view()}
            </ul>
        </figure>
    }
}
