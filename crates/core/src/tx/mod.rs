//! Ethereum transactions in their real wire formats: legacy with EIP-155 replay protection
//! (pre-EIP-155 legacy, v = 27/28, is decoded too) and EIP-1559 (EIP-2718 type 2).
//!
//! - [`Transaction`] is the unsigned transaction; [`Transaction::signing_hash`] is what the key
//!   signs and [`Transaction::sign`] signs it (RFC 6979 through k256, low-s).
//! - [`SignedTx`] holds a transaction and a checked [`Signature`]; [`SignedTx::raw`] is the
//!   exact byte string a node accepts (`eth_sendRawTransaction`) and [`SignedTx::hash`] is
//!   keccak256 of it. [`SignedTx::decode_raw`] reads both formats.
//! - [`Recovered`] is a signed transaction with its sender recovered once and kept, so later
//!   checks never recover twice.
//! - [`TxRequest`] builds a transfer with the gas defaults the UI needs.
//!
//! Decoding is strict: it accepts only canonical RLP (via `alloy-rlp`), so re-encoding a decoded
//! transaction gives back the input bytes and the hash is well defined. Type-2 access lists are
//! decoded and re-encoded (they are part of the signed bytes); the lab itself signs with an empty
//! one. Fees are `u128` (as in alloy), value is `U256`.

mod codec;
mod error;
pub mod explain;
pub mod form;
mod request;
mod signed;

use k256::ecdsa::SigningKey;

pub use crate::hash::TxHash;
pub use crate::signature::{RecoveredSigner, Signature};
pub use error::TxError;
pub use request::{floor_data_gas, intrinsic_gas, min_gas_limit, TxRequest, TRANSFER_GAS};
/// 256-bit unsigned integer (from `ruint`, the type alloy-primitives wraps).
pub use ruint::aliases::U256;
pub use signed::{Recovered, SignedTx};

use crate::address::{keccak256, Address};
use crate::amount::Wei;
use crate::wallet::hd::Account;
use codec::ListWriter;

/// The EIP-2718 type byte of an EIP-1559 transaction.
pub const EIP1559_TYPE: u8 = 0x02;

/// One EIP-2930 access-list entry: an address and the storage slots the transaction declares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessListItem {
    pub address: Address,
    pub storage_keys: Vec<[u8; 32]>,
}

/// A legacy transaction. `chain_id: Some(id)` signs with EIP-155 replay protection;
/// `None` is the pre-EIP-155 form (decoded, never produced by [`TxRequest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyTx {
    pub chain_id: Option<u64>,
    pub nonce: u64,
    pub gas_price: u128,
    pub gas_limit: u64,
    /// `None` creates a contract.
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
}

/// An EIP-1559 (type 2) transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip1559Tx {
    pub chain_id: u64,
    pub nonce: u64,
    pub max_priority_fee_per_gas: u128,
    pub max_fee_per_gas: u128,
    pub gas_limit: u64,
    /// `None` creates a contract.
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
    pub access_list: Vec<AccessListItem>,
}

/// The transaction formats this lab reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxType {
    /// Untyped RLP list (type 0).
    Legacy,
    /// EIP-1559, type byte 0x02.
    Eip1559,
}

/// An unsigned transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transaction {
    Legacy(LegacyTx),
    Eip1559(Eip1559Tx),
}

/// Something that holds a secp256k1 signing key: a raw [`SigningKey`] or a wallet [`Account`].
pub trait Signer {
    /// The key that signs.
    fn signing_key(&self) -> &SigningKey;
}

impl Signer for SigningKey {
    fn signing_key(&self) -> &SigningKey {
        self
    }
}

impl Signer for Account {
    fn signing_key(&self) -> &SigningKey {
        Account::signing_key(self)
    }
}

impl From<LegacyTx> for Transaction {
    fn from(tx: LegacyTx) -> Self {
        Self::Legacy(tx)
    }
}

