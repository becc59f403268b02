// Draws the PWA icons (assets/icons/icon-192.png, icon-512.png): the favicon's design (two
// linked blocks on a dark square) rasterised without dependencies. Run once; the PNGs are
// committed. `node scripts/make-icons.mjs`
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BG = [0x11, 0x18, 0x27];
const FG = [0x60, 0xa5, 0xfa];

/** The favicon's 64-unit design: true where the stroke is. */
function ink(x, y) {
  const inRect = (rx, ry, w, h, r) => {
    // Outline of a rounded rectangle with a 5-unit stroke centred on its edge.
    const outer = roundRect(x, y, rx - 2.5, ry - 2.5, w + 5, h + 5, r + 2.5);
    const inner = roundRect(x, y, rx + 2.5, ry + 2.5, w - 5, h - 5, Math.max(r - 2.5, 0));
    return outer && !inner;
  };
  const link = x >= 26 && x <= 38 && y >= 28.5 && y <= 33.5;
  return inRect(8, 22, 18, 18, 3) || inRect(38, 22, 18, 18, 3) || link;
}

function roundRect(x, y, rx, ry, w, h, r) {
  if (x < rx || y < ry || x > rx + w || y > ry + h) return false;
  const cx = Math.min(Math.max(x, rx + r), rx + w - r);
  const cy = Math.min(Math.max(y, ry + r), ry + h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A size x size opaque RGB PNG, 4x4 supersampled. */
function png(size) {
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          if (ink(((px + (sx + 0.5) / 4) * 64) / size, ((py + (sy + 0.5) / 4) * 64) / size)) hits++;
        }
      }
      for (let c = 0; c < 3; c++) row[1 + px * 3 + c] = Math.round(BG[c] + ((FG[c] - BG[c]) * hits) / 16);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const dir = new URL('../assets/icons/', import.meta.url);
for (const size of [192, 512]) writeFileSync(new URL(`icon-${size}.png`, dir), png(size));
