// The Attack lab (#/attacks), driven like a user: each panel computes from the core and refuses
// bad input with the valid range (never NaN); the Monte Carlo column runs in the sim worker with
// progress and cancel and lands near the exact value; one live race on two nodes ends with the
// payment vanished or kept and the tally counting it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, withApp, ScreenPage } from './harness.mjs';

const WAIT = { timeout: 60_000 };

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

class AttacksPage extends ScreenPage {
  async open() {
    await this.go('#/attacks');
    await this.id('attacks-page').waitFor(WAIT);
  }
  async fill(testid, value) { await this.id(testid).fill(String(value)); }
  async attr(testid, name) { return this.id(testid).getAttribute(name); }
  async waitAttr(testid, name, ok) {
    const deadline = Date.now() + WAIT.timeout;
    let v;
    while (Date.now() < deadline) {
      v = await this.attr(testid, name);
      if (ok(v)) return v;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`${testid}[${name}] still ${v}`);
  }
}

const open = async ({ page, app }) => {
  const p = new AttacksPage(page, app);
  await p.page.getByTestId('nav-attacks').click();
  await p.id('attacks-page').waitFor(WAIT);
  return p;
};

describe('attack lab', () => {
  test('double spend: Nakamoto, exact and Monte Carlo side by side, z for a risk, the chart, his tables; bad input refused', () => withApp(suite, async (s) => {
    const p = await open(s);
    await p.fill('ds-q', '0.1');
    await p.fill('ds-z', '1');
    assert.equal(await p.text('ds-nakamoto'), '0.2045873');
    assert.equal(await p.text('ds-exact'), '0.2000000');
    await p.fill('ds-z', '6');
    assert.match(await p.text('ds-risk-z'), /z = 6 .*says 5\)/);
    assert.equal(await p.attr('ds-chart', 'data-lines'), '8');
    // Nakamoto's printed value for q = 0.3, z = 5 in his table, recomputed.
    assert.match(await p.text('ds-table-q03'), /5\s+0\.1773523/);
    assert.match(await p.text('ds-table-risk'), /0\.45\s+340/);
    assert.match(await p.text('ds-why'), /negative binomial.*: 6, not 5\)/);
    assert.match(await p.text('ds-precision'), /below about 1e-12 it carries no significant digit/);
    // Monte Carlo: runs in the worker, progress, then an estimate near the exact value.
    await p.fill('ds-q', '0.3');
    await p.fill('ds-z', '2');
    await p.fill('ds-trials', '200000');
    await p.id('ds-mc-run').click();
    await p.waitAttr('ds-mc', 'data-state', (v) => v === 'done');
    assert.equal(await p.attr('ds-mc', 'data-trials'), '200000');
    const est = Number(await p.text('ds-mc-estimate'));
    const exact = Number(await p.text('ds-exact'));
    const se = Math.sqrt(exact * (1 - exact) / 200000);
    assert.ok(Math.abs(est - exact) < 4 * se, `simulated ${est} vs exact ${exact}`);
    assert.match(await p.text('ds-mc-interval'), /95% interval/);
    // Cancel: a long run stops part-way.
    await p.fill('ds-trials', '100000000');
    await p.id('ds-mc-run').click();
    await p.waitAttr('ds-mc', 'data-trials', (v) => Number(v) > 0);
    await p.id('ds-mc-cancel').click();
    await p.waitAttr('ds-mc', 'data-state', (v) => v === 'cancelled');
    assert.ok(Number(await p.attr('ds-mc', 'data-trials')) < 100000000);
    // Bad input: the valid range, never NaN.
    await p.fill('ds-q', '1.2');
    assert.match(await p.text('ds-error'), /\[0, 1\)/);
    assert.equal(await p.text('ds-exact'), '—');
    assert.ok(await p.id('ds-mc-run').isDisabled());
    await p.fill('ds-q', '0.1');
    await p.fill('ds-z', '-1');
    assert.match(await p.text('ds-error'), /0 to 10000/);
    await p.fill('ds-z', '6');
    await p.fill('ds-risk', '0');
    assert.match(await p.text('ds-risk-error'), /risk/);
    const all = await p.text('attacks-page');
    assert.ok(!/NaN/.test(all), 'no NaN on the screen');
  }));

  test('one live race on two nodes: the payment vanishes or survives, the tally counts it next to the formula', () => withApp(suite, async (s) => {
    const p = await open(s);
    await p.fill('live-q', '0.3');
    await p.fill('live-z', '1');
    await p.id('live-new').click();
    assert.match(await p.text('live-formula'), /q = 0\.3, z = 1\): 0\.6000000/);
    // One race, a step at a time: the payment, its acceptance, then the outcome.
    const stepUntil = async (ok) => {
      for (let i = 0; i < 5000; i++) {
        if (ok(await p.attr('live-phase', 'data-phase'), Number(await p.attr('live-tally', 'data-races')))) return;
        await p.id('live-step').click();
      }
      throw new Error('the live race did not get there in 5000 steps');
    };
    await stepUntil((phase) => phase !== 'Premining');
    assert.match(await p.text('live-log'), /pays the merchant; his private branch already spends the same coins/);
    await stepUntil((phase, races) => phase !== 'Racing' || races >= 1);
    assert.match(await p.text('live-log'), /accepts the payment after 1 confirmation/);
    await stepUntil((_, races) => races >= 1);
    const log = await p.text('live-log');
    assert.match(log, /payment vanished from the merchant's chain|gives up .* the payment survives/);
    const vanished = Number(await p.attr('live-tally', 'data-vanished'));
    assert.equal(vanished, /payment vanished/.test(log) ? 1 : 0, "the tally counts what the merchant's chain shows");
    // Playing steps on a timer; pause stops it.
    await p.id('live-play').click();
    await p.waitAttr('live-tally', 'data-races', (v) => Number(v) >= 2);
    await p.id('live-play').click(); // pause
    // Ten more at full speed: the tally grows, next to the formula.
    const before = Number(await p.attr('live-tally', 'data-races'));
    await p.id('live-many').click();
    const races = Number(await p.attr('live-tally', 'data-races'));
    assert.equal(races, before + 10);
    assert.ok(Number(await p.attr('live-tally', 'data-vanished')) <= races);
    assert.match(await p.text('live-tally'), new RegExp(`^${races} races, payment vanished in \\d+: [0-9.]+ \\(95% interval`));
    await p.fill('live-q', '0');
    await p.id('live-new').click();
    assert.match(await p.text('live-error'), /\(0, 1\)/);
    await p.fill('live-q', '0.3');
    await p.fill('live-z', '21');
    await p.id('live-new').click();
    assert.match(await p.text('live-error'), /0 to 20 confirmations/);
    // Leaving the screen while a race plays stops its timer and panics nothing (the harness
    // fails the test on any console error), and the next screen works.
    await p.id('live-play').click();
    await p.go('#/nodes');
    await p.id('nodes-page').waitFor();
    await p.id('mode-pos').click();
    await p.id('pos-step').click();
    await p.id('pos-validator-0').waitFor();
  }));

  test('51%: expected time; selfish mining: closed form, simulation, threshold, chart; the stake figures of Casper FFG', () => withApp(suite, async (s) => {
    const p = await open(s);
    await p.fill('maj-q', '0.75');
    await p.fill('maj-z', '0');
    assert.equal(await p.text('maj-blocks'), '0.00');
    await p.fill('maj-z', '6');
    assert.match(await p.text('maj-time'), /minutes|hours/);
    await p.fill('maj-q', '0.4');
    assert.match(await p.text('maj-error'), /\(0\.5, 1\)/);
    await p.fill('maj-q', '0.6');
    await p.fill('maj-minutes', '0');
    assert.match(await p.text('maj-error'), /interval .*\(0, 525600\]/);

    await p.fill('sf-alpha', '0.3333333333');
    await p.fill('sf-gamma', '0');
    assert.equal(await p.text('sf-threshold'), '0.3333333');
    await p.fill('sf-alpha', '0.4');
    await p.fill('sf-gamma', '0.5');
    const closed = Number(await p.text('sf-closed'));
    await p.fill('sf-blocks', '1000000');
    await p.id('sf-run').click();
    const sim = Number(await p.text('sf-sim'));
    assert.ok(Math.abs(sim - closed) < 0.005, `simulated ${sim} vs closed ${closed}`);
    assert.match(await p.text('sf-verdict'), /pays/);
    assert.equal(await p.attr('sf-chart', 'data-lines'), '4');
    await p.fill('sf-gamma', '1.5');
    assert.match(await p.text('sf-error'), /\[0, 1\]/);

    // The same attacks in stake (Casper FFG), computed from the stake typed.
    await p.fill('pos-stake', '300');
    assert.match(await p.text('pos-slashed'), /at least 1\/3 of the total stake is slashed .*: 100 ETH/);
    assert.match(await p.text('pos-liveness'), /more than 1\/3 of the stake \(100\.000000000000000001 ETH\)/);
    assert.match(await p.text('pos-conflict'), /2\/3 of the stake: 200 ETH/);
    await p.fill('pos-stake', '-1');
    assert.match(await p.text('pos-error'), /not a positive amount/);
    assert.equal(await p.text('pos-slashed'), '—');
    assert.ok(!/NaN/.test(await p.text('attacks-page')), 'no NaN on the screen');
  }));
});
