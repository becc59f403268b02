//! Screens loaded on demand: the `split_screen!` macro over `leptos::wasm_split` (feature
//! `split`), `on_demand` to show one, and what a module that did not arrive shows. Used by the
//! app for the shell and by the shell for its screens.

use leptos::prelude::*;

/// What a screen whose module did not arrive shows.
fn load_error() -> AnyView {
    view! {
        <p class="error" data-testid="screen-load-error">
            "This screen could not be loaded: its code did not arrive (is this tab offline before the site was cached?). Open the screen again to retry; nothing was changed."
        </p>
    }
    .into_any()
}

/// A screen whose view is loaded on demand: with the `split` feature its code is a separate
/// wasm module, prefetched when the page is idle or fetched when the screen opens first (a line
/// shows while it loads). A failed load (offline before the service worker has cached the
/// site) says so; opening the screen again retries. Without `split` the future is ready at once.
pub(crate) fn on_demand(
    view: impl std::future::Future<Output = Result<AnyView, ScreenLoadError>> + Send + Sync + 'static,
) -> AnyView {
    view! {
        <Suspense fallback=|| view! { <p class="muted" data-testid="screen-loading">"Loading this screen…"</p> }>
            {Suspend::new(async move { view.await.unwrap_or_else(|ScreenLoadError| load_error()) })}
        </Suspense>
    }
    .into_any()
}

/// A screen's module did not load.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScreenLoadError;

impl From<leptos::wasm_split::SplitLoaderError> for ScreenLoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// Declares a screen as a split point: `$view()` builds it (in its own wasm module with the
/// `split` feature) and `$screen()` awaits it, loading the module first; with `split`,
/// `$preload()` only loads the module.
macro_rules! split_screen {
    ($screen:ident, $preload:ident, $view:ident ( $($arg:ident : $ty:ty),* ) $body:block) => {
        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split(
                $screen,
                wasm_split_path = ::leptos::wasm_split,
                preload($preload),
                fallible
            )
        )]
        fn $view($($arg: $ty),*) -> Result<AnyView, ScreenLoadError> {
            Ok($body.into_any())
        }

        async fn $screen($($arg: $ty),*) -> Result<AnyView, ScreenLoadError> {
            #[cfg(feature = "split")]
            {
                $view($($arg),*).await
            }
            #[cfg(not(feature = "split"))]
            {
                $view($($arg),*)
            }
        }
    };
}

/// Used by the app for the shell and by the shell for its screens.
pub(crate) use split_screen;
