// A real Ethereum node for the end-to-end tests: anvil from npm @foundry-rs/anvil, started on a
// free loopback port (stopped by the caller), a JSON-RPC helper, and a proxy in front of it
// that can refuse Otterscan and batches, answer HTTP 429 or garbage, or be down.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const ETH = 10n ** 18n;
export const ANVIL = process.env.ANVIL
  || fileURLToPath(new URL('./node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil', import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

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

export async function startAnvil(extraArgs = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(ANVIL, ['--host', '127.0.0.1', '--port', String(port), '--allow-origin', '*', '--silent', ...extraArgs], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 300; i += 1) {
    try { await rpc(url, 'eth_chainId'); return { url, child, exited }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`anvil did not start at ${url} (${ANVIL})`);
}

/** Exact decimal ETH, as the app writes it (`1.5 ETH`). */
export function coins(wei) {
  const whole = wei / ETH;
  const frac = (wei % ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return `${frac ? `${whole}.${frac}` : whole} ETH`;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
};

/**
 * A JSON-RPC proxy to `target` on a free loopback port. `proxy.mode`: 'pass'; 'plain' (refuses
 * batches with HTTP 400 and `ots_*` / `txpool_*` with "method not found", as many providers
 * do); 'no-ots' (refuses only `ots_*`); '429' (rate limited); 'malformed' (200 with a body that is not JSON-RPC). `proxy.log`
 * lists every request (method or `batch`, preflights as OPTIONS); `proxy.delayMs` slows each.
 */
export async function startProxy(target, mode = 'pass') {
  const port = await freePort();
  const proxy = { url: `http://127.0.0.1:${port}`, mode, log: [], delayMs: 0 };
  const server = createHttpServer(async (req, res) => {
    if (req.method === 'OPTIONS') {
      proxy.log.push('OPTIONS');
      res.writeHead(204, CORS).end();
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString();
    let parsed = null;
    try { parsed = JSON.parse(body); } catch { /* forwarded as is */ }
    proxy.log.push(Array.isArray(parsed) ? 'batch' : parsed?.method ?? '?');
    if (proxy.delayMs) await new Promise((r) => setTimeout(r, proxy.delayMs));
    const send = (status, text) => res.writeHead(status, { ...CORS, 'content-type': 'application/json' }).end(text);
    if (proxy.mode === '429') return send(429, '{"error":"too many requests"}');
    if (proxy.mode === 'malformed') return send(200, '<html>an error page, not JSON-RPC</html>');
    if (proxy.mode === 'no-ots' && /^ots_/.test(parsed?.method ?? '')) {
      return send(200, JSON.stringify({ jsonrpc: '2.0', id: parsed.id, error: { code: -32601, message: 'Method not found' } }));
    }
    if (proxy.mode === 'plain') {
      if (Array.isArray(parsed)) return send(400, '{"error":"batch requests are not supported"}');
      if (/^(ots|txpool)_/.test(parsed?.method ?? '')) {
        return send(200, JSON.stringify({ jsonrpc: '2.0', id: parsed.id, error: { code: -32601, message: `the method ${parsed.method} does not exist/is not available` } }));
      }
    }
    const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    send(answer.status, await answer.text());
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  proxy.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return proxy;
}
