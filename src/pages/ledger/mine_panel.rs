//! Difficulty choice, the Mine button, and progress while mining.

use blocklab_core::pow::{Difficulty, MAX_DIFFICULTY};
use blocklab_core::words::plural;
use leptos::prelude::*;

use crate::components::invalid_tip::InvalidTipWarning;
use crate::components::use_state;
use crate::platform::workers::default_workers;
use crate::state::notices::Notice;
use crate::state::{actions, mining, MineTarget, MiningBackend};

/// Highest difficulty the slider offers; the number input accepts up to [`MAX_DIFFICULTY`].
const SLIDER_MAX: u32 = 32;

/// Formats an integer with thin thousands separators for reading (not for tests).
pub fn group_digits(n: u128) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats a duration in seconds for an ETA.
fn format_eta(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "unknown".into();
    }
    match seconds {
        s if s < 1.0 => "under a second".into(),
        s if s < 120.0 => format!("about {s:.0} s"),
        s if s < 7200.0 => format!("about {:.0} min", s / 60.0),
        s if s < 172_800.0 => format!("about {:.0} h", s / 3600.0),
        s if s < 63_072_000.0 => format!("about {:.0} days", s / 86_400.0),
        s => format!("about {:.0} years", s / 31_536_000.0),
    }
}

