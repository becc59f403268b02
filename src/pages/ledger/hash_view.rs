//! A hash shown short, with the full value on hover and a copy button.

use leptos::prelude::*;

use crate::platform::files::copy_to_clipboard;

/// Shows `0x1234…abcd` with the full value as a tooltip, and a copy button.
#[component]
pub fn HashView(
    /// The full `0x…` value (reactive).
    #[prop(into)]
    full: Signal<String>,
    /// `data-testid` of the text element.
    testid: &'static str,
    /// `data-testid` of the copy button, if any.
    #[prop(optional)]
    copy_testid: Option<&'static str>,
) -> impl IntoView {
    let short = move || {
        let f = full.get();
        match (f.get(..8), f.get(f.len().saturating_sub(4)..)) {
            (Some(a), Some(b)) if f.len() > 14 => format!("{a}…{b}"),
            _ => f,
        }
    };
    view! {
        <span class="hash">
            <code data-testid=testid title=move || full.get()>{short}</code>
            <button
                class="copy"
                type="button"
                title="Copy the full value"
                data-testid=copy_testid.unwrap_or("copy")
                on:click=move |_| copy_to_clipboard(&full.get_untracked())
            >
                "copy"
            </button>
        </span>
    }
}
