//! Panel 2: the live double-spend race on two replicated nodes (the core's
//! `attack::live::LiveRace`), stepped in time slices; its state is [`LiveState`].

use blocklab_core::attack::live::{LiveEvent, Phase, MAX_LIVE_Z, MERCHANT};
use blocklab_core::words::plural;
use leptos::prelude::*;

use super::field::Field;
use super::state::{fmt_p, LiveState, LogLine};

fn line_text(line: &LogLine) -> String {
    match line {
        LogLine::RanMany(n) => format!("{n} more races run at full speed"),
        LogLine::Event(e) => match e {
            LiveEvent::NewRace { race } => format!("race {race} starts from genesis"),
            LiveEvent::HonestBlock { height } => {
                format!("the honest network mines block #{height} on the merchant's chain")
            }
            LiveEvent::AttackerBlock { private } => {
                format!("the attacker mines a private block ({private} withheld)")
            }
            LiveEvent::PaymentSent => "the attacker pays the merchant; his private branch already spends the same coins back to himself".to_owned(),
            LiveEvent::Accepted { confirmations } => format!(
                "the merchant accepts the payment after {} and ships the goods",
                plural(u64::from(*confirmations), "confirmation", "confirmations")
            ),
            LiveEvent::Released { blocks } => format!(
                "the attacker releases {}: a longer branch, the merchant's node reorganises",
                plural(u64::from(*blocks), "private block", "private blocks")
            ),
            LiveEvent::Vanished => {
                "the payment vanished from the merchant's chain: double spend".to_owned()
            }
            LiveEvent::GaveUp { behind } => {
                format!("the attacker gives up {behind} blocks behind: the payment survives")
            }
        },
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

/// The live race: settings, controls, the two nodes, the tally beside the formula, the log.
#[component]
pub fn LiveRacePanel() -> impl IntoView {
    let s = LiveState::new();
    view! {
        <section class="card" data-testid="attack-live">
            <h2>"2. Live race on two nodes"</h2>
            <p class="small">"Node A is the merchant (and the honest miners, share 1 - q of the hash power); node B the attacker (share q). Each tick a block is found with probability 1/2, really mined at 8 bits and checked by the nodes. The attacker mines his first block in secret with a transaction paying his coins to himself, then pays the merchant with the same nonce; once the merchant has accepted and his branch is longer, he releases it. He gives up when so far behind that his chance is below 0.001."</p>
            <div class="row">
                <Field label="Attacker hash share q (0 < q < 1)" testid="live-q" value=s.q />
                <Field label=format!("Confirmations z (0 to {MAX_LIVE_Z})") testid="live-z" value=s.z />
                <button type="button" data-testid="live-new" on:click=move |_| s.restart()>"New races with these settings"</button>
                <button type="button" data-testid="live-play" on:click=move |_| s.play_or_pause()>{move || if s.playing.get() { "Pause" } else { "Play" }}</button>
                <button type="button" data-testid="live-step" on:click=move |_| s.step()>"Step"</button>
                <button type="button" data-testid="live-many" on:click=move |_| s.run_many()>"Run 10 races"</button>
            </div>
            {move || s.error.get().map(|e| view! { <p class="error small" role="alert" data-testid="live-error">{e}</p> })}
            {move || s.race.with(|r| r.as_ref().map(|r| {
                let est = r.estimate();
                let t = r.tally();
                let merchant_height = r.network().node(MERCHANT).map_or(0, |n| n.chain().len().saturating_sub(1));
                view! {
                    <p data-testid="live-phase" data-phase=format!("{:?}", r.phase())>{phase_text(r.phase())}</p>
                    <div class="columns3">
                        <div class="column" data-testid="live-merchant"><h3>"Merchant (node A)"</h3>
                            <p>{format!("chain height {merchant_height}")}</p>
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
            <ol class="small" data-testid="live-log">{move || s.log.with(|l| l.iter().map(|l| view! { <li>{line_text(l)}</li> }).collect_view())}</ol>
        </section>
    }
}
