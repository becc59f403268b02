//! Creating, importing and unlocking a wallet.

use blocklab_core::wallet::hd::PathPreset;
use blocklab_core::wallet::mnemonic::WORD_COUNTS;
use blocklab_core::wallet::vault::password_strength;
use blocklab_core::wallet::Mnemonic;
use leptos::prelude::*;
use zeroize::Zeroizing;

use super::state::Onboarding;
use super::use_wallet;
use crate::platform::{files, secret};
use crate::state::actions::capitalise;

/// A field whose value is secret: read into a zeroizing buffer on demand, never kept in a
/// signal (see `platform::secret`).
pub(crate) type SecretField = NodeRef<leptos::html::Input>;

/// Reads (and with `take`, empties) a secret field.
fn read(field: SecretField, take: bool) -> Zeroizing<String> {
    field
        .get_untracked()
        .map(|el| {
            if take {
                secret::take(&el)
            } else {
                secret::read(&el)
            }
        })
        .unwrap_or_default()
}

/// A password field with a strength hint (only the score is kept, not the text).
#[component]
fn NewPassword(password: SecretField, confirm: SecretField, prefix: &'static str) -> impl IntoView {
    let score = RwSignal::new(password_strength(""));
    view! {
        <label>"Password (encrypts the keys in this browser; at least 8 characters)"
            <input type="password" autocomplete="new-password" data-testid=format!("{prefix}-password") node_ref=password
                on:input=move |_| score.set(password_strength(&read(password, false))) />
        </label>
        <p class=move || format!("strength s{}", score.get().0) data-testid=format!("{prefix}-strength")>{move || format!("Strength: {}", score.get().1)}</p>
        <label>"Repeat the password"
            <input type="password" autocomplete="new-password" data-testid=format!("{prefix}-password-confirm") node_ref=confirm />
        </label>
    }
}

/// The path preset chooser with the explanation of why wallets differ.
#[component]
pub fn PresetChooser() -> impl IntoView {
    let w = use_wallet();
    view! {
        <label>"Derivation path"
            <select data-testid="path-preset" on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some(p) = PathPreset::ALL.into_iter().find(|p| format!("{p:?}") == v) { w.preset.set(p); }
            }>
                {PathPreset::ALL.into_iter().map(|p| view! {
                    <option value=format!("{p:?}") selected=move || w.preset.get() == p>{p.label()}</option>
                }).collect_view()}
            </select>
        </label>
        <details class="muted small"><summary>"Why do wallets show different addresses for the same phrase?"</summary>
            <p>"The phrase gives one master key; each address comes from a path below it. MetaMask and most wallets use "
               "m/44'/60'/0'/0/i (the account is the last number); Ledger Live uses m/44'/60'/i'/0/0 (the account is the "
               "third number); old Ledger and MyEtherWallet used m/44'/60'/0'/i. Same phrase, different path, different keys."</p>
        </details>
    }
}

/// Create a new wallet: words shown once, three re-entered, then a password.
#[component]
pub fn CreateWallet() -> impl IntoView {
    let w = use_wallet();
    let words = RwSignal::new(12usize);
    let answers: [RwSignal<String>; 3] = [
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    ];
    let passphrase = SecretField::new();
    let password = SecretField::new();
    let confirm = SecretField::new();
    let step = move || w.onboarding.get();
    view! {
        <section class="card">
            <h2>"Create a wallet"</h2>
            {move || match step() {
                Onboarding::Idle => view! {
                    <label>"Words"
                        <select data-testid="create-words" on:change=move |ev| words.set(event_target_value(&ev).parse().unwrap_or(12))>
                            {WORD_COUNTS.into_iter().map(|n| view! { <option value=n.to_string()>{format!("{n} words")}</option> }).collect_view()}
                        </select>
                    </label>
                    <PresetChooser />
                    <button type="button" class="primary" data-testid="create-wallet" on:click=move |_| w.start_create(words.get_untracked())>"Create a new recovery phrase"</button>
                }.into_any(),
                Onboarding::ShowPhrase { phrase } => {
                    // The words of the list itself (`&'static str`): no copy of the phrase.
                    let list = Mnemonic::parse(&phrase).map(|m| m.words()).unwrap_or_default();
                    view! {
                        <p class="error"><strong>"Write these words down, in order, and keep them offline. "</strong>
                           "They are shown once. Anyone who has them controls the wallet; without them a lost password cannot be recovered."</p>
                        <ol class="phrase" data-testid="new-phrase">
                            {list.into_iter().map(|word| view! { <li data-testid="phrase-word">{word}</li> }).collect_view()}
                        </ol>
                        <button type="button" class="primary" data-testid="phrase-written" on:click=move |_| w.phrase_written()>"I have written them down"</button>
                    }.into_any()
                }
                Onboarding::Confirm { positions, .. } => view! {
                    <p>"Check: enter these words from your phrase."</p>
                    {positions.into_iter().zip(answers).map(|(pos, sig)| view! {
                        <label>{format!("Word {pos}")}
                            <input data-testid="confirm-word" data-position=pos.to_string() autocomplete="off"
                                prop:value=sig on:input=move |ev| sig.set(event_target_value(&ev)) />
                        </label>
                    }).collect_view()}
                    <label>"BIP-39 passphrase (optional; it changes every address and must be kept with the phrase)"
                        <input data-testid="create-passphrase" type="password" node_ref=passphrase />
                    </label>
                    <NewPassword password confirm prefix="create" />
                    <button type="button" class="primary" data-testid="finish-create" on:click=move |_| {
                        let a = answers.map(|s| s.get_untracked());
                        w.finish_create(&a, &read(passphrase, false), &read(password, false), &read(confirm, false));
                    }>"Encrypt and save"</button>
                    <button type="button" on:click=move |_| w.onboarding.set(Onboarding::Idle)>"Cancel"</button>
                }.into_any(),
            }}
        </section>
    }
}

