//! The one send form: the fields of a transfer (to, amount, optional data, type, fees, gas
//! limit, nonce, chain id) with each field's refusal under it. The Transactions screen uses it
//! for the lab chain (`data-testid`s `send-…`) and the Network screen for a real node
//! (`rpc-send-…`); each owns its [`SendForm`] signal and signs with its own action. Parsing
//! and the rules are the core's (`blocklab_core::tx::form`).

use blocklab_core::tx::explain::Signed;
use blocklab_core::tx::form::{default_gas_limit, DataKind, FeeKind, FieldError, SendForm};
use leptos::prelude::*;

/// The signals one form works on, and what its owner does after an edit.
#[derive(Debug, Clone, Copy)]
pub struct FormSignals {
    pub form: RwSignal<SendForm>,
    /// Why the last signing attempt was refused, per field.
    pub errors: RwSignal<Vec<FieldError>>,
    /// Run after every edit: the owner drops what was signed from the old fields.
    pub on_edit: Callback<()>,
    /// `send` (the lab chain) or `rpc-send` (a real network): every `data-testid` starts with it.
    pub prefix: &'static str,
}

impl FormSignals {
    /// Changes the form, then tells the owner.
    pub fn edit(self, change: impl FnOnce(&mut SendForm)) {
        self.form.update(change);
        self.on_edit.run(());
    }
}

/// Shows a signing attempt: the signature and no refusal, or every refused field and no
/// signature.
pub fn show_signing(
    result: Result<Signed, Vec<FieldError>>,
    signed: RwSignal<Option<Signed>>,
    errors: RwSignal<Vec<FieldError>>,
) {
    match result {
        Ok(s) => {
            errors.set(Vec::new());
            signed.set(Some(s));
        }
        Err(e) => {
            signed.set(None);
            errors.set(e);
        }
    }
}

