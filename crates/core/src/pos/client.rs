//! A validator client: holds one validator's key, signs its duties, and refuses to sign what
//! could get it slashed (slashing protection), unless the lab tells it to equivocate.

use k256::ecdsa::SigningKey;

use crate::address::Address;
use crate::signature::Signature;

use super::types::{
    Attestation, AttestationData, Block, Checkpoint, Domain, Epoch, Slot, ValidatorIndex,
};

/// How a validator behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behaviour {
    #[default]
    Honest,
    /// Signs two blocks when it proposes and two conflicting votes when it attests.
    Equivocating,
}

/// A client's slashing-protection record, handed over with a validator that moves to another
/// tab so the new signer never contradicts what the old one signed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// (source, target) epochs of the votes signed, at most [`VOTES_KEPT`].
    pub votes: Vec<(Epoch, Epoch)>,
    /// The last slot it proposed for (or may no longer propose for).
    pub last_proposal: Option<Slot>,
}

/// Votes a client remembers for its protection.
pub const VOTES_KEPT: usize = 64;

/// One validator's signer.
#[derive(Debug, Clone)]
pub struct Client {
    key: SigningKey,
    pub address: Address,
    pub behaviour: Behaviour,
    pub online: bool,
    /// The node it runs on.
    pub host: usize,
    /// (source, target) epochs of every vote signed: the slashing-protection record.
    signed_votes: Vec<(Epoch, Epoch)>,
    last_proposal: Option<Slot>,
    /// Signatures it has made.
    pub signed: u64,
}

impl Client {
    pub fn new(key: SigningKey, host: usize) -> Self {
        let address = Address::from_public_key(&k256::PublicKey::from(key.verifying_key()));
        Self {
            key,
            address,
            behaviour: Behaviour::Honest,
            online: true,
            host,
            signed_votes: Vec::new(),
            last_proposal: None,
            signed: 0,
        }
    }

    /// A signer that takes over `protection` from the validator's previous signer, and signs
    /// nothing for a slot up to `after_slot`.
    pub fn taking_over(
        key: SigningKey,
        host: usize,
        protection: Protection,
        after_slot: Slot,
    ) -> Self {
        let mut c = Self::new(key, host);
        let mut votes = protection.votes;
        let extra = votes.len().saturating_sub(VOTES_KEPT);
        votes.drain(..extra);
        c.signed_votes = votes;
        c.last_proposal = Some(
            protection
                .last_proposal
                .map_or(after_slot, |s| s.max(after_slot)),
        );
        c
    }

    /// The slashing-protection record, to hand over.
    pub fn protection(&self) -> Protection {
        Protection {
            votes: self.signed_votes.clone(),
            last_proposal: self.last_proposal,
        }
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// Whether signing `data` is safe against this client's own record.
    pub fn may_vote(&self, data: &AttestationData) -> bool {
        self.signed_votes.iter().all(|(s, t)| {
            let (ns, nt) = (data.source.epoch, data.target.epoch);
            *t != nt && !(*s < ns && nt < *t) && !(ns < *s && *t < nt)
        })
    }

    /// Signs the vote (two conflicting ones when equivocating). `alternative` is another known
    /// block an equivocator names as its second head.
    pub fn attest(
        &mut self,
        index: ValidatorIndex,
        data: AttestationData,
        alternative: Checkpoint,
    ) -> Vec<Attestation> {
        let mut out = Vec::new();
        if self.behaviour == Behaviour::Honest && !self.may_vote(&data) {
            return out;
        }
        let mut datas = vec![data];
        if self.behaviour == Behaviour::Equivocating {
            let other = AttestationData {
                head: alternative.root,
                target: Checkpoint {
                    epoch: data.target.epoch,
                    root: alternative.root,
                },
                ..data
            };
            if other != data {
                datas.push(other);
            }
        }
        for d in datas {
            if let Ok(signature) =
                Signature::sign_prehash(&self.key, &Domain::Attestation.digest(&d.root()))
            {
                self.signed += 1;
                self.signed_votes.push((d.source.epoch, d.target.epoch));
                out.push(Attestation {
                    data: d,
                    validator: index,
                    signature,
                });
            }
        }
        if self.signed_votes.len() > VOTES_KEPT {
            self.signed_votes.remove(0);
        }
        out
    }

    /// Whether it may propose for `slot` (never twice for one slot when honest).
    pub fn may_propose(&self, slot: Slot) -> bool {
        self.behaviour == Behaviour::Equivocating || self.last_proposal.is_none_or(|s| s < slot)
    }

    pub fn proposed(&mut self, slot: Slot, blocks: &[Block]) {
        self.last_proposal = Some(slot);
        // A block signature and a RANDAO reveal each.
        self.signed += 2 * blocks.len() as u64;
    }
}
