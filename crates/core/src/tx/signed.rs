//! Signed transactions: [`SignedTx`] (raw bytes, hash, decoding) and [`Recovered`] (the
//! sender recovered once and kept). The signature is the crate's one [`Signature`] type.

use core::fmt;

use k256::ecdsa::SigningKey;

use super::codec::{ListReader, ListWriter};
use super::{Eip1559Tx, LegacyTx, Transaction, TxError, TxHash, EIP1559_TYPE};
use crate::address::{keccak256, Address};
use crate::signature::{RecoveredSigner, Signature};

/// Splits a legacy `v` into (chain id, y parity).
fn parse_legacy_v(v: u128) -> Result<(Option<u64>, bool), TxError> {
    match v {
        27 | 28 => Ok((None, v == 28)),
        35.. => {
            let chain_id = u64::try_from((v - 35) / 2).map_err(|_| TxError::BadV { v })?;
            Ok((Some(chain_id), (v - 35) % 2 == 1))
        }
        _ => Err(TxError::BadV { v }),
    }
}

/// A signed transaction. The hash is computed once, when it is built or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    tx: Transaction,
    signature: Signature,
    hash: TxHash,
}

impl SignedTx {
    /// Joins a transaction and a signature (for instance one made elsewhere). Nothing checks
    /// that the signature belongs to the transaction: [`Self::recover_sender`] tells who signed.
    pub fn from_parts(tx: Transaction, signature: Signature) -> Self {
        let mut signed = Self {
            tx,
            signature,
            hash: TxHash::ZERO,
        };
        signed.hash = TxHash::from_bytes(keccak256(&signed.raw()));
        signed
    }

    /// The unsigned transaction.
    pub fn tx(&self) -> &Transaction {
        &self.tx
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// keccak256 of [`Self::raw`].
    pub fn hash(&self) -> TxHash {
        self.hash
    }

    /// The chain the transaction is bound to; `None` for pre-EIP-155 legacy.
    pub fn chain_id(&self) -> Option<u64> {
        self.tx.chain_id()
    }

    /// Whether a chain id is signed in (EIP-155 legacy or any typed transaction).
    pub fn is_replay_protected(&self) -> bool {
        self.chain_id().is_some()
    }

    /// Checks that the transaction may run on chain `expected`. Pre-EIP-155 transactions carry
    /// no chain id and are valid on every chain, as on Ethereum; refuse them separately with
    /// [`Self::is_replay_protected`] where that matters.
    ///
    /// # Errors
    /// [`TxError::ChainIdMismatch`].
    pub fn ensure_chain_id(&self, expected: u64) -> Result<(), TxError> {
        match self.chain_id() {
            Some(got) if got != expected => Err(TxError::ChainIdMismatch { expected, got }),
            _ => Ok(()),
        }
    }

    /// The signed bytes a node accepts: the legacy RLP list, or `0x02 || rlp([...])`.
    pub fn raw(&self) -> Vec<u8> {
        let mut w = ListWriter::new();
        self.tx.put_fields(&mut w);
        let sig = &self.signature;
        match &self.tx {
            Transaction::Legacy(tx) => {
                w.put(&sig.legacy_v(tx.chain_id))
                    .put(&sig.r())
                    .put(&sig.s());
                w.finish(None)
            }
            Transaction::Eip1559(_) => {
                w.put(&u8::from(sig.y_parity())).put(&sig.r()).put(&sig.s());
                w.finish(Some(EIP1559_TYPE))
            }
        }
    }

    /// `0x` + the lower-case hex of [`Self::raw`].
    pub fn raw_hex(&self) -> String {
        format!("0x{}", hex::encode(self.raw()))
    }

    /// Decodes a raw signed transaction: a legacy RLP list or an EIP-2718 typed envelope.
    /// Only canonical encodings are accepted, so `decode_raw(b)?.raw() == b`.
    ///
    /// # Errors
    /// [`TxError`]: empty input, unsupported type, malformed or non-canonical RLP, trailing
    /// bytes, an address of the wrong length, or a signature that is out of range, high-s or has
    /// a bad v / y parity. The sender is not recovered here (see [`Self::recover`]).
    pub fn decode_raw(bytes: &[u8]) -> Result<Self, TxError> {
        let (&first, rest) = bytes.split_first().ok_or(TxError::Empty)?;
        let (tx, signature) = match first {
            0xc0..=0xff => decode_legacy(bytes)?,
            EIP1559_TYPE => decode_eip1559(rest)?,
            0x00..=0x7f => return Err(TxError::UnsupportedType { type_byte: first }),
            0x80..=0xbf => {
                return Err(TxError::Rlp {
                    field: "transaction",
                    reason: "a byte string, not a transaction list or typed envelope",
                })
            }
        };
        Ok(Self {
            tx,
            signature,
            hash: TxHash::from_bytes(keccak256(bytes)),
        })
    }

    /// [`Self::decode_raw`] from hex text (`0x` optional, surrounding spaces ignored).
    ///
    /// # Errors
    /// [`TxError::Empty`], [`TxError::NotHex`], or any error of [`Self::decode_raw`].
    pub fn from_raw_hex(text: &str) -> Result<Self, TxError> {
        let t = text.trim();
        let digits = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        if digits.is_empty() {
            return Err(TxError::Empty);
        }
        let bytes = hex::decode(digits).map_err(|_| TxError::NotHex)?;
        Self::decode_raw(&bytes)
    }

    /// Who signed.
    fn recover_signer(&self) -> Result<RecoveredSigner, TxError> {
        self.signature
            .recover_prehash(&self.tx.signing_hash())
            .map_err(|_| TxError::RecoveryFailed)
    }

    /// The sender's address.
    ///
    /// # Errors
    /// [`TxError::RecoveryFailed`] when no key matches the signature.
    pub fn recover_sender(&self) -> Result<Address, TxError> {
        Ok(self.recover_signer()?.address())
    }

    /// Recovers the sender once and keeps it with the transaction.
    ///
    /// # Errors
    /// [`TxError::RecoveryFailed`].
    pub fn recover(self) -> Result<Recovered, TxError> {
        let signer = self.recover_signer()?;
        Ok(Recovered {
            signed: self,
            signer,
        })
    }
}

fn decode_legacy(bytes: &[u8]) -> Result<(Transaction, Signature), TxError> {
    let mut list = ListReader::open(bytes)?;
    let nonce = list.get("nonce")?;
    let gas_price = list.get("gas_price")?;
    let gas_limit = list.get("gas_limit")?;
    let to = list.to()?;
    let value = list.u256("value")?;
    let data = list.bytes("data")?.to_vec();
    let v: u128 = list.get("v")?;
    let r = list.u256("r")?;
    let s = list.u256("s")?;
    list.close()?;
    let (chain_id, y_parity) = parse_legacy_v(v)?;
    let signature = Signature::new(r, s, y_parity)?;
    let tx = LegacyTx {
        chain_id,
        nonce,
        gas_price,
        gas_limit,
        to,
        value,
        data,
    };
    Ok((tx.into(), signature))
}

fn decode_eip1559(bytes: &[u8]) -> Result<(Transaction, Signature), TxError> {
    let mut list = ListReader::open(bytes)?;
    let chain_id = list.get("chain_id")?;
    let nonce = list.get("nonce")?;
    let max_priority_fee_per_gas = list.get("max_priority_fee_per_gas")?;
    let max_fee_per_gas = list.get("max_fee_per_gas")?;
    let gas_limit = list.get("gas_limit")?;
    let to = list.to()?;
    let value = list.u256("value")?;
    let data = list.bytes("data")?.to_vec();
    let access_list = list.access_list()?;
    let y_parity: u64 = list.get("y_parity")?;
    let r = list.u256("r")?;
    let s = list.u256("s")?;
    list.close()?;
    let y_parity = match y_parity {
        0 => false,
        1 => true,
        got => return Err(TxError::BadYParity { got }),
    };
    let signature = Signature::new(r, s, y_parity)?;
    let tx = Eip1559Tx {
        chain_id,
        nonce,
        max_priority_fee_per_gas,
        max_fee_per_gas,
        gas_limit,
        to,
        value,
        data,
        access_list,
    };
    Ok((tx.into(), signature))
}

impl fmt::Display for SignedTx {
    /// The raw hex; `{:#}` is the short hash for the UI.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "{:#}", self.hash)
        } else {
            f.write_str(&self.raw_hex())
        }
    }
}

