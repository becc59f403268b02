// The "show code" snippets are correct because they run: the core writes each snippet for fixed
// inputs together with what the core itself computes (crates/core/examples/snippets.rs); this
// runs every snippet with Python (web3.py, eth-account, mnemonic, bip44 from the venv that
// scripts/setup.sh creates) and with Node (ethers v6 from this folder), against a real anvil
// node for sending and balances, and compares what each prints with the core's values line by
// line. "*" lines are compared with what the node itself answers.
//
//   node --test snippets.check.mjs        (PYTHON=/path/to/venv/python to choose the venv)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rpc, startAnvil } from './anvil.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const PYTHON = process.env.PYTHON || `${ROOT}.venv/bin/python`;
// Each snippet takes 1-6 s on an idle machine (web3's import is most of it); a loaded one is slower.
const TIMEOUT_MS = Number(process.env.SNIPPET_TIMEOUT_MS || 180_000);

function run(cmd, args, { input, env = {}, cwd = HERE } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill(); }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(timedOut ? `${cmd} took over ${TIMEOUT_MS} ms (SNIPPET_TIMEOUT_MS)` : `${cmd} exited ${code}:\n${err}`));
    });
    child.stdin.end(input ?? '');
  });
}

let node;
let cases = [];
before(async () => {
  node = await startAnvil();
  const json = await new Promise((resolve, reject) => {
    execFile('cargo', ['run', '-q', '-p', 'blocklab-core', '--example', 'snippets', '--', node.url],
      { cwd: ROOT, maxBuffer: 1 << 24 }, (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out)));
  });
  cases = JSON.parse(json);
});
after(async () => { if (node) { node.child.kill(); await node.exited; } });

test('every snippet prints, in Python and in JavaScript, exactly what the core computes', async () => {
  assert.ok(cases.length >= 18, `the core wrote ${cases.length} snippets`);
  const langs = new Set(cases.map((c) => c.lang));
  assert.deepEqual([...langs].sort(), ['javascript', 'python']);
  for (const c of cases) {
    const started = Date.now();
    const out = c.lang === 'python'
      ? await run(PYTHON, ['-'], { input: c.code, env: c.env })
      : await run(process.execPath, ['--input-type=module'], { input: c.code, env: c.env });
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, c.expect.length, `${c.name} (${c.lang}) printed:\n${out}`);
    for (const [i, want] of c.expect.entries()) {
      if (want !== '*') assert.equal(lines[i], want, `${c.name} (${c.lang}), line ${i + 1}:\n${c.code}`);
    }
    if (c.name === 'send to a node') {
      const receipt = await rpc(node.url, 'eth_getTransactionReceipt', [lines[0]]);
      assert.equal(receipt.status, '0x1');
      assert.equal(lines[2], String(Number(receipt.blockNumber)), `${c.lang}: the receipt's block`);
    }
    if (c.name === 'read a balance') {
      const to = c.code.match(/0x[0-9a-fA-F]{40}/)[0];
      assert.equal(lines[0], BigInt(await rpc(node.url, 'eth_getBalance', [to, 'latest'])).toString());
    }
    console.log(`ok ${c.name} (${c.lang}) in ${Date.now() - started} ms`);
  }
});
