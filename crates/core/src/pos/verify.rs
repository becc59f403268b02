//! Signature checks of proof-of-stake messages, with a memo of the ones found valid.

use k256::ecdsa::VerifyingKey;

use crate::address::keccak256;
use crate::hash::Hash32;
use crate::signature::Signature;

use super::types::Domain;

/// Signatures already found valid: (key, digest, signature) hashed. A node meets most votes
/// twice (gossiped, then inside a block), as real clients do it checks each once. Only a
/// success is remembered, under its whole input, so the answer never changes.
mod verified {
    use std::cell::RefCell;
    use std::collections::HashSet;

    const MOST: usize = 100_000;

    thread_local! {
        static SEEN: RefCell<HashSet<[u8; 32]>> = RefCell::new(HashSet::new());
    }

    pub fn clear() {
        SEEN.with(|s| s.borrow_mut().clear());
    }

    pub fn contains(id: &[u8; 32]) -> bool {
        SEEN.with(|s| s.borrow().contains(id))
    }

    pub fn insert(id: [u8; 32]) {
        SEEN.with(|s| {
            let mut s = s.borrow_mut();
            if s.len() >= MOST {
                s.clear();
            }
            s.insert(id);
        });
    }
}

/// Forgets which signatures were found valid, so a benchmark's repeated identical run checks
/// them all again.
pub fn forget_verified() {
    verified::clear();
}

pub(crate) fn verify(sig: &Signature, key: &VerifyingKey, domain: Domain, root: &Hash32) -> bool {
    let digest = domain.digest(root);
    let mut input = key.to_sec1_point(true).as_bytes().to_vec();
    input.extend_from_slice(&digest);
    input.extend_from_slice(&sig.to_bytes());
    let id = keccak256(&input);
    if verified::contains(&id) {
        return true;
    }
    let ok = sig.verify_prehash(key, &digest);
    if ok {
        verified::insert(id);
    }
    ok
}
