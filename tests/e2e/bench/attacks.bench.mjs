// Attack lab benchmark: Monte Carlo double-spend races (q = 0.3, z = 6) per second, natively
// (crates/core example `attacks bench`, profile release-miner like the worker) and in one Chromium worker (the app's
// sim worker, src/bin/sim.rs, driven through its message protocol), in the same run. The issue's
// target: 1,000,000 races in under 2 s in the browser. BENCH_QUICK=1 (common.mjs): one run of
// 100,000 races, the native side in the dev profile, every check but the 2 s target.
// Prints a markdown table of medians; writes bench-results/attacks.json.
// Run through `bash scripts/bench.sh` (builds the release site first).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSuite } from '../harness.mjs';
import { BENCH_CONTEXT, QUICK, load, runs, stats, writeResults } from './common.mjs';

const RUNS = runs(5);
const TRIALS = QUICK ? 100_000 : 1_000_000;
const repo = fileURLToPath(new URL('../../../', import.meta.url));
// Native in the worker's own profile (index.html builds sim.rs with `release-miner`: the core at
// opt-level 3; plain `--release` keeps the core at "z" for the app's size). Quick: the dev
// profile the tests built.
const PROFILE = QUICK ? [] : ['--profile', 'release-miner'];

console.error('native: RaceSim…');
const nativeOut = execFileSync('cargo', ['run', '-q', ...PROFILE, '-p', 'blocklab-core', '--example', 'attacks', '--', 'bench', '--trials', String(TRIALS), '--runs', String(RUNS)],
  { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const native = JSON.parse(nativeOut.trim().split('\n').pop());

const suite = await startSuite();
const context = await suite.browser.newContext(BENCH_CONTEXT);
const page = await context.newPage();
await page.goto(suite.server.url);
await page.getByTestId('app-ready').waitFor();
const browser = await page.evaluate(async ({ RUNS, TRIALS }) => {
  const worker = await new Promise((resolve, reject) => {
    const w = new Worker('./sim_loader.js');
    w.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
    // Messages are `{"v":1,"type":...}` (blocklab_core::attack::protocol).
    w.onmessage = (e) => { if (JSON.parse(e.data).type === 'ready') resolve(w); };
    setTimeout(() => reject(new Error('the sim worker did not say ready within 10 s')), 10_000);
  });
  const one = (job) => new Promise((resolve) => {
    const t0 = performance.now();
    worker.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'refused') throw new Error(`the sim worker refused: ${m.message}`);
      if (m.type === 'done' && m.job === job) resolve({ wallMs: performance.now() - t0, workerMs: m.elapsed_ms, successes: m.successes });
    };
    worker.postMessage(JSON.stringify({ v: 1, type: 'start', job, q: 0.3, z: 6, trials: TRIALS, seed: job }));
  });
  await one(0); // warm-up
  const runs = [];
  for (let r = 1; r <= RUNS; r++) runs.push(await one(r));
  worker.terminate();
  return runs;
}, { RUNS, TRIALS });
const browserVersion = suite.browser.version();
await context.close();
await suite.close();

const wall = stats(browser.map((r) => r.wallMs));
const rates = stats(browser.map((r) => TRIALS / (r.wallMs / 1000)));
const perMillionMs = wall.median * (1_000_000 / TRIALS);
const results = {
  trials: TRIALS,
  native_races_per_s: { median: native.median, min: native.min, max: native.max, runs: native.runs },
  worker_races_per_s: rates,
  worker_wall_ms: wall,
  worker_ms_per_million: perMillionMs,
  worker_vs_native: rates.median / native.median,
  under_2s_per_million: perMillionMs < 2000,
  load: load(),
  chromium: browserVersion,
  quick: QUICK,
};
const m = (x) => (x / 1e6).toFixed(2);
console.log(`\nMonte Carlo double-spend races (q = 0.3, z = 6), Chromium ${browserVersion}, ${new Date().toISOString()}, median of ${RUNS} run(s) of ${TRIALS} races${QUICK ? ' (BENCH_QUICK)' : ''}, load ${results.load.join(' ')}`);
console.log('| measurement | median | min | max |');
console.log('|---|---:|---:|---:|');
console.log(`| native, M races/s | ${m(native.median)} | ${m(native.min)} | ${m(native.max)} |`);
console.log(`| one Chromium worker, M races/s | ${m(rates.median)} | ${m(rates.min)} | ${m(rates.max)} |`);
console.log(`\nworker / native: ${results.worker_vs_native.toFixed(2)}x; 1,000,000 races in the worker: ${perMillionMs.toFixed(0)} ms (target < 2000 ms: ${results.under_2s_per_million ? 'met' : 'NOT met'})`);
// Every run really raced: its estimate is within 5 standard errors of the exact value for
// q = 0.3, z = 6 (0.1564496, `attack::double_spend::exact`; the core's tests check 4).
const EXACT = 0.1564496;
for (const r of [...browser, { successes: native.estimate * TRIALS }]) {
  const p = r.successes / TRIALS;
  const se = Math.sqrt(EXACT * (1 - EXACT) / TRIALS);
  if (!(Math.abs(p - EXACT) < 5 * se)) throw new Error(`estimate ${p} is far from the exact value ${EXACT}`);
}
await writeResults('attacks', results);
if (!results.under_2s_per_million && !QUICK) process.exitCode = 1;
