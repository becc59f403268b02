// The explorer on a real node (anvil, started here): nothing is asked before Connect; the app
// sends a transfer and the test sends others straight to the node (a contract deployed from raw
// bytecode and a call that emits a log); each is found by search and shown with the node's own
// values (compared field by field with eth_getTransactionReceipt); the overview follows new
// blocks while the page is visible and asks nothing while it is hidden; an address lists its
// transactions through ots_* and, behind a proxy that refuses ots_* and batches, through the
// scan; a 429, a malformed answer and an unreachable node read as words; a URL carrying a key
// is stored only when "remember" is ticked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, openApp, startSuite, ScreenPage } from './harness.mjs';
import { rpc, startAnvil, startProxy } from './anvil.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';
const SENDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'; // anvil's account 1, unlocked on the node
const OTHER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'; // anvil's account 2
const TO = '0x000000000000000000000000000000000000bEEF';
// Init code returning a 13-byte runtime that stores 42 and emits LOG1(topic 0x77, 32 bytes of 42).
const INIT = '0x600d600c600039600d6000f3602a600052607760206000a100';
const TOPIC = `0x${'77'.padStart(64, '0')}`;
const DATA = `0x${'2a'.padStart(64, '0')}`;

let suite;
let node;
let proxy;
let plain;
before(async () => {
  [suite, node] = await Promise.all([startSuite(), startAnvil()]);
  [proxy, plain] = await Promise.all([startProxy(node.url), startProxy(node.url, 'plain')]);
});
after(async () => {
  await suite?.close();
  await proxy?.close();
  await plain?.close();
  if (node) { node.child.kill(); await node.exited; }
});

