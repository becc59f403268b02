//! The transactions screen's state and actions: decode and verify any raw signed transaction,
//! and sign a transfer with an unlocked wallet account. The form, its parsing and the rows the
//! screen shows are the core's (`blocklab_core::tx::form`, `tx::explain`); this module holds
//! the signals and calls the core.

use blocklab_core::address::Address;
use blocklab_core::tx::SignedTx;
use blocklab_core::words::err;
use leptos::prelude::*;

use crate::components::send_form::{show_signing, FormSignals};

use crate::pages::wallet::state::WalletState;
use crate::state::AppState;
use blocklab_core::node::describe;
pub use blocklab_core::tx::explain::*;
pub use blocklab_core::tx::form::*;

/// The lab chain's id (the core's `ChainParams::default().chain_id`): what the send form signs
/// for by default and what verified transactions are compared with.
pub use blocklab_core::chain::LAB_CHAIN_ID;

/// The transactions screen's signals. Provided once by [`crate::app::App`], so the form and
/// the verify input survive a visit to the wallet screen (to unlock, say).
#[derive(Debug, Clone, Copy)]
pub struct TxState {
    /// The verify tool's raw transaction text.
    pub verify_input: RwSignal<String>,
    /// The verify tool's optional expected sender.
    pub expected_sender: RwSignal<String>,
    pub form: RwSignal<SendForm>,
    /// The last signed transfer; cleared whenever the form changes, so it never shows a
    /// signature of other fields.
    pub signed: RwSignal<Option<Signed>>,
    /// Why the last signing attempt was refused.
    pub errors: RwSignal<Vec<FieldError>>,
    /// What the mempool said to the last submitted signed transfer (`Err`: refused).
    pub submitted: RwSignal<Option<Result<String, String>>>,
    /// What the mempool said to the verify tool's transaction.
    pub verify_submitted: RwSignal<Option<Result<String, String>>>,
}

impl TxState {
    /// Empty verify tool, the default form.
    pub fn new() -> Self {
        Self {
            verify_input: RwSignal::new(String::new()),
            expected_sender: RwSignal::new(String::new()),
            form: RwSignal::new(SendForm::default()),
            signed: RwSignal::new(None),
            errors: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(None),
            verify_submitted: RwSignal::new(None),
        }
    }

    /// Changes the form; drops a signature made from the previous fields.
    pub fn edit(self, change: impl FnOnce(&mut SendForm)) {
        self.form.update(change);
        self.drop_signed();
    }

    /// Drops the signature and its mempool answer: they were made from other fields.
    fn drop_signed(self) {
        self.signed.set(None);
        self.submitted.set(None);
    }

    /// The send form's signals for the shared form view (`data-testid`s `send-…`).
    pub fn form_signals(self) -> FormSignals {
        FormSignals {
            form: self.form,
            errors: self.errors,
            on_edit: Callback::new(move |()| self.drop_signed()),
            prefix: "send",
        }
    }

    /// Signs the form's transfer with the chosen account of the unlocked wallet, with the
    /// sender's next nonce unless one was typed. Shows the result, or every refused field
    /// (and no signature).
    pub fn sign(self, wallet: WalletState, app: AppState) {
        let mut form = self.form.get_untracked();
        if form.nonce_auto {
            if let Some(next) = sender_next_nonce(wallet, app, form.from) {
                form.nonce = next.to_string();
            }
        }
        show_signing(sign_form(wallet, &form), self.signed, self.errors);
    }

    /// Sends the signed transfer to the mempool (checked against the tip's state) and shows
    /// the outcome or the refusal.
    pub fn submit(self, app: AppState) {
        let Some(signed) = self.signed.get_untracked() else {
            return;
        };
        self.submitted.set(Some(submit_to(app, signed.tx)));
    }

    /// Sends the verify tool's raw transaction to the mempool.
    pub fn submit_verified(self, app: AppState) {
        let result = self
            .verify_input
            .with_untracked(|raw| SignedTx::from_raw_hex(raw))
            .map_err(|e| format!("Refused: {}", err(e)))
            .and_then(|tx| submit_to(app, tx));
        self.verify_submitted.set(Some(result));
    }

    /// Puts a raw transaction into the verify tool.
    pub fn open_in_verify(self, raw: &str) {
        self.verify_input.set(raw.to_owned());
        self.expected_sender.set(String::new());
        self.verify_submitted.set(None);
    }
}

/// Builds the form's transaction and signs it with the unlocked account `form.from`.
///
/// # Errors
/// Every refused field, or `from` when no unlocked account is at that index.
pub(crate) fn sign_form(wallet: WalletState, form: &SendForm) -> Result<Signed, Vec<FieldError>> {
    build(form).and_then(|tx| {
        wallet
            .unlocked
            .with_untracked(|u| {
                let account = u.as_ref()?.accounts.get(form.from)?;
                Some(
                    tx.sign(account)
                        .map(|signed| Signed::new(signed, account.address)),
                )
            })
            .ok_or_else(|| {
                vec![field_error(
                    "from",
                    "From",
                    "unlock your wallet to sign (no unlocked account is chosen)",
                )]
            })?
            .map_err(|e| vec![field_error("form", "Transaction", e)])
    })
}

fn submit_to(app: AppState, tx: SignedTx) -> Result<String, String> {
    let hash = tx.hash();
    let mut result = None;
    app.ledger.update(|l| result = Some(l.submit(tx)));
    match result {
        Some(Ok(outcome)) => Ok(describe::describe_added(&outcome, &hash)),
        Some(Err(refusal)) => Err(describe::describe_refused(&refusal)),
        None => Err("Refused: the ledger is gone".to_owned()),
    }
}

/// The address of the unlocked account at `index`.
pub fn unlocked_address(wallet: WalletState, index: usize) -> Option<Address> {
    wallet
        .unlocked
        .with(|u| u.as_ref()?.accounts.get(index).map(|a| a.address))
}

/// The nonce the unlocked account at `index` signs next: the chain's, past its pending
/// transactions in the mempool.
pub fn sender_next_nonce(wallet: WalletState, app: AppState, index: usize) -> Option<u64> {
    let address = unlocked_address(wallet, index)?;
    Some(
        app.ledger
            .with(|l| l.mempool().next_nonce(&address, l.chain().state())),
    )
}

impl Default for TxState {
    fn default() -> Self {
        Self::new()
    }
}
