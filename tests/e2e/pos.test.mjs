// Proof of stake on the Nodes screen (#/nodes, "Proof of stake"), driven like a user: a run
// that justifies and finalizes; more than 1/3 of the stake offline stops finality, which resumes
// when they return; an equivocating validator is slashed with the evidence in the log; a split
// network finalizes on neither side and agrees again after healing; a tampered block is refused
// with the reason; deposits from the unlocked wallet (refused below the minimum and above the
// balance or from a development account that is a genesis validator already, then accepted
// and active) and exits (an unknown validator refused).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, withApp, ScreenPage } from './harness.mjs';

const WAIT = { timeout: 60_000 };
const DEV_PHRASE = 'test test test test test test test test test test test junk';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

class PosPage extends ScreenPage {
  async open({ validators = 16, nodes = 4, speed = 50 } = {}) {
    await this.go('#/nodes');
    await this.id('mode-pos').click();
    await this.id('pos-controls').waitFor(WAIT);
    await this.id('pos-validators').fill(String(validators));
    await this.id('pos-nodes').fill(String(nodes));
    await this.id('pos-restart').click();
    await this.until('pos-slot', '0');
    await this.id('pos-speed').selectOption(String(speed));
  }
  async num(testid) { return Number((await this.text(testid)).trim()); }
  async until(testid, ok, timeout = WAIT.timeout) {
    const test = typeof ok === 'string' ? (t) => t === ok : ok;
    const deadline = Date.now() + timeout;
    let last = '';
    while (Date.now() < deadline) {
      const loc = this.id(testid);
      if (await loc.count()) {
        last = (await loc.first().innerText()).trim();
        if (test(last)) return last;
      }
      await this.page.waitForTimeout(50);
    }
    throw new Error(`${testid}: still "${last}"`);
  }
  /** Runs until the slot counter reaches `slot`, then pauses. */
  async runTo(slot) {
    if ((await this.text('pos-play')) === 'Run') await this.id('pos-play').click();
    await this.until('pos-slot', (t) => Number(t) >= slot);
    await this.id('pos-play').click();
    await this.until('pos-play', 'Run');
  }
  async log() { return this.text('pos-log'); }
}

