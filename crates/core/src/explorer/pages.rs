//! The block explorer's pages as plain data (native-tested): the views only lay them out.
//! Lookups go through the core's [`Index`]; a transaction's fields, signature and sender check
//! reuse [`crate::tx::explain::verify`]. [`ExplorerPage`] names the page a route shows.

use crate::address::Address;
use crate::amount::Wei;
use crate::explorer::{self, AddressEntry, Index, Point, Target};
use crate::mempool::TxStatus;
use crate::{BlockHash, Chain, Entry, Hash32, Height, Mempool, TxHash, ValidationReport};

use crate::tx::explain::{verify, Decoded, Verification};
use crate::tx::TxError;
use crate::words::capitalise;

pub use super::charts::*;
pub use super::search::SearchBoxError;

/// A page of the block explorer (`#/explorer/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplorerPage {
    /// The overview (latest blocks and transactions, charts).
    Overview,
    /// A block by height.
    Block(Height),
    /// A transaction by hash.
    Tx(TxHash),
    /// An address.
    Address(Address),
    /// The mempool.
    Mempool,
    /// A page of the connected node (`#/explorer/node/...`).
    Node(super::node::NodePage),
    /// An explorer link whose parameter does not parse (shown as such, not as the overview).
    BadLink,
}

impl ExplorerPage {
    /// Reads the part of a route after `#/explorer/` (`block/3`, `tx/0x…`, `mempool`); a
    /// parameter that does not parse gives [`Self::BadLink`].
    pub fn parse(rest: &str) -> Self {
        let mut parts = rest.splitn(2, '/');
        let (kind, param) = (parts.next().unwrap_or_default(), parts.next());
        match (kind, param) {
            ("", None) => Self::Overview,
            ("mempool", None) => Self::Mempool,
            ("node", rest) => super::node::NodePage::parse(rest.unwrap_or_default())
                .map_or(Self::BadLink, Self::Node),
            ("block", Some(h)) => h.parse().map_or(Self::BadLink, Self::Block),
            ("tx", Some(h)) => h.parse().map_or(Self::BadLink, Self::Tx),
            // Any case: a link is looked at, not sent to.
            ("address", Some(a)) => a
                .to_ascii_lowercase()
                .parse()
                .map_or(Self::BadLink, Self::Address),
            _ => Self::BadLink,
        }
    }

    /// The `href` of this page.
    pub fn href(self) -> String {
        match self {
            Self::Overview | Self::BadLink => "#/explorer".to_owned(),
            Self::Block(h) => format!("#/explorer/block/{h}"),
            Self::Tx(h) => format!("#/explorer/tx/{}", h.to_hex()),
            Self::Address(a) => format!("#/explorer/address/{}", a.to_checksum()),
            Self::Mempool => "#/explorer/mempool".to_owned(),
            Self::Node(p) => p.href(),
        }
    }
}

/// How many blocks and transactions the overview lists.
pub const LATEST: usize = 10;

/// One block in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRow {
    pub height: Height,
    pub hash: BlockHash,
    pub timestamp_ms: u64,
    pub tx_count: usize,
    /// The coinbase beneficiary (`None` when the block pays none).
    pub miner: Option<Address>,
    pub valid: bool,
}

/// One transaction in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRow {
    pub hash: TxHash,
    pub height: Height,
    pub from: Address,
    pub to: Option<Address>,
    /// The amount sent, or why it does not fit (the view words it with [`crate::words::eth_or`]).
    pub value: Result<Wei, TxError>,
}

/// What the overview shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub height: Height,
    pub total_work: u128,
    pub difficulty: u32,
    pub pending: usize,
    pub tx_count: usize,
    pub latest_blocks: Vec<BlockRow>,
    pub latest_txs: Vec<TxRow>,
}

fn coinbase_to(entries: &[Entry]) -> Option<Address> {
    entries.iter().find_map(|e| match e {
        Entry::Coinbase { to, .. } => Some(*to),
        _ => None,
    })
}

fn tx_count(entries: &[Entry]) -> usize {
    entries
        .iter()
        .filter(|e| matches!(e, Entry::Tx { .. }))
        .count()
}

fn block_row(chain: &Chain, report: &ValidationReport, height: usize) -> Option<BlockRow> {
    let b = chain.blocks().get(height)?;
    Some(BlockRow {
        height: Height::from_index(height),
        hash: b.hash(),
        timestamp_ms: b.header.timestamp_ms,
        tx_count: tx_count(&b.entries),
        miner: coinbase_to(&b.entries),
        valid: report.blocks.get(height).is_some_and(|v| v.is_valid()),
    })
}

