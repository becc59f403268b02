// Shared pieces of the benchmarks: opening the built app, serving ESM-only peer libraries from
// node_modules (nothing bundled), in-page timing helpers, the markdown tables and the JSON.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

/**
 * The site with the benchmarks' entry points (`window.wasmBindings.bench_*`, the `bench`
 * feature), built by scripts/bench.sh into dist-bench/; BENCH_DIST to use another.
 */
export const BENCH_DIST = process.env.BENCH_DIST || fileURLToPath(new URL('../../../dist-bench/', import.meta.url));

export const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));
export const RESULTS_DIR = new URL('../../../bench-results/', import.meta.url);

/**
 * Options for every benchmark's browser context: benchmarks measure the app's work, and they
 * load peer libraries into the page as inline scripts and routed files, which the site's
 * Content-Security-Policy and its service worker (SECURITY.md) would refuse or answer from the
 * cache. The end-to-end tests run with both.
 */
export const BENCH_CONTEXT = { bypassCSP: true, serviceWorkers: 'block' };

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
