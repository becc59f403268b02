//! "Show code": a toggle, off by default, that shows the step just done as Python and
//! JavaScript with the learner's own values (made by `blocklab_core::snippets`), copyable.

use blocklab_core::snippets::Code;
use leptos::prelude::*;

use crate::platform::files::copy_to_clipboard;

/// The code of one action, behind a "show code" toggle.
#[component]
pub fn ShowCode(
    /// The code, made by `blocklab_core::snippets` (reactive: it follows the learner's values).
    #[prop(into)]
    code: Signal<Code>,
    /// Names the toggle and the blocks in `data-testid`s (`code-<id>-python`).
    id: &'static str,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    let python = move || code.with(|c| c.python.clone());
    let javascript = move || code.with(|c| c.javascript.clone());
    view! {
        <div class="show-code">
            <label class="inline">
                <input type="checkbox" data-testid=format!("code-{id}-toggle") prop:checked=move || shown.get()
                    on:change=move |ev| shown.set(event_target_checked(&ev)) />
                " show code (Python: web3.py, eth-account, mnemonic, bip44; JavaScript: ethers 6)"
            </label>
            <Show when=move || shown.get()>
                <div class="code-pair">
                    <CodeBlock lang="Python" testid=format!("code-{id}-python") text=Signal::derive(python) />
                    <CodeBlock lang="JavaScript" testid=format!("code-{id}-javascript") text=Signal::derive(javascript) />
                </div>
            </Show>
        </div>
    }
}

/// One language's code with its copy button.
#[component]
fn CodeBlock(lang: &'static str, testid: String, text: Signal<String>) -> impl IntoView {
    let copy_id = format!("{testid}-copy");
    view! {
        <figure>
            <figcaption>{lang}" "
                <button type="button" class="copy" data-testid=copy_id
                    on:click=move |_| copy_to_clipboard(&text.get_untracked())>"copy"</button>
            </figcaption>
            <pre tabindex="0" data-testid=testid>{move || text.get()}</pre>
        </figure>
    }
}

/// The code that signs the transaction a screen just signed (from its raw bytes; the private
/// key is never written into it: the snippet reads it from the environment).
#[component]
pub fn SignedTxCode(
    /// The raw signed transaction as `0x…` hex.
    raw: String,
    id: &'static str,
) -> impl IntoView {
    blocklab_core::snippets::sign_transaction_of_raw(blocklab_core::snippets::Secret::Hidden, &raw)
        .ok()
        .map(|code| view! { <ShowCode code=Signal::stored(code) id=id /> })
}
