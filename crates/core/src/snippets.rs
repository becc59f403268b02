//! "Show code": the main wallet actions written as code with the learner's own values, in
//! Python with the libraries a blockchain course installs (web3.py, eth-account, mnemonic,
//! bip44) and in JavaScript with ethers v6. The one place snippets are made: the app shows
//! them, and `examples/snippets.rs` writes them for `tests/e2e/snippets.check.mjs`, which runs them
//! and compares what they print with what the core computes.
//!
//! A secret (phrase or private key) appears in a snippet only as [`Secret::Revealed`], which the
//! app passes only after the learner chose to reveal it; otherwise the snippet reads it from an
//! environment variable ([`PHRASE_ENV`], [`KEY_ENV`]).
//!
//! Every snippet prints its results one per line, in the order its doc names them.

use crate::address::Address;
use crate::tx::{SignedTx, Transaction, TxError};

/// The environment variable a snippet reads a hidden phrase from.
pub const PHRASE_ENV: &str = "BLOCKLAB_PHRASE";
/// The environment variable a snippet reads a hidden private key from.
pub const KEY_ENV: &str = "BLOCKLAB_PRIVATE_KEY";

/// A secret a snippet needs.
#[derive(Clone, Copy)]
pub enum Secret<'a> {
    /// The learner revealed it: it may be written into the snippet.
    Revealed(&'a str),
    /// Not revealed: the snippet reads it from the environment.
    Hidden,
}

impl core::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Revealed(_) => "Revealed(redacted)",
            Self::Hidden => "Hidden",
        })
    }
}

/// One step as code in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// Python 3 (web3.py 7, eth-account 0.13, mnemonic 0.21, bip44 0.1).
    pub python: String,
    /// JavaScript (an ES module, ethers 6).
    pub javascript: String,
}