impl serde::Serialize for SignedTx {
    /// As the raw hex, the one canonical form.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw_hex())
    }
}

impl<'de> serde::Deserialize<'de> for SignedTx {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_raw_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// A signed transaction whose sender has been recovered (or taken from the signing key), kept
/// so that validation never recovers twice. Only built by [`SignedTx::recover`] and
/// [`Transaction::sign_recovered`], so the sender always matches the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    signed: SignedTx,
    signer: RecoveredSigner,
}

impl Recovered {
    pub(super) fn from_signer(signed: SignedTx, key: &SigningKey) -> Result<Self, TxError> {
        let signer =
            RecoveredSigner::from_key(key.verifying_key()).ok_or(TxError::SigningFailed)?;
        Ok(Self { signed, signer })
    }

    /// Who signed: the sender's address and public key.
    pub fn signer(&self) -> &RecoveredSigner {
        &self.signer
    }

    /// The sender.
    pub fn sender(&self) -> Address {
        self.signer.address()
    }

    /// The sender's uncompressed public key (`0x04 || x || y`).
    pub fn public_key(&self) -> &[u8; 65] {
        self.signer.public_key()
    }

    /// The signed transaction.
    pub fn signed(&self) -> &SignedTx {
        &self.signed
    }

    /// The unsigned transaction.
    pub fn tx(&self) -> &Transaction {
        self.signed.tx()
    }

    /// The transaction hash.
    pub fn hash(&self) -> TxHash {
        self.signed.hash()
    }

    /// Gives back the signed transaction.
    pub fn into_signed(self) -> SignedTx {
        self.signed
    }

    /// Decodes and recovers in one step.
    ///
    /// # Errors
    /// Any error of [`SignedTx::decode_raw`] or [`SignedTx::recover`].
    pub fn from_raw(bytes: &[u8]) -> Result<Self, TxError> {
        SignedTx::decode_raw(bytes)?.recover()
    }
}
