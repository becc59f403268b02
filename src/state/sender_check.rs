//! Checks the senders a stored chain was loaded with on trust (`Chain::check_stored_senders`),
//! a few milliseconds at a time after the first paint, so a start with a long chain is
//! interactive before every stored signature has been recovered. A stored sender that is not
//! its transaction's signer (storage altered outside blocklab) turns its block invalid and is
//! named in a notice. Validating the chain finishes any checks still left first
//! ([`finish`]), so a validation is always complete.

use core::ops::ControlFlow;

use blocklab_core::chain::StoredSenderMismatch;
use leptos::prelude::*;

use super::AppState;
use crate::platform::clock;
use crate::state::notices::Notice;

/// Stored senders checked per call into the core (one recovery is about 0.3 ms).
const BATCH: usize = 8;

/// Progress of the checks, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderCheck {
    pub checked: usize,
    pub total: usize,
}

/// Starts checking whenever the chain holds senders taken on trust (after a start, or after
/// adopting a stored chain another tab saved).
pub fn watch(state: AppState) {
    let running = StoredValue::new(false);
    Effect::new(move |_| {
        let unchecked = state.ledger.with(|l| l.chain().unchecked_senders());
        if unchecked == 0 || running.get_value() {
            return;
        }
        running.set_value(true);
        leptos::task::spawn_local(async move {
            let mut checked = 0;
            loop {
                let left = state
                    .ledger
                    .with_untracked(|l| l.chain().unchecked_senders());
                if left == 0 {
                    break;
                }
                state.sender_check.set(Some(SenderCheck {
                    checked,
                    total: checked + left,
                }));
                // Yield first: the first paint and any input go before each slice.
                clock::sleep_ms(0).await;
                let mut found = Vec::new();
                clock::run_slice(|| {
                    let step = state
                        .ledger
                        .try_update_untracked(|l| {
                            let before = l.chain().unchecked_senders();
                            found.extend(l.check_stored_senders(BATCH));
                            let left = l.chain().unchecked_senders();
                            (before - left, left)
                        })
                        .unwrap_or((0, 0));
                    checked += step.0;
                    if step.1 == 0 {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                });
                report(state, &found);
            }
            state.sender_check.set(None);
            running.set_value(false);
        });
    });
}

/// Checks every sender still taken on trust now (before a validation).
pub fn finish(state: AppState) {
    if state
        .ledger
        .with_untracked(|l| l.chain().unchecked_senders())
        == 0
    {
        return;
    }
    let found = state
        .ledger
        .try_update_untracked(|l| l.check_stored_senders(usize::MAX))
        .unwrap_or_default();
    report(state, &found);
}

/// Tells the views about a corrected chain and names each false sender.
fn report(state: AppState, found: &[StoredSenderMismatch]) {
    if found.is_empty() {
        return;
    }
    // The chain's valid prefix changed: every view of it is recomputed.
    state.ledger.notify();
    let list = found
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    state.notices.set(Notice::General, Some(format!(
        "The stored chain was changed outside blocklab: {list}. That block and every block after it are invalid."
    )));
}
