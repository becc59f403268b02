// Mining benchmarks: the app's miner worker (1 and 2 workers, driven through its message
// protocol) in headless Chromium, with each of its nonce searches (four simd128 lanes, four
// lanes as arrays, sha2's midstate loop) and, when BENCH_BASE_DIST names the dist/ of an
// earlier build, that build's miner in the same page; the same midstate loop run natively (crates/core example
// `pow_rate`, portable and CPU-dispatched SHA-256), and in the same page crypto-js (the loop
// browser blockchain demos use) and @noble/hashes sha256 of the same 116-byte header. Also the
// page's longest task while 2 workers mine through the real UI. Prints a markdown table of
// medians with min/max and ratios; writes bench-results/mining.json.
// Run through `bash scripts/bench.sh` (builds the release site first). BENCH_QUICK=1: one run of
// each, short windows, the dev-profile native helper.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { startSuite } from '../harness.mjs';
import { BENCH_CONTEXT, QUICK, CARGO_PROFILE, RESULTS_DIR } from './common.mjs';

const RUNS = QUICK ? 1 : Math.max(5, Number(process.env.BENCH_RUNS || 5));
// BENCH_LABEL names a variant build served from DIST (e.g. a miner built without simd128):
// results go to bench-results/mining-<label>.json.
const LABEL = process.env.BENCH_LABEL ? `-${process.env.BENCH_LABEL}` : '';
const WINDOW_MS = QUICK ? 500 : Number(process.env.BENCH_WINDOW_MS || 2000);
const UI_MS = QUICK ? 1000 : 4000;
// The dist/ of an earlier build (e.g. main before the four-lane search) whose miner is measured
// in the same run, served under /__base/.
const BASE_DIST = process.env.BENCH_BASE_DIST || '';
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const here = (p) => fileURLToPath(new URL(p, import.meta.url));

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], runs: s.length, samples };
}

