//! The block explorer's indexes, search and chart series, all derived from a [`Chain`].
//!
//! An [`Index`] is built in memory from the blocks (it is never stored: like the chain's
//! state cache it is rebuilt on load). It answers what a linear scan would, without the
//! scan: where a transaction is, which height a block hash has, every entry that touched an
//! address with its running balance, and the blocks an address mined. [`search::parse`]
//! reads what a user types into the search box; [`Index::resolve`] says where it leads.
//! Chart series are plain points; [`aggregate`] buckets them so 10,000 blocks stay readable.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry, HEADER_LEN};
use crate::chain::Chain;
use crate::hash::{BlockHash, Hash32, TxHash};

/// Where a transaction sits in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxLocation {
    /// Block height.
    pub height: usize,
    /// Index of the entry in the block body.
    pub entry: usize,
}

/// How an entry moved an address's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A transfer it signed to another address.
    Out,
    /// A transfer it received.
    In,
    /// A transfer to itself (only the fee moves).
    SelfTransfer,
    /// A coinbase: the block reward and the priority fees.
    Reward,
    /// A genesis allocation.
    Alloc,
}

impl Direction {
    /// The word the explorer shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Out => "out",
            Self::In => "in",
            Self::SelfTransfer => "self",
            Self::Reward => "reward",
            Self::Alloc => "allocation",
        }
    }
}

/// One entry of an address's history (oldest first in [`Index::history`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressEntry {
    pub height: usize,
    /// Index of the entry in the block body.
    pub entry: usize,
    pub direction: Direction,
    /// `None` for a coinbase or an allocation.
    pub hash: Option<TxHash>,
    /// The other side of a transfer.
    pub counterparty: Option<Address>,
    /// The value moved (the coinbase or allocation amount for those).
    pub amount: Wei,
    /// The fee this address paid (zero unless it signed the transaction).
    pub fee: Wei,
    /// The balance right after this entry.
    pub balance: Wei,
}

/// The explorer's lookups over one chain. Transactions and block hashes are indexed over the
/// whole chain (an invalid block's transactions can still be found and shown as invalid);
/// histories, balances and mined blocks over its valid prefix, where the state is defined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    txs: HashMap<TxHash, TxLocation>,
    /// Transaction locations in chain order (for "latest transactions").
    tx_order: Vec<TxLocation>,
    blocks: HashMap<BlockHash, usize>,
    histories: BTreeMap<Address, Vec<AddressEntry>>,
    mined: BTreeMap<Address, Vec<usize>>,
}

impl Index {
    /// Indexes `chain` in one pass over its blocks (receipts come from the chain's cached
    /// outcomes, so no signature is recovered here).
    pub fn build(chain: &Chain) -> Self {
        let mut index = Self::default();
        let mut balances: HashMap<Address, Wei> = HashMap::new();
        for (height, block) in chain.blocks().iter().enumerate() {
            index.blocks.entry(block.hash()).or_insert(height);
            for (entry, e) in block.entries.iter().enumerate() {
                if let Entry::Tx { raw, .. } = e {
                    let at = TxLocation { height, entry };
                    index.txs.entry(raw.hash()).or_insert(at);
                    index.tx_order.push(at);
                }
            }
            if height < chain.valid_len() {
                index.index_valid_block(chain, height, block, &mut balances);
            }
        }
        index
    }

