//! The chain as a list of block cards, oldest first: the latest [`WINDOW`] blocks, with buttons
//! to show older ones (all of them, or from the first invalid block), so a long chain starts
//! fast and stays usable.

use leptos::prelude::*;

use super::block_card::BlockCard;
use super::chain_links::ChainLinks;
use crate::components::use_state;

/// How many of the latest blocks are shown at first, and how many more each "older" click adds.
pub const WINDOW: usize = 30;

/// The first height shown when the latest `shown` of `len` blocks are on screen.
pub fn window_start(len: usize, shown: usize) -> usize {
    len.saturating_sub(shown)
}

/// Every block (of the window) with its live verdict.
#[component]
pub fn ChainView() -> impl IntoView {
    let state = use_state();
    let shown = RwSignal::new(WINDOW);
    // Cards (the default) or the chain drawn as linked blocks.
    let linked = RwSignal::new(false);
    let len = move || state.with_chain(|c| c.len());
    let start = move || window_start(len(), shown.get());
    let first_invalid = move || state.report.with(|r| r.first_invalid().map(|v| v.height));
    let summary = move || {
        let r = state.report.get();
        let n = r.blocks.len();
        let blocks = if n == 1 {
            "1 block".to_owned()
        } else {
            format!("{n} blocks")
        };
        if r.is_valid() {
            format!("{blocks}, all valid")
        } else {
            format!("{blocks}, {} invalid", r.invalid_count())
        }
    };
    view! {
        <section class="chain">
            <h2>"The chain " <span class="muted small" data-testid="chain-summary">{summary}</span></h2>
            <label class="inline small">
                <input type="checkbox" data-testid="chain-linked-toggle" prop:checked=move || linked.get()
                    on:change=move |ev| linked.set(event_target_checked(&ev)) />
                " show as linked blocks"
            </label>
            <Show when=move || { start() > 0 }>
                <p class="small muted" data-testid="chain-window">
                    {move || format!("Showing blocks #{} to #{} of {}. ", start(), len().saturating_sub(1), len())}
                    <button type="button" class="link" data-testid="chain-show-older"
                        on:click=move |_| shown.update(|s| *s = s.saturating_add(WINDOW))>
                        {move || format!("Show {} older", start().min(WINDOW))}
                    </button>
                    " · "
                    <button type="button" class="link" data-testid="chain-show-all"
                        on:click=move |_| shown.set(usize::MAX)>"Show all"</button>
                    {move || first_invalid()
                        .and_then(|h| usize::try_from(h).ok())
                        .filter(|h| *h < start())
                        .map(|h| view! {
                            " · "
                            <button type="button" class="link error" data-testid="chain-show-invalid"
                                on:click=move |_| shown.set(len().saturating_sub(h))>
                                {format!("Show from #{h}, the first invalid block")}
                            </button>
                        })}
                </p>
            </Show>
            <Show when=move || linked.get()>
                <ChainLinks start=Signal::derive(start) />
            </Show>
            <div class="blocks" data-testid="chain" class:hidden=move || linked.get()>
                <For
                    each=move || {
                        let generation = state.chain_generation.get();
                        (start()..len()).map(move |i| (generation, i))
                    }
                    key=|k| *k
                    children=move |(_, index)| view! { <BlockCard index=index /> }
                />
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_holds_the_latest_blocks() {
        assert_eq!(window_start(5, WINDOW), 0);
        assert_eq!(window_start(WINDOW, WINDOW), 0);
        assert_eq!(window_start(1000, WINDOW), 1000 - WINDOW);
        assert_eq!(window_start(1000, usize::MAX), 0);
    }
}
