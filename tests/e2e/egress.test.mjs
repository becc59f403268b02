// No request beyond the page's own origin: every request of the context (page, workers and the
// service worker) is recorded, any other origin is aborted, and a whole session goes through
// create wallet -> send -> mine -> validate -> explorer. Zero requests may leave the origin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startSuite, ScreenPage } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

class Session extends ScreenPage {
  /** Creates a wallet through the form (words shown once, three confirmed); returns its address. */
  async createWallet() {
    await this.go('#/wallet');
    await this.id('create-wallet').click();
    const phrase = await this.id('phrase-word').allInnerTexts();
    await this.id('phrase-written').click();
    const inputs = this.id('confirm-word');
    for (let i = 0; i < await inputs.count(); i++) {
      const pos = Number(await inputs.nth(i).getAttribute('data-position'));
      await inputs.nth(i).fill(phrase[pos - 1]);
    }
    await this.id('create-password').fill(PASSWORD);
    await this.id('create-password-confirm').fill(PASSWORD);
    await this.id('finish-create').click();
    await this.id('lock-button').waitFor({ timeout: 20_000 });
    return (await this.text('account-address')).trim();
  }
}

describe('no request beyond the own origin', () => {
  test('create wallet -> send -> mine -> validate -> explorer with every other origin blocked', async () => {
    const session = await openApp(suite);
    const { page, context, app } = session;
    const origin = suite.server.origin;
    const seen = [];
    const blocked = [];
    // From here on (the first load is checked through the server's own log below).
    context.on('request', (r) => seen.push(r.url()));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const s = new Session(page, app);
    try {
      const mine = await s.createWallet();
      // The new account earns the block reward, then spends part of it.
      await s.go('#/ledger');
      await app.id('beneficiary-input').fill(mine);
      assert.equal(await s.text('beneficiary-current'), mine);
      await app.setDifficulty(4);
      await app.mine();
      await s.go('#/tx');
      await s.id('send-to').fill(TO);
      await s.id('send-amount').fill('0.5');
      await s.id('send-sign').click();
      await s.id('signed-tx').waitFor();
      await s.id('send-submit').click();
      await s.id('send-submit-result').waitFor();
      assert.equal(await s.id('send-submit-result').getAttribute('data-ok'), 'true', await s.text('send-submit-result'));
      const hash = await s.text('signed-hash');
      await s.go('#/ledger');
      await app.mine();
      await app.id('validate-button').click();
      assert.match(await app.id('validation-summary').innerText(), /^Chain valid: all 3 blocks/);
      await s.go(`#/explorer/tx/${hash}`);
      await page.locator(`[data-testid=explorer-tx-page][data-hash="${hash}"]`).waitFor();
      assert.equal(await s.id('explorer-tx-status').getAttribute('data-status'), 'included');
      await app.reload();
      await s.go('#/ledger');
      await app.block(2).waitFor();
      assert.equal(await app.blockCount(), 3);

      const foreign = seen.filter((u) => new URL(u).origin !== origin);
      assert.deepEqual(foreign, [], 'requests that left the origin');
      assert.deepEqual(blocked, [], 'requests the route had to block');
      assert.ok(seen.length > 0, 'requests were recorded');
      // The server saw only the site's own files, first load included.
      assert.ok(suite.server.requests.every((p) => p.startsWith('/blocklab/')), suite.server.requests.join(' '));
      session.assertClean();
    } finally {
      await context.close();
    }
  });
});
