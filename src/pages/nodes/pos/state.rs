//! The proof-of-stake lab's signals: the core's [`PosNetwork`] (held in memory only), its
//! clock (slots advance with real time times the speed) and the one-click experiments. The
//! network runs in slices of at most [`TICK_BUDGET_MS`] per timer tick, so no task is long.

use std::time::Duration;

use blocklab_core::genesis::dev_allocations;
use blocklab_core::node::network::node_name;
use blocklab_core::pos::client::Behaviour;
use blocklab_core::pos::sim::{PosNetwork, MAX_POS_NODES};
use blocklab_core::pos::tabs::{Offer, TabBridge};
use blocklab_core::pos::view::more_than_a_third;
use blocklab_core::pos::{PosParams, ETH, MAX_VALIDATORS};
use leptos::prelude::*;

use crate::platform::clock;

/// Timer period.
const TICK: Duration = Duration::from_millis(50);
/// Most main-thread time one tick spends stepping the network.
pub const TICK_BUDGET_MS: f64 = 20.0;
/// Least time between two refreshes of the views while running.
const RENDER_MS: f64 = 250.0;
/// Speeds offered (times real time).
pub const SPEEDS: [u32; 6] = [1, 2, 5, 10, 20, 50];

/// Which consensus the Nodes screen runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Work,
    Stake,
}

/// The proof-of-stake lab's signals.
#[derive(Clone, Copy)]
pub struct PosState {
    pub mode: RwSignal<Mode>,
    pub net: RwSignal<Option<PosNetwork>, LocalStorage>,
    pub validators: RwSignal<String>,
    pub nodes: RwSignal<String>,
    pub slots_per_epoch: RwSignal<String>,
    pub speed: RwSignal<u32>,
    pub playing: RwSignal<bool>,
    pub offline_third: RwSignal<bool>,
    pub split: RwSignal<bool>,
    pub equivocator: RwSignal<String>,
    pub exit_index: RwSignal<String>,
    pub message: RwSignal<Option<Result<String, String>>>,
    /// (performance.now() of the last tick, slots owed, performance.now() of the last render).
    clock: StoredValue<(f64, f64, f64)>,
    timer: StoredValue<Option<IntervalHandle>, LocalStorage>,
    /// This tab's side of a network shared across tabs ([`super::tabs`]), if any.
    pub bridge: RwSignal<Option<TabBridge>, LocalStorage>,
    /// Networks other tabs share, with when each was last heard (performance.now()).
    pub offers: RwSignal<Vec<(Offer, f64)>>,
    /// The proof-of-stake channel between tabs, once opened.
    pub(super) channel: StoredValue<Option<crate::platform::broadcast::Broadcast>, LocalStorage>,
    /// The heartbeat of a shared network (status, silent tabs dropped), even when paused.
    pub(super) heartbeat: StoredValue<Option<IntervalHandle>, LocalStorage>,
    /// Whether the slot clock was held back by another tab on the last tick.
    pub waiting: RwSignal<bool>,
}

impl Default for PosState {
    fn default() -> Self {
        Self::new()
    }
}

impl PosState {
    /// Nothing runs until the user picks proof of stake.
    pub fn new() -> Self {
        Self {
            mode: RwSignal::new(Mode::Work),
            net: RwSignal::new_local(None),
            validators: RwSignal::new("16".into()),
            nodes: RwSignal::new("4".into()),
            slots_per_epoch: RwSignal::new("8".into()),
            speed: RwSignal::new(10),
            playing: RwSignal::new(false),
            offline_third: RwSignal::new(false),
            split: RwSignal::new(false),
            equivocator: RwSignal::new("3".into()),
            exit_index: RwSignal::new("0".into()),
            message: RwSignal::new(None),
            clock: StoredValue::new((0.0, 0.0, 0.0)),
            timer: StoredValue::new_local(None),
            bridge: RwSignal::new_local(None),
            offers: RwSignal::new(Vec::new()),
            channel: StoredValue::new_local(None),
            heartbeat: StoredValue::new_local(None),
            waiting: RwSignal::new(false),
        }
    }

