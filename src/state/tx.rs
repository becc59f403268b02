//! The transactions screen's state and actions: decode and verify any raw signed transaction,
//! and sign a transfer with an unlocked wallet account. Every format and rule lives in the core
//! (`blocklab_core::tx`, `amount`, `address`); this module parses the form's text through it and
//! turns the core's values into the labelled rows the screen shows.

use blocklab_core::address::Address;
use blocklab_core::amount::{parse_units, Wei, GWEI_DECIMALS};
use blocklab_core::tx::{SignedTx, Transaction, TxError, TxRequest};
use leptos::prelude::*;

use super::wallet::WalletState;
use crate::words::err;

mod verify;

use super::{currency, AppState};
pub use verify::*;

/// The lab chain's id (the core's `ChainParams::default().chain_id`): what the send form signs
/// for by default and what verified transactions are compared with.
pub use blocklab_core::chain::LAB_CHAIN_ID;

/// The transaction format the send form signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeKind {
    Eip1559,
    Legacy,
}

/// How the send form's data field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// A note, sent as its UTF-8 bytes.
    Text,
    /// `0x` and hex digits: call data.
    Hex,
}

/// The send form as typed. Amounts and fees stay text until [`build`] parses them in the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendForm {
    /// Index of the account in the unlocked wallet.
    pub from: usize,
    pub to: String,
    /// ETH, decimal.
    pub amount: String,
    pub data: String,
    pub data_kind: DataKind,
    pub fee_kind: FeeKind,
    /// gwei, decimal (EIP-1559).
    pub priority_fee: String,
    /// gwei, decimal (EIP-1559).
    pub max_fee: String,
    /// gwei, decimal (legacy).
    pub gas_price: String,
    /// Empty: the default of [`TxRequest::gas_limit`].
    pub gas_limit: String,
    /// Used only when `nonce_auto` is off.
    pub nonce: String,
    /// Sign with the sender's next nonce (the chain's, past its pending transactions in the
    /// mempool) instead of `nonce`. Typing a nonce turns it off.
    pub nonce_auto: bool,
    pub chain_id: String,
}

impl Default for SendForm {
    /// EIP-1559 with a 1 gwei tip and a 2 gwei fee cap (legacy: 2 gwei), the sender's next
    /// nonce, the lab chain.
    fn default() -> Self {
        Self {
            from: 0,
            to: String::new(),
            amount: String::new(),
            data: String::new(),
            data_kind: DataKind::Text,
            fee_kind: FeeKind::Eip1559,
            priority_fee: "1".to_owned(),
            max_fee: "2".to_owned(),
            gas_price: "2".to_owned(),
            gas_limit: String::new(),
            nonce: "0".to_owned(),
            nonce_auto: true,
            chain_id: LAB_CHAIN_ID.to_string(),
        }
    }
}

/// Why one field of the send form was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's key (`to`, `amount`, `max-fee`, …): the screen's `data-testid` suffix.
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
}

pub(crate) fn field_error(
    field: &'static str,
    label: &'static str,
    e: impl ToString,
) -> FieldError {
    FieldError {
        field,
        label,
        message: err(e),
    }
}

fn parse_whole<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("Enter the {what}"));
    }
    t.parse()
        .map_err(|_| format!("The {what} is a whole number such as 0, 1, 2 (no sign, no point)"))
}

/// The data field's bytes.
///
/// # Errors
/// Hex that is not `0x` and an even number of hex digits.
pub fn form_data(form: &SendForm) -> Result<Vec<u8>, String> {
    match form.data_kind {
        DataKind::Text => Ok(form.data.as_bytes().to_vec()),
        DataKind::Hex => {
            let t = form.data.trim();
            let digits = t
                .strip_prefix("0x")
                .or_else(|| t.strip_prefix("0X"))
                .unwrap_or(t);
            hex::decode(digits).map_err(|_| {
                "Data in hex is 0x followed by an even number of hex digits".to_owned()
            })
        }
    }
}

