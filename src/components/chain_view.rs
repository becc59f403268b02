//! The chain as a list of block cards, oldest first.

use leptos::prelude::*;

use super::block_card::BlockCard;
use super::use_state;

/// Every block with its live verdict.
#[component]
pub fn ChainView() -> impl IntoView {
    let state = use_state();
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
            <div class="blocks" data-testid="chain">
                <For
                    each=move || {
                        let generation = state.chain_generation.get();
                        (0..state.chain.with(|c| c.len())).map(move |i| (generation, i))
                    }
                    key=|k| *k
                    children=move |(_, index)| view! { <BlockCard index=index /> }
                />
            </div>
        </section>
    }
}
