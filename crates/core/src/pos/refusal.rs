//! Why a node refuses a block, a vote, evidence, a deposit or an exit: each reason names the
//! rule and the values, in words.

use core::fmt;

use crate::address::Address;
use crate::amount::Wei;

use super::types::{Checkpoint, Epoch, Slot, ValidatorIndex};

fn eth(wei: u128) -> String {
    Wei::from_wei(wei).to_coins() + " ETH"
}

fn cp(c: &Checkpoint) -> String {
    format!("epoch {} ({})", c.epoch, c.root.short())
}

/// Why a vote is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestationRefusal {
    UnknownValidator {
        validator: ValidatorIndex,
    },
    NotActive {
        validator: ValidatorIndex,
    },
    Slashed {
        validator: ValidatorIndex,
    },
    NotInCommittee {
        validator: ValidatorIndex,
        slot: Slot,
    },
    BadSignature {
        validator: ValidatorIndex,
    },
    TargetNotSlotEpoch {
        slot: Slot,
        target: Epoch,
    },
    TooEarly {
        slot: Slot,
    },
    TooOld {
        epoch: Epoch,
    },
    FromTheFuture {
        slot: Slot,
        now: Slot,
    },
    WrongSource {
        got: Checkpoint,
        expected: Checkpoint,
    },
    UnknownHead,
    Duplicate,
}

impl fmt::Display for AttestationRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownValidator { validator } => write!(f, "there is no validator #{validator}"),
            Self::NotActive { validator } => {
                write!(f, "validator #{validator} is not active in that epoch")
            }
            Self::Slashed { validator } => write!(
                f,
                "validator #{validator} was slashed and may no longer vote"
            ),
            Self::NotInCommittee { validator, slot } => write!(
                f,
                "validator #{validator} is not in the committee of slot {slot}"
            ),
            Self::BadSignature { validator } => {
                write!(f, "the vote's signature is not validator #{validator}'s")
            }
            Self::TargetNotSlotEpoch { slot, target } => write!(
                f,
                "a vote of slot {slot} must target its own epoch, not epoch {target}"
            ),
            Self::TooEarly { slot } => write!(
                f,
                "a vote of slot {slot} can be included only from the next slot on"
            ),
            Self::TooOld { epoch } => write!(f, "a vote for epoch {epoch} is too old to count"),
            Self::FromTheFuture { slot, now } => write!(
                f,
                "a vote of slot {slot} arrived in slot {now}: it is from the future"
            ),
            Self::WrongSource { got, expected } => write!(
                f,
                "the vote's source is {} but this branch's justified checkpoint is {}",
                cp(got),
                cp(expected)
            ),
            Self::UnknownHead => f.write_str("the vote's head block is unknown here"),
            Self::Duplicate => f.write_str("the vote was already seen"),
        }
    }
}

/// Why slashing evidence is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceRefusal {
    UnknownValidator { validator: ValidatorIndex },
    AlreadySlashed { validator: ValidatorIndex },
    NotConflicting,
    BadSignature,
}

impl fmt::Display for EvidenceRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownValidator { validator } => write!(f, "there is no validator #{validator}"),
            Self::AlreadySlashed { validator } => {
                write!(f, "validator #{validator} is already slashed")
            }
            Self::NotConflicting => f.write_str("the two messages do not break a rule together"),
            Self::BadSignature => {
                f.write_str("a signature in the evidence is not the accused validator's")
            }
        }
    }
}

/// Why a deposit is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepositRefusal {
    Malformed(String),
    WrongChain {
        expected: u64,
        got: Option<u64>,
    },
    NotToDepositAddress,
    BelowMinimum {
        min: u128,
        got: u128,
    },
    AboveBalance {
        balance: u128,
    },
    WrongNonce {
        expected: u64,
        got: u64,
    },
    /// A rule of the ledger (gas, fee): the same rules as a transfer's.
    Ledger(String),
    AlreadyValidator {
        address: Address,
    },
    RegistryFull,
}

impl fmt::Display for DepositRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "the deposit is not a valid signed transaction: {why}"),
            Self::WrongChain { expected, got: Some(got) } => write!(f, "the deposit is signed for chain {got}, this chain is {expected}"),
            Self::WrongChain { expected, got: None } => write!(f, "the deposit has no chain id (chain {expected} expected)"),
            Self::NotToDepositAddress => write!(f, "a deposit is a transfer to the deposit address {}", super::DEPOSIT_ADDRESS),
            Self::BelowMinimum { min, got } => write!(f, "a deposit of {} is below the minimum of {}", eth(*got), eth(*min)),
            Self::AboveBalance { balance } => write!(f, "the deposit is more than the account's balance of {}", eth(*balance)),
            Self::WrongNonce { expected, got } => write!(f, "the deposit's nonce is {got}, the account's next nonce is {expected} (a replayed or skipped transaction)"),
            Self::Ledger(why) => write!(f, "the deposit breaks a rule of the ledger: {why}"),
            Self::AlreadyValidator { address } => write!(f, "{address} is already a validator"),
            Self::RegistryFull => write!(f, "the lab holds at most {} validators", super::MAX_VALIDATORS),
        }
    }
}

