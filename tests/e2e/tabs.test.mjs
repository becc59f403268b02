// Tabs as real peers (issue 7): pages of ONE browser context share localStorage and the
// BroadcastChannel, like the tabs of one browser. Gossip of mined blocks, the peer count, a late
// tab syncing from its peers, storage that no stale tab overwrites, and garbage on the channel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerPage, ScreenPage, startSuite } from './harness.mjs';
import { readStored } from './stored.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

const WAIT = { timeout: 60_000 };
/** Mining must be fast here: nothing in these tests needs a block to be invalid. */
const BITS = 4;

/** Runs `fn` with a fresh browser context (its tabs share localStorage and BroadcastChannel). */
async function inContext(fn) {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await fn(context);
  } finally {
    await context.close();
  }
}

/** Opens one more tab of the site in `context`; `init` runs before the page's own scripts. */
async function openTab(context, { init, arg } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /panicked at/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  if (init) await page.addInitScript(init, arg);
  await page.goto(`${suite.server.url}#/ledger`);
  const app = new LedgerPage(page);
  await app.waitForApp();
  return { page, app, problems };
}

function assertClean(...tabs) {
  const problems = tabs.flatMap((t) => t.problems);
  if (problems.length) throw new Error(`the pages reported problems:\n${problems.join('\n')}`);
}

async function waitPeerCount(tab, n) {
  await tab.page.waitForFunction(
    (want) => document.querySelector('[data-testid=peer-count]')?.textContent === String(want), n, WAIT);
}

/** Waits until the tab shows exactly `n` block cards. */
async function waitBlocks(tab, n) {
  await tab.page.waitForFunction(
    (want) => document.querySelectorAll('[data-testid=block-card]').length === want, n, WAIT);
}

