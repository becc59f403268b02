//! One file that holds everything the app stores: the snapshot (chain, pending records,
//! mempool, settings), the wallet vault (still encrypted: its secrets never leave the
//! scrypt/AES envelope) and the other `blocklab.*` settings (the JSON-RPC URL).
//!
//! A restore reads and validates the whole file first ([`decode_backup`]); only a file that
//! passes every check reaches [`restore`], so a bad file changes nothing.

use core::fmt;
use std::collections::BTreeMap;

use crate::json_words;
use crate::persist::{
    self, KeyValueStore, Snapshot, StorageError, BACKUP_PREFIX, KEY_PREFIX, SLOT_KEYS, SNAPSHOT_KEY,
};
use crate::wallet::stored::{self, Intent};
use crate::wallet::vault::{self, WALLET_KEY};

/// The `format` tag of a backup file.
pub const BACKUP_FILE_FORMAT: &str = "blocklab-backup";
/// The backup file version this build writes and reads.
pub const BACKUP_FILE_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupFile {
    format: String,
    version: u32,
    /// The snapshot as stored (current version).
    snapshot: String,
    /// The stored wallet vault, as stored (encrypted), if there is one.
    wallet: Option<String>,
    /// Every other `blocklab.*` value, by key.
    #[serde(default)]
    other: BTreeMap<String, String>,
}

/// A validated backup, ready for [`restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub snapshot: Snapshot,
    /// The encrypted wallet vault text (it parsed as a vault).
    pub wallet: Option<String>,
    /// Other `blocklab.*` keys and their values.
    pub other: BTreeMap<String, String>,
}

/// Why a backup file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// Not JSON, or not the shape of a backup file.
    Malformed { detail: String },
    /// JSON, but not a blocklab backup file.
    WrongFormat { got: String },
    /// A version this build does not read.
    UnsupportedVersion { got: u32 },
    /// The snapshot inside does not read.
    Snapshot(persist::FormatError),
    /// The wallet inside does not read as a wallet vault.
    Wallet { detail: String },
    /// A key the backup may not write (not `blocklab.*`, or one of the snapshot, wallet or
    /// backup keys).
    ForbiddenKey { key: String },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("restore refused, nothing was changed: ")?;
        match self {
            Self::Malformed { detail } => {
                write!(f, "the file is not a readable blocklab backup: {detail}")
            }
            Self::WrongFormat { got } => {
                write!(f, "this is not a blocklab backup (its format is \"{got}\")")
            }
            Self::UnsupportedVersion { got } => write!(
                f,
                "backup version {got} is not supported by this version of blocklab"
            ),
            Self::Snapshot(e) => write!(f, "its chain cannot be read: {e}"),
            Self::Wallet { detail } => write!(f, "its wallet cannot be read: {detail}"),
            Self::ForbiddenKey { key } => write!(f, "it holds an unexpected key \"{key}\""),
        }
    }
}

impl std::error::Error for BackupError {}

/// Whether `key` is one the snapshot machinery owns (pointer, slots, backups of unreadable
/// values) or the wallet: those are never carried in `other`.
fn is_reserved(key: &str) -> bool {
    key == SNAPSHOT_KEY
        || SLOT_KEYS.contains(&key)
        || key == WALLET_KEY
        || key.starts_with(BACKUP_PREFIX)
}