/// Why a transfer is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferRefusal {
    Malformed(String),
    /// Value sent to the deposit address goes through a deposit, which makes a validator.
    ToDepositAddress,
    /// A rule of the ledger or of the pool (nonce, funds, fee, chain id, replacement), in the
    /// core's own words.
    Ledger(String),
}

impl fmt::Display for TransferRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => {
                write!(f, "the transfer is not a valid signed transaction: {why}")
            }
            Self::ToDepositAddress => write!(
                f,
                "a transfer to the deposit address {} must be sent as a deposit",
                super::DEPOSIT_ADDRESS
            ),
            Self::Ledger(why) => write!(f, "the transfer breaks a rule of the ledger: {why}"),
        }
    }
}

/// Why an exit is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitRefusal {
    UnknownValidator { validator: ValidatorIndex },
    AlreadyExiting { validator: ValidatorIndex },
    NotActive { validator: ValidatorIndex },
    FutureEpoch { epoch: Epoch },
    BadSignature { validator: ValidatorIndex },
}

impl fmt::Display for ExitRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownValidator { validator } => {
                write!(f, "there is no validator #{validator} to exit")
            }
            Self::AlreadyExiting { validator } => {
                write!(f, "validator #{validator} is already exiting")
            }
            Self::NotActive { validator } => write!(f, "validator #{validator} is not active"),
            Self::FutureEpoch { epoch } => {
                write!(f, "the exit is dated epoch {epoch}, which has not begun")
            }
            Self::BadSignature { validator } => {
                write!(f, "the exit's signature is not validator #{validator}'s")
            }
        }
    }
}

/// Why a block is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockRefusal {
    WrongParent,
    SlotNotAfterParent {
        slot: Slot,
        parent: Slot,
    },
    FromTheFuture {
        slot: Slot,
        now: Slot,
    },
    BodyChanged,
    TooLarge {
        what: &'static str,
        most: usize,
    },
    NoStake,
    NotProposer {
        slot: Slot,
        claimed: ValidatorIndex,
        expected: ValidatorIndex,
    },
    ProposerSlashed {
        proposer: ValidatorIndex,
    },
    BadSignature {
        proposer: ValidatorIndex,
    },
    BadRandao {
        proposer: ValidatorIndex,
    },
    ConflictsWithFinalized {
        finalized: Checkpoint,
    },
    Attestation {
        index: usize,
        reason: AttestationRefusal,
    },
    Evidence {
        index: usize,
        reason: EvidenceRefusal,
    },
    Deposit {
        index: usize,
        reason: DepositRefusal,
    },
    Exit {
        index: usize,
        reason: ExitRefusal,
    },
    Transfer {
        index: usize,
        reason: TransferRefusal,
    },
    /// The proposer's priority fees overflow its balance.
    FeesOverflow,
}

impl fmt::Display for BlockRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongParent => f.write_str("the block does not build on the state it was applied to"),
            Self::SlotNotAfterParent { slot, parent } => write!(f, "the block's slot {slot} is not after its parent's slot {parent}"),
            Self::FromTheFuture { slot, now } => write!(f, "the block is for slot {slot} but it is only slot {now}"),
            Self::BodyChanged => f.write_str("the body does not match the root the proposer signed: it was changed after signing"),
            Self::TooLarge { what, most } => write!(f, "the block carries more {what} than the {most} allowed"),
            Self::NoStake => f.write_str("no validator is active, so no one may propose"),
            Self::NotProposer { slot, claimed, expected } => write!(f, "validator #{claimed} is not the proposer of slot {slot} (validator #{expected} is)"),
            Self::ProposerSlashed { proposer } => write!(f, "the proposer, validator #{proposer}, was slashed"),
            Self::BadSignature { proposer } => write!(f, "the block's signature is not its proposer's (validator #{proposer})"),
            Self::BadRandao { proposer } => write!(f, "the RANDAO reveal is not validator #{proposer}'s signature of the epoch"),
            Self::ConflictsWithFinalized { finalized } => write!(f, "the block is not a descendant of the finalized checkpoint {}: finalized blocks are never reverted", cp(finalized)),
            Self::Attestation { index, reason } => write!(f, "vote {} in the block: {reason}", index + 1),
            Self::Evidence { index, reason } => write!(f, "slashing evidence {} in the block: {reason}", index + 1),
            Self::Deposit { index, reason } => write!(f, "deposit {} in the block: {reason}", index + 1),
            Self::Exit { index, reason } => write!(f, "exit {} in the block: {reason}", index + 1),
            Self::Transfer { index, reason } => write!(f, "transfer {} in the block: {reason}", index + 1),
            Self::FeesOverflow => f.write_str("the priority fees would overflow the proposer's balance"),
        }
    }
}
