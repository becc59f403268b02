//! Keys explained: a private key (random from the browser's generator, or typed for teaching),
//! its public point, the Keccak-256 of it, the last 20 bytes, the EIP-55 checksum letter by
//! letter; then a message signed and the signer recovered. Every value comes from the core.

use blocklab_core::learn::keys::KeyWalk;
use blocklab_core::learn::Step;
use blocklab_core::snippets::{self, Secret};
use blocklab_core::wallet::hd::Account;
use blocklab_core::wallet::message::{recover_message, sign_message};
use leptos::prelude::*;

use super::code::ShowCode;
use super::progress::LearnState;
use crate::platform::files::copy_to_clipboard;
use crate::platform::random;

/// What signing the message gave.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SignOutcome {
    signature: String,
    recovered: String,
    matches: bool,
}

/// The keys walkthrough screen.
#[component]
pub fn KeysExplained() -> impl IntoView {
    let learn = expect_context::<LearnState>();
    let key = RwSignal::new(String::new());
    let message = RwSignal::new("I own this address".to_owned());
    let error = RwSignal::new(None::<String>);
    let walk = Memo::new(move |_| {
        key.with(|k| {
            (!k.trim().is_empty()).then(|| KeyWalk::from_hex(k).map_err(|e| e.to_string()))
        })
    });
    let random_key = move |_| match random::bytes::<32>() {
        Ok(b) => {
            error.set(None);
            key.set(format!("0x{}", hex::encode(b)));
        }
        Err(e) => error.set(Some(e)),
    };
    let signed = Memo::new(move |_| {
        let k = key.get();
        let m = message.get();
        let account = Account::from_private_key_hex(&k).ok()?;
        let sig = sign_message(&account, &m).ok()?;
        let recovered = recover_message(&m, &sig).ok()?;
        Some(SignOutcome {
            signature: sig.to_hex(),
            recovered: recovered.address().to_checksum(),
            matches: recovered.address() == account.address,
        })
    });
    Effect::new(move |_| {
        if signed.with(|s| s.as_ref().is_some_and(|s| s.matches)) {
            learn.tick(Step::Keys);
        }
    });
    let sign_code = Signal::derive(move || {
        snippets::sign_message(Secret::Revealed(&key.get()), &message.get())
    });
    let verify_code = Signal::derive(move || {
        let sig = signed.get().map(|s| s.signature).unwrap_or_default();
        let address = walk
            .get()
            .and_then(Result::ok)
            .map(|w| w.address)
            .unwrap_or_default();
        snippets::verify_message(&message.get(), &sig, &address)
    });
    view! {
        <section class="learn-page" data-testid="keys-page">
            <p><a href="#/home">"← the guided path"</a></p>
            <h2>"From a private key to an address"</h2>
            <p class="warning">"A teaching key: it is shown on screen and never stored. Never put money on it."</p>
            <label for="keys-private">"1. Private key: a random 256-bit number, the only secret."</label>
            <div class="row">
                <input id="keys-private" data-testid="keys-private" spellcheck="false" autocomplete="off" placeholder="0x… 64 hex digits"
                    prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
                <button type="button" data-testid="keys-random" on:click=random_key>"Random key"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match walk.get() {
                None => view! { <p class="muted">"Press Random key (it uses the browser's secure generator) or type 64 hex digits."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" data-testid="keys-error">{e}</p> }.into_any(),
                Some(Ok(w)) => view! { <Walk walk=w /> }.into_any(),
            }}
            <h3>"6. Sign a message, recover the signer"</h3>
            <p>"The signature is made with the private key; the verifier has only the message and the signature, yet recovers the address: proof that the key's holder signed."</p>
            <label for="keys-message">"Message"</label>
            <input id="keys-message" data-testid="keys-message" prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev)) />
            {move || signed.get().map(|s| view! {
                <dl class="walk">
                    <WalkValue label="Signature (r ‖ s ‖ v)" id="keys-signature" value=s.signature.clone() why="65 bytes: two numbers from the curve and a recovery byte." />
                    <WalkValue label="Recovered signer" id="keys-recovered" value=s.recovered.clone() why="Computed from the message and signature alone." />
                </dl>
                <p class=if s.matches { "ok" } else { "error" } data-testid="keys-verdict">
                    {if s.matches { "The recovered address is the key's address: the signature is valid." } else { "The recovered address differs: this signature is not from this key." }}
                </p>
            })}
            <ShowCode code=sign_code id="sign-message" />
            <ShowCode code=verify_code id="verify-message" />
        </section>
    }
}

/// The values from the public key to the checksummed address.
#[component]
fn Walk(walk: KeyWalk) -> impl IntoView {
    let caps: Vec<String> = walk.capitalised().map(|l| l.shown.to_string()).collect();
    let why_caps = if caps.is_empty() {
        "no letter here had a hash digit of 8 or more, so none was capitalised.".to_owned()
    } else {
        format!(
            "capitalised here: {} (each where that digit is 8 or more).",
            caps.join(", ")
        )
    };
    view! {
        <dl class="walk">
            <WalkValue label="2. Public key x" id="keys-x" value=walk.x.clone() why="The public key is the curve point k·G: easy to compute, infeasible to reverse." />
            <WalkValue label="   Public key y" id="keys-y" value=walk.y.clone() why="The point's second coordinate; x ‖ y (64 bytes) is what gets hashed." />
            <WalkValue label="3. Keccak-256(x ‖ y)" id="keys-keccak" value=walk.keccak.clone() why="Ethereum's hash turns the 64-byte key into 32 bytes." />
            <WalkValue label="4. Last 20 bytes" id="keys-last20" value=walk.last20.clone() why="The address is the last 20 bytes of that hash." />
            <WalkValue label="5. Keccak-256 of the lower-case address" id="keys-checksum-hash" value=walk.checksum_hash.clone() why="EIP-55 hashes the address text to choose the case of each letter." />
        </dl>
        <p>"Address with the EIP-55 checksum: "
            <code class="checksum" data-testid="keys-address">
                "0x"{walk.letters.iter().map(|l| view! {
                    <span class:caps=l.capitalised() title=format!("hash digit {:x}", l.nibble)>{l.shown.to_string()}</span>
                }).collect_view()}
            </code>
            " "<button type="button" class="copy" data-testid="keys-address-copy" on:click={
                let a = walk.address.to_checksum();
                move |_| copy_to_clipboard(&a)
            }>"copy"</button>
        </p>
        <p data-testid="keys-caps-why">"A letter is upper case when the matching hex digit of that hash is 8 or more, so a mistyped address almost surely fails the check; "{why_caps}</p>
    }
}

/// One labelled value with its copy button and a sentence of why.
#[component]
fn WalkValue(
    label: &'static str,
    id: &'static str,
    value: String,
    why: &'static str,
) -> impl IntoView {
    let copy = value.clone();
    view! {
        <dt>{label}</dt>
        <dd>
            <code data-testid=id>{value}</code>" "
            <button type="button" class="copy" data-testid=format!("{id}-copy") on:click=move |_| copy_to_clipboard(&copy)>"copy"</button>
            <br /><span class="muted small">{why}</span>
        </dd>
    }
}
