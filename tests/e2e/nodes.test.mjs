// Replicated nodes in the page (#/nodes), driven like a user: tamper with one node's copy and
// see the others refuse what it sends (the reason on the link) and the consensus panel name the
// compromised node and block; split the network, mine a longer light branch on one side and a
// shorter heavier one on the other, heal, and see the reorg (depth, dropped, adopted), the fork
// tree, every node on the heavier tip and the dropped block's transfer back in the mempool. Invalid blocks here are invalid by rule (a body that
// does not match its header, a stated difficulty below the minimum), never by PoW luck; which
// branch is heavier follows from the stated difficulties (1 x 2^12 > 2 x 2^8), not from luck.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startSuite, ScreenPage } from './harness.mjs';

const WAIT = { timeout: 30_000 };

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

class NodesPage extends ScreenPage {
  async open() {
    await this.go('#/nodes');
    await this.id('nodes-page').waitFor(WAIT);
  }
  node(name, what) { return this.id(`node-${what}-${name}`); }
  nodeText(name, what) { return this.node(name, what).innerText(); }
  /** Waits until the element's text satisfies `ok` (a string is an exact match). */
  async until(testid, ok) {
    const test = typeof ok === 'string' ? (t) => t === ok : ok;
    const deadline = Date.now() + WAIT.timeout;
    let last = '';
    while (Date.now() < deadline) {
      const loc = this.id(testid);
      if (await loc.count()) {
        last = (await loc.innerText()).trim();
        if (test(last)) return last;
      }
      await this.page.waitForTimeout(50);
    }
    throw new Error(`${testid}: still "${last}"`);
  }
  async setDifficulty(bits) { await this.id('nodes-difficulty').fill(String(bits)); }
  async mineOn(name) {
    const before = Number(await this.nodeText(name, 'height'));
    await this.node(name, 'mine').click();
    await this.until(`node-height-${name}`, String(before + 1));
  }
  async toggleLink(id, expected) {
    await this.id(`link-toggle-${id}`).click();
    await this.until(`link-state-${id}`, expected);
  }
}

