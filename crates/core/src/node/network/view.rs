//! The Nodes screen's plain data (native-tested): the simulated network's rules for the
//! screen (a minimum difficulty), what its text fields accept, the demo transfer, and the
//! cards, links, consensus and fork-tree rows the view lays out.

use core::fmt;

use crate::address::Address;
use crate::chain::ChainParams;
use crate::genesis::{DEV_ADDRESSES, DEV_MNEMONIC};
use crate::node::network::{node_name, LinkRejection, Network, ReorgNotice};
use crate::node::{Compromise, Node};
use crate::tx::{SignedTx, TxError, TxRequest};
use crate::wallet::hd::{Account, HdError, PathPreset};
use crate::wallet::mnemonic::{Mnemonic, MnemonicError};
use crate::words::capitalise;
use crate::{BlockHash, Height, Wei};

/// Lowest difficulty the simulated nodes accept (the "mine at a lower difficulty" tamper mines
/// at half of it, which every honest node refuses whatever the hash).
pub const MIN_DIFFICULTY: u32 = 8;
/// Highest difficulty offered for mining on the main thread (2^20 expected hashes).
pub const MAX_SIM_DIFFICULTY: u32 = 20;
/// Nodes shown at first.
pub const DEFAULT_NODES: usize = 3;
/// Nonces one main-thread mining attempt tries at most (far above 2^20).
pub const MAX_ATTEMPTS: u64 = 1 << 28;
/// Messages delivered at most after one action (the queue drains long before).
pub const MAX_DELIVERIES: usize = 100_000;

/// The rules of the simulated network: the lab chain's, with a minimum difficulty.
pub fn params() -> ChainParams {
    ChainParams {
        min_difficulty: MIN_DIFFICULTY,
        ..ChainParams::default()
    }
}

/// Who the simulated nodes' coinbases pay: node A pays 0x…01, B 0x…02, ...
pub fn beneficiary(node: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[19] = u8::try_from(node + 1).unwrap_or(u8::MAX);
    Address::from_bytes(bytes)
}

/// A tamper operation on one node's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Edit a past block in place (no re-mining).
    Edit,
    /// Forge a transaction's amount (old signature, recomputed root, no re-mining).
    Forge,
    /// Mine a block below the required difficulty.
    LowDifficulty,
}

/// Why a Nodes screen action cannot start: a field's text is refused, the development key
/// cannot be derived, or the demo transfer cannot be made. `Display` is the sentence the screen
/// shows (capitalised already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodesError {
    /// The difficulty is not a whole number from [`MIN_DIFFICULTY`] to [`MAX_SIM_DIFFICULTY`];
    /// `text` is what was typed, trimmed.
    Difficulty { text: String },
    /// The block height to tamper with is not a whole number of at least 1.
    Height { text: String },
    /// The public development mnemonic does not parse (does not happen).
    Mnemonic(MnemonicError),
    /// The development account cannot be derived (does not happen).
    Derivation(HdError),
    /// There is no node with this index.
    NoNode { node: usize },
    /// The demo transfer cannot be built or signed.
    Tx(TxError),
}

impl fmt::Display for NodesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Difficulty { text } => write!(
                f,
                "Difficulty must be a whole number from {MIN_DIFFICULTY} to {MAX_SIM_DIFFICULTY}, not \"{text}\""
            ),
            Self::Height { text } => write!(
                f,
                "The block to tamper with is a height of 1 or more, not \"{text}\""
            ),
            Self::Mnemonic(e) => e.fmt(f),
            Self::Derivation(e) => e.fmt(f),
            Self::NoNode { node } => write!(f, "There is no node {}", node_name(*node)),
            Self::Tx(e) => f.write_str(&capitalise(&e.to_string())),
        }
    }
}

impl std::error::Error for NodesError {}

/// Reads a mining difficulty from user text.
///
/// # Errors
/// [`NodesError::Difficulty`] when it is not a whole number from [`MIN_DIFFICULTY`] to
/// [`MAX_SIM_DIFFICULTY`].
pub fn parse_difficulty(text: &str) -> Result<u32, NodesError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (MIN_DIFFICULTY..=MAX_SIM_DIFFICULTY).contains(d))
        .ok_or_else(|| NodesError::Difficulty {
            text: text.trim().to_owned(),
        })
}

