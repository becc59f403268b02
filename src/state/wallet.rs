//! The wallet's state and actions: the stored wallet file, the unlocked keys (memory only),
//! onboarding, signing and verification. Keys never leave this tab and are stored only inside
//! the encrypted vault.

use blocklab_core::address::Address;
use blocklab_core::persist::{self, KeyValueStore};
use blocklab_core::wallet::hd::secret_hex;
use blocklab_core::wallet::hd::{Account, PathPreset};
use blocklab_core::wallet::keystore::{self, EncryptionRandomness, ScryptParams};
use blocklab_core::wallet::message;
use blocklab_core::wallet::vault::{
    self, AccountEntry, KeySource, Secrets, WalletFile, WALLET_KEY,
};
use blocklab_core::wallet::Mnemonic;
use blocklab_core::wallet::{RecoveredSigner, Signature};
use leptos::prelude::*;
use zeroize::Zeroizing;

use super::actions::capitalise;
use crate::platform::{clock, files, random, secret, storage::LocalStore};

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
}

fn err(e: impl ToString) -> String {
    capitalise(&e.to_string())
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
        let (file, error) = match LocalStore.get(WALLET_KEY) {
            Ok(None) => (None, None),
            Ok(Some(text)) => match vault::decode(&text) {
                Ok(f) => (Some(f), None),
                Err(e) => {
                    let kept = match persist::back_up(&LocalStore, &text, clock::now_ms()) {
                        Ok(key) => format!("it was kept under the storage key \"{key}\""),
                        Err(_) => "it could not be backed up".to_owned(),
                    };
                    (None, Some(format!("{}; {kept}", err(e))))
                }
            },
            Err(e) => (None, Some(err(e))),
        };
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
        }
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
        LocalStore
            .set(WALLET_KEY, &vault::encode(&file))
            .map_err(err)?;
        self.file.set(Some(file));
        Ok(())
    }

    /// Starts creating a wallet: a fresh phrase of `words` words from the browser's RNG.
    pub fn start_create(self, words: usize) {
        let r = (|| {
            let bytes = words * 4 / 3;
            let mut entropy = Zeroizing::new(vec![0u8; bytes]);
            random::fill(&mut entropy)?;
            let m = Mnemonic::from_entropy(&entropy).map_err(err)?;
            Ok(m.phrase())
        })();
        if let Some(phrase) = self.report(r) {
            self.onboarding.set(Onboarding::ShowPhrase { phrase });
        }
    }

    /// The user says the phrase is written down: ask for three of its words.
    pub fn phrase_written(self) {
        if let Onboarding::ShowPhrase { phrase } = self.onboarding.get_untracked() {
            let n = phrase.split_whitespace().count().max(3);
            let mut pick = [0u8; 3];
            let _ = random::fill(&mut pick);
            let mut positions = [0usize; 3];
            let mut used = Vec::new();
            for (slot, b) in positions.iter_mut().zip(pick) {
                let mut p = usize::from(b) % n;
                while used.contains(&p) {
                    p = (p + 1) % n;
                }
                used.push(p);
                *slot = p + 1;
            }
            positions.sort_unstable();
            self.onboarding
                .set(Onboarding::Confirm { phrase, positions });
        }
    }

    /// Checks the re-entered words and, when right, seals and saves the new wallet.
    pub fn finish_create(
        self,
        answers: &[String; 3],
        passphrase: &str,
        password: &str,
        confirm: &str,
    ) {
        let Onboarding::Confirm { phrase, positions } = self.onboarding.get_untracked() else {
            return;
        };
        let r = (|| {
            let words: Vec<&str> = phrase.split_whitespace().collect();
            for (pos, answer) in positions.iter().zip(answers) {
                if words.get(pos - 1).copied() != Some(answer.trim().to_lowercase().as_str()) {
                    return Err(format!(
                        "Word {pos} is not right; check what you wrote down"
                    ));
                }
            }
            if password != confirm {
                return Err("The two passwords differ".to_owned());
            }
            let secrets = Secrets {
                mnemonic: Some(phrase.as_str().to_owned()),
                passphrase: passphrase.to_owned(),
                imported: vec![],
            };
            self.create_from(secrets, password)
        })();
        if self.report(r).is_some() {
            self.onboarding.set(Onboarding::Idle);
            self.message
                .set(Some("Wallet created and encrypted in this browser".into()));
        }
    }

    /// Imports a recovery phrase as a new wallet.
    pub fn import_phrase(self, phrase: &str, passphrase: &str, password: &str) {
        let r = (|| {
            let m = Mnemonic::parse(phrase).map_err(err)?;
            let secrets = Secrets {
                mnemonic: Some(m.phrase().as_str().to_owned()),
                passphrase: passphrase.to_owned(),
                imported: vec![],
            };
            self.create_from(secrets, password)
        })();
        if self.report(r).is_some() {
            self.message.set(Some(
                "Recovery phrase imported and encrypted in this browser".into(),
            ));
        }
    }

    /// Imports a private key (hex): into the unlocked wallet, or as a new wallet.
    pub fn import_private_key(self, hex: &str, password: &str) {
        let r = Account::from_private_key_hex(hex)
            .map_err(err)
            .and_then(|a| self.add_imported(a, password));
        if self.report(r).is_some() {
            self.message.set(Some("Private key imported".into()));
        }
    }

    /// Imports a keystore v3 file opened with `file_password`, protected here by `password`.
    pub fn import_keystore(self, text: &str, file_password: &str, password: &str) {
        let r = keystore::parse(text)
            .and_then(|v| keystore::decrypt_private_key(&v, file_password))
            .map_err(err)
            .and_then(|a| self.add_imported(a, password));
        if self.report(r).is_some() {
            self.message.set(Some("Keystore imported".into()));
        }
    }

    fn add_imported(self, account: Account, password: &str) -> Result<(), String> {
        let key_hex = secret_hex(account.private_key_bytes().as_slice())
            .trim_start_matches("0x")
            .to_owned();
        match self.file.get_untracked() {
            None => {
                let secrets = Secrets {
                    mnemonic: None,
                    passphrase: String::new(),
                    imported: vec![key_hex],
                };
                self.create_from(secrets, password)
            }
            Some(mut file) => {
                // Proves the password and gives the current secrets.
                let mut secrets = vault::open(&file.vault, password).map_err(err)?;
                if file.accounts.iter().any(|e| e.address == account.address) {
                    return Err(err(vault::WalletError::DuplicateAccount {
                        address: account.address,
                    }));
                }
                secrets.imported.push(key_hex);
                let slot = secrets.imported.len() - 1;
                file.vault =
                    vault::seal(&secrets, password, SCRYPT, &randomness()?).map_err(err)?;
                file.accounts.push(AccountEntry {
                    name: format!("Imported {}", slot + 1),
                    address: account.address,
                    source: KeySource::Imported { slot },
                });
                self.save(file.clone())?;
                self.open_with(&file, secrets)
            }
        }
    }

    fn create_from(self, secrets: Secrets, password: &str) -> Result<(), String> {
        let vault_value = vault::seal(&secrets, password, SCRYPT, &randomness()?).map_err(err)?;
        let mut accounts = Vec::new();
        if secrets.mnemonic.is_some() {
            let seed = secrets.seed().map_err(err)?;
            let path = self.preset.get_untracked().path(0);
            let a = Account::derive(&seed, &path.parse().map_err(err)?).map_err(err)?;
            accounts.push(AccountEntry {
                name: "Account 1".into(),
                address: a.address,
                source: KeySource::Derived { path },
            });
        }
        for (slot, key) in secrets.imported.iter().enumerate() {
            let a = Account::from_private_key_hex(key).map_err(err)?;
            accounts.push(AccountEntry {
                name: format!("Imported {}", slot + 1),
                address: a.address,
                source: KeySource::Imported { slot },
            });
        }
        let file = WalletFile {
            version: vault::WALLET_VERSION,
            vault: vault_value,
            accounts,
            auto_lock_minutes: 5,
        };
        self.save(file.clone())?;
        self.open_with(&file, secrets)
    }

    fn open_with(self, file: &WalletFile, secrets: Secrets) -> Result<(), String> {
        let accounts = secrets.accounts(&file.accounts).map_err(err)?;
        self.unlocked.set(Some(Unlocked { secrets, accounts }));
        self.touch();
        Ok(())
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

    /// Derives and adds the next account with the selected path preset, or `custom_path`.
    pub fn add_account(self, custom_path: &str) {
        let r = (|| {
            let mut file = self.file.get_untracked().ok_or("No wallet")?;
            let unlocked = self
                .unlocked
                .get_untracked()
                .ok_or("Unlock the wallet first")?;
            let seed = unlocked.secrets.seed().map_err(err)?;
            let path = if custom_path.trim().is_empty() {
                let preset = self.preset.get_untracked();
                let derived = file
                    .accounts
                    .iter()
                    .filter(|e| matches!(e.source, KeySource::Derived { .. }))
                    .count();
                let mut i = u32::try_from(derived).unwrap_or(u32::MAX);
                // Skip indices already present (e.g. after switching presets).
                while file.accounts.iter().any(|e| {
                    e.source
                        == KeySource::Derived {
                            path: preset.path(i),
                        }
                }) {
                    i = i.saturating_add(1);
                }
                preset.path(i)
            } else {
                custom_path.trim().to_owned()
            };
            let parsed = path.parse().map_err(err)?;
            let account = Account::derive(&seed, &parsed).map_err(err)?;
            if file.accounts.iter().any(|e| e.address == account.address) {
                return Err(err(vault::WalletError::DuplicateAccount {
                    address: account.address,
                }));
            }
            let n = file.accounts.len() + 1;
            file.accounts.push(AccountEntry {
                name: format!("Account {n}"),
                address: account.address,
                source: KeySource::Derived {
                    path: parsed.to_string(),
                },
            });
            self.save(file)?;
            self.unlocked.update(|u| {
                if let Some(u) = u {
                    // A new vector rather than a push: growing would move the keys and leave
                    // the old copies in freed memory; dropped, the old keys wipe themselves.
                    let mut accounts = Vec::with_capacity(u.accounts.len() + 1);
                    accounts.extend(u.accounts.iter().cloned());
                    accounts.push(account);
                    u.accounts = accounts;
                }
            });
            self.selected.set(n - 1);
            Ok(())
        })();
        self.report(r);
    }

    /// Renames an account.
    pub fn rename(self, index: usize, name: &str) {
        let r = (|| {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 40 {
                return Err("A name has 1 to 40 characters".to_owned());
            }
            let mut file = self.file.get_untracked().ok_or("No wallet")?;
            let entry = file.accounts.get_mut(index).ok_or("No such account")?;
            entry.name = name.to_owned();
            self.save(file)
        })();
        self.report(r);
    }

    /// Re-checks the password, then reveals the recovery phrase with the walk-through from
    /// entropy to the address of account `index`.
    pub fn reveal(self, index: usize, password: &str) {
        let r = (|| {
            let file = self.file.get_untracked().ok_or("No wallet")?;
            let secrets = vault::open(&file.vault, password).map_err(err)?;
            let phrase = secrets
                .mnemonic
                .as_deref()
                .ok_or_else(|| err(vault::WalletError::NoMnemonic))?;
            let m = Mnemonic::parse(phrase).map_err(err)?;
            let seed = m.to_seed(&secrets.passphrase);
            let step = |id, label: &str, value| RevealStep {
                id,
                label: label.to_owned(),
                value,
            };
            let mut steps = vec![
                step("entropy", "Entropy (random bits)", secret_hex(&m.entropy())),
                step(
                    "phrase",
                    "Recovery phrase (BIP-39 words of the entropy + checksum)",
                    m.phrase(),
                ),
                step(
                    "seed",
                    "Seed (PBKDF2-HMAC-SHA512 of phrase and passphrase, 2048 rounds)",
                    secret_hex(seed.as_bytes()),
                ),
                step(
                    "master-key",
                    "Master key (BIP-32 HMAC-SHA512 of the seed)",
                    blocklab_core::wallet::hd::master_xprv(seed.as_bytes()).unwrap_or_default(),
                ),
            ];
            self.unlocked.with_untracked(|u| {
                if let Some(a) = u.as_ref().and_then(|u| u.accounts.get(index)) {
                    let path = a.path.as_deref().unwrap_or_default();
                    steps.push(step(
                        "account-key",
                        &format!("Account key at {path}"),
                        a.private_key_hex(),
                    ));
                    steps.push(step(
                        "public-key",
                        "Public key (secp256k1 point of the key)",
                        Zeroizing::new(a.public_key_uncompressed()),
                    ));
                    steps.push(step(
                        "address",
                        "Address (last 20 bytes of keccak256 of the public key, EIP-55 case)",
                        Zeroizing::new(a.address.to_checksum()),
                    ));
                }
            });
            Ok(steps)
        })();
        let steps = self.report(r);
        if steps.is_some() {
            self.revealed.set(steps);
        }
        secret::wipe_stack();
    }

    /// Re-checks the password, then shows the private key of account `index` as hex.
    pub fn export_private_key(self, index: usize, password: &str) {
        let r = (|| {
            let file = self.file.get_untracked().ok_or("No wallet")?;
            vault::open(&file.vault, password).map_err(err)?;
            let key = self.unlocked.with_untracked(|u| {
                u.as_ref()
                    .and_then(|u| u.accounts.get(index))
                    .map(|a| a.private_key_hex())
            });
            key.ok_or_else(|| "Unlock the wallet first".to_owned())
        })();
        let key = self.report(r);
        if key.is_some() {
            self.exported.set(key);
        }
        secret::wipe_stack();
    }

    /// Downloads account `index` as a keystore v3 file encrypted with the wallet password.
    pub fn export_keystore(self, index: usize, password: &str) {
        let r = (|| {
            let file = self.file.get_untracked().ok_or("No wallet")?;
            vault::open(&file.vault, password).map_err(err)?;
            let account = self
                .unlocked
                .with_untracked(|u| u.as_ref().and_then(|u| u.accounts.get(index).cloned()))
                .ok_or("Unlock the wallet first")?;
            let v = keystore::encrypt(
                account.private_key_bytes().as_slice(),
                password,
                SCRYPT,
                &randomness()?,
                Some(&account.address),
                None,
            )
            .map_err(err)?;
            let name = format!("keystore-{}.json", hex::encode(account.address.as_bytes()));
            files::download_text(&name, "application/json", &v.to_json())
        })();
        if self.report(r).is_some() {
            self.message.set(Some(
                "Keystore downloaded (encrypted with your wallet password)".into(),
            ));
        }
    }

    /// Removes the wallet from this browser (after the password is re-entered).
    pub fn delete(self, password: &str) {
        let r = (|| {
            if let Some(file) = self.file.get_untracked() {
                vault::open(&file.vault, password).map_err(err)?;
            }
            LocalStore.remove(WALLET_KEY).map_err(err)
        })();
        if self.report(r).is_some() {
            self.file.set(None);
            self.unlocked.set(None);
            self.message
                .set(Some("Wallet removed from this browser".into()));
        }
    }

    /// Signs `text` with account `index` (EIP-191).
    pub fn sign(self, index: usize, text: &str) -> Option<Signature> {
        let r = self
            .unlocked
            .with_untracked(|u| u.as_ref().and_then(|u| u.accounts.get(index).cloned()))
            .ok_or_else(|| "Unlock the wallet first".to_owned())
            .and_then(|a| message::sign_message(&a, text).map_err(err));
        self.report(r)
    }
}

