// The built-in block explorer, driven like a user: mine two blocks with transfers, search each
// kind of identifier (height, block hash, tx hash, address with/without 0x and in other case,
// and things that match nothing), follow links block -> tx -> address -> tx, reload on a deep
// link (the site is served from /blocklab/ by a plain static server: hash routes survive),
// and see charts with one bar per block.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startSuite, ScreenPage } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';
const FROM = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const MINER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

class Explorer extends ScreenPage {
  async importDevWallet() { await this.importWallet(DEV_PHRASE, PASSWORD); }
  async send(to, amount) {
    await this.id('send-to').fill(to);
    await this.id('send-amount').fill(amount);
    await this.id('send-sign').click();
    await this.id('signed-tx').waitFor();
    await this.id('send-submit').click();
    await this.id('send-submit-result').waitFor();
    assert.equal(await this.id('send-submit-result').getAttribute('data-ok'), 'true');
    return this.text('signed-hash');
  }
  async search(text) {
    await this.id('explorer-search').fill(text);
    await this.id('explorer-search-submit').click();
  }
  blockPage(height) { return this.page.locator(`[data-testid=explorer-block][data-height="${height}"]`); }
  txPage(hash) { return this.page.locator(`[data-testid=explorer-tx-page][data-hash="${hash}"]`); }
  addressPage(address) { return this.page.locator(`[data-testid=explorer-address][data-address="${address}"]`); }
  points(chart) { return this.page.locator(`[data-testid=${chart}] [data-testid=chart-point]`); }
}

