// Real Ethereum: a real node (anvil from npm @foundry-rs/anvil, started here on a free loopback
// port, stopped afterwards), driven from the Network screen like a user: nothing is contacted
// before a URL is entered; connect; the wallet's accounts equal the node's dev accounts with the
// node's balances; send 1.5 ETH and see the receipt and both balances change on the node;
// a too-low nonce and an unreachable URL are reported in words and change nothing local.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { openApp, startSuite, ScreenPage } from './harness.mjs';
import { freePort, rpc, startAnvil } from './anvil.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';
const FROM = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const ACCOUNT_2 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TO = '0x000000000000000000000000000000000000bEEF';
const ETH = 10n ** 18n;
/** Exact decimal ETH, as the app writes it (`1.5 ETH`). */
function coins(wei) {
  const whole = wei / ETH;
  const frac = (wei % ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return `${frac ? `${whole}.${frac}` : whole} ETH`;
}

let suite;
let node;
before(async () => { [suite, node] = await Promise.all([startSuite(), startAnvil()]); });
after(async () => {
  await suite?.close();
  if (node) { node.child.kill(); await node.exited; }
});

class NetworkPage extends ScreenPage {
  async importDevWallet() { await this.importWallet(DEV_PHRASE, PASSWORD); }
  async connect(url) {
    await this.go('#/network');
    await this.id('rpc-url').fill(url);
    await this.id('rpc-connect').click();
  }
  async localState() {
    return this.page.evaluate(() => Object.fromEntries(
      Object.keys(localStorage).filter((k) => k !== 'blocklab.rpc').map((k) => [k, localStorage.getItem(k)]),
    ));
  }
}

describe('a real Ethereum node (anvil)', () => {
  test('nothing is contacted before a URL is entered; then status, accounts, send, receipt, errors', async () => {
    const { page, app, problems } = await openApp(suite);
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(suite.server.url)) requests.push(r.url()); });
    const n = new NetworkPage(page, app);
    await n.importDevWallet();
    // A second account, to compare more than one.
    await n.id('add-account').click();
    await page.getByTestId('account-card').nth(1).waitFor();
    await n.go('#/network');
    await n.id('rpc-settings').waitFor();
    await n.id('rpc-account-select').selectOption('0');
    assert.equal(await n.id('rpc-compare').isDisabled(), true, 'nothing to compare before connecting');
    await page.waitForTimeout(300);
    assert.deepEqual(requests, [], 'no request leaves the page before the user connects');

    // An unreachable URL: a clear message, nothing stored.
    const dead = `http://127.0.0.1:${await freePort()}`;
    await n.connect(dead);
    await n.id('rpc-error').waitFor();
    assert.match(await n.text('rpc-error'), /could not be reached.*CORS/s);
    assert.equal(await page.evaluate(() => localStorage.getItem('blocklab.rpc')), null);
    // Not a URL at all: refused before anything is sent.
    const before = requests.length;
    await n.connect('localhost:8545');
    assert.match(await n.text('rpc-error'), /not a JSON-RPC URL/);
    assert.equal(requests.length, before);

    // The real node: chain id, latest block, gas price, base fee, as the node itself reports.
    await n.connect(node.url);
    await n.id('rpc-connected').waitFor();
    assert.equal(await n.text('rpc-chain-id'), String(parseInt(await rpc(node.url, 'eth_chainId'), 16)));
    assert.equal(await n.text('rpc-chain-id'), '31337');
    assert.equal(await n.text('rpc-latest-block'), String(parseInt(await rpc(node.url, 'eth_blockNumber'), 16)));
    assert.match(await n.text('rpc-base-fee'), /gwei/);
    assert.match(await n.text('rpc-chain-note'), /anvil/);
    // The selected account as the node sees it.
    const nodeBalance = BigInt(await rpc(node.url, 'eth_getBalance', [FROM, 'latest']));
    await n.id('rpc-balance').waitFor();
    assert.equal(await n.text('rpc-account-address'), FROM);
    assert.equal(BigInt(await n.id('rpc-balance').getAttribute('data-wei')), nodeBalance);
    assert.equal(await n.text('rpc-balance'), coins(nodeBalance));
    assert.equal(await n.text('rpc-nonce'), '0');

    // Compare accounts: the wallet's derived accounts are the node's dev accounts.
    const nodeAccounts = await rpc(node.url, 'eth_accounts');
    await n.id('rpc-compare').click();
    await page.getByTestId('compare-row').first().waitFor();
    const rows = page.getByTestId('compare-row');
    assert.equal(await rows.count(), nodeAccounts.length);
    for (let i = 0; i < nodeAccounts.length; i += 1) {
      const row = rows.nth(i);
      assert.equal((await row.getByTestId('compare-node-address').innerText()).toLowerCase(), nodeAccounts[i].toLowerCase());
      const bal = BigInt(await rpc(node.url, 'eth_getBalance', [nodeAccounts[i], 'latest']));
      assert.equal(await row.getByTestId('compare-node-balance').innerText(), coins(bal));
    }
    assert.equal(await rows.nth(0).getByTestId('compare-verdict').innerText(), 'same address');
    assert.equal(await rows.nth(1).getByTestId('compare-verdict').innerText(), 'same address');
    assert.match(await rows.nth(1).getByTestId('compare-wallet-address').innerText(), new RegExp(ACCOUNT_2));
    assert.equal(await rows.nth(2).getByTestId("compare-verdict").innerText(), "not in this wallet");

    // Send 1.5 ETH: fill from the node, sign, broadcast, receipt.
    const local = await n.localState();
    const toBefore = BigInt(await rpc(node.url, 'eth_getBalance', [TO, 'latest']));
    const fromBefore = BigInt(await rpc(node.url, 'eth_getBalance', [FROM, 'latest']));
    await n.id('rpc-send-to').fill(TO);
    await n.id('rpc-send-amount').fill('1.5');
    await n.id('rpc-fill').click();
    await page.getByTestId('rpc-fill-note').filter({ hasText: 'Filled from the node' }).waitFor();
    assert.equal(await n.id('rpc-send-chain-id').inputValue(), '31337');
    assert.equal(await n.id('rpc-send-nonce').inputValue(), '0');
    assert.equal(await n.id('rpc-send-gas-limit').inputValue(), String(parseInt(await rpc(node.url, 'eth_estimateGas', [{ from: FROM, to: TO, value: '0x14d1120d7b160000' }]), 16)));
    await n.id('rpc-sign').click();
    await n.id('rpc-signed').waitFor();
    const hash = await n.text('rpc-signed-hash');
    await n.id('rpc-broadcast').click();
    await page.locator('[data-testid=rpc-send-result][data-ok=true]').waitFor({ timeout: 20_000 });
    assert.equal(await n.text('rpc-sent-hash'), hash, "the node's hash is the one computed here");
    await n.id('receipt-status').waitFor({ timeout: 20_000 });
    assert.match(await n.text('receipt-status'), /^success/);
    const receipt = await rpc(node.url, 'eth_getTransactionReceipt', [hash]);
    assert.equal(receipt.status, '0x1');
    assert.equal(await n.text('receipt-block'), String(parseInt(receipt.blockNumber, 16)));
    assert.equal(await n.text('receipt-gas-used'), String(parseInt(receipt.gasUsed, 16)));
    assert.equal(await n.text('receipt-from'), FROM);
    const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
    assert.equal(await n.text('receipt-fee'), coins(fee));
    // Both balances changed on the node: exactly 1.5 ETH in; 1.5 ETH + the fee out.
    const toAfter = BigInt(await rpc(node.url, 'eth_getBalance', [TO, 'latest']));
    const fromAfter = BigInt(await rpc(node.url, 'eth_getBalance', [FROM, 'latest']));
    assert.equal(toAfter - toBefore, 15n * ETH / 10n);
    assert.equal(fromBefore - fromAfter, 15n * ETH / 10n + fee);
    // The account panel reads the node again after the receipt.
    await page.getByTestId('rpc-nonce').filter({ hasText: '1' }).waitFor();
    assert.equal(BigInt(await n.id('rpc-balance').getAttribute('data-wei')), fromAfter);

    // A too-low nonce: the node's refusal in words; nothing local changes.
    await n.id('rpc-send-nonce').fill('0');
    await n.id('rpc-sign').click();
    await n.id('rpc-broadcast').click();
    await page.locator('[data-testid=rpc-send-result][data-ok=false]').waitFor({ timeout: 20_000 });
    assert.match(await n.text('rpc-send-result'), /nonce too low/i);
    assert.equal(BigInt(await rpc(node.url, 'eth_getBalance', [FROM, 'latest'])), fromAfter);
    assert.deepEqual(await n.localState(), local, 'the wallet, chain and mempool are untouched by broadcasts');

    // The URL is remembered (filled in after a reload) but not contacted until Connect.
    const seen = requests.length;
    await app.reload();
    await n.id('rpc-url').waitFor();
    assert.equal(await n.id('rpc-url').inputValue(), node.url);
    await page.waitForTimeout(300);
    assert.equal(requests.length, seen, 'a reload contacts nothing');
    assert.equal(await n.id('rpc-connected').count(), 0);
    // The only problems the page reported are the refused connection to the dead URL.
    assert.deepEqual(problems.filter((p) => !p.includes(dead) && !/ERR_CONNECTION_REFUSED/.test(p)), []);
  });

  test('a failing node: HTTP error, an answer that is not JSON-RPC, no answer at all', async () => {
    // A node that misbehaves on purpose, with CORS open so the browser lets the page read it.
    const bad = createHttpServer((req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-allow-headers', 'content-type');
      if (req.method === 'OPTIONS') { res.writeHead(204); res.end(); return; }
      if (req.url === '/500') { res.writeHead(500); res.end('boom'); return; }
      if (req.url === '/garbage') { res.writeHead(200); res.end('hello'); return; }
      // '/hang': read the request, never answer.
    });
    await new Promise((r) => bad.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${bad.address().port}`;
    try {
      const { page, app, problems } = await openApp(suite);
      const n = new NetworkPage(page, app);
      await n.connect(`${base}/500`);
      await page.getByTestId('rpc-error').filter({ hasText: 'HTTP 500' }).waitFor();
      assert.equal(await n.text('rpc-error'), 'The node answered HTTP 500: boom');
      await n.connect(`${base}/garbage`);
      await page.getByTestId('rpc-error').filter({ hasText: 'not valid JSON-RPC' }).waitFor();
      const started = Date.now();
      await n.connect(`${base}/hang`);
      await page.getByTestId('rpc-error').filter({ hasText: 'did not answer' }).waitFor({ timeout: 20_000 });
      assert.match(await n.text('rpc-error'), /^The node did not answer within 10 s$/);
      assert.ok(Date.now() - started >= 9_000, 'the time limit is about 10 s');
      assert.equal(await n.id('rpc-connected').count(), 0, 'never shown as connected');
      assert.equal(await page.evaluate(() => localStorage.getItem('blocklab.rpc')), null, 'a failed connect stores nothing');
      // Chromium logs the 500 itself, without the URL.
      assert.deepEqual(problems.filter((p) => !p.includes(base) && !/status of 500/.test(p)), []);
    } finally {
      bad.closeAllConnections();
      await new Promise((r) => bad.close(r));
    }
  });
});
