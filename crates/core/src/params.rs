//! The rules a chain is validated under: its id, reward, fees, limits and consensus.

use crate::amount::Wei;
use crate::consensus::Consensus;

/// Most entries one block may carry.
pub const MAX_ENTRIES: usize = 1000;

/// The lab chain's default chain id (the usual local development id).
pub const LAB_CHAIN_ID: u64 = 1337;

/// Rules a chain is validated under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainParams {
    /// Lowest difficulty a block after genesis may state.
    pub min_difficulty: u32,
    /// The EIP-155 chain id transactions must be signed for.
    pub chain_id: u64,
    /// New coins the coinbase of each block may pay the miner (besides priority fees).
    pub block_reward: Wei,
    /// The base fee per gas, fixed on the lab chain and burned (EIP-1559).
    pub base_fee: u128,
    /// Most gas the transactions of one block may use.
    pub block_gas_limit: u64,
    /// Most call data bytes one transaction may carry.
    pub max_tx_data: usize,
    /// How blocks are sealed and branches weighed.
    pub consensus: Consensus,
}

impl Default for ChainParams {
    /// The lab chain: id 1337, 2 ETH reward, 1 gwei base fee, 30M gas blocks, 4 KiB data.
    fn default() -> Self {
        Self {
            min_difficulty: 0,
            chain_id: LAB_CHAIN_ID,
            block_reward: Wei::from_wei(2_000_000_000_000_000_000),
            base_fee: 1_000_000_000,
            block_gas_limit: 30_000_000,
            max_tx_data: 4096,
            consensus: Consensus::ProofOfWork,
        }
    }
}
