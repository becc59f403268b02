//! The proof-of-work Ledger screen: pending records, mining, the chain of blocks (validate,
//! tamper, re-mine), import and export, tabs as peers and the storage card. Its view model is
//! the app-wide [`crate::state::AppState`] with [`crate::state::actions`] and
//! [`crate::state::mining`] (the core's `node`, `pow`, `persist` and `backup` operations): they
//! stay in `state/` because other screens and the app's tabs sync change the ledger through
//! them too (the transactions screen mines its mempool, another tab's chain comes through
//! `tabs`).

mod block_card;
mod chain_links;
mod chain_view;
mod hash_view;
mod mine_panel;
mod peers;
mod record_form;
mod storage_panel;
mod toolbar;

use leptos::prelude::*;

use self::chain_view::ChainView;
use self::mine_panel::MinePanel;
use self::peers::PeersPanel;
use self::record_form::{PendingList, RecordForm};
use self::storage_panel::StoragePanel;
use self::toolbar::Toolbar;
use crate::components::beneficiary::BeneficiaryChooser;

/// The proof-of-work ledger screen.
#[component]
pub fn Ledger() -> impl IntoView {
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
