// The proof-of-work ledger, driven like a user in Debian Chromium against the release build
// served from a sub-folder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadingZeroBits, startSuite, withApp as withFreshApp } from './harness.mjs';
import { readStored } from './stored.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

const withApp = (fn) => withFreshApp(suite, fn);


/**
 * The block hash recomputed here from a header, by the layout documented in
 * crates/core/src/block.rs (116 bytes, big-endian): version u32, height u64, timestamp u64,
 * previous hash, entries root, beneficiary (20 bytes), difficulty u32, nonce u64.
 */
function headerHash(header, nonce) {
  const buf = Buffer.alloc(116);
  buf.writeUInt32BE(header.version, 0);
  buf.writeBigUInt64BE(BigInt(header.height), 4);
  buf.writeBigUInt64BE(BigInt(header.timestamp_ms), 12);
  Buffer.from(header.prev_hash.slice(2), 'hex').copy(buf, 20);
  Buffer.from(header.entries_root.slice(2), 'hex').copy(buf, 52);
  Buffer.from(header.beneficiary.slice(2), 'hex').copy(buf, 84);
  buf.writeUInt32BE(header.difficulty, 104);
  buf.writeBigUInt64BE(nonce, 108);
  return `0x${createHash('sha256').update(buf).digest('hex')}`;
}

/** The stored header of the block at `height` (decoded from the compact stored form). */
async function storedHeader(page, height) {
  // Wait until storage has caught up with the card (the same records root and parent).
  const deadline = Date.now() + 10000;
  for (;;) {
    const card = page.locator(`[data-testid=block-card][data-height="${height}"]`);
    const [root, prev] = await Promise.all([
      card.getByTestId('block-root').getAttribute('title'),
      card.getByTestId('block-prev').getAttribute('title'),
    ]);
    const header = (await readStored(page))?.blocks[height]?.header;
    if (header && header.entries_root === root && header.prev_hash === prev) return header;
    if (Date.now() > deadline) throw new Error(`storage never caught up with block #${height}`);
    await page.waitForTimeout(50);
  }
}

/** Checks that the card shows a nonce that, with the block's stored header, gives its hash. */
async function assertNonceMatchesHash(app, height) {
  const card = app.block(height);
  const hash = await card.getAttribute('data-hash');
  const shown = await card.getByTestId('block-nonce').innerText();
  assert.match(shown, /^\d+$/, `block #${height} shows a nonce: "${shown}"`);
  const nonce = BigInt(shown);
  assert.equal(headerHash(await storedHeader(app.page, height), nonce), hash, `the nonce ${shown} shown on block #${height} gives its hash`);
  return nonce;
}

