// The wallet across tabs (issue 16, item 1): tabs of ONE browser context share localStorage.
// A tab that has not seen the stored wallet never replaces it: it follows another tab's wallet
// through the storage event, and a write it attempts while stale is refused, with words, and
// leaves the stored wallet as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHRASE_A = 'test test test test test test test test test test test junk';
const ADDRESS_A = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const PHRASE_B = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const ADDRESS_B = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
const WAIT = { timeout: 30_000 };

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

async function inContext(fn) {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await fn(context);
  } finally {
    await context.close();
  }
}

async function openWallet(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /panicked at/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(suite.server.url + '#/wallet');
  await page.getByTestId('app-ready').waitFor();
  return { page, problems };
}

async function fillImport(page, phrase) {
  await page.getByTestId('import-phrase').fill(phrase);
  await page.getByTestId('import-password').fill(PASSWORD);
  await page.getByTestId('import-password-confirm').fill(PASSWORD);
  await page.getByTestId('import-wallet').click();
}

const stored = (page) => page.evaluate(() => localStorage.getItem('blocklab.wallet'));
const addresses = (page) => page.getByTestId('account-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-address')));

describe('the wallet across tabs', () => {
  test('a wallet made in one tab shows in the other, which no longer offers to replace it', () => inContext(async (context) => {
    const a = await openWallet(context);
    const b = await openWallet(context);
    await b.page.getByTestId('import-phrase').waitFor();
    await fillImport(a.page, PHRASE_A);
    await a.page.getByTestId('lock-button').waitFor(WAIT);
    // Tab B follows: the stored wallet, locked, and no import form to replace it with.
    await b.page.getByTestId('unlock-password').waitFor(WAIT);
    assert.equal(await b.page.getByTestId('import-phrase').count(), 0, 'the stale tab still offers a new wallet');
    assert.match(await b.page.getByTestId('wallet-message').innerText(), /another tab changed the wallet/i);
    await b.page.getByTestId('unlock-password').fill(PASSWORD);
    await b.page.getByTestId('unlock-button').click();
    await b.page.getByTestId('lock-button').waitFor(WAIT);
    assert.deepEqual(await addresses(b.page), [ADDRESS_A]);
    assert.deepEqual([...a.problems, ...b.problems], []);
  }));

  test('a stale tab\'s new wallet is refused with words; the stored wallet survives every reload', async () => {
    // Wallet A, made in another profile: its stored text.
    let walletA;
    await inContext(async (other) => {
      const a = await openWallet(other);
      await fillImport(a.page, PHRASE_A);
      await a.page.getByTestId('lock-button').waitFor(WAIT);
      walletA = await stored(a.page);
    });
    assert.ok(walletA?.includes('ciphertext'));
    await inContext(async (context) => {
      // Tab C read an empty storage; then wallet A is stored without C hearing of it (a tab
      // receives no storage event for its own write: here the test writes from C's page, as a
      // tab that missed the event would be).
      const c = await openWallet(context);
      await c.page.getByTestId('import-phrase').waitFor(WAIT);
      await c.page.evaluate((w) => localStorage.setItem('blocklab.wallet', w), walletA);
      await fillImport(c.page, PHRASE_B);
      const error = c.page.getByTestId('wallet-error');
      await error.waitFor(WAIT);
      assert.match(await error.innerText(), /another tab changed the wallet/i);
      assert.match(await error.innerText(), /nothing was written/i);
      assert.equal(await stored(c.page), walletA, 'the stale write replaced the stored wallet');
      // C now shows the stored wallet, locked; unlocking gives A's account, not B's.
      await c.page.getByTestId('unlock-password').fill(PASSWORD);
      await c.page.getByTestId('unlock-button').click();
      await c.page.getByTestId('lock-button').waitFor(WAIT);
      assert.deepEqual(await addresses(c.page), [ADDRESS_A]);
      // Reloaded, and in a new tab: wallet A.
      await c.page.reload();
      await c.page.getByTestId('app-ready').waitFor();
      await c.page.getByTestId('unlock-password').waitFor(WAIT);
      const d = await openWallet(context);
      await d.page.getByTestId('unlock-password').waitFor(WAIT);
      assert.equal(await stored(d.page), walletA);
      assert.deepEqual([...c.problems, ...d.problems], []);
    });
  });
});
