//! Ethereum "blockies" identicons: the same 8×8 pattern and colours that ethereum-blockies
//! (MetaMask, Etherscan) draws for an address, so users recognise their accounts across tools.
//! Not cryptography: a small xorshift generator seeded from the lower-case address.

use crate::address::Address;

/// An HSL colour: hue in degrees, saturation and lightness in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hsl {
    pub h: f64,
    pub s: f64,
    pub l: f64,
}

impl Hsl {
    /// CSS `hsl(…)` text.
    pub fn css(&self) -> String {
        format!("hsl({},{}%,{}%)", self.h, self.s, self.l)
    }
}

/// A blockies icon: colours and an 8×8 grid of 0 (background), 1 (colour), 2 (spot).
#[derive(Debug, Clone, PartialEq)]
pub struct Blockies {
    pub color: Hsl,
    pub background: Hsl,
    pub spot: Hsl,
    pub cells: [u8; 64],
}

/// JavaScript's ToInt32.
fn to_i32(x: i64) -> i32 {
    x as i32
}

struct Rng([i64; 4]);

impl Rng {
    fn seeded(seed: &str) -> Self {
        let mut s = [0i64; 4];
        for (i, unit) in seed.encode_utf16().enumerate() {
            let old = s[i % 4];
            s[i % 4] = i64::from(to_i32(old).wrapping_shl(5)) - old + i64::from(unit);
        }
        Self(s)
    }

    fn next(&mut self) -> f64 {
        let s0 = to_i32(self.0[0]);
        let t = s0 ^ s0.wrapping_shl(11);
        self.0[0] = self.0[1];
        self.0[1] = self.0[2];
        self.0[2] = self.0[3];
        let s3 = to_i32(self.0[3]);
        let next = s3 ^ (s3 >> 19) ^ t ^ (t >> 8);
        self.0[3] = i64::from(next);
        f64::from(next as u32) / 2_147_483_648.0
    }

    fn color(&mut self) -> Hsl {
        let h = (self.next() * 360.0).floor();
        let s = self.next() * 60.0 + 40.0;
        let l = (self.next() + self.next() + self.next() + self.next()) * 25.0;
        Hsl { h, s, l }
    }
}

impl Blockies {
    /// The icon of an address.
    pub fn of(address: &Address) -> Self {
        let seed = format!("0x{}", hex::encode(address.as_bytes()));
        let mut rng = Rng::seeded(&seed);
        let color = rng.color();
        let background = rng.color();
        let spot = rng.color();
        let mut cells = [0u8; 64];
        for y in 0..8 {
            let mut row = [0u8; 4];
            for cell in &mut row {
                *cell = (rng.next() * 2.3).floor() as u8;
            }
            for x in 0..4 {
                cells[y * 8 + x] = row[x];
                cells[y * 8 + 7 - x] = row[x];
            }
        }
        Self {
            color,
            background,
            spot,
            cells,
        }
    }

    /// The icon as an SVG document `size` pixels wide.
    pub fn svg(&self, size: u32) -> String {
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\" width=\"{size}\" height=\"{size}\" shape-rendering=\"crispEdges\"><rect width=\"8\" height=\"8\" fill=\"{}\"/>",
            self.background.css()
        );
        for (i, c) in self.cells.iter().enumerate() {
            let fill = match c {
                1 => self.color.css(),
                2 => self.spot.css(),
                _ => continue,
            };
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\" fill=\"{fill}\"/>",
                i % 8,
                i / 8
            ));
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values printed by the ethereum-blockies algorithm run in Node.
    #[test]
    fn matches_the_reference_algorithm() {
        let cases = [
            (
                "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
                (51.0, 81.86085094697773, 38.919122074730694),
                (145.0, 94.71599504351616, 57.65902147395536),
                "0110011011111111011221101110011112111121011111101010010110111101",
            ),
            (
                "0x9858effd232b4033e47d90003d41ec34ecaeda94",
                (48.0, 73.95176903344691, 55.65601648995653),
                (304.0, 95.62175297178328, 67.38309417851269),
                "0002200002111120122112210211112001100110110110111000000111000011",
            ),
        ];
        for (addr, color, bg, cells) in cases {
            let b = Blockies::of(&addr.parse().unwrap());
            assert_eq!((b.color.h, b.color.s, b.color.l), color, "{addr}");
            assert_eq!(
                (b.background.h, b.background.s, b.background.l),
                bg,
                "{addr}"
            );
            let got: String = b.cells.iter().map(|c| char::from(b'0' + c)).collect();
            assert_eq!(got, cells, "{addr}");
        }
    }

    #[test]
    fn svg_has_a_cell_per_coloured_square() {
        let b = Blockies::of(&Address::from_bytes([1; 20]));
        let coloured = b.cells.iter().filter(|c| **c != 0).count();
        assert_eq!(b.svg(32).matches("<rect").count(), coloured + 1);
    }
}
