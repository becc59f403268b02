//! The root component: loads state, provides it, and shows the screen the route names.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::components::banner::StorageBanner;
use crate::pages::attacks::AttacksPage;
use crate::pages::explorer::ExplorerScreen;
use crate::pages::learn::hash::HashPlayground;
use crate::pages::learn::home::Home;
use crate::pages::learn::keys::KeysExplained;
use crate::pages::learn::progress::{self as learn_progress, LearnState};
use crate::pages::ledger::Ledger;
use crate::pages::network::state::NetworkState;
use crate::pages::network::NetworkPage;
use crate::pages::nodes::state::NodesState;
use crate::pages::nodes::NodesPage;
use crate::pages::tx::state::TxState;
use crate::pages::tx::TxPage;
use crate::pages::wallet::state::WalletState;
use crate::pages::wallet::WalletPage;
use crate::platform::route::{use_route, ExplorerPage, LearnPage, Route};
use crate::state::AppState;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::load();
    provide_context(state);
    state.persist_on_change();
    crate::state::sender_check::watch(state);
    provide_context(crate::state::tabs::start(state));
    let wallet = WalletState::load();
    // The wallet's load may have kept an unreadable vault: listed in the Storage card at once.
    state
        .kept_backups
        .set(crate::platform::storage::LocalStore::backup_keys());
    provide_context(wallet);
    // Block rewards default to the wallet's first account (the Ledger and mining read it).
    Effect::new(move |_| {
        let first = wallet.file.with(|f| {
            f.as_ref()
                .and_then(|f| f.accounts.first().map(|a| a.address))
        });
        if state.own_account.get_untracked() != first {
            state.own_account.set(first);
        }
    });
    wallet.watch_other_tabs();
    watch_activity(wallet);
    provide_context(TxState::new());
    provide_context(NetworkState::load());
    // The nodes simulation lives in memory for the session (kept across screens).
    provide_context(NodesState::new());
    provide_context(crate::pages::nodes::pos::state::PosState::new());
    prefetch_screens();
    let learn = LearnState::load();
    if learn.problem.with_untracked(Option::is_some) {
        // A damaged progress value was kept aside: listed in the Storage card too.
        state
            .kept_backups
            .set(crate::platform::storage::LocalStore::backup_keys());
    }
    provide_context(learn);
    // Before the route is first read: a returning learner on the bare address lands where they
    // left off.
    learn_progress::land(learn);
    let route = use_route();
    learn_progress::watch(learn, state, route);
    // The screen changes only when the section does: moving between explorer pages keeps the
    // explorer (and its search box) mounted.
    let screen = Memo::new(move |_| match route.get() {
        Route::Explorer(_) => Route::Explorer(ExplorerPage::Overview),
        r => r,
    });
    let explorer_page = Signal::derive(move || match route.get() {
        Route::Explorer(p) => p,
        _ => ExplorerPage::Overview,
    });
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
        <StorageBanner />
        <main data-testid="app-ready">
            {move || match screen.get() {
                Route::Home => view! { <Home /> }.into_any(),
                Route::Learn(LearnPage::Hash) => on_demand(hash_screen()),
                Route::Learn(LearnPage::Keys) => on_demand(keys_screen()),
                Route::Ledger => view! { <Ledger /> }.into_any(),
                Route::Wallet => on_demand(wallet_screen()),
                Route::Transactions => on_demand(tx_screen()),
                Route::Network => on_demand(network_screen()),
                Route::Nodes => on_demand(nodes_screen()),
                Route::Attacks => on_demand(attacks_screen()),
                Route::Explorer(_) => on_demand(explorer_screen(explorer_page)),
            }}
        </main>
    }
}

