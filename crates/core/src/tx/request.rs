//! [`TxRequest`]: what the UI fills in for a transfer, with gas defaults, turned into a
//! [`Transaction`] of either format; and [`intrinsic_gas`].

use super::{AccessListItem, Eip1559Tx, LegacyTx, Transaction, TxError, U256};
use crate::address::Address;
use crate::amount::Wei;

/// The gas of a plain value transfer (the base cost of every transaction).
pub const TRANSFER_GAS: u64 = 21_000;
const CREATE_GAS: u64 = 32_000;
const ZERO_BYTE_GAS: u64 = 4;
const NONZERO_BYTE_GAS: u64 = 16;
const INITCODE_WORD_GAS: u64 = 2;
const ACCESS_LIST_ADDRESS_GAS: u64 = 2_400;
const ACCESS_LIST_KEY_GAS: u64 = 1_900;

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Gas charged before any code runs (Cancun rules): 21000; 16 per non-zero and 4 per zero data
/// byte (EIP-2028); for a contract creation 32000 more and 2 per 32-byte word of init code
/// (EIP-3860); 2400 per access-list address and 1900 per storage key (EIP-2930). Saturates
/// instead of overflowing. Prague's calldata floor (EIP-7623) is not included.
pub fn intrinsic_gas(data: &[u8], is_create: bool, access_list: &[AccessListItem]) -> u64 {
    let zeros = count(data.iter().filter(|b| **b == 0).count());
    let nonzeros = count(data.len()).saturating_sub(zeros);
    let mut gas = TRANSFER_GAS
        .saturating_add(zeros.saturating_mul(ZERO_BYTE_GAS))
        .saturating_add(nonzeros.saturating_mul(NONZERO_BYTE_GAS));
    if is_create {
        let words = count(data.len().div_ceil(32));
        gas = gas
            .saturating_add(CREATE_GAS)
            .saturating_add(words.saturating_mul(INITCODE_WORD_GAS));
    }
    for item in access_list {
        gas = gas
            .saturating_add(ACCESS_LIST_ADDRESS_GAS)
            .saturating_add(count(item.storage_keys.len()).saturating_mul(ACCESS_LIST_KEY_GAS));
    }
    gas
}

/// A transfer as the UI describes it. The gas limit defaults to the intrinsic gas (21000 for a
/// plain transfer, plus the call data cost when there is data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRequest {
    pub chain_id: u64,
    pub nonce: u64,
    /// `None` creates a contract (the lab may refuse that later).
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
    /// `None`: use [`TxRequest::intrinsic_gas`].
    pub gas_limit: Option<u64>,
}

impl TxRequest {
    /// A plain transfer of `value` to `to`.
    pub fn transfer(chain_id: u64, nonce: u64, to: Address, value: Wei) -> Self {
        Self {
            chain_id,
            nonce,
            to: Some(to),
            value: U256::from(value.as_wei()),
            data: Vec::new(),
            gas_limit: None,
        }
    }

    /// Adds call data (a note, or a contract call).
    #[must_use]
    pub fn with_data(mut self, data: Vec<u8>) -> Self {
        self.data = data;
        self
    }

    /// Sets the gas limit instead of the default.
    #[must_use]
    pub fn with_gas_limit(mut self, gas_limit: u64) -> Self {
        self.gas_limit = Some(gas_limit);
        self
    }

    /// The intrinsic gas of this request (see [`intrinsic_gas`]).
    pub fn intrinsic_gas(&self) -> u64 {
        intrinsic_gas(&self.data, self.to.is_none(), &[])
    }

    /// The gas limit to sign: the one set, or the intrinsic gas.
    ///
    /// # Errors
    /// [`TxError::GasLimitBelowIntrinsic`] when a set limit cannot even pay the intrinsic gas.
    pub fn gas_limit(&self) -> Result<u64, TxError> {
        let intrinsic = self.intrinsic_gas();
        match self.gas_limit {
            None => Ok(intrinsic),
            Some(gas_limit) if gas_limit < intrinsic => Err(TxError::GasLimitBelowIntrinsic {
                gas_limit,
                intrinsic,
            }),
            Some(gas_limit) => Ok(gas_limit),
        }
    }

    /// An EIP-1559 transaction with an empty access list.
    ///
    /// # Errors
    /// [`TxError::PriorityFeeAboveMaxFee`], [`TxError::GasLimitBelowIntrinsic`].
    pub fn eip1559(
        &self,
        max_priority_fee_per_gas: u128,
        max_fee_per_gas: u128,
    ) -> Result<Transaction, TxError> {
        if max_priority_fee_per_gas > max_fee_per_gas {
            return Err(TxError::PriorityFeeAboveMaxFee {
                priority_fee: max_priority_fee_per_gas,
                max_fee: max_fee_per_gas,
            });
        }
        Ok(Transaction::Eip1559(Eip1559Tx {
            chain_id: self.chain_id,
            nonce: self.nonce,
            max_priority_fee_per_gas,
            max_fee_per_gas,
            gas_limit: self.gas_limit()?,
            to: self.to,
            value: self.value,
            data: self.data.clone(),
            access_list: Vec::new(),
        }))
    }

    /// A legacy transaction with EIP-155 replay protection.
    ///
    /// # Errors
    /// [`TxError::GasLimitBelowIntrinsic`].
    pub fn legacy(&self, gas_price: u128) -> Result<Transaction, TxError> {
        Ok(Transaction::Legacy(LegacyTx {
            chain_id: Some(self.chain_id),
            nonce: self.nonce,
            gas_price,
            gas_limit: self.gas_limit()?,
            to: self.to,
            value: self.value,
            data: self.data.clone(),
        }))
    }
}
