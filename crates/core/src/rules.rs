//! The one set of transaction rules. [`check_tx`] decides whether a signed transaction is
//! valid for a sender's account under the chain's [`ChainParams`]; the mempool (on admission)
//! and block validation (through [`crate::state::State::apply_tx`]) both call it, so the two
//! can never disagree. Each rule is also a function of its own ([`check_chain_id`],
//! [`check_nonce`], [`check_funds`]) so a report can give every rule's outcome.

use core::fmt;

use crate::address::Address;
use crate::amount::Wei;
use crate::params::ChainParams;
use crate::tx::{SignedTx, TxError};

/// One account: its balance and the nonce its next transaction must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountState {
    pub balance: Wei,
    pub nonce: u64,
}

/// Why a transaction is not valid against a state. `Display` is the sentence the user reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxRuleError {
    /// The signature is malformed or no sender can be recovered from it.
    BadSignature(TxError),
    /// The block names a sender the signature does not belong to.
    SenderMismatch {
        claimed: Address,
        recovered: Address,
    },
    /// Pre-EIP-155 legacy: no chain id is signed in, so it could be replayed anywhere.
    NotReplayProtected,
    /// Signed for another chain.
    WrongChainId { signed: u64, chain: u64 },
    /// No recipient: a contract creation, which needs an EVM the lab does not have.
    ContractCreation,
    /// More call data than the lab accepts.
    DataTooLarge { len: usize, max: usize },
    /// The gas limit cannot pay the intrinsic gas.
    GasLimitBelowIntrinsic { gas_limit: u64, intrinsic: u64 },
    /// The gas limit is above what a whole block may use.
    GasLimitAboveBlockLimit { gas_limit: u64, block_limit: u64 },
    /// The most the sender pays per gas is below the base fee.
    FeeBelowBaseFee { max_fee: u128, base_fee: u128 },
    /// An EIP-1559 tip above the fee cap.
    TipAboveMaxFee { tip: u128, max_fee: u128 },
    /// The value or the maximum cost does not fit the lab's `u128` balances
    /// ([`TxError::ValueTooLarge`], [`TxError::CostOverflow`], [`TxError::CostTooLarge`]).
    Amount(TxError),
    /// The nonce was already used: a replay, or a transaction already mined.
    NonceTooLow { expected: u64, got: u64 },
    /// The nonce leaves a gap (the mempool queues it; a block may not contain it).
    NonceTooHigh { expected: u64, got: u64 },
    /// The account has used every nonce (EIP-2681).
    NonceExhausted,
    /// The balance does not cover `value + gas_limit * max fee per gas`.
    InsufficientFunds { balance: Wei, needs: Wei },
    /// Crediting the recipient would overflow its balance.
    BalanceOverflow { address: Address },
    /// Fee arithmetic overflowed.
    FeeOverflow,
}

impl fmt::Display for TxRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSignature(e) => write!(f, "bad signature: {e}"),
            Self::SenderMismatch { claimed, recovered } => write!(
                f,
                "the signature does not match the sender {claimed} (it recovers to {recovered}): the transaction was changed after it was signed"
            ),
            Self::NotReplayProtected => f.write_str(
                "the transaction is not replay protected (pre-EIP-155, no chain id); this chain refuses it",
            ),
            Self::WrongChainId { signed, chain } => {
                write!(f, "wrong chain id: signed for {signed}, this chain is {chain}")
            }
            Self::ContractCreation => f.write_str(
                "contract creation is not supported on this chain (there is no EVM); give a recipient",
            ),
            Self::DataTooLarge { len, max } => {
                write!(f, "the data is {len} bytes, at most {max} are allowed")
            }
            Self::GasLimitBelowIntrinsic {
                gas_limit,
                intrinsic,
            } => write!(
                f,
                "gas limit {gas_limit} is below the {intrinsic} gas this transaction needs"
            ),
            Self::GasLimitAboveBlockLimit {
                gas_limit,
                block_limit,
            } => write!(
                f,
                "gas limit {gas_limit} is above the block gas limit of {block_limit}"
            ),
            Self::FeeBelowBaseFee { max_fee, base_fee } => write!(
                f,
                "fee too low: {max_fee} wei per gas is below the base fee of {base_fee} wei per gas"
            ),
            Self::TipAboveMaxFee { tip, max_fee } => write!(
                f,
                "the priority fee ({tip} wei per gas) is above the maximum fee ({max_fee} wei per gas)"
            ),
            Self::Amount(e) => e.fmt(f),
            Self::NonceTooLow { expected, got } => write!(
                f,
                "nonce too low / already used (replay): nonce {got}, the sender's next nonce is {expected}"
            ),
            Self::NonceTooHigh { expected, got } => write!(
                f,
                "nonce too high: nonce {got}, the sender's next nonce is {expected} (a gap)"
            ),
            Self::NonceExhausted => f.write_str("the sender has used every nonce"),
            Self::InsufficientFunds { balance, needs } => write!(
                f,
                "insufficient funds: balance {balance} ETH, needs {needs} ETH (value + gas limit × max fee)"
            ),
            Self::BalanceOverflow { address } => {
                write!(f, "the balance of {address} would overflow")
            }
            Self::FeeOverflow => f.write_str("the fee is larger than a balance can hold"),
        }
    }
}

impl std::error::Error for TxRuleError {}

