//! Proposer counts for given stakes and a seed, as CSV (`validator,stake,proposals`):
//!
//! ```text
//! cargo run --release -p blocklab-core --example pos_proposers -- --stakes 32,64,96,128 --slots 100000 --seed 7
//! ```
//!
//! The seed is a number; the slots' draws are the lab's own (`pos::duties::proposer`), the
//! same every node makes.

use std::process::ExitCode;

use blocklab_core::hash::Hash32;
use blocklab_core::pos::duties;

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn run(args: &[String]) -> Result<String, String> {
    let stakes: Vec<u64> = arg(args, "--stakes")
        .unwrap_or("32,32,32,32")
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| format!("--stakes: '{s}' is not a whole number"))
        })
        .collect::<Result<_, _>>()?;
    let slots: u64 = arg(args, "--slots")
        .unwrap_or("100000")
        .parse()
        .map_err(|_| "--slots: not a number")?;
    let seed: u64 = arg(args, "--seed")
        .unwrap_or("0")
        .parse()
        .map_err(|_| "--seed: not a number")?;
    let mut bytes = [0u8; 32];
    bytes[24..].copy_from_slice(&seed.to_be_bytes());
    let seed = Hash32::from_bytes(bytes);
    let indexed: Vec<(u32, u64)> = stakes
        .iter()
        .enumerate()
        .map(|(i, s)| (i as u32, *s))
        .collect();
    let mut counts = vec![0u64; stakes.len()];
    for slot in 0..slots {
        if let Some(p) = duties::proposer(&seed, slot, &indexed) {
            counts[p as usize] += 1;
        }
    }
    let mut out = String::from("validator,stake,proposals\n");
    for (i, (s, c)) in stakes.iter().zip(counts).enumerate() {
        out.push_str(&format!("{i},{s},{c}\n"));
    }
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
