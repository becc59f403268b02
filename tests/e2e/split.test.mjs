// Code splitting (scripts/split-app.mjs): the first load fetches the main module only (the shell,
// the Learn home screen and the Ledger screen); the Wallet, Transactions, Network, Nodes, Explorer
// and Attacks screens' code and the hash playground's and keys walkthrough's is in their own wasm
// modules, prefetched once the
// page is idle after its first paint, or fetched when the screen opens first; a module that
// cannot be fetched is reported on the screen, the rest of the app keeps working, and opening
// the screen again retries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { DEFAULT_ROOT } from './server.mjs';
import { LedgerPage, openApp, startSuite, withApp } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** The screens loaded on demand: nav test id (or a `#/` route), the split module's name, a test
 * id it renders. */
const SCREENS = [
  ['#/learn/hash', 'hash_screen', 'hash-playground'],
  ['#/learn/keys', 'keys_screen', 'keys-page'],
  ['wallet', 'wallet_screen', 'wallet-security-warning'],
  ['transactions', 'tx_screen', 'mempool'],
  ['network', 'network_screen', 'network-page'],
  ['nodes', 'nodes_screen', 'nodes-page'],
  ['attacks', 'attacks_screen', 'attacks-page'],
  ['explorer', 'explorer_screen', 'explorer'],
];
const SPLIT = /\/split_([a-z_]+?)(?:_\d+)?-[0-9a-f]{16}\.wasm$/;
const modulesOf = (urls) => urls.map((u) => u.match(SPLIT)?.[1]).filter(Boolean);

describe('screens loaded on demand', () => {
  test('the built site has one wasm module per screen beyond the Ledger', () => {
    const names = readdirSync(DEFAULT_ROOT).map((f) => `/${f}`.match(SPLIT)?.[1]).filter(Boolean).sort();
    assert.deepEqual(names, SCREENS.map(([, m]) => m).sort());
  });

  test('the first load fetches none of them; once idle the page prefetches each once; opening a screen then fetches nothing', () => withApp(suite, async ({ page, context }) => {
    // A second page of the same profile, timed from its navigation: when app-ready appeared
    // and when each resource was requested.
    await context.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid=app-ready]')) { window.__readyAt = performance.now(); obs.disconnect(); }
      }).observe(document, { childList: true, subtree: true });
    });
    const p = await context.newPage();
    try {
      await p.goto(page.url());
      await p.getByTestId('record-sender').waitFor();
      const modules = () => p.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ url: e.name, start: e.startTime })));
      // Prefetched when the page is idle: every screen's module, each once.
      const deadline = Date.now() + 20_000;
      let entries = await modules();
      while (new Set(modulesOf(entries.map((e) => e.url))).size < SCREENS.length && Date.now() < deadline) {
        await p.waitForTimeout(100);
        entries = await modules();
      }
      const readyAt = await p.evaluate(() => window.__readyAt);
      const split = entries.filter((e) => SPLIT.test(e.url));
      assert.deepEqual([...new Set(modulesOf(split.map((e) => e.url)))].sort(), SCREENS.map(([, m]) => m).sort(), 'every screen prefetched');
      for (const e of split) assert.ok(e.start > readyAt, `${e.url} requested at ${e.start} ms, before the app was ready (${readyAt} ms)`);
      assert.equal(modulesOf(split.map((e) => e.url)).length, SCREENS.length, 'each module fetched once');
      // Every screen opens from what was prefetched.
      const before = entries.length;
      for (const [nav, , shown] of SCREENS) {
        if (nav.startsWith('#/')) await p.evaluate((h) => { location.hash = h; }, nav);
        else await p.getByTestId(`nav-${nav}`).click();
        await p.getByTestId(shown).first().waitFor();
      }
      const after = await modules();
      assert.deepEqual(modulesOf(after.slice(before).map((e) => e.url)), [], 'no module fetched again');
    } finally {
      await p.close();
    }
  }));

  test('a module that cannot be fetched is reported; the app keeps working; opening the screen again retries', async () => {
    // No service worker: the module is fetched from the network, which refuses it (from before
    // the page loads, so the idle prefetch is refused too).
    const session = await openApp(suite, { contextOptions: { serviceWorkers: 'block' } });
    const { context } = session;
    try {
      let refuse = true;
      await context.route(/\/split_explorer_screen(?:_\d+)?-[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort('internetdisconnected') : route.continue()));
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(session.page.url());
      const app = new LedgerPage(page);
      await app.waitForApp();
      await page.getByTestId('nav-explorer').click();
      assert.match(await page.getByTestId('screen-load-error').innerText(), /could not be loaded.*Open the screen again to retry/);
      assert.equal(await page.getByTestId('explorer').count(), 0);
      // The rest of the app still runs: the Ledger mines, another split screen opens.
      await page.getByTestId('nav-ledger').click();
      await app.setDifficulty(4);
      await app.addRecord({ memo: 'while the explorer module was missing' });
      await app.mine();
      assert.equal(await app.blockCount(), 2);
      await page.getByTestId('nav-nodes').click();
      await page.getByTestId('nodes-page').waitFor();
      refuse = false;
      await page.getByTestId('nav-explorer').click();
      await page.getByTestId('explorer').waitFor();
      assert.equal(await page.getByTestId('screen-load-error').count(), 0);
      // No panic: the refused fetch surfaced as the message, not as an error of the page.
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
