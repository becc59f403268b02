//! Proof of stake beside proof of work, modelled on Ethereum's Gasper with the lab's small
//! numbers: validators with stake and their own secp256k1 keys, time in slots and epochs, one
//! proposer per slot chosen in proportion to stake from a RANDAO seed, committees voting for a
//! head (LMD-GHOST fork choice) and for an epoch checkpoint (Casper FFG: justified with 2/3 of
//! the stake, finalized when the next is justified on top), rewards, penalties and slashing
//! for double proposals, double votes and surround votes.
//!
//! - [`types`]: the messages and their roots; [`duties`]: seeds, proposers and committees;
//! - [`state`]: one branch's state and its transition; [`node`]: a node's view and fork choice;
//! - [`client`]: a validator's signer with slashing protection; [`sim`]: a network of nodes;
//! - [`refusal`]: every reason a message is refused, in words; [`codec`]: messages as JSON;
//! - [`tabs`]: one network across browser tabs (validators split between them, kept in step).

pub mod client;
pub mod codec;
pub mod duties;
pub mod node;
pub mod refusal;
pub mod sim;
pub mod state;
pub mod tabs;
pub mod types;
mod verify;
pub mod view;

#[cfg(test)]
mod tabs_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod transfer_tests;

use k256::ecdsa::SigningKey;

use crate::address::{keccak256, Address};
use crate::hash::Hash32;
use crate::params::LAB_CHAIN_ID;

pub use state::{BeaconState, GenesisValidator};
pub use types::{Checkpoint, Epoch, Slot, ValidatorIndex};
pub use verify::forget_verified;

/// One ether in wei.
pub const ETH: u128 = 1_000_000_000_000_000_000;
/// Most validators the lab's registry holds.
pub const MAX_VALIDATORS: usize = 256;

/// Where deposits go: the address of Ethereum's deposit contract.
pub const DEPOSIT_ADDRESS: Address = Address::from_bytes([
    0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c, 0xbb, 0x83, 0x9c, 0xbe, 0x05, 0x30,
    0x3d, 0x77, 0x05, 0xfa,
]);

/// The numbers of a proof-of-stake run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PosParams {
    /// Milliseconds a slot lasts at 1x speed.
    pub slot_ms: u64,
    /// Slots per epoch (at least 2).
    pub slots_per_epoch: u64,
    pub chain_id: u64,
    /// The smallest deposit, in wei.
    pub min_deposit: u128,
    /// Whole ETH of stake that count at most.
    pub max_effective: u64,
    /// Reward (and penalty) per epoch for a vote, per whole ETH of effective stake, in wei.
    pub reward_per_eth: u128,
    /// Epochs between a deposit's (or exit's) inclusion and its activation (or exit).
    pub activation_delay: u64,
}

impl Default for PosParams {
    fn default() -> Self {
        Self {
            slot_ms: 2_000,
            slots_per_epoch: 8,
            chain_id: LAB_CHAIN_ID,
            min_deposit: ETH,
            max_effective: 32,
            reward_per_eth: ETH / 10_000,
            activation_delay: 2,
        }
    }
}

/// The keys of genesis validators `0..n`: the development accounts of the PUBLIC test
/// mnemonic ([`crate::genesis::DEV_MNEMONIC`], BIP-44 `m/44'/60'/0'/0/i`), so validator `i` is
/// development account `i` (the first ten are [`crate::genesis::DEV_ADDRESSES`]) in every tab
/// and test. Derived once per thread and kept (the seed's PBKDF2 is the slow part). Their keys
/// protect nothing: everyone has them.
pub fn genesis_keys(n: usize) -> Vec<SigningKey> {
    thread_local! {
        static KEYS: std::cell::RefCell<Vec<SigningKey>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let n = n.min(MAX_VALIDATORS);
    KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() < n {
            *cache = derive_dev_keys(n.max(16));
        }
        cache.iter().take(n).cloned().collect()
    })
}

/// Development accounts `0..n`; a key that cannot be derived (which does not happen with the
/// fixed mnemonic) is replaced by [`lab_key`] so that the list is always `n` long.
fn derive_dev_keys(n: usize) -> Vec<SigningKey> {
    use crate::wallet::hd::{Account, DerivationPath, PathPreset};
    use crate::wallet::mnemonic::Mnemonic;
    let derived = Mnemonic::parse(crate::genesis::DEV_MNEMONIC)
        .and_then(|m| m.to_seed(""))
        .ok()
        .and_then(|seed| {
            let paths: Option<Vec<DerivationPath>> = (0..n)
                .map(|i| PathPreset::Bip44.path(i as u32).parse().ok())
                .collect();
            Account::derive_many(&seed, &paths?).ok()
        })
        .unwrap_or_default();
    (0..n)
        .map(|i| {
            derived
                .get(i)
                .map_or_else(|| lab_key(i), |a| a.signing_key().clone())
        })
        .collect()
}

/// A lab key for index `i`: keccak-256 of a fixed label and the index (never a real key; used
/// only if a development account could not be derived).
pub fn lab_key(i: usize) -> SigningKey {
    let mut counter = 0u64;
    loop {
        let mut b = b"blocklab-pos validator".to_vec();
        b.extend_from_slice(&(i as u64).to_be_bytes());
        b.extend_from_slice(&counter.to_be_bytes());
        if let Ok(k) = SigningKey::from_slice(&keccak256(&b)) {
            return k;
        }
        counter += 1;
    }
}

/// The root every node starts from: a hash of the genesis validators.
pub fn genesis_root(validators: &[GenesisValidator]) -> Hash32 {
    let mut b = b"blocklab-pos genesis".to_vec();
    for v in validators {
        b.extend_from_slice(v.key.to_sec1_point(true).as_bytes());
        b.extend_from_slice(&v.stake.to_be_bytes());
    }
    Hash32::from_bytes(keccak256(&b))
}
