//! The peers panel: how many other tabs are connected, flagged peers, and the log of dropped
//! or ignored messages with their reasons.

use leptos::prelude::*;

use crate::state::tabs::TabsState;

/// Tabs as peers (see [`crate::state::tabs`]).
#[component]
pub fn PeersPanel() -> impl IntoView {
    let tabs = expect_context::<TabsState>();
    view! {
        <section class="card" data-testid="peers-panel">
            <h2>"Tabs as peers"</h2>
            <p class="muted small">"Every open tab of this site is a peer: new blocks and transactions go to the others, a tab that is behind asks for what it lacks and checks it before adopting it."</p>
            {move || tabs.unavailable.get().map(|e| view! { <p class="error small" data-testid="peers-unavailable" role="alert">{e}</p> })}
            <p>"Connected peers: " <strong data-testid="peer-count">{move || tabs.connected.get()}</strong></p>
            {move || {
                let flagged = tabs.flagged.get();
                (!flagged.is_empty()).then(|| view! {
                    <p class="small">"Flagged (ignored for a while):"</p>
                    <ul class="small" data-testid="peer-flagged">
                        {flagged.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                    </ul>
                })
            }}
            <details open=true>
                <summary class="small">"Peer log"</summary>
                <ol class="small" data-testid="peer-log">
                    {move || tabs.log.get().into_iter().rev().map(|l| view! { <li data-testid="peer-log-entry">{l}</li> }).collect_view()}
                </ol>
            </details>
        </section>
    }
}
