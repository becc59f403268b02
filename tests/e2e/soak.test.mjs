// Nothing lost across tabs (issue 16, item 4): two, then three tabs of ONE browser context (they
// share localStorage and the BroadcastChannel) take random actions from a fixed seed: add
// records, mine, change the difficulty and the worker count, import and lock the wallet,
// reload, close and reopen. The test keeps every change a tab confirmed on its screen; at the
// end, once the tabs have settled, every confirmed record is pending or in a block in every
// tab and in storage, the last confirmed settings hold, the wallet is the one imported, and
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
const ACTIONS = (process.env.SOAK_ACTIONS || 'record,record,record,mine,difficulty,workers,wallet,reload,reopen').split(',');
const WAIT = { timeout: 60_000 };
const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

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
  await page.goto(suite.server.url);
  const app = new LedgerPage(page);
  await app.waitForApp();
  return { page, app, problems };
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
    const confirmed = { records: [], difficulty: null, workers: null, wallet: false };
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
            await tab.page.evaluate(() => { location.hash = '#/wallet'; });
            const importForm = tab.page.getByTestId('import-phrase');
            const lock = tab.page.getByTestId('lock-button');
            await Promise.race([importForm.waitFor(WAIT), tab.page.getByTestId('unlock-password').waitFor(WAIT), lock.waitFor(WAIT)]);
            if (await importForm.count()) {
              await importForm.fill(PHRASE);
              await tab.page.getByTestId('import-password').fill(PASSWORD);
              await tab.page.getByTestId('import-password-confirm').fill(PASSWORD);
              await tab.page.getByTestId('import-wallet').click();
              // Refused when another tab made a wallet meanwhile (the wallet tabs test): either way
              // a wallet is stored.
              await Promise.race([lock.waitFor(WAIT), tab.page.getByTestId('wallet-error').waitFor(WAIT)]);
              if (await lock.count()) confirmed.wallet = true;
            } else if (await lock.count()) {
              await lock.click();
            }
            await tab.page.evaluate(() => { location.hash = '#/ledger'; });
            await tab.app.waitForApp();
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
      const problems = [...closedProblems, ...tabs.flatMap((t) => t.problems)];
      assert.deepEqual(problems, [], 'the pages reported problems');
    } finally {
      await context.close();
    }
  });
});