    fn index_valid_block(
        &mut self,
        chain: &Chain,
        height: usize,
        block: &Block,
        balances: &mut HashMap<Address, Wei>,
    ) {
        let mut push = |this: &mut Self, address: Address, mut row: AddressEntry, delta: Delta| {
            let balance = balances.entry(address).or_insert(Wei::ZERO);
            *balance = delta.apply(*balance);
            row.balance = *balance;
            this.histories.entry(address).or_default().push(row);
        };
        let mut receipts = chain
            .outcome(height)
            .map(|o| o.receipts.as_slice())
            .unwrap_or_default()
            .iter();
        for (entry, e) in block.entries.iter().enumerate() {
            let base = AddressEntry {
                height,
                entry,
                direction: Direction::Reward,
                hash: None,
                counterparty: None,
                amount: Wei::ZERO,
                fee: Wei::ZERO,
                balance: Wei::ZERO,
            };
            match e {
                Entry::Record(_) => {}
                Entry::Coinbase { to, amount } => {
                    self.mined.entry(*to).or_default().push(height);
                    let row = AddressEntry {
                        amount: *amount,
                        ..base
                    };
                    push(self, *to, row, Delta::Add(*amount));
                }
                Entry::Alloc { to, amount } => {
                    let row = AddressEntry {
                        direction: Direction::Alloc,
                        amount: *amount,
                        ..base
                    };
                    push(self, *to, row, Delta::Add(*amount));
                }
                Entry::Tx { .. } => {
                    // A valid block has one receipt per transaction, in order.
                    let Some(r) = receipts.next() else { continue };
                    let row = AddressEntry {
                        hash: Some(r.hash),
                        amount: r.cost.value,
                        ..base
                    };
                    if r.from == r.to {
                        let row = AddressEntry {
                            direction: Direction::SelfTransfer,
                            counterparty: Some(r.to),
                            fee: r.cost.fee,
                            ..row
                        };
                        push(self, r.from, row, Delta::Sub(r.cost.fee));
                    } else {
                        let out = AddressEntry {
                            direction: Direction::Out,
                            counterparty: Some(r.to),
                            fee: r.cost.fee,
                            ..row
                        };
                        let spent = r
                            .cost
                            .value
                            .checked_add(r.cost.fee)
                            .unwrap_or(Wei::from_wei(u128::MAX));
                        push(self, r.from, out, Delta::Sub(spent));
                        let received = AddressEntry {
                            direction: Direction::In,
                            counterparty: Some(r.from),
                            ..row
                        };
                        push(self, r.to, received, Delta::Add(r.cost.value));
                    }
                }
            }
        }
    }

    /// Where the transaction `hash` is in the chain.
    pub fn tx(&self, hash: &TxHash) -> Option<TxLocation> {
        self.txs.get(hash).copied()
    }

    /// The height of the block whose hash is `hash`.
    pub fn block_height(&self, hash: &BlockHash) -> Option<usize> {
        self.blocks.get(hash).copied()
    }

    /// Every entry that moved `address`'s balance in the valid prefix, oldest first.
    pub fn history(&self, address: &Address) -> &[AddressEntry] {
        self.histories.get(address).map_or(&[], Vec::as_slice)
    }

    /// Heights of the blocks whose coinbase paid `address`, lowest first.
    pub fn mined_by(&self, address: &Address) -> &[usize] {
        self.mined.get(address).map_or(&[], Vec::as_slice)
    }

    /// Whether `address` appears anywhere in the index.
    pub fn knows(&self, address: &Address) -> bool {
        self.histories.contains_key(address) || self.mined.contains_key(address)
    }

    /// How many transactions the chain holds.
    pub fn tx_count(&self) -> usize {
        self.tx_order.len()
    }

    /// The last `n` transactions of the chain, newest first.
    pub fn latest_txs(&self, n: usize) -> impl Iterator<Item = TxLocation> + '_ {
        self.tx_order.iter().rev().take(n).copied()
    }

    /// Where a parsed search leads. `in_mempool` says whether a hash is a waiting transaction
    /// (the index covers only the chain).
    ///
    /// # Errors
    /// [`NoMatch`] naming what was looked for when nothing on this chain matches.
    pub fn resolve(
        &self,
        query: &search::Query,
        chain_len: usize,
        in_mempool: impl Fn(&TxHash) -> bool,
    ) -> Result<Target, NoMatch> {
        use search::Query;
        match query {
            Query::Height(h) => usize::try_from(*h)
                .ok()
                .filter(|h| *h < chain_len)
                .map(Target::Block)
                .ok_or(NoMatch::Height {
                    height: *h,
                    tip: chain_len.saturating_sub(1),
                }),
            Query::Hash(hash) => {
                let bytes = *hash.as_bytes();
                if let Some(h) = self.block_height(&BlockHash::from_bytes(bytes)) {
                    return Ok(Target::Block(h));
                }
                let tx = TxHash::from_bytes(bytes);
                if self.tx(&tx).is_some() || in_mempool(&tx) {
                    return Ok(Target::Tx(tx));
                }
                Err(NoMatch::Hash(*hash))
            }
            Query::Address(a) => {
                if self.knows(a) {
                    Ok(Target::Address(*a))
                } else {
                    Err(NoMatch::Address(*a))
                }
            }
        }
    }
}