// 1. Native: the same `MiningJob::search` loop, release build, on this CPU.
function native(soft) {
  const env = { ...process.env, BENCH_RUNS: String(RUNS), ...(QUICK ? { BENCH_NONCES: '100000' } : {}) };
  if (soft) env.RUSTFLAGS = `${process.env.RUSTFLAGS || ''} --cfg sha2_backend="soft"`.trim();
  const out = execFileSync('cargo', ['run', '-q', ...CARGO_PROFILE, '-p', 'blocklab-core', '--example', 'pow_rate'], { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}
// Quick mode skips the portable backend: its RUSTFLAGS would rebuild the core and its
// dependencies a second time (the same example and code path as the default run below).
if (!QUICK) console.error('native: portable SHA-256 (sha2 soft backend)…');
const nativeSoft = QUICK ? null : native(true);
console.error('native: default SHA-256 (CPU dispatch, SHA-NI where present)…');
const nativeDefault = native(false);

// 2. The browser.
const suite = await startSuite();
const context = await suite.browser.newContext(BENCH_CONTEXT);
const page = await context.newPage();
// Peer libraries are served from node_modules under a path the page can import.
await page.route('**/__peers/**', (route) => {
  const rel = new URL(route.request().url()).pathname.split('/__peers/')[1];
  route.fulfill({ path: here(`../node_modules/${rel}`), contentType: 'text/javascript' });
});
if (BASE_DIST) {
  await page.route('**/__base/**', (route) => {
    const rel = new URL(route.request().url()).pathname.split('/__base/')[1];
    const type = rel.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    route.fulfill({ path: `${BASE_DIST}/${rel}`, contentType: type });
  });
}
await page.goto(suite.server.url);
await page.getByTestId('app-ready').waitFor();
await page.addScriptTag({ path: here('../node_modules/crypto-js/crypto-js.js') });

const browserResults = await page.evaluate(async ({ RUNS, WINDOW_MS, BASE }) => {
  const { sha256 } = await import('/__peers/@noble/hashes/sha2.js');
  // A header at difficulty 64 (never met in a window): 116 bytes, difficulty at 104..108.
  const header = new Uint8Array(116).fill(7);
  new DataView(header.buffer).setUint32(104, 64);
  const headerHex = Array.from(header, (b) => b.toString(16).padStart(2, '0')).join('');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // `kernel`: the worker's search (absent: its default); `script`: another build's miner.
  async function workersRate(n, { kernel, script = './miner_loader.js' } = {}) {
    const workers = await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
      const w = new Worker(script);
      w.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
      w.onmessage = (e) => { if (JSON.parse(e.data).type === 'ready') resolve(w); };
    })));
    const progress = workers.map(() => []);
    workers.forEach((w, i) => {
      w.onmessage = (e) => { const m = JSON.parse(e.data); if (m.type === 'progress') progress[i].push(m); };
    });
    const max = (1n << 64n) - 1n;
    const size = max / BigInt(n);
    workers.forEach((w, i) => {
      const start = BigInt(i) * size;
      const end = i === n - 1 ? max : start + size;
      const k = kernel ? `,"kernel":"${kernel}"` : '';
      w.postMessage(`{"v":1,"type":"start","job":1,"header":"${headerHex}","difficulty":64,"start":${start},"end":${end}${k}}`);
    });
    await sleep(400); // warm-up: compile tiers, first progress
    const first = progress.map((p) => p[p.length - 1]);
    await sleep(WINDOW_MS);
    const last = progress.map((p) => p[p.length - 1]);
    workers.forEach((w) => w.terminate());
    return first.reduce((sum, f, i) => {
      if (!f || !last[i] || last[i] === f) throw new Error('a worker reported no progress');
      return sum + (last[i].attempts - f.attempts) / ((last[i].elapsed_ms - f.elapsed_ms) / 1000);
    }, 0);
  }

  function loopRate(step) {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < WINDOW_MS / 2) {
      for (let i = 0; i < 1000; i++) step(n++);
    }
    return n / ((performance.now() - t0) / 1000);
  }

  // crypto-js, as browser blockchain demos mine: SHA256(index + prevHash + timestamp + data + nonce).
  const C = window.CryptoJS;
  const prevHash = '0'.repeat(64);
  const timestamp = 1764000000000;
  const data = JSON.stringify([{ sender: 'alice', receiver: 'bob', amount: '1.5', memo: 'rent' }]);
  let sink = 0;
  const cryptoJsStep = (nonce) => {
    const h = C.SHA256(1 + prevHash + timestamp + data + nonce).toString();
    if (h.startsWith('0000000000000000')) sink++;
  };
  // @noble/hashes: sha256 of the same 116-byte header with the nonce in its last 8 bytes.
  const nobleHeader = header.slice();
  const dv = new DataView(nobleHeader.buffer);
  const nobleStep = (nonce) => {
    dv.setUint32(108, Math.floor(nonce / 0x100000000));
    dv.setUint32(112, nonce >>> 0);
    const h = sha256(nobleHeader);
    if (h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0) sink++;
  };

  const out = { worker1: [], worker1Sha2: [], base1: [], worker2: [], cryptojs: [], noble: [] };
  loopRate(cryptoJsStep); loopRate(nobleStep); // warm-up
  for (let r = 0; r < RUNS; r++) {
    out.worker1.push(await workersRate(1));
    out.worker1Sha2.push(await workersRate(1, { kernel: 'sha2' }));
    if (BASE) out.base1.push(await workersRate(1, { script: './__base/miner_loader.js' }));
    out.worker2.push(await workersRate(2));
    out.cryptojs.push(loopRate(cryptoJsStep));
    out.noble.push(loopRate(nobleStep));
  }
  out.sink = sink;
  return out;
}, { RUNS, WINDOW_MS, BASE: Boolean(BASE_DIST) });

// 3. The page's longest task while 2 workers mine through the real UI.
const uiContext = await suite.browser.newContext(BENCH_CONTEXT);
await uiContext.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
});
const ui = await uiContext.newPage();
await ui.goto(`${suite.server.url}#/ledger`);
await ui.getByTestId('app-ready').waitFor();
await ui.getByTestId('workers-input').fill('2');
await ui.getByTestId('difficulty-input').fill('40');
const mineStart = await ui.evaluate(() => performance.now());
// Event-loop gaps: the longest stretch between two zero-delay tasks (tasks under 50 ms, which
// the Long Tasks API does not report, show up here).
await ui.evaluate(() => {
  window.__maxGap = 0;
  let last = performance.now();
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    const t = performance.now();
    window.__maxGap = Math.max(window.__maxGap, t - last);
    last = t;
    if (!window.__stopGap) setTimeout(() => ch.port2.postMessage(0), 4);
  };
  ch.port2.postMessage(0);
});
await ui.getByTestId('mine-button').click();
await ui.waitForFunction(() => document.querySelector('[data-testid=mining-status]')?.getAttribute('data-backend') === '2');
await ui.waitForTimeout(UI_MS);
const mainThread = await ui.evaluate((since) => {
  window.__stopGap = true;
  const tasks = window.__longTasks.filter((t) => t.start >= since);
  return { longTasks: tasks, longestLongTaskMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0), maxEventLoopGapMs: window.__maxGap };
}, mineStart);
const uiRate = Number(await ui.getByTestId('hash-rate').getAttribute('data-rate'));
await ui.getByTestId('cancel-mine').click();
await uiContext.close();

