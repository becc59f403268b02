// Storage that never loses data (issue 8), driven like a user in Debian Chromium: an unreadable
// stored value is reported, downloadable and resettable; a full storage loses nothing; a backup
// of everything restores into an emptied browser (the wallet unlocks with its password).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScreenPage, startSuite, withApp as withFreshApp } from './harness.mjs';
import { readStored } from './stored.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

const withApp = (fn) => withFreshApp(suite, fn);

/** Every blocklab.* key and value in localStorage, sorted by key. */
const stored = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('blocklab.'))
  .sort().map((k) => [k, localStorage.getItem(k)]));

/** Waits until the stored snapshot holds `n` blocks. */
async function storedBlocks(page, n) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = (await readStored(page))?.blocks.length;
    if (got === n) return;
    if (Date.now() > deadline) throw new Error(`storage holds ${got} blocks, not ${n}`);
    await page.waitForTimeout(50);
  }
}

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const dir = await mkdtemp(join(tmpdir(), 'blocklab-store-'));
  const file = join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), file, text: await readFile(file, 'utf8') };
}

describe('storage', () => {
  test('an unreadable stored value is kept, reported, downloadable and reset on request', () => withApp(async ({ app, page }) => {
    const garbage = '{"version":3,"generation":1,"blocks":"12:garbage';
    await page.evaluate((g) => { localStorage.clear(); localStorage.setItem('blocklab.snapshot', g); }, garbage);
    await app.reload();
    const banner = app.id('storage-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /could not be read/);
    assert.match(text, /A new chain was started/);
    const key = text.match(/blocklab\.backup\.\d+/)?.[0];
    assert.ok(key, `the banner names the backup key: ${text}`);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), key), garbage, 'kept under the backup key');
    // Download: the raw value, byte for byte.
    const file = await download(page, () => app.id('download-unreadable').click());
    assert.equal(file.text, garbage);
    // After a reload the banner has gone but the kept copy is listed, still downloadable.
    await app.reload();
    const kept = page.locator(`[data-testid=kept-backup][data-key="${key}"]`);
    await kept.waitFor();
    assert.equal(await app.id('storage-banner').count(), 0);
    assert.equal((await download(page, () => kept.getByTestId('download-kept').click())).text, garbage);
    // Another unreadable value: Reset deletes its kept copy and saves the fresh chain.
    await page.evaluate(() => localStorage.setItem('blocklab.snapshot', 'not json'));
    await app.reload();
    const second = (await app.id('storage-banner').innerText()).match(/blocklab\.backup\.\d+/)?.[0];
    assert.ok(second && second !== key);
    assert.match(await app.id('storage-banner').innerText(), /The last complete saved chain was loaded/);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), second), 'not json');
    await app.id('reset-unreadable').click();
    await app.id('storage-banner').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), second), null);
    await storedBlocks(page, 1);
    // The first kept copy is deleted only on request.
    assert.ok(await page.evaluate((k) => localStorage.getItem(k), key));
    await kept.getByTestId('delete-kept').click();
    await kept.waitFor({ state: 'detached' });
    const keys = (await stored(page)).map(([k]) => k);
    assert.ok(!keys.some((k) => k.startsWith('blocklab.backup.')), `no backup left: ${keys}`);
    await app.reload();
    assert.equal(await app.id('storage-banner').count(), 0);
    assert.equal(await app.blockCount(), 1);
  }));

  test('a complete saved chain that loading does not choose is kept once, reported and listed', () => withApp(async ({ app, page }) => {
    await storedBlocks(page, 1);
    /** The value of the slot the pointer names. */
    const slotText = () => page.evaluate(() => localStorage.getItem(JSON.parse(localStorage.getItem('blocklab.snapshot')).head));
    // The one-block chain as saved, then rewritten as an older version wrote it: the whole
    // snapshot under the pointer key (generation 0), beside the newer two-block slot.
    const older = (await slotText()).replace(/"generation":\d+/, '"generation":0');
    await app.setDifficulty(1);
    await app.mine();
    await storedBlocks(page, 2);
    await page.evaluate((s) => localStorage.setItem('blocklab.snapshot', s), older);
    await app.reload();
    const banner = app.id('storage-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /Another saved chain \(1 block\) was found but not loaded/);
    assert.match(text, /The newest complete saved chain was loaded/);
    assert.equal(await app.blockCount(), 2);
    const key = text.match(/blocklab\.backup\.\d+/)?.[0];
    assert.ok(key, `the banner names the backup key: ${text}`);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), key), older, 'kept whole');
    // Listed in the Storage card at once, downloadable there and from the banner.
    const kept = page.locator(`[data-testid=kept-backup][data-key="${key}"]`);
    await kept.waitFor();
    assert.equal((await download(page, () => kept.getByTestId('download-kept').click())).text, older);
    assert.match(await app.id('download-unreadable').innerText(), /chain that was not loaded/);
    assert.equal((await download(page, () => app.id('download-unreadable').click())).text, older);
    // Reloads add no second copy (the pointer was repaired; the copy stays listed).
    await app.reload();
    await kept.waitFor();
    await app.reload();
    await kept.waitFor();
    assert.equal(await app.id('storage-banner').count(), 0);
    const backups = (await stored(page)).map(([k]) => k).filter((k) => k.startsWith('blocklab.backup.'));
    assert.deepEqual(backups, [key]);
    assert.equal(await app.blockCount(), 2);
  }));

  test('an unreadable stored wallet is kept once however often the page loads, and listed at once', () => withApp(async ({ app, page }) => {
    const broken = '{"version":1,"broken wallet';
    await page.evaluate((b) => localStorage.setItem('blocklab.wallet', b), broken);
    const backups = async () => (await stored(page)).map(([k]) => k).filter((k) => k.startsWith('blocklab.backup.'));
    await app.reload();
    // Listed in the Storage card from the first load on, downloadable there.
    const kept = page.locator('[data-testid=kept-backup]');
    await kept.first().waitFor();
    const [key] = await backups();
    assert.ok(key, 'kept under a backup key');
    assert.equal(await kept.getAttribute('data-key'), key);
    assert.equal((await download(page, () => kept.getByTestId('download-kept').click())).text, broken);
    // Three more loads: the same single copy, named on the wallet screen each time.
    for (let i = 0; i < 3; i++) {
      await app.reload();
      await kept.first().waitFor();
      assert.deepEqual(await backups(), [key]);
    }
    await app.id('nav-wallet').click();
    assert.match(await app.id('wallet-error').innerText(), new RegExp(key.replace(/\./g, '\\.')));
    assert.equal(await page.evaluate(() => localStorage.getItem('blocklab.wallet')), broken, 'never overwritten');
  }));

  test('the storage panel shows what the app uses and warns before the quota is reached', () => withApp(async ({ app, page }) => {
    const usage = app.id('storage-usage');
    await usage.waitFor();
    await storedBlocks(page, 1);
    // The panel shows the sum of the key and value lengths of the blocklab.* keys.
    await page.waitForFunction(() => {
      const measured = Object.keys(localStorage).filter((k) => k.startsWith('blocklab.'))
        .reduce((n, k) => n + k.length + localStorage.getItem(k).length, 0);
      window.__measured = measured;
      return measured > 0 && Number(document.querySelector('[data-testid=storage-usage]').dataset.used) === measured;
    }, null, { timeout: 10_000 });
    const measured = await page.evaluate(() => window.__measured);
    assert.match(await usage.innerText(), new RegExp(`${measured} of 5242880 characters`));
    assert.equal(await app.id('storage-warning').count(), 0);
    // Over 80% of the quota: warned at the next start.
    await page.evaluate(() => localStorage.setItem('blocklab.filler', 'x'.repeat(4_300_000)));
    await app.reload();
    await app.id('storage-warning').waitFor();
    assert.match(await app.id('storage-warning').innerText(), /nearly full/);
  }));

  test('a write refused for quota keeps the chain in memory, tells the user and loses nothing stored', () => withApp(async ({ app, page }) => {
    await app.setDifficulty(1);
    await app.mine();
    await storedBlocks(page, 2);
    const before = await stored(page);
    // From now on every write throws the browser's quota error.
    await page.evaluate(() => {
      window.__set = Storage.prototype.setItem;
      Storage.prototype.setItem = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    });
    await app.mine();
    assert.equal(await app.blockCount(), 3, 'the mined block stays in memory');
    const notice = app.id('notice').filter({ hasText: 'storage is full' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /nothing was lost/);
    assert.deepEqual(await stored(page), before, 'nothing already stored changed');
    // Room again: the next change saves everything held in memory.
    await page.evaluate(() => { Storage.prototype.setItem = window.__set; });
    await app.addRecord({ sender: 'alice', receiver: 'bob', amount: '1' });
    await notice.waitFor({ state: 'detached' });
    await storedBlocks(page, 3);
    await app.reload();
    assert.equal(await app.blockCount(), 3);
  }));

  test('a backup of everything restores into an emptied browser; a bad file changes nothing', () => withApp(async ({ app, page }) => {
    const screens = new ScreenPage(page, app);
    await screens.importWallet(DEV_PHRASE, PASSWORD);
    const addresses = await page.getByTestId('account-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-address')));
    assert.ok(addresses.length > 0);
    await screens.go('#/ledger');
    await app.setDifficulty(2);
    await app.mine();
    await app.addRecord({ sender: 'carol', receiver: 'dave', amount: '2', memo: 'kept in the backup' });
    await page.getByTestId('pending-record').filter({ hasText: 'kept in the backup' }).waitFor();
    const hashes = await app.hashes();
    const backup = await download(page, () => app.id('backup-button').click());
    assert.equal(backup.name, 'blocklab-backup.json');
    await app.id('backup-message').waitFor();
    assert.ok(!backup.text.includes('junk'), 'the phrase is not in the backup in plaintext');
    assert.match(backup.text, /"format": "blocklab-backup"/);
    assert.match(backup.text, /ciphertext/);

    // Everything gone.
    await page.evaluate(() => localStorage.clear());
    await app.reload();
    assert.equal(await app.blockCount(), 1);
    const emptied = await stored(page);

    // A bad file: refused with a clear message, storage unchanged.
    const bad = join(await mkdtemp(join(tmpdir(), 'blocklab-bad-')), 'bad.json');
    const damaged = JSON.parse(backup.text);
    damaged.snapshot = damaged.snapshot.slice(0, 200);
    await writeFile(bad, JSON.stringify(damaged));
    await app.id('restore-input').setInputFiles(bad);
    await app.id('restore-error').waitFor();
    assert.match(await app.id('restore-error').innerText(), /Restore refused, nothing was changed: its chain cannot be read/);
    assert.deepEqual(await stored(page), emptied);
    assert.equal(await app.blockCount(), 1);

    // The real file: restored, the page reloads with everything back.
    await app.id('restore-input').setInputFiles(backup.file);
    await page.getByTestId('pending-record').filter({ hasText: 'kept in the backup' }).waitFor({ timeout: 30_000 });
    await app.waitForApp();
    assert.deepEqual(await app.hashes(), hashes);
    assert.equal(await app.id('difficulty-input').inputValue(), '2');
    await screens.go('#/wallet');
    await page.getByTestId('unlock-password').fill(PASSWORD);
    await page.getByTestId('unlock-button').click();
    await page.getByTestId('lock-button').waitFor({ timeout: 20_000 });
    assert.deepEqual(await page.getByTestId('account-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-address'))), addresses);
  }));

  test('a stored chain whose sender was changed outside blocklab loads, then the signature check names the block', () => withApp(async ({ app, page }) => {
    // Written natively (persist_tests::write_the_forged_sender_fixture): block 2 claims dev
    // account 1 sent its transaction, re-rooted and re-mined, under the "signed by" tag that
    // the app takes on trust at start and checks right after.
    const forged = await readFile(new URL('../../crates/core/tests/data/persist/snapshot_v3_forged_sender.json', import.meta.url), 'utf8');
    await page.evaluate((s) => { localStorage.clear(); localStorage.setItem('blocklab.snapshot', s); }, forged);
    await app.reload();
    const notice = app.id('notice').filter({ hasText: 'changed outside blocklab' });
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /block #2: stored transaction 0x[0-9a-f]{64} claims sender 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 but was signed by 0x/);
    await page.getByTestId('chain-summary').filter({ hasText: '4 blocks, 2 invalid' }).waitFor();
    assert.equal(await app.id('sender-check').count(), 0, 'nothing left to check');
    const card = page.locator('[data-testid=block-card][data-height="2"]');
    await card.waitFor();
    assert.match(await card.innerText(), /invalid/i);
    // Saved again, the false sender is stored as claimed (not "signed by"): after a reload the
    // block is invalid at once and nothing is taken on trust for it.
    await storedBlocks(page, 4);
    await page.waitForTimeout(300);
    await app.reload();
    await page.getByTestId('chain-summary').filter({ hasText: '4 blocks, 2 invalid' }).waitFor();
    assert.equal(await app.id('notice').filter({ hasText: 'changed outside blocklab' }).count(), 0);
  }));

  test('10,000 blocks with a signed transfer each are stored in real localStorage without a quota error', { timeout: 600_000 }, () => withApp(async ({ app, page }) => {
    // Written natively in the app's snapshot format (genesis + 10,000 blocks of one transfer).
    const dir = await mkdtemp(join(tmpdir(), 'blocklab-10k-'));
    execFileSync('cargo', ['run', '--release', '-q', '-p', 'blocklab-core', '--example', 'bench_chain', '--', dir, 'storage'],
      { cwd: new URL('../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'], timeout: 400_000 });
    const snapshot = await readFile(join(dir, 'chain-10001.json'), 'utf8');
    const units = await page.evaluate((s) => {
      localStorage.clear();
      localStorage.setItem('blocklab.snapshot', s);
      return localStorage.getItem('blocklab.snapshot').length;
    }, snapshot);
    assert.ok(units < 5_242_880 * 0.3, `one copy takes ${units} characters`);
    await app.reload();
    await page.getByTestId('chain-summary').filter({ hasText: '10001 blocks, all valid' }).waitFor({ timeout: 120_000 });
    // The stored senders, taken on trust for the first paint, are checked in the background:
    // the page answers meanwhile (another screen opens while the check still runs) ...
    await app.id('sender-check').waitFor();
    await app.id('nav-wallet').click();
    await app.id('wallet-security-warning').waitFor();
    assert.match(await app.id('sender-check').innerText(), /Checking the signatures of the stored chain: \d+ of 10000 transactions checked/);
    // ... and every one is checked soon after, none false.
    await app.id('sender-check').waitFor({ state: 'detached', timeout: 120_000 });
    await app.id('nav-ledger').click();
    assert.equal(await app.id('notice').count(), 0, 'every stored sender is its signer');
    // A new block: a full save, two copies briefly stored, no quota error.
    await app.setDifficulty(1);
    await app.id('mine-button').click();
    await page.getByTestId('chain-summary').filter({ hasText: '10002 blocks, all valid' }).waitFor({ timeout: 120_000 });
    await storedBlocks(page, 10_002);
    assert.equal(await app.id('notice').count(), 0, 'no storage error');
    assert.equal(await app.id('storage-warning').count(), 0, 'not near the quota');
    const used = Number(await app.id('storage-usage').getAttribute('data-used'));
    assert.ok(used > 1_000_000 && used < 5_242_880 * 0.3, `the app uses ${used} characters`);
    const stored10k = await readStored(page);
    assert.equal(stored10k.blocks.filter((b) => b.kinds.includes('tx')).length, 10_000);
    await app.reload();
    await page.getByTestId('chain-summary').filter({ hasText: '10002 blocks, all valid' }).waitFor({ timeout: 120_000 });
  }));
});
