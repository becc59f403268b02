//! The genesis block and the lab's development allocations.
//!
//! A new lab chain pre-funds the first ten BIP-44 accounts (`m/44'/60'/0'/0/i`) of the public
//! development mnemonic `test test test test test test test test test test test junk` with
//! 10,000 ETH each, as Hardhat and anvil do. **These keys are public test keys**: anyone can
//! spend from them; never send real funds to them on any real network.
//!
//! The addresses are written here as constants (a test derives them again from the mnemonic),
//! so creating a chain costs no PBKDF2.

use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry};

/// The public development mnemonic (Hardhat / anvil). Its keys are known to everyone.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// Each development account's genesis balance: 10,000 ETH.
pub const DEV_BALANCE: Wei = Wei::from_wei(10_000 * 1_000_000_000_000_000_000);

/// The first ten BIP-44 addresses of [`DEV_MNEMONIC`] (the same as Hardhat's and anvil's).
pub const DEV_ADDRESSES: [Address; 10] = [
    addr(0xf39f_d6e5_1aad_88f6, 0xf4ce_6ab8_8272_79cf, 0xffb9_2266),
    addr(0x7099_7970_c518_12dc, 0x3a01_0c7d_01b5_0e0d, 0x17dc_79c8),
    addr(0x3c44_cddd_b6a9_00fa, 0x2b58_5dd2_99e0_3d12, 0xfa42_93bc),
    addr(0x90f7_9bf6_eb2c_4f87, 0x0365_e785_982e_1f10, 0x1e93_b906),
    addr(0x15d3_4aaf_5426_7db7, 0xd7c3_6783_9aaf_71a0, 0x0a2c_6a65),
    addr(0x9965_507d_1a55_bcc2, 0x695c_58ba_16fb_37d8, 0x19b0_a4dc),
    addr(0x976e_a740_26e7_2655, 0x4db6_57fa_5476_3abd, 0x0c3a_0aa9),
    addr(0x14dc_7996_4da2_c08b, 0x2369_8b3d_3cc7_ca32, 0x193d_9955),
    addr(0x2361_8e81_e3f5_cdf7, 0xf54c_3d65_f7fb_c0ab, 0xf5b2_1e8f),
    addr(0xa0ee_7a14_2d26_7c1f, 0x3671_4e4a_8f75_612f, 0x20a7_9720),
];

/// Builds an address from its 20 bytes given as 8 + 8 + 4 big-endian bytes.
const fn addr(a: u64, b: u64, c: u32) -> Address {
    let (a, b, c) = (a.to_be_bytes(), b.to_be_bytes(), c.to_be_bytes());
    let mut out = [0u8; 20];
    let mut i = 0;
    while i < 8 {
        out[i] = a[i];
        out[8 + i] = b[i];
        i += 1;
    }
    let mut j = 0;
    while j < 4 {
        out[16 + j] = c[j];
        j += 1;
    }
    Address::from_bytes(out)
}

/// The lab's default allocations: every [`DEV_ADDRESSES`] entry with [`DEV_BALANCE`].
pub fn dev_allocations() -> Vec<(Address, Wei)> {
    DEV_ADDRESSES.iter().map(|a| (*a, DEV_BALANCE)).collect()
}

/// A genesis block (height 0, all-zero parent, difficulty 0) that funds `allocs` through
/// [`Entry::Alloc`] entries, which its header root commits to.
pub fn genesis_block(timestamp_ms: u64, allocs: &[(Address, Wei)]) -> Block {
    let entries = allocs
        .iter()
        .map(|(to, amount)| Entry::Alloc {
            to: *to,
            amount: *amount,
        })
        .collect();
    Block::candidate(None, timestamp_ms, 0, [0; 20], entries)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;
    use crate::wallet::hd::{Account, DerivationPath, PathPreset};
    use crate::wallet::mnemonic::Mnemonic;

    /// The hard-coded addresses are what BIP-39/32/44 derivation gives.
    #[test]
    fn dev_addresses_are_derived_from_the_dev_mnemonic() {
        let seed = Mnemonic::parse(DEV_MNEMONIC).unwrap().to_seed("").unwrap();
        let paths: Vec<DerivationPath> = (0..10)
            .map(|i| PathPreset::Bip44.path(i).parse().unwrap())
            .collect();
        let accounts = Account::derive_many(&seed, &paths).unwrap();
        let derived: Vec<Address> = accounts.iter().map(|a| a.address).collect();
        assert_eq!(derived, DEV_ADDRESSES);
        assert_eq!(
            DEV_ADDRESSES[0].to_checksum(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        // The fixture keys of the state tests are these accounts' keys.
        for (i, key) in crate::state::tests::DEV_KEYS.iter().enumerate() {
            assert_eq!(
                Account::from_private_key_hex(key).unwrap().address,
                DEV_ADDRESSES[i]
            );
            assert_eq!(
                *accounts[i].private_key_bytes(),
                *Account::from_private_key_hex(key)
                    .unwrap()
                    .private_key_bytes()
            );
        }
    }

    #[test]
    fn genesis_commits_to_its_allocations() {
        let a = genesis_block(5, &dev_allocations());
        assert_eq!(a.entries.len(), 10);
        assert_eq!(a.header.height, 0);
        let mut fewer = dev_allocations();
        fewer.pop();
        assert_ne!(genesis_block(5, &fewer).hash(), a.hash());
        assert_eq!(DEV_BALANCE.to_coins(), "10000");
    }
}
