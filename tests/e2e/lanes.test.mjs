// The miner's four-lane SHA-256 (issue 21) in Debian Chromium against the release build: a
// lane that computes wrong hashes (the worker's `planted_fault` test hook, injected into the
// page's Start messages) is caught by the sha2 re-check: the page shows a bug report, the wrong
// nonce is never announced, and the block is still mined (with sha2) and valid.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { leadingZeroBits, LedgerPage, startSuite } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

describe('four-lane mining', () => {
  test('a planted wrong lane is a bug report, never a block', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      window.__plantFault = false;
      window.__workerMessages = [];
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', (e) => {
            if (typeof e.data === 'string') window.__workerMessages.push(e.data);
          });
        }
        postMessage(data, ...rest) {
          if (window.__plantFault && typeof data === 'string' && data.includes('"type":"start"')) {
            data = data.replace(/}$/, ',"planted_fault":1}');
          }
          return super.postMessage(data, ...rest);
        }
      };
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    try {
      await page.goto(`${suite.server.url}#/ledger`);
      const app = new LedgerPage(page);
      await app.waitForApp();
      await app.id('workers-input').fill('1');
      await app.setDifficulty(12);

      // Healthy lanes: a block, no bug report.
      await app.mine({ timeout: 60_000 });
      assert.equal(await app.id('lane-bug').count(), 0, 'no bug report from healthy lanes');
      assert.deepEqual(errors, []);

      // Lane 1 returns wrong hashes: its first "hit" (nonce 1 of worker 0's slice) is refused.
      await page.evaluate(() => { window.__plantFault = true; window.__workerMessages = []; });
      await app.mine({ timeout: 60_000 });
      const report = await app.id('lane-bug').innerText();
      assert.match(report, /Bug report/);
      assert.match(report, /nonce 1 hashed to 0x0000000000000000\S* in its lane but to 0x\S+ with sha2/);
      const block = app.block(2);
      const hash = await block.getAttribute('data-hash');
      assert.ok(leadingZeroBits(hash) >= 12, `hash ${hash} has 12 leading zero bits`);
      assert.equal(await block.getAttribute('data-valid'), 'true');
      const types = await page.evaluate(() => window.__workerMessages.map((m) => JSON.parse(m).type));
      assert.ok(types.indexOf('lane_bug') >= 0 && types.indexOf('lane_bug') < types.indexOf('found'), `messages: ${types}`);
      const found = await page.evaluate(() => window.__workerMessages.filter((m) => m.includes('"type":"found"')));
      assert.equal(found.length, 1);
      assert.doesNotMatch(found[0], /"nonce":1,/, 'the wrong lane\'s nonce was not announced');
      assert.ok(errors.some((e) => /four-lane SHA-256/.test(e)), `the bug is logged: ${errors}`);
    } finally {
      await context.close();
    }
  });
});
