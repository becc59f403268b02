//! The persisted formats: the app's snapshot in key-value storage and the chain export file.
//!
//! Both carry a format version; this file holds the formats. Storage, in `persist/store.rs`
//! (re-exported here), is reached through [`KeyValueStore`], which the app implements over
//! localStorage and tests implement in memory. A value that cannot be read is
//! never overwritten silently: [`load`] first copies it to a backup key.
//!
//! ## Keys and crash safety (snapshot version 3)
//!
//! The snapshot lives in one of two slots, [`SLOT_KEYS`]; [`SNAPSHOT_KEY`] holds a small
//! pointer naming the current slot and its generation. [`save`] writes the new snapshot into
//! the *other* slot, then switches the pointer, then removes the old slot. A crash (a closed
//! tab) between any two of these writes leaves at least one complete snapshot, and [`load`]
//! takes the complete one with the highest generation, whatever the pointer says; each value
//! is a single `setItem`, which the browser applies whole or not at all.
//!
//! Versions 1 and 2 kept the whole snapshot as JSON under [`SNAPSHOT_KEY`]; [`load`] still
//! reads it there (as generation 0) and the first [`save`] replaces it by a pointer.

use core::fmt;

use crate::address::Address;
use crate::block::Block;
use crate::chain::{Chain, ChainParams, ValidationReport};
use crate::compact;
use crate::json_words;
use crate::mempool::Mempool;
use crate::record::Record;
use crate::tx::SignedTx;

/// The storage key of the pointer to the current snapshot slot (and, before version 3, of the
/// whole snapshot).
pub const SNAPSHOT_KEY: &str = "blocklab.snapshot";
/// The two slots a version 3 snapshot is written to, in turn.
pub const SLOT_KEYS: [&str; 2] = ["blocklab.snapshot.a", "blocklab.snapshot.b"];
/// Prefix of every key the app stores (what the storage panel measures).
pub const KEY_PREFIX: &str = "blocklab.";
/// Prefix of the keys that hold unreadable values kept for the user.
pub const BACKUP_PREFIX: &str = "blocklab.backup.";
/// The snapshot format this build writes. Version 3 stores blocks and the mempool in the
/// compact form of [`crate::compact`] inside a JSON envelope; version 2 (JSON blocks) added
/// the mempool; version 1 snapshots (blocks of records only) are still read, with an empty
/// mempool.
pub const SNAPSHOT_VERSION: u32 = 3;
/// Snapshot versions this build reads.
const SNAPSHOT_VERSIONS: [u32; 3] = [1, 2, 3];
/// The `format` tag of an exported chain file.
pub const CHAIN_FILE_FORMAT: &str = "blocklab-chain";
/// The chain file version this build writes. Version 2 may hold transaction, coinbase and
/// allocation entries; version 1 files (records only) import unchanged.
pub const CHAIN_FILE_VERSION: u32 = 2;
/// Chain file versions this build reads.
const CHAIN_FILE_VERSIONS: [u32; 2] = [1, 2];

/// User settings kept with the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Difficulty (leading zero bits) for the next block.
    pub difficulty: u32,
    /// How many web workers mine (1 to [`MAX_MINING_WORKERS`]); `None` means one per logical
    /// core (`navigator.hardwareConcurrency`). Absent in snapshots written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
    /// Who the coinbase of the next mined block pays; `None` is the default
    /// ([`Settings::coinbase_to`]: an account the user has, never the zero address). Absent in
    /// snapshots written before it existed.
    #[serde(default)]
    pub beneficiary: Option<Address>,
}

/// The most web workers a user may ask for.
pub const MAX_MINING_WORKERS: u32 = 16;

/// Who block rewards go to when the user has chosen no beneficiary and has no wallet: the
/// first development account, whose key is public (every user of the lab has it), not the
/// zero address where rewards are lost.
pub const DEFAULT_BENEFICIARY: Address = crate::genesis::DEV_ADDRESSES[0];