describe('nodes', () => {
  test('a tampered node is refused by the others and named in the consensus panel', async () => {
    const session = await openApp(suite);
    const n = new NodesPage(session.page, session.app);
    try {
      await n.open();
      assert.equal(await n.text('nodes-count'), '3 nodes');
      for (const name of ['A', 'B', 'C']) assert.equal(await n.nodeText(name, 'badge'), 'valid');
      // A difficulty below the network's minimum is refused in words; nothing is mined.
      await n.setDifficulty(3);
      await n.node('A', 'mine').click();
      assert.equal(await n.until('nodes-error', (t) => t.length > 0), 'Difficulty must be a whole number from 8 to 20, not "3"');
      assert.equal(await n.nodeText('A', 'height'), '0');
      await n.setDifficulty(8);
      // A transfer sent into A reaches every mempool, then A mines it into block 1.
      await n.node('A', 'send-tx').click();
      assert.match(await n.until('nodes-message', (t) => t.startsWith('Node A took')), /nonce 0\) and relayed it$/);
      for (const name of ['A', 'B', 'C']) await n.until(`node-mempool-${name}`, '1');
      await n.mineOn('A');
      for (const name of ['B', 'C']) await n.until(`node-height-${name}`, '1');
      for (const name of ['A', 'B', 'C']) await n.until(`node-mempool-${name}`, '0');
      const tip = await n.nodeText('A', 'tip');
      assert.equal(await n.nodeText('C', 'tip'), tip);

      // Node C edits block 1 of its copy (no re-mining) and serves it.
      await n.id('nodes-tamper-height').fill('1');
      await n.node('C', 'tamper-edit').click();
      await n.until('node-badge-C', 'compromised');
      assert.equal(await n.nodeText('A', 'badge'), 'valid');
      assert.equal(await n.nodeText('B', 'badge'), 'valid');
      for (const honest of ['A', 'B']) {
        const why = await n.until(`link-rejection-${honest}-C`, (t) => t.length > 0);
        assert.match(why, new RegExp(`^Node ${honest} rejected from node C: block #1 0x[0-9a-f]{6}…[0-9a-f]{4} refused: the records do not match the header`));
      }
      const consensus = await n.text('nodes-consensus');
      assert.ok(
        consensus.startsWith(`2 of 3 nodes agree on block 1 hash ${tip}; node C's chain is invalid at block 1: the records do not match the header`),
        consensus,
      );
      // The honest copies did not change.
      assert.equal(await n.nodeText('A', 'tip'), tip);
      assert.equal(await n.nodeText('B', 'height'), '1');

      // Node B mines a block below the minimum difficulty (4 bits where 8 are required).
      await n.node('B', 'tamper-low').click();
      await n.until('node-badge-B', 'compromised');
      assert.equal(await n.nodeText('B', 'height'), '2');
      assert.equal(await n.nodeText('A', 'height'), '1');
      const low = await n.until('link-rejection-A-B', (t) => t.length > 0);
      assert.match(low, /^Node A rejected from node B: block #2 .* refused: difficulty 4 is outside the allowed range 8 to 64/);
      const both = await n.text('nodes-consensus');
      assert.ok(both.startsWith(`1 of 3 nodes agree on block 1 hash ${tip}; node B's chain is invalid at block 2: difficulty 4 is outside`), both);
      assert.ok(both.includes("; node C's chain is invalid at block 1: the records do not match the header"), both);

      // A node that joins syncs the honest chain.
      await n.id('nodes-add').click();
      await n.until('nodes-count', '4 nodes');
      await n.until('node-height-D', '1');
      assert.equal(await n.nodeText('D', 'tip'), tip);
      assert.ok((await n.text('nodes-consensus')).startsWith(`2 of 4 nodes agree on block 1 hash ${tip}`));
      assert.equal(await n.nodeText('D', 'badge'), 'valid');
      // D forges the transfer's amount in block 1 (old signature): A refuses it.
      await n.node('D', 'tamper-forge').click();
      await n.until('node-badge-D', 'compromised');
      const forged = await n.until('link-rejection-A-D', (t) => t.length > 0);
      assert.match(forged, /^Node A rejected from node D: block #1 0x[0-9a-f]{6}…[0-9a-f]{4} refused: /);
      const four = await n.text('nodes-consensus');
      assert.ok(four.startsWith(`1 of 4 nodes agree on block 1 hash ${tip}; node B's chain`), four);
      assert.ok(four.includes("; node D's chain is invalid at block 1: "), four);
      assert.equal(await n.nodeText('A', 'tip'), tip);
      // A tamper on a block that does not exist is refused in words, nothing changes.
      await n.id('nodes-tamper-height').fill('5');
      await n.node('A', 'tamper-forge').click();
      assert.equal(await n.until('nodes-error', (t) => t.length > 0), 'There is no block #5 after genesis to tamper with');
      assert.equal(await n.nodeText('A', 'badge'), 'valid');
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });

  test('partition, mine on both sides, heal: the lighter side reorganises onto the heavier tip', async () => {
    const session = await openApp(suite);
    const n = new NodesPage(session.page, session.app);
    try {
      await n.open();
      await n.toggleLink('A-C', 'cut');
      await n.toggleLink('B-C', 'cut');
      assert.equal(await n.text('link-state-A-B'), 'up');

      // C alone: two light blocks (8 bits each, work 2 x 256), the second with a transfer that
      // only C hears of (its links are cut).
      await n.setDifficulty(8);
      await n.mineOn('C');
      await n.node('C', 'send-tx').click();
      await n.until('node-mempool-C', '1');
      assert.equal(await n.nodeText('A', 'mempool'), '0');
      await n.mineOn('C');
      await n.until('node-mempool-C', '0');
      const lightTip = await n.nodeText('C', 'tip');
      // A and B: one heavier block (12 bits, work 4096).
      await n.setDifficulty(12);
      await n.mineOn('A');
      await n.until('node-height-B', '1');
      const heavyTip = await n.nodeText('A', 'tip');
      assert.equal(await n.nodeText('C', 'height'), '2');
      assert.equal(await n.nodeText('C', 'tip'), lightTip);
      assert.equal(
        await n.text('nodes-consensus'),
        `2 of 3 nodes agree on block 1 hash ${heavyTip}; node C is on block 2 hash ${lightTip}`,
      );
      assert.equal(await n.id('nodes-reorg').count(), 0);

      await n.toggleLink('A-C', 'up');
      await n.toggleLink('B-C', 'up');
      const reorg = await n.until('nodes-reorg-text', (t) => t.length > 0);
      assert.match(reorg, /^Node C: reorg of depth 2 at block #0: 2 block\(s\) dropped, 1 adopted \(work 513 -> 4097\)/);
      const detail = await n.text('nodes-reorg-detail');
      assert.ok(detail.endsWith(`Adopted: ${heavyTip}.`), detail);
      assert.ok(detail.includes(`, ${lightTip}. Adopted`), detail);
      for (const name of ['A', 'B', 'C']) {
        assert.equal(await n.nodeText(name, 'tip'), heavyTip, name);
        assert.equal(await n.nodeText(name, 'height'), '1', name);
        assert.equal(await n.nodeText(name, 'work'), '4097', name);
      }
      assert.equal(await n.text('nodes-consensus'), `3 of 3 nodes agree on block 1 hash ${heavyTip}`);
      // The dropped block's transfer is back in C's mempool.
      assert.ok(reorg.endsWith('1 transaction(s) back in the mempool'), reorg);
      assert.equal(await n.nodeText('C', 'mempool'), '1');
      // C's fork tree keeps the dropped branch aside.
      const tree = await n.text('node-tree-C');
      assert.ok(tree.includes(`${heavyTip} (12 bits, active)`), tree);
      assert.ok(tree.includes(`${lightTip} (8 bits, side)`), tree);
      assert.equal(await n.nodeText('C', 'side'), '2');
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
});