/// The refusal of one field (`data-testid` `{prefix}-error-{field}`), if the last signing
/// attempt refused it.
#[component]
pub fn FieldErrorView(s: FormSignals, field: &'static str) -> impl IntoView {
    let message = move || {
        s.errors.with(|es| {
            es.iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    };
    let prefix = s.prefix;
    view! {
        {move || message().map(|m| view! {
            <p class="error small" data-testid=format!("{prefix}-error-{field}") role="alert">{m}</p>
        })}
    }
}

/// A text input bound to one field of the form (`data-testid` `{prefix}-{field}`).
#[component]
fn TextField(
    s: FormSignals,
    label: &'static str,
    field: &'static str,
    get: fn(&SendForm) -> &String,
    set: fn(&mut SendForm) -> &mut String,
    /// Shown under the input.
    #[prop(optional)]
    note: &'static str,
) -> impl IntoView {
    let prefix = s.prefix;
    view! {
        <label>{label}
            <input data-testid=format!("{prefix}-{field}") spellcheck="false" autocomplete="off"
                prop:value=move || s.form.with(|f| get(f).clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    s.edit(|f| *set(f) = v);
                } />
        </label>
        {(!note.is_empty()).then(|| view! { <p class="muted small note">{note}</p> })}
        <FieldErrorView s field />
    }
}

/// The fields from "To" to "Chain id" and the form-wide refusal; the owner adds the sender
/// above and the Sign button below.
#[component]
pub fn SendFields(
    s: FormSignals,
    /// The sender's next nonce on the lab chain: the nonce follows it until one is typed.
    /// `None`: a plain field (a real node's nonce comes from "Fill from node").
    #[prop(optional)]
    next_nonce: Option<Signal<Option<u64>>>,
    /// Offers the data field (a text memo or hex call data).
    #[prop(optional)]
    with_data: bool,
    /// Said under the chain id.
    chain_note: &'static str,
    /// Between the amount and the type (the Network screen's "Fill from node").
    #[prop(optional, into)]
    after_amount: Option<ViewFn>,
) -> impl IntoView {
    let prefix = s.prefix;
    let fee_kind = move || s.form.with(|f| f.fee_kind);
    let gas_hint = move || {
        s.form.with(default_gas_limit).map_or_else(
            || "Empty: the least gas Ethereum accepts for the transfer and its data".to_owned(),
            |g| format!("Empty: {g}, the least Ethereum accepts: 21000 plus the data's intrinsic gas (16 per non-zero, 4 per zero byte) or, when larger, Prague's calldata floor (40 and 10, EIP-7623)"),
        )
    };
    let data = with_data.then(|| view! {
        <label>"Data"
            <select data-testid=format!("{prefix}-data-kind") on:change=move |ev| {
                let kind = if event_target_value(&ev) == "hex" { DataKind::Hex } else { DataKind::Text };
                s.edit(|f| f.data_kind = kind);
            }>
                <option value="text" selected=move || s.form.with(|f| f.data_kind == DataKind::Text)>"Text memo (sent as UTF-8)"</option>
                <option value="hex" selected=move || s.form.with(|f| f.data_kind == DataKind::Hex)>"Hex call data (0x…)"</option>
            </select>
            <textarea data-testid=format!("{prefix}-data") rows="2" spellcheck="false" placeholder="optional"
                prop:value=move || s.form.with(|f| f.data.clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    s.edit(|f| f.data = v);
                }></textarea>
        </label>
        <FieldErrorView s field="data" />
    });
    let nonce = match next_nonce {
        Some(next) => view! {
            <label>"Nonce"
                <input data-testid=format!("{prefix}-nonce") spellcheck="false" autocomplete="off"
                    prop:value=move || s.form.with(|f| if f.nonce_auto {
                        next.get().map_or_else(|| f.nonce.clone(), |n| n.to_string())
                    } else {
                        f.nonce.clone()
                    })
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        s.edit(|f| {
                            f.nonce = text;
                            f.nonce_auto = false;
                        });
                    } />
            </label>
            <p class="muted small note" data-testid=format!("{prefix}-nonce-hint")>
                {move || if s.form.with(|f| f.nonce_auto) {
                    "The sender's next nonce: its nonce on chain, past its transactions pending in the mempool. Editable for experiments (a gap waits as queued; a used nonce is refused as a replay)."
                } else {
                    "Typed by hand. "
                }}
                <Show when=move || !s.form.with(|f| f.nonce_auto)>
                    <button type="button" class="link" data-testid=format!("{prefix}-nonce-auto")
                        on:click=move |_| s.edit(|f| f.nonce_auto = true)>"Use the next nonce"</button>
                </Show>
            </p>
            <FieldErrorView s field="nonce" />
        }
        .into_any(),
        None => view! { <TextField s label="Nonce" field="nonce" get=|f| &f.nonce set=|f| &mut f.nonce /> }
            .into_any(),
    };
    view! {
        <TextField s label="To (address; the EIP-55 mixed case is checked, all lower case is accepted)" field="to"
            get=|f| &f.to set=|f| &mut f.to />
        <TextField s label="Amount (ETH)" field="amount" get=|f| &f.amount set=|f| &mut f.amount
            note="A decimal number such as 1.5; up to 18 digits after the point (1 wei)." />
        {after_amount.map(|v| v.run())}
        {data}
        <label>"Type"
            <select data-testid=format!("{prefix}-type") on:change=move |ev| {
                let kind = if event_target_value(&ev) == "legacy" { FeeKind::Legacy } else { FeeKind::Eip1559 };
                s.edit(|f| f.fee_kind = kind);
            }>
                <option value="eip1559" selected=move || fee_kind() == FeeKind::Eip1559>"EIP-1559 (type 2)"</option>
                <option value="legacy" selected=move || fee_kind() == FeeKind::Legacy>"Legacy with EIP-155 replay protection"</option>
            </select>
        </label>
        {move || match fee_kind() {
            FeeKind::Eip1559 => view! {
                <TextField s label="Priority fee per gas (gwei), the miner's tip" field="priority-fee"
                    get=|f| &f.priority_fee set=|f| &mut f.priority_fee />
                <TextField s label="Max fee per gas (gwei), base fee + tip at most" field="max-fee"
                    get=|f| &f.max_fee set=|f| &mut f.max_fee />
            }.into_any(),
            FeeKind::Legacy => view! {
                <TextField s label="Gas price (gwei)" field="gas-price" get=|f| &f.gas_price set=|f| &mut f.gas_price />
            }.into_any(),
        }}
        <label>"Gas limit"
            <input data-testid=format!("{prefix}-gas-limit") spellcheck="false" autocomplete="off"
                placeholder=move || s.form.with(default_gas_limit).map(|g| g.to_string())
                prop:value=move || s.form.with(|f| f.gas_limit.clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    s.edit(|f| f.gas_limit = v);
                } />
        </label>
        <p class="muted small note" data-testid=format!("{prefix}-gas-hint")>{gas_hint}</p>
        <FieldErrorView s field="gas-limit" />
        {nonce}
        <TextField s label="Chain id" field="chain-id" get=|f| &f.chain_id set=|f| &mut f.chain_id note=chain_note />
        <FieldErrorView s field="form" />
    }
}
