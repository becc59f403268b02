// Explorer at scale (issue 5): a chain of 10,001 blocks and 50,000 signed transactions (genesis +
// 10,000 blocks of five transfers, written natively by
// `cargo run --release -p blocklab-core --example bench_chain -- DIR explorer`) is restored into
// localStorage through the app's own Restore (a backup file holding the snapshot) when it fits,
// else imported as a chain file; then each explorer page (overview,
// a block, a transaction, an address) is navigated to by setting `location.hash`, timed from the
// change to the page's element in the DOM and to the next frame. Target: < 100 ms.
// Run through `bash scripts/bench.sh` (builds the site first) or alone after `bash scripts/build.sh`:
// `node tests/e2e/bench/explorer.bench.mjs`. BENCH_QUICK=1: 400 blocks of five transfers, one run.
import { execFileSync } from 'node:child_process';
import { readFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSuite } from '../harness.mjs';
import { writeResults, load, fmt, stats, chromiumVersion, restoreSnapshot, installTimingHelpers, runs, QUICK, CARGO_PROFILE, RESULTS_DIR, BENCH_CONTEXT } from './common.mjs';

const RUNS = runs(7);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const chainsDir = fileURLToPath(new URL('chains/', RESULTS_DIR));
await mkdir(chainsDir, { recursive: true });
const [gen] = execFileSync('cargo', ['run', '--quiet', ...CARGO_PROFILE, '--offline', '-p', 'blocklab-core', '--example', 'bench_chain', '--', chainsDir, QUICK ? 'explorer-quick' : 'explorer'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  .toString().trim().split('\n').map((l) => JSON.parse(l));
const snapshotText = await readFile(chainsDir + gen.file, 'utf8');
// The same blocks as a chain export file (written by bench_chain too), for the import path.
const chainFile = chainsDir + gen.file.replace('.json', '.export.json');
const tip = gen.blocks - 1;
const middle = Math.floor(tip / 2);

const loadBefore = load();
const suite = await startSuite();
const context = await suite.browser.newContext({ ...BENCH_CONTEXT, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(600_000);
await page.goto(suite.server.url + '#/explorer/mempool');
await page.getByTestId('app-ready').waitFor();
let source;
const t0 = Date.now();
const refused = await restoreSnapshot(page, snapshotText);
if (refused === null) {
  source = 'localStorage (restored through the Storage card)';
} else {
  source = `imported file (the snapshot was not stored: ${refused})`;
  await page.evaluate(() => { location.hash = '#/ledger'; });
  await page.getByTestId('import-input').setInputFiles(chainFile);
  await page.getByTestId('import-message').waitFor();
}
await page.evaluate(() => { location.hash = '#/explorer'; });
await page.locator('[data-testid=explorer-height]').filter({ hasText: `#${tip}` }).waitFor();
const loadMs = Date.now() - t0;
// 10,000 blocks (400 in quick mode) do not fit in the plot: block time and difficulty draw 300 aggregated bars
// (the generated blocks carry no mining statistics, so the hash-rate chart is empty).
const bars = await page.locator('[data-testid=chart-difficulty] [data-testid=chart-point]').count();
const aggregated = await page.getByTestId('chart-aggregated').count();
if (bars !== 300 || aggregated !== 2) throw new Error(`charts: ${bars} bars, ${aggregated} aggregated`);

// A transaction's hash as the app computes it: read from the block page's entry links.
await page.evaluate((h) => { location.hash = `#/explorer/block/${h}`; }, middle);
await page.locator(`[data-testid=explorer-block][data-height="${middle}"]`).waitFor();
const txHash = await page.locator('[data-testid=explorer-block-entry][data-kind=tx] [data-testid=link-tx]').first().getAttribute('data-full');
const address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const targets = [
  { name: 'overview', hash: '#/explorer', selector: '[data-testid=explorer-overview] [data-testid=explorer-block-row]' },
  { name: `block #${middle}`, hash: `#/explorer/block/${middle}`, selector: `[data-testid=explorer-block][data-height="${middle}"]` },
  { name: `block #${tip - 1}`, hash: `#/explorer/block/${tip - 1}`, selector: `[data-testid=explorer-block][data-height="${tip - 1}"]` },
  { name: 'transaction', hash: `#/explorer/tx/${txHash}`, selector: `[data-testid=explorer-tx-page][data-hash="${txHash}"]` },
  { name: `address (dev #0, about ${Math.round(gen.transactions / 5 + gen.blocks / 10).toLocaleString("en")} entries)`, hash: `#/explorer/address/${address}`, selector: `[data-testid=explorer-address][data-address="${address}"] [data-testid=explorer-history-row]` },
];
await page.evaluate(installTimingHelpers);
const results = await page.evaluate(async ({ targets, RUNS }) => {
  const away = '#/explorer/mempool';
  const appear = window.benchAppear;
  const frame = window.benchFrame;
  const out = {};
  for (const t of targets) {
    const dom = [];
    const painted = [];
    for (let i = 0; i < RUNS + 1; i++) {
      location.hash = away;
      await appear('[data-testid=explorer-mempool]');
      await frame();
      const start = performance.now();
      location.hash = t.hash;
      const seen = await appear(t.selector);
      await frame();
      const end = performance.now();
      if (i > 0) { dom.push(seen - start); painted.push(end - start); } // the first run warms up
    }
    out[t.name] = { dom, painted };
  }
  return out;
}, { targets, RUNS });
const historyRows = await page.getByTestId('explorer-history-row').count();
const browser = chromiumVersion();
await context.close();
await suite.close();
const loadAfter = load();

const rows = Object.entries(results).map(([name, r]) => ({ name, dom: stats(r.dom), painted: stats(r.painted) }));
console.log(`\nExplorer at scale, ${browser}: ${gen.blocks} blocks, ${gen.transactions} transactions (${(gen.bytes / 1e6).toFixed(1)} MB snapshot) loaded from ${source} in ${(loadMs / 1000).toFixed(1)} s; load ${loadBefore.join(' ')} -> ${loadAfter.join(' ')}`);
console.log(`Navigation (location.hash set) to the page in the DOM and to the next frame, median (min-max) of ${RUNS} runs after a warm-up, ms; target < 100 ms`);
console.log('| page | in the DOM | next frame | < 100 ms |');
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.dom, 1)} | ${fmt(r.painted, 1)} | ${r.painted.median < 100 ? 'yes' : 'NO'} |`);
console.log(`(charts: ${bars} aggregated bars for ${gen.blocks} blocks; the address page draws the newest ${historyRows} history lines; the rest on "Show more")`);
await writeResults('explorer', { browser, chart_bars: bars, runs: RUNS, source, load_ms: loadMs, chain: gen, load_before: loadBefore, load_after: loadAfter, pages: rows });