    pub(super) fn ok(self, text: String) {
        self.message.set(Some(Ok(text)));
    }

    /// Runs a user's action on the network and shows its outcome in words (an error when no
    /// network has started).
    fn act(self, f: impl FnOnce(&mut PosNetwork) -> Result<String, String>) {
        let mut result = Err("Start the network first".to_owned());
        self.net.update(|net| {
            if let Some(net) = net {
                result = f(net);
            }
        });
        self.message.set(Some(result));
    }

    pub(super) fn fail(self, text: String) {
        self.message.set(Some(Err(text)));
    }

    /// Switches the screen's consensus; proof of stake starts a network the first time.
    pub fn set_mode(self, mode: Mode) {
        self.mode.set(mode);
        if mode == Mode::Stake {
            self.listen();
        }
        if mode == Mode::Stake && self.net.with_untracked(Option::is_none) {
            self.restart();
        }
        if mode == Mode::Work {
            self.pause();
        }
    }

    /// A new network with the typed numbers of validators (32 ETH each) and nodes.
    pub fn restart(self) {
        self.pause();
        let v = self.validators.get_untracked().trim().parse::<usize>();
        let n = self.nodes.get_untracked().trim().parse::<usize>();
        let e = self.slots_per_epoch.get_untracked().trim().parse::<u64>();
        let (v, n, e) = match (v, n, e) {
            (Ok(v), Ok(n), Ok(e))
                if (1..=MAX_VALIDATORS).contains(&v)
                    && (1..=MAX_POS_NODES).contains(&n)
                    && (2..=32).contains(&e) =>
            {
                (v, n, e)
            }
            _ => {
                self.fail(format!(
                    "Validators are 1 to {MAX_VALIDATORS}, nodes 1 to {MAX_POS_NODES} and slots per epoch 2 to 32, as whole numbers"
                ));
                return;
            }
        };
        self.unshare();
        let accounts: Vec<_> = dev_allocations()
            .into_iter()
            .map(|(a, w)| (a, w.as_wei()))
            .collect();
        let params = PosParams {
            slots_per_epoch: e,
            ..PosParams::default()
        };
        self.net.set(Some(PosNetwork::new(
            params,
            n,
            &vec![32 * ETH; v],
            &accounts,
        )));
        self.offline_third.set(false);
        self.split.set(false);
        self.ok(format!(
            "A new network: {v} validators of 32 ETH on {n} nodes, at genesis"
        ));
    }

    pub fn pause(self) {
        self.timer.update_value(|t| {
            if let Some(t) = t.take() {
                t.clear();
            }
        });
        self.playing.set(false);
        // Show where the run stopped.
        self.net.update(|_| {});
    }

    pub fn play_or_pause(self) {
        if self.playing.get_untracked() {
            self.pause();
            return;
        }
        self.clock.set_value((clock::perf_ms(), 0.0, 0.0));
        if let Ok(h) = set_interval_with_handle(move || self.tick(), TICK) {
            self.timer.set_value(Some(h));
            self.playing.set(true);
        }
    }

    /// Advances the slots that real time (times the speed) owes, within the tick's budget. A
    /// slot counts when it starts; one cut by the budget is finished on the next tick. The views
    /// are refreshed at most every [`RENDER_MS`].
    fn tick(self) {
        let now = clock::perf_ms();
        let (last, owed, rendered) = self.clock.get_value();
        let slot_ms = self
            .net
            .with_untracked(|n| n.as_ref().map_or(2_000, |n| n.params().slot_ms))
            as f64;
        let owed = owed + (now - last) * f64::from(self.speed.get_untracked()) / slot_ms;
        self.clock.set_value((now, owed, rendered));
        self.work();
    }

