//! What tabs say to each other: the setup another tab rebuilds a network from, the messages
//! as JSON (decoding never panics; anything malformed is a sentence), and the offer a status
//! makes to a tab that has not joined.

use serde::{Deserialize, Serialize};

use crate::genesis::dev_allocations;
use crate::hash::Hash32;
use crate::pos::sim::{Handed, PosNetwork};
use crate::pos::types::PosMessage;
use crate::pos::{PosParams, ETH};

/// What a shared network is made of: enough for another tab to build the same genesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Genesis validators, 32 ETH each: development accounts `0..validators`.
    pub validators: u32,
    pub slots_per_epoch: u64,
}

impl Setup {
    /// The lab's network for this setup on `nodes` nodes: every tab builds the same genesis.
    pub fn network(&self, nodes: usize) -> PosNetwork {
        let accounts: Vec<_> = dev_allocations()
            .into_iter()
            .map(|(a, w)| (a, w.as_wei()))
            .collect();
        let params = PosParams {
            slots_per_epoch: self.slots_per_epoch,
            ..PosParams::default()
        };
        PosNetwork::new(
            params,
            nodes,
            &vec![32 * ETH; self.validators as usize],
            &accounts,
        )
    }
}

/// One message between tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Wire {
    /// Where a sharing tab is.
    Status {
        tab: u64,
        genesis: Hash32,
        setup: Setup,
        /// Slot phases done ([`PosNetwork::position`]).
        position: u64,
        /// Validators it signs for.
        signs_for: u32,
    },
    /// A tab asks the sharing tab `to` to let it join.
    Join { tab: u64, genesis: Hash32, to: u64 },
    /// Validators handed by `tab` to the tab `to`.
    Handoff {
        tab: u64,
        genesis: Hash32,
        to: u64,
        validators: Vec<Handed>,
    },
    /// A message a node gossiped.
    Gossip {
        tab: u64,
        genesis: Hash32,
        message: Box<PosMessage>,
    },
    /// A tab stops sharing (or closes).
    Bye { tab: u64 },
}

impl Wire {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a message from the channel.
    ///
    /// # Errors
    /// Why the text is not a message between tabs, in words.
    pub fn decode(text: &str) -> Result<Self, String> {
        crate::pos::codec::decode_json(text, "a tab", "a message between tabs")
    }

    pub(super) fn tab(&self) -> u64 {
        match self {
            Self::Status { tab, .. }
            | Self::Join { tab, .. }
            | Self::Handoff { tab, .. }
            | Self::Gossip { tab, .. }
            | Self::Bye { tab } => *tab,
        }
    }
}

/// A network another tab shares, which this tab may join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub tab: u64,
    pub genesis: Hash32,
    pub setup: Setup,
    pub position: u64,
    pub signs_for: u32,
}

impl Offer {
    /// The offer in a channel message, if it is a status.
    pub fn read(text: &str) -> Option<Self> {
        match Wire::decode(text).ok()? {
            Wire::Status {
                tab,
                genesis,
                setup,
                position,
                signs_for,
            } => Some(Self {
                tab,
                genesis,
                setup,
                position,
                signs_for,
            }),
            _ => None,
        }
    }

    /// The slot the sharing tab is in.
    pub fn slot(&self) -> u64 {
        self.position / 3
    }
}

/// A short name for a tab id (its last four hex digits).
pub fn tab_name(tab: u64) -> String {
    format!("{:04x}", tab & 0xffff)
}
