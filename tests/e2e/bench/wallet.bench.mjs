// Wallet benchmarks in headless Chromium: blocklab (wasm) next to ethers v6 (browser build) in
// the same page, same inputs. Prints medians with min/max and ratios; writes JSON.
// BENCH_BASE_BENCH_DIST (common.mjs): also an earlier build's wasm, in a page of its own, in
// rounds alternating with this build's; prints this build's speed relative to it.
// Run through `bash scripts/bench.sh` (builds the release site first). BENCH_QUICK=1: one run
// (the same cross-checks with ethers).
import { fileURLToPath } from 'node:url';
import { startSuite } from '../harness.mjs';
import { writeResults, runs, alternateRounds, compareBuilds, openBasePage, BENCH_CONTEXT, BENCH_DIST, BASE_BENCH_DIST, BASE_ROUNDS } from './common.mjs';

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

// With a base build: more rounds, alternating this build and the base build.
const rounds = await alternateRounds(measure, page, base);
const [results] = rounds.this_build;
if (base) await base.close();

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
const comparison = base ? compareBuilds(rounds, Object.keys(results), 'ethers') : null;
await writeResults('wallet', { browser: browserVersion, runs: RUNS, results, ...(base ? { base_build: BASE_BENCH_DIST, rounds, comparison } : {}) });