fn tx_row(chain: &Chain, height: usize, entry: usize) -> Option<TxRow> {
    match chain.blocks().get(height)?.entries.get(entry)? {
        Entry::Tx { from, raw } => Some(TxRow {
            hash: raw.hash(),
            height: Height::from_index(height),
            from: *from,
            to: raw.tx().to().copied(),
            value: raw.tx().value_wei(),
        }),
        _ => None,
    }
}

/// The overview: chain height, work, difficulty, waiting transactions, the latest blocks and
/// transactions (newest first).
pub fn overview(
    chain: &Chain,
    index: &Index,
    pool: &Mempool,
    report: &ValidationReport,
) -> Overview {
    Overview {
        height: Height::from_index(chain.len().saturating_sub(1)),
        total_work: chain.total_work(),
        difficulty: chain.tip().header.difficulty,
        pending: pool.len(),
        tx_count: index.tx_count(),
        latest_blocks: (0..chain.len())
            .rev()
            .take(LATEST)
            .filter_map(|h| block_row(chain, report, h))
            .collect(),
        latest_txs: index
            .latest_txs(LATEST)
            .filter_map(|t| tx_row(chain, t.height, t.entry))
            .collect(),
    }
}

/// One entry of a block as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryRow {
    Tx(TxRow),
    Coinbase { to: Address, amount: Wei },
    Alloc { to: Address, amount: Wei },
    Record { text: String },
}

/// A block page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockPage {
    pub height: Height,
    pub prev: Option<Height>,
    pub next: Option<Height>,
    pub hash: BlockHash,
    pub parent: BlockHash,
    pub timestamp_ms: u64,
    /// Milliseconds after the parent (`None` for genesis).
    pub since_parent_ms: Option<u64>,
    pub miner: Option<Address>,
    /// The coinbase paid (reward + priority fees), if any.
    pub coinbase: Option<Wei>,
    /// The block reward of the chain's rules.
    pub reward: Wei,
    /// Fees the block's transactions paid, and the part burned (known in the valid prefix).
    pub fees: Option<(Wei, Wei)>,
    pub difficulty: u32,
    pub nonce: u64,
    pub size: usize,
    pub tx_count: usize,
    pub entries: Vec<EntryRow>,
    pub records_root: Hash32,
    /// Empty when the block is valid; otherwise every reason, as sentences.
    pub problems: Vec<String>,
}

