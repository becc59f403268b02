//! The verify tool's view model: a raw signed transaction decoded into labelled rows (the
//! same rows serve the send form), its sender recovered and compared with the expected one;
//! [`Signed`], the rows of a transfer the send form signed.

use crate::address::Address;
use crate::tx::{Signature, SignedTx, Transaction, TxError, U256};
use crate::{Hash32, TxHash};

use crate::params::LAB_CHAIN_ID;
use crate::words::{err, eth, gwei};

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn u256_hex(value: U256) -> String {
    let bytes: [u8; 32] = value.to_be_bytes();
    hex0x(&bytes)
}

/// A fee per gas in wei and in gwei, e.g. `2000000000 wei (2 gwei)`.
fn fee_text(wei: u128) -> String {
    format!("{wei} wei ({})", gwei(wei))
}

/// One labelled value of a transaction. The screen renders `value` with the `data-testid`
/// `{prefix}-{key}`, so the same rows serve the verify tool and the send form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: &'static str,
    pub key: &'static str,
    pub value: String,
}

pub fn row(label: &'static str, key: &'static str, value: impl Into<String>) -> Row {
    Row {
        label,
        key,
        value: value.into(),
    }
}

/// The fields of an unsigned transaction, in the order they are signed.
pub fn field_rows(tx: &Transaction) -> Vec<Row> {
    let kind = match tx {
        Transaction::Legacy(t) if t.chain_id.is_some() => "Legacy with EIP-155 replay protection",
        Transaction::Legacy(_) => "Legacy, pre-EIP-155 (no chain id)",
        Transaction::Eip1559(_) => "EIP-1559 (type 2)",
    };
    let mut rows = vec![
        row("Type", "type", kind),
        row(
            "Chain id",
            "chain-id",
            tx.chain_id().map_or_else(
                || "none (valid on every chain)".to_owned(),
                |id| id.to_string(),
            ),
        ),
        row("Nonce", "nonce", tx.nonce().to_string()),
        row("Gas limit", "gas-limit", tx.gas_limit().to_string()),
    ];
    match tx {
        Transaction::Legacy(t) => rows.push(row("Gas price", "gas-price", fee_text(t.gas_price))),
        Transaction::Eip1559(t) => {
            rows.push(row(
                "Max fee per gas",
                "max-fee",
                fee_text(t.max_fee_per_gas),
            ));
            rows.push(row(
                "Priority fee per gas",
                "priority-fee",
                fee_text(t.max_priority_fee_per_gas),
            ));
        }
    }
    rows.push(row(
        "To",
        "to",
        tx.to().map_or_else(
            || "none: creates a contract".to_owned(),
            Address::to_checksum,
        ),
    ));
    let value = tx.value();
    rows.push(row(
        "Value",
        "value",
        match tx.value_wei() {
            Ok(wei) => format!("{value} wei ({})", eth(wei)),
            Err(e) => format!("{value} wei ({})", e),
        },
    ));
    let data = tx.data();
    rows.push(row(
        "Data",
        "data",
        if data.is_empty() {
            "0x (none)".to_owned()
        } else {
            format!("{} ({} bytes)", hex0x(data), data.len())
        },
    ));
    if let Some(text) = std::str::from_utf8(data).ok().filter(|t| !t.is_empty()) {
        rows.push(row("Data as UTF-8 text", "data-text", text));
    }
    if let Transaction::Eip1559(t) = tx {
        rows.push(row(
            "Access list",
            "access-list",
            format!("{} entries", t.access_list.len()),
        ));
    }
    rows
}

/// The signature's values: `v` (legacy) or `yParity` (type 2), `r`, `s`.
fn signature_rows(tx: &Transaction, sig: &Signature) -> Vec<Row> {
    let parity = u8::from(sig.y_parity());
    let v = match tx {
        Transaction::Legacy(t) => row(
            "v",
            "v",
            format!(
                "{} (y parity {parity}{})",
                sig.legacy_v(t.chain_id),
                if t.chain_id.is_some() {
                    ", v = chain id × 2 + 35 + parity"
                } else {
                    ", v = 27 + parity"
                }
            ),
        ),
        Transaction::Eip1559(_) => row("yParity", "v", parity.to_string()),
    };
    vec![
        v,
        row("r", "r", u256_hex(sig.r())),
        row("s", "s", u256_hex(sig.s())),
    ]
}

/// The recovered sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The view shows it EIP-55 checksummed.
    pub address: Address,
    /// Uncompressed (`04…`, 65 bytes); the view shows it as `0x` hex.
    pub public_key: [u8; 65],
}

