// Every text from the user, from storage or from an imported file is rendered as text, never as
// HTML. The context bypasses the Content-Security-Policy, so text rendering is the only defence
// under test: a payload that became markup would run (set window.__xss) or at least load its
// <img src=x> (a request the server logs), and its literal text would not be on the screen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, startSuite, ScreenPage } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';
// Each payload fits the field it goes in (a party name is at most 64 characters).
const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=2</script>';
const SVG = '<svg onload=window.__xss=3></svg>';
const FILE = '<img src=x onerror=window.__xss=4>file';
const STORED = '<img src=x onerror=window.__xss=5>stored';
const NAME = '<svg onload=window.__xss=6><b>n</b>'; // at most 40 characters

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

async function assertInert(page, where) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, `a payload ran (${where})`);
  assert.equal(await page.locator('main img, main svg[onload], main script, main b').count(), 0, `markup from a payload (${where})`);
  assert.ok(!suite.server.requests.some((p) => p.endsWith('/x')), `an <img src=x> loaded (${where})`);
}

describe('untrusted text renders inert', () => {
  test('record fields, an imported file, a stored value and an account name show as literal text', async () => {
    const session = await openApp(suite, { contextOptions: { bypassCSP: true } });
    const { page, app } = session;
    const s = new ScreenPage(page, app);
    const dir = await mkdtemp(join(tmpdir(), 'blocklab-xss-'));
    try {
      // Record fields typed by the user: pending, then mined.
      await app.setDifficulty(4);
      await app.addRecord({ sender: IMG, receiver: SCRIPT, memo: `${SVG} MARK` });
      assert.ok((await app.id('pending-record').innerText()).includes(IMG));
      await app.mine();
      const record = () => app.block(1).getByTestId('block-record').innerText();
      for (const p of [IMG, SCRIPT, SVG]) assert.ok((await record()).includes(p), `${p} in ${await record()}`);
      assert.match(await app.block(1).getByTestId('block-record').innerHTML(), /&lt;img src=x/);
      await s.go('#/explorer/block/1');
      const entry = page.getByTestId('explorer-block-entry').filter({ hasText: 'MARK' });
      for (const p of [IMG, SCRIPT, SVG]) assert.ok((await entry.innerText()).includes(p));
      await assertInert(page, 'record fields');

      // An imported chain file: its record arrives from the file (the chain was replaced).
      await s.go('#/ledger');
      await app.addRecord({ sender: 'carol', receiver: 'dave', memo: FILE });
      await app.mine();
      const [download] = await Promise.all([page.waitForEvent('download'), app.id('export-button').click()]);
      const exported = join(dir, 'chain.json');
      await download.saveAs(exported);
      await app.id('new-chain-button').click();
      await app.id('confirm-new-chain').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=block-card]').length === 1);
      await app.id('import-input').setInputFiles(exported);
      await app.id('import-message').waitFor();
      assert.ok((await app.block(2).getByTestId('block-record').innerText()).includes(FILE));
      await assertInert(page, 'imported file');

      // A value in localStorage: the stored chain with a payload written into a memo.
      // The app stores blocks packed (snapshot version 3), so the edited value is written as a
      // version 2 snapshot (JSON blocks, still read and migrated on load) of the same chain.
      const file = JSON.parse(await readFile(exported, 'utf8'));
      const v2 = JSON.stringify({ version: 2, blocks: file.blocks, pending: [], mempool: [], settings: { difficulty: 4 } });
      assert.ok(v2.includes('MARK'), 'the exported chain keeps the memo as text');
      await page.evaluate(([value]) => {
        for (const k of Object.keys(localStorage)) if (k.startsWith('blocklab.snapshot')) localStorage.removeItem(k);
        localStorage.setItem('blocklab.snapshot', value);
      }, [v2.replace('MARK', STORED)]);
      await app.reload();
      await app.block(1).waitFor();
      assert.ok((await record()).includes(STORED), await record());
      await assertInert(page, 'stored value');

      // An account name, shown in the beneficiary choices and the signing form.
      await s.importWallet(DEV_PHRASE, PASSWORD);
      const name = s.id('account-name').first();
      await name.fill(NAME);
      await name.press('Tab');
      await s.id('sign-account').locator('option').first().waitFor({ state: 'attached' });
      await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid=sign-account] option')].some((o) => o.textContent.includes(n)), NAME);
      await s.go('#/ledger');
      assert.ok((await app.id('beneficiary-select').innerText()).includes(NAME));
      await app.reload();
      await s.go('#/wallet');
      assert.equal(await s.id('account-name').first().inputValue(), NAME);
      await assertInert(page, 'account name');
      session.assertClean();
    } finally {
      await session.context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
