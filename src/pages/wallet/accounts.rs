//! Accounts: addresses with identicons and QR codes, adding and naming accounts, and the
//! password-protected secrets panel.

use blocklab_core::identicon::Blockies;
use blocklab_core::wallet::vault::KeySource;
use leptos::prelude::*;
use zeroize::Zeroizing;

use super::onboard::PresetChooser;
use super::use_wallet;
use crate::components::use_state;
use crate::pages::learn::code::ShowCode;
use crate::platform::files::copy_to_clipboard;
use crate::platform::secret;
use blocklab_core::node::describe::dev_index;
use blocklab_core::words::eth;

/// The QR code of `text` as SVG markup, for `inner_html`: the one kind of markup the app builds
/// from a value (besides the identicon, drawn from an address's bytes). The text is encoded into
/// the modules of the code and never appears in the markup, which holds only `<svg>`, `<rect>`
/// and `<path>` with numeric attributes (tested below with a script payload).
pub(crate) fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(132, 132)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// A value with a copy button.
#[component]
fn Copyable(value: String, testid: &'static str) -> impl IntoView {
    let v = value.clone();
    view! {
        <span class="hash"><code data-testid=testid>{value}</code>
            <button type="button" class="copy" on:click=move |_| copy_to_clipboard(&v)>"copy"</button></span>
    }
}

/// Every account of the wallet (addresses readable while locked).
#[component]
pub fn AccountList() -> impl IntoView {
    let w = use_wallet();
    let app = use_state();
    let entries = move || {
        w.file
            .with(|f| f.as_ref().map(|f| f.accounts.clone()).unwrap_or_default())
    };
    view! {
        <section class="card">
            <h2>"Accounts " {move || if w.unlocked.with(Option::is_some) { "(unlocked)" } else { "(locked)" }}</h2>
            <div class="accounts">
                {move || entries().into_iter().enumerate().map(|(i, e)| {
                    let address = e.address.to_checksum();
                    let icon = Blockies::of(&e.address).svg(40);
                    let qr = qr_svg(&address);
                    let source = match &e.source {
                        KeySource::Derived { path } => path.clone(),
                        KeySource::Imported { .. } => "imported key".to_owned(),
                    };
                    let keys = move || w.unlocked.with(|u| u.as_ref().and_then(|u| u.accounts.get(i)).map(|a| (a.public_key_compressed(), a.public_key_uncompressed())));
                    let name = RwSignal::new(e.name.clone());
                    let account_address = e.address;
                    let on_chain = move || app.tip_state.with(|s| s.account(&account_address));
                    let dev = dev_index(&e.address);
                    view! {
                        <article class="account" data-testid="account-card" data-address=address.clone()
                            class:selected=move || w.selected.get() == i on:click=move |_| w.selected.set(i)>
                            <div class="row">
                                // inner_html: SVG drawn from the address bytes, no text (SECURITY.md).
                                <span class="identicon" data-testid="account-identicon" inner_html=icon></span>
                                <input class="name" data-testid="account-name" prop:value=name aria-label="account name"
                                    on:input=move |ev| name.set(event_target_value(&ev))
                                    on:change=move |_| w.rename(i, &name.get_untracked()) />
                            </div>
                            <dl>
                                <dt>"Address"</dt><dd><Copyable value=address.clone() testid="account-address" /></dd>
                                <dt>"Balance"</dt><dd><span data-testid="account-balance" data-wei=move || on_chain().balance.as_wei().to_string()>{move || eth(on_chain().balance)}</span>
                                    {dev.map(|i| view! { <span class="warn-text small" data-testid="account-dev">{format!(" dev account #{i}: a PUBLIC test key, funded by the lab's genesis")}</span> })}</dd>
                                <dt>"Nonce"</dt><dd data-testid="account-nonce">{move || on_chain().nonce}</dd>
                                <dt>"Path"</dt><dd data-testid="account-path">{source}</dd>
                                {move || keys().map(|(c, u)| view! {
                                    <dt>"Public key (compressed)"</dt><dd><Copyable value=c testid="account-pubkey-compressed" /></dd>
                                    <dt>"Public key (uncompressed)"</dt><dd><Copyable value=u testid="account-pubkey-uncompressed" /></dd>
                                })}
                            </dl>
                            <details><summary>"QR code"</summary><div class="qr" data-testid="account-qr" inner_html=qr></div></details>
                        </article>
                    }
                }).collect_view()}
            </div>
            <ShowCode id="derive-accounts" code=Signal::derive(move || {
                let paths: Vec<String> = entries().into_iter().filter_map(|e| match e.source {
                    KeySource::Derived { path } => Some(path),
                    KeySource::Imported { .. } => None,
                }).collect();
                // Creating or importing a wallet and deriving its accounts are one step in code;
                // the phrase is read from the environment, never written into the snippet.
                blocklab_core::snippets::derive_accounts(blocklab_core::snippets::Secret::Hidden, &paths)
            }) />
        </section>
    }
}