async function sendFromNode(tx) {
  const hash = await rpc(node.url, 'eth_sendTransaction', [{ from: SENDER, ...tx }]);
  for (let i = 0; i < 50; i += 1) {
    const r = await rpc(node.url, 'eth_getTransactionReceipt', [hash]);
    if (r) return hash;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no receipt for ${hash}`);
}

class Explorer extends ScreenPage {
  async connect(url) {
    await this.go('#/network');
    await this.id('rpc-url').fill(url);
    await this.id('rpc-connect').click();
    await this.page.locator('[data-testid=rpc-connected]', { hasText: url }).waitFor();
  }
  async search(text) {
    await this.id('explorer-search').fill(text);
    await this.id('explorer-search-submit').click();
  }
  /** The shown value of `node-<prefix>-<key>`. */
  field(prefix, key) { return this.text(`node-${prefix}-${key}`); }
}

const num = (hex) => BigInt(hex).toString();

describe('the explorer on a real node', () => {
  test('search, pages with the node values, live overview, ots and scan, errors in words', async () => {
    const { page, app, problems } = await openApp(suite);
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(suite.server.url)) requests.push(r.url()); });
    const x = new Explorer(page, app);

    // Nothing is asked before Connect, even through a deep link into a node page.
    await x.go('#/explorer/node');
    await x.id('node-not-connected').waitFor();
    assert.equal(await x.id('explorer-source').getAttribute('data-source'), 'node');
    await x.go('#/explorer/node/block/1');
    await x.id('node-not-connected').waitFor();
    await x.search('1');
    await x.id('explorer-search-error').waitFor();
    assert.match(await x.text('explorer-search-error'), /Connect to a node/);
    await page.waitForTimeout(300);
    assert.deepEqual(requests, [], 'no request before Connect');
    assert.deepEqual(proxy.log, []);

    // The test's own transactions, straight to the node.
    const deploy = await sendFromNode({ data: INIT });
    const contract = (await rpc(node.url, 'eth_getTransactionReceipt', [deploy])).contractAddress;
    const call = await sendFromNode({ to: contract, data: '0x' });
    const transfer = await sendFromNode({ to: TO, value: '0xde0b6b3a7640000' });

    // The app's own transfer, signed here and broadcast from the Network screen.
    await x.importWallet(DEV_PHRASE, PASSWORD);
    await x.connect(proxy.url);
    await x.id('rpc-send-to').fill(TO);
    await x.id('rpc-send-amount').fill('0.25');
    await x.id('rpc-fill').click();
    await page.getByTestId('rpc-fill-note').filter({ hasText: 'Filled from the node' }).waitFor();
    await x.id('rpc-sign').click();
    const mine = await x.text('rpc-signed-hash');
    await x.id('rpc-broadcast').click();
    await x.id('receipt-status').waitFor({ timeout: 20_000 });

    // The overview: the node's head, and it follows a new block.
    await x.id('rpc-explore').click();
    await x.id('node-overview').waitFor();
    const head = Number(await rpc(node.url, 'eth_blockNumber'));
    await page.locator(`[data-testid=node-head][data-number="${head}"]`).waitFor();
    assert.match(await x.text('node-chain'), /31337 \(local development node/);
    assert.equal(await page.getByTestId('node-block-row').count(), head + 1);
    assert.ok(await page.locator(`[data-testid=node-tx-row][data-hash="${mine}"]`).count() >= 1, 'the app transfer is among the latest');
    await page.locator('[data-testid=chart-gas-used] [data-testid=chart-point]').first().waitFor();
    assert.deepEqual(await checkLayout(page), [], 'the overview fits 390 px and passes axe');
    await rpc(node.url, 'evm_mine');
    await page.locator(`[data-testid=node-head][data-number="${head + 1}"]`).waitFor({ timeout: 10_000 });
    // Hidden (another tab in front): no polling; shown again: it follows the head again.
    await page.evaluate(() => { Object.defineProperty(document, 'hidden', { value: true, configurable: true }); });
    await page.waitForTimeout(500);
    const asked = proxy.log.length;
    await page.waitForTimeout(4500);
    assert.equal(proxy.log.length, asked, 'no request while the page is hidden');
    await page.evaluate(() => { Object.defineProperty(document, 'hidden', { value: false, configurable: true }); });
    await rpc(node.url, 'evm_mine');
    await page.locator(`[data-testid=node-head][data-number="${head + 2}"]`).waitFor({ timeout: 10_000 });

    // Every transaction found by search, shown with the node's own values.
    for (const hash of [deploy, call, transfer, mine]) {
      await x.search(hash);
      await page.locator(`[data-testid=node-tx][data-hash="${hash}"] [data-testid=node-receipt]`).waitFor();
      const tx = await rpc(node.url, 'eth_getTransactionByHash', [hash]);
      const r = await rpc(node.url, 'eth_getTransactionReceipt', [hash]);
      assert.match(await x.field('receipt', 'status'), r.status === '0x1' ? /^success/ : /^reverted/);
      assert.equal(await x.field('receipt', 'block'), num(r.blockNumber));
      assert.equal(await x.field('receipt', 'gas-used'), num(r.gasUsed));
      assert.equal(await x.field('receipt', 'cumulative-gas-used'), num(r.cumulativeGasUsed));
      assert.match(await x.field('receipt', 'effective-gas-price'), new RegExp(`\\(${num(r.effectiveGasPrice)} wei\\)`));
      assert.match(await x.field('receipt', 'fee'), new RegExp(`\\(${BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice)} wei\\)`));
      assert.equal((await x.field('receipt', 'contract')).toLowerCase(), r.contractAddress ? r.contractAddress.toLowerCase() : 'none');
      assert.equal(await x.field('receipt', 'log-count'), String(r.logs.length));
      const topics = await page.getByTestId('node-log-topic').allInnerTexts();
      assert.deepEqual(topics, r.logs.flatMap((l) => l.topics));
      assert.deepEqual(await page.getByTestId('node-log-data').allInnerTexts(), r.logs.map((l) => l.data));
      assert.equal((await x.field('tx', 'from')).toLowerCase(), tx.from.toLowerCase());
      assert.equal(await x.field('tx', 'nonce'), num(tx.nonce));
      assert.equal(await x.field('tx', 'gas'), num(tx.gas));
      assert.match(await x.field('tx', 'value'), new RegExp(`\\(${num(tx.value)} wei\\)`));
      assert.equal(await x.id('node-sender-check').getAttribute('data-verdict'), 'agrees', 'the sender recovered here is the node\'s from');
      assert.equal(await x.text('node-tx-raw'), await rpc(node.url, 'eth_getRawTransactionByHash', [hash]));
    }
    await x.search(deploy);
    await page.locator(`[data-testid=node-tx][data-hash="${deploy}"] [data-testid=node-receipt]`).waitFor();
    assert.deepEqual(await checkLayout(page), [], 'a deployment page (long input and raw hex) fits 390 px and passes axe');
    // The call's log, as the bytecode emits it.
    await x.search(call);
    await page.locator(`[data-testid=node-tx][data-hash="${call}"] [data-testid=node-log]`).waitFor();
    assert.deepEqual(await page.getByTestId('node-log-topic').allInnerTexts(), [TOPIC]);
    assert.deepEqual(await page.getByTestId('node-log-data').allInnerTexts(), [DATA]);

    // Blocks by number and by hash.
    const deployBlock = await rpc(node.url, 'eth_getBlockByNumber', [(await rpc(node.url, 'eth_getTransactionReceipt', [deploy])).blockNumber, false]);
    for (const q of [num(deployBlock.number), deployBlock.hash]) {
      await x.search(q);
      await page.locator(`[data-testid=node-block-loaded][data-hash="${deployBlock.hash}"]`).waitFor();
      assert.equal(await x.field('block', 'gas-used'), num(deployBlock.gasUsed));
      assert.equal(await x.field('block', 'base-fee').then((t) => t.match(/\((\d+) wei\)/)[1]), num(deployBlock.baseFeePerGas));
      assert.equal(await x.field('block', 'state-root'), deployBlock.stateRoot);
      assert.equal(await page.locator(`[data-testid=node-tx-row][data-hash="${deploy}"]`).count(), 1);
    }
    await x.search(`0x${'ab'.repeat(32)}`);
    await page.getByTestId('explorer-search-error').filter({ hasText: 'no transaction and no block' }).waitFor();

    // Addresses: the contract's code; the sender's transactions through Otterscan.
    await x.search(contract);
    await page.locator('[data-testid=node-address-code]').waitFor();
    assert.equal(await x.id('node-address-code').getAttribute('data-size'), String(((await rpc(node.url, 'eth_getCode', [contract, 'latest'])).length - 2) / 2));
    await x.search(SENDER.toLowerCase().slice(2));
    await page.locator('[data-testid=node-history][data-method=ots]').waitFor();
    assert.equal(await x.id('node-address-balance').getAttribute('data-wei'), num(await rpc(node.url, 'eth_getBalance', [SENDER, 'latest'])));
    assert.equal(await x.text('node-address-nonce'), num(await rpc(node.url, 'eth_getTransactionCount', [SENDER, 'latest'])));
    const otsRows = await page.getByTestId('node-tx-row').evaluateAll((rows) => rows.map((r) => r.dataset.hash));
    assert.deepEqual(otsRows, [transfer, call, deploy], 'newest first');
    assert.ok(proxy.log.includes('batch'), 'the node accepts batches: the explorer used them');
    assert.ok(proxy.log.includes('ots_searchTransactionsBefore'));

    // The pending pool (anvil offers txpool_content): a transaction waiting while mining is off.
    await rpc(node.url, 'evm_setAutomine', [false]);
    const waiting = await rpc(node.url, 'eth_sendTransaction', [{ from: OTHER, to: TO, value: '0x1' }]);
    await x.id('explorer-nav-pool').click();
    await page.locator(`[data-testid=node-pool] [data-testid=node-tx-row][data-hash="${waiting}"]`).waitFor();
    await rpc(node.url, 'evm_setAutomine', [true]);
    await rpc(node.url, 'evm_mine');
    await x.go('#/explorer/node');
    await x.id('explorer-nav-pool').click();
    await x.id('node-pool-empty').waitFor();

    // Behind a proxy that refuses ots_*, txpool_* and batches: the scan finds the same.
    // Its URL carries a provider-style key: kept for this session only, unless "remember".
    const keyed = `${plain.url}/v3/0123456789abcdef0123456789abcdef`;
    const stored = () => page.evaluate(() => localStorage.getItem('blocklab.rpc'));
    await x.connect(keyed);
    assert.match(await x.text('rpc-kept'), /session only/);
    assert.equal(await stored(), null, 'a URL carrying a key is not stored');
    await x.id('rpc-remember').check();
    await x.id('rpc-connect').click();
    await page.getByTestId('rpc-kept').filter({ hasText: 'remembered' }).waitFor();
    assert.match(await stored(), /0123456789abcdef0123456789abcdef/);
    // 60 more blocks, and a slow node: the scan shows its progress and stops on Cancel.
    await rpc(node.url, 'anvil_mine', ['0x3c']);
    plain.delayMs = 100;
    await x.go(`#/explorer/node/address/${SENDER}`);
    await x.id('node-scan-cancel').click();
    await page.locator('[data-testid=node-history][data-method=scan][data-running=false]').waitFor({ timeout: 20_000 });
    assert.match(await x.text('node-scan-sentence'), /^Stopped after 25 of \d+ blocks, \d+ down to \d+: .*older blocks were not scanned/);
    assert.equal(await x.id('node-scan-progress').getAttribute('value'), '25');
    plain.delayMs = 0;
    await x.go('#/explorer/node/pool');
    await x.go(`#/explorer/node/address/${SENDER}`);
    await page.locator('[data-testid=node-history][data-method=scan][data-running=false]').waitFor({ timeout: 20_000 });
    const scanned = await page.getByTestId('node-tx-row').evaluateAll((rows) => rows.map((r) => r.dataset.hash));
    assert.deepEqual(scanned, otsRows);
    assert.match(await x.text('node-scan-sentence'), /Looked at every block, \d+ down to 0 \(\d+ blocks\): 3 transactions found/);
    assert.ok(!plain.log.includes('batch') || plain.log.filter((m) => m === 'batch').length === 1, 'one refused batch, then single calls');
    assert.deepEqual(await checkLayout(page), [], 'a scan result fits 390 px and passes axe');
    await x.id('explorer-nav-pool').click();
    await x.id('node-pool-unavailable').waitFor();
    assert.match(await x.text('node-pool-unavailable'), /does not offer txpool_content/);

    // A rate limit, a malformed answer and an unreachable node: words, and the page stands.
    plain.mode = '429';
    await x.go(`#/explorer/node/address/${TO}`);
    await page.getByTestId('node-error').filter({ hasText: 'HTTP 429' }).first().waitFor();
    await x.id('node-address').waitFor();
    plain.mode = 'malformed';
    await x.go(`#/explorer/node/address/${contract}`);
    await page.getByTestId('node-error').filter({ hasText: 'not valid JSON-RPC' }).first().waitFor();
    await plain.close();
    await x.go(`#/explorer/node/address/${SENDER}`);
    await page.getByTestId('node-error').filter({ hasText: 'could not be reached' }).first().waitFor();
    await x.id('node-address-full').waitFor();

    // A deep link after a reload: nothing asked until the remembered URL is connected by a click.
    await x.connect(proxy.url);
    await x.go(`#/explorer/node/tx/${transfer}`);
    await page.locator(`[data-testid=node-tx][data-hash="${transfer}"] [data-testid=node-receipt]`).waitFor();
    const shown = proxy.log.length;
    await app.reload();
    await x.id('node-not-connected').waitFor();
    await page.waitForTimeout(300);
    assert.equal(proxy.log.length, shown, 'a reload on a node page asks nothing');
    await x.id('node-connect').click();
    await page.locator(`[data-testid=node-tx][data-hash="${transfer}"] [data-testid=node-receipt]`).waitFor();

    const expected = (p) => /HTTP 429|HTTP 400|status of (400|429)|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_FAILED|Failed to fetch|CORS/.test(p);
    assert.deepEqual(problems.filter((p) => !expected(p)), []);
  });
});
