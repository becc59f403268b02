//! Hash-based routes (`#/ledger`, `#/wallet`, `#/tx`, `#/network`): they survive a reload on any static host,
//! including a GitHub Pages sub-folder, because the server only ever sees `index.html`.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// A screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Ledger,
    Wallet,
    Transactions,
    Network,
}

impl Route {
    /// Every route, in navigation order.
    pub const ALL: [Route; 4] = [
        Route::Ledger,
        Route::Wallet,
        Route::Transactions,
        Route::Network,
    ];

    /// Parses `location.hash` (`#/wallet`); anything unknown is the ledger.
    pub fn parse(hash: &str) -> Self {
        match hash.trim_start_matches('#').trim_start_matches('/') {
            "wallet" => Self::Wallet,
            "tx" => Self::Transactions,
            "network" => Self::Network,
            _ => Self::Ledger,
        }
    }

    /// The `href` of this route.
    pub fn href(self) -> &'static str {
        match self {
            Self::Ledger => "#/ledger",
            Self::Wallet => "#/wallet",
            Self::Transactions => "#/tx",
            Self::Network => "#/network",
        }
    }

    /// The navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ledger => "Ledger",
            Self::Wallet => "Wallet",
            Self::Transactions => "Transactions",
            Self::Network => "Network",
        }
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// A signal of the current route, updated on `hashchange`.
pub fn use_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_hash()));
    if let Some(window) = web_sys::window() {
        let on_change =
            Closure::<dyn Fn()>::new(move || set_route.set(Route::parse(&current_hash())));
        let _ = window
            .add_event_listener_with_callback("hashchange", on_change.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_change.forget();
    }
    route
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_routes_and_defaults_to_the_ledger() {
        assert_eq!(Route::parse("#/wallet"), Route::Wallet);
        assert_eq!(Route::parse("#wallet"), Route::Wallet);
        assert_eq!(Route::parse("#/tx"), Route::Transactions);
        assert_eq!(Route::parse("#/network"), Route::Network);
        assert_eq!(Route::parse(""), Route::Ledger);
        assert_eq!(Route::parse("#/nope"), Route::Ledger);
        for r in Route::ALL {
            assert_eq!(Route::parse(r.href()), r);
        }
    }
}
