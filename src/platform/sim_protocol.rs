//! Messages between the page and the Monte Carlo worker (`src/bin/sim.rs`): small JSON strings
//! with a protocol version (a stale cached worker and a new page refuse each other's messages).
//! The worker includes this file with `#[path]`, so its wasm holds only the simulation.
//!
//! Flow: the worker posts [`FromSim::Ready`]; the page posts [`ToSim::Start`]; the worker
//! posts [`FromSim::Progress`] a few times a second, then [`FromSim::Done`]; [`ToSim::Cancel`]
//! ends a job, answered by [`FromSim::Cancelled`]; bad input is answered by
//! [`FromSim::Refused`] with the core's sentence (it names the valid range).

use serde::{Deserialize, Serialize};

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
    /// Stop `job`.
    Cancel { job: u64 },
}

/// A message from the worker to the page. Counts are cumulative for the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromSim {
    Ready,
    Progress {
        job: u64,
        trials: u64,
        successes: u64,
        elapsed_ms: f64,
    },
    Done {
        job: u64,
        trials: u64,
        successes: u64,
        elapsed_ms: f64,
    },
    Cancelled {
        job: u64,
        trials: u64,
        successes: u64,
    },
    Refused {
        job: u64,
        message: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Versioned<T> {
    v: u32,
    msg: T,
}

/// Encodes a message with the protocol version.
pub fn encode<T: Serialize>(msg: &T) -> String {
    serde_json::to_string(&Versioned {
        v: PROTOCOL_VERSION,
        msg,
    })
    .unwrap_or_default()
}

/// Decodes a message, refusing another protocol version.
///
/// # Errors
/// Not JSON of this protocol, or another version.
pub fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
    let v: Versioned<T> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if v.v != PROTOCOL_VERSION {
        return Err(format!(
            "protocol version {} (this side speaks {PROTOCOL_VERSION})",
            v.v
        ));
    }
    Ok(v.msg)
}
