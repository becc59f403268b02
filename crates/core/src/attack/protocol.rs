//! Messages between the page and the Monte Carlo worker (`src/bin/sim.rs`): versioned JSON
//! strings like the miner's ([`crate::pow::protocol`], whose encoder and decoder they share),
//! so a stale cached worker and a new page refuse each other's messages. In the core so that
//! the page (`src/platform/sim.rs`) and the worker (which does not link the app) share them.
//!
//! Flow: the worker posts [`FromSim::Ready`]; the page posts [`ToSim::Start`]; the worker
//! posts [`FromSim::Progress`] a few times a second, then [`FromSim::Done`]; [`ToSim::Cancel`]
//! ends a job, answered by [`FromSim::Cancelled`]; input the core refuses is answered by
//! [`FromSim::Refused`] with the core's sentence (it names the valid range). Counts are
//! cumulative for the job; messages of an older job are recognised by `job` and ignored.

use serde::{Deserialize, Serialize};

use crate::pow::protocol::{decode_versioned, encode_versioned, ProtocolError};

/// The protocol version both sides must speak.
pub const PROTOCOL_VERSION: u32 = 1;

/// A message from the page to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToSim {
    /// Run `trials` double-spend races of `z` confirmations against share `q`, seeded.
    Start {
        job: u64,
        q: f64,
        z: u32,
        trials: u64,
        seed: u64,
    },
    /// Stop `job` (ignored when the worker runs another job or none).
    Cancel { job: u64 },
}

/// A message from the worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromSim {
    /// The worker's wasm runs; it now hears messages.
    Ready,
    /// Races run so far, the attacker's wins, and the worker's milliseconds since the start.
    Progress {
        job: u64,
        trials: u64,
        successes: u64,
        elapsed_ms: f64,
    },
    /// Every race asked for has run.
    Done {
        job: u64,
        trials: u64,
        successes: u64,
        elapsed_ms: f64,
    },
    /// The answer to [`ToSim::Cancel`]: what ran before it.
    Cancelled {
        job: u64,
        trials: u64,
        successes: u64,
    },
    /// The core refused the inputs: its sentence.
    Refused { job: u64, message: String },
}

/// Encodes a message with this protocol's version.
pub fn encode<T: Serialize>(msg: &T) -> String {
    encode_versioned(PROTOCOL_VERSION, msg)
}

/// Decodes a message of this protocol's version.
///
/// # Errors
/// [`ProtocolError`] for anything but a message of this version and a known shape.
pub fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ProtocolError> {
    decode_versioned(PROTOCOL_VERSION, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_others_are_refused() {
        let start = ToSim::Start {
            job: 7,
            q: 0.3,
            z: 6,
            trials: 1_000_000,
            seed: 7,
        };
        let text = encode(&start);
        assert!(text.starts_with("{\"v\":1,\"type\":\"start\""), "{text}");
        assert_eq!(decode::<ToSim>(&text), Ok(start));
        for msg in [
            FromSim::Ready,
            FromSim::Progress {
                job: 1,
                trials: 10,
                successes: 2,
                elapsed_ms: 3.5,
            },
            FromSim::Done {
                job: 1,
                trials: 10,
                successes: 2,
                elapsed_ms: 4.0,
            },
            FromSim::Cancelled {
                job: 1,
                trials: 5,
                successes: 1,
            },
            FromSim::Refused {
                job: 2,
                message: "no".into(),
            },
        ] {
            assert_eq!(decode::<FromSim>(&encode(&msg)), Ok(msg));
        }
        assert_eq!(
            decode::<FromSim>("{\"v\":9,\"type\":\"ready\"}"),
            Err(ProtocolError::Version {
                got: 9,
                expected: 1
            })
        );
        for bad in ["", "{\"v\":1}", "{\"v\":1,\"type\":\"start\",\"job\":1}"] {
            assert!(
                matches!(decode::<ToSim>(bad), Err(ProtocolError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