/// Who the coinbase pays, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beneficiary {
    /// The address the user chose.
    Chosen(Address),
    /// The first account of the user's wallet (nothing chosen).
    Wallet(Address),
    /// [`DEFAULT_BENEFICIARY`] (nothing chosen, no wallet).
    DevDefault,
}

impl Beneficiary {
    /// The address paid.
    pub fn address(self) -> Address {
        match self {
            Self::Chosen(a) | Self::Wallet(a) => a,
            Self::DevDefault => DEFAULT_BENEFICIARY,
        }
    }
}

impl Settings {
    /// Who the coinbase of the next mined block pays: the chosen beneficiary, else the first
    /// account of the user's wallet (`wallet_first`), else [`DEFAULT_BENEFICIARY`].
    pub fn coinbase_to(&self, wallet_first: Option<Address>) -> Beneficiary {
        match (self.beneficiary, wallet_first) {
            (Some(a), _) => Beneficiary::Chosen(a),
            (None, Some(a)) => Beneficiary::Wallet(a),
            (None, None) => Beneficiary::DevDefault,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            difficulty: 12,
            workers: None,
            beneficiary: None,
        }
    }
}

/// Everything the app keeps across reloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub chain: Chain,
    /// Unsigned records waiting for a block.
    pub pending: Vec<Record>,
    /// Signed transactions waiting for a block.
    pub mempool: Mempool,
    pub settings: Settings,
}

impl Snapshot {
    /// A fresh snapshot with a new genesis block (funding the development accounts).
    pub fn new(timestamp_ms: u64) -> Self {
        Self {
            chain: Chain::new(timestamp_ms),
            pending: Vec::new(),
            mempool: Mempool::new(),
            settings: Settings::default(),
        }
    }
}

/// A waiting transaction as stored in version 2: the sender it claims and the raw signed bytes
/// (hex).
#[derive(serde::Deserialize)]
struct StoredTx {
    from: Address,
    raw: SignedTx,
}

/// Versions 1 and 2 share this shape; version 1 has no `mempool`.
#[derive(serde::Deserialize)]
struct SnapshotFile {
    blocks: Vec<Block>,
    pending: Vec<Record>,
    #[serde(default)]
    mempool: Vec<StoredTx>,
    settings: Settings,
}

/// Version 3: blocks and mempool packed by [`crate::compact`]; `generation` counts saves.
#[derive(serde::Serialize, serde::Deserialize)]
struct CompactFile {
    version: u32,
    generation: u64,
    blocks: String,
    pending: Vec<Record>,
    mempool: String,
    settings: Settings,
}

#[derive(serde::Deserialize)]
struct VersionProbe {
    version: Option<serde_json::Value>,
}

/// Why stored or imported data could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Not JSON, or JSON of the wrong shape; the parser's message says where.
    Malformed { detail: String },
    /// Written by a newer (or unknown) version of the format.
    UnsupportedVersion { got: String },
    /// A file that is not a blocklab chain export.
    WrongFormat { got: String },
    /// The file has no blocks.
    NoBlocks,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { detail } => {
                write!(f, "the data is not a readable blocklab file: {detail}")
            }
            Self::UnsupportedVersion { got } => {
                write!(
                    f,
                    "format version {got} is not supported by this version of blocklab"
                )
            }
            Self::WrongFormat { got } => {
                write!(
                    f,
                    "this is not a blocklab chain file (its format is \"{got}\")"
                )
            }
            Self::NoBlocks => f.write_str("the file holds no blocks"),
        }
    }
}

impl std::error::Error for FormatError {}

fn malformed(text: &str, e: &serde_json::Error) -> FormatError {
    FormatError::Malformed {
        detail: json_words::describe(text, e),
    }
}

fn check_version(text: &str, supported: &[u32]) -> Result<(), FormatError> {
    let probe: VersionProbe = serde_json::from_str(text).map_err(|e| malformed(text, &e))?;
    match probe.version {
        Some(serde_json::Value::Number(n))
            if n.as_u64()
                .is_some_and(|v| supported.iter().any(|s| u64::from(*s) == v)) =>
        {
            Ok(())
        }
        Some(v) => Err(FormatError::UnsupportedVersion { got: v.to_string() }),
        None => Err(FormatError::Malformed {
            detail: json_words::missing_field("version"),
        }),
    }
}

