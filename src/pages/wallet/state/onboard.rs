//! Onboarding: creating a wallet (the phrase shown once, three of its words confirmed) and
//! importing one (phrase, private key, keystore file).

use blocklab_core::wallet::hd::{secret_hex, Account};
use blocklab_core::wallet::keystore;
use blocklab_core::wallet::stored::Intent;
use blocklab_core::wallet::vault::{self, AccountEntry, KeySource, Secrets, WalletFile};
use blocklab_core::wallet::Mnemonic;
use blocklab_core::words::err;
use leptos::prelude::*;
use zeroize::Zeroizing;

use super::{randomness, Onboarding, Unlocked, WalletState, SCRYPT};
use crate::platform::random;

impl WalletState {
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
        // Over a wallet this tab has seen (an unreadable one, kept at load): on purpose, so the
        // stored text is kept under a backup key first, and the user is told where.
        if let Some(key) = self.store(Some(file.clone()), Intent::Replace)? {
            self.message.set(Some(format!(
                "The wallet stored before was kept, encrypted, under the storage key \"{key}\" (Storage card on the Ledger screen)"
            )));
        }
        self.open_with(&file, secrets)
    }

    pub(super) fn open_with(self, file: &WalletFile, secrets: Secrets) -> Result<(), String> {
        let accounts = secrets.accounts(&file.accounts).map_err(err)?;
        self.unlocked.set(Some(Unlocked { secrets, accounts }));
        self.touch();
        Ok(())
    }
}
