//! Panel 2: the live double-spend race on two replicated nodes (the core's
//! `attack::live::LiveRace`), stepped in time slices.

use std::time::Duration;

use blocklab_core::attack::live::{LiveConfig, LiveEvent, LiveRace, Phase, MAX_LIVE_Z};
use blocklab_core::attack::parse_q;
use leptos::prelude::*;

use crate::state::attacks::fmt_p;

/// Time between two ticks while playing.
const TICK: Duration = Duration::from_millis(150);
/// Most lines kept in the log.
const LOG_LINES: usize = 12;

fn event_text(e: &LiveEvent) -> String {
    match e {
        LiveEvent::NewRace { race } => format!("race {race} starts from genesis"),
        LiveEvent::HonestBlock { height } => format!("the honest network mines block #{height} on the merchant's chain"),
        LiveEvent::AttackerBlock { private } => format!("the attacker mines a private block ({private} withheld)"),
        LiveEvent::PaymentSent => "the attacker pays the merchant; his private branch already spends the same coins back to himself".to_owned(),
        LiveEvent::Accepted { confirmations } => format!("the merchant accepts the payment after {confirmations} confirmation(s) and ships the goods"),
        LiveEvent::Released { blocks } => format!("the attacker releases {blocks} private blocks: a longer branch, the merchant's node reorganises"),
        LiveEvent::Vanished => "the payment vanished from the merchant's chain: double spend".to_owned(),
        LiveEvent::GaveUp { behind } => format!("the attacker gives up {behind} blocks behind: the payment survives"),
    }
}

fn phase_text(p: Phase) -> &'static str {
    match p {
        Phase::Premining => {
            "premining: the attacker waits for his first private block before paying"
        }
        Phase::Racing => "racing: the payment waits for its confirmations",
        Phase::Accepted => "accepted: the merchant shipped; the attacker keeps mining in secret",
        Phase::Vanished => "over: the payment vanished (double spend)",
        Phase::Survived => "over: the payment survived",
    }
}

fn config(q: &str, z: &str) -> Result<LiveConfig, String> {
    let q = parse_q(q).map_err(|e| e.to_string())?;
    let z = z
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|z| *z <= MAX_LIVE_Z)
        .ok_or_else(|| {
            AttackError::LiveConfirmations(z.trim().parse().unwrap_or(u32::MAX)).to_string()
        })?;
    Ok(LiveConfig {
        q,
        z,
        ..LiveConfig::default()
    })
}

#[component]
pub fn LiveRacePanel() -> impl IntoView {
    let q = RwSignal::new("0.3".to_owned());
    let z = RwSignal::new("2".to_owned());
    let error = RwSignal::new(None::<String>);
    let race = RwSignal::new_local(LiveRace::new(LiveConfig::default()).ok());
    let log = RwSignal::new(Vec::<String>::new());
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    let playing = RwSignal::new(false);
    let pause = move || {
        timer.update_value(|t| {
            if let Some(t) = t.take() {
                t.clear()
            }
        });
        playing.set(false);
    };
    on_cleanup(pause);
    let push = move |events: Vec<LiveEvent>| {
        if events.is_empty() {
            return;
        }
        log.update(|l| {
            l.extend(events.iter().map(event_text));
            let extra = l.len().saturating_sub(LOG_LINES);
            l.drain(..extra);
        });
    };
    let step = move || {
        let mut events = Vec::new();
        race.update(|r| {
            if let Some(r) = r {
                events = r.step();
            }
        });
        push(events);
    };
    let restart = move |_| {
        pause();
        match config(&q.get_untracked(), &z.get_untracked())
            .and_then(|c| LiveRace::new(c).map_err(|e| e.to_string()))
        {
            Ok(r) => {
                race.set(Some(r));
                log.set(Vec::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let play = move |_| {
        if playing.get_untracked() {
            pause();
            return;
        }
        if let Ok(h) = set_interval_with_handle(step, TICK) {
            timer.set_value(Some(h));
            playing.set(true);
        }
    };
    let many = move |_| {
        race.update(|r| {
            if let Some(r) = r {
                r.run_races(10, 1_000_000);
            }
        });
        log.update(|l| l.push("10 more races run at full speed".to_owned()));
    };
    view! {
        <section class="card" data-testid="attack-live">
            <h2>"2. Live race on two nodes"</h2>
            <p class="small">"Node A is the merchant (and the honest miners, share 1 - q); node B the attacker (share q). Each tick a block is found with probability 1/2, really mined at 8 bits and checked by the nodes. The attacker mines his first block in secret with a transaction paying his coins to himself, then pays the merchant with the same nonce; once the merchant has accepted and his branch is longer, he releases it. He gives up when so far behind that his chance is below 0.001."</p>
            <div class="row">
                <label>"Attacker share q (0 < q < 1) "<input class="narrow" data-testid="live-q" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) /></label>
                <label>{format!("Confirmations z (0 to {MAX_LIVE_Z}) ")}<input class="narrow" data-testid="live-z" prop:value=move || z.get() on:input=move |ev| z.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="live-new" on:click=restart>"New races with these settings"</button>
                <button type="button" data-testid="live-play" on:click=play>{move || if playing.get() { "Pause" } else { "Play" }}</button>
                <button type="button" data-testid="live-step" on:click=move |_| step()>"Step"</button>
                <button type="button" data-testid="live-many" on:click=many>"Run 10 races"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error small" role="alert" data-testid="live-error">{e}</p> })}
            {move || race.with(|r| r.as_ref().map(|r| {
                let est = r.estimate();
                let t = r.tally();
                view! {
                    <p data-testid="live-phase" data-phase=format!("{:?}", r.phase())>{phase_text(r.phase())}</p>
                    <div class="columns3">
                        <div class="column" data-testid="live-merchant"><h3>"Merchant (node A)"</h3>
                            <p>{format!("chain height {}", r.network().node(0).map_or(0, |n| n.chain().len().saturating_sub(1)))}</p>
                            <p data-testid="live-confirmations">{format!("payment confirmations: {}", r.confirmations())}</p></div>
                        <div class="column" data-testid="live-attacker"><h3>"Attacker (node B)"</h3>
                            <p>{format!("private blocks: {}", r.private_blocks())}</p>
                            <p>{format!("honest blocks since the payment: {}", r.honest_blocks())}</p></div>
                        <div class="column"><h3>"Tally"</h3>
                            <p data-testid="live-tally" data-races=t.races.to_string() data-vanished=t.vanished.to_string()>
                                {format!("{} races, payment vanished in {}: {} (95% interval {} to {})", t.races, t.vanished, fmt_p(est.p), fmt_p(est.low), fmt_p(est.high))}</p>
                            <p data-testid="live-formula">{format!("formula (exact, q = {}, z = {}): {}", r.config().q, r.config().z, fmt_p(r.formula()))}</p></div>
                    </div>
                }
            }))}
            <ol class="small" data-testid="live-log">{move || log.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
        </section>
    }
}