/** Waits until storage holds a chain of `n` blocks. */
async function waitStored(tab, n) {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const stored = await readStored(tab.page);
    if (stored?.blocks.length === n) return;
    if (Date.now() > deadline) throw new Error(`storage holds ${stored?.blocks.length} blocks, not ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the stored settings (in the slot the snapshot pointer names) have `bits`. */
async function waitStoredDifficulty(tab, bits) {
  await tab.page.waitForFunction((want) => {
    const pointer = JSON.parse(localStorage.getItem('blocklab.snapshot') || '{}');
    const slot = pointer.head ? JSON.parse(localStorage.getItem(pointer.head) || '{}') : pointer;
    return slot.settings?.difficulty === want;
  }, bits, WAIT);
}

async function waitLog(tab, pattern) {
  await tab.page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('[data-testid=peer-log]')?.textContent ?? ''),
    pattern.source, WAIT);
}

/** The first tab: low difficulty, saved, so every later tab loads the same genesis. */
async function firstTab(context) {
  const a = await openTab(context);
  await a.app.setDifficulty(BITS);
  await waitStoredDifficulty(a, BITS);
  return a;
}

describe('tabs as peers', () => {
  test('blocks mined alternately in two tabs reach the other tab and survive a reload', () => inContext(async (context) => {
    const a = await firstTab(context);
    const b = await openTab(context);
    await waitPeerCount(a, 1);
    await waitPeerCount(b, 1);
    const miners = [a, b, a, b, a];
    for (const [i, miner] of miners.entries()) {
      await miner.app.mine(WAIT);
      const other = miner === a ? b : a;
      await other.app.block(i + 1).waitFor(WAIT);
    }
    await waitBlocks(a, miners.length + 1);
    await waitBlocks(b, miners.length + 1);
    const hashes = await a.app.hashes();
    assert.equal(hashes.length, miners.length + 1);
    assert.deepEqual(await b.app.hashes(), hashes);
    await waitStored(a, miners.length + 1);
    await b.app.reload();
    await waitBlocks(b, miners.length + 1);
    assert.deepEqual(await b.app.hashes(), hashes, 'every block is there after a reload');
    await a.app.reload();
    await waitBlocks(a, miners.length + 1);
    assert.deepEqual(await a.app.hashes(), hashes);
    // Closing a tab drops it from the other's peer count.
    await waitPeerCount(a, 1);
    await b.page.close({ runBeforeUnload: true });
    await waitPeerCount(a, 0);
    assertClean(a, b);
  }));

  test('a late tab whose storage is stale syncs the blocks it lacks from its peers', () => inContext(async (context) => {
    const a = await firstTab(context);
    await a.app.mine(WAIT);
    await waitStored(a, 2);
    // Every stored key of the snapshot (pointer and slot) and the tip record, as they are now.
    const stale = await a.page.evaluate(() => Object.fromEntries(Object.keys(localStorage)
      .filter((k) => k.startsWith('blocklab.snapshot') || k === 'blocklab.tip')
      .map((k) => [k, localStorage.getItem(k)])));
    await a.app.mine(WAIT);
    await a.app.mine(WAIT);
    await waitStored(a, 4);
    const hashes = await a.app.hashes();
    // The late tab starts from the stale stored chain (as after being offline): only the
    // peers can give it blocks 2 and 3.
    const late = await openTab(context, {
      init: (saved) => {
        for (const k of Object.keys(localStorage)) {
          if (k.startsWith('blocklab.snapshot') || k === 'blocklab.tip') localStorage.removeItem(k);
        }
        for (const [k, v] of Object.entries(saved)) localStorage.setItem(k, v);
      },
      arg: stale,
    });
    await waitBlocks(late, 4);
    assert.deepEqual(await late.app.hashes(), hashes);
    await waitLog(late, /validated its heavier chain: 2 blocks to add/);
    await waitLog(late, /switched to the heavier chain \(4 blocks\)/);
    await waitPeerCount(late, 1);
    assertClean(a, late);
  }));

  test('a tab that missed every update adopts the heavier stored chain instead of overwriting it', () => inContext(async (context) => {
    const a = await firstTab(context);
    await a.app.mine(WAIT);
    await waitStored(a, 2);
    // An isolated tab: no BroadcastChannel and no storage event, so nothing tells it that
    // another tab moved on; it notices only when it is about to save.
    const isolated = await openTab(context, {
      init: () => {
        delete window.BroadcastChannel;
        const add = EventTarget.prototype.addEventListener;
        EventTarget.prototype.addEventListener = function (type, ...rest) {
          if (type === 'storage') return undefined;
          return add.call(this, type, ...rest);
        };
      },
    });
    await isolated.app.id('peers-unavailable').waitFor(WAIT);
    await waitBlocks(isolated, 2);
    await a.app.mine(WAIT);
    await a.app.mine(WAIT);
    await waitStored(a, 4);
    const hashes = await a.app.hashes();
    await waitBlocks(isolated, 2); // it really missed them
    // A change that saves: the stale tab would write its 2-block chain over the 4 stored.
    await isolated.app.setDifficulty(BITS + 1);
    await waitBlocks(isolated, 4);
    assert.deepEqual(await isolated.app.hashes(), hashes);
    await waitLog(isolated, /adopted the heavier chain another tab stored/);
    await waitStoredDifficulty(isolated, BITS + 1);
    await a.app.reload();
    await waitBlocks(a, 4);
    assert.deepEqual(await a.app.hashes(), hashes, 'no block was lost in storage');
    assertClean(a, isolated);
  }));

  test('a tab without the channel follows another tab through the storage event', () => inContext(async (context) => {
    const a = await firstTab(context);
    const b = await openTab(context, { init: () => { delete window.BroadcastChannel; } });
    await b.app.id('peers-unavailable').waitFor(WAIT);
    await a.app.mine(WAIT);
    await b.app.block(1).waitFor(WAIT);
    assert.deepEqual(await b.app.hashes(), await a.app.hashes());
    assertClean(a, b);
  }));

  test('a transaction sent in one tab reaches the other tab\'s mempool; mined there, it leaves both', () => inContext(async (context) => {
    const a = await firstTab(context);
    const b = await openTab(context);
    await waitPeerCount(b, 1);
    const sa = new ScreenPage(a.page, a.app);
    await sa.importWallet('test test test test test test test test test test test junk', 'correct horse battery');
    await sa.go('#/tx');
    await sa.id('send-to').fill('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    await sa.id('send-amount').fill('1.5');
    await sa.id('send-sign').click();
    await sa.id('signed-tx').waitFor(WAIT);
    await sa.id('send-submit').click();
    await sa.id('send-submit-result').waitFor(WAIT);
    const hash = await sa.text('signed-hash');
    const sb = new ScreenPage(b.page, b.app);
    await sb.go('#/tx');
    const row = (tab) => tab.page.locator(`[data-testid=mempool-row][data-hash="${hash}"]`);
    await row(a).waitFor(WAIT);
    await row(b).waitFor(WAIT);
    // B mines it; A sees the block and its mempool empties.
    await sb.go('#/ledger');
    await b.app.mine(WAIT);
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid=mempool-row]').length === 0, null, WAIT);
    await sa.go('#/ledger');
    await a.app.block(1).waitFor(WAIT);
    assert.deepEqual(await a.app.hashes(), await b.app.hashes());
    assertClean(a, b);
  }));

  test('a tab in tamper mode keeps its edits; once it leaves tamper mode its peers heal it', () => inContext(async (context) => {
    const a = await firstTab(context);
    const b = await openTab(context);
    await waitPeerCount(b, 1);
    await a.app.addRecord({ sender: 'alice', receiver: 'bob', amount: '2' });
    await a.app.mine(WAIT);
    await a.app.mine(WAIT);
    await waitBlocks(b, 3);
    const honest = await a.app.hashes();
    assert.deepEqual(await b.app.hashes(), honest);
    await b.app.id('tamper-toggle').check();
    await b.app.block(1).getByTestId('tamper-amount').fill('1000');
    // Block 2 no longer links to the edited block 1: B's valid chain is lighter than A's.
    await b.page.waitForFunction(
      () => document.querySelector('[data-testid=block-card][data-height="2"]')?.getAttribute('data-valid') === 'false', null, WAIT);
    await waitLog(b, /not adopted: tamper mode is on/);
    assert.equal(await b.app.block(2).getAttribute('data-valid'), 'false', 'the edits stay');
    assert.deepEqual(await a.app.hashes(), honest, 'the honest tab is untouched');
    assert.equal(await a.app.block(2).getAttribute('data-valid'), 'true');
    await b.app.id('tamper-toggle').uncheck();
    await b.page.waitForFunction(
      () => document.querySelector('[data-testid=block-card][data-height="2"]')?.getAttribute('data-valid') === 'true', null, WAIT);
    assert.deepEqual(await b.app.hashes(), honest, 'the compromised copy was replaced by the valid one');
    await waitLog(b, /switched to the heavier chain \(3 blocks\)/);
    assertClean(a, b);
  }));

  test('records added in two tabs at once are both kept, in both tabs and in storage; a setting changed in one reaches the other', () => inContext(async (context) => {
    const a = await firstTab(context);
    const b = await openTab(context);
    const pendingMemos = (tab) => tab.page.getByTestId('pending-record').evaluateAll((rows) => rows.map((r) => r.textContent));
    const count = (tab) => tab.page.getByTestId('pending-count').innerText();
    // Neither tab has seen the other's record when it adds its own.
    await Promise.all([a.app.addRecord({ memo: 'from tab A' }), b.app.addRecord({ memo: 'from tab B' })]);
    for (const tab of [a, b]) {
      await tab.page.waitForFunction(() => document.querySelector('[data-testid=pending-count]')?.textContent === '2', null, WAIT);
      const memos = (await pendingMemos(tab)).join('\n');
      assert.match(memos, /from tab A/);
      assert.match(memos, /from tab B/);
    }
    // Stored: both; reloaded: both, in each tab.
    for (let deadline = Date.now() + WAIT.timeout; ; await new Promise((r) => setTimeout(r, 100))) {
      const memos = JSON.stringify((await readStored(a.page))?.pending ?? []);
      if (memos.includes('from tab A') && memos.includes('from tab B')) break;
      if (Date.now() > deadline) throw new Error(`stored pending records: ${memos}`);
    }
    for (const tab of [a, b]) {
      await tab.app.reload();
      assert.equal(await count(tab), '2');
    }
    // The difficulty set in B shows in A.
    await b.app.setDifficulty(BITS + 1);
    await a.page.waitForFunction((want) => document.querySelector('[data-testid=difficulty-input]')?.value === String(want), BITS + 1, WAIT);
    assertClean(a, b);
  }));

  test('garbage on the channel is dropped with a reason and nothing breaks', () => inContext(async (context) => {
    const a = await firstTab(context);
    const b = await openTab(context);
    await waitPeerCount(a, 1);
    await waitPeerCount(b, 1);
    await a.page.evaluate(() => {
      const ch = new BroadcastChannel('blocklab.peers');
      ch.postMessage('garbage');
      ch.postMessage({ not: 'text' });
      ch.postMessage(JSON.stringify({ v: 99, from: 'x', msg: {} }));
      ch.postMessage(JSON.stringify({ v: 1, from: 'mallory', msg: { type: 'headers', headers: 7 } }));
      ch.close();
    });
    for (const tab of [a, b]) {
      await waitLog(tab, /dropped: the message is malformed/);
      await waitLog(tab, /dropped: a message of type object, not text/);
      await waitLog(tab, /protocol version 99 is not supported/);
      await tab.page.getByTestId('peer-flagged').filter({ hasText: 'mallory' }).waitFor(WAIT);
    }
    // A forged block on the tip: 20 bits stated, nonce 0, a made-up root (a chance of 2^-20
    // to meet the target; the root mismatch refuses it regardless).
    const tipHash = (await b.app.hashes())[0];
    const forgedBlock = {
      header: {
        version: 1, height: 1, timestamp_ms: Date.now(), prev_hash: tipHash,
        entries_root: `0x${'11'.repeat(32)}`, beneficiary: `0x${'00'.repeat(20)}`, difficulty: 20, nonce: 0,
      },
      entries: [],
    };
    await b.page.evaluate((block) => {
      const ch = new BroadcastChannel('blocklab.peers');
      ch.postMessage(JSON.stringify({ v: 1, from: 'forger', msg: { type: 'new_block', block } }));
      ch.close();
    }, forgedBlock);
    for (const tab of [a, b]) {
      await tab.page.getByTestId('peer-flagged').filter({ hasText: /forger: sent invalid block #1/ }).waitFor(WAIT);
      assert.equal(await tab.app.blockCount(), 1, 'the forged block is not in the chain');
    }
    // Still one peer each (the garbage named no peer; mallory and the forger are flagged,
    // not counted), and gossip still works.
    await waitPeerCount(a, 1);
    await waitPeerCount(b, 1);
    await a.app.mine(WAIT);
    await b.app.block(1).waitFor(WAIT);
    assert.deepEqual(await b.app.hashes(), await a.app.hashes());
    assertClean(a, b);
  }));
});
