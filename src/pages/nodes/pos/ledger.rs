//! The execution ledger on proof of stake: transfers signed by the unlocked wallet, the
//! transfers waiting on node A, and the accounts as node A's head sees them. The pool, the
//! inclusion and the account rules are the core's (`pos::node::transfers`, `state::State`).

use blocklab_core::pos::view::{account_rows, waiting_rows};
use leptos::prelude::*;

use super::state::PosState;
use crate::pages::wallet::state::WalletState;

/// Most account rows shown.
const ROWS_SHOWN: usize = 40;

#[component]
pub fn LedgerCard() -> impl IntoView {
    let p = expect_context::<PosState>();
    let wallet = use_context::<WalletState>();
    let to = RwSignal::new(String::new());
    let amount = RwSignal::new("1".to_owned());
    let send = move |_| match super::state::selected_account(wallet, "send") {
        Ok(a) => p.transfer(&a, &to.get_untracked(), &amount.get_untracked()),
        Err(e) => p.fail(e),
    };
    let accounts = move || {
        p.net
            .with(|n| n.as_ref().map(|n| account_rows(n, 0)).unwrap_or_default())
    };
    let waiting = move || {
        p.net
            .with(|n| n.as_ref().map(|n| waiting_rows(n, 0)).unwrap_or_default())
    };
    view! {
        <section class="card" data-testid="pos-ledger">
            <h2>"Accounts and transfers (as node A sees them)"</h2>
            <p class="small">"Proof-of-stake blocks carry ordinary signed transfers too: the same transactions, checked by the same account rules (nonce, chain id, gas, base fee, funds) as the proof-of-work chain's. Each node pools them like a mempool; the slot's proposer includes the best-paying ones and earns their priority fees."</p>
            <div class="row">
                <label>"Send (ETH) " <input class="narrow" data-testid="pos-transfer-amount"
                    prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) /></label>
                <label>"to " <input data-testid="pos-transfer-to" placeholder="0x… address" spellcheck="false"
                    prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
                <button type="button" data-testid="pos-transfer" on:click=send>"Send from my wallet"</button>
            </div>
            {move || {
                let rows = waiting();
                (!rows.is_empty()).then(|| view! {
                    <h3>{format!("Waiting on node A: {}", rows.len())}</h3>
                    <ul class="small" data-testid="pos-waiting">
                        {rows.into_iter().map(|r| view! {
                            <li class="wrap">{format!("{} ETH from {} to {} (nonce {}, {})",
                                r.value.to_coins(), r.from.short(),
                                r.to.map_or_else(|| "?".to_owned(), |a| a.short()), r.nonce, r.hash.short())}</li>
                        }).collect_view()}
                    </ul>
                })
            }}
            <div class="table-scroll" tabindex="0" role="region" aria-label="Accounts on proof of stake">
                <table class="small">
                    <thead><tr><th>"Address"</th><th>"Balance"</th><th>"Nonce"</th><th>"Role"</th></tr></thead>
                    <tbody>
                        {move || accounts().into_iter().take(ROWS_SHOWN).map(|r| view! {
                            <tr data-testid=format!("pos-account-{}", r.address.to_checksum())>
                                <td class="amount">{r.address.to_checksum()}</td>
                                <td class="amount" data-testid=format!("pos-account-balance-{}", r.address.to_checksum())>{format!("{} ETH", r.balance.to_coins())}</td>
                                <td>{r.nonce.to_string()}</td>
                                <td>{r.role.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