describe('ledger', () => {
  test('loads from a sub-folder with relative URLs and shows the genesis block', () => withApp(async ({ app }) => {
    assert.equal(await app.blockCount(), 1);
    const genesis = app.block(0);
    assert.equal(await genesis.getAttribute('data-valid'), 'true');
    assert.match(await genesis.getAttribute('data-hash'), /^0x[0-9a-f]{64}$/);
    assert.match(await genesis.getByTestId('block-timestamp').innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // Every request stayed inside the sub-folder.
    assert.ok(suite.server.requests.every((p) => p.startsWith('/blocklab/')), suite.server.requests.join(' '));
  }));

  test('adds a record, mines it with proof of work, and keeps it after a reload', () => withApp(async ({ app, page }) => {
    await app.addRecord({ sender: 'alice', receiver: 'bob', amount: '1.5', memo: 'rent' });
    const pending = app.id('pending-record');
    assert.equal(await pending.count(), 1);
    assert.match(await pending.first().innerText(), /alice.*bob.*1\.5.*rent/s);

    await app.setDifficulty(8);
    assert.equal(await app.id('expected-attempts').innerText(), '256');
    await app.mine();
    const block = app.block(1);
    const hash = await block.getAttribute('data-hash');
    assert.match(hash, /^0x[0-9a-f]{64}$/);
    assert.ok(leadingZeroBits(hash) >= 8, `hash ${hash} has fewer than 8 leading zero bits`);
    assert.equal(await block.getAttribute('data-valid'), 'true');
    assert.match(await block.getByTestId('block-record').innerText(), /alice.*bob.*1\.5/s);
    assert.equal(await block.getByTestId('block-difficulty').innerText(), '8 bits');
    assert.equal(await block.getByTestId('block-prev').getAttribute('title'), await app.block(0).getAttribute('data-hash'));
    assert.equal(await app.id('pending-record').count(), 0);

    await app.reload();
    assert.equal(await app.blockCount(), 2);
    assert.equal(await app.block(1).getAttribute('data-hash'), hash);
    assert.match(await app.block(1).getByTestId('block-record').innerText(), /alice.*bob.*1\.5.*rent/s);
    assert.equal(await app.id('difficulty-input').inputValue(), '8');
    void page;
  }));

  test('a block shows its nonce, which recomputes its hash; the hash is shortened and copies in full', () => withApp(async ({ app, page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // 16 bits: the tampered block below must miss its target (by chance it would not, once in 2^16).
    await app.setDifficulty(16);
    await app.addRecord({ sender: 'erin', receiver: 'frank', amount: '4' });
    await app.mine();
    const hash = await app.block(1).getAttribute('data-hash');
    assert.ok(leadingZeroBits(hash) >= 16);
    const nonce = await assertNonceMatchesHash(app, 1);
    assert.notEqual(headerHash(await storedHeader(page, 1), nonce + 1n), hash, 'another nonce gives another hash');
    await assertNonceMatchesHash(app, 0);

    // The short form: 0x + 6 digits … last 4, the full hash as the tooltip.
    const shown = app.block(1).getByTestId('block-hash');
    assert.equal(await shown.innerText(), `${hash.slice(0, 8)}…${hash.slice(-4)}`);
    assert.equal(await shown.getAttribute('title'), hash);
    // Copy puts the full hash on the clipboard.
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await app.block(1).getByTestId('copy-hash').click();
    await page.waitForFunction((h) => navigator.clipboard.readText().then((t) => t === h), hash, { timeout: 5000 })
      .catch(() => {});
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), hash);

    // Tamper, re-mine: the new nonce shown recomputes the new hash.
    await app.id('tamper-toggle').check();
    await app.block(1).getByTestId('tamper-amount').fill('40');
    await page.waitForFunction(() => document.querySelector('[data-testid=block-card][data-height="1"]').getAttribute('data-valid') === 'false');
    await app.block(1).getByTestId('remine-button').click();
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid=block-card][data-height="1"]');
      return c.getAttribute('data-valid') === 'true' && !document.querySelector('[data-testid=cancel-mine]');
    }, null, { timeout: 60_000 });
    const rehash = await app.block(1).getAttribute('data-hash');
    assert.notEqual(rehash, hash);
    await assertNonceMatchesHash(app, 1);
    await app.block(1).getByTestId('copy-hash').click();
    await page.waitForFunction((h) => navigator.clipboard.readText().then((t) => t === h), rehash, { timeout: 5000 })
      .catch(() => {});
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), rehash);
  }));

  test('tampering breaks that block and every later one; re-mining repairs the chain', () => withApp(async ({ app }) => {
    // 16 bits: an edited block keeps meeting its target by chance only once in 65,536 runs
    // (at 6 bits it did once in 64: a flaky test).
    await app.setDifficulty(16);
    for (let i = 1; i <= 3; i++) {
      await app.addRecord({ sender: `s${i}`, receiver: `r${i}`, amount: `${i}` });
      await app.mine();
    }
    const before = await app.hashes();
    await app.id('tamper-toggle').check();
    await app.block(1).getByTestId('tamper-amount').fill('1000');
    // The hash changes live, block 1..3 turn red with their reasons, genesis stays valid.
    await app.page.waitForFunction((old) => document.querySelector('[data-testid=block-card][data-height="1"]').getAttribute('data-hash') !== old, before[1]);
    assert.equal(await app.block(0).getAttribute('data-valid'), 'true');
    for (const h of [1, 2, 3]) assert.equal(await app.block(h).getAttribute('data-valid'), 'false', `block ${h}`);
    const reasons = async (h) => (await app.block(h).getByTestId('block-problem').allInnerTexts()).join(' | ');
    assert.match(await reasons(1), /proof of work/i);
    assert.match(await reasons(2), /previous hash/i);
    assert.match(await reasons(3), /builds on invalid block #1/i);

    await app.id('validate-button').click();
    assert.match(await app.id('validation-summary').innerText(), /invalid: 3 of 4 blocks invalid, first at block #1/i);

    for (const h of [1, 2, 3]) {
      await app.block(h).getByTestId('remine-button').click();
      await app.page.waitForFunction((height) => {
        const c = document.querySelector(`[data-testid=block-card][data-height="${height}"]`);
        return c.getAttribute('data-valid') === 'true' && !document.querySelector('[data-testid=cancel-mine]');
      }, h, { timeout: 60_000 });
    }
    for (const h of [0, 1, 2, 3]) assert.equal(await app.block(h).getAttribute('data-valid'), 'true');
    await app.id('validate-button').click();
    assert.match(await app.id('validation-summary').innerText(), /^Chain valid: all 4 blocks/);
    await app.id('tamper-toggle').uncheck();
    assert.match(await app.block(1).getByTestId('block-record').innerText(), /1000/);
    await app.reload();
    assert.equal(await app.block(3).getAttribute('data-valid'), 'true');
  }));

  test('mining on an invalid tip is refused in words (repair, or the valid prefix); nothing waiting is lost', () => withApp(async ({ app, page }) => {
    // 16 bits: the edited block misses its target (see the test above).
    await app.setDifficulty(16);
    for (let i = 1; i <= 2; i++) {
      await app.addRecord({ sender: `s${i}`, receiver: `r${i}`, amount: `${i}` });
      await app.mine();
    }
    await app.addRecord({ sender: 'carol', receiver: 'dave', amount: '7', memo: 'waiting' });
    assert.match(await app.id('mine-button').innerText(), /with 1 pending record and 0 waiting transactions/);
    assert.equal(await app.id('mine-invalid-tip').count(), 0);
    await app.id('tamper-toggle').check();
    await app.block(1).getByTestId('tamper-amount').fill('1000');
    await app.id('tamper-toggle').uncheck();
    // The core's answer (first invalid block #1) in words, with both ways out; no mining.
    const warning = app.id('mine-invalid-tip');
    await warning.waitFor();
    const words = await warning.innerText();
    assert.match(words, /Cannot mine on this chain: block #1 is invalid, and so is every block after it up to the tip #2/);
    assert.match(words, /re-mine the invalid blocks/);
    assert.match(words, /drop blocks #1 to #2 and mine on the valid prefix/);
    assert.ok(await app.id('mine-button').isDisabled());
    assert.equal(await app.blockCount(), 3);
    assert.equal(await app.id('pending-record').count(), 1);
    // Mine on the valid prefix: the invalid blocks go, their records wait again with the
    // pending one, and the next block holds all three and is valid.
    await app.id('mine-on-valid-prefix').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=block-card]').length === 1);
    assert.match(await app.id('import-message').innerText(), /Dropped 2 invalid blocks from #1: 2 records back to the pending list/);
    assert.equal(await app.id('mine-invalid-tip').count(), 0);
    assert.equal(await app.id('pending-record').count(), 3);
    await app.setDifficulty(4);
    await app.mine();
    assert.equal(await app.block(1).getAttribute('data-valid'), 'true');
    const held = await app.block(1).getByTestId('block-record').allInnerTexts();
    assert.equal(held.length, 3);
    assert.match(held.join(' | '), /s1.*r1.*1000.*\|.*s2.*r2.*2.*\|.*carol.*dave.*7/s);
    assert.match(await app.id('mining-result').innerText(), /^Mined block/);
  }));

  test('exports the chain and imports it back; refuses malformed and tampered files', () => withApp(async ({ app, page }) => {
    await app.setDifficulty(4);
    await app.addRecord({ sender: 'carol', receiver: 'dave', amount: '2.25' });
    await app.mine();
    const hashes = await app.hashes();

    const [download] = await Promise.all([page.waitForEvent('download'), app.id('export-button').click()]);
    assert.equal(download.suggestedFilename(), 'blocklab-chain.json');
    const dir = await mkdtemp(join(tmpdir(), 'blocklab-e2e-'));
    const exported = join(dir, 'chain.json');
    await download.saveAs(exported);
    const file = JSON.parse(await readFile(exported, 'utf8'));
    assert.equal(file.format, 'blocklab-chain');
    assert.equal(file.blocks.length, 2);

    // A malformed file: refused, chain unchanged.
    const malformed = join(dir, 'bad.json');
    await writeFile(malformed, '{not json');
    await app.id('import-input').setInputFiles(malformed);
    await app.id('import-error').waitFor();
    assert.match(await app.id('import-error').innerText(), /import refused/i);
    assert.deepEqual(await app.hashes(), hashes);

    // A readable but tampered chain: refused with the block and the reason.
    file.blocks[1].entries[0].amount = '999';
    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, JSON.stringify(file));
    await app.id('import-input').setInputFiles(tampered);
    await page.waitForFunction(() => /invalid/.test(document.querySelector('[data-testid=import-error]')?.innerText || ''));
    assert.match(await app.id('import-error').innerText(), /import refused: the chain is invalid.*block #1.*records do not match/is);
    assert.deepEqual(await app.hashes(), hashes);

    // New chain, then import the good export: the blocks come back.
    await app.id('new-chain-button').click();
    await app.id('confirm-new-chain').click();
    assert.equal(await app.blockCount(), 1);
    await app.id('import-input').setInputFiles(exported);
    await app.id('import-message').waitFor();
    assert.deepEqual(await app.hashes(), hashes);
    await app.reload();
    assert.deepEqual(await app.hashes(), hashes);
  }));

  test('bad input gets a clear message and adds nothing', () => withApp(async ({ app }) => {
    const cases = [
      [{ sender: '' }, /sender is empty/i],
      [{ receiver: '   ' }, /receiver is empty/i],
      [{ amount: 'abc' }, /decimal number/i],
      [{ amount: '-1' }, /cannot be negative/i],
      [{ amount: '0' }, /greater than zero/i],
      [{ amount: '1e3' }, /decimal number/i],
      [{ amount: '0.0000000000000000001' }, /at most 18 digits/i],
      [{ amount: '999999999999999999999999' }, /too large/i],
    ];
    for (const [input, message] of cases) {
      await app.addRecord(input);
      assert.match(await app.id('form-error').innerText(), message, JSON.stringify(input));
      assert.equal(await app.id('pending-record').count(), 0);
    }
    for (const bad of ['99', '65', '-1']) {
      await app.id('difficulty-input').fill(bad);
      assert.match(await app.id('difficulty-error').innerText(), /from 0 to 64/);
      assert.ok(await app.id('mine-button').isDisabled(), `mine must be disabled for difficulty ${bad}`);
    }
    await app.setDifficulty(3);
    assert.equal(await app.id('difficulty-error').count(), 0);
    assert.equal(await app.blockCount(), 1);
  }));

  test('a corrupt stored value is kept under a backup key and reported', () => withApp(async ({ app, page }) => {
    await page.evaluate(() => localStorage.setItem('blocklab.snapshot', '{corrupt'));
    await app.reload();
    const banner = app.id('storage-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    const key = text.match(/blocklab\.backup\.\d+/)?.[0];
    assert.ok(key, `banner names the backup key: ${text}`);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), key), '{corrupt');
    // The app still works on a fresh chain.
    assert.equal(await app.blockCount(), 1);
  }));

  test('mining shows progress, never freezes the page, and can be cancelled', () => withApp(async ({ app, page }) => {
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    // 40 bits: about 2^40 expected attempts, so a find within the ~3 s before Cancel (which
    // would add a block) is a one-in-tens-of-thousands chance (at 30 bits it was about 2%).
    await app.setDifficulty(40);
    await app.id('mine-button').click();
    await app.id('mining-attempts').waitFor();
    const attempts = async () => Number(await app.id('mining-attempts').innerText());
    const progress = async () => Number(await app.id('mining-progress').getAttribute('value'));
    await page.waitForTimeout(700);
    const a1 = await attempts();
    const p1 = await progress();
    await page.waitForTimeout(1200);
    const a2 = await attempts();
    assert.ok(a2 > a1 && a1 > 0, `attempts grow: ${a1} -> ${a2}`);
    assert.ok(await progress() > p1, 'the progress bar moves');
    assert.ok(await app.id('mine-button').isDisabled());
    await app.id('cancel-mine').click();
    await app.id('cancel-mine').waitFor({ state: 'detached' });
    assert.ok(await app.id('mine-button').isEnabled());
    await page.waitForTimeout(300);
    assert.equal(await app.blockCount(), 1, 'a cancelled run adds no block');
    const longTasks = await page.evaluate(() => window.__longTasks);
    assert.ok(longTasks.every((d) => d < 100), `long tasks while mining: ${longTasks}`);
  }));

  test('new chain asks for confirmation', () => withApp(async ({ app }) => {
    await app.setDifficulty(2);
    await app.mine();
    await app.id('new-chain-button').click();
    await app.id('cancel-new-chain').click();
    assert.equal(await app.blockCount(), 2);
    await app.id('new-chain-button').click();
    await app.id('confirm-new-chain').click();
    assert.equal(await app.blockCount(), 1);
    await app.reload();
    assert.equal(await app.blockCount(), 1);
  }));

  test('a long chain shows its latest 30 blocks, older ones on demand; a reload does not re-write storage', () => withApp(async ({ app, page }) => {
    await app.setDifficulty(0);
    for (let i = 1; i <= 32; i += 1) {
      await app.id('mine-button').click();
      await page.getByTestId('chain-summary').filter({ hasText: `${i + 1} blocks, all valid` }).waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid=cancel-mine]'));
    }
    const heights = () => app.blocks().evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-height'))));
    assert.deepEqual(await heights(), Array.from({ length: 30 }, (_, i) => i + 3), 'the latest 30, oldest first');
    assert.equal(await app.id('chain-window').innerText().then((t) => t.split('.')[0]), 'Showing blocks #3 to #32 of 33');
    await app.id('chain-show-older').click();
    assert.deepEqual(await heights(), Array.from({ length: 33 }, (_, i) => i));
    assert.equal(await app.id('chain-window').count(), 0, 'everything is shown');
    // After a reload: the window again, and the loaded chain is not written back at start.
    await page.addInitScript(() => {
      window.__snapshotWrites = 0;
      const set = Storage.prototype.setItem;
      Storage.prototype.setItem = function (k, v) {
        if (k === 'blocklab.snapshot') window.__snapshotWrites += 1;
        return set.call(this, k, v);
      };
    });
    await app.reload();
    await page.getByTestId('chain-summary').filter({ hasText: '33 blocks, all valid' }).waitFor();
    assert.equal(await app.blockCount(), 30);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__snapshotWrites), 0, 'no write of an unchanged chain at start');
    await app.id('chain-show-all').click();
    assert.equal(await app.blockCount(), 33);
    // A change is still saved.
    await app.addRecord({ sender: 'alice', receiver: 'bob', amount: '1' });
    await page.waitForFunction(() => window.__snapshotWrites > 0);
  }));
});
