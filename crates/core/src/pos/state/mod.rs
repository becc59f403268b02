//! The beacon state of one branch and its transition: slots and epochs advance, blocks apply
//! (proposer, signatures, RANDAO, votes, evidence, deposits, exits), and at each epoch's end
//! Casper FFG justifies and finalizes checkpoints, rewards and penalties are paid and
//! effective stakes are updated. Pure and deterministic: every node computes the same state
//! from the same blocks.

mod operations;
pub(crate) use operations::ledger_params;
mod votes;

use k256::ecdsa::VerifyingKey;

use crate::address::{keccak256, Address};
use crate::hash::Hash32;

use super::duties::{self, epoch_of};
use super::refusal::BlockRefusal;
use super::types::{
    Block, Checkpoint, Domain, Epoch, Slot, ValidatorIndex, MAX_ATTESTATIONS, MAX_GRAFFITI,
    MAX_OPERATIONS, MAX_TRANSFERS,
};
use super::verify::verify;
use super::{PosParams, ETH};

/// An epoch that never comes: "not exiting".
pub const FAR_FUTURE: Epoch = Epoch::MAX;

/// Participation flags of one validator in one epoch.
const SOURCE: u8 = 1;
const TARGET: u8 = 2;

/// One validator in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validator {
    /// The key that signs its blocks and votes.
    pub key: VerifyingKey,
    /// The address of that key (where its stake returns after exit).
    pub address: Address,
    /// Its stake in wei.
    pub balance: u128,
    /// Whole ETH of stake that count for duties and votes (at most the cap), set each epoch.
    pub effective: u64,
    pub activation_epoch: Epoch,
    pub exit_epoch: Epoch,
    pub slashed: bool,
    /// Its stake went back to its address.
    pub withdrawn: bool,
}

impl Validator {
    pub fn is_active(&self, epoch: Epoch) -> bool {
        self.activation_epoch <= epoch && epoch < self.exit_epoch
    }
}

/// What one block paid out, for the UI and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Votes newly counted.
    pub votes: usize,
    pub slashed: Vec<ValidatorIndex>,
    pub deposits: Vec<ValidatorIndex>,
    pub exits: Vec<ValidatorIndex>,
    pub transfers: usize,
    /// Signatures checked applying it.
    pub signatures: u64,
}

/// The state of a branch after its latest block, at `slot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeaconState {
    pub slot: Slot,
    pub validators: Vec<Validator>,
    /// The ledger deposits draw from and withdrawals pay into: the core's own account rules
    /// ([`crate::state::State`]), the same as proof of work's.
    pub ledger: crate::state::State,
    /// RANDAO: every proposer's reveal mixed in.
    pub randao_mix: Hash32,
    /// Seeds known ahead: (epoch, seed), the last few.
    seeds: Vec<(Epoch, Hash32)>,
    genesis_seed: Hash32,
    pub latest_block_root: Hash32,
    /// The checkpoint roots of the current and the previous epoch, once their first slot passed.
    current_target: Option<Hash32>,
    previous_target: Option<Hash32>,
    current_participation: Vec<u8>,
    previous_participation: Vec<u8>,
    pub previous_justified: Checkpoint,
    pub current_justified: Checkpoint,
    pub finalized: Checkpoint,
    /// Bit i: the checkpoint i epochs back was justified.
    justification_bits: u8,
}

/// A genesis validator: its key and stake in wei.
#[derive(Debug, Clone)]
pub struct GenesisValidator {
    pub key: VerifyingKey,
    pub stake: u128,
}

fn address_of(key: &VerifyingKey) -> Address {
    Address::from_public_key(&k256::PublicKey::from(key))
}