impl From<Eip1559Tx> for Transaction {
    fn from(tx: Eip1559Tx) -> Self {
        Self::Eip1559(tx)
    }
}

impl Transaction {
    /// The format.
    pub fn tx_type(&self) -> TxType {
        match self {
            Self::Legacy(_) => TxType::Legacy,
            Self::Eip1559(_) => TxType::Eip1559,
        }
    }

    /// The chain the transaction is bound to; `None` for pre-EIP-155 legacy.
    pub fn chain_id(&self) -> Option<u64> {
        match self {
            Self::Legacy(tx) => tx.chain_id,
            Self::Eip1559(tx) => Some(tx.chain_id),
        }
    }

    /// The sender's nonce.
    pub fn nonce(&self) -> u64 {
        match self {
            Self::Legacy(tx) => tx.nonce,
            Self::Eip1559(tx) => tx.nonce,
        }
    }

    /// The gas limit.
    pub fn gas_limit(&self) -> u64 {
        match self {
            Self::Legacy(tx) => tx.gas_limit,
            Self::Eip1559(tx) => tx.gas_limit,
        }
    }

    /// The recipient; `None` creates a contract.
    pub fn to(&self) -> Option<&Address> {
        match self {
            Self::Legacy(tx) => tx.to.as_ref(),
            Self::Eip1559(tx) => tx.to.as_ref(),
        }
    }

    /// The value in wei.
    pub fn value(&self) -> U256 {
        match self {
            Self::Legacy(tx) => tx.value,
            Self::Eip1559(tx) => tx.value,
        }
    }

    /// The call data.
    pub fn data(&self) -> &[u8] {
        match self {
            Self::Legacy(tx) => &tx.data,
            Self::Eip1559(tx) => &tx.data,
        }
    }

    /// The access list (always empty for legacy).
    pub fn access_list(&self) -> &[AccessListItem] {
        match self {
            Self::Legacy(_) => &[],
            Self::Eip1559(tx) => &tx.access_list,
        }
    }

    /// The most the sender pays per gas: `gas_price` (legacy) or `max_fee_per_gas`.
    pub fn max_fee_per_gas(&self) -> u128 {
        match self {
            Self::Legacy(tx) => tx.gas_price,
            Self::Eip1559(tx) => tx.max_fee_per_gas,
        }
    }

    /// The value as the lab's balance type.
    ///
    /// # Errors
    /// [`TxError::ValueTooLarge`] when it does not fit in `u128` wei.
    pub fn value_wei(&self) -> Result<Wei, TxError> {
        let value = self.value();
        u128::try_from(value)
            .map(Wei::from_wei)
            .map_err(|_| TxError::ValueTooLarge { value })
    }

    /// Gas charged before any code runs: 21000, plus 16 per non-zero and 4 per zero data byte
    /// (EIP-2028), plus 32000 and 2 per 32-byte word of init code for a contract creation
    /// (EIP-3860), plus 2400 per access-list address and 1900 per storage key (EIP-2930).
    pub fn intrinsic_gas(&self) -> u64 {
        intrinsic_gas(self.data(), self.to().is_none(), self.access_list())
    }

    /// The most this transaction can take from the sender: `value + gas_limit * max fee per gas`.
    ///
    /// # Errors
    /// [`TxError::CostOverflow`] when that does not fit in 256 bits.
    pub fn max_cost(&self) -> Result<U256, TxError> {
        U256::from(self.gas_limit())
            .checked_mul(U256::from(self.max_fee_per_gas()))
            .and_then(|fee| fee.checked_add(self.value()))
            .ok_or(TxError::CostOverflow)
    }

    /// [`Self::max_cost`] as the lab's balance type.
    ///
    /// # Errors
    /// [`TxError::CostOverflow`], or [`TxError::CostTooLarge`] when it does not fit `u128` wei.
    pub fn max_cost_wei(&self) -> Result<Wei, TxError> {
        let cost = self.max_cost()?;
        u128::try_from(cost)
            .map(Wei::from_wei)
            .map_err(|_| TxError::CostTooLarge { cost })
    }

