//! Why the mempool refuses a transaction.

use core::fmt;

use super::REPLACEMENT_BUMP_PERCENT;
use crate::hash::TxHash;
use crate::state::TxRuleError;

/// Why the mempool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MempoolError {
    /// The transaction breaks a rule (the same rules as in a block).
    Rule(TxRuleError),
    /// This exact transaction is already waiting.
    AlreadyKnown { hash: TxHash },
    /// Another transaction with this sender and nonce waits, and this one does not pay enough
    /// more to replace it.
    ReplacementUnderpriced {
        nonce: u64,
        min_max_fee: u128,
        min_tip: u128,
    },
    /// The pool is full and this transaction pays no more than the cheapest queued one.
    Full { capacity: usize },
}

impl fmt::Display for MempoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rule(e) => e.fmt(f),
            Self::AlreadyKnown { hash } => {
                write!(f, "transaction {hash:#} is already in the mempool")
            }
            Self::ReplacementUnderpriced {
                nonce,
                min_max_fee,
                min_tip,
            } => write!(
                f,
                "replacement underpriced: a transaction with nonce {nonce} is already waiting; a replacement needs a max fee of at least {min_max_fee} and a priority fee of at least {min_tip} wei per gas (+{REPLACEMENT_BUMP_PERCENT}%)"
            ),
            Self::Full { capacity } => write!(
                f,
                "the mempool is full ({capacity} transactions) and this one does not pay more than those waiting"
            ),
        }
    }
}

impl std::error::Error for MempoolError {}

impl From<TxRuleError> for MempoolError {
    fn from(e: TxRuleError) -> Self {
        Self::Rule(e)
    }
}