impl BeaconState {
    /// The state at slot 0 with the genesis validators (active from epoch 0) and accounts.
    pub fn genesis(
        params: &PosParams,
        validators: &[GenesisValidator],
        accounts: &[(Address, u128)],
        genesis_root: Hash32,
    ) -> Self {
        let validators: Vec<Validator> = validators
            .iter()
            .map(|g| Validator {
                key: g.key,
                address: address_of(&g.key),
                balance: g.stake,
                effective: effective_of(g.stake, params),
                activation_epoch: 0,
                exit_epoch: FAR_FUTURE,
                slashed: false,
                withdrawn: false,
            })
            .collect();
        let n = validators.len();
        let genesis_cp = Checkpoint {
            epoch: 0,
            root: genesis_root,
        };
        Self {
            slot: 0,
            validators,
            ledger: crate::state::State::from_allocations(
                &accounts
                    .iter()
                    .map(|(a, w)| (*a, crate::Wei::from_wei(*w)))
                    .collect::<Vec<_>>(),
            ),
            randao_mix: genesis_root,
            seeds: Vec::new(),
            genesis_seed: duties::seed(0, &genesis_root),
            latest_block_root: genesis_root,
            current_target: None,
            previous_target: None,
            current_participation: vec![0; n],
            previous_participation: vec![0; n],
            previous_justified: genesis_cp,
            current_justified: genesis_cp,
            finalized: genesis_cp,
            justification_bits: 0,
        }
    }

    pub fn epoch(&self, params: &PosParams) -> Epoch {
        epoch_of(self.slot, params.slots_per_epoch)
    }

    /// The seed of `epoch`, known up to one epoch ahead of the state's.
    pub fn seed(&self, epoch: Epoch) -> Option<Hash32> {
        if epoch < 2 {
            return Some(self.genesis_seed);
        }
        self.seeds
            .iter()
            .find(|(e, _)| *e == epoch)
            .map(|(_, s)| *s)
    }

    /// Indices of the validators active in `epoch`.
    pub fn active(&self, epoch: Epoch) -> Vec<ValidatorIndex> {
        (0..self.validators.len())
            .filter(|i| self.validators[*i].is_active(epoch))
            .filter_map(|i| ValidatorIndex::try_from(i).ok())
            .collect()
    }

    /// The proposer of `slot` (in the state's epoch or the next).
    pub fn proposer(&self, slot: Slot, params: &PosParams) -> Option<ValidatorIndex> {
        let epoch = epoch_of(slot, params.slots_per_epoch);
        let seed = self.seed(epoch)?;
        let stakes: Vec<(ValidatorIndex, u64)> = self
            .active(epoch)
            .into_iter()
            .filter_map(|i| Some((i, self.validator(i)?.effective)))
            .collect();
        duties::proposer(&seed, slot, &stakes)
    }

    /// The committee that votes in `slot`.
    pub fn committee(&self, slot: Slot, params: &PosParams) -> Option<Vec<ValidatorIndex>> {
        let epoch = epoch_of(slot, params.slots_per_epoch);
        let seed = self.seed(epoch)?;
        Some(duties::committee(
            &seed,
            slot,
            params.slots_per_epoch,
            &self.active(epoch),
        ))
    }

    pub fn validator(&self, index: ValidatorIndex) -> Option<&Validator> {
        self.validators.get(index as usize)
    }

    pub fn index_of(&self, address: &Address) -> Option<ValidatorIndex> {
        self.validators
            .iter()
            .position(|v| v.address == *address)
            .and_then(|i| ValidatorIndex::try_from(i).ok())
    }

    /// Whole ETH of effective stake of the validators active in `epoch` and not slashed.
    pub fn total_active(&self, epoch: Epoch) -> u64 {
        self.validators
            .iter()
            .filter(|v| v.is_active(epoch) && !v.slashed)
            .map(|v| v.effective)
            .sum()
    }

    /// Whole ETH that voted for the right target in the current (`true`) or previous epoch.
    pub fn target_stake(&self, current: bool) -> u64 {
        let flags = if current {
            &self.current_participation
        } else {
            &self.previous_participation
        };
        flags
            .iter()
            .zip(&self.validators)
            .filter(|(f, v)| *f & TARGET != 0 && !v.slashed)
            .map(|(_, v)| v.effective)
            .sum()
    }

    /// Whether `validator` already has a vote counted for `epoch` on this branch.
    pub fn has_voted(&self, validator: ValidatorIndex, epoch: Epoch, params: &PosParams) -> bool {
        let current = self.epoch(params);
        let flags = if epoch == current {
            &self.current_participation
        } else if epoch + 1 == current {
            &self.previous_participation
        } else {
            return false;
        };
        flags
            .get(validator as usize)
            .is_some_and(|f| f & SOURCE != 0)
    }

