//! The Network screen's state: a real Ethereum JSON-RPC node the user chose, the selected
//! account as that node sees it, the comparison of the wallet's accounts with the node's, and
//! sending a transfer signed here to it.
//!
//! Off by default: no request is made until the user enters a URL and presses Connect (a
//! stored URL only fills the field in). Every call goes through the core's [`rpc`] flows over
//! [`FetchTransport`]. Nothing here writes the lab chain, the mempool or the wallet: a failed
//! broadcast changes nothing local.

use blocklab_core::address::Address;
use blocklab_core::persist::KeyValueStore;
use blocklab_core::rpc::{self, AccountOnNode, NodeStatus, Receipt};
use blocklab_core::TxHash;
use leptos::prelude::*;

use crate::components::send_form::{show_signing, FormSignals};
use serde::{Deserialize, Serialize};

use crate::pages::tx::state::{sign_form, FieldError, SendForm, Signed};
use crate::pages::wallet::state::WalletState;
use crate::platform::clock;
use blocklab_core::words::err;

use crate::platform::rpc::FetchTransport;
use crate::platform::storage::LocalStore;
pub use blocklab_core::rpc::rows::*;

/// Where the last URL the user connected to is kept (not a secret, but it may hold a provider
/// key: it stays in this browser like everything else).
pub const RPC_KEY: &str = "blocklab.rpc";

/// The stored setting, versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RpcSetting {
    version: u32,
    url: String,
}

/// How often and how long a receipt is polled for.
const RECEIPT_POLL_MS: u32 = 1_000;
const RECEIPT_POLLS: u32 = 120;

/// What the send card says about its last broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broadcast {
    /// Accepted by the node; the receipt is awaited (`None`) or here.
    Sent {
        hash: TxHash,
        chain_id: u64,
        receipt: Option<Receipt>,
        /// Why polling stopped without a receipt.
        gave_up: Option<String>,
    },
    Refused(String),
}

/// The Network screen's signals, provided once by [`crate::app::App`].
#[derive(Debug, Clone, Copy)]
pub struct NetworkState {
    /// The URL as typed.
    pub url: RwSignal<String>,
    /// The URL of the node the panel shows; `None` until a connection succeeds.
    pub connected: RwSignal<Option<String>>,
    pub status: RwSignal<Option<NodeStatus>>,
    /// The last problem of the settings, account or compare panels.
    pub error: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
    pub account: RwSignal<Option<(Address, AccountOnNode)>>,
    pub compare: RwSignal<Option<Vec<CompareRow>>>,
    pub form: RwSignal<SendForm>,
    pub signed: RwSignal<Option<Signed>>,
    pub errors: RwSignal<Vec<FieldError>>,
    /// What "Fill from node" did.
    pub fill_note: RwSignal<Option<Result<String, String>>>,
    pub broadcast: RwSignal<Option<Broadcast>>,
    /// Whether a URL that carries a key is remembered across reloads (else this session only).
    pub remember: RwSignal<bool>,
    /// Where the connected URL is kept, in words.
    pub kept: RwSignal<Option<String>>,
}

impl NetworkState {
    /// Reads the stored URL into the field (and connects to nothing). An unreadable setting
    /// is reported, kept, and replaced only when the user connects again.
    pub fn load() -> Self {
        let (url, error) = match LocalStore.get(RPC_KEY) {
            Ok(None) => (String::new(), None),
            Ok(Some(text)) => match serde_json::from_str::<RpcSetting>(&text) {
                Ok(s) if s.version == 1 => (s.url, None),
                _ => (
                    String::new(),
                    Some(format!(
                        "The stored JSON-RPC setting is unreadable and was ignored (storage key \"{RPC_KEY}\")"
                    )),
                ),
            },
            Err(e) => (String::new(), Some(err(e))),
        };
        let form = SendForm {
            chain_id: String::new(),
            ..SendForm::default()
        };
        Self {
            url: RwSignal::new(url),
            connected: RwSignal::new(None),
            status: RwSignal::new(None),
            error: RwSignal::new(error),
            busy: RwSignal::new(false),
            account: RwSignal::new(None),
            compare: RwSignal::new(None),
            form: RwSignal::new(form),
            signed: RwSignal::new(None),
            errors: RwSignal::new(Vec::new()),
            fill_note: RwSignal::new(None),
            broadcast: RwSignal::new(None),
            remember: RwSignal::new(false),
            kept: RwSignal::new(None),
        }
    }

    /// Changes the send form; drops a signature of the previous fields.
    pub fn edit(self, change: impl FnOnce(&mut SendForm)) {
        self.form.update(change);
        self.signed.set(None);
    }