/// A balance change (saturating: a valid prefix never underflows).
#[derive(Clone, Copy)]
enum Delta {
    Add(Wei),
    Sub(Wei),
}

impl Delta {
    fn apply(self, balance: Wei) -> Wei {
        match self {
            Self::Add(w) => balance.checked_add(w).unwrap_or(Wei::from_wei(u128::MAX)),
            Self::Sub(w) => balance.checked_sub(w).unwrap_or(Wei::ZERO),
        }
    }
}

/// The page a search leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Block(usize),
    Tx(TxHash),
    Address(Address),
}

/// Nothing on this chain matches a well-formed query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMatch {
    Height { height: u64, tip: usize },
    Hash(Hash32),
    Address(Address),
}

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Height { height, tip } => {
                write!(f, "no block at height {height}: the tip is #{tip}")
            }
            Self::Hash(h) => write!(
                f,
                "no block or transaction (mined or waiting) has the hash {h}"
            ),
            Self::Address(a) => write!(
                f,
                "the address {a} has no transactions, rewards or allocations on this chain"
            ),
        }
    }
}

/// Search box input.
pub mod charts;
pub mod node;
pub mod pages;
pub mod search;

/// A block's size in bytes: its 116-byte header plus the encoding of every entry (the bytes
/// its Merkle leaves hash).
pub fn block_size(block: &Block) -> usize {
    HEADER_LEN
        + block
            .entries
            .iter()
            .map(|e| e.leaf_bytes().len())
            .sum::<usize>()
}

/// One point of a chart series: `x` is a block height, `y` the value (floating point only
/// for drawing; the explorer's tables show exact integers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: u64,
    pub y: f64,
}

fn point(height: usize, y: f64) -> Point {
    Point {
        x: height as u64,
        y,
    }
}

/// Seconds between each block and its parent (from height 1; a timestamp that goes back
/// counts as 0).
pub fn block_times(chain: &Chain) -> Vec<Point> {
    chain
        .blocks()
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let ms = w[1]
                .header
                .timestamp_ms
                .saturating_sub(w[0].header.timestamp_ms);
            point(i + 1, ms as f64 / 1000.0)
        })
        .collect()
}

/// The difficulty (leading zero bits) of every block, genesis included.
pub fn difficulties(chain: &Chain) -> Vec<Point> {
    chain
        .blocks()
        .iter()
        .enumerate()
        .map(|(h, b)| point(h, f64::from(b.header.difficulty)))
        .collect()
}

/// Hashes per second of every block mined with statistics
/// ([`crate::block::MiningStats::hash_rate`]); blocks without them are left out.
pub fn hash_rates(chain: &Chain) -> Vec<Point> {
    chain
        .blocks()
        .iter()
        .enumerate()
        .filter_map(|(h, b)| Some(point(h, b.stats?.hash_rate()? as f64)))
        .collect()
}

/// An address's balance in ETH after each block that changed it (the last entry of a block
/// wins), from its history.
pub fn balance_over_time(history: &[AddressEntry]) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::new();
    for e in history {
        let p = point(e.height, e.balance.as_wei() as f64 / 1e18);
        match out.last_mut() {
            Some(last) if last.x == p.x => *last = p,
            _ => out.push(p),
        }
    }
    out
}

/// Consecutive points drawn as one: their range of `x` and the min, max and mean of `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub x_first: u64,
    pub x_last: u64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub count: usize,
}

/// Groups `points` (in order) into at most `max_buckets` buckets of consecutive points, as
/// even in size as possible; one bucket per point when they fit. `max_buckets` of 0 is
/// treated as 1.
pub fn aggregate(points: &[Point], max_buckets: usize) -> Vec<Bucket> {
    let n = points.len();
    let buckets = max_buckets.max(1).min(n);
    (0..buckets)
        .filter_map(|i| {
            let chunk = points.get(i * n / buckets..(i + 1) * n / buckets)?;
            let (first, last) = (chunk.first()?, chunk.last()?);
            let (mut min, mut max, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
            for p in chunk {
                min = min.min(p.y);
                max = max.max(p.y);
                sum += p.y;
            }
            Some(Bucket {
                x_first: first.x,
                x_last: last.x,
                min,
                max,
                mean: sum / chunk.len() as f64,
                count: chunk.len(),
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "explorer_tests.rs"]
mod tests;