/// The page of the block at `at`, if there is one.
pub fn block_page(chain: &Chain, report: &ValidationReport, at: Height) -> Option<BlockPage> {
    let height = at.to_index()?;
    let b = chain.blocks().get(height)?;
    let parent = height.checked_sub(1).and_then(|h| chain.blocks().get(h));
    let fees = chain.outcome(height).map(|o| {
        o.receipts
            .iter()
            .fold((Wei::ZERO, Wei::ZERO), |(f, burn), r| {
                (
                    f.checked_add(r.cost.fee).unwrap_or(f),
                    burn.checked_add(r.cost.burned).unwrap_or(burn),
                )
            })
    });
    let entries = b
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| match e {
            Entry::Tx { .. } => tx_row(chain, height, i).map_or_else(
                || EntryRow::Record {
                    text: String::new(),
                },
                EntryRow::Tx,
            ),
            Entry::Coinbase { to, amount } => EntryRow::Coinbase {
                to: *to,
                amount: *amount,
            },
            Entry::Alloc { to, amount } => EntryRow::Alloc {
                to: *to,
                amount: *amount,
            },
            Entry::Record(r) => EntryRow::Record {
                text: format!(
                    "record: {} → {}, {} {}",
                    r.sender,
                    r.receiver,
                    r.amount.to_coins(),
                    r.memo
                ),
            },
        })
        .collect();
    Some(BlockPage {
        height: at,
        prev: at.prev(),
        next: at
            .next()
            .filter(|n| n.to_index().is_some_and(|i| i < chain.len())),
        hash: b.hash(),
        parent: b.header.prev_hash,
        timestamp_ms: b.header.timestamp_ms,
        since_parent_ms: parent
            .map(|p| b.header.timestamp_ms.saturating_sub(p.header.timestamp_ms)),
        miner: coinbase_to(&b.entries),
        coinbase: b.entries.iter().find_map(|e| match e {
            Entry::Coinbase { amount, .. } => Some(*amount),
            _ => None,
        }),
        reward: chain.params().block_reward,
        fees,
        difficulty: b.header.difficulty,
        nonce: b.header.nonce,
        size: explorer::block_size(b),
        tx_count: tx_count(&b.entries),
        entries,
        records_root: b.header.entries_root,
        problems: report
            .blocks
            .get(height)
            .map(|v| {
                v.problems
                    .iter()
                    .map(|p| capitalise(&p.to_string()))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatusView {
    /// In the valid prefix, with its confirmations.
    Included {
        confirmations: usize,
    },
    /// In a block that is invalid (or builds on one).
    Invalid,
    Pending,
    Queued,
}

impl TxStatusView {
    /// The word the page shows (`data-status`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Included { .. } => "included",
            Self::Invalid => "invalid",
            Self::Pending => "pending",
            Self::Queued => "queued",
        }
    }
}

/// A transaction page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxPage {
    pub hash: TxHash,
    pub status: TxStatusView,
    /// Block height and entry index when it is in a block.
    pub block: Option<(Height, usize)>,
    /// The sender the block entry claims, or the mempool's recovered one.
    pub from: Address,
    pub to: Option<Address>,
    /// The amount sent, or why it does not fit (the view words it with [`crate::words::eth_or`]).
    pub value: Result<Wei, TxError>,
    /// What it paid (known once included in the valid prefix).
    pub fee_paid: Option<Wei>,
    pub nonce: u64,
    /// The signed transaction's raw bytes (the view shows them with [`crate::words::hex`]).
    pub raw: Vec<u8>,
    /// Decoded fields, signature, hashes and the recovered-sender check against `from`.
    /// `Err` holds why it does not decode (the screen words it with [`crate::words::err`]).
    pub decoded: Result<Box<Decoded>, TxError>,
}

/// The page of transaction `hash`: mined (found through the index) or waiting in the pool.
pub fn tx_page(chain: &Chain, index: &Index, pool: &Mempool, hash: &TxHash) -> Option<TxPage> {
    let (from, signed, status, block) = if let Some(at) = index.tx(hash) {
        let Some(Entry::Tx { from, raw }) = chain
            .blocks()
            .get(at.height)
            .and_then(|b| b.entries.get(at.entry))
        else {
            return None;
        };
        let status = if at.height < chain.valid_len() {
            TxStatusView::Included {
                confirmations: chain.confirmations(at.height),
            }
        } else {
            TxStatusView::Invalid
        };
        (*from, raw.clone(), status, Some((at.height, at.entry)))
    } else {
        let (tx, s) = pool.get(hash)?;
        let status = match s {
            TxStatus::Pending => TxStatusView::Pending,
            TxStatus::Queued => TxStatusView::Queued,
        };
        (tx.sender(), tx.signed().clone(), status, None)
    };
    let fee_paid = block.and_then(|(h, _)| {
        chain
            .outcome(h)?
            .receipts
            .iter()
            .find(|r| r.hash == *hash)
            .map(|r| r.cost.fee)
    });
    let decoded = match verify(&signed.raw_hex(), &from.to_checksum()) {
        Verification::Decoded(d) => Ok(d),
        Verification::Invalid(e) => Err(e),
        // A signed transaction's raw bytes are never empty.
        Verification::Empty => Err(TxError::Empty),
    };
    Some(TxPage {
        hash: *hash,
        status,
        block: block.map(|(h, entry)| (Height::from_index(h), entry)),
        from,
        to: signed.tx().to().copied(),
        value: signed.tx().value_wei(),
        fee_paid,
        nonce: signed.tx().nonce(),
        raw: signed.raw(),
        decoded,
    })
}

/// One line of an address page's history (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLine {
    /// The block of the entry (`entry.height`, typed for the view).
    pub height: Height,
    pub entry: AddressEntry,
    pub confirmations: usize,
}

/// An address page.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressPage {
    pub address: Address,
    pub balance: Wei,
    pub nonce: u64,
    /// Newest first.
    pub history: Vec<HistoryLine>,
    /// Heights, newest first.
    pub mined: Vec<Height>,
    /// Its transactions waiting in the mempool.
    pub waiting: Vec<TxHash>,
    /// Balance after each block that changed it.
    pub balance_points: Vec<Point>,
}

impl AddressPage {
    /// The page without its history and balance points (cheap to copy for a view that
    /// draws only part of them).
    pub fn clone_header(&self) -> Self {
        Self {
            address: self.address,
            balance: self.balance,
            nonce: self.nonce,
            history: Vec::new(),
            mined: self.mined.clone(),
            waiting: self.waiting.clone(),
            balance_points: Vec::new(),
        }
    }
}

