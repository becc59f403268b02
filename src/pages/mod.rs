//! The screens, one folder each: its views beside its view model (`state.rs`, where the screen
//! has signals of its own). A page reads the app-wide [`crate::state::AppState`] through
//! [`crate::components::use_state`] and may use another page's exported handle (the network
//! screen signs with the transactions form, the explorer shows the wallet's QR code); no page
//! imports one that imports it back.

pub mod attacks;
pub mod explorer;
pub mod learn;
pub mod ledger;
pub mod network;
pub mod nodes;
pub mod tx;
pub mod wallet;
