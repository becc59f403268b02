//! The form that adds a record to the pending list, and the pending list.

use leptos::prelude::*;

use crate::components::use_state;
use crate::state::actions;
use crate::state::notices::Notice;

/// Sender, receiver, amount and memo inputs with an Add button.
#[component]
pub fn RecordForm() -> impl IntoView {
    let state = use_state();
    let sender = RwSignal::new(String::new());
    let receiver = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let memo = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let added = actions::add_record(
            state,
            &sender.get_untracked(),
            &receiver.get_untracked(),
            &amount.get_untracked(),
            &memo.get_untracked(),
        );
        if added {
            amount.set(String::new());
            memo.set(String::new());
        }
    };
    view! {
        <form class="card" on:submit=submit novalidate>
            <h2>"Add a record"</h2>
            <p class="muted small" data-testid="record-note">"A record is free text written into a block (a sender, a receiver, an amount and a memo), as in a paper ledger: it moves no ETH and changes no balance. To move ETH, send a signed transaction (Transactions screen)."</p>
            <label>"Sender"
                <input data-testid="record-sender" maxlength="64" prop:value=sender on:input=move |ev| sender.set(event_target_value(&ev)) />
            </label>
            <label>"Receiver"
                <input data-testid="record-receiver" maxlength="64" prop:value=receiver on:input=move |ev| receiver.set(event_target_value(&ev)) />
            </label>
            <label>"Amount (coins, up to 18 decimals)"
                <input data-testid="record-amount" inputmode="decimal" placeholder="1.5" prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev)) />
            </label>
            <label>"Memo (optional)"
                <input data-testid="record-memo" maxlength="280" prop:value=memo on:input=move |ev| memo.set(event_target_value(&ev)) />
            </label>
            {move || state.notices.get(Notice::FormError).map(|e| view! { <p class="error" data-testid="form-error" role="alert">{e}</p> })}
            <button type="submit" data-testid="add-record">"Add to pending"</button>
        </form>
    }
}

/// The records waiting for the next block.
#[component]
pub fn PendingList() -> impl IntoView {
    let state = use_state();
    let mining = move || state.mining.with(Option::is_some);
    view! {
        <section class="card">
            <h2>"Pending records " <span class="count" data-testid="pending-count">{move || state.ledger.with(|l| l.pending().len())}</span></h2>
            <ul class="pending" data-testid="pending-list">
                {move || state.ledger.with(|l| l.pending().to_vec()).into_iter().enumerate().map(|(i, r)| view! {
                    <li data-testid="pending-record">
                        <span class="party">{r.sender}</span>" → "<span class="party">{r.receiver}</span>
                        " " <span class="amount">{r.amount.to_coins()}</span>
                        {(!r.memo.is_empty()).then(|| view! { <span class="memo">{format!(" “{}”", r.memo)}</span> })}
                        <button type="button" class="link" title="Remove" disabled=mining on:click=move |_| actions::remove_pending(state, i)>"remove"</button>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || state.ledger.with(|l| l.pending().is_empty())>
                <p class="muted">"No pending records. Add one, or mine an empty block."</p>
            </Show>
        </section>
    }
}
