// Nothing lost across tabs (issue 16, item 4): two, then three tabs of ONE browser context (they
// share localStorage and the BroadcastChannel) take random actions from a fixed seed: add
// records, send signed transfers, mine, change the difficulty and the worker count, import,
// unlock and lock the wallet, reload, close and reopen. The test keeps every change a tab confirmed on its screen; at the
// end, once the tabs have settled, every confirmed record is pending or in a block in every
// tab and in storage, every confirmed transfer is in every tab's mempool or chain (or another
// confirmed transfer with its nonce is), the last confirmed settings hold, the wallet is the one imported, and
// every tab shows the same chain and pending records.
// SOAK_MS (default 20000 in the test command; the issue asks for at least 60000 when run
// long: `SOAK_MS=60000 node --test soak.test.mjs`), SOAK_SEED (default 16).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerPage, startSuite } from './harness.mjs';
import { readStored } from './stored.mjs';

const SOAK_MS = Number(process.env.SOAK_MS || 20_000);
const SEED = Number(process.env.SOAK_SEED || 16);
/** The actions drawn from (repeats weigh them); SOAK_ACTIONS=record,mine,... to narrow a failure down. */
const ACTIONS = (process.env.SOAK_ACTIONS || 'record,record,record,send,send,mine,difficulty,workers,wallet,reload,reopen').split(',');
const WAIT = { timeout: 60_000 };
const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function openTab(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (process.env.SOAK_DEBUG && /SOAKDBG|adopt|reorg/.test(m.text())) console.log(`tab@${page.url().slice(-12)} ${m.text()}`);
    if (m.type() === 'error' || /panicked at/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(`${suite.server.url}#/ledger`);
  const app = new LedgerPage(page);
  await app.waitForApp();
  return { page, app, problems };
}

/** Opens `route` in the tab and waits for the app. */
async function go(tab, route) {
  await tab.page.evaluate((r) => { location.hash = r; }, route);
  await tab.app.waitForApp();
}

/**
 * Makes the wallet usable in this tab: imports the phrase when no wallet is stored (refused
 * when another tab made one meanwhile), unlocks it when locked. Returns whether it is unlocked
 * and whether this tab's import was confirmed.
 */
async function walletReady(tab) {
  await go(tab, '#/wallet');
  const page = tab.page;
  const importForm = page.getByTestId('import-phrase');
  const unlock = page.getByTestId('unlock-password');
  const lock = page.getByTestId('lock-button');
  await Promise.race([importForm.waitFor(WAIT), unlock.waitFor(WAIT), lock.waitFor(WAIT)]);
  let imported = false;
  if (await importForm.count()) {
    await importForm.fill(PHRASE);
    await page.getByTestId('import-password').fill(PASSWORD);
    await page.getByTestId('import-password-confirm').fill(PASSWORD);
    await page.getByTestId('import-wallet').click();
    await Promise.race([lock.waitFor(WAIT), page.getByTestId('wallet-error').waitFor(WAIT)]);
    imported = (await lock.count()) > 0;
  } else if (await unlock.count()) {
    await unlock.fill(PASSWORD);
    await page.getByTestId('unlock-button').click();
    await Promise.race([lock.waitFor(WAIT), page.getByTestId('wallet-error').waitFor(WAIT)]).catch(() => {});
  }
  return { unlocked: (await lock.count()) > 0, imported };
}

/** Marks the elements now matching `selector` as old, so a new render can be waited for. */
const markOld = (page, selector) => page.evaluate((sel) => document.querySelectorAll(sel).forEach((e) => { e.dataset.soakOld = '1'; }), selector);
const fresh = (selector) => `${selector}:not([data-soak-old])`;

/**
 * Signs a transfer of `amount` ETH from the first account on the Transactions screen and
 * submits it. Returns `{ hash, nonce }` when the tab confirmed it (pending or queued in its
 * mempool), else null (refused: a same-nonce transaction another tab sent, say).
 */
async function send(tab, amount) {
  await go(tab, '#/tx');
  const page = tab.page;
  await page.getByTestId('send-sign').waitFor(WAIT);
  await page.getByTestId('send-to').fill(TO);
  await page.getByTestId('send-amount').fill(amount);
  await markOld(page, '[data-testid=signed-hash]');
  await page.getByTestId('send-sign').click();
  await page.locator(fresh('[data-testid=signed-hash]')).waitFor(WAIT);
  const hash = await page.getByTestId('signed-hash').innerText();
  const nonce = Number.parseInt(await page.getByTestId('signed-nonce').innerText(), 10);
  await markOld(page, '[data-testid=send-submit-result]');
  await page.getByTestId('send-submit').click();
  const result = page.locator(fresh('[data-testid=send-submit-result]'));
  await result.waitFor(WAIT);
  return (await result.getAttribute('data-ok')) === 'true' ? { hash, nonce, amount } : null;
}

/** The hashes of the transactions a tab shows: in its mempool and in the blocks of its chain. */
async function txsShown(tab) {
  await go(tab, '#/tx');
  await tab.page.getByTestId('mempool').waitFor(WAIT);
  const pool = await tab.page.locator('[data-testid=mempool-row]').evaluateAll((rows) => rows.map((r) => r.dataset.hash));
  await go(tab, '#/ledger');
  const mined = await tab.page.locator('[data-testid=block-entry][data-kind=tx]').evaluateAll((rows) => rows.map((r) => r.dataset.hash));
  return { pool, mined };
}

/** Every memo a tab shows, pending or in a block. */
const memosShown = (tab) => tab.page.evaluate(() => [...document.querySelectorAll('[data-testid=pending-record], [data-testid=block-card]')]
  .map((e) => e.textContent).join('\n'));

describe('tabs soak', () => {
  test(`random actions in 2-3 tabs for ${SOAK_MS} ms (seed ${SEED}) lose nothing a tab confirmed`, { timeout: SOAK_MS + 300_000 }, async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const random = rng(SEED);
    const pick = (xs) => xs[Math.floor(random() * xs.length)];
    const log = [];
    const confirmed = { records: [], txs: [], difficulty: null, workers: null, wallet: false };
    const closedProblems = [];
    try {
      const tabs = [await openTab(context), await openTab(context)];
      // Low difficulty: blocks come in well under a second.
      await tabs[0].app.setDifficulty(2);
      await tabs[0].page.waitForFunction(() => document.querySelector('[data-testid=difficulty-input]')?.value === '2');
      confirmed.difficulty = 2;
      let n = 0;
      const deadline = Date.now() + SOAK_MS;
      while (Date.now() < deadline) {
        const tab = pick(tabs);
        const action = pick(ACTIONS);
        log.push(`${tabs.indexOf(tab)}:${action}`);
        switch (action) {
          case 'record': {
            const memo = `soak-${SEED}-${n++}`;
            await tab.app.addRecord({ memo });
            // Confirmed: shown in this tab's pending list.
            await tab.page.waitForFunction((m) => [...document.querySelectorAll('[data-testid=pending-record]')].some((e) => e.textContent.includes(m)), memo, WAIT);
            confirmed.records.push(memo);
            break;
          }
          case 'mine':
            if (await tab.page.getByTestId('cancel-mine').count() === 0) await tab.app.mine();
            break;
          case 'difficulty': {
            const bits = 1 + Math.floor(random() * 3);
            await tab.app.setDifficulty(bits);
            confirmed.difficulty = bits;
            break;
          }
          case 'workers': {
            const workers = 1 + Math.floor(random() * 2);
            await tab.page.getByTestId('workers-input').fill(String(workers));
            confirmed.workers = workers;
            break;
          }
          case 'wallet': {
            const lock = tab.page.getByTestId('lock-button');
            await go(tab, '#/wallet');
            if (await lock.count()) {
              await lock.click();
            } else if ((await walletReady(tab)).imported) {
              confirmed.wallet = true;
            }
            await go(tab, '#/ledger');
            break;
          }
          case 'send': {
            const ready = await walletReady(tab);
            if (ready.imported) confirmed.wallet = true;
            if (ready.unlocked) {
              const tx = await send(tab, `0.${String(n++).padStart(3, '0')}1`);
              if (tx) confirmed.txs.push(tx);
            }
            await go(tab, '#/ledger');
            break;
          }
          case 'reload':
            await tab.app.reload();
            break;
          case 'reopen': {
            closedProblems.push(...tab.problems);
            await tab.page.close();
            tabs.splice(tabs.indexOf(tab), 1, await openTab(context));
            if (tabs.length < 3 && random() < 0.5) tabs.push(await openTab(context));
            break;
          }
          default:
            throw new Error(action);
        }
      }
      // Settled: every tab shows every confirmed record (pending or mined) and the same chain.
      for (const tab of tabs) {
        await tab.app.reload();
        await tab.page.waitForFunction((memos) => {
          const text = [...document.querySelectorAll('[data-testid=pending-record], [data-testid=block-card]')].map((e) => e.textContent).join('\n');
          return memos.every((m) => text.includes(`${m}”`));
        }, confirmed.records, WAIT).catch(async () => {
          const text = await memosShown(tab);
          const missing = confirmed.records.filter((m) => !text.includes(`${m}”`));
          const all = await Promise.all(tabs.map((t) => memosShown(t)));
          const st = await readStored(tab.page);
          throw new Error(`tab ${tabs.indexOf(tab)} lost ${missing.join(', ')} (actions: ${log.join(' ')})${process.env.SOAK_DEBUG ? `\n${all.join('\n----\n')}\nstored pending ${JSON.stringify(st?.pending)} blocks ${st?.blocks.length}` : ''}`);
        });
      }
      // Every transaction a tab confirmed is in every tab's mempool or chain, unless another
      // confirmed transaction with its nonce is (two tabs signed the same nonce: only one of
      // them can ever be valid, as on any Ethereum network).
      for (const tab of tabs) {
        const { pool, mined } = await txsShown(tab);
        const shown = new Set([...pool, ...mined]);
        for (const tx of confirmed.txs) {
          const kept = shown.has(tx.hash) || confirmed.txs.some((o) => o.nonce === tx.nonce && shown.has(o.hash));
          assert.ok(kept, `tab ${tabs.indexOf(tab)} lost transaction ${tx.hash} (nonce ${tx.nonce}) (actions: ${log.join(' ')})`);
        }
        const nonces = confirmed.txs.filter((t) => shown.has(t.hash)).map((t) => t.nonce);
        assert.equal(new Set(nonces).size, nonces.length, 'one transaction per nonce');
      }
      const hashes = await Promise.all(tabs.map((t) => t.app.hashes()));
      for (const h of hashes) assert.deepEqual(h, hashes[0], 'every tab shows the same chain');
      const stored = await readStored(tabs[0].page);
      assert.equal(stored.blocks.length, hashes[0].length, 'storage holds the chain the tabs show');
      const pendingStored = JSON.stringify(stored.pending);
      const shown = await memosShown(tabs[0]);
      for (const memo of confirmed.records) {
        // In storage: pending there, or in a block every tab shows (blocks are stored packed).
        assert.ok(pendingStored.includes(memo) || shown.includes(`${memo}”`), `${memo} not stored`);
      }
      assert.equal(stored.settings.difficulty, confirmed.difficulty, `difficulty (actions: ${log.join(' ')})`);
      if (confirmed.workers !== null) assert.equal(stored.settings.workers, confirmed.workers, 'workers');
      for (const tab of tabs) {
        assert.equal(await tab.page.getByTestId('difficulty-input').inputValue(), String(confirmed.difficulty));
      }
      if (confirmed.wallet) {
        const wallet = await tabs[0].page.evaluate(() => localStorage.getItem('blocklab.wallet'));
        assert.ok(wallet?.includes(ADDRESS.slice(2).toLowerCase()) || wallet?.includes(ADDRESS.slice(2)), 'the imported wallet is stored');
      }
      assert.ok(confirmed.records.length >= 3, `only ${confirmed.records.length} records in ${SOAK_MS} ms`);
      assert.ok(confirmed.txs.length >= 1 || !ACTIONS.includes('send'), `no transfer confirmed in ${SOAK_MS} ms`);
      const problems = [...closedProblems, ...tabs.flatMap((t) => t.problems)];
      assert.deepEqual(problems, [], 'the pages reported problems');
    } finally {
      await context.close();
    }
  });
});
