//! The root component: loads state, provides it, and lays out the ledger.

use leptos::prelude::*;

use crate::components::banner::StorageBanner;
use crate::components::chain_view::ChainView;
use crate::components::mine_panel::MinePanel;
use crate::components::record_form::{PendingList, RecordForm};
use crate::components::toolbar::Toolbar;
use crate::state::AppState;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::load();
    provide_context(state);
    state.persist_on_change();
    view! {
        <header class="top">
            <h1>"blocklab" <span class="muted small">" · proof-of-work ledger"</span></h1>
            <p class="muted small">"Everything runs in this browser tab; nothing is sent anywhere."</p>
        </header>
        <StorageBanner />
        <main class="layout" data-testid="app-ready">
            <aside class="side">
                <RecordForm />
                <PendingList />
                <MinePanel />
                <Toolbar />
            </aside>
            <ChainView />
        </main>
    }
}
