//! An address's transactions on a node: through Otterscan (`ots_searchTransactionsBefore`)
//! when the node offers it, else by scanning recent blocks, newest first, a batch of blocks
//! per step so the page can show progress and stop between steps.

use super::client::Client;
use super::explore::{parse_block, parse_ots_page, touches, BlockTag, NodeTx, Req};
use super::{parse_u64, RpcError, Transport};
use crate::address::Address;

/// How many blocks a scan looks at by default.
pub const SCAN_DEPTH: u64 = 1_000;
/// Blocks asked per step (one batch).
pub const SCAN_STEP: u64 = 25;
/// Transactions an Otterscan page holds.
pub const OTS_PAGE: u64 = 25;

/// Whether the node offers the Otterscan namespace (`ots_getApiLevel` answers a number).
pub async fn has_ots<T: Transport>(client: &Client<T>) -> bool {
    client
        .get(&Req::OtsApiLevel)
        .await
        .ok()
        .is_some_and(|v| parse_u64(&v, "the api level").is_ok() || v.as_u64().is_some())
}

/// The newest transactions of `address` through Otterscan, newest first.
///
/// # Errors
/// The call's [`RpcError`] or a malformed page.
pub async fn ots_history<T: Transport>(
    client: &Client<T>,
    address: Address,
) -> Result<(Vec<NodeTx>, bool), RpcError> {
    let v = client
        .get(&Req::OtsSearch {
            address,
            page_size: OTS_PAGE,
        })
        .await?;
    let page = parse_ots_page(&v)?;
    Ok((page.txs, page.more))
}

/// A scan of blocks `oldest..=newest` for one address, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub address: Address,
    pub newest: u64,
    pub oldest: u64,
    /// The next block to look at; `None` when done.
    next: Option<u64>,
    pub found: Vec<NodeTx>,
}

impl Scan {
    /// A scan of the `depth` blocks up to `head` (all of them when the chain is shorter).
    pub fn new(address: Address, head: u64, depth: u64) -> Self {
        let oldest = head.saturating_sub(depth.saturating_sub(1));
        Self {
            address,
            newest: head,
            oldest,
            next: (depth > 0).then_some(head),
            found: Vec::new(),
        }
    }

    /// Whether every block was looked at.
    pub fn done(&self) -> bool {
        self.next.is_none()
    }

    /// Blocks looked at so far and in all.
    pub fn progress(&self) -> (u64, u64) {
        let total = (self.newest - self.oldest).saturating_add(1);
        let looked = match self.next {
            None => total,
            Some(n) => self.newest.saturating_sub(n),
        };
        (looked, total)
    }

    /// The oldest block looked at so far (`None` before the first step).
    pub fn reached(&self) -> Option<u64> {
        match self.next {
            None => Some(self.oldest),
            Some(n) if n < self.newest => Some(n + 1),
            Some(_) => None,
        }
    }

    /// The next blocks to ask for, newest first, at most `n`.
    pub fn next_blocks(&self, n: u64) -> Vec<u64> {
        let Some(next) = self.next else {
            return Vec::new();
        };
        let low = next.saturating_sub(n.saturating_sub(1)).max(self.oldest);
        (low..=next).rev().collect()
    }

    /// Looks at `blocks` (the answers for [`Self::next_blocks`], same order); stops advancing
    /// at the first block that failed and returns its error.
    ///
    /// # Errors
    /// The first failed or malformed block's [`RpcError`].
    pub fn absorb(
        &mut self,
        numbers: &[u64],
        answers: Vec<Result<serde_json::Value, RpcError>>,
    ) -> Result<(), RpcError> {
        for (n, a) in numbers.iter().zip(answers) {
            let block = parse_block(&a?)?;
            if let Some(b) = block {
                let mut hits: Vec<NodeTx> = match b.txs {
                    super::explore::BlockTxs::Full(txs) => txs,
                    super::explore::BlockTxs::Hashes(_) => Vec::new(),
                };
                hits.retain(|t| touches(t, &self.address));
                // Newest first within the block too.
                hits.reverse();
                self.found.extend(hits);
            }
            self.next = if *n <= self.oldest {
                None
            } else {
                Some(n.saturating_sub(1).min(self.newest))
            };
        }
        Ok(())
    }

    /// One step: asks for the next [`SCAN_STEP`] blocks in one batch and looks at them.
    ///
    /// # Errors
    /// The first failed block's [`RpcError`] (the scan can be stepped again).
    pub async fn step<T: Transport>(&mut self, client: &Client<T>) -> Result<(), RpcError> {
        let numbers = self.next_blocks(SCAN_STEP);
        let reqs: Vec<Req> = numbers
            .iter()
            .map(|n| Req::Block(BlockTag::Number(*n), true))
            .collect();
        let answers = client.get_many(&reqs).await;
        self.absorb(&numbers, answers)
    }

    /// The sentence saying how far back the scan looked.
    pub fn sentence(&self) -> String {
        let (looked, total) = self.progress();
        let found = crate::words::plural(self.found.len() as u64, "transaction", "transactions");
        match self.reached() {
            None => format!("Not scanned yet: {total} blocks to look at, from block {} down.", self.newest),
            Some(_) if self.done() && self.oldest == 0 => format!(
                "Looked at every block, {} down to 0 ({looked} blocks): {found} found.",
                self.newest
            ),
            Some(r) if self.done() => format!(
                "Looked at the latest {looked} blocks, {} down to {r}: {found} found; older blocks were not scanned.",
                self.newest
            ),
            Some(r) => format!(
                "Stopped after {looked} of {total} blocks, {} down to {r}: {found} found; older blocks were not scanned.",
                self.newest
            ),
        }
    }
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
