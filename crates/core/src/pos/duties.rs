//! Who does what, recomputable by anyone from public data: the seed of an epoch, the proposer
//! of a slot (chosen with probability proportional to effective stake) and the committee that
//! votes in a slot (a shuffle of the active validators, split evenly over the epoch's slots).

use crate::address::keccak256;
use crate::hash::Hash32;

use super::types::{Epoch, Slot, ValidatorIndex};

/// The epoch a slot belongs to.
pub fn epoch_of(slot: Slot, slots_per_epoch: u64) -> Epoch {
    slot / slots_per_epoch.max(1)
}

/// An epoch's first slot.
pub fn start_slot(epoch: Epoch, slots_per_epoch: u64) -> Slot {
    epoch.saturating_mul(slots_per_epoch.max(1))
}

/// A stream of pseudo-random u64 from keccak-256(seed ‖ label ‖ counter).
struct Stream {
    seed: [u8; 32],
    label: u64,
    counter: u64,
    buf: [u8; 32],
    used: usize,
}

impl Stream {
    fn new(seed: &Hash32, label: u64) -> Self {
        Self {
            seed: *seed.as_bytes(),
            label,
            counter: 0,
            buf: [0; 32],
            used: 32,
        }
    }

    fn next_u64(&mut self) -> u64 {
        if self.used + 8 > 32 {
            let mut input = [0u8; 48];
            input[..32].copy_from_slice(&self.seed);
            input[32..40].copy_from_slice(&self.label.to_be_bytes());
            input[40..].copy_from_slice(&self.counter.to_be_bytes());
            self.buf = keccak256(&input);
            self.counter += 1;
            self.used = 0;
        }
        let mut word = [0u8; 8];
        word.copy_from_slice(&self.buf[self.used..self.used + 8]);
        self.used += 8;
        u64::from_be_bytes(word)
    }

    /// Uniform in `0..n` (n > 0), by rejection so no value is favoured.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// The proposer of `slot`: each of `stakes` (index, effective stake) is chosen with probability
/// stake / total. `None` when no stake is active.
pub fn proposer(
    seed: &Hash32,
    slot: Slot,
    stakes: &[(ValidatorIndex, u64)],
) -> Option<ValidatorIndex> {
    let total: u64 = stakes.iter().map(|(_, s)| *s).sum();
    if total == 0 {
        return None;
    }
    let mut pick = Stream::new(seed, slot).below(total);
    for (index, stake) in stakes {
        if pick < *stake {
            return Some(*index);
        }
        pick -= stake;
    }
    None
}

/// The validators that vote in `slot`: `active` shuffled with the epoch's seed, then cut into
/// `slots_per_epoch` committees of (nearly) equal size.
pub fn committee(
    seed: &Hash32,
    slot: Slot,
    slots_per_epoch: u64,
    active: &[ValidatorIndex],
) -> Vec<ValidatorIndex> {
    let spe = slots_per_epoch.max(1);
    let mut order = active.to_vec();
    // The label differs from every slot number's, so the shuffle never reuses a proposer draw.
    let mut stream = Stream::new(seed, u64::MAX - epoch_of(slot, spe));
    for i in (1..order.len()).rev() {
        let j = stream.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let n = order.len() as u64;
    let k = slot % spe;
    let (from, to) = ((n * k / spe) as usize, (n * (k + 1) / spe) as usize);
    order.get(from..to).map(<[_]>::to_vec).unwrap_or_default()
}

/// The seed of `epoch` from the RANDAO mix it is derived from.
pub fn seed(epoch: Epoch, mix: &Hash32) -> Hash32 {
    let mut b = b"blocklab-pos/seed".to_vec();
    b.extend_from_slice(&epoch.to_be_bytes());
    b.extend_from_slice(mix.as_bytes());
    Hash32::from_bytes(keccak256(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committees_partition_the_active_set() {
        let active: Vec<ValidatorIndex> = (0..21).collect();
        let seed = Hash32::from_bytes([7; 32]);
        let mut seen: Vec<ValidatorIndex> = (8..16)
            .flat_map(|slot| committee(&seed, slot, 8, &active))
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, active);
        let other = committee(&Hash32::from_bytes([8; 32]), 8, 8, &active);
        assert_ne!(
            committee(&seed, 8, 8, &active),
            other,
            "the seed changes the shuffle"
        );
    }

    #[test]
    fn proposer_needs_stake_and_follows_it() {
        let seed = Hash32::from_bytes([1; 32]);
        assert_eq!(proposer(&seed, 3, &[]), None);
        assert_eq!(proposer(&seed, 3, &[(4, 0), (9, 32)]), Some(9));
    }
}