describe('explorer', () => {
  test('search every kind, follow links, reload on a deep link, charts with one bar per block', async () => {
    const session = await openApp(suite, { path: '#/tx' });
    const { page, app } = session;
    const x = new Explorer(page, app);
    try {
      await x.importDevWallet();
      await x.go('#/tx');
      await x.id('send-sign').waitFor();
      const tx1 = await x.send(TO, '1.5');
      await x.go('#/ledger');
      // Rewards to dev account #2, not the default (#0, the sender whose history is checked).
      await x.id('beneficiary-input').fill(MINER);
      await app.setDifficulty(4);
      await app.mine();
      await x.go('#/tx');
      await x.id('send-sign').waitFor();
      const tx2 = await x.send(TO, '0.25');
      await x.go('#/ledger');
      await app.mine();
      // A third one waits in the mempool.
      await x.go('#/tx');
      await x.id('send-sign').waitFor();
      const tx3 = await x.send(TO, '0.1');

      // Overview: height, pending count, latest blocks and transactions, charts.
      await x.go('#/explorer');
      await x.id('explorer-overview').waitFor();
      assert.equal(await x.text('explorer-height'), '#2');
      assert.equal(await x.text('explorer-tx-count'), '2');
      assert.match(await x.text('explorer-pending'), /^1 in the mempool/);
      assert.match(await x.text('explorer-difficulty'), /^4 bits/);
      assert.equal(await x.id('explorer-block-row').count(), 3);
      assert.equal(await x.id('explorer-tx-row').count(), 2);
      assert.equal(await x.id('explorer-tx-row').first().getAttribute('data-hash'), tx2);
      // One bar per block: difficulty has genesis too, block time starts at block 1.
      assert.equal(await x.points('chart-difficulty').count(), 3);
      assert.equal(await x.points('chart-block-time').count(), 2);
      assert.equal(await x.id('chart-difficulty').getAttribute('data-points'), '3');
      assert.match(await x.points('chart-difficulty').last().locator('title').first().textContent(), /^block #2: 4 bits$/);
      assert.ok(await x.points('chart-hash-rate').count() <= 2);
      assert.match(await x.id('chart-block-time').innerHTML(), /seconds/);

      // Search by height.
      await x.search(' 1 ');
      await x.blockPage(1).waitFor();
      const block1 = await x.blockPage(1).getAttribute('data-hash');
      assert.equal(await x.text('explorer-block-tx-count'), '1');
      assert.match(await x.text('explorer-block-difficulty'), /^4 bits$/);
      assert.match(await x.text('explorer-block-size'), /^\d+ bytes$/);
      assert.equal(await x.id('explorer-block-verdict').getAttribute('data-valid'), 'true');
      // Search by block hash: without 0x, upper case.
      await x.go('#/explorer');
      await x.search(block1.slice(2).toUpperCase());
      await x.blockPage(1).waitFor();
      // Search by transaction hash; a waiting transaction is found too.
      await x.search(tx2);
      await x.txPage(tx2).waitFor();
      assert.equal(await x.id('explorer-tx-status').getAttribute('data-status'), 'included');
      await x.search(tx3.slice(2));
      await x.txPage(tx3).waitFor();
      assert.equal(await x.id('explorer-tx-status').getAttribute('data-status'), 'pending');
      // Search by address: with 0x lower case, without 0x, upper case.
      for (const q of [TO.toLowerCase(), TO.slice(2), '0x' + TO.slice(2).toUpperCase()]) {
        await x.go('#/explorer');
        await x.search(q);
        await x.addressPage(TO).waitFor();
      }
      // Nothing matches, or not an identifier: said clearly, and the page stays.
      await x.search('99');
      assert.match(await x.text('explorer-search-error'), /^Nothing matches: no block at height 99: the tip is #2$/);
      await x.search('0x' + '0'.repeat(64));
      assert.match(await x.text('explorer-search-error'), /^Nothing matches: no block or transaction/);
      await x.search('0x' + '42'.repeat(20));
      assert.match(await x.text('explorer-search-error'), /^Nothing matches: the address 0x4242/);
      await x.search('banana');
      assert.match(await x.text('explorer-search-error'), /^Not a height, hash or address/);
      await x.search('0xabc');
      assert.match(await x.text('explorer-search-error'), /this has 3$/);
      await x.addressPage(TO).waitFor();

      // Links: block -> tx -> address -> tx.
      await x.go('#/explorer/block/1');
      await x.blockPage(1).waitFor();
      await x.id('explorer-block-next').click();
      await x.blockPage(2).waitFor();
      await x.id('explorer-block-prev').click();
      await x.blockPage(1).waitFor();
      await page.locator('[data-testid=explorer-block-entry][data-kind=tx] [data-testid=link-tx]').click();
      await x.txPage(tx1).waitFor();
      assert.match(await x.text('explorer-tx-status'), /^included, 2 confirmations$/);
      assert.equal(await x.id('explorer-tx-sender-check').getAttribute('data-ok'), 'true');
      assert.equal(await x.text('explorer-tx-recovered'), FROM);
      assert.equal(await x.text('explorer-tx-value-eth'), '1.5 ETH');
      assert.equal(await x.text('explorer-tx-fee'), '0.000042 ETH');
      assert.match(await x.text('explorer-tx-raw'), /^0x02/);
      assert.match(await x.text('explorer-tx-type'), /EIP-1559/);
      assert.equal(await x.text('explorer-tx-nonce'), '0');
      await page.locator('[data-testid=explorer-tx-from] [data-testid=link-address]').click();
      await x.addressPage(FROM).waitFor();
      assert.equal(await x.text('explorer-address-nonce'), '2');
      const rows = x.id('explorer-history-row');
      // Newest first: tx2 out, tx1 out, the genesis allocation.
      assert.equal(await rows.count(), 3);
      assert.deepEqual(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-direction'))), ['out', 'out', 'allocation']);
      assert.equal(await x.id('explorer-history-balance').first().innerText(), await x.text('explorer-address-balance'));
      assert.equal(await x.points('chart-balance').count(), 3);
      assert.ok((await x.id('explorer-identicon').innerHTML()).includes('<svg'));
      await x.id('explorer-address-qr-toggle').click();
      assert.ok((await x.id('explorer-address-qr').innerHTML()).includes('<svg'));
      await rows.nth(0).getByTestId('link-tx').click();
      await x.txPage(tx2).waitFor();
      assert.match(page.url(), new RegExp(`#/explorer/tx/${tx2}$`));

      // A deep link survives a reload (served from /blocklab/ by a plain static server).
      assert.match(page.url(), /\/blocklab\//);
      await app.reload();
      await x.txPage(tx2).waitFor();
      assert.equal(await x.id('explorer-tx-status').getAttribute('data-status'), 'included');
      // An address link typed in lower case opens the same page in a fresh load.
      await page.goto(`${suite.server.url}#/explorer/address/${FROM.toLowerCase()}`);
      await app.waitForApp();
      await x.addressPage(FROM).waitFor();
      // The mempool page lists the waiting transaction, linked.
      await x.id('explorer-nav-mempool').click();
      await x.id('explorer-mempool').waitFor();
      assert.equal(await x.id('explorer-mempool-row').count(), 1);
      assert.equal(await x.id('explorer-mempool-row').getByTestId('link-tx').getAttribute('data-full'), tx3);
      // The overview is live: mining the waiting transaction updates it.
      await x.go('#/ledger');
      await app.mine();
      await x.go('#/explorer');
      assert.equal(await x.text('explorer-height'), '#3');
      assert.equal(await x.points('chart-difficulty').count(), 4);
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
});
