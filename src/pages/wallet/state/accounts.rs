//! The unlocked wallet's account actions: derive, rename, reveal the walk-through, export a
//! key or keystore, delete the wallet, sign a message.

use blocklab_core::wallet::hd::secret_hex;
use blocklab_core::wallet::hd::Account;
use blocklab_core::wallet::keystore;
use blocklab_core::wallet::message;
use blocklab_core::wallet::stored::Intent;
use blocklab_core::wallet::vault::{self, AccountEntry, KeySource};
use blocklab_core::wallet::{Mnemonic, Signature};
use blocklab_core::words::err;
use leptos::prelude::*;
use zeroize::Zeroizing;

use super::{randomness, RevealStep, WalletState, SCRYPT};
use crate::platform::{files, secret};

impl WalletState {
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
            let seed = m.to_seed(&secrets.passphrase).map_err(err)?;
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
            self.store(None, Intent::Update).map(drop)
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
