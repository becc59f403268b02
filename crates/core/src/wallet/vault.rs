//! The stored wallet: public account entries in the clear, every secret (mnemonic, BIP-39
//! passphrase, imported private keys) in one keystore v3 container under the user's password.

use core::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::hd::{Account, DerivationPath, HdError};
use super::keystore::{self, EncryptionRandomness, Keystore, KeystoreError, ScryptParams};
use super::mnemonic::{Mnemonic, MnemonicError};
use crate::address::Address;

/// The storage key of the wallet file.
pub const WALLET_KEY: &str = "blocklab.wallet";
/// The wallet file version this build writes.
pub const WALLET_VERSION: u32 = 1;
/// Marks blocklab's vault inside the keystore container.
const VAULT_KIND: &str = "wallet-vault";

/// Everything secret, wiped from memory when dropped. `Debug` shows nothing secret.
#[derive(Clone, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Secrets {
    /// The recovery phrase, if the wallet has one.
    pub mnemonic: Option<String>,
    /// The optional BIP-39 passphrase ("25th word").
    #[serde(default)]
    pub passphrase: String,
    /// Imported private keys, hex without 0x.
    #[serde(default)]
    pub imported: Vec<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Secrets {{ mnemonic: {}, passphrase: {}, imported: {} keys }}",
            if self.mnemonic.is_some() {
                "redacted"
            } else {
                "none"
            },
            if self.passphrase.is_empty() {
                "none"
            } else {
                "redacted"
            },
            self.imported.len()
        )
    }
}

/// Where an account's key comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySource {
    /// Derived from the mnemonic along `path`.
    Derived { path: String },
    /// The imported key at this position of [`Secrets::imported`].
    Imported { slot: usize },
}

/// A public account entry (readable while locked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    pub name: String,
    pub address: Address,
    pub source: KeySource,
}

/// The stored wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletFile {
    pub version: u32,
    /// Keystore v3 container of the JSON-encoded [`Secrets`].
    pub vault: Keystore,
    pub accounts: Vec<AccountEntry>,
    /// Minutes of inactivity before the wallet locks itself (0 = never).
    pub auto_lock_minutes: u32,
}

/// Why a wallet operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletError {
    /// The stored wallet is unreadable.
    Format {
        detail: String,
    },
    Keystore(KeystoreError),
    Mnemonic(MnemonicError),
    Hd(HdError),
    /// The wallet has no recovery phrase (only imported keys), so it cannot derive.
    NoMnemonic,
    /// An account derived or imported twice.
    DuplicateAccount {
        address: Address,
    },
    /// The password is too short to protect keys.
    WeakPassword {
        min: usize,
    },
    /// The decrypted vault does not match the stored accounts.
    Inconsistent {
        detail: String,
    },
}

impl fmt::Display for WalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format { detail } => write!(f, "the stored wallet cannot be read ({detail})"),
            Self::Keystore(e) => write!(f, "{e}"),
            Self::Mnemonic(e) => write!(f, "{e}"),
            Self::Hd(e) => write!(f, "{e}"),
            Self::NoMnemonic => {
                f.write_str("this wallet has no recovery phrase, only imported keys")
            }
            Self::DuplicateAccount { address } => {
                write!(f, "account {address} is already in the wallet")
            }
            Self::WeakPassword { min } => {
                write!(f, "choose a password of at least {min} characters")
            }
            Self::Inconsistent { detail } => write!(
                f,
                "the wallet's secrets do not match its accounts ({detail})"
            ),
        }
    }
}

impl std::error::Error for WalletError {}

impl From<KeystoreError> for WalletError {
    fn from(e: KeystoreError) -> Self {
        Self::Keystore(e)
    }
}
impl From<MnemonicError> for WalletError {
    fn from(e: MnemonicError) -> Self {
        Self::Mnemonic(e)
    }
}
impl From<HdError> for WalletError {
    fn from(e: HdError) -> Self {
        Self::Hd(e)
    }
}