/// Whether the transaction is bound to a chain, and to this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVerdict {
    pub replay_protected: bool,
    /// Whether the lab chain would accept it as far as the chain id goes.
    pub on_lab_chain: bool,
    /// The chain id it was signed for (`None`: pre-EIP-155, any chain).
    pub chain_id: Option<u64>,
    pub text: String,
}

impl ChainVerdict {
    /// The headline of a valid signature: on this chain, or only on the one it was signed for
    /// (no green tick then: its sender means nothing here).
    pub fn headline(&self) -> String {
        match (self.on_lab_chain, self.chain_id) {
            (true, _) => "✔ Valid signature".to_owned(),
            (false, Some(id)) => format!(
                "⚠ Valid signature for chain {id} only: this lab chain ({LAB_CHAIN_ID}) refuses it"
            ),
            (false, None) => {
                format!("⚠ Valid signature for another chain: this lab chain ({LAB_CHAIN_ID}) refuses it")
            }
        }
    }

    /// What the recovered sender is called: this chain's sender, or the signer on the chain
    /// it was signed for.
    pub fn sender_label(&self) -> String {
        match (self.on_lab_chain, self.chain_id) {
            (true, _) => "Recovered sender: ".to_owned(),
            (false, Some(id)) => {
                format!("Its signer on chain {id} (not an account of this chain's transaction): ")
            }
            (false, None) => "Its signer on the chain it was signed for: ".to_owned(),
        }
    }
}

/// The comparison with the sender the user expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedVerdict {
    pub matches: bool,
    pub text: String,
}

/// A raw transaction decoded field by field, with its sender recovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub fields: Vec<Row>,
    pub signature: Vec<Row>,
    /// Signing hash, transaction hash, raw length.
    pub hashes: Vec<Row>,
    /// The sender, or why no sender can be recovered (the signature is then invalid; the
    /// screen words it with [`err`]).
    pub sender: Result<Sender, TxError>,
    pub chain: ChainVerdict,
    /// `None` when no expected sender was entered.
    pub expected: Option<ExpectedVerdict>,
}

/// What the verify tool shows for its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Nothing entered yet.
    Empty,
    /// The input is not a transaction this lab reads; the core's reason (the screen words it
    /// with [`err`]).
    Invalid(TxError),
    Decoded(Box<Decoded>),
}

fn chain_verdict(signed: &SignedTx) -> ChainVerdict {
    match signed.chain_id() {
        None => ChainVerdict {
            chain_id: None,
            replay_protected: false,
            on_lab_chain: true,
            text: format!(
                "Not replay-protected (pre-EIP-155): no chain id is signed, so anyone can replay it on any chain, this lab chain ({LAB_CHAIN_ID}) included"
            ),
        },
        Some(id) => match signed.ensure_chain_id(LAB_CHAIN_ID) {
            Ok(()) => ChainVerdict {
                chain_id: Some(id),
                replay_protected: true,
                on_lab_chain: true,
                text: format!(
                    "Replay-protected: signed for chain id {id}, this lab chain; it cannot be replayed on another chain"
                ),
            },
            Err(e) => ChainVerdict {
                chain_id: Some(id),
                replay_protected: true,
                on_lab_chain: false,
                text: format!(
                    "Replay-protected: signed for chain id {id}, not this lab chain ({LAB_CHAIN_ID}). {}",
                    err(e)
                ),
            },
        },
    }
}

fn expected_verdict(expected: &str, sender: &Result<Sender, TxError>) -> Option<ExpectedVerdict> {
    let expected = expected.trim();
    if expected.is_empty() {
        return None;
    }
    Some(match (expected.parse::<Address>(), sender) {
        (Err(e), _) => ExpectedVerdict {
            matches: false,
            text: format!("The expected sender is not a valid address: {e}"),
        },
        (Ok(_), Err(_)) => ExpectedVerdict {
            matches: false,
            text: "No sender could be recovered to compare with".to_owned(),
        },
        (Ok(a), Ok(s)) if a == s.address => ExpectedVerdict {
            matches: true,
            text: format!("Match: the transaction was signed by {a}"),
        },
        (Ok(a), Ok(s)) => ExpectedVerdict {
            matches: false,
            text: format!(
                "Mismatch: signed by {}, not by {a}. Either another key signed it or its bytes were changed after signing",
                s.address
            ),
        },
    })
}

