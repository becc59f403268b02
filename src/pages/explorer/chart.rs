//! A small SVG chart: one bar per bucket (min to max, the mean marked), axes with units, the
//! value of each bucket on hover (`<title>`). The layout comes from
//! [`blocklab_core::explorer::charts::chart_model`].

use leptos::prelude::*;

use blocklab_core::explorer::charts::{ChartModel, PLOT_HEIGHT, PLOT_WIDTH};

const LEFT: f64 = 78.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 34.0;
const RIGHT: f64 = 10.0;

/// A chart of one series per block.
#[component]
pub fn Chart(
    /// The heading.
    title: &'static str,
    /// `data-testid` of the `<svg>`; each drawn bucket is `chart-point`.
    testid: &'static str,
    /// The y axis's caption with its unit.
    y_label: &'static str,
    /// The laid-out series.
    #[prop(into)]
    model: Signal<ChartModel>,
    /// Writes an axis value with its unit.
    format: fn(f64) -> String,
) -> impl IntoView {
    let view_box = format!(
        "0 0 {} {}",
        LEFT + PLOT_WIDTH + RIGHT,
        TOP + PLOT_HEIGHT + BOTTOM
    );
    view! {
        <figure class="chart">
            <figcaption>{title}
                {move || model.with(|m| m.aggregated.then(|| view! {
                    <span class="muted small" data-testid="chart-aggregated">" (aggregated: each bar is a range of blocks, min to max)"</span>
                }))}
            </figcaption>
            {move || model.with(|m| m.marks.is_empty()).then(|| view! {
                <p class="muted small" data-testid="chart-empty">"No data yet: mine a block."</p>
            })}
            <svg data-testid=testid viewBox=view_box.clone() role="img" aria-label=title
                data-points=move || model.with(|m| m.marks.len()).to_string()>
                // Axes.
                <line class="axis" x1=LEFT y1=TOP x2=LEFT y2=TOP + PLOT_HEIGHT />
                <line class="axis" x1=LEFT y1=TOP + PLOT_HEIGHT x2=LEFT + PLOT_WIDTH y2=TOP + PLOT_HEIGHT />
                <text class="tick" x=LEFT - 4.0 y=TOP + 8.0 text-anchor="end">{move || model.with(|m| format(m.y_max))}</text>
                <text class="tick" x=LEFT - 4.0 y=TOP + PLOT_HEIGHT text-anchor="end">{move || format(0.0)}</text>
                <text class="tick" x=LEFT y=TOP + PLOT_HEIGHT + 14.0>{move || model.with(|m| format!("#{}", m.x_first))}</text>
                <text class="tick" x=LEFT + PLOT_WIDTH y=TOP + PLOT_HEIGHT + 14.0 text-anchor="end">{move || model.with(|m| format!("#{}", m.x_last))}</text>
                <text class="axis-label" x=LEFT + PLOT_WIDTH / 2.0 y=TOP + PLOT_HEIGHT + 30.0 text-anchor="middle">"block height"</text>
                <text class="axis-label" x=12.0 y=TOP + PLOT_HEIGHT / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 12 {})", TOP + PLOT_HEIGHT / 2.0)>{y_label}</text>
                {move || model.with(|m| m.marks.iter().map(|mark| {
                    let height = (mark.y_bottom - mark.y_top).max(1.5);
                    let y = (mark.y_bottom - height).max(0.0);
                    view! {
                        <g data-testid="chart-point">
                            <rect class="bar" x=LEFT + mark.x y=TOP + y width=mark.width height=height>
                                <title>{mark.title.clone()}</title>
                            </rect>
                            <rect class="mean" x=LEFT + mark.x y=TOP + mark.y_mean - 0.75 width=mark.width height=1.5>
                                <title>{mark.title.clone()}</title>
                            </rect>
                        </g>
                    }
                }).collect_view())}
            </svg>
        </figure>
    }
}
