// A real local Ethereum node for tests: anvil from npm @foundry-rs/anvil, on a free loopback
// port (default mnemonic "test … junk", chain id 31337), and a bare JSON-RPC call.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ANVIL = process.env.ANVIL
  || fileURLToPath(new URL('./node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil', import.meta.url));

/** A loopback port nobody listens on (right now). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** One JSON-RPC call; a node error becomes an exception. */
export async function rpc(url, method, params = []) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Starts anvil and waits until it answers: `{ url, child, exited }`. */
export async function startAnvil() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(ANVIL, ['--host', '127.0.0.1', '--port', String(port), '--allow-origin', '*', '--silent'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 300; i += 1) {
    try { await rpc(url, 'eth_chainId'); return { url, child, exited }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`anvil did not start at ${url} (${ANVIL})`);
}