/// A string literal valid in both Python and JavaScript (JSON's escaping is a subset of both).
fn lit(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn py_secret(secret: Secret<'_>, env: &str, what: &str) -> String {
    match secret {
        Secret::Revealed(s) => format!("{}  # your {what}: keep it secret", lit(s)),
        Secret::Hidden => format!(
            "os.environ[{}]  # your {what} (not shown: reveal it to put it here)",
            lit(env)
        ),
    }
}

fn js_secret(secret: Secret<'_>, env: &str, what: &str) -> String {
    match secret {
        Secret::Revealed(s) => format!("{}; // your {what}: keep it secret", lit(s)),
        Secret::Hidden => format!(
            "process.env[{}]; // your {what} (not shown: reveal it to put it here)",
            lit(env)
        ),
    }
}

/// Creating or importing a wallet from a BIP-39 phrase: checks the phrase and prints the
/// address at `path`.
pub fn wallet_from_phrase(phrase: Secret<'_>, path: &str) -> Code {
    derive_accounts(phrase, &[path.to_owned()])
}

/// Deriving accounts from a phrase: prints the address at each of `paths`.
pub fn derive_accounts(phrase: Secret<'_>, paths: &[String]) -> Code {
    let paths_lit = paths.iter().map(|p| lit(p)).collect::<Vec<_>>().join(", ");
    let python = format!(
        "import os\n\
         from mnemonic import Mnemonic\n\
         from bip44 import Wallet\n\
         from eth_account import Account\n\
         \n\
         phrase = {phrase}\n\
         assert Mnemonic(\"english\").check(phrase), \"not a valid BIP-39 phrase\"\n\
         wallet = Wallet(phrase)  # seed = PBKDF2(phrase), then BIP-32\n\
         for path in [{paths_lit}]:\n\
         \x20   key = wallet.derive_secret_key(path)\n\
         \x20   print(Account.from_key(key).address)\n",
        phrase = py_secret(phrase, PHRASE_ENV, "recovery phrase"),
    );
    let javascript = format!(
        "import {{ Mnemonic, HDNodeWallet }} from \"ethers\";\n\
         \n\
         const phrase = {phrase}\n\
         const mnemonic = Mnemonic.fromPhrase(phrase); // throws if the checksum is wrong\n\
         for (const path of [{paths_lit}]) {{\n\
         \x20 console.log(HDNodeWallet.fromMnemonic(mnemonic, path).address);\n\
         }}\n",
        phrase = js_secret(phrase, PHRASE_ENV, "recovery phrase"),
    );
    Code { python, javascript }
}

/// Signing a message (EIP-191 `personal_sign`): prints the 65-byte signature.
pub fn sign_message(key: Secret<'_>, message: &str) -> Code {
    let python = format!(
        "import os\n\
         from eth_account import Account\n\
         from eth_account.messages import encode_defunct\n\
         \n\
         key = {key}\n\
         signed = Account.sign_message(encode_defunct(text={msg}), private_key=key)\n\
         print(\"0x\" + bytes(signed.signature).hex())\n",
        key = py_secret(key, KEY_ENV, "private key"),
        msg = lit(message),
    );
    let javascript = format!(
        "import {{ Wallet }} from \"ethers\";\n\
         \n\
         const key = {key}\n\
         console.log(await new Wallet(key).signMessage({msg}));\n",
        key = js_secret(key, KEY_ENV, "private key"),
        msg = lit(message),
    );
    Code { python, javascript }
}

/// Verifying a signed message: prints the recovered signer and whether it is `expected`.
pub fn verify_message(message: &str, signature: &str, expected: &Address) -> Code {
    let (msg, sig, exp) = (lit(message), lit(signature), lit(&expected.to_checksum()));
    let python = format!(
        "from eth_account import Account\n\
         from eth_account.messages import encode_defunct\n\
         \n\
         signer = Account.recover_message(encode_defunct(text={msg}), signature={sig})\n\
         print(signer)\n\
         print(signer == {exp})\n"
    );
    let javascript = format!(
        "import {{ verifyMessage }} from \"ethers\";\n\
         \n\
         const signer = verifyMessage({msg}, {sig});\n\
         console.log(signer);\n\
         console.log(signer === {exp} ? \"True\" : \"False\");\n"
    );
    Code { python, javascript }
}

/// The fields of `tx` as (Python dict entries, JavaScript object entries).
fn tx_fields(tx: &Transaction) -> (String, String) {
    let to = tx.to().map_or("None".to_owned(), |a| lit(&a.to_checksum()));
    let to_js = tx.to().map_or("null".to_owned(), |a| lit(&a.to_checksum()));
    let data = lit(&format!("0x{}", hex::encode(tx.data())));
    let common_py = format!(
        "    \"chainId\": {chain},\n    \"nonce\": {nonce},\n    \"to\": {to},\n    \"value\": {value},  # wei\n    \"gas\": {gas},\n    \"data\": {data},\n",
        chain = tx.chain_id().unwrap_or_default(),
        nonce = tx.nonce(),
        value = tx.value(),
        gas = tx.gas_limit(),
    );
    let common_js = format!(
        "  chainId: {chain},\n  nonce: {nonce},\n  to: {to_js},\n  value: {value}n, // wei\n  gasLimit: {gas},\n  data: {data},\n",
        chain = tx.chain_id().unwrap_or_default(),
        nonce = tx.nonce(),
        value = tx.value(),
        gas = tx.gas_limit(),
    );
    match tx {
        Transaction::Eip1559(t) => (
            format!(
                "    \"type\": 2,\n{common_py}    \"maxFeePerGas\": {},\n    \"maxPriorityFeePerGas\": {},\n",
                t.max_fee_per_gas, t.max_priority_fee_per_gas
            ),
            format!(
                "  type: 2,\n{common_js}  maxFeePerGas: {}n,\n  maxPriorityFeePerGas: {}n,\n",
                t.max_fee_per_gas, t.max_priority_fee_per_gas
            ),
        ),
        Transaction::Legacy(t) => (
            format!("{common_py}    \"gasPrice\": {},\n", t.gas_price),
            format!("  type: 0,\n{common_js}  gasPrice: {}n,\n", t.gas_price),
        ),
    }
}

/// Signing a transaction: prints the raw signed transaction and its hash.
pub fn sign_transaction(key: Secret<'_>, tx: &Transaction) -> Code {
    let (py_fields, js_fields) = tx_fields(tx);
    let python = format!(
        "import os\n\
         from eth_account import Account\n\
         \n\
         key = {key}\n\
         tx = {{\n{py_fields}}}\n\
         signed = Account.sign_transaction(tx, key)\n\
         print(\"0x\" + bytes(signed.raw_transaction).hex())\n\
         print(\"0x\" + bytes(signed.hash).hex())\n",
        key = py_secret(key, KEY_ENV, "private key"),
    );
    let javascript = format!(
        "import {{ Wallet, Transaction, keccak256 }} from \"ethers\";\n\
         \n\
         const key = {key}\n\
         const raw = await new Wallet(key).signTransaction({{\n{js_fields}}});\n\
         console.log(raw);\n\
         console.log(keccak256(raw));\n",
        key = js_secret(key, KEY_ENV, "private key"),
    );
    Code { python, javascript }
}

/// Signing the transaction that `raw_hex` (a signed transaction, `0x` optional) holds, as
/// [`sign_transaction`]: the code that makes the same bytes.
///
/// # Errors
/// [`TxError`] when `raw_hex` is not a signed transaction.
pub fn sign_transaction_of_raw(key: Secret<'_>, raw_hex: &str) -> Result<Code, TxError> {
    let t = raw_hex.trim();
    let bytes = hex::decode(t.strip_prefix("0x").unwrap_or(t)).map_err(|_| TxError::NotHex)?;
    Ok(sign_transaction(key, SignedTx::decode_raw(&bytes)?.tx()))
}

/// Sending a signed transaction to a node: prints the transaction hash, then the receipt's
/// status (1 = success) and block number.
pub fn send_raw(rpc_url: &str, raw_hex: &str) -> Code {
    let (url, raw) = (lit(rpc_url), lit(raw_hex));
    let python = format!(
        "from web3 import Web3\n\
         \n\
         w3 = Web3(Web3.HTTPProvider({url}))\n\
         tx_hash = w3.eth.send_raw_transaction({raw})\n\
         print(\"0x\" + bytes(tx_hash).hex())\n\
         receipt = w3.eth.wait_for_transaction_receipt(tx_hash)\n\
         print(receipt[\"status\"])\n\
         print(receipt[\"blockNumber\"])\n"
    );
    let javascript = format!(
        "import {{ JsonRpcProvider }} from \"ethers\";\n\
         \n\
         const provider = new JsonRpcProvider({url});\n\
         const sent = await provider.broadcastTransaction({raw});\n\
         console.log(sent.hash);\n\
         const receipt = await sent.wait();\n\
         console.log(receipt.status);\n\
         console.log(receipt.blockNumber);\n\
         provider.destroy();\n"
    );
    Code { python, javascript }
}

/// Reading a balance from a node: prints it in wei.
pub fn read_balance(rpc_url: &str, address: &Address) -> Code {
    let (url, addr) = (lit(rpc_url), lit(&address.to_checksum()));
    let python = format!(
        "from web3 import Web3\n\
         \n\
         w3 = Web3(Web3.HTTPProvider({url}))\n\
         print(w3.eth.get_balance({addr}))  # wei\n"
    );
    let javascript = format!(
        "import {{ JsonRpcProvider }} from \"ethers\";\n\
         \n\
         const provider = new JsonRpcProvider({url});\n\
         console.log((await provider.getBalance({addr})).toString()); // wei\n\
         provider.destroy();\n"
    );
    Code { python, javascript }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHRASE: &str = "test test test test test test test test test test test junk";

    #[test]
    fn a_hidden_secret_never_appears_and_a_revealed_one_does() {
        let hidden = derive_accounts(Secret::Hidden, &["m/44'/60'/0'/0/0".to_owned()]);
        for code in [&hidden.python, &hidden.javascript] {
            assert!(!code.contains("test test"), "{code}");
            assert!(code.contains(PHRASE_ENV));
        }
        let shown = wallet_from_phrase(Secret::Revealed(PHRASE), "m/44'/60'/0'/0/0");
        assert!(shown.python.contains(&lit(PHRASE)));
        assert!(shown.javascript.contains(&lit(PHRASE)));
        let signed = sign_message(Secret::Hidden, "hi");
        assert!(signed.python.contains(KEY_ENV) && signed.javascript.contains(KEY_ENV));
        assert_eq!(format!("{:?}", Secret::Revealed("x")), "Revealed(redacted)");
    }

    #[test]
    fn a_raw_transaction_gives_the_code_of_its_fields() {
        use crate::tx::{LegacyTx, U256};
        let tx = Transaction::Legacy(LegacyTx {
            chain_id: Some(1337),
            nonce: 7,
            gas_price: 3,
            gas_limit: 21_000,
            to: Some(Address::from_bytes([0xab; 20])),
            value: U256::from(5u8),
            data: vec![1, 2],
        });
        let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let raw = tx.sign(&key).unwrap().raw_hex();
        let code = sign_transaction_of_raw(Secret::Hidden, &raw).unwrap();
        assert_eq!(code, sign_transaction(Secret::Hidden, &tx));
        assert!(
            code.python.contains("\"nonce\": 7,") && code.javascript.contains("data: \"0x0102\"")
        );
        assert!(sign_transaction_of_raw(Secret::Hidden, "0xzz").is_err());
    }

    #[test]
    fn user_text_is_quoted_not_spliced() {
        let evil = "\"); import os; os.system(\"x\") #\n`${1}`";
        let code = sign_message(Secret::Hidden, evil);
        assert!(code
            .python
            .contains(r#"text="\"); import os; os.system(\"x\") #\n`${1}`""#));
        assert!(code
            .javascript
            .contains(r#"signMessage("\"); import os; os.system(\"x\") #\n`${1}`")"#));
    }
}
