// secp256k1 in headless Chromium: blocklab's wasm (k256 through the core: RFC 6979 signing of a
// 32-byte digest, verification, public key recovery to an address) next to @noble/curves in
// the same page on the same keys and digests. Checks first that both give byte-identical
// signatures and the same addresses. Prints medians with min/max, ops/s and ratios; writes JSON.
// BENCH_BASE_BENCH_DIST (common.mjs): also an earlier build's wasm, in a page of its own, in
// rounds alternating with this build's; prints this build's speed relative to it.
// Run through `bash scripts/bench.sh` (builds the release site first). BENCH_QUICK=1: 20
// signatures a run, one run (the same checks).
import { createHash } from 'node:crypto';
import { startSuite } from '../harness.mjs';
import { routeNoble, importNoble, installTimer, writeResults, load, fmt, chromiumVersion, runs, alternateRounds, compareBuilds, openBasePage, QUICK, BENCH_CONTEXT, BENCH_DIST, BASE_BENCH_DIST, BASE_ROUNDS } from './common.mjs';

const RUNS = runs(7);
const N = QUICK ? 20 : Number(process.env.BENCH_SIGNATURES || 200); // signatures per timed run
const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
];
const digests = Buffer.concat(Array.from({ length: N }, (_, i) => createHash('sha256').update(`blocklab bench ${i}`).digest()));

const loadBefore = load();
const suite = await startSuite({ root: BENCH_DIST });
const context = await suite.browser.newContext(BENCH_CONTEXT);
await routeNoble(context);
const page = await context.newPage();
await page.goto(suite.server.url);
await page.getByTestId('app-ready').waitFor();
const PEERS = { secp: '@noble/curves/secp256k1.js', sha3: '@noble/hashes/sha3.js' };
await importNoble(page, PEERS);
await installTimer(page);
const base = BASE_BENCH_DIST ? await openBasePage(suite.browser, routeNoble) : null;
if (base) {
  await importNoble(base.page, PEERS);
  await installTimer(base.page);
}

// The whole measurement in one page (this build's or the base build's): checks, then timings.
const measure = (on) => on.evaluate(async ({ RUNS, KEYS, digestsHex, N }) => {
  const wb = window.wasmBindings;
  const { secp256k1: secp } = window.peer.secp;
  const { keccak_256 } = window.peer.sha3;
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (h) => Uint8Array.from(h.replace(/^0x/, '').match(/../g), (x) => parseInt(x, 16));
  const digests = unhex(digestsHex);
  const digest = (i) => digests.subarray(i * 32, i * 32 + 32);

  // noble, the same work: sign to r‖s‖recid, verify against the public key, recover the address.
  const nobleSign = (sk) => {
    const out = new Uint8Array(N * 65);
    for (let i = 0; i < N; i++) {
      const rec = secp.sign(digest(i), sk, { prehash: false, format: 'recovered' }); // recid ‖ r ‖ s
      out.set(rec.subarray(1), i * 65);
      out[i * 65 + 64] = rec[0];
    }
    return out;
  };
  const nobleVerify = (pub, sigs) => {
    let valid = 0;
    for (let i = 0; i < N; i++) {
      if (secp.verify(sigs.subarray(i * 65, i * 65 + 64), digest(i), pub, { prehash: false })) valid++;
    }
    return valid;
  };
  const nobleRecover = (sigs) => {
    const out = new Uint8Array(N * 20);
    const rec = new Uint8Array(65);
    for (let i = 0; i < N; i++) {
      rec[0] = sigs[i * 65 + 64];
      rec.set(sigs.subarray(i * 65, i * 65 + 64), 1);
      const point = secp.Signature.fromBytes(rec, 'recovered').recoverPublicKey(digest(i));
      out.set(keccak_256(point.toBytes(false).subarray(1)).subarray(12), i * 20);
    }
    return out;
  };

  // Same answers first (RFC 6979 is deterministic).
  const checks = [];
  for (const key of KEYS) {
    const signer = new wb.BenchSigner(key);
    const sk = unhex(key);
    const ours = signer.sign_digests(digests);
    const theirs = nobleSign(sk);
    if (hex(ours) !== hex(theirs)) throw new Error(`signatures differ for key ${key.slice(0, 10)}`);
    const pub = unhex(signer.public_key());
    if (hex(pub) !== hex(secp.getPublicKey(sk, false))) throw new Error('public keys differ');
    if (signer.verify_digests(digests, ours) !== N || nobleVerify(pub, ours) !== N) throw new Error('verification failed');
    const addrOurs = hex(wb.bench_recover_addresses(digests, ours));
    const addrTheirs = hex(nobleRecover(ours));
    const expected = signer.address().slice(2).toLowerCase().repeat(N);
    if (addrOurs !== expected || addrTheirs !== expected) throw new Error('recovered addresses differ');
    checks.push({ key: key.slice(0, 10), address: signer.address(), identical_signatures: N });
  }

  const signer = new wb.BenchSigner(KEYS[0]);
  const sk = unhex(KEYS[0]);
  const pub = unhex(signer.public_key());
  const sigs = signer.sign_digests(digests);
  const t = window.bench.time;
  return {
    checks,
    sign: {
      blocklab: await t(() => signer.sign_digests(digests), RUNS),
      noble: await t(() => nobleSign(sk), RUNS),
    },
    verify: {
      blocklab: await t(() => signer.verify_digests(digests, sigs), RUNS),
      noble: await t(() => nobleVerify(pub, sigs), RUNS),
    },
    recover_address: {
      blocklab: await t(() => wb.bench_recover_addresses(digests, sigs), RUNS),
      noble: await t(() => nobleRecover(sigs), RUNS),
    },
  };
}, { RUNS, KEYS, digestsHex: digests.toString('hex'), N });

const OPS = ['sign', 'verify', 'recover_address'];
// With a base build: more rounds, alternating this build and the base build.
const rounds = await alternateRounds(measure, page, base);
const [results] = rounds.this_build;
if (base) await base.close();

const browser = chromiumVersion();
await context.close();
await suite.close();
const loadAfter = load();

const opsPerSec = (ms) => N / (ms / 1000);
console.log(`\nSignatures (secp256k1), ${browser}, ${N} operations per run, median of ${RUNS} runs after a warm-up; load ${loadBefore.join(' ')} -> ${loadAfter.join(' ')}`);
console.log(`Same signatures from both for ${results.checks.length} keys x ${N} digests; same recovered addresses.`);
console.log('| operation | blocklab ms per run (min-max) | blocklab ops/s | @noble/curves 2.4.0 ms per run (min-max) | noble ops/s | blocklab / noble speed |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const name of OPS) {
  const r = results[name];
  console.log(`| ${name} | ${fmt(r.blocklab)} | ${opsPerSec(r.blocklab.median).toFixed(0)} | ${fmt(r.noble)} | ${opsPerSec(r.noble.median).toFixed(0)} | ${(r.noble.median / r.blocklab.median).toFixed(2)}x |`);
  r.blocklab.ops_per_sec = opsPerSec(r.blocklab.median);
  r.noble.ops_per_sec = opsPerSec(r.noble.median);
}
const comparison = base ? compareBuilds(rounds, OPS, 'noble') : null;
await writeResults('signing', { browser, runs: RUNS, operations_per_run: N, load_before: loadBefore, load_after: loadAfter, results, ...(base ? { base_build: BASE_BENCH_DIST, rounds, comparison } : {}) });