/// The mining controls.
#[component]
pub fn MinePanel() -> impl IntoView {
    let state = use_state();
    let text = RwSignal::new(state.settings.with_untracked(|s| s.difficulty.to_string()));
    let error = RwSignal::new(None::<String>);
    let on_text = move |value: String| {
        error.set(actions::set_difficulty(state, &value).err());
        text.set(value);
    };
    let bits = move || state.settings.with(|s| s.difficulty);
    let expected = move || Difficulty::new(bits()).map_or(0, Difficulty::expected_attempts);
    let is_mining = move || state.mining.with(Option::is_some);
    // The core's answer to "can a valid block be mined on the tip?" (a tamper edit breaks it).
    let tip_problem = move || state.ledger.with(|l| l.check_tip().is_err());
    let progress = move || state.mining.get();
    let cores = default_workers();
    let workers_text = RwSignal::new(
        state
            .settings
            .with_untracked(|s| s.workers.map(|n| n.to_string()).unwrap_or_default()),
    );
    let workers_error = RwSignal::new(None::<String>);
    let on_workers = move |value: String| {
        workers_error.set(actions::set_workers(state, &value).err());
        workers_text.set(value);
    };
    // A setting another tab changed (merged into this tab's settings) shows in its field,
    // unless the field holds the user's unfinished, refused text.
    Effect::new(move |_| {
        let (bits, workers) = state.settings.with(|s| (s.difficulty, s.workers));
        if error.with_untracked(Option::is_none)
            && text.with_untracked(|t| t.trim().parse::<u32>().ok()) != Some(bits)
        {
            text.set(bits.to_string());
        }
        if workers_error.with_untracked(Option::is_none)
            && workers_text.with_untracked(|t| t.trim().parse::<u32>().ok()) != workers
        {
            workers_text.set(workers.map(|n| n.to_string()).unwrap_or_default());
        }
    });
    view! {
        <section class="card">
            <h2>"Mine a block"</h2>
            <label>{format!("Difficulty: leading zero bits of the SHA-256 hash (0 to {MAX_DIFFICULTY})")}
                <div class="row">
                    <input type="range" min="0" max=SLIDER_MAX.to_string() data-testid="difficulty-slider"
                        prop:value=move || bits().min(SLIDER_MAX).to_string()
                        disabled=is_mining
                        on:input=move |ev| on_text(event_target_value(&ev)) />
                    <input type="number" min="0" max=MAX_DIFFICULTY.to_string() class="narrow" data-testid="difficulty-input"
                        prop:value=move || text.get()
                        disabled=is_mining
                        on:input=move |ev| on_text(event_target_value(&ev)) />
                </div>
            </label>
            {move || error.get().map(|e| view! { <p class="error" data-testid="difficulty-error" role="alert">{e}</p> })}
            <label>"Web workers (1 to 16; empty: one per core, " {cores} " here)"
                <input type="number" min="1" max="16" class="narrow" data-testid="workers-input"
                    placeholder=cores.to_string()
                    prop:value=move || workers_text.get()
                    disabled=is_mining
                    on:input=move |ev| on_workers(event_target_value(&ev)) />
            </label>
            {move || workers_error.get().map(|e| view! { <p class="error" data-testid="workers-error" role="alert">{e}</p> })}
            {move || state.notices.get(Notice::WorkersUnavailable).map(|why| view! {
                <p class="warning" data-testid="workers-unavailable" role="status">
                    "Web workers are unavailable (" {why} "): mining runs on the main thread in 8 ms slices."
                </p>
            })}
            {move || state.notices.get(Notice::LaneBug).map(|report| view! {
                <p class="error" data-testid="lane-bug" role="alert">
                    "Bug report (please file it): " {report}
                </p>
            })}
            <InvalidTipWarning />
            <p class="muted">
                "Expected attempts: 2" <sup>{bits}</sup> " = "
                <span data-testid="expected-attempts">{move || group_digits(expected())}</span>
            </p>
            <div class="row">
                <button type="button" class="primary" data-testid="mine-button"
                    disabled=move || is_mining() || error.with(Option::is_some) || workers_error.with(Option::is_some) || tip_problem()
                    on:click=move |_| mining::mine_new_block(state)>
                    {move || state.ledger.with(|l| format!("Mine block #{} with {} and {}", l.chain().len(),
                        plural(l.pending().len() as u64, "pending record", "pending records"),
                        plural(l.mempool().len() as u64, "waiting transaction", "waiting transactions")))}
                </button>
                <Show when=is_mining>
                    <button type="button" data-testid="cancel-mine" on:click=move |_| actions::cancel_mining(state)>"Cancel"</button>
                </Show>
            </div>
            {move || progress().map(|p| {
                let label = match p.target {
                    MineTarget::NewBlock { .. } => "Mining a new block".to_owned(),
                    MineTarget::Remine { index } => format!("Re-mining block #{index}"),
                };
                let expected = p.expected.max(1);
                let remaining = expected.saturating_sub(u128::from(p.attempts)) as f64;
                let eta = if p.hash_rate > 0.0 { format_eta(remaining / p.hash_rate) } else { "measuring…".into() };
                let backend = match p.backend {
                    MiningBackend::StartingWorkers { requested } => format!("starting {requested} web workers…"),
                    MiningBackend::Workers { count: 1 } => "1 web worker".to_owned(),
                    MiningBackend::Workers { count } => format!("{count} web workers"),
                    MiningBackend::MainThread => "the main thread".to_owned(),
                };
                let workers = match p.backend {
                    MiningBackend::Workers { count } => count.to_string(),
                    MiningBackend::StartingWorkers { .. } => "0".to_owned(),
                    MiningBackend::MainThread => "main".to_owned(),
                };
                let per_worker = p.per_worker.iter().enumerate().map(|(i, w)| view! {
                    <li data-testid="worker-rate" data-attempts=w.attempts.to_string()>
                        {format!("#{}: {:.2} MH/s, {} attempts", i + 1, w.rate / 1e6, group_digits(u128::from(w.attempts)))}
                    </li>
                }).collect_view();
                view! {
                    <div class="progress" data-testid="mining-status" data-backend=workers>
                        <progress data-testid="mining-progress" max=expected.to_string() value=p.attempts.min(u64::try_from(expected).unwrap_or(u64::MAX)).to_string()></progress>
                        <p>{label} " on " <span data-testid="mining-backend">{backend}</span> ": "
                            <span data-testid="mining-attempts">{p.attempts}</span> " attempts of about "
                            {group_digits(expected)} " expected · "
                            <span data-testid="hash-rate" data-rate=format!("{:.0}", p.hash_rate)>{format!("{:.2} MH/s", p.hash_rate / 1e6)}</span>
                            " · ETA " <span data-testid="mining-eta">{eta}</span></p>
                        <ul class="muted small worker-rates">{per_worker}</ul>
                    </div>
                }
            })}
            {move || (!is_mining()).then(|| state.notices.get(Notice::LastMined).map(|m| view! { <p class="ok" data-testid="mining-result">{m}</p> })).flatten()}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_group_by_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(65_536), "65,536");
        assert_eq!(group_digits(1_000_000), "1,000,000");
    }
}
