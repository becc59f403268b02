//! Money is integers: the modules that hold, parse, check or move amounts never use a float
//! type (the explorer's charts turn balances into plot coordinates, which is not money).
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failure is the test failing"
)]

use std::path::Path;

const MONEY_MODULES: &[&str] = &[
    "amount.rs",
    "state.rs",
    "mempool.rs",
    "chain.rs",
    "genesis.rs",
    "block.rs",
    "record.rs",
    "rpc.rs",
    "rpc/explore.rs",
    "rpc/client.rs",
    "rpc/scan.rs",
    "tx/mod.rs",
    "tx/codec.rs",
    "tx/request.rs",
    "tx/signed.rs",
    "tx/error.rs",
];

#[test]
fn money_modules_use_no_float_type() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in MONEY_MODULES {
        let text = std::fs::read_to_string(src.join(module)).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let floats = code
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(|word| word == "f32" || word == "f64");
            assert!(
                !floats,
                "{module}:{}: a float type in money code: {line}",
                n + 1
            );
        }
    }
}