/// Import a recovery phrase, validated as the user types (only the verdict is kept).
#[component]
pub fn ImportPhrase() -> impl IntoView {
    let w = use_wallet();
    let phrase = NodeRef::<leptos::html::Textarea>::new();
    let read_phrase = move || {
        phrase
            .get_untracked()
            .map(|el| secret::read(&el))
            .unwrap_or_default()
    };
    let status = RwSignal::new(None::<(bool, String)>);
    let check = move |_| {
        let p = read_phrase();
        status.set((!p.trim().is_empty()).then(|| match Mnemonic::parse(&p) {
            Ok(m) => (
                true,
                format!("Valid {}-word recovery phrase", m.word_count()),
            ),
            Err(e) => (false, capitalise(&e.to_string())),
        }));
    };
    let passphrase = SecretField::new();
    let password = SecretField::new();
    let confirm = SecretField::new();
    view! {
        <section class="card">
            <h2>"Import a recovery phrase"</h2>
            <textarea data-testid="import-phrase" rows="3" spellcheck="false" autocomplete="off" placeholder="12 to 24 words"
                node_ref=phrase on:input=check></textarea>
            {move || status.get().map(|(ok, m)| view! { <p class=if ok { "ok" } else { "error" } data-testid="import-phrase-status">{m}</p> })}
            <label>"BIP-39 passphrase (optional)"
                <input data-testid="import-passphrase" type="password" node_ref=passphrase />
            </label>
            <PresetChooser />
            <NewPassword password confirm prefix="import" />
            <button type="button" class="primary" data-testid="import-wallet" on:click=move |_| {
                if *read(password, false) != *read(confirm, false) {
                    w.error.set(Some("The two passwords differ".into()));
                } else {
                    w.import_phrase(&read_phrase(), &read(passphrase, false), &read(password, false));
                    if w.unlocked.with_untracked(Option::is_some) {
                        if let Some(el) = phrase.get_untracked() { secret::clear(&el); }
                        status.set(None);
                    }
                }
            }>"Import and encrypt"</button>
        </section>
    }
}

/// Import a single private key or a keystore v3 file.
#[component]
pub fn ImportKey() -> impl IntoView {
    let w = use_wallet();
    let key = SecretField::new();
    let password = SecretField::new();
    let file_password = SecretField::new();
    let keystore_text = RwSignal::new(None::<String>);
    let on_file = move |ev: leptos::ev::Event| {
        files::on_picked_text(&ev, move |read| match read {
            Ok(t) => keystore_text.set(Some(t)),
            Err(e) => w.error.set(Some(capitalise(&e))),
        });
    };
    let has_wallet = move || w.file.with(Option::is_some);
    view! {
        <section class="card">
            <h2>"Import a single key"</h2>
            <label>{move || if has_wallet() { "Wallet password" } else { "New wallet password (at least 8 characters)" }}
                <input type="password" data-testid="import-key-password" node_ref=password />
            </label>
            <label>"Private key (hex)"
                <input type="password" data-testid="import-key-hex" autocomplete="off" node_ref=key />
            </label>
            <button type="button" data-testid="import-key-button" on:click=move |_| {
                w.import_private_key(&read(key, false), &read(password, false));
                if w.error.with_untracked(Option::is_none) { read(key, true); }
            }>"Import private key"</button>
            <label>"Keystore file (ethers, MetaMask, geth)"
                <input type="file" accept=".json,application/json" data-testid="import-keystore-file" on:change=on_file />
            </label>
            <label>"The keystore's password"
                <input type="password" data-testid="import-keystore-password" node_ref=file_password />
            </label>
            <button type="button" data-testid="import-keystore-button" on:click=move |_| {
                match keystore_text.get_untracked() {
                    Some(t) => w.import_keystore(&t, &read(file_password, false), &read(password, false)),
                    None => w.error.set(Some("Choose a keystore file first".into())),
                }
            }>"Import keystore"</button>
        </section>
    }
}

/// Unlock with the password.
#[component]
pub fn UnlockForm() -> impl IntoView {
    let w = use_wallet();
    let password = SecretField::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        w.unlock(&read(password, true));
    };
    view! {
        <form class="card" on:submit=submit>
            <h2>"Unlock the wallet"</h2>
            <label>"Password"
                <input type="password" autocomplete="current-password" data-testid="unlock-password" node_ref=password />
            </label>
            <button type="submit" class="primary" data-testid="unlock-button">"Unlock"</button>
        </form>
    }
}
