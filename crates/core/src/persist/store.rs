//! The snapshot in key-value storage: the [`KeyValueStore`] trait (localStorage in the app,
//! [`MemoryStore`] in tests), crash-safe [`save`] into two slots behind a pointer, [`load`] of
//! the last complete snapshot (backing up any unreadable value first), and the quota
//! [`Usage`]. The formats themselves are in the parent module.

use core::fmt;

use crate::compact;

use super::{
    decode_with_generation, encode_generation, FormatError, Snapshot, BACKUP_PREFIX, KEY_PREFIX,
    SLOT_KEYS, SNAPSHOT_KEY, SNAPSHOT_VERSION,
};

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// The browser refused the write because the storage quota is full.
    QuotaExceeded,
    /// Storage is not available at all (private mode, disabled, no window).
    Unavailable { detail: String },
    /// Any other failure reported by the platform.
    Other { detail: String },
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QuotaExceeded => f.write_str(
                "browser storage is full: nothing was lost, but this change is not saved; export the chain or free space",
            ),
            Self::Unavailable { detail } => write!(f, "browser storage is not available ({detail}); changes will not be saved"),
            Self::Other { detail } => write!(f, "saving failed ({detail})"),
        }
    }
}

impl std::error::Error for StorageError {}

/// A string key-value store (localStorage in the browser, a map in tests).
pub trait KeyValueStore {
    /// The value under `key`, if any.
    ///
    /// # Errors
    /// [`StorageError`] when the store cannot be read.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Stores `value` under `key`.
    ///
    /// # Errors
    /// [`StorageError`], notably [`StorageError::QuotaExceeded`].
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes `key`.
    ///
    /// # Errors
    /// [`StorageError`] when the store cannot be written.
    fn remove(&self, key: &str) -> Result<(), StorageError>;
}

/// What [`load`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per page load; the snapshot is moved into the app state right away"
)]
pub enum LoadOutcome {
    /// Nothing stored yet.
    Empty,
    /// A readable snapshot.
    Loaded(Snapshot),
    /// No stored snapshot could be read. The unreadable value was copied to `backup_key` (when
    /// that write succeeded); the original key is left as it was.
    Corrupt {
        error: FormatError,
        backup_key: Option<String>,
        raw: String,
    },
    /// A complete snapshot was loaded, but another stored value (a damaged slot or pointer)
    /// could not be read: it was copied to `backup_key` (when that write succeeded) and left
    /// as it was.
    Salvaged {
        snapshot: Snapshot,
        error: FormatError,
        backup_key: Option<String>,
        raw: String,
    },
}

/// The pointer stored under [`SNAPSHOT_KEY`] from version 3 on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Head {
    /// One of [`SLOT_KEYS`].
    head: String,
    generation: u64,
}

impl Head {
    pub(super) fn parse(text: &str) -> Option<(usize, u64)> {
        let h: Self = serde_json::from_str(text).ok()?;
        let slot = SLOT_KEYS.iter().position(|k| *k == h.head)?;
        Some((slot, h.generation))
    }

    pub(super) fn encode(slot: usize, generation: u64) -> String {
        let h = Self {
            head: SLOT_KEYS[slot % 2].to_owned(),
            generation,
        };
        serde_json::to_string(&h).unwrap_or_default()
    }
}

