//! A domain-separated binary Merkle tree over SHA-256.
//!
//! Leaves are `SHA-256(0x00 || bytes)`, inner nodes `SHA-256(0x01 || left || right)`; an odd node
//! is carried up unchanged (not duplicated, which would let two lists share a root, as in
//! Bitcoin's CVE-2012-2459). The root of no leaves is all zeros.

use sha2::{Digest, Sha256};

use crate::hash::Hash32;

/// The hash of one leaf.
pub fn leaf_hash(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(bytes);
    h.finalize().into()
}

fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The Merkle root of the given leaf hashes.
pub fn root(mut level: Vec<[u8; 32]>) -> Hash32 {
    if level.is_empty() {
        return Hash32::ZERO;
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair.get(1) {
                Some(right) => node_hash(&pair[0], right),
                None => pair[0],
            })
            .collect();
    }
    Hash32::from_bytes(level[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_shapes() {
        assert_eq!(root(vec![]), Hash32::ZERO);
        let a = leaf_hash(b"a");
        let b = leaf_hash(b"b");
        let c = leaf_hash(b"c");
        assert_eq!(root(vec![a]), Hash32::from_bytes(a));
        assert_eq!(root(vec![a, b]), Hash32::from_bytes(node_hash(&a, &b)));
        assert_eq!(
            root(vec![a, b, c]),
            Hash32::from_bytes(node_hash(&node_hash(&a, &b), &c))
        );
        // Duplicating the last leaf changes the root (no CVE-2012-2459 ambiguity).
        assert_ne!(root(vec![a, b, c]), root(vec![a, b, c, c]));
        // Order matters.
        assert_ne!(root(vec![a, b]), root(vec![b, a]));
        // A leaf is never confused with an inner node.
        assert_ne!(leaf_hash(&[a, b].concat()), node_hash(&a, &b));
    }
}
