// Wallet benchmarks in headless Chromium: blocklab (wasm) next to ethers v6 (browser build) in
// the same page, same inputs. Prints medians with min/max and ratios; writes JSON.
// BENCH_BASE_BENCH_DIST (common.mjs): also an earlier build's wasm, in a page of its own, in
// rounds alternating with this build's; prints this build's speed relative to it.
// Run through `bash scripts/bench.sh` (builds the release site first). BENCH_QUICK=1: one run
// (the same cross-checks with ethers).
import { fileURLToPath } from 'node:url';
import { startSuite } from '../harness.mjs';
import { writeResults, runs, medianOf, openBasePage, BENCH_CONTEXT, BENCH_DIST, BASE_BENCH_DIST, BASE_ROUNDS } from './common.mjs';

const RUNS = runs(7);
const PHRASE = 'test test test test test test test test test test test junk';
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const PASSWORD = 'benchmark password';

const suite = await startSuite({ root: BENCH_DIST });
const context = await suite.browser.newContext(BENCH_CONTEXT);
const page = await context.newPage();
await page.goto(suite.server.url);
await page.getByTestId('app-ready').waitFor();
const ETHERS = fileURLToPath(new URL('../node_modules/ethers/dist/ethers.umd.min.js', import.meta.url));
await page.addScriptTag({ path: ETHERS });
const base = BASE_BENCH_DIST ? await openBasePage(suite.browser) : null;
if (base) await base.page.addScriptTag({ path: ETHERS });

// The whole measurement in one page (this build's or the base build's): checks, then timings.
const measure = (on) => on.evaluate(async ({ RUNS, PHRASE, KEY, PASSWORD }) => {
  const wb = window.wasmBindings;
  const E = window.ethers;
  async function time(fn) {
    await fn(); // warm-up
    const samples = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1], runs: RUNS };
  }
  const ours = wb.bench_restore_wallet(PHRASE, 10);
  const theirs = (() => {
    const root = E.HDNodeWallet.fromMnemonic(E.Mnemonic.fromPhrase(PHRASE), "m/44'/60'/0'/0");
    return Array.from({ length: 10 }, (_, i) => root.deriveChild(i).address);
  })();
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`addresses differ: ${ours} vs ${theirs}`);
  const keystore = wb.bench_encrypt_keystore(KEY, PASSWORD);
  const ethersAddress = (await E.Wallet.fromEncryptedJson(keystore, PASSWORD)).address;
  if (ethersAddress !== wb.bench_unlock_keystore(keystore, PASSWORD)) throw new Error('keystore addresses differ');
  return {
    seed_only_pbkdf2_2048: {
      blocklab: await time(() => wb.bench_restore_wallet(PHRASE, 0)),
      ethers: await time(() => E.Mnemonic.fromPhrase(PHRASE).computeSeed()),
    },
    restore_10_addresses: {
      blocklab: await time(() => wb.bench_restore_wallet(PHRASE, 10)),
      ethers: await time(() => {
        const root = E.HDNodeWallet.fromMnemonic(E.Mnemonic.fromPhrase(PHRASE), "m/44'/60'/0'/0");
        for (let i = 0; i < 10; i++) root.deriveChild(i).address;
      }),
    },
    unlock_keystore_scrypt_n16384: {
      blocklab: await time(() => wb.bench_unlock_keystore(keystore, PASSWORD)),
      ethers: await time(() => E.Wallet.fromEncryptedJson(keystore, PASSWORD)),
    },
  };
}, { RUNS, PHRASE, KEY, PASSWORD });

const results = await measure(page);
// With a base build: more rounds, alternating this build and the base build.
const rounds = { this_build: [results], base_build: [] };
if (base) {
  for (let r = 0; r < BASE_ROUNDS; r++) {
    rounds.base_build.push(await measure(base.page));
    if (r < BASE_ROUNDS - 1) rounds.this_build.push(await measure(page));
  }
  await base.close();
}

const browserVersion = suite.browser.version();
await context.close();
await suite.close();

console.log(`Wallet benchmarks, Chromium ${browserVersion}, median of ${RUNS} runs after a warm-up (ms)`);
console.log('| benchmark | blocklab median (min-max) | ethers 6.17 median (min-max) | ethers / blocklab |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of Object.entries(results)) {
  const f = (x) => `${x.median.toFixed(2)} (${x.min.toFixed(2)}-${x.max.toFixed(2)})`;
  console.log(`| ${name} | ${f(r.blocklab)} | ${f(r.ethers)} | ${(r.ethers.median / r.blocklab.median).toFixed(2)}x |`);
}
let comparison = null;
if (base) {
  comparison = Object.fromEntries(Object.keys(results).map((name) => {
    const side = (list) => ({
      ms: medianOf(list.map((x) => x[name].blocklab.median)),
      ethers_vs: medianOf(list.map((x) => x[name].ethers.median / x[name].blocklab.median)),
    });
    const [ours, theirs] = [side(rounds.this_build), side(rounds.base_build)];
    return [name, { this_build: ours, base_build: theirs, speed_vs_base: theirs.ms / ours.ms }];
  }));
  console.log(`\nThis build against the base build (${BASE_BENCH_DIST}), ${BASE_ROUNDS} rounds alternating, median of the rounds' medians`);
  console.log('| benchmark | this build ms | base build ms | this / base speed | ethers / this build | ethers / base build |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, c] of Object.entries(comparison)) {
    console.log(`| ${name} | ${c.this_build.ms.toFixed(2)} | ${c.base_build.ms.toFixed(2)} | ${c.speed_vs_base.toFixed(2)}x | ${c.this_build.ethers_vs.toFixed(2)}x | ${c.base_build.ethers_vs.toFixed(2)}x |`);
  }
}
await writeResults('wallet', { browser: browserVersion, runs: RUNS, results, ...(base ? { base_build: BASE_BENCH_DIST, rounds, comparison } : {}) });