    /// The send form's signals for the shared form view (`data-testid`s `rpc-send-…`).
    pub fn form_signals(self) -> FormSignals {
        FormSignals {
            form: self.form,
            errors: self.errors,
            on_edit: Callback::new(move |()| self.signed.set(None)),
            prefix: "rpc-send",
        }
    }

    fn url_or_error(self) -> Option<String> {
        let url = self.connected.get_untracked();
        if url.is_none() {
            self.error
                .set(Some("Connect to a JSON-RPC node first".to_owned()));
        }
        url
    }

    /// Connects: reads the node's status and, on success, remembers the URL and fills the
    /// send form's chain id.
    pub fn connect(self, wallet: WalletState) {
        let typed = self.url.get_untracked();
        let url = match rpc::check_url(&typed) {
            Ok(u) => u,
            Err(e) => {
                self.error.set(Some(err(e)));
                return;
            }
        };
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let result = rpc::node_status(&FetchTransport::default(), &url).await;
            self.busy.set(false);
            match result {
                Ok(status) => {
                    let secret = rpc::url_carries_key(&url);
                    let saved = if secret && !self.remember.get_untracked() {
                        self.kept.set(Some(
                            "This URL seems to carry a key: it is kept for this session only (not stored). Tick \"remember\" to keep it in this browser.".to_owned(),
                        ));
                        LocalStore.remove(RPC_KEY).map_err(err)
                    } else {
                        self.kept.set(Some(if secret {
                            "This URL seems to carry a key; as you asked, it is remembered in this browser's storage.".to_owned()
                        } else {
                            "The URL is remembered in this browser's storage (it fills the field in; nothing connects by itself).".to_owned()
                        }));
                        let setting = RpcSetting {
                            version: 1,
                            url: url.clone(),
                        };
                        serde_json::to_string(&setting)
                            .map_err(err)
                            .and_then(|s| LocalStore.set(RPC_KEY, &s).map_err(err))
                    };
                    self.error.set(
                        saved.err().map(|e| {
                            format!("Connected, but the URL could not be remembered: {e}")
                        }),
                    );
                    let chain_id = status.chain_id;
                    self.status.set(Some(status));
                    self.connected.set(Some(url));
                    self.edit(|f| f.chain_id = chain_id.to_string());
                    self.refresh_account(wallet);
                }
                Err(e) => {
                    self.connected.set(None);
                    self.status.set(None);
                    self.error.set(Some(err(e)));
                }
            }
        });
    }

    /// Forgets the node (and the stored URL).
    pub fn disconnect(self) {
        self.connected.set(None);
        self.kept.set(None);
        self.status.set(None);
        self.account.set(None);
        self.compare.set(None);
        self.broadcast.set(None);
        self.error.set(LocalStore.remove(RPC_KEY).err().map(err));
    }

    /// Reads the selected wallet account's balance and nonce from the node.
    pub fn refresh_account(self, wallet: WalletState) {
        let Some(url) = self.connected.get_untracked() else {
            return;
        };
        let Some(address) = selected_address(wallet) else {
            self.account.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            match rpc::account_on_node(&FetchTransport::default(), &url, address).await {
                Ok(a) => self.account.set(Some((address, a))),
                Err(e) => self.error.set(Some(err(e))),
            }
        });
    }

    /// Compares the node's accounts (`eth_accounts`, with their balances) with the wallet's.
    pub fn compare_accounts(self, wallet: WalletState) {
        let Some(url) = self.url_or_error() else {
            return;
        };
        let mine = untrack(|| wallet.named_addresses());
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let t = FetchTransport::default();
            let result = async {
                let list = rpc::accounts(&t, &url).await?;
                let mut node = Vec::with_capacity(list.len());
                for a in list {
                    let balance = rpc::account_on_node(&t, &url, a)
                        .await
                        .map(|s| s.balance)
                        .ok();
                    node.push((a, balance));
                }
                Ok::<_, rpc::RpcError>(node)
            }
            .await;
            self.busy.set(false);
            match result {
                Ok(node) => {
                    self.error.set(None);
                    self.compare.set(Some(compare_rows(&node, &mine)));
                }
                Err(e) => self.error.set(Some(err(e))),
            }
        });
    }

    /// Fills the send form from the node: chain id, the sender's next nonce, fees, and the
    /// gas estimate when the recipient and amount are readable.
    pub fn fill_from_node(self, wallet: WalletState) {
        let Some(url) = self.url_or_error() else {
            return;
        };
        let from_index = wallet.selected.get_untracked();
        let Some(from) = crate::pages::tx::state::unlocked_address(wallet, from_index) else {
            self.fill_note.set(Some(Err(
                "Unlock your wallet to choose the sender".to_owned()
            )));
            return;
        };
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let t = FetchTransport::default();
            let result = async {
                let status = rpc::node_status(&t, &url).await?;
                let account = rpc::account_on_node(&t, &url, from).await?;
                let fees = rpc::suggest_fees(&t, &url).await?;
                Ok::<_, rpc::RpcError>((status, account, fees))
            }
            .await;
            let (status, account, fees) = match result {
                Ok(v) => v,
                Err(e) => {
                    self.busy.set(false);
                    self.fill_note.set(Some(Err(err(e))));
                    return;
                }
            };
            let form = self.form.get_untracked();
            let data = crate::pages::tx::state::form_data(&form).unwrap_or_default();
            let to = form.to.trim().parse::<Address>().ok();
            let value = blocklab_core::Wei::parse_coins(&form.amount).ok();
            let (gas, gas_note) = match (to, value) {
                (Some(to), Some(value)) => {
                    match rpc::estimate_gas(&t, &url, from, to, value, data).await {
                        Ok(g) => (Some(g), format!("gas limit {g} (node's estimate)")),
                        Err(e) => (None, format!("no gas estimate: {}", err(e))),
                    }
                }
                _ => (
                    None,
                    "enter the recipient and amount to get a gas estimate".to_owned(),
                ),
            };
            self.busy.set(false);
            let chain_id = status.chain_id;
            self.status.set(Some(status));
            self.account.set(Some((from, account)));
            self.edit(|f| *f = apply_fill(f, chain_id, account.nonce, fees, gas));
            self.fill_note.set(Some(Ok(format!(
                "Filled from the node: chain id {chain_id}, nonce {}, {}",
                account.nonce, gas_note
            ))));
        });
    }

    /// Signs the form's transfer with the selected unlocked account (nothing is sent).
    pub fn sign(self, wallet: WalletState) {
        let mut form = self.form.get_untracked();
        form.from = wallet.selected.get_untracked();
        self.broadcast.set(None);
        show_signing(sign_form(wallet, &form), self.signed, self.errors);
    }

    /// Broadcasts the signed transfer with `eth_sendRawTransaction`, then polls its receipt.
    pub fn broadcast(self, wallet: WalletState) {
        let Some(url) = self.url_or_error() else {
            return;
        };
        let Some(signed) = self.signed.get_untracked() else {
            return;
        };
        let chain_id = signed.tx.chain_id().unwrap_or(0);
        let node_chain = self
            .status
            .with_untracked(|s| s.as_ref().map(|s| s.chain_id));
        if node_chain.is_some_and(|c| c != chain_id) {
            self.broadcast.set(Some(Broadcast::Refused(format!(
                "Not sent: this transaction is signed for chain id {chain_id}, but the node is chain id {}. Fill from node and sign again",
                node_chain.unwrap_or_default()
            ))));
            return;
        }
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let t = FetchTransport::default();
            let sent = rpc::broadcast(&t, &url, &signed.tx).await;
            self.busy.set(false);
            let hash = match sent {
                Ok(h) => h,
                Err(e) => {
                    self.broadcast.set(Some(Broadcast::Refused(format!(
                        "The node refused it: {e}"
                    ))));
                    return;
                }
            };
            self.broadcast.set(Some(Broadcast::Sent {
                hash,
                chain_id,
                receipt: None,
                gave_up: None,
            }));
            let mut outcome = Err("no receipt after 2 minutes; it may still be mined".to_owned());
            for _ in 0..RECEIPT_POLLS {
                match rpc::receipt(&t, &url, &hash).await {
                    Ok(Some(r)) => {
                        outcome = Ok(r);
                        break;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        outcome = Err(format!("polling the receipt failed: {}", err(e)));
                        break;
                    }
                }
                clock::sleep_ms(RECEIPT_POLL_MS).await;
            }
            self.broadcast.set(Some(match outcome {
                Ok(r) => Broadcast::Sent {
                    hash,
                    chain_id,
                    receipt: Some(r),
                    gave_up: None,
                },
                Err(why) => Broadcast::Sent {
                    hash,
                    chain_id,
                    receipt: None,
                    gave_up: Some(why),
                },
            }));
            self.refresh_account(wallet);
        });
    }
}

/// The wallet's selected account, when the wallet has one (locked or not: addresses are
/// public).
fn selected_address(wallet: WalletState) -> Option<Address> {
    let i = wallet.selected.get_untracked();
    wallet
        .file
        .with_untracked(|f| f.as_ref()?.accounts.get(i).map(|a| a.address))
}
