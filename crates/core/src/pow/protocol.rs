//! Messages between the page and the miner worker (`src/bin/miner.rs`): small JSON strings with
//! a protocol version, so a stale cached worker and a new page (or the reverse) refuse each
//! other's messages instead of misreading them.
//!
//! It lives in the core so that the page (`src/platform/workers.rs`) and the worker binary
//! (`src/bin/miner.rs`, which does not link the app's library: its wasm holds only the miner,
//! no Leptos, no wallet crypto) share one definition.
//!
//! Flow: the worker posts [`FromWorker::Ready`] once its wasm runs (messages posted to it
//! before that are lost); the page posts [`ToWorker::Start`]; the worker posts
//! [`FromWorker::Progress`] a few times a second and then [`FromWorker::Found`] or
//! [`FromWorker::Exhausted`]; [`ToWorker::Stop`] ends a job, answered by
//! [`FromWorker::Stopped`] with the attempts made. Every message after `Ready` names its job,
//! so messages of an older job are recognised and ignored.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The protocol version both sides must speak.
pub const PROTOCOL_VERSION: u32 = 1;

/// A message from the page to a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Search nonces `start..end` of the header (116 bytes, hex; its nonce is ignored) for a
    /// hash with `difficulty` leading zero bits (must equal the header's own difficulty).
    Start {
        job: u64,
        header: String,
        difficulty: u32,
        start: u64,
        end: u64,
        /// Which search to run (benchmarks compare them); absent: the fastest in this build.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kernel: Option<Kernel>,
        /// Test hook: this lane (0..4) of the four-lane search returns wrong hashes, which
        /// the sha2 re-check must catch ([`FromWorker::LaneBug`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        planted_fault: Option<u8>,
    },
    /// Stop `job` (ignored when the worker runs another job or none).
    Stop { job: u64 },
}

/// The nonce search a worker runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    /// Four lanes in simd128 registers where the build has simd128 (else sha2's loop).
    Lanes,
    /// sha2's midstate loop, one nonce at a time.
    Sha2,
}

/// A message from a worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm runs; it now hears messages.
    Ready,
    /// Nonces tried so far for `job`, and the worker's milliseconds since it started the job.
    Progress {
        job: u64,
        attempts: u64,
        elapsed_ms: f64,
    },
    /// A nonce whose hash meets the difficulty (the page verifies it), after `attempts` tries.
    Found {
        job: u64,
        nonce: u64,
        hash: String,
        attempts: u64,
        elapsed_ms: f64,
    },
    /// The whole range was tried without success.
    Exhausted { job: u64, attempts: u64 },
    /// A bug report: a four-lane hit failed sha2's re-check (`report` says how). The nonce is
    /// not announced; the worker goes on with sha2 alone.
    LaneBug { job: u64, report: String },
    /// The answer to [`ToWorker::Stop`]: the job ended after `attempts` tries.
    Stopped { job: u64, attempts: u64 },
}

/// A message that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// Not JSON of a known message shape.
    Malformed(String),
    /// A message of another protocol version.
    Version { got: u32, expected: u32 },
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "malformed worker message: {e}"),
            Self::Version { got, expected } => write!(
                f,
                "worker message of protocol version {got}, expected {expected}"
            ),
        }
    }
}

#[derive(Serialize)]
struct Outgoing<'a, T> {
    v: u32,
    #[serde(flatten)]
    msg: &'a T,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

/// Encodes a message as JSON with the protocol version.
pub fn encode<T: Serialize>(msg: &T) -> String {
    encode_versioned(PROTOCOL_VERSION, msg)
}

/// Decodes a message, checking the version first.
///
/// # Errors
/// [`ProtocolError`] for anything but a message of this version and a known shape.
pub fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ProtocolError> {
    decode_versioned(PROTOCOL_VERSION, text)
}

/// Encodes a message as JSON with `version` (each worker protocol has its own:
/// [`crate::attack::protocol`] uses this too).
pub fn encode_versioned<T: Serialize>(version: u32, msg: &T) -> String {
    serde_json::to_string(&Outgoing { v: version, msg })
        // Serialising these plain enums cannot fail; an empty string is refused by the reader.
        .unwrap_or_default()
}

/// Decodes a message of protocol `version`, checking the version first.
///
/// # Errors
/// [`ProtocolError`] for anything but a message of this version and a known shape.
pub fn decode_versioned<T: for<'de> Deserialize<'de>>(
    version: u32,
    text: &str,
) -> Result<T, ProtocolError> {
    let got = serde_json::from_str::<VersionOnly>(text)
        .map_err(|e| ProtocolError::Malformed(e.to_string()))?;
    if got.v != version {
        return Err(ProtocolError::Version {
            got: got.v,
            expected: version,
        });
    }
    // The message shapes ignore the unknown `v` key.
    serde_json::from_str::<T>(text).map_err(|e| ProtocolError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_the_version() {
        let start = ToWorker::Start {
            job: 3,
            header: "ab".repeat(116),
            difficulty: 20,
            start: u64::MAX / 2,
            end: u64::MAX,
            kernel: None,
            planted_fault: None,
        };
        let text = encode(&start);
        assert!(text.starts_with("{\"v\":1,\"type\":\"start\""), "{text}");
        assert_eq!(decode::<ToWorker>(&text), Ok(start));
        let bench = ToWorker::Start {
            job: 4,
            header: "ab".repeat(116),
            difficulty: 20,
            start: 0,
            end: 9,
            kernel: Some(Kernel::Sha2),
            planted_fault: Some(2),
        };
        let text = encode(&bench);
        assert!(
            text.contains("\"kernel\":\"sha2\",\"planted_fault\":2"),
            "{text}"
        );
        assert_eq!(decode::<ToWorker>(&text), Ok(bench));
        for msg in [
            FromWorker::Ready,
            FromWorker::Progress {
                job: 1,
                attempts: 5,
                elapsed_ms: 1.5,
            },
            FromWorker::Found {
                job: 1,
                nonce: u64::MAX - 1,
                hash: "0x00".into(),
                attempts: 9,
                elapsed_ms: 2.0,
            },
            FromWorker::Exhausted {
                job: 2,
                attempts: 7,
            },
            FromWorker::Stopped {
                job: 2,
                attempts: 8,
            },
            FromWorker::LaneBug {
                job: 2,
                report: "bug".into(),
            },
        ] {
            assert_eq!(decode::<FromWorker>(&encode(&msg)), Ok(msg));
        }
    }

    #[test]
    fn malformed_and_foreign_messages_are_refused() {
        assert_eq!(
            decode::<FromWorker>("{\"v\":2,\"type\":\"ready\"}"),
            Err(ProtocolError::Version {
                got: 2,
                expected: 1
            })
        );
        for bad in [
            "",
            "null",
            "{\"type\":\"ready\"}",
            "{\"v\":1}",
            "{\"v\":1,\"type\":\"nope\"}",
            "{\"v\":1,\"type\":\"progress\",\"job\":-1,\"attempts\":1,\"elapsed_ms\":1}",
            "{\"v\":1,\"type\":\"found\",\"job\":1}",
        ] {
            assert!(
                matches!(decode::<FromWorker>(bad), Err(ProtocolError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