/// Loads the snapshot from `store`: of the values stored under [`SLOT_KEYS`] and (before
/// version 3) [`SNAPSHOT_KEY`], the complete one with the highest generation, whatever the
/// pointer says (so a save interrupted between its writes loses nothing). Every unreadable
/// value is first copied to `blocklab.backup.<timestamp_ms>` and never removed here. When the
/// pointer does not name the loaded slot (an interrupted save), it is repaired.
///
/// # Errors
/// [`StorageError`] when the store cannot be read at all.
pub fn load(store: &dyn KeyValueStore, timestamp_ms: u64) -> Result<LoadOutcome, StorageError> {
    let pointer = store.get(SNAPSHOT_KEY)?;
    let head = pointer.as_deref().and_then(Head::parse);
    // (key, raw) of every stored value that may be a snapshot, the pointer's slot first.
    let mut present: Vec<(&str, String)> = Vec::new();
    let order = match head {
        Some((1, _)) => [1, 0],
        _ => [0, 1],
    };
    for slot in order {
        if let Some(raw) = store.get(SLOT_KEYS[slot])? {
            present.push((SLOT_KEYS[slot], raw));
        }
    }
    if let (None, Some(raw)) = (head, pointer) {
        present.push((SNAPSHOT_KEY, raw));
    }
    let mut best: Option<(Snapshot, u64, &str)> = None;
    let mut unreadable: Vec<(FormatError, String)> = Vec::new();
    for (key, raw) in present {
        match decode_with_generation(&raw) {
            Ok((s, generation)) => {
                if best.as_ref().is_none_or(|(_, g, _)| generation > *g) {
                    best = Some((s, generation, key));
                }
            }
            Err(e) => unreadable.push((e, raw)),
        }
    }
    let mut first_problem = None;
    let mut all_backed_up = true;
    for (i, (error, raw)) in unreadable.into_iter().enumerate() {
        let key = if i == 0 {
            format!("{BACKUP_PREFIX}{timestamp_ms}")
        } else {
            format!("{BACKUP_PREFIX}{timestamp_ms}-{i}")
        };
        let backup_key = store.set(&key, &raw).ok().map(|()| key);
        all_backed_up &= backup_key.is_some();
        if first_problem.is_none() {
            first_problem = Some((error, backup_key, raw));
        }
    }
    match (best, first_problem) {
        (None, None) => Ok(LoadOutcome::Empty),
        (None, Some((error, backup_key, raw))) => Ok(LoadOutcome::Corrupt {
            error,
            backup_key,
            raw,
        }),
        (Some((snapshot, generation, key)), problem) => {
            if let Some(slot) = SLOT_KEYS.iter().position(|k| *k == key) {
                // Repair a pointer that an interrupted save left behind (never over an
                // unreadable pointer that could not be backed up).
                if head != Some((slot, generation)) && all_backed_up {
                    let _ = store.set(SNAPSHOT_KEY, &Head::encode(slot, generation));
                }
            }
            Ok(match problem {
                None => LoadOutcome::Loaded(snapshot),
                Some((error, backup_key, raw)) => LoadOutcome::Salvaged {
                    snapshot,
                    error,
                    backup_key,
                    raw,
                },
            })
        }
    }
}

/// The generation stored in a slot (`None` when it is empty or unreadable), read without
/// decoding the blocks.
fn slot_generation(store: &dyn KeyValueStore, slot: usize) -> Result<Option<u64>, StorageError> {
    #[derive(serde::Deserialize)]
    struct GenerationProbe {
        version: u32,
        generation: u64,
    }
    Ok(store.get(SLOT_KEYS[slot])?.and_then(|raw| {
        serde_json::from_str::<GenerationProbe>(&raw)
            .ok()
            .filter(|p| p.version == SNAPSHOT_VERSION)
            .map(|p| p.generation)
    }))
}

