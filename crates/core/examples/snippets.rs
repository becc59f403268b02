//! Writes every "show code" snippet (`blocklab_core::snippets`) for fixed inputs, with what the
//! core itself computes for them, as JSON on stdout. `tests/e2e/snippets.check.mjs` runs each snippet
//! with Python (web3.py, eth-account, mnemonic, bip44) and Node (ethers v6) and compares what it
//! prints with `expect`, line by line ("*" = checked against the node by the runner).
//!
//! `cargo run -p blocklab-core --example snippets -- http://127.0.0.1:PORT` (an anvil node with
//! its default mnemonic, chain id 31337).

use blocklab_core::address::Address;
use blocklab_core::snippets::{self, Code, Secret, KEY_ENV, PHRASE_ENV};
use blocklab_core::tx::Transaction;
use blocklab_core::wallet::hd::{Account, DerivationPath, PathPreset};
use blocklab_core::wallet::message::sign_message;
use blocklab_core::wallet::mnemonic::Mnemonic;
use blocklab_core::{TxRequest, Wei};
use serde_json::{json, Value};

/// anvil's public development mnemonic (never a real wallet).
const PHRASE: &str = "test test test test test test test test test test test junk";
const CHAIN_ID: u64 = 31337;

fn case(name: &str, code: &Code, env: Value, expect: &[String]) -> [Value; 2] {
    [
        json!({ "name": name, "lang": "python", "code": code.python, "env": env, "expect": expect }),
        json!({ "name": name, "lang": "javascript", "code": code.javascript, "env": env, "expect": expect }),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rpc_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8545".to_owned());
    let seed = Mnemonic::parse(PHRASE)?.to_seed("")?;
    let paths: Vec<String> = (0..3).map(|i| PathPreset::Bip44.path(i)).collect();
    let parsed: Vec<DerivationPath> = paths.iter().map(|p| p.parse()).collect::<Result<_, _>>()?;
    let accounts = Account::derive_many(&seed, &parsed)?;
    let addresses: Vec<String> = accounts.iter().map(|a| a.address.to_checksum()).collect();
    let sender = &accounts[0];
    let key_hex = format!("0x{}", hex::encode(*sender.private_key_bytes()));
    let phrase_env = json!({ PHRASE_ENV: PHRASE });
    let key_env = json!({ KEY_ENV: key_hex });
    let mut out = Vec::new();

    out.extend(case(
        "wallet from a revealed phrase",
        &snippets::wallet_from_phrase(Secret::Revealed(PHRASE), &paths[0]),
        json!({}),
        &addresses[..1],
    ));
    out.extend(case(
        "derive accounts (phrase hidden)",
        &snippets::derive_accounts(Secret::Hidden, &paths),
        phrase_env,
        &addresses,
    ));
    // Quotes, a backslash, a newline and non-ASCII: the snippet must quote them exactly.
    let message = "hello \"blocklab\" \\ ✓\nline two";
    let signature = sign_message(sender, message)?.to_hex();
    out.extend(case(
        "sign a message (key hidden)",
        &snippets::sign_message(Secret::Hidden, message),
        key_env.clone(),
        std::slice::from_ref(&signature),
    ));
    out.extend(case(
        "sign a message (key revealed)",
        &snippets::sign_message(Secret::Revealed(&key_hex), message),
        json!({}),
        std::slice::from_ref(&signature),
    ));
    out.extend(case(
        "verify a message",
        &snippets::verify_message(message, &signature, &sender.address),
        json!({}),
        &[addresses[0].clone(), "True".to_owned()],
    ));

    let to: Address = addresses[1].to_ascii_lowercase().parse()?;
    let request = |nonce: u64| {
        TxRequest::transfer(
            CHAIN_ID,
            nonce,
            to,
            Wei::from_wei(1_500_000_000_000_000_000),
        )
        .with_data(b"from blocklab".to_vec())
    };
    let gwei = 1_000_000_000u128;
    let txs: Vec<(&str, Transaction)> = vec![
        (
            "sign an EIP-1559 transaction",
            request(0).eip1559(gwei, 20 * gwei)?,
        ),
        ("sign a legacy transaction", request(0).legacy(20 * gwei)?),
    ];
    for (name, tx) in &txs {
        let signed = tx.sign(sender)?;
        out.extend(case(
            name,
            // As the app makes it: from the signed bytes it shows.
            &snippets::sign_transaction_of_raw(Secret::Hidden, &signed.raw_hex())?,
            key_env.clone(),
            &[signed.raw_hex(), signed.hash().to_hex()],
        ));
    }
    // Sending: Python sends nonce 0, JavaScript nonce 1 (one raw transaction is accepted once).
    for (nonce, lang) in [(0u64, "python"), (1, "javascript")] {
        let signed = request(nonce).eip1559(gwei, 20 * gwei)?.sign(sender)?;
        let code = snippets::send_raw(&rpc_url, &signed.raw_hex());
        let text = if lang == "python" {
            code.python
        } else {
            code.javascript
        };
        out.push(json!({
            "name": "send to a node", "lang": lang, "code": text, "env": {},
            "expect": [signed.hash().to_hex(), "1", "*"],
        }));
    }
    out.extend(case(
        "read a balance",
        &snippets::read_balance(&rpc_url, &to),
        json!({}),
        &["*".to_owned()],
    ));
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
