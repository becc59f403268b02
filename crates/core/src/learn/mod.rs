//! The guided path of the Learn screens: its steps in order and the learner's progress (what is
//! ticked, which screen was open last), stored as a small JSON value under
//! [`PROGRESS_KEY`]. [`hashing`] and [`keys`] compute what the hash playground and the keys
//! walkthrough show, [`links`] the Ledger's linked-blocks view.

pub mod hashing;
pub mod keys;
pub mod links;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The localStorage key of the learner's progress.
pub const PROGRESS_KEY: &str = "blocklab.learn";

/// One step of the guided path, in the path's order ([`Step::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    Hashing,
    Block,
    Chain,
    Tampering,
    ProofOfWork,
    /// The Nodes screen's proof-of-stake lab.
    ProofOfStake,
    Nodes,
    Keys,
    Mnemonic,
    Signing,
    Mempool,
    TestNetwork,
    Explorer,
}

impl Step {
    /// Every step, in the path's order.
    pub const ALL: [Step; 13] = [
        Step::Hashing,
        Step::Block,
        Step::Chain,
        Step::Tampering,
        Step::ProofOfWork,
        Step::ProofOfStake,
        Step::Nodes,
        Step::Keys,
        Step::Mnemonic,
        Step::Signing,
        Step::Mempool,
        Step::TestNetwork,
        Step::Explorer,
    ];

    /// A stable identifier (stored, and used in `data-testid`s).
    pub fn id(self) -> &'static str {
        match self {
            Step::Hashing => "hashing",
            Step::Block => "block",
            Step::Chain => "chain",
            Step::Tampering => "tampering",
            Step::ProofOfWork => "proof-of-work",
            Step::ProofOfStake => "proof-of-stake",
            Step::Nodes => "nodes",
            Step::Keys => "keys",
            Step::Mnemonic => "mnemonic",
            Step::Signing => "signing",
            Step::Mempool => "mempool",
            Step::TestNetwork => "test-network",
            Step::Explorer => "explorer",
        }
    }

    /// Whether the step can be tried today (every step can, now that proof of stake has its
    /// screen; a step still to come would answer false and show as coming).
    pub fn available(self) -> bool {
        true
    }

    /// Its position in the path, from 1.
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i + 1)
    }
}

/// What the learner has done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Format version ([`Progress::VERSION`]).
    pub v: u32,
    /// The ticked steps.
    pub done: BTreeSet<Step>,
    /// The route (`#/…`) open when the learner last moved, where a return visit lands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

/// Why a stored progress value was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressError {
    /// Not the JSON this module writes (the parser's words).
    Malformed { detail: String },
    /// Written by a newer (or unknown) version.
    UnknownVersion { got: u32 },
    /// The remembered route is not a `#/…` route of this app.
    BadRoute,
}

impl core::fmt::Display for ProgressError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed { detail } => {
                write!(f, "the stored learning progress is damaged ({detail})")
            }
            Self::UnknownVersion { got } => write!(
                f,
                "the stored learning progress has an unknown version {got}"
            ),
            Self::BadRoute => f.write_str(
                "the stored learning progress names a place that is not a screen of this app",
            ),
        }
    }
}

impl std::error::Error for ProgressError {}

impl Progress {
    /// The format version written today.
    pub const VERSION: u32 = 1;

    /// A learner who has done nothing yet.
    pub fn new() -> Self {
        Self {
            v: Self::VERSION,
            ..Self::default()
        }
    }

    /// Reads a stored value.
    ///
    /// # Errors
    /// [`ProgressError`]: the caller keeps the value aside and says so.
    pub fn decode(text: &str) -> Result<Self, ProgressError> {
        let p: Self = serde_json::from_str(text).map_err(|e| ProgressError::Malformed {
            detail: e.to_string(),
        })?;
        if p.v != Self::VERSION {
            return Err(ProgressError::UnknownVersion { got: p.v });
        }
        if let Some(last) = &p.last {
            if !is_route(last) {
                return Err(ProgressError::BadRoute);
            }
        }
        Ok(p)
    }

    /// The stored form.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Ticks `step`; returns whether it was new.
    pub fn tick(&mut self, step: Step) -> bool {
        step.available() && self.done.insert(step)
    }

    /// Whether `step` is ticked.
    pub fn is_done(&self, step: Step) -> bool {
        self.done.contains(&step)
    }

    /// The first available step not yet ticked (where the learner left off), if any.
    pub fn next(&self) -> Option<Step> {
        Step::ALL
            .into_iter()
            .find(|s| s.available() && !self.done.contains(s))
    }

    /// Ticked steps and steps that can be ticked.
    pub fn count(&self) -> (usize, usize) {
        let total = Step::ALL.iter().filter(|s| s.available()).count();
        (self.done.len(), total)
    }

    /// Remembers the route open now (only `#/…` routes of a sane length; others are ignored).
    pub fn visit(&mut self, route: &str) {
        if is_route(route) {
            self.last = Some(route.to_owned());
        }
    }
}

fn is_route(route: &str) -> bool {
    route.starts_with("#/")
        && route.len() <= 200
        && route
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"#/-_.?=&".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_finds_where_the_learner_left_off() {
        let mut p = Progress::new();
        assert_eq!(p.next(), Some(Step::Hashing));
        assert!(p.tick(Step::Hashing));
        assert!(!p.tick(Step::Hashing));
        p.visit("#/learn/hash");
        p.visit("javascript:alert(1)");
        assert_eq!(p.last.as_deref(), Some("#/learn/hash"));
        assert_eq!(p.next(), Some(Step::Block));
        assert_eq!(p.count(), (1, 13));
        let text = p.encode();
        assert_eq!(
            text,
            r##"{"v":1,"done":["hashing"],"last":"#/learn/hash"}"##
        );
        assert_eq!(Progress::decode(&text), Ok(p.clone()));
        for s in Step::ALL {
            p.tick(s);
        }
        assert_eq!(p.next(), None);
        assert_eq!(Step::Explorer.number(), 13);
    }

    #[test]
    fn damaged_values_are_refused_with_a_reason() {
        assert!(matches!(
            Progress::decode("{"),
            Err(ProgressError::Malformed { .. })
        ));
        assert!(matches!(
            Progress::decode(r#"{"v":1,"done":["flying"]}"#),
            Err(ProgressError::Malformed { .. })
        ));
        assert!(matches!(
            Progress::decode(r#"{"v":1,"done":[],"extra":1}"#),
            Err(ProgressError::Malformed { .. })
        ));
        assert_eq!(
            Progress::decode(r#"{"v":9,"done":[]}"#),
            Err(ProgressError::UnknownVersion { got: 9 })
        );
        assert_eq!(
            Progress::decode(r#"{"v":1,"done":[],"last":"https://evil"}"#),
            Err(ProgressError::BadRoute)
        );
    }
}
