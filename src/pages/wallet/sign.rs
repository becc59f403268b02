//! EIP-191 message signing and verification.

use leptos::prelude::*;

use super::use_wallet;
use crate::pages::learn::code::ShowCode;
use blocklab_core::snippets::{self, Secret};
use blocklab_core::wallet::message::{verify, Verdict};

/// Sign a message with the selected account.
#[component]
pub fn SignMessage() -> impl IntoView {
    let w = use_wallet();
    let text = RwSignal::new(String::new());
    let signature = RwSignal::new(None::<String>);
    let accounts = move || {
        w.file
            .with(|f| f.as_ref().map(|f| f.accounts.clone()).unwrap_or_default())
    };
    view! {
        <section class="card">
            <h2>"Sign a message (EIP-191 personal_sign)"</h2>
            <label>"Account"
                <select data-testid="sign-account" on:change=move |ev| w.selected.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || accounts().into_iter().enumerate().map(|(i, e)| view! {
                        <option value=i.to_string() selected=move || w.selected.get() == i>{format!("{} {:#}", e.name, e.address)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Message"
                <textarea data-testid="sign-message" rows="3" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <button type="button" class="primary" data-testid="sign-button" on:click=move |_| {
                signature.set(w.sign(w.selected.get_untracked(), &text.get_untracked()).map(|s| s.to_hex()));
            }>"Sign"</button>
            {move || signature.get().map(|s| view! { <p>"Signature: " <code data-testid="signature">{s}</code></p> })}
            <ShowCode id="sign-message-wallet" code=Signal::derive(move || snippets::sign_message(Secret::Hidden, &text.get())) />
        </section>
    }
}

/// Verify any (message, signature) pair, optionally against an expected signer.
#[component]
pub fn VerifyMessage() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let sig = RwSignal::new(String::new());
    let expected = RwSignal::new(String::new());
    let verdict = RwSignal::new(None::<Verdict>);
    view! {
        <section class="card">
            <h2>"Verify a signed message"</h2>
            <label>"Message"
                <textarea data-testid="verify-message" rows="3" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <label>"Signature (0x + 130 hex digits)"
                <input data-testid="verify-signature" prop:value=sig on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
            <label>"Expected signer: address or public key (optional)"
                <input data-testid="verify-expected" prop:value=expected on:input=move |ev| expected.set(event_target_value(&ev)) />
            </label>
            <button type="button" data-testid="verify-button" on:click=move |_| {
                verdict.set(Some(verify(&text.get_untracked(), &sig.get_untracked(), &expected.get_untracked())));
            }>"Verify"</button>
            {move || verdict.get().map(|v| view! {
                <div class=if v.valid { "verdict-box ok" } else { "verdict-box error" } data-testid="verify-verdict" data-valid=v.valid.to_string()>
                    <p><strong>{if v.valid { "✔ Valid signature" } else { "✘ Not valid" }}</strong></p>
                    {v.recovered.map(|r| view! {
                        <ShowCode id="verify-message-wallet" code=Signal::stored(snippets::verify_message(&text.get_untracked(), &sig.get_untracked(), &r.address())) />
                        <p>"Recovered signer: " <code data-testid="verify-recovered">{r.address().to_checksum()}</code></p>
                        <p class="small">"Public key: " <code data-testid="verify-recovered-pubkey">{r.public_key_hex()}</code></p>
                    })}
                    <p class="small">{v.explanation}</p>
                </div>
            })}
        </section>
    }
}
