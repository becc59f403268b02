//! Small views. They read signals and call actions; no domain logic lives here.

pub mod attacks;
pub mod balances;
pub mod banner;
pub mod beneficiary;
pub mod block_card;
pub mod chain_view;
pub mod explorer;
pub mod hash_view;
pub mod mine_panel;
pub mod network;
pub mod nodes;
pub mod peers;
pub mod record_form;
pub mod storage_panel;
pub mod toolbar;
pub mod tx;
pub mod wallet;

use crate::state::AppState;
use leptos::prelude::*;

/// The app state provided by [`crate::app::App`].
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
