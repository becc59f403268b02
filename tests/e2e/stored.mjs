// Reads the app's stored snapshot (version 3) from localStorage, decoded here independently of
// the app by the layout documented in crates/core/src/compact.rs: the pointer under
// `blocklab.snapshot` names a slot; the slot's `blocks` is the byte length, a colon, then 15
// bits per character (U+4000 + value); the bytes are a varint block count, then per block the
// 116-byte header, a varint entry count, the entries and a statistics flag.

/** The bytes packed by the core's `compact::pack`. */
export function unpack(text) {
  const colon = text.indexOf(':');
  const len = Number(text.slice(0, colon));
  const out = Buffer.alloc(len);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of text.slice(colon + 1)) {
    const v = ch.charCodeAt(0) - 0x4000;
    if (v < 0 || v > 0x7fff) throw new Error(`character outside the alphabet: ${ch}`);
    acc = (acc << 15) | v;
    bits += 15;
    while (bits >= 8 && o < len) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  if (o !== len) throw new Error(`packed length ${o} is not ${len}`);
  return out;
}

/** Decodes the compact block bytes into headers (nonce as a BigInt) and entry tags. */
export function decodeBlocks(bytes) {
  let at = 0;
  const take = (n) => {
    if (at + n > bytes.length) throw new Error('truncated');
    const b = bytes.subarray(at, at + n);
    at += n;
    return b;
  };
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = take(1)[0];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  const amount = () => take(take(1)[0]);
  const bytesField = () => take(Number(varint()));
  const hex = (b) => `0x${Buffer.from(b).toString('hex')}`;
  const blocks = [];
  const count = Number(varint());
  for (let i = 0; i < count; i++) {
    const h = Buffer.from(take(116));
    const header = {
      version: h.readUInt32BE(0),
      height: Number(h.readBigUInt64BE(4)),
      timestamp_ms: Number(h.readBigUInt64BE(12)),
      prev_hash: hex(h.subarray(20, 52)),
      entries_root: hex(h.subarray(52, 84)),
      beneficiary: hex(h.subarray(84, 104)),
      difficulty: h.readUInt32BE(104),
      nonce: h.readBigUInt64BE(108),
    };
    const kinds = [];
    const entries = Number(varint());
    for (let e = 0; e < entries; e++) {
      const tag = take(1)[0];
      if (tag === 1) { bytesField(); bytesField(); amount(); bytesField(); kinds.push('record'); }
      else if (tag === 2) { bytesField(); kinds.push('tx'); }
      else if (tag === 3) { take(20); amount(); kinds.push('coinbase'); }
      else if (tag === 4) { take(20); amount(); kinds.push('alloc'); }
      else if (tag === 5 || tag === 6) { take(20); bytesField(); kinds.push('tx'); } // claimed / signed-by sender
      else throw new Error(`unknown tag ${tag}`);
    }
    if (take(1)[0] === 1) { varint(); varint(); varint(); }
    blocks.push({ header, kinds });
  }
  if (at !== bytes.length) throw new Error('trailing bytes');
  return blocks;
}

/**
 * The stored snapshot: the JSON envelope with `blocks` decoded to `{ header, kinds }`; null when
 * none. Reads the slot the pointer names, or (before the app's first save) a whole snapshot
 * under `blocklab.snapshot` (version 3 packed, or versions 1 and 2 with JSON blocks).
 */
export async function readStored(page) {
  const raw = await page.evaluate(() => {
    const pointer = localStorage.getItem('blocklab.snapshot');
    if (!pointer) return null;
    let parsed;
    try { parsed = JSON.parse(pointer); } catch { return null; }
    return parsed.head ? localStorage.getItem(parsed.head) : pointer;
  });
  if (!raw) return null;
  const file = JSON.parse(raw);
  const blocks = typeof file.blocks === 'string'
    ? decodeBlocks(unpack(file.blocks))
    : file.blocks.map((b) => ({ header: { ...b.header, nonce: BigInt(b.header.nonce) }, kinds: b.entries.map((e) => e.kind) }));
  return { ...file, blocks };
}
