//! The chain as linked blocks: each block with its hash and the previous hash it stores, drawn as
//! a link up to its parent; a broken link in red, the valid prefix and the invalid tail told
//! apart at a glance. The verdicts are `blocklab_core::learn::links` over the live report.

use blocklab_core::learn::links::linked_blocks;
use leptos::prelude::*;

use crate::components::use_state;

/// The linked-blocks view of heights `start..`.
#[component]
pub fn ChainLinks(
    /// The first height shown (the chain view's window).
    #[prop(into)]
    start: Signal<usize>,
) -> impl IntoView {
    let state = use_state();
    let view_model = Memo::new(move |_| {
        let s = start.get();
        state
            .report
            .with(|r| state.with_chain(|c| linked_blocks(c.blocks(), r, s)))
    });
    view! {
        <ol class="links" data-testid="chain-links">
            {move || view_model.get().into_iter().map(|b| {
                let link = if b.height == 0 { "genesis: no parent".to_owned() } else if b.link_ok {
                    format!("links to #{}: previous hash {:#}", b.height - 1, b.prev)
                } else {
                    format!("broken link: stores {:#}, not block #{}'s hash", b.prev, b.height - 1)
                };
                view! {
                    <li class="link-block" class:invalid=!b.valid class:tail=!b.in_valid_prefix
                        data-testid="link-block" data-height=b.height.to_string()
                        data-link-ok=b.link_ok.to_string() data-valid=b.valid.to_string()
                        data-prefix=b.in_valid_prefix.to_string()>
                        <p class="link" class:broken=!b.link_ok data-testid="link-prev">
                            <span aria-hidden="true">{if b.link_ok { "↑ " } else { "✗ " }}</span>{link}
                        </p>
                        <p><strong>{format!("#{}", b.height)}</strong>" "<code>{format!("{:#}", b.hash)}</code>
                            " "<span class="muted small">{if b.in_valid_prefix { "valid prefix" } else if b.valid { "after an invalid block" } else { "invalid" }}</span></p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