/// The gas limit used when the field is empty: the least Ethereum accepts for the form's data
/// (21000 for a plain transfer; see `tx::min_gas_limit`). `None` while the data is not readable.
pub fn default_gas_limit(form: &SendForm) -> Option<u64> {
    let data = form_data(form).ok()?;
    TxRequest::transfer(0, 0, Address::ZERO, Wei::ZERO)
        .with_data(data)
        .gas_limit()
        .ok()
}

/// Builds the unsigned transaction the form describes. Every field is checked, and every
/// problem is reported, each with the core's message.
///
/// # Errors
/// One [`FieldError`] per refused field.
pub fn build(form: &SendForm) -> Result<Transaction, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    let to = form.to.trim().parse::<Address>();
    let value = Wei::parse_coins(&form.amount);
    let data = form_data(form);
    check(
        to.as_ref()
            .map(drop)
            .map_err(|e| field_error("to", "To", e)),
    );
    check(
        value
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("amount", "Amount", e)),
    );
    check(
        data.as_ref()
            .map(drop)
            .map_err(|e| field_error("data", "Data", e)),
    );
    let gwei = |text: &str| parse_units(text, GWEI_DECIMALS);
    let fees = match form.fee_kind {
        FeeKind::Eip1559 => {
            let tip = gwei(&form.priority_fee);
            let max = gwei(&form.max_fee);
            let pair = tip.clone().ok().zip(max.clone().ok());
            check(
                tip.map(drop)
                    .map_err(|e| field_error("priority-fee", "Priority fee", e)),
            );
            check(
                max.map(drop)
                    .map_err(|e| field_error("max-fee", "Max fee", e)),
            );
            pair
        }
        FeeKind::Legacy => {
            let price = gwei(&form.gas_price);
            let pair = price.clone().ok().map(|p| (p, p));
            check(
                price
                    .map(drop)
                    .map_err(|e| field_error("gas-price", "Gas price", e)),
            );
            pair
        }
    };
    let gas_limit = if form.gas_limit.trim().is_empty() {
        Ok(None)
    } else {
        parse_whole::<u64>(&form.gas_limit, "gas limit").map(Some)
    };
    let nonce = parse_whole::<u64>(&form.nonce, "nonce");
    let chain_id = parse_whole::<u64>(&form.chain_id, "chain id");
    check(
        gas_limit
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("gas-limit", "Gas limit", e)),
    );
    check(
        nonce
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("nonce", "Nonce", e)),
    );
    check(
        chain_id
            .as_ref()
            .map(drop)
            .map_err(|e| field_error("chain-id", "Chain id", e)),
    );
    let (Ok(to), Ok(value), Ok(data), Some((tip, max_fee)), Ok(gas_limit), Ok(nonce), Ok(chain_id)) =
        (to, value, data, fees, gas_limit, nonce, chain_id)
    else {
        return Err(errors);
    };
    let mut request = TxRequest::transfer(chain_id, nonce, to, value).with_data(data);
    if let Some(limit) = gas_limit {
        request = request.with_gas_limit(limit);
    }
    let tx = match form.fee_kind {
        FeeKind::Eip1559 => request.eip1559(tip, max_fee),
        FeeKind::Legacy => request.legacy(max_fee),
    };
    tx.map_err(|e| {
        let (field, label) = match e {
            TxError::PriorityFeeAboveMaxFee { .. } => ("priority-fee", "Priority fee"),
            TxError::GasLimitBelowIntrinsic { .. } | TxError::GasLimitBelowFloor { .. } => {
                ("gas-limit", "Gas limit")
            }
            _ => ("form", "Transaction"),
        };
        vec![field_error(field, label, e)]
    })
}

/// A transfer signed by the send form, with everything the screen shows about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The signed transaction itself (what a later `submit` hands to the mempool).
    pub tx: SignedTx,
    /// The signer's address (not part of the signed bytes: it is recovered from the signature).
    pub from: String,
    pub fields: Vec<Row>,
    /// The bytes that are hashed for signing, hex.
    pub payload: String,
    pub signing_hash: String,
    pub signature: Vec<Row>,
    pub raw: String,
    pub hash: String,
}

