//! A node's side of the peer protocol: [`Node::handle`] answers one [`Message`], and the
//! block ranges it serves.

use std::collections::BTreeSet;

use super::{Handled, Message, Node, Reception, Response, MAX_BLOCKS_PER_ANSWER};
use crate::block::Block;
use crate::hash::BlockHash;

impl Node {
    /// Handles one message from a peer.
    pub fn handle(&mut self, message: Message) -> Response {
        match message {
            Message::Block(block) => {
                let hash = block.hash();
                let reception = self.receive_block(block.clone());
                let reply = match &reception {
                    Reception::MissingParent { .. } => vec![Message::GetBlocks {
                        want: hash,
                        have: self.locator(),
                    }],
                    _ => Vec::new(),
                };
                let relay = reception.is_new_valid().then_some(Message::Block(block));
                Response {
                    handled: Handled::Block(reception),
                    reply,
                    relay,
                }
            }
            Message::Blocks(blocks) => {
                // An answer never triggers another request: if the peer could not supply a
                // linked run, asking it again would only repeat the answer.
                let mut relay = None;
                let mut receptions = Vec::with_capacity(blocks.len());
                for block in blocks.into_iter().take(MAX_BLOCKS_PER_ANSWER) {
                    let reception = self.receive_block(block.clone());
                    if reception.is_new_valid() {
                        relay = Some(Message::Block(block));
                    }
                    receptions.push(reception);
                }
                Response {
                    handled: Handled::Blocks(receptions),
                    reply: Vec::new(),
                    relay,
                }
            }
            Message::Tx(raw) => {
                let outcome = self.receive_tx(raw.clone());
                let relay = outcome.is_ok().then_some(Message::Tx(raw));
                Response {
                    handled: Handled::Tx(outcome),
                    reply: Vec::new(),
                    relay,
                }
            }
            Message::GetBlocks { want, have } => {
                let blocks = self.blocks_for(&want, &have);
                Response {
                    handled: Handled::Served(blocks.len()),
                    reply: if blocks.is_empty() {
                        Vec::new()
                    } else {
                        vec![Message::Blocks(blocks)]
                    },
                    relay: None,
                }
            }
        }
    }

    /// The hashes this node holds (for [`Message::GetBlocks`]).
    pub fn locator(&self) -> Vec<BlockHash> {
        self.active
            .keys()
            .chain(self.side.keys())
            .copied()
            .collect()
    }

    /// The blocks from just after the newest ancestor of `want` found in `have` up to `want`,
    /// oldest first (at most [`MAX_BLOCKS_PER_ANSWER`], the newest ones). Empty when `want` is
    /// unknown.
    pub fn blocks_for(&self, want: &BlockHash, have: &[BlockHash]) -> Vec<Block> {
        let have: BTreeSet<&BlockHash> = have.iter().collect();
        let mut out = Vec::new();
        let mut at = *want;
        while let Some(block) = self.get(&at) {
            if have.contains(&at) {
                break;
            }
            out.push(block.clone());
            if block.header.height == 0 || out.len() >= MAX_BLOCKS_PER_ANSWER {
                break;
            }
            at = block.header.prev_hash;
        }
        out.reverse();
        out
    }
}
