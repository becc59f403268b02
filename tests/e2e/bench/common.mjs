// Shared pieces of the benchmarks: opening the built app, serving ESM-only peer libraries from
// node_modules (nothing bundled), in-page timing helpers, the markdown tables and the JSON.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { startServer } from '../server.mjs';

/**
 * The site with the benchmarks' entry points (`window.wasmBindings.bench_*`, the `bench`
 * feature), built by scripts/bench.sh into dist-bench/; BENCH_DIST to use another.
 */
export const BENCH_DIST = process.env.BENCH_DIST || fileURLToPath(new URL('../../../dist-bench/', import.meta.url));

export const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

/**
 * `BENCH_QUICK=1` (`bash scripts/bench.sh --quick`, run by scripts/test.sh): every benchmark
 * once, on small inputs, with every check it makes (cross-checks with the peer libraries, chart
 * and page assertions), in seconds, so that a broken benchmark fails the tests. Its figures
 * mean nothing; they go to bench-results/quick/.
 */
export const QUICK = process.env.BENCH_QUICK === '1';
/** Timed runs after the warm-up: 1 in quick mode, else `BENCH_RUNS` or `full`. */
export const runs = (full) => (QUICK ? 1 : Number(process.env.BENCH_RUNS || full));
/**
 * Cargo's profile for the native helpers (`bench_chain`, `pow_rate`): release for figures; in
 * quick mode the dev profile the tests have built already (dependencies at opt-level 2).
 */
export const CARGO_PROFILE = QUICK ? [] : ['--release'];
export const RESULTS_DIR = new URL(QUICK ? '../../../bench-results/quick/' : '../../../bench-results/', import.meta.url);

/**
 * Puts a snapshot (`bench_chain`'s output, the app's snapshot format) into the app's storage
 * the way a user would: wrapped in a backup file and restored through the Storage card of the
 * Ledger screen, which writes it with the app's own crash-safe save and reloads the page (so no
 * benchmark depends on the storage keys' layout). Returns `null` once the page has reloaded
 * with it, else the app's reason (a snapshot that does not fit in localStorage).
 */
export async function restoreSnapshot(page, snapshotText) {
  await page.evaluate(() => { location.hash = '#/ledger'; });
  const backup = JSON.stringify({ format: 'blocklab-backup', version: 1, snapshot: snapshotText, wallet: null, other: {} });
  const reloaded = page.waitForEvent('load').then(() => null, (e) => `no reload: ${e.message}`);
  await page.getByTestId('restore-input').setInputFiles({ name: 'bench-backup.json', mimeType: 'application/json', buffer: Buffer.from(backup) });
  const refused = page.getByTestId('restore-error');
  const shown = refused.waitFor().then(() => refused.innerText(), () => 'no reload');
  const outcome = await Promise.race([reloaded, shown]);
  if (outcome === null) await page.getByTestId('app-ready').waitFor();
  return outcome;
}

/**
 * Runs in the page (`page.evaluate(installTimingHelpers)`): `window.benchAppear(selector)`
 * resolves with `performance.now()` when `selector` is in the DOM; `window.benchFrame()` after
 * the next frame has been painted.
 */
export function installTimingHelpers() {
  window.benchAppear = (selector) => new Promise((resolve) => {
    if (document.querySelector(selector)) return resolve(performance.now());
    const obs = new MutationObserver(() => {
      if (document.querySelector(selector)) { obs.disconnect(); resolve(performance.now()); }
    });
    obs.observe(document.body, { childList: true, subtree: true, attributes: true });
  });
  window.benchFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
}

/**
 * Options for every benchmark's browser context: benchmarks measure the app's work, and they
 * load peer libraries into the page as inline scripts and routed files, which the site's
 * Content-Security-Policy and its service worker (SECURITY.md) would refuse or answer from the
 * cache. The end-to-end tests run with both.
 */
export const BENCH_CONTEXT = { bypassCSP: true, serviceWorkers: 'block' };

/**
 * `BENCH_BASE_BENCH_DIST`: the dist-bench/ of an earlier build (`bench.html` built at that
 * commit). The signing and wallet benchmarks then measure its wasm in a page of its own in the
 * same browser, in rounds alternating with this build's, so a change between builds is a ratio
 * measured in one run (issue 15: "benchmarks re-run with no regression beyond noise").
 */
export const BASE_BENCH_DIST = process.env.BENCH_BASE_BENCH_DIST || '';
/** Rounds of a two-build comparison: each round measures this build, then the base build. */
export const BASE_ROUNDS = Number(process.env.BENCH_BASE_ROUNDS || 3);

/**
 * Opens `BASE_BENCH_DIST`'s app from a server of its own (another origin: its own storage, so
 * two versions of the app never share a tab channel), in a new context of `browser`. `prepare`
 * runs on that context before the page loads (e.g. `routeNoble`). Returns { page, close }.
 */
