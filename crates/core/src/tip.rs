//! Whether a new block may be built on a chain's tip, and the chain cut back to its valid
//! prefix. A block mined on an invalid tip is invalid too ("builds on invalid block #k"): its
//! transactions would leave the mempool for a block no state ever applies. The miner asks
//! [`Chain::check_tip`] first and says what is wrong instead.

use std::fmt;

use crate::chain::Chain;

/// Why no valid block can be built on the tip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipError {
    /// The block at `first_invalid` breaks a rule, so it and every block after it up to `tip`
    /// are invalid; a new block would build on them.
    Invalid { first_invalid: u64, tip: u64 },
}

impl fmt::Display for TipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { first_invalid, tip } if first_invalid == tip => {
                write!(f, "the tip, block #{tip}, is invalid")
            }
            Self::Invalid { first_invalid, tip } => write!(
                f,
                "block #{first_invalid} is invalid, and so is every block after it up to the tip #{tip}"
            ),
        }
    }
}

impl std::error::Error for TipError {}

impl Chain {
    /// Checks that a valid block can be built on the tip: every block up to it is valid.
    ///
    /// # Errors
    /// [`TipError::Invalid`] with the first invalid height when the chain holds an invalid block.
    pub fn check_tip(&self) -> Result<(), TipError> {
        let valid = self.valid_len();
        if valid >= self.len() {
            return Ok(());
        }
        Err(TipError::Invalid {
            first_invalid: valid as u64,
            tip: self.len().saturating_sub(1) as u64,
        })
    }

    /// The chain without its invalid blocks: its valid prefix (at least the genesis block, even
    /// an invalid one), under the same params. The chain itself when it is valid.
    pub fn valid_prefix(&self) -> Chain {
        if self.check_tip().is_ok() {
            return self.clone();
        }
        let keep = self.valid_len().max(1);
        let blocks = self.blocks().get(..keep).unwrap_or_default().to_vec();
        Chain::from_blocks_with(blocks, self.params()).unwrap_or_else(|| self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Entry;
    use crate::chain::tests::{mine, mined_chain};

    #[test]
    fn a_valid_chain_can_be_mined_on() {
        let chain = mined_chain(3, 2);
        assert_eq!(chain.check_tip(), Ok(()));
        assert_eq!(chain.valid_prefix(), chain);
    }

    #[test]
    fn an_edited_block_makes_the_tip_invalid_from_its_height() {
        let mut chain = mined_chain(3, 2);
        let mut edited = chain.blocks()[1].clone();
        if let Some(Entry::Record(r)) = edited.entries.get_mut(0) {
            r.memo = "edited".into();
        }
        assert!(chain.replace(1, edited));
        assert_eq!(
            chain.check_tip(),
            Err(TipError::Invalid {
                first_invalid: 1,
                tip: 3
            })
        );
        assert_eq!(
            chain.check_tip().map_err(|e| e.to_string()),
            Err("block #1 is invalid, and so is every block after it up to the tip #3".into())
        );
        let prefix = chain.valid_prefix();
        assert_eq!(prefix.len(), 1);
        assert_eq!(prefix.check_tip(), Ok(()));
        assert_eq!(prefix.blocks()[0], chain.blocks()[0]);
    }

    #[test]
    fn an_invalid_tip_alone_is_named_and_re_mining_it_repairs_the_chain() {
        let mut chain = mined_chain(2, 2);
        let mut edited = chain.blocks()[2].clone();
        if let Some(Entry::Record(r)) = edited.entries.get_mut(0) {
            r.memo = "edited".into();
        }
        assert!(chain.replace(2, edited.clone()));
        assert_eq!(
            chain.check_tip().map_err(|e| e.to_string()),
            Err("the tip, block #2, is invalid".into())
        );
        assert_eq!(chain.valid_prefix().len(), 2);
        // Repair as tamper mode's re-mine does: recompute the root, search a nonce.
        edited.header.entries_root = edited.computed_root();
        mine(&mut edited);
        assert!(chain.replace(2, edited));
        assert_eq!(chain.check_tip(), Ok(()));
    }
}
