// Mining in web workers, driven like a user in Debian Chromium against the release build:
// progress and hash rate with 2 workers, cancel within 100 ms, mining to completion, no long
// task on the page, one worker per core by default, the first find wins and the other workers
// stop at once, and the main-thread fallback when Worker is unavailable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { leadingZeroBits, LedgerPage, startSuite } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/**
 * Opens the app with an init script that (a) logs every message the page receives from a
 * worker, with its time, and (b) records long tasks. `removeWorker` deletes `window.Worker`.
 */
async function openInstrumented({ removeWorker = false, silentWorker = false, cores = null } = {}) {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(([remove, silent, cores]) => {
    if (cores !== null) Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => cores });
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    window.__workerMessages = [];
    window.__workers = [];
    if (remove) {
      delete window.Worker;
      return;
    }
    const Native = window.Worker;
    if (silent) {
      // A worker that loads but never says Ready: the miner's wasm-bindgen glue alone (the
      // loader that would start it is skipped). A same-origin script, as the site's
      // Content-Security-Policy (worker-src 'self') refuses a blob: worker.
      window.Worker = class extends Native {
        constructor() { super('./miner.js'); }
      };
      return;
    }
    window.Worker = class extends Native {
      constructor(...args) {
        super(...args);
        const worker = window.__workers.length;
        window.__workers.push(this);
        this.addEventListener('message', (e) => {
          let type = 'unreadable';
          let nonce = null;
          try { type = JSON.parse(e.data).type; } catch { /* counted as unreadable */ }
          // (read from the text: a u64 nonce does not survive JSON.parse's f64)
          if (typeof e.data === 'string') nonce = /"nonce":(\d+)/.exec(e.data)?.[1] ?? null;
          window.__workerMessages.push({ at: performance.now(), type, worker, nonce });
        });
      }
    };
  }, [removeWorker, silentWorker, cores]);
  const page = await context.newPage();
  const problems = [];
  const warnings = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
    if (m.type() === 'error' || /panicked at/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(`${suite.server.url}#/ledger`);
  const app = new LedgerPage(page);
  await app.waitForApp();
  return { context, page, app, problems, warnings };
}

async function withInstrumented(options, fn) {
  // (warnings are expected in some tests and asserted there; errors and panics fail every test)
  const session = await openInstrumented(options);
  try {
    await fn(session);
    assert.deepEqual(session.problems, [], 'the page reported problems');
  } finally {
    await session.context.close();
  }
}

const longTasksSince = (page, t0) => page.evaluate((since) => window.__longTasks.filter((t) => t.start >= since), t0);
const now = (page) => page.evaluate(() => performance.now());