    /// Steps the network for the slots owed, within [`TICK_BUDGET_MS`] and, when shared, as
    /// far as the other tabs allow; then posts what the tabs need. The views are refreshed at
    /// most every [`RENDER_MS`]. Runs on every tick and whenever another tab speaks.
    pub(super) fn work(self) {
        let start = clock::perf_ms();
        let (last, mut owed, rendered) = self.clock.get_value();
        let playing = self.playing.get_untracked();
        let mut stepped = false;
        let mut held_back = false;
        self.net.update_untracked(|net| {
            let Some(net) = net else { return };
            self.bridge.update_untracked(|bridge| {
                let limit = bridge.as_mut().and_then(|b| b.limit(start, net));
                if playing {
                    loop {
                        if net.slot_done() {
                            if owed < 1.0 {
                                break;
                            }
                            owed -= 1.0;
                        }
                        let worked = match bridge.as_mut() {
                            Some(b) => b.step(net, limit),
                            None => {
                                net.step();
                                true
                            }
                        };
                        if !worked {
                            // Held back by another tab: the slot is owed again.
                            if net.slot_done() {
                                owed += 1.0;
                            }
                            held_back = true;
                            break;
                        }
                        stepped = true;
                        if clock::perf_ms() - start > TICK_BUDGET_MS {
                            break;
                        }
                    }
                }
                if let Some(b) = bridge.as_mut() {
                    for line in b.take_log() {
                        net.note(line);
                        stepped = true;
                    }
                    let out = b.outgoing(net, start);
                    self.post(&out);
                }
            });
        });
        // Slots owed beyond two are dropped when the page cannot keep up: the slot counter
        // falls behind real time instead of the page freezing.
        let mut rendered = rendered;
        if stepped && clock::perf_ms() - rendered >= RENDER_MS {
            self.net.update(|_| {});
            self.bridge.update(|_| {});
            rendered = clock::perf_ms();
        }
        if self.waiting.get_untracked() != held_back {
            self.waiting.set(held_back);
        }
        self.clock.set_value((last, owed.min(2.0), rendered));
    }

    /// Runs exactly one more slot.
    pub fn step_slot(self) {
        self.net.update(|net| {
            if let Some(net) = net {
                let target = net.slot() + 1;
                net.run_to(target);
            }
        });
    }

    /// Takes the smallest group of validators holding more than 1/3 of the stake offline, or
    /// brings every validator back.
    pub fn toggle_offline_third(self) {
        let going = !self.offline_third.get_untracked();
        let mut text = String::new();
        self.net.update(|net| {
            let Some(net) = net else { return };
            if going {
                let group = more_than_a_third(net);
                for a in &group {
                    net.set_online(a, false);
                }
                let (on, total) = net.online_stake();
                text = format!("{} validators offline: {on} of {total} ETH online, less than 2/3, so finality stops", group.len());
            } else {
                let all: Vec<_> = net.clients().map(|c| c.address).collect();
                for a in &all {
                    net.set_online(a, true);
                }
                text = "Every validator is back online: finality resumes within about two epochs".into();
            }
        });
        self.offline_third.set(going);
        self.ok(text);
    }

    /// Makes the typed validator equivocate (two blocks for its slot, two votes for its
    /// target) or behave again.
    pub fn equivocate(self, on: bool) {
        let index = self.equivocator.get_untracked().trim().parse::<u32>();
        let Ok(index) = index else {
            self.fail("The validator is a whole number, its index in the table".into());
            return;
        };
        let mut result = Err(format!(
            "There is no validator #{index} whose key this lab holds"
        ));
        self.net.update(|net| {
            let Some(net) = net else { return };
            if let Some(a) = net.validator_address(index).filter(|a| net.client(a).is_some()) {
                net.set_behaviour(&a, if on { Behaviour::Equivocating } else { Behaviour::Honest });
                result = Ok(if on {
                    format!("Validator #{index} now signs two blocks when it proposes and two conflicting votes when it attests: watch for its slashing")
                } else {
                    format!("Validator #{index} is honest again")
                });
            }
        });
        self.message.set(Some(result));
    }

    /// Splits the nodes into two halves, or heals the network.
    pub fn toggle_split(self) {
        let splitting = !self.split.get_untracked();
        let mut text = String::new();
        self.net.update(|net| {
            let Some(net) = net else { return };
            let n = net.nodes().len();
            if splitting {
                net.partition(n.div_ceil(2));
                let left: Vec<String> = (0..n.div_ceil(2)).map(node_name).collect();
                let right: Vec<String> = (n.div_ceil(2)..n).map(node_name).collect();
                text = format!("Split into {} | {}: neither side holds 2/3 of the stake, so neither finalizes", left.join(", "), right.join(", "));
            } else {
                net.heal();
                text = "Healed: the nodes exchange what they missed, and the branch with more attesting stake wins".into();
            }
        });
        self.split.set(splitting);
        self.ok(text);
    }