    /// The checkpoint root of `epoch` on this branch, if the state still knows it.
    pub fn target_root(&self, epoch: Epoch, params: &PosParams) -> Option<Hash32> {
        let current = self.epoch(params);
        if epoch == current {
            self.current_target
        } else if epoch + 1 == current {
            self.previous_target
        } else {
            None
        }
    }

    /// Advances to `slot` (empty slots), running each epoch's end on the way.
    pub fn process_slots(&mut self, slot: Slot, params: &PosParams) {
        let spe = params.slots_per_epoch.max(2);
        while self.slot < slot {
            if self.slot.is_multiple_of(spe) {
                self.current_target = Some(self.latest_block_root);
            }
            if (self.slot + 1).is_multiple_of(spe) {
                self.process_epoch(params);
            }
            self.slot += 1;
        }
    }

    fn process_epoch(&mut self, params: &PosParams) {
        let current = self.epoch(params);
        self.justify_and_finalize(current);
        self.pay_votes(current, params);
        for v in &mut self.validators {
            if v.exit_epoch == current + 1 && !v.withdrawn {
                // An overflowing balance (not reachable with the lab's supply) stays staked.
                if self
                    .ledger
                    .credit_withdrawal(&v.address, crate::Wei::from_wei(v.balance))
                    .is_ok()
                {
                    v.balance = 0;
                    v.withdrawn = true;
                }
            }
            v.effective = effective_of(v.balance, params);
        }
        let next_seed = duties::seed(current + 2, &self.randao_mix);
        self.seeds.push((current + 2, next_seed));
        self.seeds.retain(|(e, _)| *e + 3 > current + 2);
        self.previous_participation = core::mem::replace(
            &mut self.current_participation,
            vec![0; self.validators.len()],
        );
        self.previous_target = self.current_target.take();
    }

    /// Casper FFG at the end of epoch `current` (the rules of the consensus specs'
    /// `weigh_justification_and_finalization`).
    fn justify_and_finalize(&mut self, current: Epoch) {
        if current <= 1 {
            return;
        }
        let previous = current - 1;
        let old_previous = self.previous_justified;
        let old_current = self.current_justified;
        self.previous_justified = self.current_justified;
        self.justification_bits = (self.justification_bits << 1) & 0b1111;
        let total = u128::from(self.total_active(current));
        let enough = |stake: u64| total > 0 && 3 * u128::from(stake) >= 2 * total;
        if let Some(root) = self.previous_target {
            if enough(self.target_stake(false)) {
                self.current_justified = Checkpoint {
                    epoch: previous,
                    root,
                };
                self.justification_bits |= 0b10;
            }
        }
        if let Some(root) = self.current_target {
            if enough(self.target_stake(true)) {
                self.current_justified = Checkpoint {
                    epoch: current,
                    root,
                };
                self.justification_bits |= 0b01;
            }
        }
        let bits = self.justification_bits;
        let all = |mask: u8| bits & mask == mask;
        if all(0b1110) && old_previous.epoch + 3 == current {
            self.finalized = old_previous;
        }
        if all(0b0110) && old_previous.epoch + 2 == current {
            self.finalized = old_previous;
        }
        if all(0b0111) && old_current.epoch + 2 == current {
            self.finalized = old_current;
        }
        if all(0b0011) && old_current.epoch + 1 == current {
            self.finalized = old_current;
        }
    }

    /// Rewards for the previous epoch's counted votes, a penalty of the same size for a
    /// missed one.
    fn pay_votes(&mut self, current: Epoch, params: &PosParams) {
        if current == 0 {
            return;
        }
        let previous = current - 1;
        for (i, v) in self.validators.iter_mut().enumerate() {
            if !v.is_active(previous) || v.slashed {
                continue;
            }
            let reward = base_reward(v.effective, params);
            let voted = self
                .previous_participation
                .get(i)
                .is_some_and(|f| f & SOURCE != 0);
            v.balance = if voted {
                v.balance.saturating_add(reward)
            } else {
                v.balance.saturating_sub(reward)
            };
        }
    }

