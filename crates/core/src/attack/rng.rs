//! A small seeded PRNG: xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64.
//! The core reads no entropy: the caller passes the seed, so a run is reproducible.

/// xoshiro256**: 256 bits of state, period 2^256 - 1, fast and statistically strong enough for
/// Monte Carlo estimates. Not for cryptography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

/// One splitmix64 step: spreads a 64-bit seed over the state (never all zero).
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator whose whole output follows from `seed`.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        Self {
            s: [
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
            ],
        }
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// True with probability `threshold / 2^64` (see [`threshold`]).
    pub fn below(&mut self, threshold: u64) -> bool {
        self.next_u64() < threshold
    }
}

/// The `u64` threshold for an event of probability `p` in [0, 1]: `Rng::below(threshold(p))`
/// is true with probability within 2^-53 of `p` (1 itself maps to `u64::MAX`, off by 2^-64).
pub fn threshold(p: f64) -> u64 {
    if p.is_nan() || p <= 0.0 {
        0
    } else if p >= 1.0 {
        u64::MAX
    } else {
        // 2^64 as f64 is exact; the cast saturates.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "p is in (0, 1): the product is in (0, 2^64) and the cast saturates"
        )]
        let t = (p * 18_446_744_073_709_551_616.0) as u64;
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_reference_value() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn threshold_frequency() {
        let mut rng = Rng::new(1);
        let t = threshold(0.3);
        let hits = (0..200_000).filter(|_| rng.below(t)).count();
        let f = hits as f64 / 200_000.0;
        assert!((f - 0.3).abs() < 0.005, "{f}");
        assert_eq!(threshold(0.0), 0);
        assert_eq!(threshold(1.0), u64::MAX);
        assert_eq!(threshold(f64::NAN), 0);
    }
}