/// Add the next account (preset path) or a custom path.
#[component]
pub fn AddAccount() -> impl IntoView {
    let w = use_wallet();
    let custom = RwSignal::new(String::new());
    let has_phrase = move || {
        w.unlocked
            .with(|u| u.as_ref().is_some_and(|u| u.secrets.mnemonic.is_some()))
    };
    view! {
        <Show when=has_phrase>
            <section class="card">
                <h2>"Add an account"</h2>
                <PresetChooser />
                <label>"Or a custom path"
                    <input data-testid="custom-path" placeholder="m/44'/60'/0'/0/5" prop:value=custom on:input=move |ev| custom.set(event_target_value(&ev)) />
                </label>
                <button type="button" data-testid="add-account" on:click=move |_| { w.add_account(&custom.get_untracked()); custom.set(String::new()); }>"Add account"</button>
            </section>
        </Show>
    }
}

/// Writes a secret into the element's text straight from its zeroizing buffer, which is wiped
/// when this returns: the view keeps no copy (a `{value}` child would keep a `String`).
pub(crate) fn show_secret(el: web_sys::Element, value: Zeroizing<String>) {
    el.set_text_content(Some(&value));
}

/// Lock, auto-lock, and the secrets behind a re-entered password.
#[component]
pub fn SecurityPanel() -> impl IntoView {
    let w = use_wallet();
    // The password field is read into a zeroizing buffer when a button needs it, never kept in
    // a signal.
    let password = NodeRef::<leptos::html::Input>::new();
    let auto_lock = RwSignal::new(
        w.file
            .with_untracked(|f| f.as_ref().map_or(5, |f| f.auto_lock_minutes))
            .to_string(),
    );
    let confirm_delete = RwSignal::new(false);
    let take_password = move || {
        password
            .get_untracked()
            .map(|el| secret::take(&el))
            .unwrap_or_default()
    };
    view! {
        <section class="card">
            <h2>"Security"</h2>
            <div class="row">
                <button type="button" data-testid="lock-button" on:click=move |_| w.lock()>"Lock now"</button>
                <label class="inline">"Auto-lock after "
                    <input class="narrow" type="number" min="0" max="1440" data-testid="auto-lock-minutes" prop:value=auto_lock
                        on:input=move |ev| auto_lock.set(event_target_value(&ev))
                        on:change=move |_| w.set_auto_lock(&auto_lock.get_untracked()) />
                    " minutes idle (0: never)"</label>
            </div>
            <p class="error small"><strong>"Danger zone. "</strong>"Whoever sees the phrase or a private key controls the funds. Re-enter the password to continue."</p>
            <label>"Password"
                <input type="password" data-testid="secret-password" node_ref=password />
            </label>
            <div class="row">
                <button type="button" class="danger" data-testid="reveal-button"
                    on:click=move |_| w.reveal(w.selected.get_untracked(), &take_password())>"Reveal recovery phrase"</button>
                <button type="button" class="danger" data-testid="export-key-button"
                    on:click=move |_| w.export_private_key(w.selected.get_untracked(), &take_password())>"Show private key"</button>
                <button type="button" data-testid="export-keystore-button" on:click=move |_| w.export_keystore(w.selected.get_untracked(), &take_password())>"Download keystore"</button>
            </div>
            {move || w.exported.with(|k| k.clone().map(|k| view! {
                <p>"Private key of the selected account: " <code data-testid="exported-key" use:show_secret=k></code>
                   <button type="button" on:click=move |_| w.exported.set(None)>"hide"</button></p>
            }))}
            {move || w.revealed.with(|steps| steps.as_ref().map(|steps| view! {
                <div class="reveal" data-testid="revealed">
                    <p class="muted small">"From randomness to address, with your own values:"</p>
                    <ol>
                        {steps.iter().map(|step| view! {
                            <li data-step=step.id><span>{step.label.clone()}</span><br/>
                                <code data-testid=if step.id == "phrase" { "revealed-phrase" } else { "revealed-step" } use:show_secret=step.value.clone()></code></li>
                        }).collect_view()}
                    </ol>
                    <button type="button" on:click=move |_| w.forget_revealed()>"hide"</button>
                </div>
            }))}
            <div class="row">
                <button type="button" class="danger" data-testid="delete-wallet" on:click=move |_| confirm_delete.set(true)>"Remove wallet from this browser…"</button>
            </div>
            <Show when=move || confirm_delete.get()>
                <div class="confirm">
                    <p>"Remove the wallet? Without the recovery phrase or exported keystores it is gone. Enter the password above, then confirm."</p>
                    <button type="button" class="danger" data-testid="confirm-delete-wallet" on:click=move |_| { w.delete(&take_password()); confirm_delete.set(false); }>"Remove"</button>
                    <button type="button" on:click=move |_| confirm_delete.set(false)>"Keep"</button>
                </div>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::qr_svg;

    /// The markup `inner_html` receives: only SVG shapes, none of the encoded text.
    #[test]
    fn a_qr_code_holds_none_of_its_text() {
        let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
        let svg = qr_svg(payload);
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
        for bad in ["script", "img", "onerror", "alert", "&"] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
        let tags: std::collections::BTreeSet<&str> = svg
            .split('<')
            .skip(1)
            .map(|t| t.split([' ', '>', '/']).next().unwrap_or(""))
            .filter(|t| !t.is_empty())
            .collect();
        assert!(
            tags.iter()
                .all(|t| ["?xml", "svg", "rect", "path"].contains(t)),
            "{tags:?}"
        );
    }
}
