//! The shell: everything behind the home screen, in one split point requested on the first
//! animation frame (see [`crate::app`]). It loads the stored chain and the wallet, starts the
//! other tabs' sync and the learner's ticks, provides the screens' state, and shows the storage
//! banner and every screen but the home: the Ledger, Wallet, Transactions, Network and the Learn
//! side screens in this module; Nodes, Explorer and Attacks in their own (more split points
//! would cost the shell many more shared chunks to fetch, see BENCHMARKS.md). It stays mounted
//! on the home route (showing no screen), so the state lives as long as the page.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::components::banner::StorageBanner;
use crate::pages::attacks::AttacksPage;
use crate::pages::explorer::ExplorerScreen;
use crate::pages::learn::hash::HashPlayground;
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
use crate::platform::route::{ExplorerPage, LearnPage, Route};
use crate::split::{on_demand, split_screen, ScreenLoadError};
use crate::state::AppState;

/// The app's state and its screens but the home; `learn` is the home's progress (ticked from
/// here), `route` the current route; `ready` is set once the shell is in the document (the
/// main element then carries `data-testid="app-ready"`: the app with its state is ready).
#[component]
pub fn Shell(route: ReadSignal<Route>, learn: LearnState, ready: RwSignal<bool>) -> impl IntoView {
    let state = AppState::load();
    provide_context(state);
    state.persist_on_change();
    crate::state::sender_check::watch(state);
    provide_context(crate::state::tabs::start(state));
    let wallet = WalletState::load();
    // The wallet's load may have kept an unreadable vault, and the learner's progress (read
    // before, by the home screen) a damaged value: both listed in the Storage card at once.
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
    let screen_ref = NodeRef::<leptos::html::Div>::new();
    screen_ref.on_load(move |_| ready.set(true));
    view! {
        <StorageBanner />
        <div class="screen" node_ref=screen_ref>
            {move || match screen.get() {
                // Rendered by the main module (crate::app), before this module arrives.
                Route::Home => ().into_any(),
                Route::Learn(LearnPage::Hash) => view! { <HashPlayground /> }.into_any(),
                Route::Learn(LearnPage::Keys) => view! { <KeysExplained /> }.into_any(),
                Route::Ledger => view! { <Ledger /> }.into_any(),
                Route::Wallet => view! { <WalletPage /> }.into_any(),
                Route::Transactions => view! { <TxPage /> }.into_any(),
                Route::Network => view! { <NetworkPage /> }.into_any(),
                Route::Nodes => on_demand(nodes_screen()),
                Route::Attacks => on_demand(attacks_screen()),
                Route::Explorer(_) => on_demand(explorer_screen(explorer_page)),
            }}
        </div>
    }
}

split_screen!(nodes_screen, nodes_preload, nodes_view() { view! { <NodesPage /> } });
split_screen!(attacks_screen, attacks_preload, attacks_view() { view! { <AttacksPage /> } });
split_screen!(explorer_screen, explorer_preload, explorer_view(page: Signal<ExplorerPage>) {
    view! { <ExplorerScreen page=page /> }
});

/// Once the page is idle after the shell is rendered, loads the screens' modules one after
/// another, so that opening a screen later does not wait for its code. A failed load is left
/// for the screen to report when it opens.
#[cfg(feature = "split")]
fn prefetch_screens() {
    request_idle_callback(|| {
        leptos::task::spawn_local(async {
            let _ = explorer_preload().await;
            let _ = nodes_preload().await;
            let _ = attacks_preload().await;
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
