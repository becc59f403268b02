//! The transactions screen: sign a transfer with an unlocked wallet account and submit it to the
//! mempool, verify any raw signed transaction (also against this chain's state), watch the
//! mempool, the balances and the miner's beneficiary. The views read [`TxState`] and call its
//! actions and the pure functions of [`state`] and [`blocklab_core::node::describe`]; no
//! transaction logic lives here.

mod balances;
mod mempool;
mod send;
pub mod state;
mod verify;

use leptos::prelude::*;

use self::balances::Balances;
use self::state::{Row, TxState};
use crate::components::beneficiary::BeneficiaryChooser;

/// The transactions state provided by [`crate::app::App`].
pub fn use_tx() -> TxState {
    expect_context::<TxState>()
}

/// Labelled values; each value carries the `data-testid` `{prefix}-{key}`.
#[component]
pub(crate) fn Rows(rows: Vec<Row>, prefix: &'static str) -> impl IntoView {
    view! {
        <dl class="tx-fields">
            {rows.into_iter().map(|r| view! {
                <dt>{r.label}</dt>
                <dd><code data-testid=format!("{prefix}-{}", r.key)>{r.value}</code></dd>
            }).collect_view()}
        </dl>
    }
}

/// The whole transactions screen.
#[component]
pub fn TxPage() -> impl IntoView {
    view! {
        <div class="tx-page">
            <div class="tx-grid">
                <send::SendTx />
                <verify::VerifyTx />
            </div>
            <mempool::MempoolView />
            <div class="tx-grid">
                <Balances />
                <BeneficiaryChooser />
            </div>
        </div>
    }
}