export async function openBasePage(browser, prepare = async () => {}) {
  const server = await startServer({ root: BASE_BENCH_DIST });
  const context = await browser.newContext(BENCH_CONTEXT);
  await prepare(context);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId('app-ready').waitFor();
  return { page, close: async () => { await context.close(); await server.close(); } };
}

/**
 * `measure(page)` on this build's page, then (with a base page) BASE_ROUNDS rounds alternating
 * the base build's page and this build's. Returns { this_build: [...], base_build: [...] }.
 */
export async function alternateRounds(measure, page, base) {
  const rounds = { this_build: [await measure(page)], base_build: [] };
  for (let r = 0; base && r < BASE_ROUNDS; r++) {
    rounds.base_build.push(await measure(base.page));
    if (r < BASE_ROUNDS - 1) rounds.this_build.push(await measure(page));
  }
  return rounds;
}

/**
 * Per operation of `rounds` (each `{ [name]: { blocklab, [peer] } }` of medians): each build's
 * median ms over the rounds and its speed relative to `peer` in its own page, and this build's
 * speed relative to the base build. Prints the table; returns the comparison.
 */
export function compareBuilds(rounds, names, peer) {
  const comparison = Object.fromEntries(names.map((name) => {
    const side = (list) => ({
      ms: medianOf(list.map((x) => x[name].blocklab.median)),
      peer_vs: medianOf(list.map((x) => x[name][peer].median / x[name].blocklab.median)),
    });
    const [ours, theirs] = [side(rounds.this_build), side(rounds.base_build)];
    return [name, { this_build: ours, base_build: theirs, speed_vs_base: theirs.ms / ours.ms }];
  }));
  console.log(`\nThis build against the base build (${BASE_BENCH_DIST}), ${BASE_ROUNDS} rounds alternating, median of the rounds' medians`);
  console.log(`| operation | this build ms | base build ms | this / base speed | ${peer} / this build | ${peer} / base build |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, c] of Object.entries(comparison)) {
    console.log(`| ${name} | ${c.this_build.ms.toFixed(2)} | ${c.base_build.ms.toFixed(2)} | ${c.speed_vs_base.toFixed(2)}x | ${c.this_build.peer_vs.toFixed(2)}x | ${c.base_build.peer_vs.toFixed(2)}x |`);
  }
  return comparison;
}

/** The median of per-round medians. */
export function medianOf(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Load averages (1, 5, 15 min), to say whether the machine was busy. */
export function load() {
  return loadavg().map((x) => Number(x.toFixed(2)));
}

/**
 * Serves `node_modules/@noble/*` at `<site>/__peer/@noble/*` (ES modules straight from the
 * package, nothing bundled) and adds an import map so their bare imports (`@noble/hashes/...`)
 * resolve. Call before navigating. `importNoble(page, spec)` then imports a module in the page.
 */
export async function routeNoble(context) {
  await context.route(/\/__peer\/@noble\//, async (route) => {
    const rel = new URL(route.request().url()).pathname.replace(/^.*\/__peer\//, '');
    const body = await readFile(NODE_MODULES + rel);
    await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body });
  });
}

/** Imports `@noble/...` modules in the page into `window.peer[name]`. */
export async function importNoble(page, modules) {
  await page.evaluate(async (modules) => {
    const base = new URL('__peer/', document.baseURI).href;
    if (!document.querySelector('script[type=importmap][data-peer]')) {
      const map = document.createElement('script');
      map.type = 'importmap';
      map.dataset.peer = '';
      map.textContent = JSON.stringify({ imports: { '@noble/': `${base}@noble/` } });
      document.head.append(map);
    }
    window.peer = window.peer || {};
    for (const [name, spec] of Object.entries(modules)) {
      window.peer[name] = await import(`${base}${spec}`);
    }
  }, modules);
}

/** Installs `window.bench.time(fn, runs)` in the page: a warm-up, then `runs` timed runs. */
export async function installTimer(page) {
  await page.evaluate(() => {
    window.bench = {
      async time(fn, runs) {
        await fn(); // warm-up
        const samples = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await fn();
          samples.push(performance.now() - t0);
        }
        return window.bench.stats(samples);
      },
      stats(samples) {
        const s = [...samples].sort((a, b) => a - b);
        return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], runs: s.length, samples };
      },
    };
  });
}

/** Stats (median, min, max) of samples, in Node. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], runs: s.length, samples };
}

export const fmt = (x, d = 2) => `${x.median.toFixed(d)} (${x.min.toFixed(d)}-${x.max.toFixed(d)})`;

/** Writes `bench-results/<name>.json`. */
export async function writeResults(name, data) {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(new URL(`${name}.json`, RESULTS_DIR), JSON.stringify(data, null, 2));
}

/** Chromium's version string, for the record. */
export function chromiumVersion() {
  try {
    return execFileSync(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}
