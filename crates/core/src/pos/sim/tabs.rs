//! What a network needs to run across browser tabs ([`crate::pos::tabs`] is the protocol): the
//! gateway's outbox, the position in slot phases that keeps tabs in step, messages from another
//! tab delivered with what happened, and validators handed from one tab's signers to another's.

use super::{Phase, PosNetwork, GATEWAY};
use crate::pos::client::{Client, Protection};
use crate::pos::types::{PosMessage, Slot, ValidatorIndex};

/// What became of a delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// New and valid: taken and relayed.
    Accepted,
    /// Already known (a replay): nothing changed.
    Known,
    /// Refused, with the reason (also in the log).
    Refused(String),
    /// The link was down (or no such node).
    Lost,
}

/// A validator handed to another tab: its index and its signer's protection record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handed {
    pub index: ValidatorIndex,
    pub protection: Protection,
}

impl PosNetwork {
    /// Marks validators another tab signed for as online (that tab is there) or offline.
    pub fn set_remote_online(&mut self, indices: &[ValidatorIndex], online: bool) {
        for i in indices {
            if let Some(a) = self.validator_address(*i) {
                if let Some(r) = self.remote.get_mut(&a) {
                    *r = online;
                }
            }
        }
    }

    /// How many genesis validators the network started with.
    pub fn genesis_validators(&self) -> usize {
        self.genesis_count
    }

    /// Adds a line to the log (what the tabs said, for one).
    pub fn note(&mut self, text: String) {
        self.log(super::EventKind::Info, text);
    }

    /// The genesis root every node started from (tabs compare it before talking).
    pub fn genesis(&self) -> crate::hash::Hash32 {
        self.genesis
    }

    /// Starts or stops copying what the gateway node gossips to [`Self::take_outbox`].
    pub fn set_bridged(&mut self, on: bool) {
        self.bridged = on;
        if !on {
            self.outbox.clear();
        }
    }

    /// What the gateway gossiped since the last call, for the other tabs.
    pub fn take_outbox(&mut self) -> Vec<PosMessage> {
        std::mem::take(&mut self.outbox)
    }

    /// Where the run is, in slot phases: 3 per slot (propose, attest, done), counting only a
    /// phase whose messages are all delivered. Tabs exchange it to stay in step.
    pub fn position(&self) -> u64 {
        let phase = match self.phase {
            Phase::Propose => 0,
            Phase::Attest => 1,
            Phase::Done => 2,
        };
        let at = self.slot.saturating_mul(3).saturating_add(phase);
        if self.mesh.pending() == 0 {
            at
        } else {
            at.saturating_sub(1)
        }
    }

    /// One unit of work, as [`Self::step`], except that a new phase starts only when its
    /// position is at most `limit` (queued messages are always delivered). Whether it worked.
    pub fn step_within(&mut self, limit: Option<u64>) -> bool {
        if self.mesh.pending() == 0 && limit.is_some_and(|l| self.position() >= l) {
            return false;
        }
        self.step();
        true
    }

    /// A message from another tab, delivered to the gateway; it is not sent back out.
    pub fn inject_from_tab(&mut self, message: PosMessage) -> Delivered {
        self.inbound = true;
        let out = self.inject(GATEWAY, message);
        self.inbound = false;
        out
    }

    /// What the gateway holds that a tab joining now needs (finalized blocks, the blocks and
    /// votes since), as gossip.
    pub fn sync_for_tab(&self) -> Vec<PosMessage> {
        self.nodes
            .get(GATEWAY)
            .map(|n| n.sync_messages(self.slot))
            .unwrap_or_default()
    }

    /// Moves a fresh network (no slot run yet) to the end of `slot`, so a tab that joins a
    /// running network starts where it is. Only forward, and not once a slot phase has run.
    pub fn start_at(&mut self, slot: Slot) {
        if !self.ran && self.phase == Phase::Done && slot > self.slot {
            self.slot = slot;
        }
    }

    /// The genesis validators this network signs for (their keys are the development
    /// accounts', so another tab can take them over).
    pub fn hosted_genesis(&self) -> Vec<ValidatorIndex> {
        let Some(state) = self.nodes.get(GATEWAY).and_then(|n| n.head_state()) else {
            return Vec::new();
        };
        let keys = crate::pos::genesis_keys(self.genesis_count);
        keys.iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let index = ValidatorIndex::try_from(i).ok()?;
                let v = state.validator(index)?;
                let own = crate::address::Address::from_public_key(&k256::PublicKey::from(
                    k.verifying_key(),
                ));
                (v.address == own && self.clients.contains_key(&own)).then_some(index)
            })
            .collect()
    }

    /// Stops signing for `indices` (genesis validators hosted here) and returns them with
    /// their protection records, for another tab to take over.
    pub fn release(&mut self, indices: &[ValidatorIndex]) -> Vec<Handed> {
        let hosted = self.hosted_genesis();
        let mut out = Vec::new();
        for index in indices.iter().filter(|i| hosted.contains(i)) {
            let Some(address) = self.validator_address(*index) else {
                continue;
            };
            if let Some(c) = self.clients.remove(&address) {
                self.remote.insert(address, true);
                out.push(Handed {
                    index: *index,
                    protection: c.protection(),
                });
            }
        }
        out
    }

    /// Takes over validators another tab released: their keys are the development accounts'
    /// (derived here, never sent), their protection records come with them, and they sign
    /// nothing for a slot this network has already reached. They run on nodes round-robin.
    ///
    /// # Errors
    /// Why a validator cannot be taken over (not a genesis validator of this network, or
    /// already signed for here); the others are taken.
    pub fn adopt(&mut self, handed: &[Handed]) -> Result<usize, String> {
        let keys = crate::pos::genesis_keys(self.genesis_count);
        let n = self.nodes.len().max(1);
        let mut taken = 0;
        let mut problems = Vec::new();
        for h in handed {
            let Some(key) = keys.get(h.index as usize) else {
                problems.push(format!("#{} is not a genesis validator here", h.index));
                continue;
            };
            let client = Client::taking_over(
                key.clone(),
                h.index as usize % n,
                h.protection.clone(),
                self.slot,
            );
            if self.validator_address(h.index) != Some(client.address) {
                problems.push(format!("#{} has another key here", h.index));
                continue;
            }
            if self.clients.contains_key(&client.address) {
                problems.push(format!("#{} is already signed for in this tab", h.index));
                continue;
            }
            self.remote.remove(&client.address);
            self.clients.insert(client.address, client);
            taken += 1;
        }
        if problems.is_empty() {
            Ok(taken)
        } else {
            Err(format!(
                "{taken} validators taken over; refused: {}",
                problems.join(", ")
            ))
        }
    }
}
