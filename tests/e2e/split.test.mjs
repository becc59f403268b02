// Code splitting (scripts/split-app.mjs): the first load fetches the main module only (the header
// and the Learn home screen; its JS and the split loader it imports are preloaded together); the
// shell (the stored chain, the wallet, the Ledger screen) is a split module requested right
// after the first frame with the Wallet, Transactions, Network
// and the Learn screens beside the path, and `app-ready` marks it rendered; the Nodes, Explorer
// and Attacks screens' code is in their own wasm modules (fewer split points, fewer shared chunks
// for the shell to fetch), prefetched once the page is idle after the shell is rendered, or
// fetched when the screen opens first; a module that cannot be fetched is reported
// on the screen, the rest of the app keeps working (the home screen without the shell), and
// opening a screen again retries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_ROOT } from './server.mjs';
import { LedgerPage, openApp, startSuite, withApp } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** The shell's split module (src/shell.rs). */
const SHELL = 'shell_screen';
/** The screens loaded on demand: nav test id (or a `#/` route), the split module's name, a test
 * id it renders. */
const SCREENS = [
  ['nodes', 'nodes_screen', 'nodes-page'],
  ['attacks', 'attacks_screen', 'attacks-page'],
  ['explorer', 'explorer_screen', 'explorer'],
];
const SPLIT = /\/split_([a-z_]+?)(?:_\d+)?-[0-9a-f]{16}\.wasm$/;
const modulesOf = (urls) => urls.map((u) => u.match(SPLIT)?.[1]).filter(Boolean);

describe('screens loaded on demand', () => {
  test('the built site has the shell module and one wasm module per screen beyond the shell', () => {
    const names = readdirSync(DEFAULT_ROOT).map((f) => `/${f}`.match(SPLIT)?.[1]).filter(Boolean).sort();
    assert.deepEqual(names, [SHELL, ...SCREENS.map(([, m]) => m)].sort());
    // The loader the main module's JS imports is preloaded beside it (not fetched after it).
    const files = readdirSync(DEFAULT_ROOT);
    const js = files.find((f) => /^app-[0-9a-f]+\.js$/.test(f));
    const loader = readFileSync(`${DEFAULT_ROOT}/${js}`, 'utf8').match(/from "\.\/(__wasm_split-[0-9a-f]{16}\.js)"/)?.[1];
    assert.ok(loader && files.includes(loader), `${js} imports no loader`);
    const html = readFileSync(`${DEFAULT_ROOT}/index.html`, 'utf8');
    assert.match(html, new RegExp(`<link rel="modulepreload" href="\\./${loader.replace(/[.]/g, '\\.')}" crossorigin="anonymous" integrity="sha384-`));
  });

  test('the first load fetches none of them; once idle the page prefetches each once; opening a screen then fetches nothing', () => withApp(suite, async ({ page, context }) => {
    // A second page of the same profile, timed from its navigation: when app-ready appeared
    // and when each resource was requested.
    await context.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid=app-ready]')) { window.__readyAt = performance.now(); obs.disconnect(); }
      }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-testid'] });
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
      const shell = entries.filter((e) => modulesOf([e.url])[0] === SHELL);
      assert.equal(shell.length, 1, 'the shell fetched once');
      assert.ok(shell[0].start < readyAt, 'the shell is what makes the app ready');
      const split = entries.filter((e) => SPLIT.test(e.url) && modulesOf([e.url])[0] !== SHELL);
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

  test('the home screen works before the shell arrives and without it; a shell that did not load is fetched again when a screen opens', async () => {
    const session = await openApp(suite, { contextOptions: { serviceWorkers: 'block' } });
    const { context } = session;
    try {
      let refuse = true;
      await context.route(/\/split_shell_screen(?:_\d+)?-[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort('internetdisconnected') : route.continue()));
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${suite.server.url}#/learn`);
      await page.getByTestId('learn-path').waitFor();
      // No shell: the home screen answers, says the rest did not load, and nothing else is
      // there (no app-ready, no storage banner, no Ledger).
      await page.getByTestId('learn-reset').click();
      await page.getByTestId('learn-reset-cancel').click();
      assert.match(await page.getByTestId('screen-load-error').innerText(), /could not be loaded/);
      assert.equal(await page.getByTestId('app-ready').count(), 0);
      assert.equal(await page.getByTestId('storage-banner').count(), 0);
      // Opening a screen tries again.
      refuse = false;
      await page.getByTestId('nav-ledger').click();
      await page.getByTestId('record-sender').waitFor();
      await page.getByTestId('app-ready').waitFor({ state: 'attached' });
      assert.equal(await page.getByTestId('screen-load-error').count(), 0);
      // Back home: the shell stays (its state too), and the home is there once.
      await page.getByTestId('nav-learn').click();
      await page.getByTestId('learn-path').waitFor();
      assert.equal(await page.getByTestId('home').count(), 1);
      assert.equal(await page.getByTestId('app-ready').count(), 1);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

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
