//! The snapshot in key-value storage: the [`KeyValueStore`] trait (localStorage in the app,
//! [`MemoryStore`] in tests), crash-safe [`save`] into two slots behind a pointer, [`load`] of
//! the last complete snapshot (backing up every value it does not load first, once), and the quota
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
    /// Every key that starts with `prefix`, sorted.
    ///
    /// # Errors
    /// [`StorageError`] when the store cannot be read.
    fn keys_starting_with(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
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
    /// A complete snapshot was loaded, and another complete one that loading did not choose
    /// (an older generation left by an interrupted save, or an older version's snapshot under
    /// the pointer key beside a newer slot) was copied to `backup_key` (when that write
    /// succeeded) before any save replaces it.
    Superseded {
        snapshot: Snapshot,
        /// Blocks (genesis included) of the snapshot that was not loaded.
        blocks: usize,
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
/// pointer says (so a save interrupted between its writes loses nothing). Every value it does
/// not load (unreadable, or complete but not chosen: an older generation, an older version's
/// snapshot under the pointer key) is first copied to `blocklab.backup.<timestamp_ms>` (once:
/// a value already kept under a backup key is not copied again) and never removed here. When
/// the pointer does not name the loaded slot (an interrupted save), it is repaired.
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
    let mut complete: Vec<(Snapshot, u64, &str, String)> = Vec::new();
    let mut unreadable: Vec<(FormatError, String)> = Vec::new();
    for (key, raw) in present {
        match decode_with_generation(&raw) {
            Ok((s, generation)) => complete.push((s, generation, key, raw)),
            Err(e) => unreadable.push((e, raw)),
        }
    }
    // The first of the highest generation (the pointer's slot wins a tie).
    let best = (0..complete.len()).fold(None, |best: Option<usize>, i| match best {
        Some(b) if complete[b].1 >= complete[i].1 => Some(b),
        _ => Some(i),
    });
    let best = best.map(|b| complete.swap_remove(b));
    let mut backups = Backups::new(store, timestamp_ms)?;
    let mut first_problem = None;
    for (error, raw) in unreadable {
        let backup_key = backups.keep(&raw);
        if first_problem.is_none() {
            first_problem = Some((error, backup_key, raw));
        }
    }
    let mut first_superseded = None;
    for (snapshot, _, _, raw) in complete {
        if best.as_ref().is_some_and(|b| b.3 == raw) {
            continue; // the same value as the one loaded
        }
        let backup_key = backups.keep(&raw);
        if first_superseded.is_none() {
            first_superseded = Some((snapshot.chain.len(), backup_key, raw));
        }
    }
    match (best, first_problem) {
        (None, None) => Ok(LoadOutcome::Empty),
        (None, Some((error, backup_key, raw))) => Ok(LoadOutcome::Corrupt {
            error,
            backup_key,
            raw,
        }),
        (Some((snapshot, generation, key, _)), problem) => {
            if let Some(slot) = SLOT_KEYS.iter().position(|k| *k == key) {
                // Repair a pointer that an interrupted save left behind (never over a value
                // that could not be backed up).
                if head != Some((slot, generation)) && backups.all_kept {
                    let _ = store.set(SNAPSHOT_KEY, &Head::encode(slot, generation));
                }
            }
            Ok(match (problem, first_superseded) {
                (Some((error, backup_key, raw)), _) => LoadOutcome::Salvaged {
                    snapshot,
                    error,
                    backup_key,
                    raw,
                },
                (None, Some((blocks, backup_key, raw))) => LoadOutcome::Superseded {
                    snapshot,
                    blocks,
                    backup_key,
                    raw,
                },
                (None, None) => LoadOutcome::Loaded(snapshot),
            })
        }
    }
}

/// The values already kept under `blocklab.backup.*`, so that a value is backed up once.
struct Backups<'a> {
    store: &'a dyn KeyValueStore,
    timestamp_ms: u64,
    keys: Vec<String>,
    /// Whether every value passed to [`Self::keep`] is now under a backup key.
    all_kept: bool,
}

impl<'a> Backups<'a> {
    fn new(store: &'a dyn KeyValueStore, timestamp_ms: u64) -> Result<Self, StorageError> {
        Ok(Self {
            store,
            timestamp_ms,
            keys: store.keys_starting_with(BACKUP_PREFIX)?,
            all_kept: true,
        })
    }

    /// The backup key that holds `raw`: an existing backup of the same content, else a new
    /// key `blocklab.backup.<ms>` (`-1`, `-2`, ... when taken); `None` when the write failed.
    fn keep(&mut self, raw: &str) -> Option<String> {
        let kept = self.find(raw).or_else(|| self.write(raw).ok());
        self.all_kept &= kept.is_some();
        kept
    }

    fn find(&self, raw: &str) -> Option<String> {
        self.keys
            .iter()
            .find(|k| matches!(self.store.get(k), Ok(Some(v)) if v == raw))
            .cloned()
    }

    fn write(&mut self, raw: &str) -> Result<String, StorageError> {
        let key = (0..)
            .map(|i| match i {
                0 => format!("{BACKUP_PREFIX}{}", self.timestamp_ms),
                i => format!("{BACKUP_PREFIX}{}-{i}", self.timestamp_ms),
            })
            .find(|k| !self.keys.contains(k))
            .unwrap_or_default();
        self.store.set(&key, raw)?;
        self.keys.push(key.clone());
        Ok(key)
    }
}

/// Keeps `raw` (any stored value the app cannot use, such as an unreadable wallet) under a
/// backup key as [`load`] does: an existing backup of the same content, else a new
/// `blocklab.backup.<timestamp_ms>`. Returns the key that holds it.
///
/// # Errors
/// [`StorageError`] when the store cannot be read or the copy cannot be written.
pub fn back_up(
    store: &dyn KeyValueStore,
    raw: &str,
    timestamp_ms: u64,
) -> Result<String, StorageError> {
    let mut backups = Backups::new(store, timestamp_ms)?;
    match backups.find(raw) {
        Some(key) => Ok(key),
        None => backups.write(raw),
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

    fn keys_starting_with(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .map
            .borrow()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }
}
