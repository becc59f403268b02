//! What the hash playground shows: SHA-256 and Keccak-256 of some bytes, which of the 256
//! bits differ between two digests, and the leading zero bits (what proof of work counts).

use crate::address::keccak256;
use crate::hash::sha256;
use crate::pow::leading_zero_bits;

/// The two digests of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digests {
    pub sha256: [u8; 32],
    pub keccak256: [u8; 32],
}

impl Digests {
    /// Hashes `data` both ways.
    pub fn of(data: &[u8]) -> Self {
        Self {
            sha256: sha256(data),
            keccak256: keccak256(data),
        }
    }
}

/// One 32-byte digest looked at bit by bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitView {
    /// `0x` + 64 hex digits.
    pub hex: String,
    /// The 256 bits, most significant first.
    pub bits: Vec<bool>,
    /// Leading zero bits: a block hash needs at least the difficulty's count of them.
    pub leading_zeros: u32,
    /// For each bit, whether it differs from the previous input's digest (all `false` when
    /// there is no previous input).
    pub flipped: Vec<bool>,
    /// How many bits differ (about 128 for any change, the avalanche effect).
    pub flipped_count: usize,
}

impl BitView {
    /// Looks at `digest`, compared with `before` when there is one.
    pub fn new(digest: &[u8; 32], before: Option<&[u8; 32]>) -> Self {
        let bits = bits_of(digest);
        let flipped: Vec<bool> = match before {
            Some(b) => bits.iter().zip(bits_of(b)).map(|(x, y)| *x != y).collect(),
            None => vec![false; 256],
        };
        Self {
            hex: format!("0x{}", hex::encode(digest)),
            flipped_count: flipped.iter().filter(|f| **f).count(),
            bits,
            leading_zeros: leading_zero_bits(digest),
            flipped,
        }
    }
}

fn bits_of(digest: &[u8; 32]) -> Vec<bool> {
    digest
        .iter()
        .flat_map(|byte| (0..8).rev().map(move |i| (byte >> i) & 1 == 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests_and_the_avalanche() {
        let d = Digests::of(b"abc");
        assert_eq!(
            hex::encode(d.sha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(d.keccak256),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
        );
        let e = Digests::of(b"abd");
        let v = BitView::new(&e.sha256, Some(&d.sha256));
        assert_eq!(v.bits.len(), 256);
        assert_eq!(v.hex.len(), 66);
        // Brute force: the XOR's population count.
        let expected: u32 = d
            .sha256
            .iter()
            .zip(e.sha256)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum();
        assert_eq!(v.flipped_count, expected as usize);
        assert!(
            (80..=176).contains(&v.flipped_count),
            "about half: {}",
            v.flipped_count
        );
        assert_eq!(BitView::new(&e.sha256, None).flipped_count, 0);
        let mut zero = [0xffu8; 32];
        zero[0] = 0;
        zero[1] = 0x1f;
        let z = BitView::new(&zero, None);
        assert_eq!(z.leading_zeros, 11);
        assert!(!z.bits[10] && z.bits[11]);
    }
}
