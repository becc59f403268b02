//! The wallet's state and actions: the stored wallet file, the unlocked keys (memory only),
//! lock and auto-lock; onboarding in [`onboard`], the accounts' actions (derive, rename,
//! reveal, export, delete, sign) in [`accounts`]. Keys never leave this tab and are stored only
//! inside the encrypted vault.

use blocklab_core::address::Address;
use blocklab_core::persist::{self, KeyValueStore};
use blocklab_core::wallet::hd::{Account, PathPreset};
use blocklab_core::wallet::keystore::{EncryptionRandomness, ScryptParams};
use blocklab_core::wallet::stored::{self, Intent, Seen, StoredWalletError};
use blocklab_core::wallet::vault::{self, Secrets, WalletFile, WALLET_KEY};
use blocklab_core::words::err;
use leptos::prelude::*;
use zeroize::Zeroizing;

use crate::platform::{clock, random, secret, storage::LocalStore};

mod accounts;
mod onboard;

/// What the key derivation parameters are for keys blocklab writes.
pub const SCRYPT: ScryptParams = ScryptParams::DEFAULT;

/// The unlocked wallet: secrets and key pairs, in memory only until locked.
#[derive(Clone)]
pub struct Unlocked {
    pub secrets: Secrets,
    pub accounts: Vec<Account>,
}

/// A step of creating a new wallet. `Debug` never shows the phrase.
#[derive(Clone, PartialEq, Eq)]
pub enum Onboarding {
    /// Nothing in progress.
    Idle,
    /// The new phrase is shown once; the user writes it down.
    ShowPhrase { phrase: Zeroizing<String> },
    /// The user re-enters the words at these positions (1-based).
    Confirm {
        phrase: Zeroizing<String>,
        positions: [usize; 3],
    },
}

impl std::fmt::Debug for Onboarding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Idle => "Idle",
            Self::ShowPhrase { .. } => "ShowPhrase(redacted)",
            Self::Confirm { .. } => "Confirm(redacted)",
        })
    }
}

/// One step of the walk-through from entropy to address, shown after the password is
/// re-entered. The value is secret for the first steps, so it lives only in a zeroizing buffer.
#[derive(Clone, PartialEq, Eq)]
pub struct RevealStep {
    pub id: &'static str,
    pub label: String,
    pub value: Zeroizing<String>,
}

/// The wallet's signals.
#[derive(Clone, Copy)]
pub struct WalletState {
    pub file: RwSignal<Option<WalletFile>>,
    pub unlocked: RwSignal<Option<Unlocked>, LocalStorage>,
    pub onboarding: RwSignal<Onboarding>,
    pub selected: RwSignal<usize>,
    pub preset: RwSignal<PathPreset>,
    pub error: RwSignal<Option<String>>,
    pub message: RwSignal<Option<String>>,
    /// `performance.now()` of the last user activity, for auto-lock.
    pub last_activity: RwSignal<f64>,
    /// The revealed phrase and walk-through, until hidden, locked or the screen is left.
    pub revealed: RwSignal<Option<Vec<RevealStep>>>,
    /// The exported private key (`0x…`), with the same lifetime.
    pub exported: RwSignal<Option<Zeroizing<String>>>,
    /// The stored wallet text this tab last read or wrote: a write over anything else (another
    /// tab's) is refused (`wallet::stored`).
    seen: StoredValue<Seen>,
}

/// The stored wallet as read: the file, what is seen, and why it could not be read.
fn read_stored() -> (Option<WalletFile>, Seen, Option<String>) {
    match LocalStore.get(WALLET_KEY) {
        Ok(None) => (None, Seen::default(), None),
        Ok(Some(text)) => {
            let seen = Seen::of(Some(&text));
            match vault::decode(&text) {
                Ok(f) => (Some(f), seen, None),
                Err(e) => {
                    let kept = match persist::back_up(&LocalStore, &text, clock::now_ms()) {
                        Ok(key) => format!("it was kept under the storage key \"{key}\""),
                        Err(_) => "it could not be backed up".to_owned(),
                    };
                    (None, seen, Some(format!("{}; {kept}", err(e))))
                }
            }
        }
        Err(e) => (None, Seen::default(), Some(err(e))),
    }
}

fn randomness() -> Result<EncryptionRandomness, String> {
    Ok(EncryptionRandomness {
        salt: random::bytes()?,
        iv: random::bytes()?,
        uuid: random::bytes()?,
    })
}

impl WalletState {
    /// Reads the stored wallet. An unreadable value is copied to a backup key (once: a copy of
    /// the same value already kept is reused), reported, and never overwritten until the user
    /// creates or imports a wallet.
    pub fn load() -> Self {
        let (file, seen, error) = read_stored();
        Self {
            file: RwSignal::new(file),
            unlocked: RwSignal::new_local(None),
            onboarding: RwSignal::new(Onboarding::Idle),
            selected: RwSignal::new(0),
            preset: RwSignal::new(PathPreset::Bip44),
            error: RwSignal::new(error),
            message: RwSignal::new(None),
            last_activity: RwSignal::new(clock::perf_ms()),
            revealed: RwSignal::new(None),
            exported: RwSignal::new(None),
            seen: StoredValue::new(seen),
        }
    }

