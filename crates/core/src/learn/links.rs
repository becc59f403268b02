//! The chain drawn as linked blocks: for each block, its hash, the previous hash it stores, and
//! what the validation report says of that link and of the block, so the Ledger's linked view
//! words the report without a rule of its own.

use crate::block::Block;
use crate::chain::{BlockProblem, ValidationReport};
use crate::hash::BlockHash;

/// One block of the linked view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedBlock {
    pub height: u64,
    /// The block's hash as computed now (a tampered block's changes live).
    pub hash: BlockHash,
    /// The parent hash the block's header stores (all zero for genesis).
    pub prev: BlockHash,
    /// Whether the stored previous hash is the parent's actual hash (for genesis: all zero),
    /// as the report says.
    pub link_ok: bool,
    /// Whether the report finds no problem with the block.
    pub valid: bool,
    /// Whether the block and every block before it are valid (the valid prefix).
    pub in_valid_prefix: bool,
}

/// The linked view of `blocks` (heights `start..`) from `report` (one verdict per block of the
/// whole chain, as `Chain::report` gives).
pub fn linked_blocks(
    blocks: &[Block],
    report: &ValidationReport,
    start: usize,
) -> Vec<LinkedBlock> {
    let prefix = report
        .blocks
        .iter()
        .position(|v| !v.is_valid())
        .unwrap_or(report.blocks.len());
    blocks
        .iter()
        .enumerate()
        .skip(start)
        .map(|(i, block)| {
            let verdict = report.blocks.get(i);
            let link_ok = verdict.is_some_and(|v| {
                !v.problems.iter().any(|p| {
                    matches!(
                        p,
                        BlockProblem::PrevHashMismatch { .. }
                            | BlockProblem::GenesisParentNotZero { .. }
                    )
                })
            });
            LinkedBlock {
                height: block.header.height,
                hash: block.hash(),
                prev: block.header.prev_hash,
                link_ok,
                valid: verdict.is_some_and(|v| v.is_valid()),
                in_valid_prefix: i < prefix,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::tests::mined_chain;
    use crate::chain::ChainParams;

    #[test]
    fn a_tampered_block_breaks_the_next_link_and_ends_the_valid_prefix() {
        let params = ChainParams::default();
        let mut chain = mined_chain(3, 0);
        let report = chain.validate(&params);
        let view = linked_blocks(chain.blocks(), &report, 0);
        assert!(view
            .iter()
            .all(|b| b.link_ok && b.valid && b.in_valid_prefix));
        assert_eq!(view[2].prev, view[1].hash);

        let mut b = chain.blocks()[2].clone();
        b.header.version = 99; // invalid on its own, and its hash changes
        chain.replace(2, b);
        let report = chain.validate(&params);
        let view = linked_blocks(chain.blocks(), &report, 1);
        assert_eq!(view.len(), 3);
        assert_eq!(view[0].height, 1);
        assert!(view[0].link_ok && view[0].in_valid_prefix);
        assert!(view[1].link_ok, "block 2's own link to block 1 still holds");
        assert!(!view[1].in_valid_prefix);
        assert!(!view[2].link_ok, "block 3 stores block 2's old hash");
        assert_ne!(view[2].prev, view[1].hash);
    }
}
