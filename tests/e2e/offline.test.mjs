// Offline first: the service worker (assets/sw.js, filled by scripts/finish-site.mjs) caches
// the built site on the first visit, so the app loads and works with the network off; a new
// build is picked up on the next visit without touching the stored chain; the hashed files come
// straight from the cache (static routes, no worker on their path); the web manifest makes it
// installable. The site is served from /blocklab/ (a sub-folder) as on GitHub Pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ROOT, startServer } from './server.mjs';
import { LedgerPage, openApp, startSuite } from './harness.mjs';
import { finishSite } from '../../scripts/finish-site.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** Waits until the service worker controls the page and its cache holds the whole site. */
async function waitForOfflineReady(page, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let state;
  for (;;) {
    // page.waitForFunction does not await a promise-returning predicate: poll from here.
    state = await page.evaluate(async () => {
      const build = document.querySelector('meta[name=blocklab-build]')?.content;
      const keys = await caches.keys();
      const cached = keys.length === 1 ? (await (await caches.open(keys[0])).keys()).length : 0;
      return { controlled: !!navigator.serviceWorker.controller, build, keys, cached };
    });
    if (state.controlled && state.keys.length === 1 && state.keys[0] === `blocklab-site-${state.build}` && state.cached > 0) return state;
    if (Date.now() > deadline) throw new Error(`the site never became offline-ready: ${JSON.stringify(state)}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const build = (page) => page.evaluate(() => document.querySelector('meta[name=blocklab-build]').content);

describe('offline first', () => {
  test('after the first visit the app reloads and works with the network off', async () => {
    const session = await openApp(suite);
    const { page, context, app } = session;
    try {
      const ready = await waitForOfflineReady(page);
      const files = JSON.parse(readFileSync(join(DEFAULT_ROOT, 'sw.js'), 'utf8').match(/const FILES = (\[[^\]]*\])/)[1]);
      assert.equal(ready.cached, files.length, 'every built file is precached');
      assert.ok(files.includes('./miner_bg.wasm') && files.some((f) => /^\.\/app-[0-9a-f]+_bg\.wasm$/.test(f)), files.join(' '));
      const reg = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.ready;
        return { scope: r.scope, script: r.active.scriptURL };
      });
      assert.equal(reg.scope, suite.server.url, 'registered for the sub-folder the site is served from');
      assert.equal(reg.script, `${suite.server.url}sw.js`);
      await app.setDifficulty(5);
      await app.addRecord({ memo: 'before going offline' });
      await app.mine();

      await context.setOffline(true);
      const fromNetwork = [];
      const answered = [];
      page.on('response', (r) => { answered.push(r.url()); if (!r.fromServiceWorker()) fromNetwork.push(r.url()); });
      await app.reload();
      assert.equal(await app.blockCount(), 2, 'the stored chain is back');
      // The hashed files were answered by the browser from the cache (the worker's static
      // routes), without running the worker's fetch handler ("fetch-event").
      const routed = await page.evaluate(() => performance.getEntriesByType('resource')
        .filter((e) => /-[0-9a-f]{16}(_bg)?\.[a-z]+$/.test(new URL(e.name).pathname))
        .map((e) => [e.name.split('/').pop(), e.workerFinalSourceType]));
      assert.ok(routed.length >= 4 && routed.every(([, source]) => source === 'cache'), JSON.stringify(routed));
      await app.addRecord({ memo: 'mined offline' });
      await app.mine();
      assert.equal(await app.blockCount(), 3);
      assert.equal(await app.id('workers-unavailable').count(), 0, 'the miner worker loads from the cache');
      await app.id('validate-button').click();
      assert.match(await app.id('validation-summary').innerText(), /^Chain valid: all 3 blocks/);
      // A deep link loads offline too, with its screen's own wasm module (never opened online:
      // the service worker precached it).
      await page.goto(`${suite.server.url}#/explorer`);
      await app.waitForApp();
      await page.getByTestId('explorer').waitFor();
      assert.ok(answered.some((u) => /_bg\.wasm$/.test(u)), answered.join(' '));
      assert.ok(answered.some((u) => /\/split_explorer_screen(_\d+)?-[0-9a-f]{16}\.wasm$/.test(u)), answered.join(' '));
      assert.deepEqual(fromNetwork, [], 'every file came from the service worker while offline');
      session.assertClean();
    } finally {
      await context.close();
    }
  });

  test('a new build is picked up on the next visit; the stored chain is untouched', async () => {
    const root = mkdtempSync(join(tmpdir(), 'blocklab-update-'));
    cpSync(DEFAULT_ROOT, root, { recursive: true });
    const server = await startServer({ root });
    const local = { ...suite, server };
    const session = await openApp(local);
    const { page, context, app } = session;
    try {
      await waitForOfflineReady(page);
      const v1 = await build(page);
      await app.setDifficulty(5);
      await app.addRecord({ memo: 'kept across the update' });
      await app.mine();
      const hashes = await app.hashes();
      await page.close();

      // A changed build: a new title in index.html, finished by the same script as dist/.
      const indexPath = join(root, 'index.html');
      writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replace('<title>blocklab: proof-of-work ledger</title>', '<title>blocklab (new build)</title>'));
      const { version: v2 } = finishSite(root);
      assert.notEqual(v2, v1);

      const next = await context.newPage();
      next.on('pageerror', (e) => session.problems.push(`page error: ${e.message}`));
      await next.goto(`${server.url}#/ledger`);
      const app2 = new LedgerPage(next);
      await app2.waitForApp();
      assert.equal(await next.title(), 'blocklab (new build)');
      assert.equal(await build(next), v2);
      await waitForOfflineReady(next); // the new worker took over and deleted the old cache
      assert.deepEqual(await next.evaluate(() => caches.keys()), [`blocklab-site-${v2}`]);
      assert.deepEqual(await app2.hashes(), hashes, 'the stored chain is untouched');
      assert.match(await app2.block(1).getByTestId('block-record').innerText(), /kept across the update/);

      // And the new build is what works offline now.
      await context.setOffline(true);
      await app2.reload();
      assert.equal(await next.title(), 'blocklab (new build)');
      assert.deepEqual(await app2.hashes(), hashes);
      session.assertClean();
    } finally {
      await context.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('the web manifest and icons make the site installable', async () => {
    const session = await openApp(suite);
    const { page, context } = session;
    try {
      await waitForOfflineReady(page);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, [], 'the manifest parses');
      const parsed = JSON.parse(manifest.data);
      assert.equal(parsed.start_url, './');
      assert.equal(parsed.display, 'standalone');
      const sizes = parsed.icons.filter((i) => i.type === 'image/png').map((i) => i.sizes);
      assert.deepEqual(sizes, ['192x192', '512x512']);
      for (const size of [192, 512]) {
        const png = readFileSync(join(DEFAULT_ROOT, 'icons', `icon-${size}.png`));
        assert.equal(png.readUInt32BE(16), size, `icon-${size}.png is ${size} pixels wide`);
        assert.equal(png.readUInt32BE(20), size);
      }
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // A Playwright context is off the record ("in-incognito"); nothing else may be missing.
      assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
      assert.ok(readdirSync(DEFAULT_ROOT).includes('sw.js'));
      session.assertClean();
    } finally {
      await context.close();
    }
  });
});
