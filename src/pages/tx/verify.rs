//! The verify tool: any raw signed transaction, decoded field by field, its sender recovered.

use leptos::prelude::*;

use blocklab_core::words::{err, hex};
use blocklab_core::SignedTx;

use super::state::{verify, Decoded, Verification};
use super::{use_tx, Rows};
use crate::components::use_state;
use blocklab_core::node::describe::{state_checks, Check};

/// Paste a raw transaction; it is decoded as it is typed.
#[component]
pub fn VerifyTx() -> impl IntoView {
    let t = use_tx();
    let result = Memo::new(move |_| {
        t.verify_input
            .with(|raw| t.expected_sender.with(|expected| verify(raw, expected)))
    });
    view! {
        <section class="card" id="verify-tx" data-testid="verify-tx">
            <h2>"Verify a transaction"</h2>
            <p class="muted small">
                "Paste a raw signed transaction (the hex that eth_sendRawTransaction takes) made here or by any Ethereum wallet. "
                "It is decoded field by field and its sender is recovered from the signature; nothing is sent anywhere."
            </p>
            <label>"Raw signed transaction (hex)"
                <textarea data-testid="verify-tx-raw" rows="5" spellcheck="false"
                    prop:value=t.verify_input on:input=move |ev| { t.verify_input.set(event_target_value(&ev)); t.verify_submitted.set(None); }></textarea>
            </label>
            <label>"Expected sender (optional)"
                <input data-testid="verify-tx-expected" spellcheck="false" placeholder="0x…"
                    prop:value=t.expected_sender on:input=move |ev| t.expected_sender.set(event_target_value(&ev)) />
            </label>
            {move || match result.get() {
                Verification::Empty => view! {
                    <p class="muted small" data-testid="verify-tx-empty">"Nothing to verify yet."</p>
                }.into_any(),
                Verification::Invalid(message) => view! {
                    <div class="verdict-box error" data-testid="verify-tx-error" role="alert">
                        <p><strong>"✘ Not a transaction this lab can read"</strong></p>
                        <p data-testid="verify-tx-error-message">{err(message)}</p>
                    </div>
                }.into_any(),
                Verification::Decoded(d) => view! { <DecodedView d=*d /> }.into_any(),
            }}
            <StateChecks />
        </section>
    }
}

/// The pasted transaction against this chain: included or waiting, nonce, balance, chain id,
/// and the core's verdict; and a button that submits it to the mempool.
#[component]
fn StateChecks() -> impl IntoView {
    let t = use_tx();
    let app = use_state();
    let checks = Memo::new(move |_| {
        let tx = t
            .verify_input
            .with(|raw| SignedTx::from_raw_hex(raw).ok())?;
        Some(app.ledger.with(|l| state_checks(&l.check_tx(&tx))))
    });
    move || {
        checks.get().map(|checks| view! {
            <div class="state-checks" data-testid="verify-tx-state">
                <h3>"Against this chain's state"</h3>
                <ul>
                    {checks.into_iter().map(|c| {
                        let (class, mark) = match c.check {
                            Check::Pass => ("ok", "✔ "),
                            Check::Note => ("muted", "• "),
                            Check::Fail => ("error", "✘ "),
                        };
                        view! {
                            <li class=class data-testid=format!("verify-tx-state-{}", c.key)
                                data-check=format!("{:?}", c.check).to_lowercase()>{mark}{c.text}</li>
                        }
                    }).collect_view()}
                </ul>
                <button type="button" data-testid="verify-tx-submit" on:click=move |_| t.submit_verified(app)>"Submit to the mempool"</button>
                {move || t.verify_submitted.get().map(|r| match r {
                    Ok(m) => view! { <p class="ok" data-testid="verify-tx-submit-result" data-ok="true">{m}</p> }.into_any(),
                    Err(m) => view! { <p class="error" data-testid="verify-tx-submit-result" data-ok="false" role="alert">{m}</p> }.into_any(),
                })}
            </div>
        })
    }
}

/// The verdict, then every field.
#[component]
fn DecodedView(d: Decoded) -> impl IntoView {
    let valid = d.sender.is_ok();
    let on_lab_chain = d.chain.on_lab_chain;
    let as_expected = d.expected.as_ref().is_none_or(|e| e.matches);
    // A signature for another chain is valid there only: no green tick (a warning), and its
    // sender is named as that chain's signer. Any failure is an error.
    let class = match (valid && as_expected, on_lab_chain) {
        (true, true) => "verdict-box ok",
        (true, false) => "verdict-box warn",
        (false, _) => "verdict-box error",
    };
    let (headline, sender_label) = (d.chain.headline(), d.chain.sender_label());
    view! {
        <div class=class data-testid="verify-tx-verdict" data-valid=valid.to_string()>
            {match d.sender {
                Ok(s) => view! {
                    <p><strong data-testid="verify-tx-headline">{headline}</strong></p>
                    <p>{sender_label} <code data-testid="verify-tx-sender">{s.address.to_checksum()}</code></p>
                    <p class="small">"Public key: " <code data-testid="verify-tx-public-key">{hex(&s.public_key)}</code></p>
                }.into_any(),
                Err(m) => view! {
                    <p><strong>"✘ Invalid signature: "</strong><span data-testid="verify-tx-signature-error">{err(m)}</span></p>
                }.into_any(),
            }}
            <p class=if d.chain.on_lab_chain { "small" } else { "small warn-text" } data-testid="verify-tx-chain"
                data-lab-chain=d.chain.on_lab_chain.to_string() data-replay-protected=d.chain.replay_protected.to_string()>
                {d.chain.text}
            </p>
            {d.expected.map(|e| view! {
                <p data-testid="verify-tx-expected-verdict" data-match=e.matches.to_string()><strong>{e.text}</strong></p>
            })}
        </div>
        <h3>"Fields"</h3>
        <Rows rows=d.fields prefix="verify-tx" />
        <h3>"Signature"</h3>
        <Rows rows=d.signature prefix="verify-tx" />
        <h3>"Hashes"</h3>
        <Rows rows=d.hashes prefix="verify-tx" />
    }
}
