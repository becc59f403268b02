//! The stored wallet across tabs: a write names the stored value it replaces.
//!
//! Every tab of the app reads the wallet file once and then writes it back after each change
//! (an account added, a rename, a setting). A tab that has not seen another tab's write must
//! not replace it: that would drop a wallet, and with it its keys. So each tab keeps the
//! [`Seen`] value, the digest of the text it last read or wrote, and every write goes through
//! [`write`], which refuses ([`StoredWalletError::Stale`]) when the stored text is not that
//! one. A write that replaces a wallet on purpose ([`Intent::Replace`]: a new wallet over a
//! stored one, a restored backup) first keeps the stored text under a `blocklab.backup.*` key
//! ([`persist::back_up`], once by content) and says where.
//!
//! ```
//! use blocklab_core::persist::{KeyValueStore, MemoryStore};
//! use blocklab_core::wallet::stored::{self, Intent, Seen, StoredWalletError};
//! use blocklab_core::wallet::vault::WALLET_KEY;
//!
//! let store = MemoryStore::default();
//! // Two tabs open with no wallet.
//! let (tab_a, tab_b) = (Seen::read(&store)?, Seen::read(&store)?);
//! // Tab A stores a wallet (any text here).
//! let written = stored::write_text(&store, &tab_a, Some("wallet A"), Intent::Update, 0)?;
//! assert!(written.backup_key.is_none());
//! // Tab B, stale, tries to store another: refused, nothing written.
//! let refused = stored::write_text(&store, &tab_b, Some("wallet B"), Intent::Update, 0);
//! assert!(matches!(refused, Err(StoredWalletError::Stale)));
//! assert_eq!(store.get(WALLET_KEY)?.as_deref(), Some("wallet A"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use sha2::{Digest, Sha256};

use super::vault::{self, WalletFile, WALLET_KEY};
use crate::persist::{self, KeyValueStore, StorageError};

/// The stored wallet text a tab last read or wrote, by its SHA-256 digest (`None`: there was
/// no wallet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Seen(Option<[u8; 32]>);

impl Seen {
    /// What `text` (the value under [`WALLET_KEY`], if any) is seen as.
    pub fn of(text: Option<&str>) -> Self {
        Self(text.map(|t| Sha256::digest(t.as_bytes()).into()))
    }

    /// The value stored now.
    ///
    /// # Errors
    /// [`StorageError`] when storage cannot be read.
    pub fn read(store: &dyn KeyValueStore) -> Result<Self, StorageError> {
        Ok(Self::of(store.get(WALLET_KEY)?.as_deref()))
    }
}

/// What a write means to do with the stored wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// A change of the wallet this tab has (accounts, names, settings, a re-sealed vault).
    Update,
    /// Another wallet in its place, on purpose (a new or imported wallet, a restored backup,
    /// removing the wallet): the stored one is kept under a backup key first.
    Replace,
}

/// A write that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// What the tab has seen now.
    pub seen: Seen,
    /// Where the replaced wallet was kept ([`Intent::Replace`] over a stored wallet).
    pub backup_key: Option<String>,
}

/// Why nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredWalletError {
    /// Another tab changed the stored wallet since this tab read it: nothing was written.
    Stale,
    /// Storage refused to be read or written.
    Storage(StorageError),
}

impl fmt::Display for StoredWalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stale => f.write_str(
                "another tab changed the wallet (created, imported, changed or removed it) since this tab read it; nothing was written here and this tab now shows the stored wallet",
            ),
            Self::Storage(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StoredWalletError {}

impl From<StorageError> for StoredWalletError {
    fn from(e: StorageError) -> Self {
        Self::Storage(e)
    }
}

/// Stores `file` (or removes the wallet, `None`) if the stored value is still `seen`.
///
/// # Errors
/// [`StoredWalletError::Stale`] when another tab wrote since; [`StoredWalletError::Storage`]
/// when storage fails (the stored wallet is then unchanged, or kept under a backup key).
pub fn write(
    store: &dyn KeyValueStore,
    seen: &Seen,
    file: Option<&WalletFile>,
    intent: Intent,
    now_ms: u64,
) -> Result<Written, StoredWalletError> {
    let text = file.map(vault::encode);
    write_text(store, seen, text.as_deref(), intent, now_ms)
}

/// [`write`] of the wallet's text as stored.
///
/// # Errors
/// As [`write`].
pub fn write_text(
    store: &dyn KeyValueStore,
    seen: &Seen,
    text: Option<&str>,
    intent: Intent,
    now_ms: u64,
) -> Result<Written, StoredWalletError> {
    let stored = store.get(WALLET_KEY)?;
    if Seen::of(stored.as_deref()) != *seen {
        return Err(StoredWalletError::Stale);
    }
    let backup_key = match (&stored, intent) {
        (Some(old), Intent::Replace) if Some(old.as_str()) != text => {
            Some(persist::back_up(store, old, now_ms)?)
        }
        _ => None,
    };
    match text {
        Some(t) => store.set(WALLET_KEY, t)?,
        None => store.remove(WALLET_KEY)?,
    }
    Ok(Written {
        seen: Seen::of(text),
        backup_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::MemoryStore;

    #[test]
    fn a_write_over_an_unseen_value_is_refused_and_changes_nothing() {
        let store = MemoryStore::default();
        let none = Seen::read(&store).unwrap();
        let a = write_text(&store, &none, Some("A"), Intent::Update, 1).unwrap();
        assert_eq!(a.seen, Seen::of(Some("A")));
        // Stale: another tab saw no wallet, or saw an older one.
        for (seen, text) in [
            (none, Some("B")),
            (none, None),
            (Seen::of(Some("old")), Some("B")),
        ] {
            assert_eq!(
                write_text(&store, &seen, text, Intent::Replace, 2),
                Err(StoredWalletError::Stale)
            );
        }
        assert_eq!(store.get(WALLET_KEY).unwrap().as_deref(), Some("A"));
        assert!(store
            .keys_starting_with("blocklab.backup.")
            .unwrap()
            .is_empty());
        // The tab that wrote last can write again.
        let b = write_text(&store, &a.seen, Some("A2"), Intent::Update, 3).unwrap();
        assert_eq!(b.backup_key, None);
        assert_eq!(store.get(WALLET_KEY).unwrap().as_deref(), Some("A2"));
    }

    #[test]
    fn a_replacement_keeps_the_replaced_wallet_under_a_backup_key() {
        let store = MemoryStore::default();
        let a = write_text(&store, &Seen::default(), Some("A"), Intent::Replace, 1).unwrap();
        assert_eq!(a.backup_key, None, "nothing to keep");
        let b = write_text(&store, &a.seen, Some("B"), Intent::Replace, 2).unwrap();
        let key = b.backup_key.unwrap();
        assert_eq!(store.get(&key).unwrap().as_deref(), Some("A"));
        // Removing is a replacement too.
        let gone = write_text(&store, &b.seen, None, Intent::Replace, 3).unwrap();
        let key = gone.backup_key.unwrap();
        assert_eq!(store.get(&key).unwrap().as_deref(), Some("B"));
        assert_eq!(store.get(WALLET_KEY).unwrap(), None);
        assert_eq!(gone.seen, Seen::default());
    }
}