/// A screen whose view is loaded on demand: with the `split` feature its code is a separate
/// wasm module, prefetched when the page is idle or fetched when the screen opens first (a line
/// shows while it loads). A failed load (offline before the service worker has cached the
/// site) says so; opening the screen again retries. Without `split` the future is ready at once.
fn on_demand(
    view: impl std::future::Future<Output = Result<AnyView, ScreenLoadError>> + Send + Sync + 'static,
) -> AnyView {
    view! {
        <Suspense fallback=|| view! { <p class="muted" data-testid="screen-loading">"Loading this screen…"</p> }>
            {Suspend::new(async move {
                view.await.unwrap_or_else(|ScreenLoadError| {
                    view! {
                        <p class="error" data-testid="screen-load-error">
                            "This screen could not be loaded: its code did not arrive (is this tab offline before the site was cached?). Open the screen again to retry; nothing was changed."
                        </p>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
    .into_any()
}

/// A screen's module did not load.
#[derive(Debug, Clone, Copy)]
struct ScreenLoadError;

impl From<leptos::wasm_split::SplitLoaderError> for ScreenLoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// Declares a screen as a split point: `$view()` builds it (in its own wasm module with the
/// `split` feature) and `$screen()` awaits it, loading the module first; with `split`,
/// `$preload()` only loads the module.
macro_rules! split_screen {
    ($screen:ident, $preload:ident, $view:ident ( $($arg:ident : $ty:ty),* ) $body:block) => {
        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split(
                $screen,
                wasm_split_path = ::leptos::wasm_split,
                preload($preload),
                fallible
            )
        )]
        fn $view($($arg: $ty),*) -> Result<AnyView, ScreenLoadError> {
            Ok($body.into_any())
        }

        async fn $screen($($arg: $ty),*) -> Result<AnyView, ScreenLoadError> {
            #[cfg(feature = "split")]
            {
                $view($($arg),*).await
            }
            #[cfg(not(feature = "split"))]
            {
                $view($($arg),*)
            }
        }
    };
}

split_screen!(hash_screen, hash_preload, hash_view() { view! { <HashPlayground /> } });
split_screen!(keys_screen, keys_preload, keys_view() { view! { <KeysExplained /> } });
split_screen!(wallet_screen, wallet_preload, wallet_view() { view! { <WalletPage /> } });
split_screen!(tx_screen, tx_preload, tx_view() { view! { <TxPage /> } });
split_screen!(network_screen, network_preload, network_view() { view! { <NetworkPage /> } });
split_screen!(nodes_screen, nodes_preload, nodes_view() { view! { <NodesPage /> } });
split_screen!(attacks_screen, attacks_preload, attacks_view() { view! { <AttacksPage /> } });
split_screen!(explorer_screen, explorer_preload, explorer_view(page: Signal<ExplorerPage>) {
    view! { <ExplorerScreen page=page /> }
});

/// Once the page is idle after its first paint, loads the screens' modules one after another,
/// so that opening a screen later does not wait for its code. A failed load is left for the
/// screen to report when it opens.
#[cfg(feature = "split")]
fn prefetch_screens() {
    // The Wallet's module at once, once the shell is rendered: it is the screen a newcomer
    // opens first (measured: waiting for idle cost a Wallet click right after load ~80 ms).
    request_animation_frame(|| {
        leptos::task::spawn_local(async {
            let _ = wallet_preload().await;
        });
    });
    request_idle_callback(|| {
        leptos::task::spawn_local(async {
            let _ = tx_preload().await;
            let _ = explorer_preload().await;
            let _ = network_preload().await;
            let _ = nodes_preload().await;
            let _ = attacks_preload().await;
            let _ = hash_preload().await;
            let _ = keys_preload().await;
        });
    });
}

#[cfg(not(feature = "split"))]
fn prefetch_screens() {}

/// Tracks user activity and locks the wallet when idle (checked every few seconds).
fn watch_activity(wallet: WalletState) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let on_activity = Closure::<dyn Fn()>::new(move || wallet.touch());
        for event in ["pointerdown", "keydown"] {
            let _ = document
                .add_event_listener_with_callback(event, on_activity.as_ref().unchecked_ref());
        }
        // Lives as long as the page.
        on_activity.forget();
    }
    let _ = set_interval_with_handle(move || wallet.check_idle(), Duration::from_secs(5));
}
