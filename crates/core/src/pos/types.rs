//! The messages of proof of stake: checkpoints, votes (attestations), block headers and bodies,
//! slashing evidence, deposits and exits. Each has a root (keccak-256 of a fixed byte layout)
//! and is signed over that root with a domain tag, so a signature for one kind of message is
//! never valid for another.

use serde::{Deserialize, Serialize};

use crate::address::keccak256;
use crate::hash::Hash32;
use crate::signature::Signature;

/// A validator's position in the registry.
pub type ValidatorIndex = u32;
/// A slot number (one proposer per slot).
pub type Slot = u64;
/// An epoch number (`slots_per_epoch` slots).
pub type Epoch = u64;

/// Most bytes of a block's graffiti.
pub const MAX_GRAFFITI: usize = 32;
/// Most attestations one block carries.
pub const MAX_ATTESTATIONS: usize = 512;
/// Most pieces of slashing evidence, deposits or exits one block carries (each).
pub const MAX_OPERATIONS: usize = 16;
/// Most transfers one block carries (and the ledger's block gas limit applies too).
pub const MAX_TRANSFERS: usize = 64;

/// What a signature is for: mixed into every digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    Block,
    Randao,
    Attestation,
    Exit,
}

impl Domain {
    fn tag(self) -> &'static [u8] {
        match self {
            Self::Block => b"blocklab-pos/block",
            Self::Randao => b"blocklab-pos/randao",
            Self::Attestation => b"blocklab-pos/attestation",
            Self::Exit => b"blocklab-pos/exit",
        }
    }

    /// The 32 bytes a validator signs for `root` in this domain.
    pub fn digest(self, root: &Hash32) -> [u8; 32] {
        let mut bytes = self.tag().to_vec();
        bytes.extend_from_slice(root.as_bytes());
        keccak256(&bytes)
    }
}

/// keccak-256 of `bytes` as a [`Hash32`].
pub(crate) fn root_of(bytes: &[u8]) -> Hash32 {
    Hash32::from_bytes(keccak256(bytes))
}

/// An epoch boundary: the epoch and the block at (or last before) its first slot.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Checkpoint {
    pub epoch: Epoch,
    pub root: Hash32,
}

impl Checkpoint {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(self.root.as_bytes());
    }
}

/// Which rule two votes of one validator break together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteOffence {
    /// Two different votes for one target epoch.
    DoubleVote,
    /// One vote's source-to-target span strictly contains the other's.
    SurroundVote,
}

/// A vote: the head the validator sees at `slot`, and the Casper FFG link source -> target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttestationData {
    pub slot: Slot,
    pub head: Hash32,
    pub source: Checkpoint,
    pub target: Checkpoint,
}

impl AttestationData {
    pub fn root(&self) -> Hash32 {
        let mut b = b"attestation-data".to_vec();
        b.extend_from_slice(&self.slot.to_be_bytes());
        b.extend_from_slice(self.head.as_bytes());
        self.source.put(&mut b);
        self.target.put(&mut b);
        root_of(&b)
    }

    /// Whether a validator that signed both `self` and `other` broke a Casper FFG rule.
    pub fn offence_with(&self, other: &Self) -> Option<VoteOffence> {
        if self == other {
            return None;
        }
        if self.target.epoch == other.target.epoch {
            return Some(VoteOffence::DoubleVote);
        }
        let surrounds =
            |a: &Self, b: &Self| a.source.epoch < b.source.epoch && b.target.epoch < a.target.epoch;
        (surrounds(self, other) || surrounds(other, self)).then_some(VoteOffence::SurroundVote)
    }
}

/// serde for [`Signature`] as its 65-byte `0x…` hex form.
mod sig_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::signature::Signature;

    pub fn serialize<S: Serializer>(sig: &Signature, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&sig.to_hex())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Signature, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Signature::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// One validator's signed vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    pub data: AttestationData,
    pub validator: ValidatorIndex,
    #[serde(with = "sig_hex")]
    pub signature: Signature,
}

impl Attestation {
    /// Identifies this exact signed vote (data, validator and signature).
    pub fn id(&self) -> Hash32 {
        let mut b = self.data.root().as_bytes().to_vec();
        b.extend_from_slice(&self.validator.to_be_bytes());
        b.extend_from_slice(&self.signature.to_bytes());
        root_of(&b)
    }
}

/// What a proposer signs: the slot, itself, the parent and the body's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlockHeader {
    pub slot: Slot,
    pub proposer: ValidatorIndex,
    pub parent: Hash32,
    pub body_root: Hash32,
}

impl BlockHeader {
    /// The block's identity.
    pub fn root(&self) -> Hash32 {
        let mut b = b"block-header".to_vec();
        b.extend_from_slice(&self.slot.to_be_bytes());
        b.extend_from_slice(&self.proposer.to_be_bytes());
        b.extend_from_slice(self.parent.as_bytes());
        b.extend_from_slice(self.body_root.as_bytes());
        root_of(&b)
    }
}

/// A header and its proposer's signature: enough to prove a double proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHeader {
    pub header: BlockHeader,
    #[serde(with = "sig_hex")]
    pub signature: Signature,
}

/// Two signed messages of one validator that break a rule: the proof that slashes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Two different blocks signed for one slot.
    DoubleProposal { a: SignedHeader, b: SignedHeader },
    /// Two votes that double-vote or surround each other.
    Votes { a: Attestation, b: Attestation },
}

