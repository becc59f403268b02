// Every screen (the Learn screens too) at 1280 px and at 390 px (a phone) in its main states: no horizontal page
// scroll, long values (a signature, a raw transaction, hashes) wrap inside their own box, and
// no serious or critical axe-core violation (issue #16, item 7). Screenshots of each state go
// to LAYOUT_SHOTS (default: a folder under the system temp dir) for a person to look at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLayout, openApp, ScreenPage, startSuite } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const SHOTS = process.env.LAYOUT_SHOTS || join(tmpdir(), 'blocklab-layout');

let suite;
before(async () => { suite = await startSuite(); await mkdir(SHOTS, { recursive: true }); });
after(async () => { await suite?.close(); });

/** Every problem found, by state (asserted at the end, so one run lists them all). */
const found = [];

/** Checks the current state at both widths, with a full-page screenshot of each. */
async function look(page, name) {
  for (const width of [1280, 390]) {
    found.push(...(await checkLayout(page, { widths: [width] })).map((p) => `${name}: ${p}`));
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('layout', () => {
  test('every screen, in its main states, fits 1280 px and 390 px and passes axe', async () => {
    const session = await openApp(suite, { path: '#/ledger' });
    const { page, app } = session;
    const s = new ScreenPage(page, app);
    try {
      await look(page, 'ledger-new');
      await app.setDifficulty(4);
      await app.addRecord({ sender: 'a sender with a rather long name', receiver: 'x'.repeat(64), amount: '1.5', memo: 'm'.repeat(280) });
      await app.mine();
      await app.id('tamper-toggle').check();
      await look(page, 'ledger-tamper');
      await app.id('chain-linked-toggle').check();
      await app.id('link-block').first().waitFor();
      await look(page, 'ledger-linked-tamper');
      await app.id('chain-linked-toggle').uncheck();
      await app.id('tamper-toggle').uncheck();

      await s.importWallet(DEV_PHRASE, PASSWORD);
      await s.id('sign-message').fill('a message to sign');
      await s.id('sign-button').click();
      await s.id('signature').waitFor();
      await s.id('code-sign-message-wallet-toggle').check();
      await s.id('code-derive-accounts-toggle').check();
      await look(page, 'wallet-signature');

      await s.go('#/tx');
      await s.id('send-to').fill(TO);
      await s.id('send-amount').fill('1.5');
      await s.id('send-sign').click();
      await s.id('signed-tx').waitFor();
      const raw = await s.text('signed-raw');
      await s.id('send-submit').click();
      await s.id('mempool-row').first().waitFor();
      await s.id('verify-tx-raw').fill(raw);
      await s.id('verify-tx-verdict').waitFor();
      await s.id('code-sign-tx-toggle').check();
      await look(page, 'tx-signed-mempool-verify');

      await s.go('#/ledger');
      await app.mine();
      await s.go('#/tx');
      await s.id('send-to').fill(TO);
      await s.id('send-amount').fill('0.25');
      await s.id('send-sign').click();
      await s.id('signed-tx').waitFor();
      await s.id('send-submit').click();
      await s.id('mempool-row').first().waitFor();
      const waiting = await s.text('signed-hash');

      await s.go('#/explorer');
      await s.id('explorer-overview').waitFor();
      await look(page, 'explorer-overview');
      await s.go('#/explorer/block/2');
      await page.locator('[data-testid=explorer-block][data-height="2"]').waitFor();
      await look(page, 'explorer-block');
      await page.locator('[data-testid=explorer-block-entry][data-kind=tx] [data-testid=link-tx]').first().click();
      await s.id('explorer-tx-raw').waitFor();
      await look(page, 'explorer-tx');
      await s.go(`#/explorer/address/${TO}`);
      await s.id('explorer-address').waitFor();
      await look(page, 'explorer-address');
      await s.go('#/explorer/mempool');
      await s.id('explorer-mempool-row').first().waitFor();
      assert.equal(await s.id('explorer-mempool-row').count(), 1, waiting);
      await look(page, 'explorer-mempool');
      await s.id('explorer-search').fill('not a hash at all, and a long one: ' + 'f'.repeat(120));
      await s.id('explorer-search-submit').click();
      await s.id('explorer-search-error').waitFor();
      await look(page, 'explorer-search-error');

      await s.go('#/network');
      await look(page, 'network');
      await s.go('#/nodes');
      await s.id('nodes-count').waitFor();
      await look(page, 'nodes');
      // Proof of stake with a few slots run, so every table and the chart have rows.
      await s.id('mode-pos').click();
      await s.id('pos-step').click();
      await s.id('pos-step').click();
      await s.id('pos-validator-0').waitFor();
      await look(page, 'nodes-pos');
      await s.id('mode-pow').click();
      // The Learn screens: the home screen's path (some steps ticked above), the hash playground
      // after a change, the keys walkthrough with its code shown.
      await s.go('#/learn');
      await s.id('learn-path').waitFor();
      await look(page, 'learn-home');
      await s.go('#/learn/hash');
      const text = 'a sentence to hash, then one more: ' + 'x'.repeat(200);
      const sha = (t) => `0x${createHash('sha256').update(t).digest('hex')}`;
      const shows = (t) => page.waitForFunction((h) => document.querySelector('[data-testid=sha256-hex]')?.innerText === h, sha(t));
      await s.id('hash-input').fill(text);
      await shows(text);
      // One character replaced in one edit (fill would empty the box first).
      await s.id('hash-input').press('Control+End');
      await s.id('hash-input').press('Shift+ArrowLeft');
      await s.id('hash-input').press('y');
      await shows(`${text.slice(0, -1)}y`);
      assert.notEqual(await s.text('sha256-flipped'), '0');
      await look(page, 'learn-hash');
      await s.go('#/learn/keys');
      await s.id('keys-random').click();
      await s.id('keys-verdict').waitFor();
      await s.id('code-sign-message-toggle').check();
      await s.id('code-verify-message-toggle').check();
      await look(page, 'learn-keys');

      await s.go('#/attacks');
      await page.locator('main h2').first().waitFor();
      await look(page, 'attacks');

      assert.deepEqual(found, [], found.join('\n'));
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
});
