//! The send form's signing half: choose an unlocked account, fill in a transfer, sign it, and
//! see every step (unsigned fields, signing payload and hash, signature, raw bytes, hash).

use blocklab_core::words::{eth, hex};
use leptos::prelude::*;

use super::state::{sender_next_nonce, unlocked_address};
use super::{use_tx, Rows};
use crate::components::send_form::{FieldErrorView, SendFields};
use crate::components::use_state;
use crate::pages::learn::code::SignedTxCode;
use crate::pages::wallet::use_wallet;
use crate::platform::files::copy_to_clipboard;

/// The send card: the form when the wallet is unlocked, then the signed result.
#[component]
pub fn SendTx() -> impl IntoView {
    let w = use_wallet();
    let unlocked = move || w.unlocked.with(Option::is_some);
    view! {
        <section class="card" data-testid="send-tx">
            <h2>"Send: sign a transfer"</h2>
            <p class="warn-text small" data-testid="dev-keys-note">
                "The lab chain's genesis gives 10,000 ETH to each of the 10 development accounts of the phrase "
                <code>"test test test test test test test test test test test junk"</code>
                ". Import that phrase on the Wallet screen to spend from them. Their keys are PUBLIC: "
                "anyone can take what they hold; never send real funds to them on any real network."
            </p>
            <Show when=unlocked fallback=|| view! {
                <p data-testid="send-locked">
                    <a href="#/wallet" data-testid="send-unlock-link">"Unlock your wallet to sign"</a>
                    " (or create or import one). The verify tool works without a wallet."
                </p>
            }>
                <SendFormView />
            </Show>
            <SignedView />
        </section>
    }
}

/// Every field of the transfer and the Sign button.
#[component]
fn SendFormView() -> impl IntoView {
    let t = use_tx();
    let w = use_wallet();
    let app = use_state();
    let from = move || t.form.with(|f| f.from);
    let next_nonce = move || sender_next_nonce(w, app, from());
    let sender_line = move || {
        let address = unlocked_address(w, from())?;
        let account = app.tip_state.with(|s| s.account(&address));
        let waiting = app.ledger.with(|l| {
            l.mempool()
                .iter()
                .filter(|(tx, _)| tx.sender() == address)
                .count()
        });
        Some((account, waiting))
    };
    let accounts = move || {
        w.file
            .with(|f| f.as_ref().map(|f| f.accounts.clone()).unwrap_or_default())
    };
    view! {
        <label>"From (an unlocked account)"
            <select data-testid="send-from" on:change=move |ev| {
                let i = event_target_value(&ev).parse().unwrap_or(0);
                t.edit(|f| f.from = i);
            }>
                {move || accounts().into_iter().enumerate().map(|(i, e)| view! {
                    <option value=i.to_string() selected=move || t.form.with(|f| f.from == i)>
                        {format!("{} {}", e.name, e.address)}
                    </option>
                }).collect_view()}
            </select>
        </label>
        {move || sender_line().map(|(account, waiting)| view! {
            <p class="small" data-testid="send-sender-state">
                "Balance: " <strong data-testid="send-balance" data-wei=account.balance.as_wei().to_string()>{eth(account.balance)}</strong>
                " · nonce on chain: " <span data-testid="send-chain-nonce">{account.nonce}</span>
                {(waiting > 0).then(|| format!(" · {waiting} waiting in the mempool"))}
            </p>
        })}
        <FieldErrorView s=t.form_signals() field="from" />
        <SendFields s=t.form_signals() next_nonce=Signal::derive(next_nonce) with_data=true
            chain_note="The default is this lab chain's id. A replay-protected transaction is valid only on the chain it names." />
        <button type="button" class="primary" data-testid="send-sign" on:click=move |_| t.sign(w, app)>"Sign"</button>
    }
}

/// The last signed transfer, step by step.
#[component]
fn SignedView() -> impl IntoView {
    let t = use_tx();
    let app = use_state();
    move || {
        t.signed.get().map(|s| {
            let raw = hex(&s.raw);
            let (shown, copy) = (raw.clone(), raw.clone());
            view! {
                <div class="tx-signed" data-testid="signed-tx">
                    <h3>"1. The unsigned transaction"</h3>
                    <p class="small">"From " <code data-testid="signed-from">{s.from.to_checksum()}</code>
                        <span class="muted">" (not part of the signed bytes: anyone recovers it from the signature)"</span></p>
                    <Rows rows=s.fields prefix="signed" />
                    <h3>"2. What is signed"</h3>
                    <dl class="tx-fields">
                        <dt>"Signing payload"</dt><dd><code data-testid="signed-payload">{hex(&s.payload)}</code></dd>
                        <dt>"Signing hash (keccak256 of the payload)"</dt><dd><code data-testid="signed-signing-hash">{s.signing_hash.to_hex()}</code></dd>
                    </dl>
                    <h3>"3. The signature (secp256k1, RFC 6979, low s)"</h3>
                    <Rows rows=s.signature prefix="signed" />
                    <h3>"4. The signed transaction"</h3>
                    <dl class="tx-fields">
                        <dt>"Raw signed hex"</dt>
                        <dd><code data-testid="signed-raw">{shown}</code>
                            <button type="button" class="copy" data-testid="signed-copy" on:click=move |_| copy_to_clipboard(&copy)>"copy"</button></dd>
                        <dt>"Transaction hash (keccak256 of the raw bytes)"</dt><dd><code data-testid="signed-hash">{s.hash.to_hex()}</code></dd>
                    </dl>
                    <SignedTxCode raw=raw.clone() id="sign-tx" />
                    <button type="button" class="link" data-testid="open-in-verify" on:click=move |_| {
                        t.open_in_verify(&raw);
                        scroll_to("verify-tx");
                    }>"Open in Verify →"</button>
                    <h3>"5. Send it to the lab chain's mempool"</h3>
                    <button type="button" class="primary" data-testid="send-submit" on:click=move |_| t.submit(app)>"Submit to the mempool"</button>
                    {move || t.submitted.get().map(|r| match r {
                        Ok(m) => view! { <p class="ok" data-testid="send-submit-result" data-ok="true">{m}</p> }.into_any(),
                        Err(m) => view! { <p class="error" data-testid="send-submit-result" data-ok="false" role="alert">{m}</p> }.into_any(),
                    })}
                </div>
            }
        })
    }
}

/// Scrolls the element with this id into view.
fn scroll_to(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.scroll_into_view();
    }
}