    /// The price per gas actually paid in a block with `base_fee`: legacy pays `gas_price`;
    /// EIP-1559 pays `min(max_fee_per_gas, base_fee + max_priority_fee_per_gas)`.
    ///
    /// # Errors
    /// [`TxError::FeeBelowBaseFee`] when the transaction cannot be included at this base fee;
    /// [`TxError::PriorityFeeAboveMaxFee`] for an EIP-1559 tip above its fee cap.
    pub fn effective_gas_price(&self, base_fee: u128) -> Result<u128, TxError> {
        let max_fee = self.max_fee_per_gas();
        if let Self::Eip1559(tx) = self {
            if tx.max_priority_fee_per_gas > max_fee {
                return Err(TxError::PriorityFeeAboveMaxFee {
                    priority_fee: tx.max_priority_fee_per_gas,
                    max_fee,
                });
            }
        }
        if max_fee < base_fee {
            return Err(TxError::FeeBelowBaseFee { max_fee, base_fee });
        }
        Ok(match self {
            Self::Legacy(tx) => tx.gas_price,
            Self::Eip1559(tx) => max_fee.min(base_fee.saturating_add(tx.max_priority_fee_per_gas)),
        })
    }

    /// The RLP fields common to signing and to the signed form, in wire order.
    fn put_fields(&self, w: &mut ListWriter) {
        match self {
            Self::Legacy(tx) => {
                w.put(&tx.nonce)
                    .put(&tx.gas_price)
                    .put(&tx.gas_limit)
                    .put_to(tx.to.as_ref())
                    .put(&tx.value)
                    .put(tx.data.as_slice());
            }
            Self::Eip1559(tx) => {
                w.put(&tx.chain_id)
                    .put(&tx.nonce)
                    .put(&tx.max_priority_fee_per_gas)
                    .put(&tx.max_fee_per_gas)
                    .put(&tx.gas_limit)
                    .put_to(tx.to.as_ref())
                    .put(&tx.value)
                    .put(tx.data.as_slice())
                    .put_access_list(&tx.access_list);
            }
        }
    }

    /// The bytes that are hashed for signing:
    /// legacy EIP-155 `rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0])`,
    /// pre-EIP-155 `rlp([nonce, gasPrice, gas, to, value, data])`,
    /// type 2 `0x02 || rlp([chainId, nonce, tip, maxFee, gas, to, value, data, accessList])`.
    pub fn signing_payload(&self) -> Vec<u8> {
        let mut w = ListWriter::new();
        self.put_fields(&mut w);
        match self {
            Self::Legacy(tx) => {
                if let Some(chain_id) = tx.chain_id {
                    w.put(&chain_id).put(&0u8).put(&0u8);
                }
                w.finish(None)
            }
            Self::Eip1559(_) => w.finish(Some(EIP1559_TYPE)),
        }
    }

    /// keccak256 of [`Self::signing_payload`]: the digest the sender signs.
    pub fn signing_hash(&self) -> [u8; 32] {
        keccak256(&self.signing_payload())
    }

    /// Signs with RFC 6979 deterministic nonces; the signature is low-s (EIP-2).
    ///
    /// # Errors
    /// [`TxError::SigningFailed`] (not expected with a valid key).
    pub fn sign(&self, signer: &(impl Signer + ?Sized)) -> Result<SignedTx, TxError> {
        let signature = Signature::sign_prehash(signer.signing_key(), &self.signing_hash())?;
        Ok(SignedTx::from_parts(self.clone(), signature))
    }

    /// Signs and keeps the sender taken from the key itself, so nothing is recovered.
    ///
    /// # Errors
    /// [`TxError::SigningFailed`].
    pub fn sign_recovered(&self, signer: &(impl Signer + ?Sized)) -> Result<Recovered, TxError> {
        let signed = self.sign(signer)?;
        Recovered::from_signer(signed, signer.signing_key())
    }
}

#[cfg(test)]
mod tests;
