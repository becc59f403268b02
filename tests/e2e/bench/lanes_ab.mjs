// A/B of miner builds in one page (issue 21's levers): one worker per window, the variants in
// turn (order reversed every other round), medians of RUNS windows of WINDOW_MS.
// AB_DIR (default /tmp/lanes-ab) holds an index.html and one folder per build, each with the
// worker as Trunk builds it (the commands of BENCHMARKS.md "Four lanes"):
//   cargo build --target wasm32-unknown-unknown --profile release-miner --bin miner
//   wasm-bindgen --target no-modules --no-typescript --out-dir $AB_DIR/<build> --out-name miner \
//     target/wasm32-unknown-unknown/release-miner/miner.wasm
//   wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
//     --enable-sign-ext --enable-mutable-globals $AB_DIR/<build>/miner_bg.wasm -o (the same)
//   printf 'importScripts("./miner.js");wasm_bindgen("./miner_bg.wasm");' > $AB_DIR/<build>/miner_loader.js
// AB_VARIANTS="cur:lanes,new:lanes,new:sha2" (<build>:<kernel>; ratios are to the first).
import { startSuite } from '../harness.mjs';
const RUNS = Number(process.env.RUNS || 7);
const WINDOW_MS = Number(process.env.WINDOW_MS || 2000);
const variants = (process.env.AB_VARIANTS || 'cur:lanes,new:lanes,new:sha2').split(',');
const suite = await startSuite({ root: process.env.AB_DIR || '/tmp/lanes-ab' });
const page = await (await suite.browser.newContext()).newPage();
await page.goto(suite.server.url);
const res = await page.evaluate(async ({ RUNS, WINDOW_MS, variants }) => {
  const header = new Uint8Array(116).fill(7);
  new DataView(header.buffer).setUint32(104, 64);
  const headerHex = Array.from(header, (b) => b.toString(16).padStart(2, '0')).join('');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function rate(dir, kernel) {
    const w = await new Promise((resolve, reject) => {
      const w = new Worker(`./${dir}/miner_loader.js`);
      w.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
      w.onmessage = (e) => { if (JSON.parse(e.data).type === 'ready') resolve(w); };
    });
    const progress = [];
    w.onmessage = (e) => { const m = JSON.parse(e.data); if (m.type === 'progress') progress.push(m); };
    w.postMessage(`{"v":1,"type":"start","job":1,"header":"${headerHex}","difficulty":64,"start":0,"end":18446744073709551615,"kernel":"${kernel}"}`);
    await sleep(400);
    const f = progress[progress.length - 1];
    await sleep(WINDOW_MS);
    const l = progress[progress.length - 1];
    w.terminate();
    return (l.attempts - f.attempts) / ((l.elapsed_ms - f.elapsed_ms) / 1000);
  }
  const out = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 ? [...variants].reverse() : variants;
    for (const v of order) { const [dir, k] = v.split(':'); out[v].push(await rate(dir, k)); }
  }
  return out;
}, { RUNS, WINDOW_MS, variants });
await suite.close();
const med = (s) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)];
for (const [v, s] of Object.entries(res)) console.log(`${v}: median ${(med(s) / 1e6).toFixed(3)} MH/s  [${s.map((x) => (x / 1e6).toFixed(2)).join(' ')}]`);
const [a, ...rest] = variants;
for (const b of rest) {
  const per = res[a].map((x, i) => res[b][i] / x);
  console.log(`${b} / ${a}: ratio of medians ${(med(res[b]) / med(res[a])).toFixed(3)}, median per-round ratio ${med(per).toFixed(3)}`);
}
