//! blocklab-core: the pure domain of blocklab.
//!
//! Blocks with a canonical 116-byte header, SHA-256 proof of work (with a midstate miner),
//! whole-chain validation that reports every problem, amounts as integer base units, the
//! versioned persistence format, an Ethereum-compatible wallet, Ethereum transactions
//! ([`tx`]), account state and the transaction rules ([`state`]), the [`mempool`] and replicated
//! [`node`]s with fork choice by work (and a simulated network of them). No web
//! dependency, no clock, no randomness and no I/O: the app passes in timestamps and a
//! [`persist::KeyValueStore`].

pub mod address;
pub mod amount;
pub mod attack;
pub mod backup;
pub mod block;
pub mod chain;
pub mod check;
pub mod compact;
pub mod consensus;
pub mod explorer;
pub mod genesis;
pub mod hash;
pub mod identicon;
pub mod json_words;
pub mod learn;
pub mod mempool;
pub mod merkle;
pub mod net;
pub mod node;
pub mod params;
pub mod peer;
pub mod persist;
pub mod pos;
pub mod pow;
pub mod record;
pub mod rpc;
pub mod rules;
pub mod signature;
pub mod snippets;
pub mod state;
pub mod tx;
pub mod wallet;
pub mod words;

pub use amount::{AmountError, Wei};
pub use block::{Block, Entry, Header, Height, MiningStats};
pub use chain::{BlockProblem, BlockVerdict, Chain, ChainParams, ValidationReport};
pub use genesis::{dev_allocations, genesis_block};
pub use hash::{BlockHash, Hash32, ParseHashError, TxHash};
pub use mempool::{AddOutcome, Mempool, MempoolError};
pub use pow::{Difficulty, MiningJob, SearchOutcome};
pub use record::{Record, RecordError};
pub use signature::{RecoveredSigner, Signature, SignatureError};
pub use state::{AccountState, SenderCache, State, TxRuleError};
pub use tx::{Recovered, SignedTx, Transaction, TxError, TxRequest};