/// Shortest password accepted for the vault.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A rough strength hint for a password: 0 (weak) to 4 (strong), with a word for the UI.
pub fn password_strength(pw: &str) -> (u8, &'static str) {
    let len = pw.chars().count();
    let classes = [
        pw.chars().any(|c| c.is_ascii_lowercase()),
        pw.chars().any(|c| c.is_ascii_uppercase()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let score = match (len, classes) {
        (0..=7, _) => 0,
        (8..=11, 0..=2) => 1,
        (8..=11, _) | (12..=15, 0..=1) => 2,
        (12..=15, _) | (16.., 0..=1) => 3,
        _ => 4,
    };
    (
        score,
        ["too short", "weak", "fair", "good", "strong"][usize::from(score)],
    )
}

/// Encrypts the secrets into a keystore container.
///
/// # Errors
/// [`WalletError::WeakPassword`], or a keystore error.
pub fn seal(
    secrets: &Secrets,
    password: &str,
    params: ScryptParams,
    rand: &EncryptionRandomness,
) -> Result<Keystore, WalletError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WalletError::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        });
    }
    // A buffer that never grows: a reallocation would leave a copy of the secrets behind in
    // freed memory. JSON escapes a character in at most 6 bytes (`\u001f`).
    let text_len = secrets.mnemonic.as_ref().map_or(0, String::len)
        + secrets.passphrase.len()
        + secrets.imported.iter().map(String::len).sum::<usize>();
    let mut plain = Zeroizing::new(Vec::with_capacity(
        6 * text_len + 64 + 4 * secrets.imported.len(),
    ));
    serde_json::to_writer(&mut *plain, secrets).map_err(|e| WalletError::Format {
        detail: e.to_string(),
    })?;
    Ok(keystore::encrypt(
        &plain,
        password,
        params,
        rand,
        None,
        Some(VAULT_KIND),
    )?)
}

/// Decrypts the secrets of a vault.
///
/// # Errors
/// [`WalletError::Keystore`] (notably a wrong password) or [`WalletError::Format`].
pub fn open(vault: &Keystore, password: &str) -> Result<Secrets, WalletError> {
    let plain = keystore::decrypt(vault, password)?;
    serde_json::from_slice(&plain).map_err(|e| WalletError::Format {
        detail: e.to_string(),
    })
}

impl Secrets {
    /// The BIP-39 seed, when there is a mnemonic.
    ///
    /// # Errors
    /// [`WalletError::NoMnemonic`] or a mnemonic error.
    pub fn seed(&self) -> Result<super::Seed, WalletError> {
        let phrase = self.mnemonic.as_deref().ok_or(WalletError::NoMnemonic)?;
        Ok(Mnemonic::parse(phrase)?.to_seed(&self.passphrase)?)
    }

    /// The key pair of an account entry.
    ///
    /// # Errors
    /// A derivation error, or [`WalletError::Inconsistent`] when the key does not give the
    /// stored address.
    pub fn account(
        &self,
        entry: &AccountEntry,
        seed: Option<&super::Seed>,
    ) -> Result<Account, WalletError> {
        let account = match &entry.source {
            KeySource::Derived { path } => {
                let seed = seed.ok_or(WalletError::NoMnemonic)?;
                Account::derive(seed, &path.parse::<DerivationPath>()?)?
            }
            KeySource::Imported { slot } => {
                let hex = self
                    .imported
                    .get(*slot)
                    .ok_or_else(|| WalletError::Inconsistent {
                        detail: format!("no imported key {slot}"),
                    })?;
                Account::from_private_key_hex(hex)?
            }
        };
        if account.address != entry.address {
            return Err(WalletError::Inconsistent {
                detail: format!("{} derives to {}", entry.name, account.address),
            });
        }
        Ok(account)
    }
}