    /// Applies `block` on this state (its parent's), which must not have passed its slot.
    ///
    /// # Errors
    /// The first rule the block breaks; the state is then left half-applied: apply on a copy.
    pub fn apply_block(
        &mut self,
        block: &Block,
        params: &PosParams,
    ) -> Result<Applied, BlockRefusal> {
        let h = &block.header;
        if h.parent != self.latest_block_root {
            return Err(BlockRefusal::WrongParent);
        }
        if h.slot <= self.slot {
            return Err(BlockRefusal::SlotNotAfterParent {
                slot: h.slot,
                parent: self.slot,
            });
        }
        if block.body.root() != h.body_root {
            return Err(BlockRefusal::BodyChanged);
        }
        if block.body.graffiti.len() > MAX_GRAFFITI {
            return Err(BlockRefusal::TooLarge {
                what: "graffiti",
                most: MAX_GRAFFITI,
            });
        }
        let b = &block.body;
        if b.attestations.len() > MAX_ATTESTATIONS {
            return Err(BlockRefusal::TooLarge {
                what: "attestations",
                most: MAX_ATTESTATIONS,
            });
        }
        if b.transfers.len() > MAX_TRANSFERS {
            return Err(BlockRefusal::TooLarge {
                what: "transfers",
                most: MAX_TRANSFERS,
            });
        }
        if b.evidence.len() > MAX_OPERATIONS
            || b.deposits.len() > MAX_OPERATIONS
            || b.exits.len() > MAX_OPERATIONS
        {
            return Err(BlockRefusal::TooLarge {
                what: "evidence, deposits or exits",
                most: MAX_OPERATIONS,
            });
        }
        self.process_slots(h.slot, params);
        let expected = self.proposer(h.slot, params).ok_or(BlockRefusal::NoStake)?;
        if h.proposer != expected {
            return Err(BlockRefusal::NotProposer {
                slot: h.slot,
                claimed: h.proposer,
                expected,
            });
        }
        let proposer = self.validator(expected).ok_or(BlockRefusal::NoStake)?;
        if proposer.slashed {
            return Err(BlockRefusal::ProposerSlashed { proposer: expected });
        }
        let key = proposer.key;
        let proposer_address = proposer.address;
        let mut applied = Applied {
            signatures: 2,
            ..Applied::default()
        };
        if !verify(&block.signature, &key, Domain::Block, &h.root()) {
            return Err(BlockRefusal::BadSignature { proposer: expected });
        }
        let epoch = self.epoch(params);
        if !verify(&b.randao_reveal, &key, Domain::Randao, &randao_root(epoch)) {
            return Err(BlockRefusal::BadRandao { proposer: expected });
        }
        let mut mix = *self.randao_mix.as_bytes();
        for (m, r) in mix.iter_mut().zip(keccak256(&b.randao_reveal.to_bytes())) {
            *m ^= r;
        }
        self.randao_mix = Hash32::from_bytes(mix);
        for (i, e) in b.evidence.iter().enumerate() {
            let offender = self
                .check_evidence(e)
                .map_err(|reason| BlockRefusal::Evidence { index: i, reason })?;
            self.slash(offender, expected, params);
            applied.slashed.push(offender);
            applied.signatures += 2;
        }
        for (i, a) in b.attestations.iter().enumerate() {
            let counted = self
                .apply_attestation(a, expected, params)
                .map_err(|reason| BlockRefusal::Attestation { index: i, reason })?;
            applied.votes += usize::from(counted);
            applied.signatures += 1;
        }
        self.apply_operations(b, proposer_address, &mut applied, params)?;
        self.latest_block_root = h.root();
        Ok(applied)
    }
}

/// What a RANDAO reveal signs: the epoch.
pub fn randao_root(epoch: Epoch) -> Hash32 {
    super::types::root_of(&[b"randao".as_slice(), &epoch.to_be_bytes()].concat())
}

/// Whole ETH of `balance`, capped.
pub fn effective_of(balance: u128, params: &PosParams) -> u64 {
    u64::try_from(balance / ETH)
        .unwrap_or(u64::MAX)
        .min(params.max_effective)
}

/// A validator's reward (and penalty) per epoch for its vote.
pub fn base_reward(effective: u64, params: &PosParams) -> u128 {
    u128::from(effective) * params.reward_per_eth
}
