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
/// EIP-7623 (Prague): gas per calldata token in the floor; a zero byte is 1 token, any other 4.
const FLOOR_TOKEN_GAS: u64 = 10;
const NONZERO_BYTE_TOKENS: u64 = 4;

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The zero bytes and the other bytes of call data.
fn zero_and_other_bytes(data: &[u8]) -> (u64, u64) {
    let zeros = count(data.iter().filter(|b| **b == 0).count());
    (zeros, count(data.len()).saturating_sub(zeros))
}

/// Gas charged before any code runs (Cancun rules): 21000; 16 per non-zero and 4 per zero data
/// byte (EIP-2028); for a contract creation 32000 more and 2 per 32-byte word of init code
/// (EIP-3860); 2400 per access-list address and 1900 per storage key (EIP-2930). Saturates
/// instead of overflowing. Prague's calldata floor is [`floor_data_gas`]; a gas limit must pay
/// both ([`min_gas_limit`]).
pub fn intrinsic_gas(data: &[u8], is_create: bool, access_list: &[AccessListItem]) -> u64 {
    let (zeros, nonzeros) = zero_and_other_bytes(data);
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

/// Prague's calldata floor (EIP-7623): 21000 plus 10 gas per calldata token, where a zero byte
/// is one token and any other byte four (so 10 per zero and 40 per non-zero byte). Since Prague
/// a transaction whose gas limit is below it is invalid, and one that uses less is charged it.
/// Saturates instead of overflowing.
pub fn floor_data_gas(data: &[u8]) -> u64 {
    let (zeros, nonzeros) = zero_and_other_bytes(data);
    let tokens = zeros.saturating_add(nonzeros.saturating_mul(NONZERO_BYTE_TOKENS));
    TRANSFER_GAS.saturating_add(tokens.saturating_mul(FLOOR_TOKEN_GAS))
}

/// The smallest gas limit Ethereum accepts since Prague: the larger of [`intrinsic_gas`] and
/// [`floor_data_gas`]. A plain transfer needs 21000 either way.
pub fn min_gas_limit(data: &[u8], is_create: bool, access_list: &[AccessListItem]) -> u64 {
    intrinsic_gas(data, is_create, access_list).max(floor_data_gas(data))
}

/// A transfer as the UI describes it. The gas limit defaults to [`min_gas_limit`]: 21000 for a
/// plain transfer; with data the larger of its intrinsic gas and Prague's calldata floor, so a
/// transaction signed with the default is valid on Ethereum today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRequest {
    pub chain_id: u64,
    pub nonce: u64,
    /// `None` creates a contract (the lab may refuse that later).
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
    /// `None`: use [`TxRequest::min_gas_limit`].
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

    /// The smallest gas limit Ethereum accepts for this request (see [`min_gas_limit`]).
    pub fn min_gas_limit(&self) -> u64 {
        min_gas_limit(&self.data, self.to.is_none(), &[])
    }

    /// The gas limit to sign: the one set, or [`TxRequest::min_gas_limit`].
    ///
    /// # Errors
    /// [`TxError::GasLimitBelowIntrinsic`] when a set limit cannot even pay the intrinsic gas;
    /// [`TxError::GasLimitBelowFloor`] when it pays that but not Prague's calldata floor (a
    /// node would refuse the transaction).
    pub fn gas_limit(&self) -> Result<u64, TxError> {
        let intrinsic = self.intrinsic_gas();
        let floor = floor_data_gas(&self.data);
        match self.gas_limit {
            None => Ok(intrinsic.max(floor)),
            Some(gas_limit) if gas_limit < intrinsic => Err(TxError::GasLimitBelowIntrinsic {
                gas_limit,
                intrinsic,
            }),
            Some(gas_limit) if gas_limit < floor => {
                Err(TxError::GasLimitBelowFloor { gas_limit, floor })
            }
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
