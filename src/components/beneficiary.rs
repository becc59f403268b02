//! The miner's beneficiary: who the coinbase of the next mined block pays.

use blocklab_core::genesis::DEV_ADDRESSES;
use blocklab_core::persist::{Beneficiary, DEFAULT_BENEFICIARY};
use leptos::prelude::*;

use super::use_state;
use crate::pages::wallet::use_wallet;
use crate::state::actions;

/// Pick a wallet or development account, or paste an address (EIP-55 checked).
#[component]
pub fn BeneficiaryChooser() -> impl IntoView {
    let app = use_state();
    let w = use_wallet();
    let current = move || {
        app.settings
            .with(|s| s.beneficiary.map(|a| a.to_checksum()).unwrap_or_default())
    };
    let text = RwSignal::new(current());
    let error = RwSignal::new(None::<String>);
    let choose = move |value: String| {
        error.set(actions::set_beneficiary(app, &value).err());
        text.set(value);
    };
    // Another tab's choice (merged into this tab's settings) shows here, unless the field
    // holds the user's refused text.
    Effect::new(move |_| {
        let stored = current();
        if error.with_untracked(Option::is_none)
            && text.with_untracked(|t| !t.trim().eq_ignore_ascii_case(&stored))
        {
            text.set(stored);
        }
    });
    let choices = move || {
        let mut out: Vec<(String, String)> = w.file.with(|f| {
            f.as_ref()
                .map(|f| {
                    f.accounts
                        .iter()
                        .map(|a| (format!("{} (wallet)", a.name), a.address.to_checksum()))
                        .collect()
                })
                .unwrap_or_default()
        });
        for (i, a) in DEV_ADDRESSES.iter().enumerate() {
            let a = a.to_checksum();
            if !out.iter().any(|(_, x)| *x == a) {
                out.push((format!("dev #{i} (public key)"), a));
            }
        }
        out
    };
    view! {
        <section class="card" data-testid="beneficiary">
            <h2>"Miner's beneficiary"</h2>
            <p class="muted small">"The coinbase of each mined block pays this address the block reward plus the transactions' priority fees."</p>
            <label>"Choose an account"
                <select data-testid="beneficiary-select" on:change=move |ev| choose(event_target_value(&ev))>
                    <option value="" selected=move || current().is_empty()>{move || match app.beneficiary() {
                        Beneficiary::Wallet(a) => format!("default: your wallet's first account {}", a.to_checksum()),
                        _ => format!("default: dev #0 (public key) {}", DEFAULT_BENEFICIARY.to_checksum()),
                    }}</option>
                    {move || choices().into_iter().map(|(label, address)| {
                        let a = address.clone();
                        view! { <option value=address.clone() selected=move || current() == a>{format!("{label} {address}")}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Or paste an address"
                <input data-testid="beneficiary-input" spellcheck="false" autocomplete="off" placeholder="0x…"
                    prop:value=move || text.get()
                    on:input=move |ev| choose(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! { <p class="error small" data-testid="beneficiary-error" role="alert">{e}</p> })}
            <p class="small">"Now: " <code data-testid="beneficiary-current">{move || app.beneficiary().address().to_checksum()}</code>
                <span class="muted" data-testid="beneficiary-why">{move || match app.beneficiary() {
                    Beneficiary::Chosen(_) => "",
                    Beneficiary::Wallet(_) => " (the default: your wallet's first account)",
                    Beneficiary::DevDefault => " (the default: development account #0, whose key is public; create or import a wallet, or choose an account, to keep the rewards yourself)",
                }}</span>
            </p>
        </section>
    }
}
