//! blocklab's browser app: a thin Leptos (CSR) shell over [`blocklab_core`].
//!
//! - `app`: the root component: the header and the home screen (the main module).
//! - `shell`: the stored chain, the wallet and every other screen, a split point fetched after
//!   the home screen's first paint.
//! - `state`: the app's signals and the named actions that change them (they call the core).
//! - `pages`: one folder a screen, its views beside its own state (`state.rs`); no domain logic.
//! - `components`: the views several screens share, and `use_state`.
//! - `platform`: adapters for browser APIs (localStorage, miner workers, BroadcastChannel,
//!   fetch, files and clipboard, clock, random bytes, secret inputs, routes).
//! - `split`: screens loaded on demand (`split_screen!`, `on_demand`).
//! - `bench` (feature `bench`): entry points for `scripts/bench.sh`.

pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod components;
pub mod pages;
pub mod platform;
pub mod shell;
pub mod split;
pub mod state;
