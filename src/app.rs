//! The root component: loads state, provides it, and shows the screen the route names.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::components::banner::StorageBanner;
use crate::components::beneficiary::BeneficiaryChooser;
use crate::components::chain_view::ChainView;
use crate::components::explorer::ExplorerScreen;
use crate::components::mine_panel::MinePanel;
use crate::components::network::NetworkPage;
use crate::components::nodes::NodesPage;
use crate::components::peers::PeersPanel;
use crate::components::record_form::{PendingList, RecordForm};
use crate::components::storage_panel::StoragePanel;
use crate::components::toolbar::Toolbar;
use crate::components::tx::TxPage;
use crate::components::wallet::WalletPage;
use crate::platform::route::{use_route, ExplorerPage, Route};
use crate::state::network::NetworkState;
use crate::state::nodes::NodesState;
use crate::state::tx::TxState;
use crate::state::wallet::WalletState;
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
    provide_context(wallet);
    watch_activity(wallet);
    provide_context(TxState::new());
    provide_context(NetworkState::load());
    // The nodes simulation lives in memory for the session (kept across screens).
    provide_context(NodesState::new());
    let route = use_route();
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
                Route::Ledger => view! { <Ledger /> }.into_any(),
                Route::Wallet => view! { <WalletPage /> }.into_any(),
                Route::Transactions => view! { <TxPage /> }.into_any(),
                Route::Network => view! { <NetworkPage /> }.into_any(),
                Route::Nodes => view! { <NodesPage /> }.into_any(),
                Route::Explorer(_) => view! { <ExplorerScreen page=explorer_page /> }.into_any(),
            }}
        </main>
    }
}

/// The proof-of-work ledger screen.
#[component]
fn Ledger() -> impl IntoView {
    view! {
        <div class="layout">
            <aside class="side">
                <RecordForm />
                <PendingList />
                <MinePanel />
                <BeneficiaryChooser />
                <Toolbar />
                <PeersPanel />
                <StoragePanel />
            </aside>
            <ChainView />
        </div>
    }
}

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
