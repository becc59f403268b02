// Bundle size: every file of dist/ raw and gzip -9, the first load (what the browser fetches
// until the home screen is shown, recorded in Chromium: index.html, the wasm-bindgen JS, the
// main wasm module, the CSS, the icon), what opening each other screen fetches (the shell and
// its split wasm modules, see scripts/split-app.mjs) and the mining worker (fetched only when
// mining starts), against issues 6's and 19's 250 KB gzip target for the first load (exit
// code 1 when over). With twiggy installed and the unstripped
// `$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/app.wasm` present, also the wasm code size
// by crate (before wasm-bindgen and wasm-opt: proportions, not final bytes). Writes JSON.
// BENCH_QUICK=1 changes nothing here (it takes seconds) but where the JSON goes.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSuite } from '../harness.mjs';
import { writeResults, chromiumVersion, BENCH_CONTEXT } from './common.mjs';

// Issue 6's target for the first load, and issue 19's for the home screen's (the same bytes).
const TARGET_GZIP = 250 * 1000;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = resolve(process.env.DIST || join(root, 'dist'));
const gzip = (file) => execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 28 }).length;

const files = [];
for (const name of (await readdir(dist)).sort()) {
  const path = join(dist, name);
  if (!(await stat(path)).isFile()) continue;
  files.push({ name, raw: (await readFile(path)).length, gzip: gzip(path) });
}

