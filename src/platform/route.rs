//! Hash-based routes (`#/learn` (also the bare address), `#/learn/hash`, `#/learn/keys`, `#/ledger`, `#/wallet`, `#/tx`, `#/network`, `#/nodes`, `#/attacks`,
//! `#/explorer/…`): they
//! survive a reload on any static host, including a GitHub Pages sub-folder, because the
//! server only ever sees `index.html`.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// A screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The home screen and its guided path (`#/learn`; the bare address for a newcomer).
    Home,
    /// A Learn screen beside the path (`#/learn/hash`, `#/learn/keys`).
    Learn(LearnPage),
    Ledger,
    Wallet,
    Transactions,
    Network,
    /// The replicated nodes simulation (`#/nodes`).
    Nodes,
    Explorer(ExplorerPage),
    /// The attack lab (`#/attacks`).
    Attacks,
}

/// A Learn screen beside the guided path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnPage {
    /// The hash playground.
    Hash,
    /// From a private key to an address, and a signature back to it.
    Keys,
}

/// A page of the block explorer (`#/explorer/...`): the core's.
pub use blocklab_core::explorer::pages::ExplorerPage;

impl Route {
    /// Every screen in the navigation, in order (the explorer by its overview).
    pub const ALL: [Route; 8] = [
        Route::Home,
        Route::Ledger,
        Route::Wallet,
        Route::Transactions,
        Route::Network,
        Route::Explorer(ExplorerPage::Overview),
        Route::Nodes,
        Route::Attacks,
    ];

    /// Parses `location.hash` (`#/wallet`, `#/explorer/block/3`); an empty hash is the home
    /// screen, anything unknown is the ledger.
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/').trim();
        match path {
            "" | "learn" | "home" => Self::Home,
            "learn/hash" => Self::Learn(LearnPage::Hash),
            "learn/keys" => Self::Learn(LearnPage::Keys),
            "ledger" => Self::Ledger,
            "wallet" => Self::Wallet,
            "tx" => Self::Transactions,
            "network" => Self::Network,
            "nodes" => Self::Nodes,
            "attacks" => Self::Attacks,
            "explorer" => Self::Explorer(ExplorerPage::Overview),
            _ => match path.strip_prefix("explorer/") {
                Some(rest) => Self::Explorer(ExplorerPage::parse(rest)),
                None => Self::Ledger,
            },
        }
    }

    /// The `href` of this route.
    pub fn href(self) -> String {
        match self {
            Self::Home => "#/learn".to_owned(),
            Self::Learn(LearnPage::Hash) => "#/learn/hash".to_owned(),
            Self::Learn(LearnPage::Keys) => "#/learn/keys".to_owned(),
            Self::Ledger => "#/ledger".to_owned(),
            Self::Wallet => "#/wallet".to_owned(),
            Self::Transactions => "#/tx".to_owned(),
            Self::Network => "#/network".to_owned(),
            Self::Nodes => "#/nodes".to_owned(),
            Self::Attacks => "#/attacks".to_owned(),
            Self::Explorer(p) => p.href(),
        }
    }

    /// Whether `self` and `other` are the same screen (explorer pages are one screen, and so
    /// are the Learn screens in the navigation).
    pub fn same_screen(self, other: Self) -> bool {
        matches!((self, other), (Self::Explorer(_), Self::Explorer(_)))
            || matches!(
                (self, other),
                (Self::Learn(_) | Self::Home, Self::Learn(_) | Self::Home)
            )
            || self == other
    }

    /// The navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Home | Self::Learn(_) => "Learn",
            Self::Ledger => "Ledger",
            Self::Wallet => "Wallet",
            Self::Transactions => "Transactions",
            Self::Network => "Network",
            Self::Nodes => "Nodes",
            Self::Attacks => "Attacks",
            Self::Explorer(_) => "Explorer",
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

/// Reloads the page (after a restore wrote new data into storage), through `location.reload`
/// (reached by reflection: the `Location` binding is not compiled in).
pub fn reload_page() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let reload = js_sys::Reflect::get(&window, &"location".into()).and_then(|location| {
        let f = js_sys::Reflect::get(&location, &"reload".into())?;
        f.dyn_into::<js_sys::Function>()?.call0(&location)
    });
    if let Err(e) = reload {
        web_sys::console::error_1(&e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blocklab_core::address::Address;
    use blocklab_core::{Height, TxHash};

    #[test]
    fn parses_routes_and_defaults_to_the_ledger() {
        assert_eq!(Route::parse("#/wallet"), Route::Wallet);
        assert_eq!(Route::parse("#wallet"), Route::Wallet);
        assert_eq!(Route::parse("#/tx"), Route::Transactions);
        assert_eq!(Route::parse("#/network"), Route::Network);
        assert_eq!(Route::parse("#/nodes"), Route::Nodes);
        assert_eq!(Route::parse("#/attacks"), Route::Attacks);
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/"), Route::Home);
        assert_eq!(Route::parse("#/learn"), Route::Home);
        assert_eq!(Route::parse("#/ledger"), Route::Ledger);
        assert_eq!(Route::parse("#/learn/hash"), Route::Learn(LearnPage::Hash));
        assert_eq!(Route::parse("#/learn/keys"), Route::Learn(LearnPage::Keys));
        assert_eq!(Route::parse("#/nope"), Route::Ledger);
        for r in Route::ALL {
            assert_eq!(Route::parse(&r.href()), r);
        }
    }

    #[test]
    fn explorer_routes_carry_their_parameter_and_round_trip() {
        let tx: TxHash = format!("0x{}", "ab".repeat(32)).parse().unwrap();
        let address: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse()
            .unwrap();
        let pages = [
            ExplorerPage::Overview,
            ExplorerPage::Block(Height::GENESIS),
            ExplorerPage::Block(Height(12)),
            ExplorerPage::Tx(tx),
            ExplorerPage::Address(address),
            ExplorerPage::Mempool,
        ];
        for p in pages {
            assert_eq!(Route::parse(&p.href()), Route::Explorer(p));
        }
        assert_eq!(
            Route::parse("#/explorer/"),
            Route::Explorer(ExplorerPage::Overview)
        );
        // Any case and no 0x for an address; upper-case hex for a hash.
        let lower = "#/explorer/address/f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
        assert_eq!(
            Route::parse(lower),
            Route::Explorer(ExplorerPage::Address(address))
        );
        let upper = format!("#/explorer/tx/0x{}", "AB".repeat(32));
        assert_eq!(Route::parse(&upper), Route::Explorer(ExplorerPage::Tx(tx)));
        for bad in [
            "#/explorer/block/x",
            "#/explorer/block/-1",
            "#/explorer/tx/0x12",
            "#/explorer/address/0x1",
            "#/explorer/nope",
            "#/explorer/block",
        ] {
            assert_eq!(
                Route::parse(bad),
                Route::Explorer(ExplorerPage::BadLink),
                "{bad}"
            );
        }
        assert!(Route::Explorer(ExplorerPage::Mempool).same_screen(Route::ALL[5]));
        assert!(!Route::Ledger.same_screen(Route::Wallet));
    }
}