impl Secrets {
    /// The key pairs of every entry, in order; derived paths share their common prefixes.
    ///
    /// # Errors
    /// As [`Secrets::account`].
    pub fn accounts(&self, entries: &[AccountEntry]) -> Result<Vec<Account>, WalletError> {
        let paths = entries
            .iter()
            .filter_map(|e| match &e.source {
                KeySource::Derived { path } => Some(path.parse::<DerivationPath>()),
                KeySource::Imported { .. } => None,
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut derived = if paths.is_empty() {
            Vec::new()
        } else {
            Account::derive_many(&self.seed()?, &paths)?
        }
        .into_iter();
        entries
            .iter()
            .map(|entry| {
                let account = match &entry.source {
                    KeySource::Derived { .. } => derived.next().ok_or(WalletError::NoMnemonic)?,
                    KeySource::Imported { .. } => self.account(entry, None)?,
                };
                if account.address != entry.address {
                    return Err(WalletError::Inconsistent {
                        detail: format!("{} derives to {}", entry.name, account.address),
                    });
                }
                Ok(account)
            })
            .collect()
    }
}

/// Parses a stored wallet file.
///
/// # Errors
/// [`WalletError::Format`] for unreadable data or an unknown version.
pub fn decode(text: &str) -> Result<WalletFile, WalletError> {
    let file: WalletFile = serde_json::from_str(text).map_err(|e| WalletError::Format {
        detail: crate::json_words::describe(text, &e),
    })?;
    if file.version != WALLET_VERSION {
        return Err(WalletError::Format {
            detail: format!("version {} is not supported", file.version),
        });
    }
    Ok(file)
}

/// Encodes a wallet file.
pub fn encode(file: &WalletFile) -> String {
    serde_json::to_string(file).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: ScryptParams = ScryptParams {
        log_n: 4,
        r: 8,
        p: 1,
    };
    const PHRASE: &str = "test test test test test test test test test test test junk";

    fn rand() -> EncryptionRandomness {
        EncryptionRandomness {
            salt: [1; 32],
            iv: [2; 16],
            uuid: [3; 16],
        }
    }

    #[test]
    fn seal_open_and_derive() {
        let secrets = Secrets {
            mnemonic: Some(PHRASE.into()),
            passphrase: String::new(),
            imported: vec![],
        };
        let vault = seal(&secrets, "correct horse", FAST, &rand()).unwrap();
        assert!(!vault.to_json().contains("junk"));
        assert!(matches!(
            open(&vault, "wrong password"),
            Err(WalletError::Keystore(KeystoreError::WrongPassword))
        ));
        let opened = open(&vault, "correct horse").unwrap();
        let seed = opened.seed().unwrap();
        let entry = AccountEntry {
            name: "Account 1".into(),
            address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
                .parse()
                .unwrap(),
            source: KeySource::Derived {
                path: "m/44'/60'/0'/0/0".into(),
            },
        };
        assert_eq!(
            opened.account(&entry, Some(&seed)).unwrap().address,
            entry.address
        );
        let wrong = AccountEntry {
            address: Address::ZERO,
            ..entry
        };
        assert!(matches!(
            opened.account(&wrong, Some(&seed)),
            Err(WalletError::Inconsistent { .. })
        ));
        assert_eq!(
            seal(&secrets, "short", FAST, &rand()),
            Err(WalletError::WeakPassword { min: 8 })
        );
        assert!(!format!("{opened:?}").contains("test"));
    }

    #[test]
    fn file_round_trip_and_versions() {
        let vault = seal(&Secrets::default(), "password1", FAST, &rand()).unwrap();
        let file = WalletFile {
            version: 1,
            vault,
            accounts: vec![],
            auto_lock_minutes: 5,
        };
        assert_eq!(decode(&encode(&file)).unwrap(), file);
        assert!(matches!(decode("{}"), Err(WalletError::Format { .. })));
        let mut v2 = file.clone();
        v2.version = 2;
        assert!(matches!(
            decode(&encode(&v2)),
            Err(WalletError::Format { .. })
        ));
    }

    #[test]
    fn strength_hint_grows_with_length_and_variety() {
        assert_eq!(password_strength("abc").0, 0);
        assert!(password_strength("abcdefgh").0 < password_strength("abcdEFGH12!?xyz").0);
        assert_eq!(
            password_strength("correct horse battery staple!").1,
            "strong"
        );
    }
}
