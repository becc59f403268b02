//! The four lanes: the [`Lanes`] operations SHA-256 needs, over plain arrays ([`Arrays`]) and,
//! in wasm builds with simd128, one `v128` register (`Simd`).

/// Four 32-bit lanes and the operations SHA-256 needs on them.
pub trait Lanes: Copy {
    /// The same value in every lane.
    fn splat(x: u32) -> Self;
    fn from_array(a: [u32; 4]) -> Self;
    fn to_array(self) -> [u32; 4];
    /// Wrapping addition.
    #[must_use]
    fn add(self, o: Self) -> Self;
    #[must_use]
    fn xor(self, o: Self) -> Self;
    #[must_use]
    fn shr(self, n: u32) -> Self;
    #[must_use]
    fn rotr(self, n: u32) -> Self;
    /// SHA-256's choice: `(e & f) ^ (!e & g)`.
    fn ch(e: Self, f: Self, g: Self) -> Self;
    /// SHA-256's majority: `(a & b) ^ (a & c) ^ (b & c)`.
    fn maj(a: Self, b: Self, c: Self) -> Self;
    /// Whether some lane is at most `threshold` (unsigned).
    fn any_le(self, threshold: u32) -> bool;
}

/// Four lanes as a plain array (portable; the compiler may vectorise it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrays(pub [u32; 4]);

impl Arrays {
    #[inline(always)]
    fn zip(self, o: Self, f: impl Fn(u32, u32) -> u32) -> Self {
        let (a, b) = (self.0, o.0);
        Self([f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])])
    }

    #[inline(always)]
    fn map(self, f: impl Fn(u32) -> u32) -> Self {
        Self(self.0.map(f))
    }
}

impl Lanes for Arrays {
    #[inline(always)]
    fn splat(x: u32) -> Self {
        Self([x; 4])
    }
    #[inline(always)]
    fn from_array(a: [u32; 4]) -> Self {
        Self(a)
    }
    #[inline(always)]
    fn to_array(self) -> [u32; 4] {
        self.0
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self.zip(o, u32::wrapping_add)
    }
    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        self.zip(o, |a, b| a ^ b)
    }
    #[inline(always)]
    fn shr(self, n: u32) -> Self {
        self.map(|a| a >> n)
    }
    #[inline(always)]
    fn rotr(self, n: u32) -> Self {
        self.map(|a| a.rotate_right(n))
    }
    #[inline(always)]
    fn ch(e: Self, f: Self, g: Self) -> Self {
        Self(core::array::from_fn(|i| {
            (e.0[i] & f.0[i]) ^ (!e.0[i] & g.0[i])
        }))
    }
    #[inline(always)]
    fn maj(a: Self, b: Self, c: Self) -> Self {
        Self(core::array::from_fn(|i| {
            (a.0[i] & b.0[i]) ^ (a.0[i] & c.0[i]) ^ (b.0[i] & c.0[i])
        }))
    }
    #[inline(always)]
    fn any_le(self, threshold: u32) -> bool {
        self.0.iter().any(|&x| x <= threshold)
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd::Simd;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{
        u32x4, u32x4_add, u32x4_extract_lane, u32x4_le, u32x4_shl, u32x4_shr, u32x4_splat, v128,
        v128_any_true, v128_bitselect, v128_or, v128_xor,
    };

    use super::Lanes;

    /// Four lanes in one simd128 register (`i32x4` intrinsics).
    #[derive(Debug, Clone, Copy)]
    pub struct Simd(v128);

    impl Lanes for Simd {
        #[inline(always)]
        fn splat(x: u32) -> Self {
            Self(u32x4_splat(x))
        }
        #[inline(always)]
        fn from_array(a: [u32; 4]) -> Self {
            Self(u32x4(a[0], a[1], a[2], a[3]))
        }
        #[inline(always)]
        fn to_array(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            Self(u32x4_add(self.0, o.0))
        }
        #[inline(always)]
        fn xor(self, o: Self) -> Self {
            Self(v128_xor(self.0, o.0))
        }
        #[inline(always)]
        fn shr(self, n: u32) -> Self {
            Self(u32x4_shr(self.0, n))
        }
        #[inline(always)]
        fn rotr(self, n: u32) -> Self {
            Self(v128_or(u32x4_shr(self.0, n), u32x4_shl(self.0, 32 - n)))
        }
        #[inline(always)]
        fn ch(e: Self, f: Self, g: Self) -> Self {
            // bitselect(f, g, e): f where e has a 1, g where it has a 0.
            Self(v128_bitselect(f.0, g.0, e.0))
        }
        #[inline(always)]
        fn maj(a: Self, b: Self, c: Self) -> Self {
            // Where b and c differ, a decides; where they agree, either.
            Self(v128_bitselect(a.0, c.0, v128_xor(b.0, c.0)))
        }
        #[inline(always)]
        fn any_le(self, threshold: u32) -> bool {
            v128_any_true(u32x4_le(self.0, u32x4_splat(threshold)))
        }
    }
}
