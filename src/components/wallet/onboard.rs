//! Creating, importing and unlocking a wallet.

use blocklab_core::wallet::hd::PathPreset;
use blocklab_core::wallet::mnemonic::WORD_COUNTS;
use blocklab_core::wallet::vault::password_strength;
use blocklab_core::wallet::Mnemonic;
use leptos::prelude::*;

use super::use_wallet;
use crate::platform::files;
use crate::state::actions::capitalise;
use crate::state::wallet::Onboarding;

/// A password field with a strength hint.
#[component]
fn NewPassword(
    password: RwSignal<String>,
    confirm: RwSignal<String>,
    prefix: &'static str,
) -> impl IntoView {
    let hint = move || {
        let (score, word) = password_strength(&password.get());
        (score, format!("Strength: {word}"))
    };
    view! {
        <label>"Password (encrypts the keys in this browser; at least 8 characters)"
            <input type="password" autocomplete="new-password" data-testid=format!("{prefix}-password")
                prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
        </label>
        <p class=move || format!("strength s{}", hint().0) data-testid=format!("{prefix}-strength")>{move || hint().1}</p>
        <label>"Repeat the password"
            <input type="password" autocomplete="new-password" data-testid=format!("{prefix}-password-confirm")
                prop:value=confirm on:input=move |ev| confirm.set(event_target_value(&ev)) />
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
    let passphrase = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
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
                    let list: Vec<String> = phrase.split_whitespace().map(str::to_owned).collect();
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
                        <input data-testid="create-passphrase" type="password" prop:value=passphrase on:input=move |ev| passphrase.set(event_target_value(&ev)) />
                    </label>
                    <NewPassword password confirm prefix="create" />
                    <button type="button" class="primary" data-testid="finish-create" on:click=move |_| {
                        let a = answers.map(|s| s.get_untracked());
                        w.finish_create(&a, &passphrase.get_untracked(), &password.get_untracked(), &confirm.get_untracked());
                    }>"Encrypt and save"</button>
                    <button type="button" on:click=move |_| w.onboarding.set(Onboarding::Idle)>"Cancel"</button>
                }.into_any(),
            }}
        </section>
    }
}

/// Import a recovery phrase, validated as the user types.
#[component]
pub fn ImportPhrase() -> impl IntoView {
    let w = use_wallet();
    let phrase = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let status = move || {
        let p = phrase.get();
        if p.trim().is_empty() {
            return None;
        }
        Some(match Mnemonic::parse(&crate::platform::text::nfkd(&p)) {
            Ok(m) => (
                true,
                format!("Valid {}-word recovery phrase", m.word_count()),
            ),
            Err(e) => (false, capitalise(&e.to_string())),
        })
    };
    view! {
        <section class="card">
            <h2>"Import a recovery phrase"</h2>
            <textarea data-testid="import-phrase" rows="3" spellcheck="false" autocomplete="off" placeholder="12 to 24 words"
                prop:value=phrase on:input=move |ev| phrase.set(event_target_value(&ev))></textarea>
            {move || status().map(|(ok, m)| view! { <p class=if ok { "ok" } else { "error" } data-testid="import-phrase-status">{m}</p> })}
            <label>"BIP-39 passphrase (optional)"
                <input data-testid="import-passphrase" type="password" prop:value=passphrase on:input=move |ev| passphrase.set(event_target_value(&ev)) />
            </label>
            <PresetChooser />
            <NewPassword password confirm prefix="import" />
            <button type="button" class="primary" data-testid="import-wallet" on:click=move |_| {
                if password.get_untracked() != confirm.get_untracked() {
                    w.error.set(Some("The two passwords differ".into()));
                } else {
                    w.import_phrase(&phrase.get_untracked(), &passphrase.get_untracked(), &password.get_untracked());
                    if w.unlocked.with_untracked(Option::is_some) { phrase.set(String::new()); }
                }
            }>"Import and encrypt"</button>
        </section>
    }
}

/// Import a single private key or a keystore v3 file.
#[component]
pub fn ImportKey() -> impl IntoView {
    let w = use_wallet();
    let key = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let file_password = RwSignal::new(String::new());
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
                <input type="password" data-testid="import-key-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <label>"Private key (hex)"
                <input type="password" data-testid="import-key-hex" autocomplete="off" prop:value=key on:input=move |ev| key.set(event_target_value(&ev)) />
            </label>
            <button type="button" data-testid="import-key-button" on:click=move |_| {
                w.import_private_key(&key.get_untracked(), &password.get_untracked());
                if w.error.with_untracked(Option::is_none) { key.set(String::new()); }
            }>"Import private key"</button>
            <label>"Keystore file (ethers, MetaMask, geth)"
                <input type="file" accept=".json,application/json" data-testid="import-keystore-file" on:change=on_file />
            </label>
            <label>"The keystore's password"
                <input type="password" data-testid="import-keystore-password" prop:value=file_password on:input=move |ev| file_password.set(event_target_value(&ev)) />
            </label>
            <button type="button" data-testid="import-keystore-button" on:click=move |_| {
                match keystore_text.get_untracked() {
                    Some(t) => w.import_keystore(&t, &file_password.get_untracked(), &password.get_untracked()),
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
    let password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        w.unlock(&password.get_untracked());
        password.set(String::new());
    };
    view! {
        <form class="card" on:submit=submit>
            <h2>"Unlock the wallet"</h2>
            <label>"Password"
                <input type="password" autocomplete="current-password" data-testid="unlock-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="primary" data-testid="unlock-button">"Unlock"</button>
        </form>
    }
}