/// Encodes a snapshot in the current version (generation 0).
pub fn encode_snapshot(s: &Snapshot) -> String {
    encode_generation(s, 0)
}

fn encode_generation(s: &Snapshot, generation: u64) -> String {
    let file = CompactFile {
        version: SNAPSHOT_VERSION,
        generation,
        blocks: compact::pack(&compact::encode_blocks(
            s.chain.blocks(),
            s.chain.sender_cache(),
        )),
        pending: s.pending.clone(),
        mempool: compact::pack(&compact::encode_txs(
            s.mempool.iter().map(|(tx, _)| tx.signed()),
        )),
        settings: s.settings.clone(),
    };
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string(&file).unwrap_or_default()
}

/// Decodes a snapshot of any supported version (1 to 3). Stored transactions are recovered
/// again and re-admitted against the chain's state; one whose signer is not its stored sender
/// (version 2), or that is no longer valid (mined meanwhile, now unaffordable), is dropped.
///
/// # Errors
/// [`FormatError`] when the text is not a snapshot of a supported version.
pub fn decode_snapshot(text: &str) -> Result<Snapshot, FormatError> {
    decode_with_generation(text).map(|(s, _)| s)
}

fn compact_error(e: &compact::CompactError) -> FormatError {
    FormatError::Malformed {
        detail: e.to_string(),
    }
}

/// [`decode_snapshot`], with the snapshot's generation (0 before version 3).
fn decode_with_generation(text: &str) -> Result<(Snapshot, u64), FormatError> {
    check_version(text, &SNAPSHOT_VERSIONS)?;
    let probe: VersionProbe = serde_json::from_str(text).map_err(|e| malformed(text, &e))?;
    if probe.version.and_then(|v| v.as_u64()) == Some(u64::from(SNAPSHOT_VERSION)) {
        let file: CompactFile = serde_json::from_str(text).map_err(|e| malformed(text, &e))?;
        let bytes = compact::unpack(&file.blocks).map_err(|e| compact_error(&e))?;
        let (blocks, senders) = compact::decode_blocks(&bytes).map_err(|e| compact_error(&e))?;
        let chain = Chain::from_blocks_with_senders(blocks, &ChainParams::default(), senders)
            .ok_or(FormatError::NoBlocks)?;
        let bytes = compact::unpack(&file.mempool).map_err(|e| compact_error(&e))?;
        let txs = compact::decode_txs(&bytes).map_err(|e| compact_error(&e))?;
        let mempool = readmit(&chain, txs.into_iter().map(|raw| (None, raw)));
        return Ok((
            Snapshot {
                chain,
                pending: file.pending,
                mempool,
                settings: file.settings,
            },
            file.generation,
        ));
    }
    let file: SnapshotFile = serde_json::from_str(text).map_err(|e| malformed(text, &e))?;
    let chain = Chain::from_blocks(file.blocks).ok_or(FormatError::NoBlocks)?;
    let mempool = readmit(
        &chain,
        file.mempool.into_iter().map(|st| (Some(st.from), st.raw)),
    );
    Ok((
        Snapshot {
            chain,
            pending: file.pending,
            mempool,
            settings: file.settings,
        },
        0,
    ))
}

