//! The wallet screen: create or import, unlock, accounts, secrets behind the password, and
//! message signing and verification. The views read [`WalletState`] (`state.rs`) and call its
//! actions; the keys, the vault and the messages are the core's `wallet` (`Mnemonic`, `hd`,
//! `keystore`, `vault`, `message`).

mod accounts;
mod onboard;
mod sign;
pub mod state;

pub(crate) use accounts::qr_svg;

use leptos::prelude::*;

use self::state::WalletState;

/// The wallet state provided by [`crate::app::App`].
pub fn use_wallet() -> WalletState {
    expect_context::<WalletState>()
}

/// The whole wallet screen.
#[component]
pub fn WalletPage() -> impl IntoView {
    let w = use_wallet();
    // Leaving the screen wipes whatever was revealed (the wallet itself stays unlocked).
    on_cleanup(move || w.forget_revealed());
    let has_file = move || w.file.with(Option::is_some);
    let unlocked = move || w.unlocked.with(Option::is_some);
    view! {
        <div class="wallet">
            <div class="banner warn small" data-testid="wallet-security-warning" role="note">
                "A lab wallet: keys are made and kept only in this browser, encrypted with your password. "
                "Never type the recovery phrase of a wallet that holds real money into a site you do not control. "
                "The development phrase \"test test … junk\" is public: anyone can spend from it."
            </div>
            {move || w.error.get().map(|e| view! { <p class="banner danger" data-testid="wallet-error" role="alert">{e}</p> })}
            {move || w.message.get().map(|m| view! { <p class="banner ok" data-testid="wallet-message">{m}</p> })}
            <div class="wallet-grid">
                <div class="side">
                    <Show when=move || !has_file() fallback=move || view! {
                        <Show when=unlocked fallback=|| view! { <onboard::UnlockForm /> }>
                            <accounts::AddAccount />
                            <accounts::SecurityPanel />
                            <onboard::ImportKey />
                        </Show>
                    }>
                        <onboard::CreateWallet />
                        <onboard::ImportPhrase />
                        <onboard::ImportKey />
                    </Show>
                </div>
                <div class="main">
                    <Show when=has_file>
                        <accounts::AccountList />
                    </Show>
                    <Show when=unlocked>
                        <sign::SignMessage />
                    </Show>
                    <sign::VerifyMessage />
                </div>
            </div>
        </div>
    }
}