/// Writes everything into one backup file. `stored` is every (key, value) in storage; the
/// wallet and other `blocklab.*` values are taken from it as they are (the wallet encrypted),
/// the snapshot is encoded from `snapshot` (what the app holds now).
pub fn encode_backup<'a>(
    snapshot: &Snapshot,
    stored: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut wallet = None;
    let mut other = BTreeMap::new();
    for (k, v) in stored {
        if k == WALLET_KEY {
            wallet = Some(v.to_owned());
        } else if k.starts_with(KEY_PREFIX) && !is_reserved(k) {
            other.insert(k.to_owned(), v.to_owned());
        }
    }
    let file = BackupFile {
        format: BACKUP_FILE_FORMAT.into(),
        version: BACKUP_FILE_VERSION,
        snapshot: persist::encode_snapshot(snapshot),
        wallet,
        other,
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads and validates a backup file: its format and version, its snapshot (any supported
/// snapshot version), its wallet vault, and that it writes only `blocklab.*` settings keys.
///
/// # Errors
/// [`BackupError`] naming the first problem.
pub fn decode_backup(text: &str) -> Result<Backup, BackupError> {
    #[derive(serde::Deserialize)]
    struct Probe {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let malformed = |e: serde_json::Error| BackupError::Malformed {
        detail: json_words::describe(text, &e),
    };
    let probe: Probe = serde_json::from_str(text).map_err(malformed)?;
    match probe.format {
        Some(serde_json::Value::String(s)) if s == BACKUP_FILE_FORMAT => {}
        Some(v) => {
            return Err(BackupError::WrongFormat {
                got: v.to_string().trim_matches('"').to_owned(),
            })
        }
        None => {
            return Err(BackupError::Malformed {
                detail: format!(
                    "{}: it is not a backup made by blocklab",
                    json_words::missing_field("format")
                ),
            })
        }
    }
    match probe.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(BACKUP_FILE_VERSION) => {}
        Some(v) => {
            return Err(BackupError::UnsupportedVersion {
                got: u32::try_from(v).unwrap_or(u32::MAX),
            })
        }
        None => {
            return Err(BackupError::Malformed {
                detail: "the file's \"version\" field is missing or not a number".into(),
            })
        }
    }
    let file: BackupFile = serde_json::from_str(text).map_err(malformed)?;
    let snapshot = persist::decode_snapshot(&file.snapshot).map_err(BackupError::Snapshot)?;
    if let Some(w) = &file.wallet {
        vault::decode(w).map_err(|e| BackupError::Wallet {
            detail: e.to_string(),
        })?;
    }
    if let Some(key) = file
        .other
        .keys()
        .find(|k| !k.starts_with(KEY_PREFIX) || is_reserved(k))
    {
        return Err(BackupError::ForbiddenKey { key: key.clone() });
    }
    Ok(Backup {
        snapshot,
        wallet: file.wallet,
        other: file.other,
    })
}

/// Writes a validated backup into `store`: the other settings, then the wallet (removed when
/// the backup has none; a different stored wallet is first kept under a `blocklab.backup.*`
/// key stamped `now_ms`), then the snapshot (by the crash-safe [`persist::save`]).
///
/// # Errors
/// [`StorageError`] from the first write that failed.
pub fn restore(
    store: &dyn KeyValueStore,
    backup: &Backup,
    now_ms: u64,
) -> Result<(), StorageError> {
    for (k, v) in &backup.other {
        store.set(k, v)?;
    }
    let seen = stored::Seen::read(store)?;
    match stored::write_text(
        store,
        &seen,
        backup.wallet.as_deref(),
        Intent::Replace,
        now_ms,
    ) {
        Ok(_) => {}
        Err(stored::StoredWalletError::Storage(e)) => return Err(e),
        // Read just above, in this same call.
        Err(stored::StoredWalletError::Stale) => {
            return Err(StorageError::Other {
                detail: "the wallet changed while the backup was restored".into(),
            })
        }
    }
    persist::save(store, &backup.snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::{load, LoadOutcome, MemoryStore, Settings};
    use crate::state::tests::{dev, eth, test_chain, transfer};

    fn snapshot() -> Snapshot {
        let chain = test_chain();
        let mut mempool = crate::Mempool::new();
        mempool
            .add(
                transfer(0, 2, dev(1), eth("1")),
                chain.state(),
                chain.params(),
            )
            .unwrap();
        Snapshot {
            chain,
            pending: vec![crate::Record::from_form("a", "b", "1", "m").unwrap()],
            mempool,
            settings: Settings {
                difficulty: 5,
                workers: Some(2),
                beneficiary: Some(dev(1)),
            },
        }
    }

    /// A real encrypted vault (cheap scrypt) as the wallet stores it.
    fn wallet_text() -> String {
        use crate::wallet::keystore::EncryptionRandomness;
        use crate::wallet::ScryptParams;
        let secrets = vault::Secrets {
            mnemonic: Some("test test test test test test test test test test test junk".into()),
            passphrase: String::new(),
            imported: vec![],
        };
        let rand = EncryptionRandomness {
            salt: [1; 32],
            iv: [2; 16],
            uuid: [3; 16],
        };
        let params = ScryptParams {
            log_n: 4,
            r: 8,
            p: 1,
        };
        let sealed = vault::seal(&secrets, "correct horse", params, &rand).unwrap();
        vault::encode(&vault::WalletFile {
            version: 1,
            vault: sealed,
            accounts: vec![],
            auto_lock_minutes: 5,
        })
    }

    fn entries(store: &MemoryStore) -> Vec<(String, String)> {
        store
            .keys()
            .into_iter()
            .map(|k| {
                let v = store.get(&k).unwrap().unwrap();
                (k, v)
            })
            .collect()
    }

    #[test]
    fn a_backup_restores_everything_into_an_empty_store() {
        let store = MemoryStore::default();
        persist::save(&store, &snapshot()).unwrap();
        store.set(WALLET_KEY, &wallet_text()).unwrap();
        store.set("blocklab.rpc", "{\"url\":\"http://x\"}").unwrap();
        store.set("blocklab.backup.1", "junk kept aside").unwrap();
        store.set("unrelated", "not ours").unwrap();
        let all = entries(&store);
        let text = encode_backup(
            &snapshot(),
            all.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(!text.contains("junk kept aside") && !text.contains("not ours"));
        let backup = decode_backup(&text).unwrap();
        assert_eq!(backup.wallet.as_deref(), Some(wallet_text().as_str()));
        let fresh = MemoryStore::default();
        // A wallet already there is replaced on purpose: kept under a backup key first.
        fresh.set(WALLET_KEY, "the wallet stored before").unwrap();
        restore(&fresh, &backup, 7).unwrap();
        let kept = fresh.keys_starting_with("blocklab.backup.").unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(
            fresh.get(&kept[0]).unwrap().as_deref(),
            Some("the wallet stored before")
        );
        assert_eq!(load(&fresh, 1).unwrap(), LoadOutcome::Loaded(snapshot()));
        let LoadOutcome::Loaded(s) = load(&fresh, 1).unwrap() else {
            panic!()
        };
        assert_eq!(s.mempool, snapshot().mempool);
        assert_eq!(fresh.get(WALLET_KEY).unwrap(), Some(wallet_text()));
        assert_eq!(
            fresh.get("blocklab.rpc").unwrap().as_deref(),
            Some("{\"url\":\"http://x\"}")
        );
        // The wallet is still the encrypted vault: it decodes as one, with a ciphertext.
        let restored = vault::decode(&wallet_text()).unwrap();
        assert!(wallet_text().contains("ciphertext") && !wallet_text().contains("junk"));
        assert!(vault::open(&restored.vault, "correct horse").is_ok());
    }

    #[test]
    fn a_bad_backup_is_refused_before_anything_is_written() {
        let good = encode_backup(&snapshot(), [(WALLET_KEY, wallet_text().as_str())]);
        let file: serde_json::Value = serde_json::from_str(&good).unwrap();
        let with = |field: &str, value: serde_json::Value| {
            let mut f = file.clone();
            f[field] = value;
            f.to_string()
        };
        let cases = [
            ("not json".to_owned(), "not a readable blocklab backup"),
            (
                with("format", "blocklab-chain".into()),
                "not a blocklab backup",
            ),
            (with("version", 9.into()), "version 9 is not supported"),
            (
                with("snapshot", "{\"version\":3}".into()),
                "its chain cannot be read",
            ),
            (
                with("wallet", "{\"version\":1}".into()),
                "its wallet cannot be read",
            ),
            (
                with("other", serde_json::json!({ "blocklab.snapshot.a": "x" })),
                "unexpected key \"blocklab.snapshot.a\"",
            ),
            (
                with("other", serde_json::json!({ "evil": "x" })),
                "unexpected key \"evil\"",
            ),
        ];
        for (text, says) in cases {
            let store = MemoryStore::default();
            persist::save(&store, &snapshot()).unwrap();
            let before = entries(&store);
            let err = decode_backup(&text).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.starts_with("restore refused, nothing was changed"),
                "{msg}"
            );
            assert!(msg.contains(says), "{msg}");
            assert_eq!(entries(&store), before);
        }
    }
}