/// Reads a block height from user text.
///
/// # Errors
/// [`NodesError::Height`] when it is not a whole number of at least 1.
pub fn parse_height(text: &str) -> Result<u64, NodesError> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|h| *h >= 1)
        .ok_or_else(|| NodesError::Height {
            text: text.trim().to_owned(),
        })
}

/// The value of the screen's demo transfer: 1 ETH.
pub const DEMO_VALUE: Wei = Wei::from_wei(1_000_000_000_000_000_000);
/// Its fees: 1 gwei tip, 3 gwei max fee per gas.
pub const DEMO_TIP: u128 = 1_000_000_000;
/// Its max fee per gas.
pub const DEMO_MAX_FEE: u128 = 3_000_000_000;

/// Development account 0 of the PUBLIC test mnemonic (`test … junk`, 10,000 ETH at genesis),
/// derived when needed and dropped after signing: it protects nothing.
///
/// # Errors
/// [`NodesError::Mnemonic`] or [`NodesError::Derivation`] (neither happens with the fixed
/// public mnemonic).
pub fn dev_sender() -> Result<Account, NodesError> {
    let seed = Mnemonic::parse(DEV_MNEMONIC)
        .and_then(|m| m.to_seed(""))
        .map_err(NodesError::Mnemonic)?;
    let path = PathPreset::Bip44
        .path(0)
        .parse()
        .map_err(NodesError::Derivation)?;
    Account::derive(&seed, &path).map_err(NodesError::Derivation)
}

/// A 1 ETH transfer from development account 0 to account 1, with the next nonce node `node`
/// expects (its chain's state and its mempool), signed for the lab chain.
///
/// # Errors
/// [`NodesError::NoNode`] when `node` is not a node, [`NodesError::Tx`] when signing fails.
pub fn demo_transfer(net: &Network, node: usize, sender: &Account) -> Result<SignedTx, NodesError> {
    let n = net.node(node).ok_or(NodesError::NoNode { node })?;
    let nonce = n.mempool().next_nonce(&sender.address, n.chain().state());
    TxRequest::transfer(params().chain_id, nonce, DEV_ADDRESSES[1], DEMO_VALUE)
        .eip1559(DEMO_TIP, DEMO_MAX_FEE)
        .and_then(|tx| tx.sign(sender))
        .map_err(NodesError::Tx)
}

/// One node's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeCard {
    pub index: usize,
    pub name: String,
    pub height: Height,
    /// The tip's hash (the card shows it short, `{:#}`).
    pub tip: BlockHash,
    pub work: u128,
    pub mempool: usize,
    pub side_blocks: usize,
    /// `None` when the node's own chain validates, else where and why it does not
    /// (`Display`: "invalid at block K: reason").
    pub compromised: Option<Compromise>,
}

/// The cards of every node.
pub fn node_cards(net: &Network) -> Vec<NodeCard> {
    net.nodes()
        .iter()
        .enumerate()
        .map(|(index, n)| card(index, n))
        .collect()
}

fn card(index: usize, n: &Node) -> NodeCard {
    let tip = n.chain().tip();
    NodeCard {
        index,
        name: node_name(index),
        height: Height(tip.header.height),
        tip: tip.hash(),
        work: n.chain().total_work(),
        mempool: n.mempool().len(),
        side_blocks: n.side_len(),
        compromised: n.compromise(),
    }
}

/// One link's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub a: usize,
    pub b: usize,
    /// "A–B".
    pub label: String,
    pub up: bool,
    /// The last block refused on this link (the screen words it with [`crate::words::err`]).
    pub last_rejection: Option<LinkRejection>,
}

/// Every link, in order.
pub fn link_rows(net: &Network) -> Vec<LinkRow> {
    net.links()
        .iter()
        .map(|((a, b), l)| LinkRow {
            a: *a,
            b: *b,
            label: format!("{}–{}", node_name(*a), node_name(*b)),
            up: l.up,
            last_rejection: l.last_rejection.clone(),
        })
        .collect()
}

/// The consensus panel's sentence.
pub fn consensus_text(net: &Network) -> String {
    net.consensus().to_string()
}

