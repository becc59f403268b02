//! Balances: every wallet account and development account with its balance, nonce and
//! transactions (with confirmations), updated as blocks are mined.

use leptos::prelude::*;

use crate::components::use_state;
use crate::pages::wallet::use_wallet;
use blocklab_core::explorer::Direction;

use blocklab_core::node::describe::account_rows;
use blocklab_core::words::eth;

/// The balances panel.
#[component]
pub fn Balances() -> impl IntoView {
    let app = use_state();
    let w = use_wallet();
    let rows = Memo::new(move |_| {
        let wallet = w.named_addresses();
        app.ledger.with(|l| {
            app.tip_state
                .with(|s| account_rows(s, l.mempool(), &wallet))
        })
    });
    view! {
        <section class="card" data-testid="balances">
            <h2>"Balances"</h2>
            <p class="muted small">
                "At the tip of the chain's valid prefix. Dev accounts are the public development keys (phrase "
                <code>"test … junk"</code>"): anyone can spend from them."
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Balances (scrolls sideways)"><table class="balances">
                <thead><tr><th>"Account"</th><th>"Balance (ETH)"</th><th>"Nonce"</th></tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| {
                        let address = r.address;
                        // The core's index, newest first, with confirmations from the valid prefix.
                        let history = move || {
                            let valid = app.ledger.with(|l| l.chain().valid_len());
                            app.explorer.with(|i| {
                                i.history(&address).iter().rev().map(|e| (*e, valid.saturating_sub(e.height))).collect::<Vec<_>>()
                            })
                        };
                        view! {
                            <tr data-testid="balance-row" data-address=address.to_checksum() data-dev=r.dev.to_string()>
                                <td>
                                    <span>{r.label}</span>{r.dev.then(|| view! { <span class="tag warn-text" title="a public test key">" public dev key"</span> })}
                                    <br/><code class="small">{address.to_checksum()}</code>
                                    <details>
                                        <summary>"Transactions"</summary>
                                        <ul class="history small">
                                            {move || history().into_iter().map(|(h, confirmations)| {
                                                let what = match h.direction {
                                                    Direction::Out => format!("sent {} to {} (fee {})", eth(h.amount), h.counterparty.map(|a| format!("{a:#}")).unwrap_or_default(), eth(h.fee)),
                                                    Direction::In => format!("received {} from {}", eth(h.amount), h.counterparty.map(|a| format!("{a:#}")).unwrap_or_default()),
                                                    Direction::SelfTransfer => format!("sent {} to itself (fee {})", eth(h.amount), eth(h.fee)),
                                                    Direction::Reward => format!("mining reward {}", eth(h.amount)),
                                                    Direction::Alloc => format!("genesis allocation {}", eth(h.amount)),
                                                };
                                                view! {
                                                    <li data-testid="account-tx" data-hash=h.hash.map(|x| x.to_hex()).unwrap_or_default()
                                                        data-confirmations=confirmations.to_string()>
                                                        {format!("block #{} · {} confirmation{} · {what}", h.height, confirmations, if confirmations == 1 { "" } else { "s" })}
                                                        {h.hash.map(|x| view! { <code>{format!(" {x:#}")}</code> })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </details>
                                </td>
                                <td data-testid="balance-eth" data-wei=r.balance.as_wei().to_string()>{r.balance.to_coins()}</td>
                                <td><span data-testid="balance-nonce">{r.nonce}</span>
                                    {(r.waiting > 0).then(|| view! { <span class="muted small" data-testid="balance-waiting">{format!(" (+{} waiting)", r.waiting)}</span> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}
