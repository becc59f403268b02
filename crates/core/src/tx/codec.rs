//! RLP field codecs for transactions, on top of `alloy-rlp` (which checks every length against
//! the input and rejects non-canonical integers and sizes). Each decoded field is named so an
//! error says where the encoding broke.

use alloy_rlp::{Decodable, Encodable, Header};

use super::error::{at, TxError};
use super::{AccessListItem, U256};
use crate::address::Address;

/// Collects the RLP payload of a list; [`finish_list`] wraps it in a list header.
pub(crate) struct ListWriter(Vec<u8>);

impl ListWriter {
    pub(crate) fn new() -> Self {
        Self(Vec::with_capacity(128))
    }

    pub(crate) fn put<T: Encodable + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.encode(&mut self.0);
        self
    }

    /// Appends an item that is already RLP (tests build malformed transactions with it).
    #[cfg(test)]
    pub(crate) fn put_encoded(&mut self, item: &[u8]) -> &mut Self {
        self.0.extend_from_slice(item);
        self
    }

    pub(crate) fn put_to(&mut self, to: Option<&Address>) -> &mut Self {
        match to {
            Some(address) => self.put(address.as_bytes().as_slice()),
            None => self.put(&[][..]),
        }
    }

    pub(crate) fn put_access_list(&mut self, list: &[AccessListItem]) -> &mut Self {
        let mut outer = Vec::new();
        for item in list {
            let mut inner = ListWriter::new();
            inner.put(item.address.as_bytes().as_slice());
            let mut keys = Vec::with_capacity(item.storage_keys.len() * 33);
            for key in &item.storage_keys {
                key.encode(&mut keys);
            }
            wrap_list(&keys, &mut inner.0);
            wrap_list(&inner.0, &mut outer);
        }
        wrap_list(&outer, &mut self.0);
        self
    }

    /// The finished list (header + payload), appended after `prefix` (the type byte, if any).
    pub(crate) fn finish(&self, prefix: Option<u8>) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 10);
        if let Some(byte) = prefix {
            out.push(byte);
        }
        wrap_list(&self.0, &mut out);
        out
    }
}

fn wrap_list(payload: &[u8], out: &mut Vec<u8>) {
    Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(out);
    out.extend_from_slice(payload);
}

/// Reads the items of one transaction list; refuses leftovers inside and after it.
pub(crate) struct ListReader<'a> {
    payload: &'a [u8],
}

impl<'a> ListReader<'a> {
    /// Opens the list that must make up all of `input`.
    pub(crate) fn open(input: &'a [u8]) -> Result<Self, TxError> {
        let mut buf = input;
        let payload = Header::decode_bytes(&mut buf, true).map_err(at("transaction"))?;
        if !buf.is_empty() {
            return Err(TxError::TrailingBytes { extra: buf.len() });
        }
        Ok(Self { payload })
    }

    pub(crate) fn get<T: Decodable>(&mut self, field: &'static str) -> Result<T, TxError> {
        T::decode(&mut self.payload).map_err(at(field))
    }

    pub(crate) fn bytes(&mut self, field: &'static str) -> Result<&'a [u8], TxError> {
        Header::decode_bytes(&mut self.payload, false).map_err(at(field))
    }

    pub(crate) fn to(&mut self) -> Result<Option<Address>, TxError> {
        let bytes = self.bytes("to")?;
        if bytes.is_empty() {
            return Ok(None);
        }
        address(bytes, "to").map(Some)
    }

    pub(crate) fn access_list(&mut self) -> Result<Vec<AccessListItem>, TxError> {
        const FIELD: &str = "access_list";
        let mut items = Header::decode_bytes(&mut self.payload, true).map_err(at(FIELD))?;
        // Every item consumes input, so the vector grows only with the input's size.
        let mut out = Vec::new();
        while !items.is_empty() {
            let mut item = Header::decode_bytes(&mut items, true).map_err(at(FIELD))?;
            let raw = Header::decode_bytes(&mut item, false).map_err(at(FIELD))?;
            let item_address = address(raw, "access list")?;
            let mut keys = Header::decode_bytes(&mut item, true).map_err(at(FIELD))?;
            let mut storage_keys = Vec::new();
            while !keys.is_empty() {
                storage_keys.push(<[u8; 32]>::decode(&mut keys).map_err(at(FIELD))?);
            }
            if !item.is_empty() {
                return Err(TxError::Rlp {
                    field: FIELD,
                    reason: "an entry has more than an address and its storage keys",
                });
            }
            out.push(AccessListItem {
                address: item_address,
                storage_keys,
            });
        }
        Ok(out)
    }

    pub(crate) fn u256(&mut self, field: &'static str) -> Result<U256, TxError> {
        self.get::<U256>(field)
    }

    /// Succeeds when every item was read.
    pub(crate) fn close(self) -> Result<(), TxError> {
        if self.payload.is_empty() {
            Ok(())
        } else {
            Err(TxError::Rlp {
                field: "transaction",
                reason: "the list has more items than this transaction type",
            })
        }
    }
}

fn address(bytes: &[u8], field: &'static str) -> Result<Address, TxError> {
    <[u8; 20]>::try_from(bytes)
        .map(Address::from_bytes)
        .map_err(|_| TxError::AddressLength {
            field,
            got: bytes.len(),
        })
}