/// What a valid transaction costs, as [`check_tx`] computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxCost {
    pub value: Wei,
    /// Gas used: the intrinsic gas (there is no EVM).
    pub gas_used: u64,
    /// Price per gas actually paid (EIP-1559 `min(max_fee, base + tip)`, or the legacy price).
    pub effective_gas_price: u128,
    /// `gas_used * effective_gas_price`: what the sender pays besides the value.
    pub fee: Wei,
    /// `gas_used * (effective_gas_price - base_fee)`: the miner's share.
    pub priority_fee: Wei,
    /// `gas_used * base_fee`: burned.
    pub burned: Wei,
    /// `value + gas_limit * max fee`: what the balance must cover.
    pub max_cost: Wei,
}

fn mul(gas: u64, price: u128) -> Result<Wei, TxRuleError> {
    u128::from(gas)
        .checked_mul(price)
        .map(Wei::from_wei)
        .ok_or(TxRuleError::FeeOverflow)
}

/// The chain-id rule: replay-protected (EIP-155) and signed for this chain. Returns the id.
///
/// # Errors
/// [`TxRuleError::NotReplayProtected`] or [`TxRuleError::WrongChainId`].
pub fn check_chain_id(tx: &SignedTx, params: &ChainParams) -> Result<u64, TxRuleError> {
    let Some(signed) = tx.chain_id() else {
        return Err(TxRuleError::NotReplayProtected);
    };
    if signed != params.chain_id {
        return Err(TxRuleError::WrongChainId {
            signed,
            chain: params.chain_id,
        });
    }
    Ok(signed)
}

/// The nonce rule: the transaction's nonce `got` against the account's next nonce.
///
/// # Errors
/// [`TxRuleError::NonceTooLow`] (used: a replay), [`TxRuleError::NonceTooHigh`] (a gap: the
/// mempool queues it) or [`TxRuleError::NonceExhausted`].
pub fn check_nonce(got: u64, account: AccountState) -> Result<(), TxRuleError> {
    let expected = account.nonce;
    match got.cmp(&expected) {
        core::cmp::Ordering::Less => Err(TxRuleError::NonceTooLow { expected, got }),
        core::cmp::Ordering::Greater => Err(TxRuleError::NonceTooHigh { expected, got }),
        core::cmp::Ordering::Equal if got == u64::MAX => Err(TxRuleError::NonceExhausted),
        core::cmp::Ordering::Equal => Ok(()),
    }
}

/// The funds rule: the balance covers the maximum cost (`value + gas_limit * max fee`).
///
/// # Errors
/// [`TxRuleError::InsufficientFunds`], or [`TxRuleError::Amount`] when the cost does not fit.
pub fn check_funds(tx: &SignedTx, account: AccountState) -> Result<Wei, TxRuleError> {
    let needs = tx.tx().max_cost_wei().map_err(TxRuleError::Amount)?;
    if account.balance < needs {
        return Err(TxRuleError::InsufficientFunds {
            balance: account.balance,
            needs,
        });
    }
    Ok(needs)
}

/// The rules of a transaction with no account involved (chain, format, gas, fees, sizes).
fn check_static(tx: &SignedTx, params: &ChainParams) -> Result<TxCost, TxRuleError> {
    let t = tx.tx();
    check_chain_id(tx, params)?;
    if t.to().is_none() {
        return Err(TxRuleError::ContractCreation);
    }
    if t.data().len() > params.max_tx_data {
        return Err(TxRuleError::DataTooLarge {
            len: t.data().len(),
            max: params.max_tx_data,
        });
    }
    let (gas_limit, intrinsic) = (t.gas_limit(), t.intrinsic_gas());
    if gas_limit < intrinsic {
        return Err(TxRuleError::GasLimitBelowIntrinsic {
            gas_limit,
            intrinsic,
        });
    }
    if gas_limit > params.block_gas_limit {
        return Err(TxRuleError::GasLimitAboveBlockLimit {
            gas_limit,
            block_limit: params.block_gas_limit,
        });
    }
    let price = t
        .effective_gas_price(params.base_fee)
        .map_err(|e| match e {
            TxError::FeeBelowBaseFee { max_fee, base_fee } => {
                TxRuleError::FeeBelowBaseFee { max_fee, base_fee }
            }
            TxError::PriorityFeeAboveMaxFee {
                priority_fee,
                max_fee,
            } => TxRuleError::TipAboveMaxFee {
                tip: priority_fee,
                max_fee,
            },
            other => TxRuleError::Amount(other),
        })?;
    let value = t.value_wei().map_err(TxRuleError::Amount)?;
    let max_cost = t.max_cost_wei().map_err(TxRuleError::Amount)?;
    let gas_used = intrinsic;
    Ok(TxCost {
        value,
        gas_used,
        effective_gas_price: price,
        fee: mul(gas_used, price)?,
        priority_fee: mul(gas_used, price.saturating_sub(params.base_fee))?,
        burned: mul(gas_used, params.base_fee)?,
        max_cost,
    })
}

/// The transaction rules, in one place: chain id (replay-protected only), a recipient, data
/// size, gas limit (at least the intrinsic gas, at most the block gas limit), fee at least the
/// base fee, value and cost within `u128`, nonce equal to the account's next nonce, balance
/// covering `value + gas_limit * max fee`. The sender must already be recovered (see
/// [`crate::state::SenderCache`]). A nonce above the next one is reported last ([`TxRuleError::NonceTooHigh`]),
/// after every other rule passed, so the mempool can queue it.
///
/// # Errors
/// The first broken rule, as a [`TxRuleError`].
pub fn check_tx(
    tx: &SignedTx,
    account: AccountState,
    params: &ChainParams,
) -> Result<TxCost, TxRuleError> {
    let cost = check_static(tx, params)?;
    let nonce = check_nonce(tx.tx().nonce(), account);
    if let Err(e @ TxRuleError::NonceTooLow { .. }) = nonce {
        return Err(e);
    }
    check_funds(tx, account)?;
    nonce.map(|()| cost)
}
