//! The panels' one input: a labelled text field bound to a signal of the text as typed (the
//! core parses it and names the valid range).

use leptos::prelude::*;

/// A labelled text input (`data-testid` = `testid`).
#[component]
pub fn Field(
    /// The label before the input.
    #[prop(into)]
    label: String,
    /// `data-testid` of the input.
    testid: &'static str,
    /// The text as typed.
    value: RwSignal<String>,
    /// Called after each edit.
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <label>{label}" "
            <input class="narrow" data-testid=testid prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(f) = on_edit {
                        f.run(());
                    }
                } />
        </label>
    }
}