/// The page of `address` (every address has one, even with no history).
pub fn address_page(
    chain: &Chain,
    index: &Index,
    pool: &Mempool,
    address: &Address,
) -> AddressPage {
    let history = index.history(address);
    AddressPage {
        address: *address,
        balance: chain.state().balance(address),
        nonce: chain.state().nonce(address),
        history: history
            .iter()
            .rev()
            .map(|e| HistoryLine {
                height: Height::from_index(e.height),
                entry: *e,
                confirmations: chain.confirmations(e.height),
            })
            .collect(),
        mined: index
            .mined_by(address)
            .iter()
            .rev()
            .map(|h| Height::from_index(*h))
            .collect(),
        waiting: pool
            .iter()
            .filter(|(t, _)| t.sender() == *address || t.tx().to() == Some(address))
            .map(|(t, _)| t.hash())
            .collect(),
        balance_points: explorer::balance_over_time(history),
    }
}

/// What the search box does with its text: go to a page, or say why not.
///
/// # Errors
/// [`SearchBoxError::Query`] when the text is not a height, hash or address,
/// [`SearchBoxError::NoMatch`] when nothing matches.
pub fn search(
    text: &str,
    chain: &Chain,
    index: &Index,
    pool: &Mempool,
) -> Result<ExplorerPage, SearchBoxError> {
    let query = explorer::search::parse(text).map_err(SearchBoxError::Query)?;
    let target = index
        .resolve(&query, chain.len(), |h| pool.contains(h))
        .map_err(SearchBoxError::NoMatch)?;
    Ok(match target {
        Target::Block(h) => ExplorerPage::Block(Height::from_index(h)),
        Target::Tx(h) => ExplorerPage::Tx(h),
        Target::Address(a) => ExplorerPage::Address(a),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;
    use crate::explorer::search::SearchError;
    use crate::explorer::NoMatch;
    use crate::genesis::DEV_ADDRESSES;
    use crate::mempool::build_block;
    use crate::ChainParams;

    /// A lab chain with one block holding `n` transfers from dev account 0, mined with stats.
    fn chain_with_transfers(n: u64) -> (Chain, Vec<TxHash>) {
        use crate::wallet::hd::Account;
        let key = Account::from_private_key_hex(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .unwrap();
        let params = ChainParams::default();
        let mut chain = Chain::new(1_000);
        let mut pool = Mempool::new();
        let mut hashes = Vec::new();
        for nonce in 0..n {
            let tx = crate::TxRequest::transfer(
                1337,
                nonce,
                DEV_ADDRESSES[1],
                Wei::parse_coins("1").unwrap(),
            )
            .eip1559(1_000_000_000, 2_000_000_000)
            .unwrap()
            .sign_recovered(&key)
            .unwrap();
            hashes.push(tx.hash());
            pool.add(tx, chain.state(), &params).unwrap();
        }
        let b = build_block(
            chain.tip(),
            chain.state(),
            &pool,
            &params,
            DEV_ADDRESSES[2],
            4_000,
            0,
        );
        chain.append(b, &params).unwrap();
        (chain, hashes)
    }

    #[test]
    fn pages_of_a_small_chain() {
        let (chain, hashes) = chain_with_transfers(2);
        let report = chain.validate(&ChainParams::default());
        let index = Index::build(&chain);
        let pool = Mempool::new();
        let o = overview(&chain, &index, &pool, &report);
        assert_eq!((o.height, o.tx_count, o.pending), (Height(1), 2, 0));
        assert_eq!(o.latest_blocks[0].height, Height(1));
        assert_eq!(o.latest_blocks[0].miner, Some(DEV_ADDRESSES[2]));
        assert_eq!(o.latest_txs.len(), 2);

        let b = block_page(&chain, &report, Height(1)).unwrap();
        assert_eq!((b.prev, b.next), (Some(Height::GENESIS), None));
        assert_eq!(b.since_parent_ms, Some(3_000));
        assert_eq!(b.tx_count, 2);
        assert!(b.problems.is_empty());
        let (fees, burned) = b.fees.unwrap();
        assert_eq!(fees.as_wei(), 2 * 21_000 * 2_000_000_000);
        assert_eq!(burned.as_wei(), 2 * 21_000 * 1_000_000_000);
        assert!(matches!(b.entries[0], EntryRow::Coinbase { .. }));
        assert!(block_page(&chain, &report, Height(2)).is_none());

        let t = tx_page(&chain, &index, &pool, &hashes[1]).unwrap();
        assert_eq!(t.status, TxStatusView::Included { confirmations: 1 });
        assert_eq!(t.block.map(|b| b.0), Some(Height(1)));
        assert_eq!(t.value, Ok(Wei::parse_coins("1").unwrap()));
        assert_eq!(
            crate::SignedTx::decode_raw(&t.raw).unwrap().hash(),
            hashes[1]
        );
        assert_eq!(b.hash, chain.blocks()[1].hash());
        assert_eq!(b.parent, chain.blocks()[0].hash());
        assert_eq!(b.records_root, chain.blocks()[1].computed_root());
        assert_eq!(o.latest_blocks[0].hash, b.hash);
        assert_eq!(t.fee_paid.unwrap().as_wei(), 21_000 * 2_000_000_000);
        let d = t.decoded.unwrap();
        assert!(d.expected.unwrap().matches);

        let a = address_page(&chain, &index, &pool, &DEV_ADDRESSES[1]);
        assert_eq!(a.history.len(), 3);
        assert_eq!(a.balance, a.history[0].entry.balance);
        assert_eq!(a.balance_points.len(), 2);
        let m = address_page(&chain, &index, &pool, &DEV_ADDRESSES[2]);
        assert_eq!(m.mined, [Height(1)]);
    }

    #[test]
    fn search_goes_to_each_kind_or_says_why_not() {
        let (chain, hashes) = chain_with_transfers(1);
        let index = Index::build(&chain);
        let pool = Mempool::new();
        let go = |t: &str| search(t, &chain, &index, &pool);
        assert_eq!(go(" 1 "), Ok(ExplorerPage::Block(Height(1))));
        let block_hash = chain.blocks()[1].hash().to_hex();
        assert_eq!(
            go(&block_hash[2..].to_uppercase()),
            Ok(ExplorerPage::Block(Height(1)))
        );
        assert_eq!(go(&hashes[0].to_hex()), Ok(ExplorerPage::Tx(hashes[0])));
        let addr = DEV_ADDRESSES[1].to_checksum().to_lowercase();
        assert_eq!(go(&addr[2..]), Ok(ExplorerPage::Address(DEV_ADDRESSES[1])));
        let too_high = go("7").unwrap_err();
        assert_eq!(
            too_high,
            SearchBoxError::NoMatch(NoMatch::Height { height: 7, tip: 1 })
        );
        assert_eq!(
            too_high.to_string(),
            "Nothing matches: no block at height 7: the tip is #1"
        );
        assert!(go(&format!("0x{}", "0".repeat(64)))
            .unwrap_err()
            .to_string()
            .starts_with("Nothing matches: no block or transaction"));
        assert_eq!(
            go("banana"),
            Err(SearchBoxError::Query(SearchError::NotHex))
        );
        assert!(go("banana")
            .unwrap_err()
            .to_string()
            .starts_with("Not a height"));
        let empty = go("").unwrap_err();
        assert_eq!(empty, SearchBoxError::Query(SearchError::Empty));
        assert_eq!(
            empty.to_string(),
            "Type a block height, a block hash, a transaction hash or an address"
        );
    }

    #[test]
    fn a_transaction_in_an_invalid_block_says_invalid() {
        let (mut chain, hashes) = chain_with_transfers(1);
        let mut b = chain.blocks()[1].clone();
        b.header.timestamp_ms = 500; // before its parent
        chain.replace(1, b);
        let index = Index::build(&chain);
        let t = tx_page(&chain, &index, &Mempool::new(), &hashes[0]).unwrap();
        assert_eq!(t.status, TxStatusView::Invalid);
        assert_eq!(t.fee_paid, None);
    }

    #[test]
    fn charts_draw_one_mark_per_point_until_they_aggregate() {
        let few: Vec<Point> = (0..5).map(|i| Point { x: i, y: i as f64 }).collect();
        let m = chart_model(&few, seconds);
        assert_eq!(m.marks.len(), 5);
        assert!(!m.aggregated);
        assert_eq!(m.marks[4].y_top, 0.0);
        assert_eq!(m.marks[0].y_bottom, PLOT_HEIGHT);
        assert_eq!(m.marks[2].title, "block #2: 2 s");
        let many: Vec<Point> = (0..10_000).map(|i| Point { x: i, y: 1.0 }).collect();
        let m = chart_model(&many, bits);
        assert_eq!(m.marks.len(), MAX_MARKS);
        assert!(m.aggregated);
        assert_eq!((m.x_first, m.x_last), (0, 9_999));
        assert!(m.marks[0]
            .title
            .contains("min 1 bits, mean 1 bits, max 1 bits"));
        assert!(chart_model(&[], seconds).marks.is_empty());
    }

    #[test]
    fn units() {
        assert_eq!(hash_rate(7_400_000.0), "7.4 MH/s");
        assert_eq!(hash_rate(12.0), "12 H/s");
        assert_eq!(seconds(1.25), "1.25 s");
        assert_eq!(eth(10_000.0), "10000 ETH");
        assert_eq!(duration(184_000), "3 min 4 s");
    }
}
