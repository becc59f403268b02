//! The Network screen (`#/network`): a real Ethereum JSON-RPC node, only when the user enters
//! one. Settings and node status, the selected account on that node, the wallet's accounts
//! beside the node's, and sending a transfer signed here. The views read [`NetworkState`] and
//! call its actions; the JSON-RPC logic is the core's.

pub mod state;

use leptos::prelude::*;

use self::state::{chain_note, eth_text, receipt_rows, status_rows, Broadcast, NetworkState};
use crate::components::send_form::{FieldErrorView, SendFields};
use crate::pages::learn::code::{ShowCode, SignedTxCode};
use crate::pages::tx::Rows;
use crate::pages::wallet::use_wallet;
use crate::platform::files::copy_to_clipboard;

fn use_net() -> NetworkState {
    expect_context::<NetworkState>()
}

/// The whole screen.
#[component]
pub fn NetworkPage() -> impl IntoView {
    view! {
        <div class="tx-page" data-testid="network-page">
            <div class="banner warn small" data-testid="network-security-warning" role="note">
                "A lab, not a wallet for real money: its keys live in this browser tab, and anything that can run "
                "code in this page or read this computer's browser profile can reach them. Use development nodes "
                "and test networks. Never type the recovery phrase of a wallet that holds real money into a site "
                "you do not control; the development phrase \"test test … junk\" and its keys are public."
            </div>
            <div class="tx-grid">
                <Settings />
                <AccountOnNode />
            </div>
            <div class="tx-grid">
                <SendReal />
                <Compare />
            </div>
        </div>
    }
}

#[component]
fn Settings() -> impl IntoView {
    let n = use_net();
    let w = use_wallet();
    view! {
        <section class="card" data-testid="rpc-settings">
            <h2>"Network settings"</h2>
            <p class="small">
                "Off by default: blocklab contacts no node until you enter a JSON-RPC URL and press Connect. "
                "Then it sends only what you ask for (reads, and the transactions you broadcast) to that URL. "
                "A local node, e.g. " <code>"anvil --allow-origin '*'"</code> " at " <code>"http://127.0.0.1:8545"</code>
                ", or a testnet provider's https:// URL (plain http reaches only this computer: 127.0.0.1 or localhost)."
            </p>
            <label>"JSON-RPC URL"
                <input data-testid="rpc-url" spellcheck="false" autocomplete="off" placeholder="http://127.0.0.1:8545"
                    prop:value=move || n.url.get()
                    on:input=move |ev| n.url.set(event_target_value(&ev)) />
            </label>
            <label class="small"><input type="checkbox" data-testid="rpc-remember"
                prop:checked=move || n.remember.get()
                on:change=move |ev| n.remember.set(event_target_checked(&ev)) />
                " Remember a URL that carries a provider key (otherwise it is kept for this session only)"</label>
            <div class="row">
                <button type="button" class="primary" data-testid="rpc-connect" disabled=move || n.busy.get()
                    on:click=move |_| n.connect(w)>"Connect"</button>
                <Show when=move || n.connected.with(Option::is_some)>
                    <button type="button" data-testid="rpc-disconnect" on:click=move |_| n.disconnect()>"Disconnect"</button>
                </Show>
            </div>
            {move || n.kept.get().map(|k| view! { <p class="small muted" data-testid="rpc-kept">{k}</p> })}
            {move || n.error.get().map(|e| view! { <p class="error" data-testid="rpc-error" role="alert">{e}</p> })}
            <ProviderHelp />
            {move || n.status.get().map(|s| {
                let note = chain_note(s.chain_id);
                let url = n.connected.get().unwrap_or_default();
                view! {
                    <p class="ok small" data-testid="rpc-connected">"Connected to " <code>{url}</code></p>
                    <Rows rows=status_rows(&s) prefix="rpc" />
                    <p class="small warn-text" data-testid="rpc-chain-note">{note}</p>
                    <p class="small"><a href="#/explorer/node" data-testid="rpc-explore">"Browse this node in the explorer"</a>
                        " (the node sees which blocks, transactions and addresses you look up)"</p>
                }
            })}
        </section>
    }
}

