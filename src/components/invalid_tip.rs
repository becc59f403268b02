//! The warning shown beside a Mine button when a block of the chain is invalid (tamper mode):
//! no block can be mined on it, and what to do instead (the core's `Node::check_tip`).

use blocklab_core::words::plural;
use leptos::prelude::*;

use super::use_state;
use crate::state::{actions, mining};

/// Nothing while the chain is valid; otherwise why no block can be mined, with the repair
/// that drops the invalid blocks.
#[component]
pub fn InvalidTipWarning() -> impl IntoView {
    let state = use_state();
    let is_mining = move || state.mining.with(Option::is_some);
    move || {
        state.ledger.with(|l| l.check_tip().err()).map(|e| {
            view! {
                <div class="warning" data-testid="mine-invalid-tip" role="alert">
                    <p>{mining::tip_words(&e)}</p>
                    <button type="button" data-testid="mine-on-valid-prefix" disabled=is_mining
                        on:click=move |_| actions::drop_invalid_blocks(state)>
                        {format!("Drop {} and mine on the valid prefix", plural(e.invalid_blocks(), "invalid block", "invalid blocks"))}
                    </button>
                </div>
            }
        })
    }
}
