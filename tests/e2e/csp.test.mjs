// The Content-Security-Policy the site runs under (scripts/finish-site.mjs puts it in a meta tag
// of dist/index.html). harness.mjs makes every end-to-end test fail on a missing policy or on a
// violation; these tests show the policy is the intended one and that it really blocks things.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cspOfPage, openApp, startSuite } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** The policy as a map directive -> sources. */
function parse(policy) {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
}

describe('content security policy', () => {
  test('the app starts under a strict policy that hashes its one inline script', async () => {
    const session = await openApp(suite);
    const { page } = session;
    try {
      const csp = parse(await page.evaluate(cspOfPage));
      assert.deepEqual(csp.get('default-src'), ["'self'"]);
      assert.deepEqual(csp.get('object-src'), ["'none'"]);
      assert.deepEqual(csp.get('base-uri'), ["'self'"]);
      assert.deepEqual(csp.get('worker-src'), ["'self'"]);
      assert.deepEqual(csp.get('style-src'), ["'self'"]);
      assert.deepEqual(csp.get('connect-src'), ["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*']);
      const scriptSrc = csp.get('script-src');
      assert.ok(!scriptSrc.includes("'unsafe-inline'") && !scriptSrc.includes("'unsafe-eval'"), scriptSrc.join(' '));
      // Trunk's wasm init module is the only inline script, and exactly its hash is allowed.
      const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).map((s) => s.textContent));
      assert.equal(inline.length, 1);
      const hashes = inline.map((t) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`);
      assert.deepEqual(scriptSrc, ["'self'", "'wasm-unsafe-eval'", ...hashes]);
      // The policy is the first thing in <head>, before any script or style.
      assert.equal(await page.evaluate(() => document.head.firstElementChild.nextElementSibling.httpEquiv), 'Content-Security-Policy');
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });

  test('an injected inline script, an inline handler, a string evaluated as code and a request to another http host are blocked', async () => {
    const session = await openApp(suite);
    const { page } = session;
    try {
      const result = await page.evaluate(async () => {
        const seen = [];
        document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__injectedScript = true;';
        document.body.append(script);
        const div = document.createElement('div');
        div.innerHTML = '<img src="icons/icon-192.png" onload="window.__injectedHandler = true">';
        document.body.append(div);
        // A string evaluated as code (setTimeout with a string: the page's own path to eval;
        // DevTools exempts code it evaluates itself, so eval() here would prove nothing).
        setTimeout('window.__injectedEval = true', 0);
        let fetchBlocked = false;
        try { await fetch('http://10.255.255.1/steal'); } catch { fetchBlocked = true; }
        await new Promise((ok) => { div.firstChild.complete ? ok() : div.firstChild.addEventListener('load', ok); });
        const deadline = Date.now() + 10_000;
        while (seen.length < 4 && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
        // The probes are the test's, not the app's: gone before the final state's layout and
        // accessibility check.
        script.remove();
        div.remove();
        return {
          seen: seen.sort(),
          fetchBlocked,
          ran: [window.__injectedScript, window.__injectedHandler, window.__injectedEval],
        };
      });
      assert.deepEqual(result.ran, [undefined, undefined, undefined], 'nothing injected ran');
      assert.ok(result.fetchBlocked, 'fetch to a non-loopback http host is refused');
      assert.deepEqual(result.seen, ['connect-src', 'script-src', 'script-src-attr', 'script-src-elem']);
      // The harness saw the same violations (and nothing else went wrong).
      const other = session.problems.filter((p) => !/CSP violation|Refused to|Content Security Policy|Failed to fetch/.test(p));
      assert.deepEqual(other, []);
      assert.ok(session.problems.some((p) => /CSP violation: script-src-elem/.test(p)), session.problems.join('\n'));
    } finally {
      await session.context.close();
    }
  });

  test('the mining workers start and find a block under the policy', async () => {
    const session = await openApp(suite);
    const { page, app } = session;
    try {
      await app.setDifficulty(6);
      await app.addRecord({ memo: 'mined under the CSP' });
      await app.mine();
      assert.equal(await app.blockCount(), 2);
      assert.equal(await app.id('workers-unavailable').count(), 0, 'the worker pool started');
      assert.ok(await page.evaluate(() => typeof WebAssembly.instantiate === 'function'));
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
});