// What the first load fetches, as Chromium sees it.
const suite = await startSuite();
const context = await suite.browser.newContext(BENCH_CONTEXT);
const page = await context.newPage();
const fetched = new Set();
// The page prefetches the screens' modules once it is idle after the first paint: refused
// until the first load is recorded (a refused load is retried when its screen opens), so that
// each screen's own files are measured when it opens.
const SPLIT_MODULE = /\/(split|chunk)_[^/]*\.wasm$/;
let holdSplit = true;
const prefetchTried = new Set();
await context.route(SPLIT_MODULE, (route) => {
  if (!holdSplit) return route.continue();
  prefetchTried.add(new URL(route.request().url()).pathname.replace(/^.*\//, ''));
  return route.abort();
});
page.on('requestfinished', (r) => fetched.add(decodeURIComponent(new URL(r.url()).pathname).replace(/^.*\//, '') || 'index.html'));
// The bare address: a newcomer's first screen, the Learn home screen. Since issue 19 the main
// module renders it alone, and the shell (the stored chain, the wallet, the Ledger and the
// other screens' loaders) is a split module requested on the first animation frame: held
// here like the screens, so it is measured by opening the Ledger (a refused shell is tried
// again when the route changes).
await page.goto(suite.server.url);
await page.getByTestId('home').waitFor();
await page.waitForTimeout(500);
const first = new Set(fetched);
holdSplit = false;
// Then each other screen once, in the navigation's order: what it fetched beyond what was
// already loaded.
const SCREENS = [['ledger', 'record-sender'], ['wallet', 'wallet-security-warning'], ['transactions', 'mempool'], ['network', 'network-page'], ['nodes', 'nodes-page'], ['explorer', 'explorer'], ['attacks', 'attacks-page']];
const screens = {};
for (const [nav, shown] of SCREENS) {
  const seen = new Set(fetched);
  await page.getByTestId(`nav-${nav}`).click();
  await page.getByTestId(shown).first().waitFor();
  await page.waitForTimeout(300);
  screens[nav] = [...fetched].filter((f) => !seen.has(f)).sort();
}
await context.close();
await suite.close();
const browser = chromiumVersion();

const firstLoad = files.filter((f) => first.has(f.name));
const openedBy = (name) => Object.keys(screens).find((s) => screens[s].includes(name));
const worker = files.filter((f) => /^miner/.test(f.name));
if (firstLoad.some((f) => /^miner/.test(f.name))) throw new Error('the first load fetched the mining worker');
const simWorker = files.filter((f) => /^sim[._]/.test(f.name));
if (firstLoad.some((f) => /^sim[._]/.test(f.name))) throw new Error('the first load fetched the simulation worker');
const sum = (list, k) => list.reduce((a, f) => a + f[k], 0);
const core = firstLoad.filter((f) => !/\.svg$/.test(f.name)); // issue 6: index.html + JS + wasm + CSS
const totals = {
  first_load: { raw: sum(core, 'raw'), gzip: sum(core, 'gzip') },
  first_load_with_icon: { raw: sum(firstLoad, 'raw'), gzip: sum(firstLoad, 'gzip') },
  mining_worker: { raw: sum(worker, 'raw'), gzip: sum(worker, 'gzip') },
  simulation_worker: { raw: sum(simWorker, 'raw'), gzip: sum(simWorker, 'gzip') },
  screens: Object.fromEntries(Object.entries(screens).map(([s, names]) => {
    const list = files.filter((f) => names.includes(f.name));
    return [s, { files: names, raw: sum(list, 'raw'), gzip: sum(list, 'gzip') }];
  })),
};

// What each split module needs (its file and the chunks it depends on), from the loader
// `__wasm_split-*.js` that scripts/split-app.mjs writes: the download of a split point on its
// own, whatever else was prefetched (the shell first, then each screen beyond it).
const loaderFile = files.find((f) => /^__wasm_split-[0-9a-f]+\.js$/.test(f.name));
const loaderText = loaderFile ? await readFile(join(dist, loaderFile.name), 'utf8') : '';
const loads = {};
for (const m of loaderText.matchAll(/const (__chunk_\d+|__wasm_split_load_([a-z_]+)) = (?:wrapAsyncCb\()?makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[^]*?\n, \[([^\]]*)\]/g)) {
  loads[m[2] ?? m[1]] = { file: m[3], deps: m[4].split(',').map((d) => d.trim()).filter(Boolean) };
}
const needs = (name, seen = new Set()) => {
  if (seen.has(name) || !loads[name]) return seen;
  seen.add(name);
  for (const d of loads[name].deps) needs(d, seen);
  return seen;
};
const splitPoints = Object.fromEntries(Object.keys(loads).filter((k) => !k.startsWith('__chunk_')).sort().map((k) => {
  const names = [...needs(k)].map((n) => loads[n].file);
  const list = files.filter((f) => names.includes(f.name));
  return [k, { files: names.length, raw: sum(list, 'raw'), gzip: sum(list, 'gzip') }];
}));
if (!splitPoints.shell_screen) console.log('(no shell_screen split point: a build from before the shell split)');

// Code by crate (twiggy on the unstripped wasm).
let crates = null;
const wasmWithNames = join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'wasm32-unknown-unknown/release/app.wasm');
try {
  if (existsSync(wasmWithNames)) {
    const rows = JSON.parse(execFileSync('twiggy', ['top', '-n', '1000000', '--format', 'json', wasmWithNames], { maxBuffer: 1 << 28 }).toString());
    const agg = {};
    let code = 0;
    for (const r of rows) {
      if (/^(custom section|"function names"|type\[|import |export |table|elem|global|memory)/.test(r.name)) continue;
      code += r.shallow_size;
      if (/^data segment/.test(r.name)) {
        agg['(data segments: strings, tables)'] = (agg['(data segments: strings, tables)'] || 0) + r.shallow_size;
        continue;
      }
      const name = r.name.replace(/^([<&*\s]|dyn |impl |mut |const )+/g, '');
      const m = name.match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/) || r.name.match(/ as ([A-Za-z_][A-Za-z0-9_]*)::/);
      let crate = m ? m[1] : '(unnamed: wasm-bindgen shims, generic impls)';
      if (crate === 'core' && /drop_in_place<\(*([A-Za-z_]+)/.test(r.name)) crate = `core (drop glue of ${r.name.match(/drop_in_place<\(*([A-Za-z_]+)/)[1]})`;
      agg[crate] = (agg[crate] || 0) + r.shallow_size;
    }
    crates = { file: wasmWithNames, code_bytes: code, by_crate: Object.entries(agg).sort((x, y) => y[1] - x[1]).map(([crate, bytes]) => ({ crate, bytes, share: bytes / code })) };
  }
} catch (e) {
  console.log(`(twiggy not run: ${e.message.split('\n')[0]})`);
}

console.log(`\nBundle size (${dist}), gzip -9 -n; first load as fetched by ${browser}`);
console.log('| file | loaded | raw bytes | gzip bytes |');
console.log('|---|---|---:|---:|');
for (const f of files) {
  const when = first.has(f.name) ? 'first load' : openedBy(f.name) ? `opening ${openedBy(f.name)}` : /^miner/.test(f.name) ? 'when mining starts' : /^sim[._]/.test(f.name) ? 'when a Monte Carlo run starts' : 'not fetched';
  console.log(`| ${f.name} | ${when} | ${f.raw.toLocaleString('en')} | ${f.gzip.toLocaleString('en')} |`);
}
console.log(`| **first load (index.html + JS + wasm + CSS)** | | ${totals.first_load.raw.toLocaleString('en')} | **${totals.first_load.gzip.toLocaleString('en')}** |`);
const splitFiles = files.filter((f) => SPLIT_MODULE.test(`/${f.name}`));
console.log(`| every screen's modules (prefetched once the page is idle after the first paint; ${prefetchTried.size} requested within 500 ms) | | ${sum(splitFiles, 'raw').toLocaleString('en')} | ${sum(splitFiles, 'gzip').toLocaleString('en')} |`);
for (const [s, t] of Object.entries(totals.screens)) console.log(`| opening ${s} (fetched, with what was prefetched meanwhile; ${t.files.length} files) | | ${t.raw.toLocaleString('en')} | ${t.gzip.toLocaleString('en')} |`);
for (const [s, t] of Object.entries(splitPoints)) console.log(`| split point ${s} on its own (its module and the chunks it needs: ${t.files} files) | | ${t.raw.toLocaleString('en')} | ${t.gzip.toLocaleString('en')} |`);
console.log(`| mining worker (on demand) | | ${totals.mining_worker.raw.toLocaleString('en')} | ${totals.mining_worker.gzip.toLocaleString('en')} |`);
console.log(`| attack lab's simulation worker (on demand) | | ${totals.simulation_worker.raw.toLocaleString('en')} | ${totals.simulation_worker.gzip.toLocaleString('en')} |`);
const met = totals.first_load.gzip <= TARGET_GZIP;
console.log(`issue 6 and 19 target: the home screen's first load <= ${TARGET_GZIP.toLocaleString('en')} B gzip: ${met ? 'met' : `NOT met (${(totals.first_load.gzip - TARGET_GZIP).toLocaleString('en')} B over, ${(totals.first_load.gzip / TARGET_GZIP).toFixed(2)}x)`}`);
if (crates) {
  console.log(`\nwasm code by crate (twiggy, ${crates.code_bytes.toLocaleString('en')} B of functions and data before wasm-bindgen/wasm-opt; top 15)`);
  for (const c of crates.by_crate.slice(0, 15)) console.log(`${String(c.bytes).padStart(9)}  ${(100 * c.share).toFixed(1).padStart(5)}%  ${c.crate}`);
}
await writeResults('bundle', { browser, dist, files, fetched_on_first_load: [...first].sort(), fetched_by_screen: screens, split_points: splitPoints, totals, target_gzip: TARGET_GZIP, target_met: met, crates });
if (!met) {
  console.error(`bundle: the home screen's first load is ${totals.first_load.gzip} B gzip, over ${TARGET_GZIP} B (issue 19)`);
  process.exitCode = 1;
}