const browserVersion = suite.browser.version();
await context.close();
await suite.close();

const results = {
  blocklab_worker_1: stats(browserResults.worker1),
  worker_1_sha2_midstate_loop: stats(browserResults.worker1Sha2),
  ...(BASE_DIST ? { base_build_worker_1: stats(browserResults.base1) } : {}),
  blocklab_workers_2: stats(browserResults.worker2),
  ...(nativeSoft && { native_portable_sha256: { median: nativeSoft.median, min: nativeSoft.min, max: nativeSoft.max, runs: nativeSoft.runs } }),
  native_cpu_dispatch_sha256: { median: nativeDefault.median, min: nativeDefault.min, max: nativeDefault.max, runs: nativeDefault.runs },
  cryptojs_demo_loop: stats(browserResults.cryptojs),
  noble_hashes_sha256_header: stats(browserResults.noble),
};
const r = (a, b) => results[a].median / results[b].median;
const ratios = {
  ...(nativeSoft && { worker1_vs_native_portable: r('blocklab_worker_1', 'native_portable_sha256') }),
  worker1_vs_native_cpu_dispatch: r('blocklab_worker_1', 'native_cpu_dispatch_sha256'),
  worker1_vs_cryptojs: r('blocklab_worker_1', 'cryptojs_demo_loop'),
  worker1_vs_noble: r('blocklab_worker_1', 'noble_hashes_sha256_header'),
  workers2_vs_worker1: r('blocklab_workers_2', 'blocklab_worker_1'),
  simd_lanes_vs_sha2_loop_same_build: r('blocklab_worker_1', 'worker_1_sha2_midstate_loop'),
  ...(BASE_DIST ? { worker1_vs_base_build_worker1: r('blocklab_worker_1', 'base_build_worker_1') } : {}),
};

// The miner's download (what a page fetches when mining starts), gzip -9.
const dist = process.env.DIST || `${repo}dist`;
const minerFiles = {};
for (const name of ['miner_loader.js', 'miner.js', 'miner_bg.wasm']) {
  const bytes = await readFile(`${dist}/${name}`);
  minerFiles[name] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const minerGzip = Object.values(minerFiles).reduce((n, f) => n + f.gzip, 0);
// Issue 21's limit for the miner's download (checked in quick mode too, so scripts/test.sh fails).
if (minerGzip > 50 * 1024) throw new Error(`the miner's download is ${minerGzip} B gzip, over 50 KB`);

const mhs = (x) => (x / 1e6).toFixed(3);
console.log(`\nMining hash rate${LABEL ? ` (${LABEL.slice(1)})` : ''}, Chromium ${browserVersion}, ${new Date().toISOString()}, median of ${RUNS} runs (${WINDOW_MS} ms windows), MH/s`);
console.log('| measurement | median | min | max |');
console.log('|---|---:|---:|---:|');
for (const [name, x] of Object.entries(results)) console.log(`| ${name} | ${mhs(x.median)} | ${mhs(x.min)} | ${mhs(x.max)} |`);
console.log('\n| ratio (medians) | value |');
console.log('|---|---:|');
for (const [name, v] of Object.entries(ratios)) console.log(`| ${name} | ${v.toFixed(2)}x |`);
console.log(`\nMiner download: ${Object.entries(minerFiles).map(([n, f]) => `${n} ${f.raw} B raw / ${f.gzip} B gzip`).join(', ')}; ` +
  `${minerGzip} B gzip in all (limit 51,200)`);
console.log(`\nMain thread while 2 workers mine through the UI for ${UI_MS / 1000} s (UI showed ${mhs(uiRate)} MH/s): ` +
  `${mainThread.longTasks.length} long tasks (> 50 ms), longest ${mainThread.longestLongTaskMs.toFixed(1)} ms; ` +
  `longest event-loop gap ${mainThread.maxEventLoopGapMs.toFixed(1)} ms`);

await mkdir(RESULTS_DIR, { recursive: true });
await writeFile(new URL(`mining${LABEL}.json`, RESULTS_DIR), JSON.stringify({
  variant: LABEL.slice(1) || 'release build', browser: browserVersion, date: new Date().toISOString(), runs: RUNS, window_ms: WINDOW_MS, unit: 'hashes per second',
  results, ratios, miner_download: { files: minerFiles, gzip_total: minerGzip }, main_thread_while_2_workers_mine: { ...mainThread, ui_hash_rate: uiRate },
}, null, 2));