impl Signed {
    pub(crate) fn new(tx: SignedTx, from: Address) -> Self {
        let unsigned = tx.tx();
        Self {
            from: from.to_checksum(),
            fields: field_rows(unsigned),
            payload: hex0x(&unsigned.signing_payload()),
            signing_hash: hex0x(&unsigned.signing_hash()),
            signature: signature_rows(unsigned, tx.signature()),
            raw: tx.raw_hex(),
            hash: tx.hash().to_hex(),
            tx,
        }
    }
}

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
        self.signed.set(None);
        self.submitted.set(None);
    }

    /// Sets the nonce by hand (turns the automatic next nonce off).
    pub fn set_nonce(self, text: String) {
        self.edit(|f| {
            f.nonce = text;
            f.nonce_auto = false;
        });
    }

    /// Goes back to the sender's next nonce.
    pub fn use_next_nonce(self) {
        self.edit(|f| f.nonce_auto = true);
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
        let result = sign_form(wallet, &form);
        match result {
            Ok(signed) => {
                self.errors.set(Vec::new());
                self.signed.set(Some(signed));
            }
            Err(errors) => {
                self.signed.set(None);
                self.errors.set(errors);
            }
        }
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
        Some(Ok(outcome)) => Ok(currency::describe_added(&outcome, &hash)),
        Some(Err(refusal)) => Err(currency::describe_refused(&refusal)),
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

#[cfg(test)]
mod tests {
    use super::*;

    const EIP155_RAW: &str = "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

    fn value_of<'a>(rows: &'a [Row], key: &str) -> &'a str {
        rows.iter()
            .find(|r| r.key == key)
            .map(|r| r.value.as_str())
            .unwrap_or("")
    }

    #[test]
    fn verifies_the_eip155_example() {
        let Verification::Decoded(d) = verify(
            &format!("  {}  ", &EIP155_RAW[2..]),
            "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f",
        ) else {
            panic!("not decoded");
        };
        assert_eq!(
            d.sender.as_ref().map(|s| s.address.as_str()),
            Ok("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        );
        assert_eq!(
            value_of(&d.hashes, "hash"),
            "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788"
        );
        assert_eq!(
            value_of(&d.fields, "gas-price"),
            "20000000000 wei (20 gwei)"
        );
        assert_eq!(
            value_of(&d.fields, "value"),
            "1000000000000000000 wei (1 ETH)"
        );
        assert!(value_of(&d.signature, "v").starts_with("37 "));
        assert!(d.chain.replay_protected && !d.chain.on_lab_chain);
        assert_eq!(d.expected.map(|e| e.matches), Some(true));
    }

    #[test]
    fn refuses_bad_input_with_the_core_message() {
        assert_eq!(verify("  ", ""), Verification::Empty);
        assert_eq!(
            verify("hello", ""),
            Verification::Invalid(err(TxError::NotHex))
        );
        assert!(matches!(
            verify(&format!("{EIP155_RAW}00"), ""),
            Verification::Invalid(m) if m.contains("unexpected byte")
        ));
    }

    #[test]
    fn builds_what_the_form_says_and_names_every_bad_field() {
        let form = SendForm {
            to: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8".into(),
            amount: "1.5".into(),
            ..SendForm::default()
        };
        let Ok(Transaction::Eip1559(tx)) = build(&form) else {
            panic!("not built");
        };
        assert_eq!(
            (
                tx.chain_id,
                tx.max_priority_fee_per_gas,
                tx.max_fee_per_gas,
                tx.gas_limit
            ),
            (LAB_CHAIN_ID, 1_000_000_000, 2_000_000_000, 21_000)
        );
        let bad = SendForm {
            to: "0x70997970c51812dc3A010C7d01b50e0d17dc79C8".into(),
            amount: "1.2.3".into(),
            max_fee: "0.5".into(),
            nonce: "-1".into(),
            ..SendForm::default()
        };
        let fields: Vec<_> = build(&bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["to", "amount", "nonce"]);
        let tip_above_cap = SendForm {
            max_fee: "0.5".into(),
            ..form
        };
        let fields: Vec<_> = build(&tip_above_cap)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["priority-fee"]);
    }
}