    /// Shows the wallet another tab stored: the same wallet (same vault) stays unlocked with
    /// its accounts as stored; another one (or none) locks this tab first.
    pub fn reload_stored(self) {
        let (file, seen, error) = read_stored();
        self.seen.set_value(seen);
        let same_vault = self.file.with_untracked(|old| {
            old.as_ref().map(|o| &o.vault) == file.as_ref().map(|f| &f.vault)
        });
        let unlocked = self.unlocked.get_untracked();
        self.file.set(file.clone());
        match (same_vault, unlocked, file) {
            (true, Some(u), Some(f)) => {
                if let Err(e) = self.open_with(&f, u.secrets) {
                    self.lock();
                    self.error.set(Some(e));
                }
            }
            (true, _, _) => {}
            _ => {
                self.lock();
                self.message.set(Some(
                    "Another tab changed the wallet (created, imported or removed one): this tab shows the stored wallet".into(),
                ));
            }
        }
        if error.is_some() {
            self.error.set(error);
        }
    }

    /// Follows the wallet other tabs store.
    pub fn watch_other_tabs(self) {
        crate::platform::storage::on_other_tab_change(WALLET_KEY, move || self.reload_stored());
    }

    fn report<T>(self, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => {
                self.error.set(None);
                Some(v)
            }
            Err(e) => {
                self.error.set(Some(e));
                None
            }
        }
    }

    fn save(self, file: WalletFile) -> Result<(), String> {
        self.store(Some(file), Intent::Update).map(drop)
    }

    /// Writes the wallet (or removes it) over the one this tab has seen; where a replaced
    /// wallet was kept. Another tab's newer wallet is never replaced: the write is refused and
    /// this tab shows that wallet.
    fn store(self, file: Option<WalletFile>, intent: Intent) -> Result<Option<String>, String> {
        let seen = self.seen.get_value();
        match stored::write(&LocalStore, &seen, file.as_ref(), intent, clock::now_ms()) {
            Ok(written) => {
                self.seen.set_value(written.seen);
                self.file.set(file);
                Ok(written.backup_key)
            }
            Err(StoredWalletError::Stale) => {
                self.reload_stored();
                Err(err(StoredWalletError::Stale))
            }
            Err(e) => Err(err(e)),
        }
    }

    /// Unlocks with the password.
    pub fn unlock(self, password: &str) {
        let r = (|| {
            let file = self
                .file
                .get_untracked()
                .ok_or("There is no wallet to unlock")?;
            let secrets = vault::open(&file.vault, password).map_err(err)?;
            self.open_with(&file, secrets)
        })();
        if self.report(r).is_some() {
            self.message.set(None);
        }
    }

    /// Each stored account's name and address (empty without a wallet), tracked.
    pub fn named_addresses(self) -> Vec<(String, Address)> {
        self.file.with(|f| {
            f.as_ref()
                .map(|f| {
                    f.accounts
                        .iter()
                        .map(|a| (a.name.clone(), a.address))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// Forgets the keys (they stay encrypted in storage) and every revealed secret.
    pub fn lock(self) {
        self.unlocked.set(None);
        self.onboarding.set(Onboarding::Idle);
        self.forget_revealed();
    }

    /// Wipes the revealed phrase, walk-through and exported key (on hide, lock, auto-lock and
    /// leaving the screen).
    pub fn forget_revealed(self) {
        self.revealed.set(None);
        self.exported.set(None);
        secret::wipe_stack();
    }

    /// Records user activity (for auto-lock).
    pub fn touch(self) {
        self.last_activity.set(clock::perf_ms());
    }

    /// Locks when idle longer than the configured minutes.
    pub fn check_idle(self) {
        let minutes = self
            .file
            .with_untracked(|f| f.as_ref().map_or(0, |f| f.auto_lock_minutes));
        let unlocked = self.unlocked.with_untracked(Option::is_some);
        if unlocked
            && minutes > 0
            && clock::perf_ms() - self.last_activity.get_untracked() > f64::from(minutes) * 60_000.0
        {
            self.lock();
            let unit = if minutes == 1 { "minute" } else { "minutes" };
            self.message.set(Some(format!(
                "Locked after {minutes} {unit} without activity"
            )));
        }
    }

    /// Sets the auto-lock delay from user text.
    pub fn set_auto_lock(self, text: &str) {
        let r = text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| *m <= 24 * 60)
            .ok_or_else(|| {
                "Auto-lock is a whole number of minutes from 0 (never) to 1440".to_owned()
            })
            .and_then(|m| {
                let mut file = self.file.get_untracked().ok_or("No wallet")?;
                file.auto_lock_minutes = m;
                self.save(file)
            });
        self.report(r);
    }
}
