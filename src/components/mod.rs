//! Views more than one screen uses, and the app-wide state handle: the storage banner (shown
//! above every screen) and the beneficiary chooser and the invalid-tip warning (Ledger and Transactions), the send form (Transactions and Network). Screen views live
//! in [`crate::pages`]. They read signals and call actions; no domain logic lives here.

pub mod banner;
pub mod beneficiary;
pub mod invalid_tip;
pub mod send_form;

use crate::state::AppState;
use leptos::prelude::*;

/// The app state provided by [`crate::app::App`].
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