/// Rebuilds a mempool from stored transactions: each is recovered (and, when a sender was
/// stored, must match it) and re-admitted against the chain's state.
fn readmit(chain: &Chain, stored: impl Iterator<Item = (Option<Address>, SignedTx)>) -> Mempool {
    let mut mempool = Mempool::new();
    for (from, raw) in stored {
        if let Ok(tx) = raw.recover() {
            if from.is_none_or(|f| f == tx.sender()) {
                // A stale transaction is dropped, as a node drops it on restart.
                let _ = mempool.add(tx, chain.state(), chain.params());
            }
        }
    }
    mempool
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ChainFile {
    format: String,
    version: u32,
    blocks: Vec<Block>,
}

/// Encodes a chain as a pretty-printed export file.
pub fn export_chain(chain: &Chain) -> String {
    let file = ChainFile {
        format: CHAIN_FILE_FORMAT.into(),
        version: CHAIN_FILE_VERSION,
        blocks: chain.blocks().to_vec(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Why an imported chain file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The file could not be read as a chain.
    Format(FormatError),
    /// The chain was read but does not validate; the report says which blocks and why.
    Invalid(ValidationReport),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(e) => write!(f, "import refused: {e}"),
            Self::Invalid(report) => {
                let n = report.invalid_count();
                write!(
                    f,
                    "import refused: the chain is invalid ({n} invalid block{})",
                    if n == 1 { "" } else { "s" }
                )?;
                if let Some(first) = report.first_invalid() {
                    let reasons: Vec<String> =
                        first.problems.iter().map(ToString::to_string).collect();
                    write!(f, "; block #{}: {}", first.height, reasons.join("; "))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Reads an exported chain file (version 1 or 2) and validates it. Nothing is returned unless
/// every block is valid.
///
/// # Errors
/// [`ImportError`] for unreadable files and invalid chains.
pub fn import_chain(text: &str, params: &ChainParams) -> Result<Chain, ImportError> {
    #[derive(serde::Deserialize)]
    struct FormatProbe {
        format: Option<serde_json::Value>,
    }
    let probe: FormatProbe =
        serde_json::from_str(text).map_err(|e| ImportError::Format(malformed(text, &e)))?;
    match probe.format {
        Some(serde_json::Value::String(s)) if s == CHAIN_FILE_FORMAT => {}
        Some(v) => {
            return Err(ImportError::Format(FormatError::WrongFormat {
                got: v.to_string().trim_matches('"').to_owned(),
            }))
        }
        None => {
            return Err(ImportError::Format(FormatError::Malformed {
                detail: format!(
                    "{}: it is not a chain exported by blocklab",
                    json_words::missing_field("format")
                ),
            }))
        }
    }
    check_version(text, &CHAIN_FILE_VERSIONS).map_err(ImportError::Format)?;
    let file: ChainFile =
        serde_json::from_str(text).map_err(|e| ImportError::Format(malformed(text, &e)))?;
    let chain = Chain::from_blocks_with(file.blocks, params)
        .ok_or(ImportError::Format(FormatError::NoBlocks))?;
    let report = chain.validate(params);
    if report.is_valid() {
        Ok(chain)
    } else {
        Err(ImportError::Invalid(report))
    }
}

mod store;
#[cfg(test)]
use store::Head;
pub use store::{
    back_up, load, save, KeyValueStore, LoadOutcome, MemoryStore, StorageError, Usage, QUOTA_UNITS,
    WARN_PERCENT,
};

#[cfg(test)]
#[path = "persist_tests.rs"]
mod store_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::tests::mined_chain;
    use crate::chain::BlockProblem;

    #[test]
    fn import_errors_say_what_is_wrong_with_the_file_in_words() {
        let p = ChainParams::default();
        let words = |text: &str| {
            import_chain(text, &p)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            words(""),
            Err(
                "import refused: the data is not a readable blocklab file: the file is empty"
                    .into()
            )
        );
        assert_eq!(
            words("not json"),
            Err(
                "import refused: the data is not a readable blocklab file: the file is not JSON \
                 text (a blocklab file starts with \"{\")"
                    .into()
            )
        );
        assert_eq!(
            words("{\"blocks\": []}"),
            Err(
                "import refused: the data is not a readable blocklab file: the file has no \
                 \"format\" field: it is not a chain exported by blocklab"
                    .into()
            )
        );
    }

    #[test]
    fn rewards_go_to_an_account_the_user_has_never_the_zero_address() {
        use crate::genesis::DEV_ADDRESSES;
        let mut settings = Settings::default();
        let none = settings.coinbase_to(None);
        assert_eq!(none, Beneficiary::DevDefault);
        assert_eq!(none.address(), DEV_ADDRESSES[0]);
        assert_ne!(none.address(), Address::ZERO);
        let own = DEV_ADDRESSES[5];
        assert_eq!(settings.coinbase_to(Some(own)), Beneficiary::Wallet(own));
        settings.beneficiary = Some(DEV_ADDRESSES[2]);
        assert_eq!(
            settings.coinbase_to(Some(own)).address(),
            DEV_ADDRESSES[2],
            "a choice wins over the wallet"
        );
    }

    fn snapshot() -> Snapshot {
        Snapshot {
            chain: mined_chain(2, 4),
            pending: vec![Record::from_form("a", "b", "1.5", "x").unwrap()],
            mempool: Mempool::new(),
            settings: Settings {
                difficulty: 9,
                workers: Some(3),
                beneficiary: Some(crate::genesis::DEV_ADDRESSES[2]),
            },
        }
    }

    #[test]
    fn snapshot_round_trips_through_a_store() {
        let store = MemoryStore::default();
        assert_eq!(load(&store, 1).unwrap(), LoadOutcome::Empty);
        save(&store, &snapshot()).unwrap();
        assert_eq!(load(&store, 1).unwrap(), LoadOutcome::Loaded(snapshot()));
    }

    #[test]
    fn a_snapshot_written_before_the_workers_setting_still_loads() {
        let store = MemoryStore::default();
        let text = encode_snapshot(&snapshot());
        assert!(text.contains(",\"workers\":3"), "{text}");
        store
            .set(SNAPSHOT_KEY, &text.replace(",\"workers\":3", ""))
            .unwrap();
        let mut want = snapshot();
        want.settings.workers = None;
        assert_eq!(load(&store, 1).unwrap(), LoadOutcome::Loaded(want));
    }

    #[test]
    fn a_corrupt_value_is_backed_up_and_left_in_place() {
        let store = MemoryStore::default();
        store.set(SNAPSHOT_KEY, "{not json").unwrap();
        let LoadOutcome::Corrupt {
            error,
            backup_key,
            raw,
        } = load(&store, 77).unwrap()
        else {
            panic!("expected corrupt");
        };
        assert!(matches!(error, FormatError::Malformed { .. }));
        assert_eq!(backup_key.as_deref(), Some("blocklab.backup.77"));
        assert_eq!(raw, "{not json");
        assert_eq!(
            store.get("blocklab.backup.77").unwrap().as_deref(),
            Some("{not json")
        );
        assert_eq!(
            store.get(SNAPSHOT_KEY).unwrap().as_deref(),
            Some("{not json")
        );
    }

    #[test]
    fn corrupt_shapes_are_each_reported() {
        let store = MemoryStore::default();
        for (text, want_version_error) in [
            ("[]", false),
            ("{\"version\":99,\"blocks\":[]}", true),
            ("{\"version\":\"1\"}", true),
            ("{\"version\":1,\"blocks\":[],\"pending\":[],\"settings\":{\"difficulty\":1}}", false),
            ("{\"version\":1,\"blocks\":[{\"header\":1}],\"pending\":[],\"settings\":{\"difficulty\":1}}", false),
        ] {
            store.set(SNAPSHOT_KEY, text).unwrap();
            match load(&store, 1).unwrap() {
                LoadOutcome::Corrupt { error, .. } => {
                    assert_eq!(matches!(error, FormatError::UnsupportedVersion { .. }), want_version_error, "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_failed_backup_is_reported_and_nothing_is_overwritten() {
        let store = MemoryStore::with_quota(45);
        store
            .set(SNAPSHOT_KEY, "{corrupt but long enough}")
            .unwrap();
        let LoadOutcome::Corrupt { backup_key, .. } = load(&store, 1).unwrap() else {
            panic!()
        };
        assert_eq!(backup_key, None);
        assert_eq!(
            store.get(SNAPSHOT_KEY).unwrap().as_deref(),
            Some("{corrupt but long enough}")
        );
    }

    #[test]
    fn export_then_import_round_trips() {
        let chain = mined_chain(3, 5);
        let text = export_chain(&chain);
        assert_eq!(import_chain(&text, &ChainParams::default()), Ok(chain));
    }

    #[test]
    fn import_refuses_malformed_and_invalid_files() {
        let p = ChainParams::default();
        assert!(matches!(
            import_chain("hello", &p),
            Err(ImportError::Format(FormatError::Malformed { .. }))
        ));
        assert!(matches!(
            import_chain("{\"format\":\"x\",\"version\":1,\"blocks\":[]}", &p),
            Err(ImportError::Format(FormatError::WrongFormat { .. }))
        ));
        assert!(matches!(
            import_chain(
                "{\"format\":\"blocklab-chain\",\"version\":3,\"blocks\":[]}",
                &p
            ),
            Err(ImportError::Format(FormatError::UnsupportedVersion { .. }))
        ));
        assert_eq!(
            import_chain(
                "{\"format\":\"blocklab-chain\",\"version\":1,\"blocks\":[]}",
                &p
            ),
            Err(ImportError::Format(FormatError::NoBlocks))
        );
        let mut chain = mined_chain(2, 8);
        let mut b = chain.blocks()[1].clone();
        b.header.timestamp_ms += 1;
        chain.replace(1, b);
        let err = import_chain(&export_chain(&chain), &p).unwrap_err();
        let ImportError::Invalid(report) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(report.first_invalid().map(|v| v.height), Some(1));
        assert!(matches!(
            report.blocks[2].problems[..],
            [BlockProblem::PrevHashMismatch { .. }]
        ));
        assert!(err.to_string().contains("block #1"));
    }

    /// A snapshot written by the first slice (version 1: records only, empty genesis).
    const V1_SNAPSHOT: &str = r##"{"blocks":[{"entries":[],"header":{"beneficiary":"0x0000000000000000000000000000000000000000","difficulty":0,"entries_root":"0x0000000000000000000000000000000000000000000000000000000000000000","height":0,"nonce":0,"prev_hash":"0x0000000000000000000000000000000000000000000000000000000000000000","timestamp_ms":1700000000000,"version":1}},{"entries":[{"amount":"1","kind":"record","memo":"#1","receiver":"bob","sender":"alice"}],"header":{"beneficiary":"0x0000000000000000000000000000000000000000","difficulty":4,"entries_root":"0x29adbecb341b727efc090c1f2e01f9e3dc768535e046580ee1012b016eb90f16","height":1,"nonce":41,"prev_hash":"0x0a8bfd1089573d3c6380d9292566bd8a0750d15fc045149a22486cbd247c48ab","timestamp_ms":1700000001000,"version":1}},{"entries":[{"amount":"2","kind":"record","memo":"#2","receiver":"bob","sender":"alice"}],"header":{"beneficiary":"0x0000000000000000000000000000000000000000","difficulty":4,"entries_root":"0x343e86f5206ac8adc1b06d1f7c6651830017abd5da45d4d311aa80c9c31ce4cc","height":2,"nonce":5,"prev_hash":"0x0937880958e2c2e0cef24a44d1bc4e37f13a07274660bd908a411d4dd12f796b","timestamp_ms":1700000001001,"version":1}}],"pending":[{"amount":"1500000000000000000","memo":"rent","receiver":"bob","sender":"alice"}],"settings":{"difficulty":9},"version":1}"##;
    /// A chain file exported by the first slice (version 1).
    const V1_CHAIN_FILE: &str = r##"{"blocks":[{"entries":[],"header":{"beneficiary":"0x0000000000000000000000000000000000000000","difficulty":0,"entries_root":"0x0000000000000000000000000000000000000000000000000000000000000000","height":0,"nonce":0,"prev_hash":"0x0000000000000000000000000000000000000000000000000000000000000000","timestamp_ms":1700000000000,"version":1}},{"entries":[{"amount":"1","kind":"record","memo":"#1","receiver":"bob","sender":"alice"}],"header":{"beneficiary":"0x0000000000000000000000000000000000000000","difficulty":4,"entries_root":"0x29adbecb341b727efc090c1f2e01f9e3dc768535e046580ee1012b016eb90f16","height":1,"nonce":41,"prev_hash":"0x0a8bfd1089573d3c6380d9292566bd8a0750d15fc045149a22486cbd247c48ab","timestamp_ms":1700000001000,"version":1}},{"entries":[{"amount":"2","kind":"record","memo":"#2","receiver":"bob","sender":"alice"}],"header":{"beneficiary":"0x0000000000000000000000000000000000000000","difficulty":4,"entries_root":"0x343e86f5206ac8adc1b06d1f7c6651830017abd5da45d4d311aa80c9c31ce4cc","height":2,"nonce":5,"prev_hash":"0x0937880958e2c2e0cef24a44d1bc4e37f13a07274660bd908a411d4dd12f796b","timestamp_ms":1700000001001,"version":1}}],"format":"blocklab-chain","version":1}"##;

    #[test]
    fn a_version_1_snapshot_migrates() {
        let s = decode_snapshot(V1_SNAPSHOT).unwrap();
        assert_eq!(s.chain.len(), 3);
        assert!(s.chain.validate(&ChainParams::default()).is_valid());
        assert_eq!(s.chain.valid_len(), 3);
        assert_eq!(s.pending.len(), 1);
        assert_eq!(s.pending[0].memo, "rent");
        assert!(s.mempool.is_empty());
        assert_eq!(s.settings.difficulty, 9);
        assert_eq!(
            s.settings.beneficiary, None,
            "absent before beneficiaries existed"
        );
        // Saved again, it is version 2 and reads back the same.
        let again = encode_snapshot(&s);
        assert!(again.contains("\"version\":3"));
        assert_eq!(decode_snapshot(&again).unwrap(), s);
        let store = MemoryStore::default();
        store.set(SNAPSHOT_KEY, V1_SNAPSHOT).unwrap();
        assert_eq!(load(&store, 1).unwrap(), LoadOutcome::Loaded(s));
    }

    #[test]
    fn a_version_1_chain_file_still_imports() {
        let chain = import_chain(V1_CHAIN_FILE, &ChainParams::default()).unwrap();
        assert_eq!(chain.len(), 3);
        let text = export_chain(&chain);
        assert!(text.contains("\"version\": 2"));
        assert_eq!(import_chain(&text, &ChainParams::default()), Ok(chain));
    }

    #[test]
    fn a_version_2_snapshot_keeps_the_mempool() {
        use crate::state::tests::{dev, eth, test_chain, transfer};
        let chain = test_chain();
        let mut mempool = Mempool::new();
        let pending = transfer(0, 2, dev(1), eth("1"));
        let queued = transfer(1, 3, dev(2), eth("1"));
        mempool
            .add(pending.clone(), chain.state(), chain.params())
            .unwrap();
        mempool
            .add(queued.clone(), chain.state(), chain.params())
            .unwrap();
        let s = Snapshot {
            chain,
            pending: Vec::new(),
            mempool,
            settings: Settings::default(),
        };
        let text = encode_snapshot(&s);
        let back = decode_snapshot(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.mempool.len(), 2);
        assert_eq!(
            back.mempool.get(&queued.hash()).map(|(_, st)| st),
            Some(crate::mempool::TxStatus::Queued)
        );
    }

    #[test]
    fn a_chain_with_transactions_exports_and_imports() {
        use crate::block::Entry;
        use crate::state::tests::test_chain;
        let chain = test_chain();
        let text = export_chain(&chain);
        assert!(text.contains("\"kind\": \"tx\""));
        assert!(text.contains("\"kind\": \"coinbase\""));
        assert!(text.contains("\"kind\": \"alloc\""));
        let imported = import_chain(&text, &ChainParams::default()).unwrap();
        assert_eq!(imported.state(), chain.state());
        // Importing under another chain id: every transaction is refused, by name.
        let other = ChainParams {
            chain_id: 1,
            ..ChainParams::default()
        };
        let err = import_chain(&text, &other).unwrap_err();
        assert!(err.to_string().contains("wrong chain id"), "{err}");
        assert!(matches!(chain.blocks()[1].entries[1], Entry::Tx { .. }));
    }
}
