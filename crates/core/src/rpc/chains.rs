//! The networks people use most: their names and public explorers.

use crate::hash::TxHash;

/// The network's usual name and a public explorer, for the chain ids people use most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownChain {
    pub name: &'static str,
    /// Base URL of a public block explorer (no trailing slash), if there is one.
    pub explorer: Option<&'static str>,
    /// Whether its ether has real value.
    pub real_money: bool,
}

/// Looks up a chain id.
pub fn known_chain(chain_id: u64) -> Option<KnownChain> {
    let (name, explorer, real_money) = match chain_id {
        1 => ("Ethereum mainnet", Some("https://etherscan.io"), true),
        11_155_111 => (
            "Sepolia testnet",
            Some("https://sepolia.etherscan.io"),
            false,
        ),
        17_000 => (
            "Holesky testnet",
            Some("https://holesky.etherscan.io"),
            false,
        ),
        560_048 => ("Hoodi testnet", Some("https://hoodi.etherscan.io"), false),
        31_337 => ("local development node (anvil / Hardhat)", None, false),
        1_337 => (
            "local development chain (Ganache / geth --dev; also this lab's chain id)",
            None,
            false,
        ),
        _ => return None,
    };
    Some(KnownChain {
        name,
        explorer,
        real_money,
    })
}

/// A transaction's page on the chain's public explorer, when the chain has one.
pub fn explorer_tx_url(chain_id: u64, hash: &TxHash) -> Option<String> {
    known_chain(chain_id)?
        .explorer
        .map(|base| format!("{base}/tx/{}", hash.to_hex()))
}