    /// Cuts or restores one link.
    pub fn set_link(self, a: usize, b: usize, up: bool) {
        self.net.update(|net| {
            if let Some(net) = net {
                net.set_link(a, b, up);
            }
        });
        self.ok(format!(
            "Link {}-{} {}",
            node_name(a),
            node_name(b),
            if up {
                "restored: both ends send what the other missed"
            } else {
                "cut"
            }
        ));
    }

    /// Node `node` gossips its head block with a changed body.
    pub fn tamper(self, node: usize) {
        let mut done = None;
        self.net.update(|net| {
            if let Some(net) = net {
                done = net.tamper(node);
                let target = net.slot();
                net.run_to(target);
            }
        });
        match done {
            Some(root) => self.ok(format!("Node {} sent its head block {} with a changed body; see how the others answer in the log", node_name(node), root.short())),
            None => self.fail(format!("Node {} has no block to tamper with yet: run a slot first", node_name(node))),
        }
    }

    /// Signs and gossips an exit for the typed validator.
    pub fn exit(self) {
        let Ok(index) = self.exit_index.get_untracked().trim().parse::<u32>() else {
            self.fail("The validator is a whole number, its index in the table".into());
            return;
        };
        self.act(|net| {
            net.exit(index)
                .map(|()| format!("Validator #{index} signed an exit; it leaves two epochs after a block includes it, and its stake returns to its address"))
                .map_err(|e| capital(&e))
        });
    }

    /// Sends `amount` ETH from the unlocked wallet's selected account to `to` (checked
    /// address): a signed transfer, pooled on node A and gossiped.
    pub fn transfer(self, account: &blocklab_core::wallet::Account, to: &str, amount: &str) {
        let to = match to.trim().parse::<blocklab_core::address::Address>() {
            Ok(a) => a,
            Err(e) => return self.fail(format!("Recipient: {e}")),
        };
        let value = match blocklab_core::Wei::parse_coins(amount) {
            Ok(v) => v,
            Err(e) => return self.fail(format!("Amount: {e}")),
        };
        self.act(|net| {
            net.transfer_from(account, to, value, 0)
                .map(|h| format!("Transfer of {} ETH to {} signed and sent ({}); a coming proposer includes it", value.to_coins(), to.short(), h.short()))
                .map_err(|e| capital(&e))
        });
    }

    /// Deposits from the unlocked wallet's selected account: a signed transfer to the
    /// deposit address, whose signer becomes the validator.
    pub fn deposit(self, account: &blocklab_core::wallet::Account, amount: &str) {
        let value = match blocklab_core::Wei::parse_coins(amount) {
            Ok(v) => v,
            Err(e) => return self.fail(format!("Amount: {e}")),
        };
        self.act(|net| {
            net.deposit_from(account, value, 0)
                .map(|a| format!("Deposit of {} ETH from {} signed and sent; it becomes a validator two epochs after a block includes it", value.to_coins(), a.short()))
                .map_err(|e| capital(&e))
        });
    }
}

/// The unlocked wallet's selected account (a copy whose key wipes itself when dropped), or
/// why there is none, in words for `action` ("deposit", "send").
pub(super) fn selected_account(
    wallet: Option<crate::pages::wallet::state::WalletState>,
    action: &str,
) -> Result<blocklab_core::wallet::Account, String> {
    let account = wallet.and_then(|w| {
        w.unlocked.with_untracked(|u| {
            u.as_ref()
                .and_then(|u| u.accounts.get(w.selected.get_untracked()).cloned())
        })
    });
    account.ok_or_else(|| {
        format!("Unlock your wallet (Wallet screen) to {action} from its selected account")
    })
}

pub(super) fn capital(text: &str) -> String {
    blocklab_core::words::capitalise(text)
}