/// Saves the snapshot without ever leaving a half-written state: the new value goes to the slot
/// the pointer does not name, then the pointer is switched, then the old slot is removed. When
/// there is no room for two copies (quota), the current slot is replaced in one write instead.
///
/// # Errors
/// [`StorageError`]; on failure the stored snapshot is the previous one.
pub fn save(store: &dyn KeyValueStore, snapshot: &Snapshot) -> Result<(), StorageError> {
    let head = store.get(SNAPSHOT_KEY)?.as_deref().and_then(Head::parse);
    // The slot to keep until the new value is complete, and the highest generation stored.
    let (current, mut generation) = match head {
        Some((slot, generation)) => (Some(slot), generation),
        None => (None, 0),
    };
    let target = match current {
        Some(slot) => 1 - slot,
        None => {
            // No pointer: keep the slot of the highest generation, write over the other.
            let a = slot_generation(store, 0)?;
            let b = slot_generation(store, 1)?;
            generation = a.max(b).unwrap_or(0);
            usize::from(a.unwrap_or(0) > b.unwrap_or(0) || (a.is_some() && b.is_none()))
        }
    };
    // A slot left by an interrupted save may hold a newer generation than the pointer.
    if current.is_some() {
        if let Some(g) = slot_generation(store, target)? {
            generation = generation.max(g);
        }
    }
    let generation = generation.saturating_add(1);
    let text = encode_generation(snapshot, generation);
    let mut written = target;
    if let Err(e) = store.set(SLOT_KEYS[target], &text) {
        match (e, current) {
            (StorageError::QuotaExceeded, Some(slot)) => {
                // No room for two copies: replace the current one in a single write, which
                // the browser applies whole or not at all.
                store.set(SLOT_KEYS[slot], &text)?;
                written = slot;
            }
            (e, _) => return Err(e),
        }
    }
    if let Err(e) = store.set(SNAPSHOT_KEY, &Head::encode(written, generation)) {
        if Some(written) == current {
            // The slot is complete and its generation is the highest: load takes it.
            return Ok(());
        }
        let _ = store.remove(SLOT_KEYS[written]);
        return Err(e);
    }
    if Some(written) != current {
        let _ = store.remove(SLOT_KEYS[1 - written]);
    }
    Ok(())
}

/// The localStorage quota of one origin in UTF-16 code units, as measured in Chromium 156
/// (keys and values together; ASCII and other text count the same).
pub const QUOTA_UNITS: usize = 5_242_880;
/// Above this share of [`QUOTA_UNITS`] (in percent) the app warns that storage is nearly full.
pub const WARN_PERCENT: usize = 80;

/// How much of the storage quota the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// UTF-16 code units of every `blocklab.*` key and value.
    pub used: usize,
    /// The quota, in the same units.
    pub quota: usize,
}

impl Usage {
    /// Measures the `blocklab.*` entries among `entries` (key, value) against `quota`.
    pub fn measure<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
        quota: usize,
    ) -> Self {
        let used = entries
            .into_iter()
            .filter(|(k, _)| k.starts_with(KEY_PREFIX))
            .map(|(k, v)| compact::utf16_len(k) + compact::utf16_len(v))
            .sum();
        Self { used, quota }
    }

    /// Whole percent of the quota used (rounded down).
    pub fn percent(&self) -> usize {
        if self.quota == 0 {
            return 100;
        }
        self.used.saturating_mul(100) / self.quota
    }

    /// Whether the app should warn that storage is nearly full.
    pub fn nearly_full(&self) -> bool {
        self.percent() >= WARN_PERCENT
    }
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} characters ({}%)",
            self.used,
            self.quota,
            self.percent()
        )
    }
}

/// An in-memory [`KeyValueStore`] with an optional quota (in UTF-16 code units, as
/// localStorage counts), for tests and for running
/// without browser storage.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: std::cell::RefCell<std::collections::BTreeMap<String, String>>,
    /// Largest total of key and value lengths (UTF-16 code units) accepted; `None` for no
    /// limit.
    pub quota: Option<usize>,
}

impl MemoryStore {
    /// A store that refuses writes past `quota` UTF-16 code units.
    pub fn with_quota(quota: usize) -> Self {
        Self {
            quota: Some(quota),
            ..Self::default()
        }
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }

    /// How much of its quota (or of [`QUOTA_UNITS`]) the store uses.
    pub fn usage(&self) -> Usage {
        let map = self.map.borrow();
        Usage::measure(
            map.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            self.quota.unwrap_or(QUOTA_UNITS),
        )
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.map.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let mut map = self.map.borrow_mut();
        if let Some(quota) = self.quota {
            let others: usize = map
                .iter()
                .filter(|(k, _)| *k != key)
                .map(|(k, v)| compact::utf16_len(k) + compact::utf16_len(v))
                .sum();
            if others + compact::utf16_len(key) + compact::utf16_len(value) > quota {
                return Err(StorageError::QuotaExceeded);
            }
        }
        map.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
}
