//! The home screen: what the lab is in two sentences, then the guided path, one step at a time,
//! each with its Try it and its tick.

use blocklab_core::learn::Step;
use leptos::prelude::*;

use super::path::{lesson, try_it};
use super::progress::LearnState;
use crate::platform::prefill::fill_when_ready;

/// Opens the screen of `step`'s Try it and fills its fields.
pub fn start(step: Step) {
    let Some(t) = try_it(step) else {
        return;
    };
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&t.route.href());
    }
    fill_when_ready(t.fill, t.focus);
}

/// The home screen.
#[component]
pub fn Home() -> impl IntoView {
    let learn = expect_context::<LearnState>();
    let confirming = RwSignal::new(false);
    let next = move || learn.progress.with(|p| p.next());
    view! {
        <section class="home" data-testid="home">
            <h2>"Learn blockchains by doing"</h2>
            <p data-testid="home-intro">
                "blocklab is a blockchain lab and an Ethereum wallet that run entirely in this browser tab: you hash, mine, tamper, sign and send for real, and nothing leaves the tab unless you connect to a node. "
                "Follow the steps below in order (each takes a few minutes), or open any screen from the menu."
            </p>
            {move || learn.problem.get().map(|p| view! { <p class="warning" role="alert" data-testid="learn-problem">{p}</p> })}
            <div class="row">
                <span data-testid="learn-count">{move || learn.progress.with(|p| { let (d, t) = p.count(); format!("{d} of {t} steps done") })}</span>
                {move || next().map(|s| view! {
                    <button type="button" class="primary" data-testid="learn-continue" on:click=move |_| start(s)>
                        {format!("Continue: {}. {}", s.number(), lesson(s).title)}
                    </button>
                })}
                <Show when=move || !confirming.get() fallback=move || view! {
                    <span class="confirm">"Forget every tick? "
                        <button type="button" class="danger" data-testid="learn-reset-confirm" on:click=move |_| { learn.reset(); confirming.set(false); }>"Reset"</button>
                        <button type="button" data-testid="learn-reset-cancel" on:click=move |_| confirming.set(false)>"Keep"</button>
                    </span>
                }>
                    <button type="button" class="link" data-testid="learn-reset" on:click=move |_| confirming.set(true)>"Reset progress"</button>
                </Show>
            </div>
            <ol class="path" data-testid="learn-path">
                {Step::ALL.into_iter().map(|step| view! { <StepItem step=step /> }).collect_view()}
            </ol>
        </section>
    }
}

/// One step of the path.
#[component]
fn StepItem(step: Step) -> impl IntoView {
    let learn = expect_context::<LearnState>();
    let l = lesson(step);
    let done = move || learn.progress.with(|p| p.is_done(step));
    let is_next = move || learn.progress.with(|p| p.next() == Some(step));
    let t = try_it(step);
    view! {
        <li class="step" class:done=done class:coming=!step.available() data-testid=format!("step-{}", step.id())
            data-done=move || done().to_string()>
            <details open=is_next>
                <summary>
                    <span class="tick" aria-hidden="true">{move || if done() { "✓" } else if step.available() { "○" } else { "…" }}</span>
                    <span class="visually-hidden">{move || if done() { "done: " } else { "" }}</span>
                    {format!("{}. {}", step.number(), l.title)}
                </summary>
                <p>{l.body}</p>
                {l.diagram.map(|d| view! { <pre class="diagram" aria-hidden="true">{d}</pre> })}
                {match t {
                    Some(t) => view! {
                        <p>
                            <button type="button" class="primary" data-testid=format!("try-{}", step.id()) on:click=move |_| start(step)>"Try it"</button>
                            <span class="muted small">{format!(" opens {}: {}", t.route.label(), t.hint)}</span>
                        </p>
                    }.into_any(),
                    None => view! { <p class="muted small" data-testid=format!("coming-{}", step.id())>"Coming with the proof-of-stake screen."</p> }.into_any(),
                }}
            </details>
        </li>
    }
}
