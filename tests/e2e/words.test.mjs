// Defaults and words a newcomer reads (issue 16, item 6): rewards go to an account the user
// has (never the zero address), records say they move no money, counts are singular or plural,
// an imported file's problem is said in words (not the JSON parser's), and a load logs no
// warning. (A malformed expected address: wallet.test.mjs; a signature for another chain:
// tx.test.mjs.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScreenPage, startSuite, withApp } from './harness.mjs';

const DEV_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

describe('words', () => {
  test('rewards default to dev account #0, then to the wallet\'s first account, never the zero address; records say they move no ETH; counts agree', () => withApp(suite, async ({ app, page }) => {
    assert.equal(await app.id('beneficiary-current').innerText(), DEV_0);
    assert.match(await app.id('beneficiary-why').innerText(), /default: development account #0, whose key is public/);
    assert.match(await app.id('record-note').innerText(), /moves no ETH and changes no balance/);
    assert.match(await app.id('mine-button').innerText(), /with 0 pending records and 0 waiting transactions/);
    await app.addRecord({ sender: 'alice', receiver: 'bob', amount: '1' });
    assert.match(await app.id('mine-button').innerText(), /with 1 pending record and 0 waiting transactions/);
    await app.setDifficulty(0);
    await app.mine();
    const coinbase = app.block(1).locator('[data-testid=block-entry][data-kind=coinbase]');
    assert.match(await coinbase.innerText(), /coinbase: 0xf39F…2266 receives 2 ETH/);
    assert.match(await app.block(1).getByTestId('record-tag').innerText(), /moves no ETH/);
    assert.match(await app.id('mining-result').innerText(), /after 1 attempt in|after \d+ attempts in/);
    // The new-chain question counts in words too.
    await app.id('new-chain-button').click();
    assert.match(await page.getByRole('dialog').innerText(), /removes 2 blocks and 0 pending records/);
    await app.id('confirm-new-chain').click();
    await app.id('validate-button').click();
    assert.match(await app.id('validation-summary').innerText(), /^Chain valid: all 1 block checked/);

    // With a wallet, the default is its first account.
    const screen = new ScreenPage(page, app);
    await screen.importWallet('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about', 'correct horse battery');
    await screen.go('#/ledger');
    const own = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
    await page.waitForFunction((a) => document.querySelector('[data-testid=beneficiary-current]')?.innerText === a, own);
    assert.match(await app.id('beneficiary-why').innerText(), /the default: your wallet's first account/);
    await app.mine();
    assert.match(await app.block(1).locator('[data-testid=block-entry][data-kind=coinbase]').innerText(), /coinbase: 0x9858…da94 receives 2 ETH/i);
  }));

  test('an unreadable import says what is wrong with the file, not what the JSON parser said', () => withApp(suite, async ({ app }) => {
    const dir = await mkdtemp(join(tmpdir(), 'blocklab-words-'));
    const cases = [
      ['empty.json', '', /the file is empty/],
      ['text.json', 'hello', /the file is not JSON text/],
      ['other.json', '{"name": "a package.json"}', /the file has no "format" field: it is not a chain exported by blocklab/],
      ['cut.json', '{"format": "blocklab-chain", "version": 2, "blocks": [', /the file ends too early/],
    ];
    for (const [name, text, words] of cases) {
      const file = join(dir, name);
      await writeFile(file, text);
      await app.id('import-input').setInputFiles(file);
      await app.page.waitForFunction((w) => new RegExp(w).test(document.querySelector('[data-testid=import-error]')?.innerText || ''), words.source);
      const shown = await app.id('import-error').innerText();
      assert.doesNotMatch(shown, /line \d+ column|expected value|missing field|`/, name);
    }
    assert.equal(await app.blockCount(), 1);
  }));

  test('a load logs no warning (no deprecated wasm init parameters, no ignored integrity), mining included', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const warnings = [];
      page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
      await page.goto(`${suite.server.url}#/ledger`);
      await page.getByTestId('app-ready').waitFor({ state: 'attached' });
      await page.reload();
      await page.getByTestId('app-ready').waitFor({ state: 'attached' });
      // The worker's loader runs at the first mining.
      await page.getByTestId('difficulty-input').fill('8');
      await page.getByTestId('mine-button').click();
      await page.getByTestId('mining-result').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(300);
      assert.deepEqual(warnings, []);
    } finally {
      await context.close();
    }
  });
});
