// The ledger as a currency, driven like a user: import the public development wallet, send
// 1.5 ETH, watch it wait in the mempool, mine it, check the exact balances and nonce, replay it
// and overspend (both refused), reload (mempool and balances persist), and tamper with the
// mined amount (the signature no longer matches the sender; re-mining does not repair it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startSuite, ScreenPage } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const PASSWORD = 'correct horse battery';
const FROM = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const MINER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const ETH = 10n ** 18n;
const GWEI = 10n ** 9n;
// EIP-1559 defaults of the form: 1 gwei tip, 2 gwei cap; the lab's base fee is 1 gwei, so the
// effective price is min(2, 1 + 1) = 2 gwei and the miner's tip is 1 gwei per gas.
const FEE = 21000n * 2n * GWEI;
const TIP = 21000n * 1n * GWEI;

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** Exact decimal ETH of a wei amount, as the core's `Wei::to_coins` writes it. */
function coins(wei) {
  const whole = wei / ETH;
  const frac = (wei % ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

class CurrencyPage extends ScreenPage {
  async importDevWallet() { await this.importWallet(DEV_PHRASE, PASSWORD); }
  balanceRow(address) { return this.page.locator(`[data-testid=balance-row][data-address="${address}"]`); }
  async balanceWei(address) { return BigInt(await this.balanceRow(address).getByTestId('balance-eth').getAttribute('data-wei')); }
  async balanceText(address) { return this.balanceRow(address).getByTestId('balance-eth').innerText(); }
  async nonce(address) { return this.balanceRow(address).getByTestId('balance-nonce').innerText(); }
  async send(to, amount) {
    await this.id('send-to').fill(to);
    await this.id('send-amount').fill(amount);
    await this.id('send-sign').click();
    await this.id('signed-tx').waitFor();
    await this.id('send-submit').click();
    await this.id('send-submit-result').waitFor();
    return { raw: await this.text('signed-raw'), hash: await this.text('signed-hash') };
  }
}

describe('currency', () => {
  test('send 1.5 ETH, mine it, exact balances; replay and overspend refused; persists; tampering breaks the signature', async () => {
    const session = await openApp(suite, { path: '#/tx' });
    const { page, app } = session;
    const c = new CurrencyPage(page, app);
    try {
      // Genesis funds the public development accounts; the UI says their keys are public.
      assert.equal(await c.balanceWei(FROM), 10_000n * ETH);
      assert.equal(await c.balanceRow(FROM).getAttribute('data-dev'), 'true');
      assert.match(await c.text('dev-keys-note'), /keys are PUBLIC/);

      await c.importDevWallet();
      // Wallet account cards show balance and nonce, and mark the key as public.
      assert.equal(await c.id('account-balance').first().innerText(), '10000 ETH');
      assert.equal(await c.id('account-nonce').first().innerText(), '0');
      assert.match(await c.id('account-dev').first().innerText(), /PUBLIC test key/);

      await c.go('#/tx');
      await c.id('send-sign').waitFor();
      assert.equal(await c.id('send-nonce').inputValue(), '0');
      assert.equal(await c.id('send-balance').getAttribute('data-wei'), String(10_000n * ETH));
      // The miner's coinbase goes to dev account #2 (pasted; its checksum is checked).
      await c.id('beneficiary-input').fill(MINER.replace('3C44', '3c44'));
      assert.match(await c.text('beneficiary-error'), /checksum/);
      await c.id('beneficiary-input').fill(MINER);
      assert.equal(await c.text('beneficiary-current'), MINER);

      // Send 1.5 ETH: it waits in the mempool as pending.
      const { raw, hash } = await c.send(TO.toLowerCase(), '1.5');
      assert.equal(await c.id('send-submit-result').getAttribute('data-ok'), 'true');
      assert.match(await c.text('send-submit-result'), /^Pending/);
      const rows = c.id('mempool-row');
      assert.equal(await rows.count(), 1);
      assert.equal(await rows.first().getAttribute('data-hash'), hash);
      assert.equal(await rows.first().getAttribute('data-status'), 'pending');
      assert.equal(await c.text('mempool-from'), FROM);
      assert.equal(await c.text('mempool-to'), TO);
      assert.equal(await c.text('mempool-value'), '1.5 ETH');
      assert.equal(await c.text('mempool-nonce'), '0');
      assert.match(await c.text('mempool-tip'), /^1 gwei \/ 2 gwei$/);
      assert.match(await c.text('mempool-replace-hint'), /nonce 0 again with a max fee ≥ 2\.2 gwei and a tip ≥ 1\.1 gwei/);
      // The next nonce accounts for the pending transaction; nothing is mined yet.
      assert.equal(await c.id('send-nonce').inputValue(), '1');
      assert.equal(await c.nonce(FROM), '0');
      assert.equal(await c.balanceWei(FROM), 10_000n * ETH);

      // Mine at low difficulty on the ledger screen: the transaction is in the new block.
      await c.go('#/ledger');
      await app.setDifficulty(4);
      await app.mine();
      const block = app.block(1);
      assert.equal(await block.getAttribute('data-valid'), 'true');
      const txEntry = block.locator(`[data-testid=block-entry][data-kind=tx][data-hash="${hash}"]`);
      assert.match(await txEntry.innerText(), /1\.5 ETH, fee 0\.000042 ETH, nonce 0/);
      assert.match(await block.locator('[data-testid=block-entry][data-kind=coinbase]').innerText(), /receives 2\.000021 ETH/);

      // Mempool empty, balances exact, sender nonce 1, confirmations counted.
      await c.go('#/tx');
      await c.id('mempool-empty').waitFor();
      assert.equal(await c.balanceWei(FROM), 10_000n * ETH - 15n * ETH / 10n - FEE);
      assert.equal(await c.balanceText(FROM), coins(10_000n * ETH - 15n * ETH / 10n - FEE));
      assert.equal(await c.balanceText(FROM), '9998.499958');
      assert.equal(await c.balanceText(TO), '10001.5');
      assert.equal(await c.balanceWei(MINER), 10_000n * ETH + 2n * ETH + TIP);
      assert.equal(await c.nonce(FROM), '1');
      const history = c.balanceRow(FROM).locator(`[data-testid=account-tx][data-hash="${hash}"]`);
      assert.equal(await history.getAttribute('data-confirmations'), '1');
      assert.equal(await c.id('send-balance').getAttribute('data-wei'), String(10_000n * ETH - 15n * ETH / 10n - FEE));

      // The same raw transaction again: refused as already used (replay), from both tools.
      await c.id('send-submit').click();
      assert.equal(await c.id('send-submit-result').getAttribute('data-ok'), 'false');
      assert.match(await c.text('send-submit-result'), /already in block #1.*already used \(replay\)/);
      await c.id('verify-tx-raw').fill(raw);
      assert.equal(await c.id('verify-tx-state-included').getAttribute('data-check'), 'fail');
      assert.match(await c.text('verify-tx-state-included'), /Already included in block #1 \(1 confirmation\)/);
      assert.match(await c.text('verify-tx-state-nonce'), /Nonce 0 is already used: the sender's next nonce is 1/);
      await c.id('verify-tx-submit').click();
      assert.match(await c.text('verify-tx-submit-result'), /Refused: this transaction is already in block #1.*replay/);
      assert.equal(await c.id('mempool-row').count(), 0);

      // More than the balance: insufficient funds with balance and need; nothing added.
      await c.id('send-to').fill(TO);
      await c.id('send-amount').fill('20000');
      await c.id('send-sign').click();
      await c.id('send-submit').click();
      assert.equal(await c.id('send-submit-result').getAttribute('data-ok'), 'false');
      assert.match(await c.text('send-submit-result'), /Insufficient funds: balance 9998\.499958 ETH, needs 20000\.000042 ETH/);
      assert.equal(await c.id('mempool-row').count(), 0);

      // A second transfer waits (nonce 1); a reload keeps it and the balances.
      const second = await c.send(TO, '2');
      assert.match(await c.text('send-submit-result'), /^Pending/);
      assert.equal(await c.text('mempool-nonce'), '1');
      await app.reload();
      await c.id('mempool-row').first().waitFor();
      assert.equal(await c.id('mempool-row').count(), 1);
      assert.equal(await c.id('mempool-row').first().getAttribute('data-hash'), second.hash);
      assert.equal(await c.balanceText(FROM), '9998.499958');
      assert.equal(await c.nonce(FROM), '1');
      assert.equal(await c.balanceText(TO), '10001.5');

      // Tamper with the mined amount: the signature no longer matches the sender.
      await c.go('#/ledger');
      await c.id('tamper-toggle').check();
      const before = await block.getAttribute('data-hash');
      await block.getByTestId('tamper-tx-value').fill('100');
      await page.waitForFunction((old) => document.querySelector('[data-testid=block-card][data-height="1"]').getAttribute('data-hash') !== old, before);
      assert.equal(await block.getAttribute('data-valid'), 'false');
      const reasons = async () => (await block.getByTestId('block-problem').allInnerTexts()).join(' | ');
      assert.match(await reasons(), /signature does not match the sender 0xf39F.*changed after it was signed/);
      // Re-mining fixes the proof of work, not the forged transaction.
      await block.getByTestId('remine-button').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid=cancel-mine]') && document.querySelector('[data-testid=mining-result]'));
      assert.equal(await block.getAttribute('data-valid'), 'false');
      assert.doesNotMatch(await reasons(), /proof of work/i);
      assert.match(await reasons(), /signature does not match the sender/);
      assert.equal(await app.block(0).getAttribute('data-valid'), 'true');
      // No block on the invalid tip: the Ledger and the mempool say why and what to do, both
      // Mine buttons are refused, and the waiting transfer stays in the mempool.
      await c.id('tamper-toggle').uncheck();
      assert.ok(await c.id('mine-button').isDisabled());
      assert.match(await c.text('mine-invalid-tip'), /Cannot mine on this chain: the tip, block #1, is invalid.*drop block #1 and mine on the valid prefix/s);
      await c.go('#/tx');
      assert.match(await c.text('mine-invalid-tip'), /Cannot mine on this chain: the tip, block #1, is invalid/);
      assert.ok(await c.id('mempool-mine').isDisabled());
      assert.equal(await c.id('mempool-row').count(), 1);
      assert.equal(await c.id('mempool-row').first().getAttribute('data-hash'), second.hash);
      // Mining on the valid prefix drops the forged block. Storage still holds the honest
      // chain this page saved before its reload (tamper mode never overwrites a heavier stored
      // chain), so the tab then adopts it, as a peer's heavier valid chain: block #1 is the
      // original again, and the second transfer waits behind it, pending. Nothing is lost.
      await c.id('mine-on-valid-prefix').click();
      await page.waitForFunction((h) => !document.querySelector('[data-testid=mine-invalid-tip]')
        && document.querySelector(`[data-testid=mempool-row][data-hash="${h}"]`)?.dataset.status === 'pending', second.hash, { timeout: 10_000 });
      assert.equal(await c.id('mempool-row').count(), 1);
      await c.go('#/ledger');
      assert.match(await c.text('import-message'), /^Dropped 1 invalid block from #1: 0 records back to the pending list/);
      await page.waitForFunction(() => /adopted the heavier chain another tab stored \(2 blocks\)/.test(document.querySelector('[data-testid=peer-log]')?.innerText ?? ''));
      assert.equal(await app.blockCount(), 2);
      for (const h of [0, 1]) assert.equal(await app.block(h).getAttribute('data-valid'), 'true');
      assert.equal(await app.block(1).locator(`[data-testid=block-entry][data-kind=tx][data-hash="${hash}"]`).count(), 1);
      assert.ok(!(await c.id('mine-button').isDisabled()));
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
  test('a nonce gap is queued, a replacement needs +10% fees, a wrong chain id is refused, a new chain returns mined transactions', async () => {
    const session = await openApp(suite, { path: '#/tx' });
    const { page, app } = session;
    const c = new CurrencyPage(page, app);
    try {
      await c.importDevWallet();
      await c.go('#/tx');
      await c.id('send-sign').waitFor();
      // Nonce 2 while the next is 0: queued behind the gap.
      await c.id('send-nonce').fill('2');
      const queued = await c.send(TO, '1');
      assert.match(await c.text('send-submit-result'), /^Queued/);
      assert.equal(await page.locator(`[data-testid=mempool-row][data-hash="${queued.hash}"]`).getAttribute('data-status'), 'queued');
      // Back to the next nonce (0): pending, listed before the queued one.
      await c.id('send-nonce-auto').click();
      assert.equal(await c.id('send-nonce').inputValue(), '0');
      const first = await c.send(TO, '1');
      assert.match(await c.text('send-submit-result'), /^Pending/);
      assert.deepEqual(await c.id('mempool-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))), ['pending', 'queued']);
      // Same nonce, same fees: underpriced; +10% in both fees: replaced.
      await c.id('send-nonce').fill('0');
      await c.send(TO, '1.25');
      assert.equal(await c.id('send-submit-result').getAttribute('data-ok'), 'false');
      assert.match(await c.text('send-submit-result'), /Replacement underpriced: a transaction with nonce 0 is already waiting; a replacement needs a max fee of at least 2200000000 and a priority fee of at least 1100000000 wei per gas/);
      await c.id('send-priority-fee').fill('1.1');
      await c.id('send-max-fee').fill('2.2');
      const replacement = await c.send(TO, '1.25');
      assert.match(await c.text('send-submit-result'), /^Replaced/);
      assert.equal(await c.id('mempool-row').count(), 2);
      assert.equal(await page.locator(`[data-testid=mempool-row][data-hash="${first.hash}"]`).count(), 0);
      assert.equal(await c.id('mempool-row').first().getAttribute('data-hash'), replacement.hash);
      // Signed for chain 1: refused by the chain id rule.
      await c.id('send-chain-id').fill('1');
      await c.send(TO, '1');
      assert.match(await c.text('send-submit-result'), /Refused: Wrong chain id: signed for 1, this chain is 1337/);
      assert.equal(await c.id('mempool-row').count(), 2);

      // Mine the replacement, then start a new chain: it goes back to the mempool.
      await c.go('#/ledger');
      await app.setDifficulty(4);
      await app.mine();
      assert.equal(await app.block(1).locator(`[data-testid=block-entry][data-hash="${replacement.hash}"]`).count(), 1);
      await c.id('new-chain-button').click();
      await c.id('confirm-new-chain').click();
      assert.match(await c.text('import-message'), /1 transaction of the dropped blocks went back to the mempool/);
      assert.equal(await app.blockCount(), 1);
      await c.go('#/tx');
      assert.deepEqual(await c.id('mempool-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-hash'), r.getAttribute('data-status')])),
        [[replacement.hash, 'pending'], [queued.hash, 'queued']]);
      assert.equal(await c.nonce(FROM), '0');
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
});
