//! The verify tool's report: what this node's chain and mempool say about one signed
//! transaction, every rule's outcome separately (the rules are [`crate::state`]'s; the
//! screen only words them).

use super::Node;
use crate::address::Address;
use crate::block::Height;
use crate::mempool::TxStatus;
use crate::state::{check_chain_id, check_funds, check_nonce, TxCost, TxRuleError};
use crate::tx::{SignedTx, TxError};
use crate::Wei;

/// Where the transaction already is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inclusion {
    /// In block `height` of this chain (sending it again is a replay).
    Included {
        height: Height,
        confirmations: usize,
    },
    /// Waiting in the mempool.
    Waiting(TxStatus),
    /// Neither.
    Unknown,
}

/// Each rule against the sender's account, separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChecks {
    pub sender: Address,
    /// The transaction's nonce.
    pub nonce: u64,
    /// The sender's balance at the tip.
    pub balance: Wei,
    /// [`check_nonce`]: used (too low), a gap (too high), or the next one.
    pub nonce_rule: Result<(), TxRuleError>,
    /// [`check_funds`]: the maximum cost the balance covers, or why not.
    pub funds_rule: Result<Wei, TxRuleError>,
    /// [`check_chain_id`]: the id, or why it is refused.
    pub chain_id_rule: Result<u64, TxRuleError>,
    /// [`crate::state::check_tx`]: every rule together, as the mempool judges it.
    pub verdict: Result<TxCost, TxRuleError>,
}

/// The verify tool's report on one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxCheck {
    pub inclusion: Inclusion,
    /// The rules, or why no sender (hence no account) applies.
    pub rules: Result<RuleChecks, TxError>,
}

impl Node {
    /// Checks `tx` against this node's chain (its valid prefix's state) and mempool: where it
    /// already is, then each rule on its own and the verdict of all of them together.
    pub fn check_tx(&self, tx: &SignedTx) -> TxCheck {
        let hash = tx.hash();
        let inclusion = match self.find_included(&hash) {
            Some(height) => Inclusion::Included {
                height: Height::from_index(height),
                confirmations: self.confirmations(height),
            },
            None => match self.mempool.get(&hash) {
                Some((_, status)) => Inclusion::Waiting(status),
                None => Inclusion::Unknown,
            },
        };
        let rules = tx.recover_sender().map(|sender| {
            let state = self.chain.state();
            let account = state.account(&sender);
            RuleChecks {
                sender,
                nonce: tx.tx().nonce(),
                balance: account.balance,
                nonce_rule: check_nonce(tx.tx().nonce(), account),
                funds_rule: check_funds(tx, account),
                chain_id_rule: check_chain_id(tx, &self.params),
                verdict: state.check_tx(&sender, tx, &self.params),
            }
        });
        TxCheck { inclusion, rules }
    }
}
