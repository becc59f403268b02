//! Per epoch, the justified and finalized checkpoints of a scripted proof-of-stake run with a
//! fraction of the validators offline, as CSV (`epoch,justified,finalized,online_stake,total_stake`):
//!
//! ```text
//! cargo run --release -p blocklab-core --example pos_finality -- --validators 16 --nodes 4 --epochs 12 --offline 0.4 --from 4 --to 8
//! ```
//!
//! `--offline F` takes the first validators holding at least the fraction F of the stake
//! offline from epoch `--from` to epoch `--to` (they return after). On stderr: the cost per
//! slot (milliseconds, signatures made and checked), the native side of BENCHMARKS.md's row.

use std::process::ExitCode;

use blocklab_core::pos::{sim::PosNetwork, PosParams, ETH};

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args
        .iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
    {
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name}: '{v}' is not a number")),
        None => Ok(default),
    }
}

/// `--bench SLOTS`: times `--runs` fresh runs of `--validators` on `--nodes` for SLOTS slots and
/// prints one JSON line (used by tests/e2e/bench/pos.bench.mjs).
fn bench(args: &[String], slots: u64) -> Result<String, String> {
    let validators: usize = arg(args, "--validators", 64)?;
    let nodes: usize = arg(args, "--nodes", 8)?;
    let runs: usize = arg(args, "--runs", 5)?;
    let mut ms = Vec::new();
    let mut made = 0;
    let mut checked = 0;
    for _ in 0..runs.max(1) {
        let t0 = std::time::Instant::now();
        let net = PosNetwork::bench(validators, nodes, slots);
        ms.push(t0.elapsed().as_secs_f64() * 1000.0 / slots as f64);
        made = net.signatures_made();
        checked = net.signatures_checked();
    }
    ms.sort_by(f64::total_cmp);
    Ok(format!(
        "{{\"validators\":{validators},\"nodes\":{nodes},\"slots\":{slots},\"ms_per_slot\":{{\"median\":{},\"min\":{},\"max\":{}}},\"made_per_slot\":{},\"checked_per_slot\":{}}}\n",
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() - 1],
        made as f64 / slots as f64,
        checked as f64 / slots as f64
    ))
}

fn run(args: &[String]) -> Result<String, String> {
    let bench_slots: u64 = arg(args, "--bench", 0)?;
    if bench_slots > 0 {
        return bench(args, bench_slots);
    }
    let validators: usize = arg(args, "--validators", 16)?;
    let nodes: usize = arg(args, "--nodes", 4)?;
    let epochs: u64 = arg(args, "--epochs", 12)?;
    let fraction: f64 = arg(args, "--offline", 0.0)?;
    let from: u64 = arg(args, "--from", 4)?;
    let to: u64 = arg(args, "--to", 8)?;
    if !(0.0..=1.0).contains(&fraction) {
        return Err("--offline is a fraction from 0 to 1".into());
    }
    let params = PosParams::default();
    let spe = params.slots_per_epoch;
    let mut net = PosNetwork::new(
        params,
        nodes,
        &vec![32 * ETH; validators.clamp(1, 256)],
        &[],
    );
    // Whole validators of equal stake: the first ceil(F * n) of them.
    let count = (fraction * validators as f64).ceil() as u32;
    let offline: Vec<_> = (0..count)
        .filter_map(|i| net.validator_address(i))
        .collect();
    let started = std::time::Instant::now();
    let mut out = String::from("epoch,justified,finalized,online_stake,total_stake\n");
    for epoch in 1..=epochs {
        let down = epoch >= from && epoch < to;
        for a in &offline {
            net.set_online(a, !down);
        }
        net.run_to(epoch * spe);
        let node = &net.nodes()[0];
        let (online, total) = net.online_stake();
        out.push_str(&format!(
            "{epoch},{},{},{online},{total}\n",
            node.justified().epoch,
            node.finalized().epoch
        ));
    }
    let slots = net.slot().max(1);
    eprintln!(
        "{} validators, {} nodes: {:.2} ms per slot, {:.1} signatures made and {:.1} checked per slot ({} slots)",
        validators,
        nodes,
        started.elapsed().as_secs_f64() * 1000.0 / slots as f64,
        net.signatures_made() as f64 / slots as f64,
        net.signatures_checked() as f64 / slots as f64,
        slots
    );
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(csv) => {
            print!("{csv}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