/// Where a testnet URL and test ether come from (text only: the lab contacts none of these).
#[component]
fn ProviderHelp() -> impl IntoView {
    view! {
        <details class="small" data-testid="rpc-help">
            <summary>"How do I get a testnet URL and test ether?"</summary>
            <ul>
                <li>"A local node needs no account: install Foundry and run "<code>"anvil --allow-origin '*'"</code>
                    "; it starts with ten funded accounts (the public development phrase \"test test … junk\")."</li>
                <li>"For Sepolia or Hoodi, a provider gives you an https:// URL after a free sign-up (Infura, Alchemy, QuickNode, "
                    "Ankr, Chainstack…), usually with your key in the URL; some public endpoints need no key (see chainlist.org)."
                    " The URL must allow requests from this page (CORS); most providers do."</li>
                <li>"Test ether comes from a faucet: search \"Sepolia faucet\" (Google Cloud, Alchemy, Infura and PoW faucets exist); "
                    "most ask for a login or a small mainnet balance to deter abuse. Test ether has no value."</li>
                <li>"A URL carrying a key is kept for this session only unless you tick \"remember\". Whichever node you use sees "
                    "your IP address and every address, block and transaction you look up or send."</li>
                <li>"This lab makes no request of its own to any of these sites: these are names to look up yourself."</li>
            </ul>
        </details>
    }
}

