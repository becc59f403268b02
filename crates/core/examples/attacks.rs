//! Prints the attack lab's tables as CSV for any grid (see `blocklab_core::attack::cli`):
//!
//! ```text
//! cargo run --release -p blocklab-core --example attacks -- double-spend --q 0.1,0.25 --z 0-12
//! cargo run --release -p blocklab-core --example attacks -- selfish --alpha 0.1,0.3 --gamma 0,0.5,1 --blocks 1000000
//! ```
//!
//! `bench [--trials 1000000] [--runs 5]` times the Monte Carlo race (q = 0.3, z = 6) natively
//! and prints one JSON line of races per second (used by tests/e2e/bench/attacks.bench.mjs).

use std::process::ExitCode;
use std::time::Instant;

use blocklab_core::attack::double_spend::RaceSim;

fn bench(args: &[String]) -> Result<String, String> {
    let arg = |name: &str, default: u64| -> Result<u64, String> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| format!("{name}: '{v}' is not a number"))
            })
    };
    let (trials, runs) = (arg("--trials", 1_000_000)?, arg("--runs", 5)?.max(1));
    let mut rates = Vec::new();
    let mut estimate = 0.0;
    for run in 0..runs {
        let mut sim = RaceSim::new(0.3, 6, run + 1).map_err(|e| e.to_string())?;
        let t0 = Instant::now();
        sim.run(trials);
        let secs = t0.elapsed().as_secs_f64();
        estimate = sim.estimate().p;
        rates.push(trials as f64 / secs);
    }
    rates.sort_by(f64::total_cmp);
    Ok(format!(
        "{{\"q\":0.3,\"z\":6,\"trials\":{trials},\"runs\":{runs},\"median\":{},\"min\":{},\"max\":{},\"estimate\":{estimate}}}\n",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1]
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = if args.first().map(String::as_str) == Some("bench") {
        bench(&args)
    } else {
        blocklab_core::attack::cli::run(&args).map_err(|e| e.to_string())
    };
    match out {
        Ok(csv) => {
            print!("{csv}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