/// Decodes a raw signed transaction (hex, `0x` optional, spaces around ignored), recovers its
/// sender and compares it with `expected` (an address; empty for none). Never panics: bad
/// input gives [`Verification::Invalid`] with the core's reason.
pub fn verify(raw: &str, expected: &str) -> Verification {
    if raw.trim().is_empty() {
        return Verification::Empty;
    }
    let signed = match SignedTx::from_raw_hex(raw) {
        Ok(s) => s,
        Err(e) => return Verification::Invalid(e),
    };
    let tx = signed.tx();
    let raw_len = signed.raw().len();
    let hashes = vec![
        row("Signing hash", "signing-hash", hex0x(&tx.signing_hash())),
        row("Transaction hash", "hash", signed.hash().to_hex()),
        row("Raw length", "raw-length", format!("{raw_len} bytes")),
    ];
    let fields = field_rows(tx);
    let signature = signature_rows(tx, signed.signature());
    let chain = chain_verdict(&signed);
    let sender = signed.recover().map(|r| Sender {
        address: r.sender(),
        public_key: *r.public_key(),
    });
    Verification::Decoded(Box::new(Decoded {
        fields,
        signature,
        hashes,
        expected: expected_verdict(expected, &sender),
        sender,
        chain,
    }))
}

/// A transfer signed by the send form, with everything the screen shows about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The signed transaction itself (what a later `submit` hands to the mempool).
    pub tx: SignedTx,
    /// The signer's address (not part of the signed bytes: it is recovered from the signature).
    pub from: Address,
    pub fields: Vec<Row>,
    /// The bytes that are hashed for signing.
    pub payload: Vec<u8>,
    pub signing_hash: Hash32,
    pub signature: Vec<Row>,
    /// The raw signed bytes (the views show them as `0x` hex).
    pub raw: Vec<u8>,
    pub hash: TxHash,
}

impl Signed {
    pub fn new(tx: SignedTx, from: Address) -> Self {
        let unsigned = tx.tx();
        Self {
            from,
            fields: field_rows(unsigned),
            payload: unsigned.signing_payload(),
            signing_hash: Hash32::from_bytes(unsigned.signing_hash()),
            signature: signature_rows(unsigned, tx.signature()),
            raw: tx.raw(),
            hash: tx.hash(),
            tx,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EIP155_RAW: &str = "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

    fn value_of<'a>(rows: &'a [Row], key: &str) -> &'a str {
        rows.iter()
            .find(|r| r.key == key)
            .map(|r| r.value.as_str())
            .unwrap_or("")
    }

    #[test]
    fn verifies_the_eip155_example() {
        let Verification::Decoded(d) = verify(
            &format!("  {}  ", &EIP155_RAW[2..]),
            "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f",
        ) else {
            panic!("not decoded");
        };
        assert_eq!(
            d.sender.as_ref().map(|s| s.address),
            Ok("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
                .parse()
                .unwrap())
        );
        let key = d.sender.as_ref().map(|s| s.public_key).unwrap();
        assert_eq!(key[0], 4);
        assert_eq!(
            Address::from_public_key(&k256::PublicKey::from_sec1_bytes(&key).unwrap()),
            d.sender.unwrap().address
        );
        assert_eq!(
            value_of(&d.hashes, "hash"),
            "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788"
        );
        assert_eq!(
            value_of(&d.fields, "gas-price"),
            "20000000000 wei (20 gwei)"
        );
        assert_eq!(
            value_of(&d.fields, "value"),
            "1000000000000000000 wei (1 ETH)"
        );
        assert!(value_of(&d.signature, "v").starts_with("37 "));
        assert!(d.chain.replay_protected && !d.chain.on_lab_chain);
        assert!(!d.chain.headline().contains('✔'), "{}", d.chain.headline());
        assert!(d.chain.headline().contains("refuses it"));
        assert!(d.chain.sender_label().contains("signer on chain"));
        assert_eq!(d.expected.map(|e| e.matches), Some(true));
    }

    #[test]
    fn refuses_bad_input_with_the_core_message() {
        assert_eq!(verify("  ", ""), Verification::Empty);
        assert_eq!(verify("hello", ""), Verification::Invalid(TxError::NotHex));
        assert_eq!(
            verify(&format!("{EIP155_RAW}00"), ""),
            Verification::Invalid(TxError::TrailingBytes { extra: 1 })
        );
        // The screen's words for it.
        assert_eq!(
            err(TxError::TrailingBytes { extra: 1 }),
            "1 unexpected byte(s) follow the end of the transaction"
        );
    }

    #[test]
    fn an_unrecoverable_sender_keeps_its_reason() {
        // The reason stays a typed error; the comparison and the screen word it.
        let no_sender: Result<Sender, TxError> = Err(TxError::RecoveryFailed);
        assert_eq!(
            expected_verdict("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", &no_sender),
            Some(ExpectedVerdict {
                matches: false,
                text: "No sender could be recovered to compare with".to_owned()
            })
        );
        assert_eq!(
            err(TxError::RecoveryFailed),
            "No sender can be recovered from this signature"
        );
    }
}
