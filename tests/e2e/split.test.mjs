// Code splitting (scripts/split-app.mjs): the first load fetches the main module only (the shell
// and the Ledger screen); every other screen's code is its own wasm module, fetched the first
// time the screen opens; a module that cannot be fetched is reported on the screen, the rest of
// the app keeps working, and opening the screen again retries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { DEFAULT_ROOT } from './server.mjs';
import { openApp, startSuite, withApp } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** The screens loaded on demand: nav test id, the split module's name, a test id it renders. */
const SCREENS = [
  ['wallet', 'wallet_screen', 'wallet-security-warning'],
  ['transactions', 'tx_screen', 'mempool'],
  ['network', 'network_screen', 'network-page'],
  ['nodes', 'nodes_screen', 'nodes-page'],
  ['explorer', 'explorer_screen', 'explorer'],
];
const SPLIT = /\/split_([a-z_]+?)(?:_\d+)?-[0-9a-f]{16}\.wasm$/;
const modulesOf = (urls) => urls.map((u) => u.match(SPLIT)?.[1]).filter(Boolean);

describe('screens loaded on demand', () => {
  test('the built site has one wasm module per screen beyond the Ledger', () => {
    const names = readdirSync(DEFAULT_ROOT).map((f) => `/${f}`.match(SPLIT)?.[1]).filter(Boolean).sort();
    assert.deepEqual(names, SCREENS.map(([, m]) => m).sort());
  });

  test('the first load fetches none of them; each is fetched once, when its screen opens', () => withApp(suite, async ({ page }) => {
    const fetched = [];
    page.on('request', (r) => fetched.push(r.url()));
    await page.getByTestId('record-sender').waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(modulesOf(fetched), [], 'the Ledger needs no split module');
    for (const [nav, module, shown] of SCREENS) {
      await page.getByTestId(`nav-${nav}`).click();
      await page.getByTestId(shown).first().waitFor();
      assert.ok(modulesOf(fetched).includes(module), `${module} fetched for the ${nav} screen: ${modulesOf(fetched)}`);
    }
    // Back and forth: nothing fetched again.
    const before = modulesOf(fetched).length;
    for (const [nav, , shown] of SCREENS) {
      await page.getByTestId(`nav-${nav}`).click();
      await page.getByTestId(shown).first().waitFor();
    }
    assert.equal(modulesOf(fetched).length, before);
    assert.equal(new Set(modulesOf(fetched)).size, before, 'each module fetched once');
  }));

  test('a module that cannot be fetched is reported; the app keeps working; opening the screen again retries', async () => {
    // No service worker: the module is fetched from the network, which refuses it.
    const session = await openApp(suite, { contextOptions: { serviceWorkers: 'block' } });
    const { page, context, app } = session;
    try {
      let refuse = true;
      await context.route(/\/split_wallet_screen(?:_\d+)?-[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort('internetdisconnected') : route.continue()));
      await page.getByTestId('nav-wallet').click();
      assert.match(await page.getByTestId('screen-load-error').innerText(), /could not be loaded.*Open the screen again to retry/);
      assert.equal(await page.getByTestId('wallet-security-warning').count(), 0);
      // The rest of the app still runs: the Ledger mines, another split screen opens.
      await page.getByTestId('nav-ledger').click();
      await app.setDifficulty(4);
      await app.addRecord({ memo: 'while the wallet module was missing' });
      await app.mine();
      assert.equal(await app.blockCount(), 2);
      await page.getByTestId('nav-explorer').click();
      await page.getByTestId('explorer').waitFor();
      refuse = false;
      await page.getByTestId('nav-wallet').click();
      await page.getByTestId('wallet-security-warning').waitFor();
      assert.equal(await page.getByTestId('screen-load-error').count(), 0);
      // Only the refused fetch was a problem: no panic, no other error.
      const others = session.problems.filter((p) => !/split_wallet_screen|Failed to fetch|TypeError: Failed|failed to load split module|internetdisconnected|ERR_INTERNET_DISCONNECTED/i.test(p));
      assert.deepEqual(others, []);
    } finally {
      await context.close();
    }
  });
});