describe('mining in web workers', () => {
  test('2 workers: progress and hash rate, cancel within 100 ms, then mine to completion', () => withInstrumented({}, async ({ page, app, warnings }) => {
    await app.id('workers-input').fill('2');
    await app.addRecord({ sender: 'miner', receiver: 'pool', amount: '3' });
    await app.setDifficulty(40); // far more work than this test waits for (a find before Cancel: ~1e-5)
    const mineStart = await now(page);
    await app.id('mine-button').click();
    const status = app.id('mining-status');
    await page.waitForFunction(() => document.querySelector('[data-testid=mining-status]')?.getAttribute('data-backend') === '2', null, { timeout: 10_000 });
    assert.match(await app.id('mining-backend').innerText(), /^2 web workers$/);
    const attempts = async () => Number(await app.id('mining-attempts').innerText());
    const progress = async () => Number(await app.id('mining-progress').getAttribute('value'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=mining-attempts]')?.innerText) > 0, null, { timeout: 10_000 });
    const [a1, p1] = [await attempts(), await progress()];
    await page.waitForTimeout(1200);
    const [a2, p2] = [await attempts(), await progress()];
    assert.ok(a2 > a1 && a1 > 0, `attempts grow: ${a1} -> ${a2}`);
    assert.ok(p2 > p1, `the progress bar moves: ${p1} -> ${p2}`);
    const rate = Number(await app.id('hash-rate').getAttribute('data-rate'));
    assert.ok(rate > 0, `a hash rate is shown: ${rate}`);
    assert.match(await app.id('hash-rate').innerText(), /^\d+\.\d\d MH\/s$/);
    const perWorker = await app.id('worker-rate').allInnerTexts();
    assert.equal(perWorker.length, 2, `one rate per worker: ${perWorker}`);
    for (const w of perWorker) assert.match(w, /^#\d: \d+\.\d\d MH\/s, [\d,]+ attempts$/);
    assert.notEqual(await app.id('mining-eta').innerText(), '');
    assert.ok(await status.isVisible());

    // Cancel: time from the click to the idle UI, then watch for late progress messages.
    const { clickAt, idleMs } = await page.evaluate(() => new Promise((resolve) => {
      const clickAt = performance.now();
      document.querySelector('[data-testid=cancel-mine]').click();
      const poll = () => {
        if (!document.querySelector('[data-testid=mining-status]') && !document.querySelector('[data-testid=cancel-mine]')) {
          resolve({ clickAt, idleMs: performance.now() - clickAt });
        } else {
          setTimeout(poll, 0);
        }
      };
      poll();
    }));
    assert.ok(idleMs < 100, `the UI is idle ${idleMs.toFixed(1)} ms after the click`);
    assert.ok(await app.id('mine-button').isEnabled());
    await page.waitForTimeout(600);
    const messages = await page.evaluate(() => window.__workerMessages);
    const progressBefore = messages.filter((m) => m.type === 'progress' && m.at < clickAt);
    const late = messages.filter((m) => m.type === 'progress' && m.at > clickAt + 100);
    assert.ok(progressBefore.length >= 4, `progress messages while mining: ${progressBefore.length}`);
    assert.deepEqual(late, [], 'no progress message more than 100 ms after cancel');
    const stopped = messages.filter((m) => m.type === 'stopped' && m.at > clickAt);
    assert.equal(stopped.length, 2, 'both workers answered Stop');
    assert.ok(stopped.every((m) => m.at - clickAt < 100), `workers stopped within 100 ms: ${stopped.map((m) => (m.at - clickAt).toFixed(1))}`);
    assert.equal(await app.blockCount(), 1, 'a cancelled run adds no block');
    assert.equal(await app.id('mining-attempts').count(), 0, 'no progress shown after cancel');
    console.log(`# cancel: UI idle after ${idleMs.toFixed(1)} ms; workers stopped after ${stopped.map((m) => (m.at - clickAt).toFixed(1)).join(', ')} ms; ` +
      `last progress message ${Math.max(...messages.filter((m) => m.type === 'progress').map((m) => m.at)) - clickAt} ms after the click; ${rate.toFixed(0)} H/s shown`);

    // Malformed messages both ways are ignored with a warning; the workers keep working.
    await page.evaluate(() => {
      for (const w of window.__workers) {
        w.postMessage('not json');
        w.postMessage('{"v":1,"type":"start","job":9,"header":"zz","difficulty":1,"start":0,"end":5}');
        w.postMessage('{"v":2,"type":"stop","job":1}');
        w.dispatchEvent(new MessageEvent('message', { data: '{"v":1,"type":"found","job":"x"}' }));
        w.dispatchEvent(new MessageEvent('message', { data: 42 }));
      }
    });
    await page.waitForTimeout(200);

    // Mine again, to completion.
    await app.setDifficulty(22);
    await app.mine({ timeout: 120_000 });
    const block = app.block(1);
    const hash = await block.getAttribute('data-hash');
    assert.ok(leadingZeroBits(hash) >= 22, `hash ${hash} has 22 leading zero bits`);
    assert.equal(await block.getAttribute('data-valid'), 'true');
    const stats = block.getByTestId('block-stats');
    assert.equal(await stats.getAttribute('data-workers'), '2');
    assert.ok(Number(await stats.getAttribute('data-attempts')) > 0);
    assert.match(await app.id('mining-result').innerText(), /on 2 workers/);

    const ignored = warnings.filter((w) => /^(miner|worker pool):/.test(w));
    assert.ok(ignored.some((w) => /miner: ignored a message: malformed/.test(w)), `worker warned: ${ignored}`);
    assert.ok(ignored.some((w) => /miner: refused start of job 9/.test(w)), `worker refused a bad header: ${ignored}`);
    assert.ok(ignored.some((w) => /protocol version 2/.test(w)), `worker refused version 2: ${ignored}`);
    assert.ok(ignored.some((w) => /worker pool: malformed worker message/.test(w)), `page warned: ${ignored}`);
    assert.ok(ignored.some((w) => /worker pool: ignored a worker message that is not a string/.test(w)), `page warned: ${ignored}`);

    const longTasks = await longTasksSince(page, mineStart);
    assert.deepEqual(longTasks.filter((t) => t.duration > 50), [], 'no long task over 50 ms while mining');
    console.log(`# long tasks while mining: ${longTasks.length}`);

    // The worker count is a persisted setting.
    await app.reload();
    assert.equal(await app.id('workers-input').inputValue(), '2');
    assert.equal(await app.blockCount(), 2);
  }));

  test('by default one worker per navigator.hardwareConcurrency (clamped to 16)', async () => {
    for (const [cores, expected] of [[3, 3], [40, 16]]) {
      await withInstrumented({ cores }, async ({ page, app }) => {
        assert.equal(await app.id('workers-input').inputValue(), '', 'no worker count was set');
        assert.equal(await app.id('workers-input').getAttribute('placeholder'), String(expected));
        await app.setDifficulty(40);
        await app.id('mine-button').click();
        await page.waitForFunction((n) => document.querySelector('[data-testid=mining-status]')?.getAttribute('data-backend') === n,
          String(expected), { timeout: 20_000 });
        assert.equal(await page.evaluate(() => window.__workers.length), expected, `${expected} workers started for ${cores} cores`);
        await app.id('cancel-mine').click();
        await page.waitForFunction(() => !document.querySelector('[data-testid=cancel-mine]'));
      });
    }
  });

  test('3 workers: the first find wins and the other workers stop at once', () => withInstrumented({}, async ({ page, app }) => {
    await app.id('workers-input').fill('3');
    await app.setDifficulty(18); // ~262k expected attempts: well under a second on 3 workers
    for (let round = 0; round < 3; round += 1) {
      await page.evaluate(() => { window.__workerMessages = []; });
      await app.mine({ timeout: 60_000 });
      await page.waitForTimeout(400); // late messages, if any, arrive in this window
      const messages = await page.evaluate(() => window.__workerMessages);
      const found = messages.filter((m) => m.type === 'found');
      assert.ok(found.length >= 1, 'a worker found a nonce');
      const first = found[0];
      const shown = await app.block(round + 1).getByTestId('block-nonce').innerText();
      assert.equal(shown, first.nonce, 'the block carries the first find\'s nonce');
      const others = [0, 1, 2].filter((w) => w !== first.worker);
      for (const w of others) {
        const end = messages.find((m) => m.worker === w && m.at >= first.at && ['stopped', 'found', 'exhausted'].includes(m.type));
        assert.ok(end, `worker ${w} ended its search after the find: ${JSON.stringify(messages.filter((m) => m.worker === w).slice(-3))}`);
        assert.ok(end.at - first.at < 100, `worker ${w} stopped ${(end.at - first.at).toFixed(1)} ms after the find`);
        const late = messages.filter((m) => m.worker === w && m.type === 'progress' && m.at > first.at + 100);
        assert.deepEqual(late, [], `worker ${w} sent no progress more than 100 ms after the find`);
      }
      console.log(`# round ${round}: worker ${first.worker} found nonce ${first.nonce}; others ended after ` +
        others.map((w) => (messages.find((m) => m.worker === w && m.at >= first.at && m.type !== 'progress').at - first.at).toFixed(1)).join(', ') + ' ms');
    }
    assert.equal(await app.blockCount(), 4);
  }));

  test('the workers setting refuses numbers outside 1..16', () => withInstrumented({}, async ({ app }) => {
    for (const bad of ['0', '17', '2.5']) {
      await app.id('workers-input').fill(bad);
      assert.match(await app.id('workers-error').innerText(), /whole number from 1 to 16/);
      assert.ok(await app.id('mine-button').isDisabled());
    }
    await app.id('workers-input').fill('');
    assert.equal(await app.id('workers-error').count(), 0);
    assert.ok(await app.id('mine-button').isEnabled());
  }));

  test('without Worker it mines on the main thread and says so', () => withInstrumented({ removeWorker: true }, async ({ page, app }) => {
    assert.equal(await page.evaluate(() => typeof window.Worker), 'undefined');
    await app.addRecord({ sender: 'solo', receiver: 'main', amount: '1' });
    await app.setDifficulty(12);
    const mineStart = await now(page);
    await app.mine();
    assert.match(await app.id('workers-unavailable').innerText(), /Web workers are unavailable .*main thread/);
    const block = app.block(1);
    assert.ok(leadingZeroBits(await block.getAttribute('data-hash')) >= 12);
    assert.equal(await block.getAttribute('data-valid'), 'true');
    assert.equal(await block.getByTestId('block-stats').getAttribute('data-workers'), '1');
    assert.match(await app.id('mining-result').innerText(), /on the main thread/);
    // A longer search shows the main thread as its backend, and cancels.
    await app.setDifficulty(40);
    await app.id('mine-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=mining-status]')?.getAttribute('data-backend') === 'main');
    assert.equal(await app.id('mining-backend').innerText(), 'the main thread');
    // Mine on the main thread for a while (the attempts grow), then cancel.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=mining-attempts]')?.innerText) > 0, null, { timeout: 10_000 });
    const a1 = Number(await app.id('mining-attempts').innerText());
    await page.waitForTimeout(1500);
    const a2 = Number(await app.id('mining-attempts').innerText());
    assert.ok(a2 > a1, `attempts grow on the main thread: ${a1} -> ${a2}`);
    await app.id('cancel-mine').click();
    await app.id('mining-status').waitFor({ state: 'detached', timeout: 1000 });
    assert.equal(await app.blockCount(), 2);
    // The 8 ms slices keep the page responsive: no long task over 50 ms while mining.
    const longTasks = await longTasksSince(page, mineStart);
    assert.deepEqual(longTasks.filter((t) => t.duration > 50), [], 'no long task over 50 ms while mining on the main thread');
    console.log(`# long tasks while mining on the main thread: ${longTasks.length} (longest ${Math.max(0, ...longTasks.map((t) => t.duration)).toFixed(0)} ms)`);
    // The observer does see a long task in this browser: an 80 ms busy task is reported.
    const probe = await now(page);
    await page.evaluate(() => setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80) { /* busy */ } }, 0));
    await page.waitForFunction((since) => window.__longTasks.some((t) => t.start >= since && t.duration > 50), probe, { timeout: 5000 });
  }));

  test('workers that never say Ready: after 2 s it mines on the main thread and says so', () => withInstrumented({ silentWorker: true }, async ({ page, app }) => {
    await app.setDifficulty(10);
    const t0 = await now(page);
    await app.id('mine-button').click();
    assert.match(await app.id('mining-backend').innerText(), /^starting \d+ web workers…$/);
    await app.block(1).waitFor({ timeout: 30_000 });
    const waited = (await now(page)) - t0;
    assert.ok(waited >= 1900, `fell back after the 2 s Ready timeout (${waited.toFixed(0)} ms)`);
    assert.match(await app.id('workers-unavailable').innerText(), /did not start within 2 s.*main thread/);
    assert.equal(await app.block(1).getAttribute('data-valid'), 'true');
  }));
});
