//! The hash playground: SHA-256 and Keccak-256 of what the learner types (or a file), the 256
//! bits with those that flipped since the previous input highlighted, and the leading zero
//! bits (what proof of work counts). The digests and bit comparisons come from the core.

use blocklab_core::learn::hashing::{BitView, Digests};
use blocklab_core::learn::Step;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::progress::LearnState;
use crate::platform::files::{copy_to_clipboard, read_bytes};

/// The hash playground screen.
#[component]
pub fn HashPlayground() -> impl IntoView {
    let learn = expect_context::<LearnState>();
    let text = RwSignal::new(String::new());
    // The input's digests now and before the last change.
    let now = RwSignal::new(Digests::of(b""));
    let before = RwSignal::new(None::<Digests>);
    let source = RwSignal::new("typed text".to_owned());
    let error = RwSignal::new(None::<String>);
    // Whether anything was hashed yet: the first input is compared with nothing.
    let has_input = RwSignal::new(false);
    let set_input = move |bytes: &[u8], what: String| {
        let next = Digests::of(bytes);
        if next != now.get_untracked() {
            before.set(has_input.get_untracked().then(|| now.get_untracked()));
            now.set(next);
        }
        has_input.set(!bytes.is_empty());
        source.set(what);
    };
    let on_input = move |ev: leptos::ev::Event| {
        let t = event_target_value(&ev);
        set_input(t.as_bytes(), format!("{} bytes of text", t.len()));
        text.set(t);
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        let name = file.name();
        leptos::task::spawn_local(async move {
            match read_bytes(file).await {
                Ok(bytes) => {
                    error.set(None);
                    set_input(&bytes, format!("the file {name} ({} bytes)", bytes.len()));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let sha = Memo::new(move |_| {
        BitView::new(&now.get().sha256, before.get().as_ref().map(|b| &b.sha256))
    });
    let keccak = Memo::new(move |_| {
        BitView::new(
            &now.get().keccak256,
            before.get().as_ref().map(|b| &b.keccak256),
        )
    });
    Effect::new(move |_| {
        if sha.with(|v| v.flipped_count > 0) {
            learn.tick(Step::Hashing);
        }
    });
    view! {
        <section class="learn-page" data-testid="hash-playground">
            <p><a href="#/home">"← the guided path"</a></p>
            <h2>"Hash playground"</h2>
            <p>"Type below: both hashes change as you type. Change a single character and about half of the 256 bits flip, while the length never changes."</p>
            <label for="hash-input">"Text to hash"</label>
            <textarea id="hash-input" rows="3" data-testid="hash-input" prop:value=move || text.get() on:input=on_input></textarea>
            <label class="dropzone">"…or choose or drop a file here: "
                <input type="file" data-testid="hash-file" on:change=on_file />
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="hash-error">{e}</p> })}
            <p class="muted small" data-testid="hash-source">{move || format!("Hashing {}.", source.get())}</p>
            <DigestView name="SHA-256" id="sha256" view=sha.into() />
            <DigestView name="Keccak-256" id="keccak256" view=keccak.into() />
        </section>
    }
}

/// One digest: its hex, its 256 bits and what changed.
#[component]
fn DigestView(name: &'static str, id: &'static str, view: Signal<BitView>) -> impl IntoView {
    let hex = Signal::derive(move || view.with(|v| v.hex.clone()));
    view! {
        <div class="card digest">
            <h3>{name}</h3>
            <p class="hexline"><code data-testid=format!("{id}-hex")>{move || hex.get()}</code>" "
                <button type="button" class="copy" data-testid=format!("{id}-copy") on:click=move |_| copy_to_clipboard(&hex.get_untracked())>"copy"</button></p>
            <p>
                <span data-testid=format!("{id}-flipped")>{move || view.with(|v| v.flipped_count)}</span>
                " of 256 bits flipped since the previous input · "
                <span data-testid=format!("{id}-length")>{move || view.with(|v| v.hex.len() - 2)}</span>
                " hex digits, always · "
                <span data-testid=format!("{id}-zeros")>{move || view.with(|v| v.leading_zeros)}</span>
                " leading zero bits ("<a href="#/ledger">"a block needs at least its difficulty's count"</a>")"
            </p>
            <div class="bits" role="img" aria-label=move || view.with(|v| format!("{} bits, {} flipped", v.bits.len(), v.flipped_count))>
                {move || view.with(|v| v.bits.iter().zip(&v.flipped).map(|(bit, flipped)| view! {
                    <span class:one=*bit class:flip=*flipped>{if *bit { "1" } else { "0" }}</span>
                }).collect_view())}
            </div>
        </div>
    }
}
