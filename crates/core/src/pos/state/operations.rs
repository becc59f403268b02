//! What blocks carry besides votes: slashing evidence, deposits and exits, checked and applied.

use k256::ecdsa::VerifyingKey;

use super::{effective_of, Applied, BeaconState, Validator, FAR_FUTURE};
use crate::address::Address;
use crate::amount::Wei;
use crate::pos::refusal::{
    BlockRefusal, DepositRefusal, EvidenceRefusal, ExitRefusal, TransferRefusal,
};
use crate::pos::types::{
    Attestation, BlockBody, Domain, Evidence, Exit, SignedHeader, ValidatorIndex,
};
use crate::pos::verify::verify;
use crate::pos::{PosParams, DEPOSIT_ADDRESS, ETH, MAX_VALIDATORS};
use crate::tx::{Recovered, SignedTx};

/// The ledger's rules for deposits: the lab chain's, on this network's chain id.
pub(crate) fn ledger_params(params: &PosParams) -> crate::chain::ChainParams {
    crate::chain::ChainParams {
        chain_id: params.chain_id,
        ..crate::chain::ChainParams::default()
    }
}

impl BeaconState {
    /// Checks slashing evidence; returns the validator it convicts.
    ///
    /// # Errors
    /// Why the evidence proves nothing (or nothing new).
    pub fn check_evidence(&self, e: &Evidence) -> Result<ValidatorIndex, EvidenceRefusal> {
        let offender = e.offender();
        let v = self
            .validator(offender)
            .ok_or(EvidenceRefusal::UnknownValidator {
                validator: offender,
            })?;
        if v.slashed {
            return Err(EvidenceRefusal::AlreadySlashed {
                validator: offender,
            });
        }
        let signed =
            |h: &SignedHeader| verify(&h.signature, &v.key, Domain::Block, &h.header.root());
        match e {
            Evidence::DoubleProposal { a, b } => {
                if a.header.proposer != b.header.proposer
                    || a.header.slot != b.header.slot
                    || a.header == b.header
                {
                    return Err(EvidenceRefusal::NotConflicting);
                }
                if !signed(a) || !signed(b) {
                    return Err(EvidenceRefusal::BadSignature);
                }
            }
            Evidence::Votes { a, b } => {
                if a.validator != b.validator || a.data.offence_with(&b.data).is_none() {
                    return Err(EvidenceRefusal::NotConflicting);
                }
                let ok = |x: &Attestation| {
                    verify(&x.signature, &v.key, Domain::Attestation, &x.data.root())
                };
                if !ok(a) || !ok(b) {
                    return Err(EvidenceRefusal::BadSignature);
                }
            }
        }
        Ok(offender)
    }

    /// Slashes `offender`: 1/32 of its stake burnt, 1/512 to the reporting proposer, ejected
    /// at the next epoch.
    pub(super) fn slash(
        &mut self,
        offender: ValidatorIndex,
        reporter: ValidatorIndex,
        params: &PosParams,
    ) {
        let current = self.epoch(params);
        let Some(v) = self.validators.get_mut(offender as usize) else {
            return;
        };
        v.slashed = true;
        v.exit_epoch = v.exit_epoch.min(current + 1);
        let stake = u128::from(v.effective) * ETH;
        v.balance = v.balance.saturating_sub(stake / 32);
        if let Some(r) = self.validators.get_mut(reporter as usize) {
            r.balance = r.balance.saturating_add(stake / 512);
        }
    }

    /// What a deposit would do: the new validator's key, address and stake.
    ///
    /// # Errors
    /// Why the deposit is refused.
    pub fn check_deposit(
        &self,
        raw: &str,
        params: &PosParams,
    ) -> Result<(VerifyingKey, Address, u128, u64), DepositRefusal> {
        let signed =
            SignedTx::from_raw_hex(raw).map_err(|e| DepositRefusal::Malformed(e.to_string()))?;
        if signed.chain_id() != Some(params.chain_id) {
            return Err(DepositRefusal::WrongChain {
                expected: params.chain_id,
                got: signed.chain_id(),
            });
        }
        if signed.tx().to() != Some(&DEPOSIT_ADDRESS) {
            return Err(DepositRefusal::NotToDepositAddress);
        }
        let value = u128::try_from(signed.tx().value())
            .map_err(|_| DepositRefusal::AboveBalance { balance: 0 })?;
        let nonce = signed.tx().nonce();
        let recovered = signed
            .clone()
            .recover()
            .map_err(|e| DepositRefusal::Malformed(e.to_string()))?;
        let key = VerifyingKey::from_sec1_bytes(recovered.public_key()).map_err(|_| {
            DepositRefusal::Malformed("the signer's public key does not parse".into())
        })?;
        let address = recovered.sender();
        if value < params.min_deposit {
            return Err(DepositRefusal::BelowMinimum {
                min: params.min_deposit,
                got: value,
            });
        }
        let account = self.ledger.account(&address);
        if account.nonce != nonce {
            return Err(DepositRefusal::WrongNonce {
                expected: account.nonce,
                got: nonce,
            });
        }
        if value > account.balance.as_wei() {
            return Err(DepositRefusal::AboveBalance {
                balance: account.balance.as_wei(),
            });
        }
        if self.index_of(&address).is_some() {
            return Err(DepositRefusal::AlreadyValidator { address });
        }
        // The rest (gas, fee against the base fee, value and fee together within the balance)
        // by the ledger's own rules.
        self.ledger
            .check_tx(&address, &signed, &ledger_params(params))
            .map_err(|e| DepositRefusal::Ledger(e.to_string()))?;
        Ok((key, address, value, nonce))
    }