impl Evidence {
    /// The validator the evidence accuses (as the first message names it).
    pub fn offender(&self) -> ValidatorIndex {
        match self {
            Self::DoubleProposal { a, .. } => a.header.proposer,
            Self::Votes { a, .. } => a.validator,
        }
    }

    /// The same evidence whichever message comes first.
    pub fn root(&self) -> Hash32 {
        let (x, y) = match self {
            Self::DoubleProposal { a, b } => (a.header.root(), b.header.root()),
            Self::Votes { a, b } => (a.id(), b.id()),
        };
        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
        let mut bytes = b"evidence".to_vec();
        bytes.extend_from_slice(lo.as_bytes());
        bytes.extend_from_slice(hi.as_bytes());
        root_of(&bytes)
    }

    /// The two signed messages, in words.
    pub fn describe(&self) -> String {
        match self {
            Self::DoubleProposal { a, b } => format!(
                "blocks {} and {} both signed for slot {}",
                a.header.root().short(),
                b.header.root().short(),
                a.header.slot
            ),
            Self::Votes { a, b } => {
                let vote = |x: &Attestation| {
                    format!(
                        "epoch {} -> {} with head {}",
                        x.data.source.epoch,
                        x.data.target.epoch,
                        x.data.head.short()
                    )
                };
                format!("votes {} and {}", vote(a), vote(b))
            }
        }
    }

    /// Which rule it proves broken, in words.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::DoubleProposal { .. } => "signed two blocks for one slot",
            Self::Votes { a, b } => match a.data.offence_with(&b.data) {
                Some(VoteOffence::SurroundVote) => "made a surround vote",
                _ => "voted twice for one target epoch",
            },
        }
    }
}

/// A signed Ethereum transaction to the deposit address: its value becomes a new validator's
/// stake, and its signer's key becomes the validator's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    /// The raw signed transaction, `0x…`.
    pub raw: String,
}

/// An ordinary signed Ethereum transaction (a transfer between accounts of the ledger), carried
/// in a block's body: checked and applied by the same account rules as proof of work's
/// ([`crate::state::State::apply_tx`]); its priority fee goes to the block's proposer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The raw signed transaction, `0x…`.
    pub raw: String,
}

/// A validator's signed request to stop validating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exit {
    pub validator: ValidatorIndex,
    pub epoch: Epoch,
    #[serde(with = "sig_hex")]
    pub signature: Signature,
}

impl Exit {
    pub fn root(validator: ValidatorIndex, epoch: Epoch) -> Hash32 {
        let mut b = b"exit".to_vec();
        b.extend_from_slice(&validator.to_be_bytes());
        b.extend_from_slice(&epoch.to_be_bytes());
        root_of(&b)
    }
}

/// What a block carries besides its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockBody {
    /// The proposer's signature of the epoch: mixed into the seed that picks later duties.
    #[serde(with = "sig_hex")]
    pub randao_reveal: Signature,
    /// Free text, at most [`MAX_GRAFFITI`] bytes.
    pub graffiti: String,
    pub attestations: Vec<Attestation>,
    pub evidence: Vec<Evidence>,
    pub deposits: Vec<Deposit>,
    pub exits: Vec<Exit>,
    /// Transfers, applied after the deposits and exits, in order.
    #[serde(default)]
    pub transfers: Vec<Transfer>,
}

impl BlockBody {
    pub fn root(&self) -> Hash32 {
        let mut b = b"block-body".to_vec();
        b.extend_from_slice(&self.randao_reveal.to_bytes());
        b.extend_from_slice(&(self.graffiti.len() as u64).to_be_bytes());
        b.extend_from_slice(self.graffiti.as_bytes());
        b.extend_from_slice(&(self.attestations.len() as u64).to_be_bytes());
        for a in &self.attestations {
            b.extend_from_slice(a.id().as_bytes());
        }
        b.extend_from_slice(&(self.evidence.len() as u64).to_be_bytes());
        for e in &self.evidence {
            b.extend_from_slice(e.root().as_bytes());
        }
        b.extend_from_slice(&(self.deposits.len() as u64).to_be_bytes());
        for d in &self.deposits {
            b.extend_from_slice(root_of(d.raw.as_bytes()).as_bytes());
        }
        b.extend_from_slice(&(self.exits.len() as u64).to_be_bytes());
        for x in &self.exits {
            b.extend_from_slice(Exit::root(x.validator, x.epoch).as_bytes());
            b.extend_from_slice(&x.signature.to_bytes());
        }
        b.extend_from_slice(&(self.transfers.len() as u64).to_be_bytes());
        for t in &self.transfers {
            b.extend_from_slice(root_of(t.raw.as_bytes()).as_bytes());
        }
        root_of(&b)
    }
}

/// A proposed block: the signed header and the body it commits to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub header: BlockHeader,
    pub body: BlockBody,
    #[serde(with = "sig_hex")]
    pub signature: Signature,
}

impl Block {
    pub fn root(&self) -> Hash32 {
        self.header.root()
    }

    pub fn slot(&self) -> Slot {
        self.header.slot
    }

    pub fn signed_header(&self) -> SignedHeader {
        SignedHeader {
            header: self.header,
            signature: self.signature,
        }
    }
}

/// Everything a node gossips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "body", rename_all = "snake_case")]
pub enum PosMessage {
    Block(Block),
    Attestation(Attestation),
    Evidence(Evidence),
    Deposit(Deposit),
    Exit(Exit),
    Transfer(Transfer),
}
