//! Votes on a branch: the checks a vote passes before it counts, and counting it.

use super::{base_reward, BeaconState, SOURCE, TARGET};
use crate::pos::duties::epoch_of;
use crate::pos::refusal::AttestationRefusal;
use crate::pos::types::{Attestation, Domain, ValidatorIndex};
use crate::pos::verify::verify;
use crate::pos::PosParams;

impl BeaconState {
    /// The checks of a vote against this state, advanced to the block slot that would carry it.
    ///
    /// # Errors
    /// Why the vote cannot be counted here.
    pub fn check_attestation(
        &self,
        a: &Attestation,
        params: &PosParams,
    ) -> Result<(), AttestationRefusal> {
        let d = &a.data;
        let spe = params.slots_per_epoch;
        let current = self.epoch(params);
        if d.target.epoch != epoch_of(d.slot, spe) {
            return Err(AttestationRefusal::TargetNotSlotEpoch {
                slot: d.slot,
                target: d.target.epoch,
            });
        }
        if d.slot >= self.slot {
            return Err(AttestationRefusal::TooEarly { slot: d.slot });
        }
        if d.target.epoch + 1 < current {
            return Err(AttestationRefusal::TooOld {
                epoch: d.target.epoch,
            });
        }
        let expected_source = if d.target.epoch == current {
            self.current_justified
        } else {
            self.previous_justified
        };
        if d.source != expected_source {
            return Err(AttestationRefusal::WrongSource {
                got: d.source,
                expected: expected_source,
            });
        }
        self.check_vote_signer(a, params)
    }

    /// The checks that need no branch: the validator exists, is active, not slashed, is in the
    /// slot's committee and signed the vote.
    ///
    /// # Errors
    /// Why the vote is not this validator's to make.
    pub fn check_vote_signer(
        &self,
        a: &Attestation,
        params: &PosParams,
    ) -> Result<(), AttestationRefusal> {
        let d = &a.data;
        let v = self
            .validator(a.validator)
            .ok_or(AttestationRefusal::UnknownValidator {
                validator: a.validator,
            })?;
        if !v.is_active(d.target.epoch) {
            return Err(AttestationRefusal::NotActive {
                validator: a.validator,
            });
        }
        if v.slashed {
            return Err(AttestationRefusal::Slashed {
                validator: a.validator,
            });
        }
        let committee = self
            .committee(d.slot, params)
            .ok_or(AttestationRefusal::TooOld {
                epoch: d.target.epoch,
            })?;
        if !committee.contains(&a.validator) {
            return Err(AttestationRefusal::NotInCommittee {
                validator: a.validator,
                slot: d.slot,
            });
        }
        if !verify(&a.signature, &v.key, Domain::Attestation, &d.root()) {
            return Err(AttestationRefusal::BadSignature {
                validator: a.validator,
            });
        }
        Ok(())
    }

    /// Counts a vote; returns whether it was new on this branch.
    pub(super) fn apply_attestation(
        &mut self,
        a: &Attestation,
        proposer: ValidatorIndex,
        params: &PosParams,
    ) -> Result<bool, AttestationRefusal> {
        self.check_attestation(a, params)?;
        let current = self.epoch(params);
        let target_root = self.target_root(a.data.target.epoch, params);
        let flags = if a.data.target.epoch == current {
            &mut self.current_participation
        } else {
            &mut self.previous_participation
        };
        let Some(flag) = flags.get_mut(a.validator as usize) else {
            return Ok(false);
        };
        if *flag & SOURCE != 0 {
            return Ok(false);
        }
        *flag |= SOURCE;
        if target_root == Some(a.data.target.root) {
            *flag |= TARGET;
        }
        let reward = self
            .validator(a.validator)
            .map_or(0, |v| base_reward(v.effective, params) / 8);
        if let Some(p) = self.validators.get_mut(proposer as usize) {
            p.balance = p.balance.saturating_add(reward);
        }
        Ok(true)
    }
}
