//! The root component: the header and the home screen, rendered at once by the main module,
//! and the shell ([`crate::shell`]: the stored chain, the wallet, every other screen), a split
//! point requested right after the first frame (its code arrives after the home screen's first
//! paint).

use leptos::prelude::*;

use crate::pages::learn::home::Home;
use crate::pages::learn::progress::{self as learn_progress, LearnState};
use crate::platform::route::{use_route, Route};
use crate::shell::Shell;
use crate::split::{split_screen, ScreenLoadError};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let learn = LearnState::load();
    provide_context(learn);
    // Before the route is first read: a returning learner on the bare address lands where they
    // left off.
    learn_progress::land(learn);
    let route = use_route();
    let is_home = move || route.get() == Route::Home;
    // The shell is requested right after the first frame: from the first animation frame, a
    // task queued behind that frame's rendering (and behind any click or timer already
    // waiting), so the home screen is painted and answers first, and a screen opened right
    // after (the Ledger) finds its module on the way.
    let started = RwSignal::new(false);
    let ready = RwSignal::new(false);
    request_animation_frame(move || {
        set_timeout(move || start_shell(started), std::time::Duration::ZERO);
    });
    // A shell that did not load (offline before the site was cached) is tried again when the
    // route changes; the home screen keeps working meanwhile.
    let attempt = RwSignal::new(0u32);
    let failed = RwSignal::new(false);
    Effect::new(move |prev: Option<()>| {
        route.track();
        if prev.is_some() && failed.get_untracked() {
            failed.set(false);
            attempt.update(|n| *n += 1);
        }
    });
    let loading = move || {
        move || {
            (!is_home()).then(|| view! { <p class="muted" data-testid="screen-loading">"Loading this screen…"</p> })
        }
    };
    let shell = move || {
        attempt.track();
        if !started.get() {
            return loading().into_any();
        }
        view! {
            <Suspense fallback=loading>
                {Suspend::new(async move {
                    shell_screen(route, learn, ready).await.unwrap_or_else(|ScreenLoadError| {
                        failed.set(true);
                        view! {
                            <p class="error" data-testid="screen-load-error">
                                "The lab's other screens and your saved chain could not be loaded: their code did not arrive (is this tab offline before the site was cached?). Open a screen to retry; nothing was changed."
                            </p>
                        }
                        .into_any()
                    })
                })}
            </Suspense>
        }
        .into_any()
    };
    view! {
        <header class="top">
            <h1>"blocklab"</h1>
            <nav>
                {Route::ALL.into_iter().map(|r| view! {
                    <a href=r.href() class:active=move || route.get().same_screen(r) data-testid=format!("nav-{}", r.label().to_lowercase())>{r.label()}</a>
                }).collect_view()}
            </nav>
            <p class="muted small">"Everything runs in this browser tab; nothing is sent anywhere unless you connect to a node on the Network screen."</p>
        </header>
        // `app-ready`: the app with its state (the shell) is ready; the home works before.
        <main data-testid=move || ready.get().then_some("app-ready")>
            {shell}
            <Show when=is_home>
                <Home />
            </Show>
        </main>
    }
}

split_screen!(shell_screen, shell_preload, shell_view(route: ReadSignal<Route>, learn: LearnState, ready: RwSignal<bool>) {
    view! { <Shell route=route learn=learn ready=ready /> }
});

/// Loads the shell's module, then has it rendered (`started`); a failed load is left for the
/// render to retry and report.
#[cfg(feature = "split")]
fn start_shell(started: RwSignal<bool>) {
    leptos::task::spawn_local(async move {
        let _ = shell_preload().await;
        started.set(true);
    });
}

#[cfg(not(feature = "split"))]
fn start_shell(started: RwSignal<bool>) {
    started.set(true);
}
