//! The send form's signing half: choose an unlocked account, fill in a transfer, sign it, and
//! see every step (unsigned fields, signing payload and hash, signature, raw bytes, hash).

use blocklab_core::words::eth;
use leptos::prelude::*;

use super::state::{
    default_gas_limit, sender_next_nonce, unlocked_address, DataKind, FeeKind, SendForm,
};
use super::{use_tx, Rows};
use crate::components::use_state;
use crate::pages::wallet::use_wallet;
use crate::platform::files::copy_to_clipboard;

/// The refusal of one field, if the last signing attempt refused it.
#[component]
fn FieldError(field: &'static str) -> impl IntoView {
    let t = use_tx();
    let message = move || {
        t.errors.with(|es| {
            es.iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    };
    view! {
        {move || message().map(|m| view! {
            <p class="error small" data-testid=format!("send-error-{field}") role="alert">{m}</p>
        })}
    }
}

/// A text input bound to one field of the form (`data-testid` `send-{field}`).
#[component]
fn TextField(
    label: &'static str,
    field: &'static str,
    get: fn(&SendForm) -> &String,
    set: fn(&mut SendForm) -> &mut String,
    /// Shown under the input.
    #[prop(optional)]
    note: &'static str,
) -> impl IntoView {
    let t = use_tx();
    view! {
        <label>{label}
            <input data-testid=format!("send-{field}") spellcheck="false" autocomplete="off"
                prop:value=move || t.form.with(|f| get(f).clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    t.edit(|f| *set(f) = v);
                } />
        </label>
        {(!note.is_empty()).then(|| view! { <p class="muted small note">{note}</p> })}
        <FieldError field />
    }
}

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
    let nonce_value = move || {
        t.form.with(|f| {
            if f.nonce_auto {
                next_nonce().map_or_else(|| f.nonce.clone(), |n| n.to_string())
            } else {
                f.nonce.clone()
            }
        })
    };
    let accounts = move || {
        w.file
            .with(|f| f.as_ref().map(|f| f.accounts.clone()).unwrap_or_default())
    };
    let fee_kind = move || t.form.with(|f| f.fee_kind);
    let gas_hint = move || {
        t.form.with(default_gas_limit).map_or_else(
            || "Empty: the least gas Ethereum accepts for the transfer and its data".to_owned(),
            |g| format!("Empty: {g}, the least Ethereum accepts: 21000 plus the data's intrinsic gas (16 per non-zero, 4 per zero byte) or, when larger, Prague's calldata floor (40 and 10, EIP-7623)"),
        )
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
        <FieldError field="from" />
        <TextField label="To (address; the EIP-55 mixed case is checked, all lower case is accepted)" field="to"
            get=|f| &f.to set=|f| &mut f.to />
        <TextField label="Amount (ETH)" field="amount" get=|f| &f.amount set=|f| &mut f.amount
            note="A decimal number such as 1.5; up to 18 digits after the point (1 wei)." />
        <label>"Data"
            <select data-testid="send-data-kind" on:change=move |ev| {
                let kind = if event_target_value(&ev) == "hex" { DataKind::Hex } else { DataKind::Text };
                t.edit(|f| f.data_kind = kind);
            }>
                <option value="text" selected=move || t.form.with(|f| f.data_kind == DataKind::Text)>"Text memo (sent as UTF-8)"</option>
                <option value="hex" selected=move || t.form.with(|f| f.data_kind == DataKind::Hex)>"Hex call data (0x…)"</option>
            </select>
            <textarea data-testid="send-data" rows="2" spellcheck="false" placeholder="optional"
                prop:value=move || t.form.with(|f| f.data.clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    t.edit(|f| f.data = v);
                }></textarea>
        </label>
        <FieldError field="data" />
        <label>"Type"
            <select data-testid="send-type" on:change=move |ev| {
                let kind = if event_target_value(&ev) == "legacy" { FeeKind::Legacy } else { FeeKind::Eip1559 };
                t.edit(|f| f.fee_kind = kind);
            }>
                <option value="eip1559" selected=move || fee_kind() == FeeKind::Eip1559>"EIP-1559 (type 2)"</option>
                <option value="legacy" selected=move || fee_kind() == FeeKind::Legacy>"Legacy with EIP-155 replay protection"</option>
            </select>
        </label>
        {move || match fee_kind() {
            FeeKind::Eip1559 => view! {
                <TextField label="Priority fee per gas (gwei), the miner's tip" field="priority-fee"
                    get=|f| &f.priority_fee set=|f| &mut f.priority_fee />
                <TextField label="Max fee per gas (gwei), base fee + tip at most" field="max-fee"
                    get=|f| &f.max_fee set=|f| &mut f.max_fee />
            }.into_any(),
            FeeKind::Legacy => view! {
                <TextField label="Gas price (gwei)" field="gas-price" get=|f| &f.gas_price set=|f| &mut f.gas_price />
            }.into_any(),
        }}
        <label>"Gas limit"
            <input data-testid="send-gas-limit" spellcheck="false" autocomplete="off" placeholder=move || t.form.with(default_gas_limit).map(|g| g.to_string())
                prop:value=move || t.form.with(|f| f.gas_limit.clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    t.edit(|f| f.gas_limit = v);
                } />
        </label>
        <p class="muted small note" data-testid="send-gas-hint">{gas_hint}</p>
        <FieldError field="gas-limit" />
        <label>"Nonce"
            <input data-testid="send-nonce" spellcheck="false" autocomplete="off"
                prop:value=nonce_value
                on:input=move |ev| t.set_nonce(event_target_value(&ev)) />
        </label>
        <p class="muted small note" data-testid="send-nonce-hint">
            {move || if t.form.with(|f| f.nonce_auto) {
                "The sender's next nonce: its nonce on chain, past its transactions pending in the mempool. Editable for experiments (a gap waits as queued; a used nonce is refused as a replay)."
            } else {
                "Typed by hand. "
            }}
            <Show when=move || !t.form.with(|f| f.nonce_auto)>
                <button type="button" class="link" data-testid="send-nonce-auto" on:click=move |_| t.use_next_nonce()>"Use the next nonce"</button>
            </Show>
        </p>
        <FieldError field="nonce" />
        <TextField label="Chain id" field="chain-id" get=|f| &f.chain_id set=|f| &mut f.chain_id
            note="The default is this lab chain's id. A replay-protected transaction is valid only on the chain it names." />
        <FieldError field="form" />
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
            let raw = s.raw.clone();
            let copy = s.raw.clone();
            view! {
                <div class="tx-signed" data-testid="signed-tx">
                    <h3>"1. The unsigned transaction"</h3>
                    <p class="small">"From " <code data-testid="signed-from">{s.from}</code>
                        <span class="muted">" (not part of the signed bytes: anyone recovers it from the signature)"</span></p>
                    <Rows rows=s.fields prefix="signed" />
                    <h3>"2. What is signed"</h3>
                    <dl class="tx-fields">
                        <dt>"Signing payload"</dt><dd><code data-testid="signed-payload">{s.payload}</code></dd>
                        <dt>"Signing hash (keccak256 of the payload)"</dt><dd><code data-testid="signed-signing-hash">{s.signing_hash}</code></dd>
                    </dl>
                    <h3>"3. The signature (secp256k1, RFC 6979, low s)"</h3>
                    <Rows rows=s.signature prefix="signed" />
                    <h3>"4. The signed transaction"</h3>
                    <dl class="tx-fields">
                        <dt>"Raw signed hex"</dt>
                        <dd><code data-testid="signed-raw">{s.raw}</code>
                            <button type="button" class="copy" data-testid="signed-copy" on:click=move |_| copy_to_clipboard(&copy)>"copy"</button></dd>
                        <dt>"Transaction hash (keccak256 of the raw bytes)"</dt><dd><code data-testid="signed-hash">{s.hash}</code></dd>
                    </dl>
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
