// What happens during a cold start of the home screen (issue 19), for the figures in
// BENCHMARKS.md that explain the cold-start benchmark's numbers. Not a benchmark (bench.sh does
// not run it): it opens the built site in fresh pages, as `chain.bench.mjs` does, and prints
// per page when the home was in the DOM and a click on it was answered, the files' timings, the
// long animation frames, and for the last page a Chromium trace summed up: the requests of the
// browser's own pages (chrome://…) around the navigation, and the page's main thread by event.
//
//   cd tests/e2e && node bench/cold-trace.mjs
//
// Environment: DIST (the built site, default dist/), RUNS (pages, default 4; the first warms
// the browser), SNAPSHOT (a chain file to store first, e.g. one written by `chain.bench.mjs`
// into bench-results/chains/), SETTLE (ms a fresh page is left before the lab is opened in it,
// default 1000; 0 opens it in the brand-new window), RETURNING=1 (the service worker installed,
// the site from its cache), TRACE_FILE (where the trace goes, default a temporary file).
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSuite } from '../harness.mjs';
import { restoreSnapshot, BENCH_CONTEXT } from './common.mjs';

const RUNS = Number(process.env.RUNS || 4);
const SETTLE = Number(process.env.SETTLE ?? 1000);
const RETURNING = process.env.RETURNING === '1';
const TRACE_FILE = process.env.TRACE_FILE || join(await mkdtemp(join(tmpdir(), 'blocklab-trace-')), 'trace.json');

const suite = await startSuite({ root: process.env.DIST });
const ctx = await suite.browser.newContext(RETURNING ? { ...BENCH_CONTEXT, serviceWorkers: 'allow' } : BENCH_CONTEXT);
const reports = new Map();
await ctx.exposeBinding('__traceReport', ({ page }, data) => reports.get(page)?.(data));
await ctx.addInitScript(() => {
  window.__loaf = [];
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__loaf.push({ start: e.startTime, dur: e.duration, render: e.renderStart });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* not in this browser */ }
  // As chain.bench.mjs: the home's path in the DOM, then a click on its Reset queued as a task.
  new MutationObserver((_, obs) => {
    if (!document.querySelector('[data-testid=learn-path]')) return;
    obs.disconnect();
    const at = performance.now();
    setTimeout(() => {
      const reset = document.querySelector('[data-testid=learn-reset]');
      if (!reset) return;
      new MutationObserver((__, o) => {
        if (!document.querySelector('[data-testid=learn-reset-confirm]')) return;
        o.disconnect();
        window.__traceReport({ at, answered: performance.now() });
        document.querySelector('[data-testid=learn-reset-cancel]')?.click();
      }).observe(document.body, { childList: true, subtree: true });
      reset.click();
    });
  }).observe(document, { childList: true, subtree: true });
});

const p0 = await ctx.newPage();
await p0.goto(suite.server.url);
await p0.getByTestId('app-ready').waitFor();
if (RETURNING) await p0.evaluate(async () => { await navigator.serviceWorker.ready; });
if (process.env.SNAPSHOT) {
  const refused = await restoreSnapshot(p0, await readFile(process.env.SNAPSHOT, 'utf8'));
  if (refused !== null) throw new Error(refused);
}
await p0.close();

const round = (x) => Math.round(x);
for (let i = 0; i < RUNS; i++) {
  const p = await ctx.newPage();
  const tracing = i === RUNS - 1;
  if (tracing) {
    await suite.browser.startTracing(p, {
      path: TRACE_FILE,
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'blink', 'loading', 'v8.wasm'],
    });
  }
  if (SETTLE > 0) await p.waitForTimeout(SETTLE);
  const report = new Promise((resolve) => reports.set(p, resolve));
  await p.goto(`${suite.server.url}#/learn`, { waitUntil: 'commit' });
  const home = await report;
  await p.getByTestId('app-ready').waitFor();
  await p.waitForTimeout(500);
  if (tracing) await suite.browser.stopTracing();
  const r = await p.evaluate(() => ({
    loaf: window.__loaf,
    res: performance.getEntriesByType('resource').map((e) => [e.name.split('/').pop(), e.startTime, e.responseEnd]),
  }));
  console.log(`page ${i}${i === 0 ? ' (warms the browser)' : ''}: home in the DOM ${round(home.at)} ms, click answered ${round(home.answered)} ms`);
  for (const [name, start, end] of r.res.filter(([, s]) => s < home.answered)) console.log(`  file ${name} ${round(start)}-${round(end)}`);
  for (const l of r.loaf.filter((l) => l.start < home.answered)) console.log(`  long frame at ${round(l.start)} for ${round(l.dur)} ms (rendering at ${round(l.render)})`);
  await p.close();
}
await ctx.close();
await suite.close();

// The trace of the last page, summed up.
const trace = JSON.parse(await readFile(TRACE_FILE, 'utf8'));
const events = Array.isArray(trace) ? trace : trace.traceEvents;
const sent = events.filter((e) => e.name === 'ResourceSendRequest').sort((a, b) => a.ts - b.ts);
const navigation = sent.filter((e) => (e.args?.data?.url || '').endsWith('#/learn')).at(-1);
if (!navigation) throw new Error('the trace has no navigation to #/learn');
const since = (e) => (e.ts - navigation.ts) / 1000;
const own = sent.filter((e) => (e.args?.data?.url || '').startsWith('chrome://'));
const near = own.filter((e) => since(e) > -SETTLE && since(e) < 500);
console.log(`\ntrace (${TRACE_FILE}): the browser's own pages requested ${own.length} files, ${near.length} of them ${SETTLE ? `from ${SETTLE} ms before the navigation to 500 ms after` : 'in the 500 ms after the navigation'}${near.length ? `, ${round(since(near[0]))} to ${round(since(near.at(-1)))} ms` : ''}`);
const threads = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, e.args.name]));
const pid = sent.filter((e) => /\/app-[0-9a-f]+\.js$/.test(e.args?.data?.url || '')).at(-1)?.pid ?? navigation.pid;
const main = [...threads].find(([k, v]) => v === 'CrRendererMain' && k.startsWith(`${pid}/`))?.[0];
const WINDOW_MS = 300;
const byName = new Map();
for (const e of events) {
  if (e.ph !== 'X' || !e.dur || `${e.pid}/${e.tid}` !== main || since(e) < 0 || since(e) > WINDOW_MS) continue;
  const a = byName.get(e.name) || { n: 0, ms: 0 };
  a.n += 1;
  a.ms += e.dur / 1000;
  byName.set(e.name, a);
}
console.log('the page\'s main thread, 0-300 ms after the navigation, by event (nested events count in each):');
for (const [name, a] of [...byName].sort((x, y) => y[1].ms - x[1].ms).slice(0, 15)) console.log(`  ${a.ms.toFixed(1).padStart(7)} ms ${String(a.n).padStart(5)}x ${name}`);
