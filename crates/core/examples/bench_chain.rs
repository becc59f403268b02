//! Writes app snapshots (the `blocklab.snapshot` format) of valid chains of signed transfers for
//! the benchmark suite (`tests/e2e/bench/chain.bench.mjs` runs it with `--release`).
//!
//! Usage: `bench_chain OUT_DIR` writes
//! - `chain-100x100.json`: genesis + 100 blocks of 100 transfers (10,000 signed transactions),
//! - `chain-1000.json`: 1,000 blocks (genesis + 999 blocks of one transfer each),
//! - `chain-1000-empty.json`: 1,000 blocks (genesis + 999 blocks holding only a coinbase),
//! - `chain-10000.json`: 10,000 blocks (genesis + 9,999 blocks of one transfer each),
//!
//! and prints one JSON line per file: `{"role", "file", "blocks", "transactions", "bytes",
//! "utf16_units"}` (UTF-8 bytes on disk; UTF-16 code units, what localStorage's quota counts).
//! `bench_chain OUT_DIR storage` writes only `chain-10001.json` (genesis + 10,000 blocks of one
//! transfer each: the storage end-to-end test's chain).
//! `bench_chain OUT_DIR explorer` writes only `chain-10000x5.json` (genesis + 10,000 blocks of
//! five transfers: 50,000 transactions) for `tests/e2e/bench/explorer.bench.mjs`.
//! `quick` and `explorer-quick` write the same shapes, small (genesis + 10 blocks of 20
//! transfers, 50 blocks, 200 blocks; 400 blocks of five transfers), for `BENCH_QUICK=1`.
//!
//! The chains start from the app's genesis (the ten public development accounts of
//! `test test ... junk`, 10,000 ETH each), are signed with those accounts' keys (derived here
//! from the public mnemonic), mined at difficulty 0 and checked by `Chain::append`.

use std::error::Error;
use std::path::Path;

use blocklab_core::chain::ChainParams;
use blocklab_core::genesis::{dev_allocations, genesis_block, DEV_MNEMONIC};
use blocklab_core::mempool::build_block;
use blocklab_core::persist::{encode_snapshot, Snapshot};
use blocklab_core::wallet::hd::{Account, DerivationPath, PathPreset};
use blocklab_core::wallet::Mnemonic;
use blocklab_core::{Chain, Mempool, TxRequest, Wei};

const GWEI: u128 = 1_000_000_000;

fn dev_accounts() -> Result<Vec<Account>, Box<dyn Error>> {
    let seed = Mnemonic::parse(DEV_MNEMONIC)?.to_seed("")?;
    let paths = (0..10)
        .map(|i| PathPreset::Bip44.path(i).parse())
        .collect::<Result<Vec<DerivationPath>, _>>()?;
    Ok(Account::derive_many(&seed, &paths)?)
}

/// Genesis + `blocks - 1` blocks of `txs_per_block` transfers between the dev accounts.
fn build(
    accounts: &[Account],
    blocks: u64,
    txs_per_block: usize,
) -> Result<Snapshot, Box<dyn Error>> {
    let params = ChainParams::default();
    let mut chain = Chain::from_genesis(genesis_block(1_000, &dev_allocations()), &params);
    let mut nonces = vec![0u64; accounts.len()];
    let mut next_sender = 0usize;
    for b in 1..blocks {
        let mut mempool = Mempool::with_capacity(txs_per_block.max(1));
        for _ in 0..txs_per_block {
            let from = next_sender % accounts.len();
            let to = (from + 1) % accounts.len();
            next_sender += 1;
            let tx = TxRequest::transfer(
                params.chain_id,
                nonces[from],
                accounts[to].address,
                Wei::from_wei(1_000_000 * GWEI),
            )
            .eip1559(GWEI, 2 * GWEI)?
            .sign_recovered(&accounts[from])?;
            nonces[from] += 1;
            mempool.add(tx, chain.state(), &params)?;
        }
        let block = build_block(
            chain.tip(),
            chain.state(),
            &mempool,
            &params,
            accounts[(b as usize) % accounts.len()].address,
            1_000 + b * 1_000,
            0,
        );
        if block.entries.len() != txs_per_block + 1 {
            return Err(format!("block {b} selected {} entries", block.entries.len()).into());
        }
        chain.append(block, &params)?;
    }
    let mut snapshot = Snapshot::new(1_000);
    snapshot.chain = chain;
    Ok(snapshot)
}

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: bench_chain OUT_DIR")?;
    let out = Path::new(&out);
    std::fs::create_dir_all(out)?;
    let accounts = dev_accounts()?;
    let mode = std::env::args().nth(2);
    // (role, file, blocks, transfers per block); the benchmarks pick files by role.
    let sets: &[(&str, &str, u64, usize)] = match mode.as_deref() {
        Some("explorer") => &[("explorer", "chain-10000x5.json", 10_001, 5)],
        // BENCH_QUICK=1: the same shape in seconds (still more blocks than a chart's 300 marks).
        Some("explorer-quick") => &[("explorer", "chain-400x5.json", 401, 5)],
        // Issue 8: 10,000 blocks after genesis, one signed transfer each.
        Some("storage") => &[("storage", "chain-10001.json", 10_001, 1)],
        Some("quick") => &[
            ("many-txs", "chain-10x20.json", 11, 20),
            ("stored", "chain-50.json", 50, 1),
            ("stored-empty", "chain-50-empty.json", 50, 0),
            ("long", "chain-200.json", 200, 1),
        ],
        _ => &[
            ("many-txs", "chain-100x100.json", 101, 100),
            ("stored", "chain-1000.json", 1_000, 1),
            ("stored-empty", "chain-1000-empty.json", 1_000, 0),
            ("long", "chain-10000.json", 10_000, 1),
        ],
    };
    for &(role, file, blocks, txs) in sets {
        let snapshot = build(&accounts, blocks, txs)?;
        let text = encode_snapshot(&snapshot);
        std::fs::write(out.join(file), &text)?;
        if role == "explorer" {
            // The same blocks as a chain export file, for the explorer bench's import path.
            let export = out.join(file.replace(".json", ".export.json"));
            std::fs::write(
                export,
                blocklab_core::persist::export_chain(&snapshot.chain),
            )?;
        }
        let transactions = (blocks - 1) * txs as u64;
        println!(
            "{{\"role\":\"{role}\",\"file\":\"{file}\",\"blocks\":{blocks},\"transactions\":{transactions},\"bytes\":{},\"utf16_units\":{}}}",
            text.len(),
            blocklab_core::compact::utf16_len(&text)
        );
    }
    Ok(())
}