/// The reorg notice: "Node C: reorg of depth 2 at block #0: 2 block(s) dropped, 1 adopted
/// (…)", then the dropped and adopted hashes.
pub fn reorg_text(notice: &ReorgNotice) -> (String, String) {
    let short = |hs: &[crate::BlockHash]| {
        hs.iter()
            .map(|h| format!("{h:#}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    (
        capitalise(&notice.to_string()),
        format!(
            "Dropped: {}. Adopted: {}.",
            short(&notice.reorg.dropped),
            short(&notice.reorg.adopted)
        ),
    )
}

/// One height of a node's fork tree: the blocks it knows there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub height: Height,
    /// (hash, parent hash, difficulty, on the active chain); the view shows the hashes short.
    pub blocks: Vec<(BlockHash, BlockHash, u32, bool)>,
}

/// A node's fork tree by height (active block first at each height).
pub fn tree_rows(node: &Node) -> Vec<TreeRow> {
    let mut rows: Vec<TreeRow> = Vec::new();
    let mut blocks = node.tree();
    blocks.sort_by_key(|b| (b.height, !b.active, b.hash));
    for b in blocks {
        let cell = (b.hash, b.parent, b.difficulty, b.active);
        match rows.last_mut() {
            Some(row) if row.height == b.height => row.blocks.push(cell),
            _ => rows.push(TreeRow {
                height: b.height,
                blocks: vec![cell],
            }),
        }
    }
    rows
}

/// Whether the tree has any side branch worth drawing.
pub fn has_fork(node: &Node) -> bool {
    node.side_len() > 0
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "test code: a failure is the test failing"
    )]

    use super::*;
    use crate::genesis::{dev_allocations, genesis_block};

    fn net(n: usize) -> Network {
        Network::new(n, genesis_block(1_000, &dev_allocations()), params())
    }

    #[test]
    fn a_demo_transfer_propagates_is_mined_and_can_be_forged() {
        let sender = dev_sender().unwrap();
        assert_eq!(sender.address, DEV_ADDRESSES[0]);
        let mut n = net(3);
        let first = demo_transfer(&n, 0, &sender).unwrap();
        assert_eq!(first.tx().nonce(), 0);
        n.submit_tx(0, first.clone()).unwrap();
        n.deliver_all(MAX_DELIVERIES);
        assert!(node_cards(&n).iter().all(|c| c.mempool == 1));
        // The next nonce counts the one waiting.
        assert_eq!(demo_transfer(&n, 1, &sender).unwrap().tx().nonce(), 1);
        let block = n
            .mine(1, 2_000, MIN_DIFFICULTY, beneficiary(1), MAX_ATTEMPTS)
            .unwrap();
        n.deliver_all(MAX_DELIVERIES);
        assert_eq!(block.entries.len(), 2, "coinbase and the transfer");
        assert!(node_cards(&n)
            .iter()
            .all(|c| c.mempool == 0 && c.height == Height(1)));
        n.tamper_forge_amount(2, 1).unwrap();
        n.deliver_all(MAX_DELIVERIES);
        assert!(node_cards(&n)[2].compromised.is_some());
        assert!(link_rows(&n)[1].last_rejection.is_some());
        assert!(consensus_text(&n).starts_with("2 of 3 nodes agree on block 1"));
        let no_node = demo_transfer(&n, 7, &sender).unwrap_err();
        assert_eq!(no_node, NodesError::NoNode { node: 7 });
        assert_eq!(no_node.to_string(), "There is no node H");
    }

    #[test]
    fn difficulty_and_height_text_is_checked() {
        assert_eq!(parse_difficulty(" 12 "), Ok(12));
        let low = parse_difficulty(" 7 ").unwrap_err();
        assert_eq!(low, NodesError::Difficulty { text: "7".into() });
        assert_eq!(
            low.to_string(),
            "Difficulty must be a whole number from 8 to 20, not \"7\""
        );
        assert!(parse_difficulty("21").is_err());
        assert!(parse_difficulty("abc")
            .unwrap_err()
            .to_string()
            .contains("\"abc\""));
        assert_eq!(parse_height("3"), Ok(3));
        let zero = parse_height("0").unwrap_err();
        assert_eq!(zero, NodesError::Height { text: "0".into() });
        assert_eq!(
            zero.to_string(),
            "The block to tamper with is a height of 1 or more, not \"0\""
        );
        assert!(parse_height("-1").is_err());
    }

    #[test]
    fn a_refused_demo_transfer_says_why_in_the_core_words() {
        let e = NodesError::Tx(TxError::SigningFailed);
        assert_eq!(e.to_string(), "Signing the transaction failed");
        let e = NodesError::Derivation(HdError::TooDeep);
        assert_eq!(e.to_string(), HdError::TooDeep.to_string());
    }

    #[test]
    fn cards_links_and_consensus_follow_the_network() {
        let mut n = net(3);
        let block = n
            .mine(0, 2_000, MIN_DIFFICULTY, beneficiary(0), MAX_ATTEMPTS)
            .unwrap();
        n.deliver_all(MAX_DELIVERIES);
        let cards = node_cards(&n);
        assert_eq!(cards.len(), 3);
        for c in &cards {
            assert_eq!(c.height, Height(1));
            assert_eq!(c.tip, block.hash());
            assert_eq!(c.work, 1 + 256);
            assert_eq!(c.compromised, None);
        }
        assert_eq!(cards[2].name, "C");
        n.tamper_edit(2, 1).unwrap();
        n.deliver_all(MAX_DELIVERIES);
        let cards = node_cards(&n);
        let compromise = cards[2].compromised.as_ref().unwrap();
        assert_eq!(compromise.height, Height(1));
        assert!(compromise
            .to_string()
            .starts_with("invalid at block 1: the records do not match the header"));
        let links = link_rows(&n);
        assert_eq!(
            links.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(),
            ["A–B", "A–C", "B–C"]
        );
        let ac = &links[1];
        assert!(ac.up);
        let rejection = ac.last_rejection.as_ref().unwrap();
        assert_eq!((rejection.from, rejection.to), (2, 0));
        let text = crate::words::err(rejection);
        assert!(
            text.starts_with("Node A rejected from node C: block #1"),
            "{text}"
        );
        assert!(text.contains("the records do not match the header"));
        assert!(links[0].last_rejection.is_none());
        let consensus = consensus_text(&n);
        assert!(consensus.starts_with(&format!(
            "2 of 3 nodes agree on block 1 hash {:#}; node C's chain is invalid at block 1: ",
            block.hash()
        )));
    }

    #[test]
    fn a_healed_partition_shows_the_reorg_and_the_fork_tree() {
        let mut n = net(3);
        n.set_link(0, 2, false);
        n.set_link(1, 2, false);
        let light1 = n.mine(2, 2_000, 8, beneficiary(2), MAX_ATTEMPTS).unwrap();
        let light2 = n.mine(2, 2_001, 8, beneficiary(2), MAX_ATTEMPTS).unwrap();
        let heavy = n.mine(0, 2_000, 12, beneficiary(0), MAX_ATTEMPTS).unwrap();
        n.deliver_all(MAX_DELIVERIES);
        assert!(n.last_reorg().is_none());
        n.set_link(0, 2, true);
        n.set_link(1, 2, true);
        n.deliver_all(MAX_DELIVERIES);
        let (head, detail) = reorg_text(n.last_reorg().unwrap());
        assert!(
            head.starts_with("Node C: reorg of depth 2 at block #0: 2 block(s) dropped, 1 adopted"),
            "{head}"
        );
        assert_eq!(
            detail,
            format!(
                "Dropped: {:#}, {:#}. Adopted: {:#}.",
                light1.hash(),
                light2.hash(),
                heavy.hash()
            )
        );
        assert!(node_cards(&n).iter().all(|c| c.tip == heavy.hash()));
        let c = n.node(2).unwrap();
        assert!(has_fork(c));
        let rows = tree_rows(c);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].height, Height(1));
        assert_eq!(rows[1].blocks.len(), 2);
        assert_eq!(rows[1].blocks[0].0, heavy.hash());
        assert!(rows[1].blocks[0].3 && !rows[1].blocks[1].3);
        assert_eq!(
            rows[2].blocks,
            vec![(light2.hash(), light1.hash(), 8, false)]
        );
        // The heavy side learned the light branch too, and keeps it aside.
        assert_eq!(n.node(0).unwrap().side_len(), 2);
        // The notice goes with the node it was about.
        assert!(n.remove_last());
        assert!(n.last_reorg().is_none());
    }
}