describe('proof of stake', () => {
  test('finality: an honest run finalizes; more than 1/3 offline stops it until they return', async () => {
    await withApp(suite, async ({ page, app }) => {
      const p = new PosPage(page, app);
      await p.open();
      await p.runTo(40);
      const finalized = await p.num('pos-finalized');
      assert.ok(finalized >= 3, `finalized epoch ${finalized} after 5 epochs`);
      assert.match(await p.text('pos-finality-status'), /^Finality can advance/);
      assert.match(await p.log(), /epoch \d+ finalized: the next checkpoint was justified on top of it/);
      // Every node agrees on the finalized checkpoint.
      for (const n of ['A', 'B', 'C', 'D']) assert.match(await p.text(`pos-node-finalized-${n}`), /^epoch \d+$/);

      await p.id('pos-offline-third').click();
      assert.match(await p.until('pos-message', (t) => t.includes('offline')), /finality stops$/);
      assert.match(await p.text('pos-finality-status'), /^Finality stopped: only \d+ of \d+ ETH/);
      const slot = await p.num('pos-slot');
      const stalled = await p.num('pos-finalized');
      await p.runTo(slot + 32);
      assert.ok((await p.num('pos-finalized')) <= stalled + 1, 'finality went on with more than 1/3 offline');
      assert.match(await p.text('pos-validators-card'), /offline/);

      await p.id('pos-offline-third').click();
      await p.until('pos-finality-status', (t) => t.startsWith('Finality can advance'));
      const back = await p.num('pos-slot');
      const before = await p.num('pos-finalized');
      await p.runTo(back + 32);
      assert.ok((await p.num('pos-finalized')) >= before + 2, 'finality did not resume');
      // The comparison panel reads both runs.
      assert.match(await p.text('compare-finality'), /finalized checkpoint is epoch \d+/);
      assert.match(await p.text('compare-attacker'), /1\/3 of the stake \([\d.]+ ETH\) to stop finality/);
      assert.match(await p.text('compare-work'), /\d+ signatures made, \d+ checked/);
    });
  });

  test('an equivocator is slashed with the evidence; a tampered block is refused with the reason', async () => {
    await withApp(suite, async ({ page, app }) => {
      const p = new PosPage(page, app);
      await p.open();
      await p.runTo(4);
      await p.id('pos-equivocator').fill('3');
      await p.id('pos-equivocate').click();
      await p.until('pos-message', (t) => t.startsWith('Validator #3 now signs two'));
      await p.until('pos-validator-status-3', 'equivocating');
      await p.runTo(26);
      await p.until('pos-validator-status-3', 'slashed');
      assert.match(await p.log(), /took evidence that validator #3 (signed two blocks for one slot|voted twice for one target epoch|made a surround vote) \((blocks|votes) .+\): slashed 1\/32 of its stake and ejected/);
      assert.ok(Number((await p.text('pos-validator-balance-3')).replace(' ETH', '')) < 32, 'no stake lost');
      // Unknown validator: refused in words.
      await p.id('pos-equivocator').fill('999');
      await p.id('pos-equivocate').click();
      assert.equal(await p.until('pos-error', (t) => t.length > 0), 'There is no validator #999 whose key this lab holds');

      await p.id('pos-tamper-B').click();
      await p.until('pos-message', (t) => t.startsWith('Node B sent its head block'));
      assert.match(await p.log(), /node [ACD] refused from node B: block 0x[0-9a-f]{6}…[0-9a-f]{4} of slot \d+: the body does not match the root the proposer signed: it was changed after signing/);
      await p.until('pos-node-B', (t) => t.includes('compromised'));
      // As on the proof-of-work side, the refusal stays on the link it came over.
      assert.match(await p.until('pos-link-rejection-A-B', (t) => t.length > 0), /^node A refused from node B: block 0x.+ it was changed after signing/);
    });
  });

  test('a split network finalizes on neither side, then agrees again when healed', async () => {
    await withApp(suite, async ({ page, app }) => {
      const p = new PosPage(page, app);
      await p.open();
      // One link, cut and restored by hand.
      await p.id('pos-link-toggle-A-B').click();
      assert.equal(await p.until('pos-message', (t) => t.startsWith('Link A-B')), 'Link A-B cut');
      assert.match(await p.text('pos-link-A-B'), /cut/);
      await p.id('pos-link-toggle-A-B').click();
      await p.until('pos-message', (t) => t.startsWith('Link A-B restored'));
      await p.runTo(24);
      await p.id('pos-split').click();
      assert.match(await p.until('pos-message', (t) => t.startsWith('Split')), /^Split into A, B \| C, D: neither side holds 2\/3/);
      const before = await p.num('pos-finalized');
      // Votes cast before the split can still justify the epoch it cut and so finalize the one
      // before it; no epoch that starts after the split is justified by half the stake.
      const cutAt = await p.num('pos-slot');
      const ceiling = Math.max(before, Math.ceil(cutAt / 8) - 2);
      await p.runTo(cutAt + 32);
      for (const n of ['A', 'B', 'C', 'D']) {
        const e = Number((await p.text(`pos-node-finalized-${n}`)).replace('epoch ', ''));
        assert.ok(e <= ceiling, `node ${n} finalized alone (epoch ${e}, split at slot ${cutAt})`);
        const j = Number((await p.text(`pos-node-justified-${n}`)).replace('epoch ', ''));
        assert.ok(j <= Math.ceil(cutAt / 8), `node ${n} justified an epoch that began after the split (${j})`);
      }
      await p.id('pos-split').click();
      await p.until('pos-message', (t) => t.startsWith('Healed'));
      await p.runTo(cutAt + 64);
      const heads = [];
      for (const n of ['A', 'B', 'C', 'D']) heads.push((await p.text(`pos-node-${n}`)).split('\t')[2]);
      assert.equal(new Set(heads).size, 1, `heads differ: ${heads}`);
      assert.ok((await p.num('pos-finalized')) >= ceiling + 2, 'finality did not resume');
    });
  });

  test('deposits from the wallet and exits are checked, then take effect', async () => {
    await withApp(suite, async ({ page, app }) => {
      const p = new PosPage(page, app);
      await p.importWallet(DEV_PHRASE, 'correct horse battery');
      await p.open({ validators: 8, nodes: 2 });
      // A bad number for a new network is refused in words; the running network stays.
      await p.id('pos-epoch-slots').fill('1');
      await p.id('pos-restart').click();
      assert.match(await p.until('pos-error', (t) => t.length > 0), /slots per epoch 2 to 32, as whole numbers$/);
      await p.id('pos-epoch-slots').fill('8');
      await p.id('pos-deposit-amount').fill('0.5');
      await p.id('pos-deposit').click();
      assert.match(await p.until('pos-error', (t) => t.length > 0), /below the minimum of 1 ETH/);
      await p.id('pos-deposit-amount').fill('1000000');
      await p.id('pos-deposit').click();
      assert.match(await p.until('pos-error', (t) => t.includes('balance')), /more than the account's balance of 10000 ETH/);
      // The genesis validators are the development accounts: account #0 (0xf39F…) is
      // validator #0 already, and account #9 is not among the 8.
      assert.match(await p.text('pos-validator-0'), /0xf39F/i);
      await p.id('pos-deposit-amount').fill('32');
      await p.id('pos-deposit').click();
      assert.match(await p.until('pos-error', (t) => t.includes('already')), /0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 is already a validator/);
      await p.go('#/wallet');
      await p.id('custom-path').fill("m/44'/60'/0'/0/9");
      await p.id('add-account').click();
      await page.locator('[data-testid=account-card][data-address="0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"]').click();
      await p.go('#/nodes');
      await p.id('pos-controls').waitFor(WAIT);
      await p.id('pos-deposit-amount').fill('32');
      await p.id('pos-deposit').click();
      await p.until('pos-message', (t) => t.startsWith('Deposit of 32 ETH'));
      await p.runTo(30);
      await p.until('pos-validator-8', (t) => t.includes('active') || t.includes('pending'));
      assert.match(await p.text('pos-validator-8'), /0xa0Ee/i);
      await p.id('pos-exit-index').fill('99');
      await p.id('pos-exit').click();
      assert.match(await p.until('pos-error', (t) => t.length > 0), /no validator #99 to exit/);
      await p.id('pos-exit-index').fill('8');
      await p.id('pos-exit').click();
      await p.until('pos-message', (t) => t.startsWith('Validator #8 signed an exit'));
      // Once a block carries it, the same exit again is refused.
      await p.runTo((await p.num('pos-slot')) + 2);
      await p.id('pos-exit').click();
      assert.match(await p.until('pos-error', (t) => t.length > 0), /validator #8 is already exiting/i);
      // The exit takes effect two epochs after the block that carries it; a busy machine may
      // overshoot the pause above by that much, so "exited" may already show.
      const status = await p.until('pos-validator-status-8', (t) => t === 'exiting' || t === 'exited');
      if (status === 'exiting') {
        await p.runTo((await p.num('pos-slot')) + 3 * 8);
        await p.until('pos-validator-status-8', 'exited');
      }
    });
  });
  test('transfers from the wallet land in proof-of-stake blocks, by the ledger rules; bad ones are refused in words', async () => {
    await withApp(suite, async ({ page, app }) => {
      const p = new PosPage(page, app);
      await p.importWallet(DEV_PHRASE, 'correct horse battery');
      await p.open({ validators: 8, nodes: 2 });
      const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'; // development account #1
      const from = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'; // account #0, selected
      const send = async (amount, address) => {
        await p.id('pos-transfer-amount').fill(amount);
        await p.id('pos-transfer-to').fill(address);
        await p.id('pos-transfer').click();
      };
      await send('1', to.replace('C8', 'c8'));
      assert.match(await p.until('pos-error', (t) => t.startsWith('Recipient')), /EIP-55 checksum/);
      await send('1e400', to);
      assert.match(await p.until('pos-error', (t) => t.startsWith('Amount')), /decimal number/);
      await send('1.0000000000000000001', to);
      assert.match(await p.until('pos-error', (t) => t.includes('digits after the point')), /at most 18/);
      await send('20000', to);
      assert.match(await p.until('pos-error', (t) => t.includes('rule of the ledger')), /insufficient/i);
      await send('1.5', to);
      await p.until('pos-message', (t) => t.startsWith('Transfer of 1.5 ETH to 0x7099'));
      assert.match(await p.text('pos-waiting'), /1\.5 ETH from 0xf39F.* to 0x7099.*nonce 0/);
      await p.runTo(4);
      await p.until(`pos-account-balance-${to}`, '10001.5 ETH');
      // 21,000 gas at the 1 gwei base fee burned, no tip.
      assert.equal(await p.text(`pos-account-balance-${from}`), '9998.499979 ETH');
      assert.match(await p.text(`pos-account-${from}`), /\t1\t/);
      assert.equal(await p.id('pos-waiting').count(), 0, 'nothing waits any more');
      assert.match(await p.text('compare-transactions'), /1 applied on node A's head/);
      // The same amount again is a new transaction (the next nonce); a replay is not offered.
      await send('1.5', to);
      await p.until('pos-message', (t) => t.startsWith('Transfer of 1.5 ETH'));
      await p.runTo((await p.num('pos-slot')) + 3);
      await p.until(`pos-account-balance-${to}`, '10003 ETH');
    });
  });

  test('two tabs run one network: each signs for half, both finalize; a closed tab takes its half offline', async () => {
    await withApp(suite, async ({ page, app, context }) => {
      const a = new PosPage(page, app);
      await a.open({ validators: 8, nodes: 2, speed: 10 });
      await a.id('pos-share').click();
      await a.until('pos-tabs-status', (t) => t.includes('no other tab yet'));
      // A second tab of the same site finds the shared network and joins it.
      const page2 = await context.newPage();
      const problems2 = [];
      page2.on('pageerror', (e) => problems2.push(`page error: ${e.message}`));
      page2.on('console', (m) => { if (m.type() === 'error' || /panicked at/.test(m.text())) problems2.push(m.text()); });
      await page2.goto(`${suite.server.url}#/nodes`);
      const b = new PosPage(page2, app);
      await b.id('mode-pos').click();
      await b.id('pos-controls').waitFor(WAIT);
      await b.id('pos-nodes').fill('2');
      await b.until('pos-offer', (t) => t.includes('8 validators'));
      await b.id('pos-join').click();
      await b.until('pos-message', (t) => t.startsWith('Joined tab'));
      await b.until('pos-tabs-status', (t) => t.includes('signs for 4 validators'));
      await a.until('pos-tabs-status', (t) => t.includes('signs for 4 validators') && t.includes('(slot'));
      assert.match(await a.log(), /joined: it now signs for 4 validators \(#1, #3, #5, #7\)/);
      // Both run; the network finalizes in both tabs with the votes of both.
      await a.id('pos-play').click();
      await b.id('pos-play').click();
      await a.until('pos-finalized', (t) => Number(t) >= 2, 120_000);
      await b.until('pos-finalized', (t) => Number(t) >= 2, 120_000);
      assert.match(await a.text('pos-finality-status'), /^Finality can advance/);
      assert.match(await b.log(), /validator #(1|3|5|7) on node [AB] proposed/);
      // A malformed message and a replayed vote from a tab: answered in words, nothing changes.
      // The replayed vote is one the second tab sent (a tab ignores its own messages).
      const nameA = (await a.text('pos-tabs-status')).match(/This is tab ([0-9a-f]{4})/)[1];
      await page2.evaluate((nameA) => new Promise((resolve) => {
        const c = new BroadcastChannel('blocklab.pos');
        c.onmessage = (e) => {
          const tab = typeof e.data === 'string' && e.data.match(/"tab":(\d+)/);
          const fromA = tab && (BigInt(tab[1]) & 0xffffn).toString(16).padStart(4, '0') === nameA;
          if (tab && !fromA && e.data.includes('"attestation"')) {
            c.onmessage = null;
            setTimeout(() => { c.postMessage(e.data); c.postMessage('{"kind":"gossip"'); c.close(); resolve(); }, 300);
          }
        };
      }), nameA);
      await a.until('pos-log', (t) => t.includes('already known (a replay changes nothing)'));
      await a.until('pos-log', (t) => t.includes('a message from another tab was refused: not a message between tabs'));
      // Closing the second tab takes its validators offline: finality stops in the first.
      assert.deepEqual(problems2, []);
      await page2.close({ runBeforeUnload: true });
      await a.until('pos-log', (t) => /tab [0-9a-f]{4} (left|stopped answering): the validators it signed for are offline now/.test(t));
      await a.until('pos-finality-status', (t) => t.startsWith('Finality stopped'));
      const stuck = await a.num('pos-finalized');
      const slot = await a.num('pos-slot');
      await a.until('pos-slot', (t) => Number(t) >= slot + 24, 120_000);
      assert.ok((await a.num('pos-finalized')) <= stuck + 1, 'finality went on without half the stake');
      await a.id('pos-play').click();
    });
  });
});