    /// Applies a deposit; returns the new validator and the priority fee the proposer earns.
    pub(crate) fn apply_deposit(
        &mut self,
        raw: &str,
        params: &PosParams,
    ) -> Result<(ValidatorIndex, Wei), DepositRefusal> {
        let (key, address, value, _) = self.check_deposit(raw, params)?;
        let index = ValidatorIndex::try_from(self.validators.len())
            .map_err(|_| DepositRefusal::RegistryFull)?;
        if self.validators.len() >= MAX_VALIDATORS {
            return Err(DepositRefusal::RegistryFull);
        }
        let signed =
            SignedTx::from_raw_hex(raw).map_err(|e| DepositRefusal::Malformed(e.to_string()))?;
        let receipt = self
            .ledger
            .apply_tx(&address, &signed, &ledger_params(params))
            .map_err(|e| DepositRefusal::Ledger(e.to_string()))?;
        self.validators.push(Validator {
            key,
            address,
            balance: value,
            effective: effective_of(value, params),
            activation_epoch: self.epoch(params) + params.activation_delay,
            exit_epoch: FAR_FUTURE,
            slashed: false,
            withdrawn: false,
        });
        self.current_participation.push(0);
        self.previous_participation.push(0);
        Ok((index, receipt.cost.priority_fee))
    }

    /// Reads a transfer: the signed transaction and its recovered sender, on this chain and not
    /// to the deposit address. The ledger's rules are checked where it is applied or pooled.
    ///
    /// # Errors
    /// Why it is not a transfer of this chain.
    pub fn read_transfer(raw: &str) -> Result<Recovered, TransferRefusal> {
        let signed =
            SignedTx::from_raw_hex(raw).map_err(|e| TransferRefusal::Malformed(e.to_string()))?;
        if signed.tx().to() == Some(&DEPOSIT_ADDRESS) {
            return Err(TransferRefusal::ToDepositAddress);
        }
        signed
            .recover()
            .map_err(|e| TransferRefusal::Malformed(e.to_string()))
    }

    /// Applies a transfer with the ledger's own [`crate::state::State::apply_tx`] (nonce, chain
    /// id, gas, fee against the base fee, funds); returns the priority fee the proposer earns.
    /// Nothing changes on error.
    ///
    /// # Errors
    /// Why the transfer is refused.
    pub(crate) fn apply_transfer(
        &mut self,
        raw: &str,
        params: &PosParams,
    ) -> Result<Wei, TransferRefusal> {
        let tx = Self::read_transfer(raw)?;
        let receipt = self
            .ledger
            .apply_tx(&tx.sender(), tx.signed(), &ledger_params(params))
            .map_err(|e| TransferRefusal::Ledger(e.to_string()))?;
        Ok(receipt.cost.priority_fee)
    }

    /// A block's deposits, exits and transfers, in that order, then the priority fees to the
    /// proposer's address (Ethereum's fee recipient).
    pub(super) fn apply_operations(
        &mut self,
        b: &BlockBody,
        proposer_address: Address,
        applied: &mut Applied,
        params: &PosParams,
    ) -> Result<(), BlockRefusal> {
        let mut fees = Wei::ZERO;
        for (i, d) in b.deposits.iter().enumerate() {
            let (v, fee) = self
                .apply_deposit(d.raw.as_str(), params)
                .map_err(|reason| BlockRefusal::Deposit { index: i, reason })?;
            applied.deposits.push(v);
            applied.signatures += 1;
            fees = fees.checked_add(fee).ok_or(BlockRefusal::FeesOverflow)?;
        }
        for (i, x) in b.exits.iter().enumerate() {
            self.apply_exit(x, params)
                .map_err(|reason| BlockRefusal::Exit { index: i, reason })?;
            applied.exits.push(x.validator);
            applied.signatures += 1;
        }
        for (i, t) in b.transfers.iter().enumerate() {
            let fee = self
                .apply_transfer(t.raw.as_str(), params)
                .map_err(|reason| BlockRefusal::Transfer { index: i, reason })?;
            applied.transfers += 1;
            applied.signatures += 1;
            fees = fees.checked_add(fee).ok_or(BlockRefusal::FeesOverflow)?;
        }
        self.ledger
            .pay_priority_fees(&proposer_address, fees)
            .map_err(|_| BlockRefusal::FeesOverflow)?;
        Ok(())
    }

    /// Checks a signed exit.
    ///
    /// # Errors
    /// Why the exit is refused.
    pub fn check_exit(&self, x: &Exit, params: &PosParams) -> Result<(), ExitRefusal> {
        let v = self
            .validator(x.validator)
            .ok_or(ExitRefusal::UnknownValidator {
                validator: x.validator,
            })?;
        let current = self.epoch(params);
        if v.exit_epoch != FAR_FUTURE {
            return Err(ExitRefusal::AlreadyExiting {
                validator: x.validator,
            });
        }
        if !v.is_active(current) {
            return Err(ExitRefusal::NotActive {
                validator: x.validator,
            });
        }
        if x.epoch > current {
            return Err(ExitRefusal::FutureEpoch { epoch: x.epoch });
        }
        if !verify(
            &x.signature,
            &v.key,
            Domain::Exit,
            &Exit::root(x.validator, x.epoch),
        ) {
            return Err(ExitRefusal::BadSignature {
                validator: x.validator,
            });
        }
        Ok(())
    }

    pub(super) fn apply_exit(&mut self, x: &Exit, params: &PosParams) -> Result<(), ExitRefusal> {
        self.check_exit(x, params)?;
        let exit = self.epoch(params) + params.activation_delay;
        if let Some(v) = self.validators.get_mut(x.validator as usize) {
            v.exit_epoch = exit;
        }
        Ok(())
    }
}
