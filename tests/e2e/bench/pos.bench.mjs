// Proof-of-stake lab benchmark (issue 17): 64 validators on 8 nodes.
//  (a) cost per slot (milliseconds, signatures made and checked), natively (crates/core example
//      `pos_finality --bench`) and in Chromium (the wasm entry point bench_pos_slots, dist-bench/),
//      in the same run;
//  (b) the Nodes screen as shipped (dist/) running the network at 10x real time: the slots it
//      kept up with, and every main-thread task over 50 ms (a PerformanceObserver of long tasks).
// BENCH_QUICK=1: 16 slots and a 4 s run, every check but the 10x target (and a task fails only
// over 200 ms).
// Prints a markdown table; writes bench-results/pos.json.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSuite } from '../harness.mjs';
import { BENCH_CONTEXT, BENCH_DIST, CARGO_PROFILE, QUICK, load, runs, stats, writeResults } from './common.mjs';

const RUNS = runs(5);
const SLOTS = QUICK ? 16 : 48;
const RUN_MS = QUICK ? 4_000 : 20_000;
const SPEED = 10;
const SLOT_MS = 2_000;
const repo = fileURLToPath(new URL('../../../', import.meta.url));

console.error('native: pos_finality --bench…');
const nativeOut = execFileSync('cargo', ['run', '-q', ...CARGO_PROFILE, '-p', 'blocklab-core', '--example', 'pos_finality', '--',
  '--bench', String(SLOTS), '--validators', '64', '--nodes', '8', '--runs', String(RUNS)],
{ cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const native = JSON.parse(nativeOut.trim().split('\n').pop());

// (a) the same work in the browser.
const benchSuite = await startSuite({ root: BENCH_DIST });
const bctx = await benchSuite.browser.newContext(BENCH_CONTEXT);
const bpage = await bctx.newPage();
await bpage.goto(benchSuite.server.url);
await bpage.getByTestId('app-ready').waitFor();
const wasmRuns = await bpage.evaluate(({ RUNS, SLOTS }) => {
  const out = [];
  for (let r = 0; r < RUNS; r++) out.push(JSON.parse(window.wasmBindings.bench_pos_slots(64, 8, SLOTS)));
  return out;
}, { RUNS, SLOTS });
await bctx.close();
await benchSuite.close();
const wasmMs = stats(wasmRuns.map((r) => r.ms / SLOTS));

// (b) the screen as shipped, at 10x.
const suite = await startSuite();
const context = await suite.browser.newContext({ ...BENCH_CONTEXT, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${suite.server.url}#/nodes`);
await page.getByTestId('app-ready').waitFor();
await page.getByTestId('nodes-page').waitFor();
await page.getByTestId('mode-pos').click();
await page.getByTestId('pos-validators').fill('64');
await page.getByTestId('pos-nodes').fill('8');
await page.getByTestId('pos-restart').click();
await page.getByTestId('pos-speed').selectOption(String(SPEED));
await page.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
});
const slot0 = Number(await page.getByTestId('pos-slot').innerText());
const t0 = Date.now();
await page.getByTestId('pos-play').click();
await page.waitForTimeout(RUN_MS);
await page.getByTestId('pos-play').click();
const wallMs = Date.now() - t0;
const slots = Number(await page.getByTestId('pos-slot').innerText()) - slot0;
const finalized = Number(await page.getByTestId('pos-finalized').innerText());
const longTasks = await page.evaluate(() => window.__longTasks);
const chromium = suite.browser.version();
await context.close();
await suite.close();

const owed = (wallMs * SPEED) / SLOT_MS;
const results = {
  validators: 64,
  nodes: 8,
  slots_timed: SLOTS,
  native_ms_per_slot: native.ms_per_slot,
  wasm_ms_per_slot: wasmMs,
  wasm_vs_native: wasmMs.median / native.ms_per_slot.median,
  signatures_made_per_slot: native.made_per_slot,
  signatures_checked_per_slot: native.checked_per_slot,
  wasm_signatures: wasmRuns[0],
  screen: { speed: SPEED, wall_ms: wallMs, slots_run: slots, slots_owed: owed, kept_up: slots / owed, finalized_epoch: finalized, long_tasks_ms: longTasks },
  load: load(),
  chromium,
  quick: QUICK,
};
console.log(`\nProof of stake, 64 validators on 8 nodes, Chromium ${chromium}, ${new Date().toISOString()}, median of ${RUNS} run(s) of ${SLOTS} slots${QUICK ? ' (BENCH_QUICK)' : ''}, load ${results.load.join(' ')}`);
console.log('| measurement | median | min | max |');
console.log('|---|---:|---:|---:|');
console.log(`| native, ms per slot | ${native.ms_per_slot.median.toFixed(2)} | ${native.ms_per_slot.min.toFixed(2)} | ${native.ms_per_slot.max.toFixed(2)} |`);
console.log(`| Chromium (wasm), ms per slot | ${wasmMs.median.toFixed(2)} | ${wasmMs.min.toFixed(2)} | ${wasmMs.max.toFixed(2)} |`);
console.log(`\nper slot: ${native.made_per_slot.toFixed(1)} signatures made, ${native.checked_per_slot.toFixed(1)} checked; wasm / native ${results.wasm_vs_native.toFixed(2)}x`);
console.log(`the screen at ${SPEED}x for ${(wallMs / 1000).toFixed(1)} s: ${slots} slots of ${owed.toFixed(1)} owed (${(100 * slots / owed).toFixed(0)}%), finalized epoch ${finalized}, tasks over 50 ms: ${longTasks.length ? longTasks.map((d) => d.toFixed(0)).join(', ') : 'none'}`);
await writeResults('pos', results);

// Checks: both sides did the same work (the same signatures), the screen really ran, and no
// main-thread task passed 50 ms; the full run also holds 10x. Quick runs (in the tests, on a
// busy machine, with figures that mean nothing) fail only on a task over 200 ms, a page that
// froze: one of 52 ms failed a test run once (2026-12-04) with nothing wrong.
const LONG_TASK_MS = QUICK ? 200 : 50;
const fail = [];
if (wasmRuns[0].made !== Math.round(native.made_per_slot * SLOTS)) fail.push(`wasm made ${wasmRuns[0].made} signatures, native ${native.made_per_slot * SLOTS}`);
if (slots < 2) fail.push(`the screen ran ${slots} slots`);
const tooLong = longTasks.filter((d) => d > LONG_TASK_MS);
if (tooLong.length) fail.push(`main-thread tasks over ${LONG_TASK_MS} ms: ${tooLong.join(', ')}`);
if (!QUICK && slots < 0.9 * owed) fail.push(`the screen kept up with ${slots} of ${owed.toFixed(0)} slots owed at ${SPEED}x`);
if (fail.length) {
  console.error(fail.join('\n'));
  process.exit(1);
}