/// The result of verifying a signed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub valid: bool,
    pub recovered: Option<RecoveredSigner>,
    pub explanation: String,
}

/// Recovers the signer of (message, signature) and compares with an expected address or
/// public key (empty: just report the signer).
pub fn verify(text: &str, signature: &str, expected: &str) -> Verdict {
    let sig = match Signature::from_hex(signature) {
        Ok(s) => s,
        Err(e) => {
            return Verdict {
                valid: false,
                recovered: None,
                explanation: err(e),
            }
        }
    };
    let recovered = match message::recover_message(text, &sig) {
        Ok(r) => r,
        Err(e) => {
            return Verdict {
                valid: false,
                recovered: None,
                explanation: err(e),
            }
        }
    };
    let expected = expected.trim();
    let what = "The message was hashed as EIP-191 (\"\\x19Ethereum Signed Message:\\n\" + length + message) with keccak256, the public key was recovered from r, s and v on secp256k1, and its keccak256 gives the address";
    let (valid, verdict) = if expected.is_empty() {
        (true, format!("signed by {}", recovered.address()))
    } else if expected.len() > 42 {
        let want = hex::decode(expected.strip_prefix("0x").unwrap_or(expected));
        let matches = want.is_ok_and(|key| recovered.has_public_key(&key));
        (
            matches,
            if matches {
                "the recovered public key matches".to_owned()
            } else {
                format!(
                    "the recovered public key is {}, not the expected one",
                    recovered.public_key_hex()
                )
            },
        )
    } else {
        match expected.parse::<Address>() {
            Ok(a) if a == recovered.address() => {
                (true, format!("the recovered address equals {a}"))
            }
            Ok(a) => (
                false,
                format!("signed by {}, not by {a}", recovered.address()),
            ),
            Err(e) => (false, format!("the expected address is not valid: {e}")),
        }
    };
    Verdict {
        valid,
        explanation: format!(
            "{}: {verdict}. {what}.",
            if valid { "Valid" } else { "Invalid" }
        ),
        recovered: Some(recovered),
    }
}
