//! What a node offers a proposer and a peer: a signed block built from its pools on its head,
//! and the messages that bring a peer up to date.

use std::collections::BTreeSet;

use k256::ecdsa::SigningKey;

use super::PosNode;
use crate::pos::duties::epoch_of;
use crate::pos::state::randao_root;
use crate::pos::types::{
    Attestation, Block, BlockBody, BlockHeader, Domain, PosMessage, Slot, Transfer, ValidatorIndex,
    MAX_ATTESTATIONS, MAX_GRAFFITI, MAX_OPERATIONS,
};
use crate::signature::Signature;

impl PosNode {
    /// Builds and signs a block for `slot` on the head, carrying the pools' votes, evidence,
    /// deposits and exits that the branch accepts. `None` when `proposer` is not the slot's.
    pub fn build_block(
        &self,
        slot: Slot,
        proposer: ValidatorIndex,
        key: &SigningKey,
        graffiti: &str,
    ) -> Option<Block> {
        let p = &self.params;
        let state = self.state_at_slot(slot)?;
        if state.proposer(slot, p) != Some(proposer) || slot <= self.head_entry()?.slot {
            return None;
        }
        let epoch = state.epoch(p);
        let randao_reveal =
            Signature::sign_prehash(key, &Domain::Randao.digest(&randao_root(epoch))).ok()?;
        let mut evidence = Vec::new();
        let mut convicted = BTreeSet::new();
        for e in self.evidence.values() {
            if evidence.len() < MAX_OPERATIONS
                && state.check_evidence(e).is_ok()
                && convicted.insert(e.offender())
            {
                evidence.push(*e);
            }
        }
        let mut attestations: Vec<Attestation> = Vec::new();
        let mut counted = BTreeSet::new();
        let mut pool: Vec<&Attestation> = self.pool.values().collect();
        pool.sort_by_key(|a| (a.data.slot, a.validator));
        for a in pool {
            if attestations.len() >= MAX_ATTESTATIONS {
                break;
            }
            let key = (a.validator, a.data.target.epoch);
            if counted.contains(&key)
                || convicted.contains(&a.validator)
                || state.has_voted(a.validator, a.data.target.epoch, p)
                || state.target_root(a.data.target.epoch, p) != Some(a.data.target.root)
                || state.check_attestation(a, p).is_err()
            {
                continue;
            }
            counted.insert(key);
            attestations.push(*a);
        }
        let mut deposits = Vec::new();
        let mut depositors = BTreeSet::new();
        let mut scratch = state.clone();
        for d in &self.deposits {
            if deposits.len() >= MAX_OPERATIONS {
                break;
            }
            if let Ok((_, address, _, _)) = scratch.check_deposit(&d.raw, p) {
                if depositors.insert(address) && scratch.apply_deposit(&d.raw, p).is_ok() {
                    deposits.push(d.clone());
                }
            }
        }
        let mut exits = Vec::new();
        let mut leaving = BTreeSet::new();
        for x in &self.exits {
            if exits.len() < MAX_OPERATIONS
                && state.check_exit(x, p).is_ok()
                && leaving.insert(x.validator)
            {
                exits.push(*x);
            }
        }
        let transfers = self
            .transfers_for(&scratch)
            .iter()
            .map(|t| Transfer {
                raw: t.signed().raw_hex(),
            })
            .collect();
        let mut graffiti = graffiti.to_string();
        while graffiti.len() > MAX_GRAFFITI {
            graffiti.pop();
        }
        let body = BlockBody {
            randao_reveal,
            graffiti,
            attestations,
            evidence,
            deposits,
            exits,
            transfers,
        };
        let header = BlockHeader {
            slot,
            proposer,
            parent: self.head(),
            body_root: body.root(),
        };
        let signature = Signature::sign_prehash(key, &Domain::Block.digest(&header.root())).ok()?;
        Some(Block {
            header,
            body,
            signature,
        })
    }

    /// Messages that bring a peer up to date after a partition: every block (oldest first,
    /// the archived finalized ones included),
    /// the evidence held and the votes of the last two epochs.
    pub fn sync_messages(&self, now: Slot) -> Vec<PosMessage> {
        let mut blocks: Vec<&Block> = self
            .entries
            .values()
            .filter_map(|e| e.block.as_ref())
            .collect();
        blocks.sort_by_key(|b| b.slot());
        let epoch = epoch_of(now, self.params.slots_per_epoch);
        let mut out: Vec<PosMessage> = self
            .archive
            .iter()
            .chain(blocks)
            .cloned()
            .map(PosMessage::Block)
            .collect();
        out.extend(self.evidence.values().copied().map(PosMessage::Evidence));
        out.extend(
            self.pool
                .values()
                .filter(|a| a.data.target.epoch + 1 >= epoch)
                .copied()
                .map(PosMessage::Attestation),
        );
        out
    }
}