#[component]
fn AccountOnNode() -> impl IntoView {
    let n = use_net();
    let w = use_wallet();
    let accounts = move || {
        w.file
            .with(|f| f.as_ref().map(|f| f.accounts.clone()).unwrap_or_default())
    };
    view! {
        <section class="card" data-testid="rpc-account">
            <h2>"Your account on this network"</h2>
            <Show when=move || !accounts().is_empty() fallback=|| view! {
                <p><a href="#/wallet">"Create or import a wallet"</a>" to see its accounts on the node."</p>
            }>
                <label>"Account"
                    <select data-testid="rpc-account-select" on:change=move |ev| {
                        let i = event_target_value(&ev).parse().unwrap_or(0);
                        w.selected.set(i);
                        n.edit(|_| {});
                        n.refresh_account(w);
                    }>
                        {move || accounts().into_iter().enumerate().map(|(i, e)| view! {
                            <option value=i.to_string() selected=move || w.selected.get() == i>
                                {format!("{} {}", e.name, e.address)}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" data-testid="rpc-refresh" disabled=move || n.connected.with(Option::is_none)
                    on:click=move |_| n.refresh_account(w)>"Refresh balance and nonce"</button>
                {move || n.account.get().map(|(address, a)| view! {
                    <dl class="tx-fields">
                        <dt>"Address"</dt><dd><code data-testid="rpc-account-address">{address.to_checksum()}</code></dd>
                        <dt>"Balance (eth_getBalance)"</dt>
                        <dd><code data-testid="rpc-balance" data-wei=a.balance.to_string()>{eth_text(a.balance)}</code></dd>
                        <dt>"Next nonce (eth_getTransactionCount, pending)"</dt>
                        <dd><code data-testid="rpc-nonce">{a.nonce}</code></dd>
                    </dl>
                    <ShowCode id="read-balance" code=Signal::stored(blocklab_core::snippets::read_balance(
                        &n.connected.get_untracked().unwrap_or_default(), &address)) />
                })}
            </Show>
        </section>
    }
}

#[component]
fn Compare() -> impl IntoView {
    let n = use_net();
    let w = use_wallet();
    view! {
        <section class="card" data-testid="rpc-compare-card">
            <h2>"Compare accounts"</h2>
            <p class="small">
                "A development node (anvil, Hardhat, Ganache) lists the accounts of the public phrase "
                <code>"test test … junk"</code> " (eth_accounts). Import that phrase in the wallet and the "
                "addresses derived here on m/44'/60'/0'/0/i are the same, one for one: the derivation is the standard's, not this app's."
            </p>
            <button type="button" data-testid="rpc-compare" disabled=move || n.connected.with(Option::is_none) || n.busy.get()
                on:click=move |_| n.compare_accounts(w)>"Compare with eth_accounts"</button>
            {move || n.compare.get().map(|rows| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Accounts compared (scrolls sideways)"><table class="compare">
                    <thead><tr><th>"#"</th><th>"Node account"</th><th>"Balance on node"</th><th>"This wallet"</th><th>""</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let same = r.verdict == "same address";
                            view! {
                                <tr data-testid="compare-row" class:ok=same>
                                    <td>{r.index}</td>
                                    <td><code data-testid="compare-node-address">{r.node.map(|a| a.to_checksum()).unwrap_or_default()}</code></td>
                                    <td data-testid="compare-node-balance">{r.node_balance.map(eth_text).unwrap_or_default()}</td>
                                    <td><code data-testid="compare-wallet-address">{r.wallet.map(|(name, a)| format!("{name}: {a}")).unwrap_or_default()}</code></td>
                                    <td data-testid="compare-verdict">{r.verdict}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            })}
        </section>
    }
}

#[component]
fn SendReal() -> impl IntoView {
    let n = use_net();
    let w = use_wallet();
    let unlocked = move || w.unlocked.with(Option::is_some);
    let connected = move || n.connected.with(Option::is_some);
    view! {
        <section class="card" data-testid="rpc-send">
            <h2>"Send on the real network"</h2>
            <p class="small warn-text">
                "A transaction broadcast here is final on that network. Nothing in the lab chain, its mempool "
                "or your wallet changes, whatever the node answers."
            </p>
            <Show when=move || unlocked() && connected() fallback=|| view! {
                <p data-testid="rpc-send-locked">"Connect to a node and "<a href="#/wallet">"unlock your wallet"</a>" to send."</p>
            }>
                <p class="small">"From: the account chosen above ("
                    <code data-testid="rpc-send-from">{move || crate::pages::tx::state::unlocked_address(w, w.selected.get()).map(|a| a.to_checksum()).unwrap_or_default()}</code>")"</p>
                <SendFields s=n.form_signals()
                    chain_note="The chain id of the node's network (Fill from node reads it); the node refuses another."
                    after_amount=move || view! {
                        <button type="button" data-testid="rpc-fill" disabled=move || n.busy.get()
                            on:click=move |_| n.fill_from_node(w)>"Fill from node (chain id, nonce, fees, gas)"</button>
                        {move || n.fill_note.get().map(|r| match r {
                            Ok(m) => view! { <p class="small ok" data-testid="rpc-fill-note">{m}</p> }.into_any(),
                            Err(m) => view! { <p class="small error" data-testid="rpc-fill-note" role="alert">{m}</p> }.into_any(),
                        })}
                    } />
                <FieldErrorView s=n.form_signals() field="from" />
                <button type="button" class="primary" data-testid="rpc-sign" on:click=move |_| n.sign(w)>"Sign"</button>
                <SignedReal />
            </Show>
        </section>
    }
}

#[component]
fn SignedReal() -> impl IntoView {
    let n = use_net();
    let w = use_wallet();
    move || {
        n.signed.get().map(|s| {
            let shown = blocklab_core::words::hex(&s.raw);
            let copy = shown.clone();
            let send_code = blocklab_core::snippets::send_raw(
                &n.connected.get_untracked().unwrap_or_default(),
                &shown,
            );
            let raw = shown.clone();
            view! {
                <div class="tx-signed" data-testid="rpc-signed">
                    <Rows rows=s.fields prefix="rpc-signed" />
                    <dl class="tx-fields">
                        <dt>"Raw signed hex"</dt>
                        <dd><code data-testid="rpc-signed-raw">{shown}</code>
                            <button type="button" class="copy" on:click=move |_| copy_to_clipboard(&copy)>"copy"</button></dd>
                        <dt>"Transaction hash"</dt><dd><code data-testid="rpc-signed-hash">{s.hash.to_hex()}</code></dd>
                    </dl>
                    <button type="button" class="primary" data-testid="rpc-broadcast" disabled=move || n.busy.get()
                        on:click=move |_| n.broadcast(w)>"Broadcast (eth_sendRawTransaction)"</button>
                    <SignedTxCode raw=raw id="sign-real-tx" />
                    <ShowCode id="send-node" code=Signal::stored(send_code) />
                    <BroadcastView />
                </div>
            }
        })
    }
}

#[component]
fn BroadcastView() -> impl IntoView {
    let n = use_net();
    move || {
        n.broadcast.get().map(|b| match b {
            Broadcast::Refused(m) => {
                view! { <p class="error" data-testid="rpc-send-result" data-ok="false" role="alert">{m}</p> }.into_any()
            }
            Broadcast::Sent { hash, chain_id, receipt, gave_up } => {
                let link = blocklab_core::rpc::explorer_tx_url(chain_id, &hash);
                view! {
                    <p class="ok" data-testid="rpc-send-result" data-ok="true">
                        "Accepted by the node: " <code data-testid="rpc-sent-hash">{hash.to_hex()}</code>
                    </p>
                    {link.map(|l| {
                        let text = l.clone();
                        view! {
                        <p class="small">"On a public explorer: "
                            <a href=l target="_blank" rel="noopener noreferrer" data-testid="rpc-explorer-link">{text}</a>
                            " (opens another site)"</p>
                    }})}
                    {match (receipt, gave_up) {
                        (Some(r), _) => view! {
                            <h3>"Receipt"</h3>
                            <Rows rows=receipt_rows(&r) prefix="receipt" />
                        }.into_any(),
                        (None, Some(why)) => view! { <p class="error small" data-testid="rpc-receipt-wait">{why}</p> }.into_any(),
                        (None, None) => view! { <p class="muted small" data-testid="rpc-receipt-wait">"Waiting for the receipt…"</p> }.into_any(),
                    }}
                }.into_any()
            }
        })
    }
}
