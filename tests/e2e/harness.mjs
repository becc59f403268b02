// Shared set-up for the end-to-end tests: the static server, Debian Chromium through
// playwright-core, a fresh browser context per test, and page objects.
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts the server (of `root`: DIST or dist/ by default) and the browser once per test file. */
export async function startSuite({ root } = {}) {
  const server = await startServer(root ? { root } : {});
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  checkLayoutOnClose(browser);
  return {
    server,
    browser,
    async close() {
      // A context a test left open is checked as it is.
      let failure = null;
      for (const context of browser.contexts()) {
        try { await context.close(); } catch (e) { failure ??= e; }
      }
      await browser.close();
      await server.close();
      if (failure) throw failure;
    },
  };
}

/**
 * The layout and accessibility check every end-to-end test ends with (issue #16): for each
 * page of the app still open, at 1280 px and at 390 px wide, no horizontal page scroll
 * (`scrollWidth <= clientWidth` on the root and the body) and no serious or critical axe-core
 * violation. [`withApp`] runs it before its own checks; every other context runs it when it is
 * closed (`browser.newContext` is wrapped), so the final state of every test is checked.
 * `E2E_LAYOUT=0` turns it off (to bisect a failure); `LAYOUT_WIDTHS=390` checks fewer widths.
 */
export const LAYOUT_WIDTHS = (process.env.LAYOUT_WIDTHS || '1280,390').split(',').map(Number).filter(Boolean);
const layoutOn = process.env.E2E_LAYOUT !== '0';
const layoutChecked = new WeakSet();
/** Seconds spent in the check in this process (printed by `startSuite().close` when asked). */
export const layoutCost = { seconds: 0, pages: 0 };

function checkLayoutOnClose(browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    const close = context.close.bind(context);
    context.close = async (...closeArgs) => {
      let failure = null;
      try { await checkContextLayout(context); } catch (e) { failure = e; }
      await close(...closeArgs);
      if (failure) throw failure;
    };
    return context;
  };
}

/** Runs [`checkLayout`] on every open page of `context` showing the app (once per context). */
export async function checkContextLayout(context) {
  if (!layoutOn || layoutChecked.has(context)) return;
  layoutChecked.add(context);
  const problems = [];
  for (const page of context.pages()) {
    if (page.isClosed()) continue;
    problems.push(...await checkLayout(page));
  }
  if (problems.length) throw new Error(`layout or accessibility problems in the final state:\n${problems.join('\n')}`);
}

/**
 * Measures `page` at each of [`LAYOUT_WIDTHS`] and returns the problems found (empty: fine):
 * horizontal page overflow, with the elements that stick out, and axe-core's serious and
 * critical violations. Pages not showing the app (a closed server, about:blank) are skipped.
 */
export async function checkLayout(page, { widths = LAYOUT_WIDTHS } = {}) {
  const started = performance.now();
  const problems = [];
  let showsApp = false;
  try {
    showsApp = await page.evaluate(() => !!document.querySelector('[data-testid=app-ready]'));
  } catch { /* navigating or crashed: nothing to check */ }
  if (!showsApp) return problems;
  const original = page.viewportSize();
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      const overflow = await page.evaluate(measureOverflow);
      if (overflow) problems.push(`${width} px (${page.url()}): ${overflow}`);
      const axe = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
      for (const v of axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})` : ''}`);
        problems.push(`${width} px (${page.url()}): axe ${v.impact} ${v.id}: ${v.help}; ${v.nodes.length} node(s): ${where.join('; ')}`);
      }
    }
  } finally {
    if (original && !page.isClosed()) await page.setViewportSize(original).catch(() => {});
    layoutCost.seconds += (performance.now() - started) / 1000;
    layoutCost.pages += 1;
    if (process.env.LAYOUT_COST) console.error(`layout check: ${layoutCost.pages} pages, ${layoutCost.seconds.toFixed(1)} s in total`);
  }
  return problems;
}

/** In the page: null when nothing scrolls sideways, else what is too wide (runs in the page). */
export function measureOverflow() {
  const root = document.documentElement;
  const { body } = document;
  const width = root.clientWidth;
  const wide = root.scrollWidth > width || body.scrollWidth > body.clientWidth;
  if (!wide) return null;
  const name = (e) => {
    const id = e.getAttribute('data-testid');
    const cls = typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
    return `${e.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''}${cls}`;
  };
  // The innermost elements that reach past the right edge (their ancestors are implied), and
  // elements whose own text spills out of their box past it (the box itself fits).
  const all = [...document.body.querySelectorAll('*')];
  const past = (e) => e.getBoundingClientRect().right > width + 1;
  const boxes = all.filter(past).filter((e) => ![...e.children].some(past));
  const spills = all.filter((e) => !past(e) && e.scrollWidth > e.clientWidth + 1
    && getComputedStyle(e).overflowX === 'visible' && e.getBoundingClientRect().left + e.scrollWidth > width + 1
    && ![...e.children].some((c) => c.scrollWidth > c.clientWidth + 1));
  const out = [...boxes, ...spills].slice(0, 6)
    .map((e) => `${name(e)} (right edge ${Math.round(Math.max(e.getBoundingClientRect().right, e.getBoundingClientRect().left + e.scrollWidth))} px, in ${name(e.parentElement)})`);
  return `the page scrolls sideways: scrollWidth ${root.scrollWidth} > clientWidth ${width}; too wide: ${out.join(', ')}`;
}

/**
 * Opens the site in a fresh context. Collects page errors, console errors, failed requests and
 * HTTP errors in `problems`; `assertClean()` fails the test if there are any. `contextOptions`
 * go to Playwright's `browser.newContext` (xss.test.mjs bypasses the CSP with them);
 * `beforeLoad(page, context)` runs before the site is opened (init scripts, a fake clock).
 */
export async function openApp(suite, { path = '#/ledger', contextOptions = {}, beforeLoad } = {}) {
  const context = await suite.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...contextOptions });
  await context.addInitScript(reportCspViolations);
  const page = await context.newPage();
  if (beforeLoad) await beforeLoad(page, context);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /panicked at/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // A reload cancels requests still in flight (net::ERR_ABORTED); a missing file is a 404 below.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(suite.server.url + path);
  const app = new LedgerPage(page);
  await app.waitForApp();
  // Every end-to-end test runs under the site's Content-Security-Policy (scripts/finish-site.mjs):
  // a build without it, or anything the policy blocks, is a problem of the test.
  if (!(await page.evaluate(cspOfPage))) problems.push('the page has no Content-Security-Policy');
  return {
    page,
    context,
    app,
    problems,
    assertClean() {
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    },
  };
}

/** Runs in the page before its scripts: a CSP violation becomes a console error (a problem). */
export function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`);
  });
}

/** The page's Content-Security-Policy meta tag, or null (runs in the page). */
export function cspOfPage() {
  return document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null;
}

/** Leading zero bits of a 0x-prefixed hex hash. */
/**
 * Runs `fn` with a fresh profile opened by [`openApp`] (same options), then fails on any page
 * error, console error, failed request or CSP violation; the context is always closed.
 */
export async function withApp(suite, fn, options = {}) {
  const session = await openApp(suite, options);
  try {
    await fn(session);
    await checkContextLayout(session.context);
    session.assertClean();
  } finally {
    await session.context.close();
  }
}

export function leadingZeroBits(hex) {
  let bits = 0;
  for (const ch of hex.slice(2)) {
    const nibble = parseInt(ch, 16);
    if (nibble === 0) { bits += 4; continue; }
    return bits + Math.clz32(nibble) - 28;
  }
  return bits;
}

/** The ledger screen, addressed through its data-testid contract. */
export class LedgerPage {
  constructor(page) {
    this.page = page;
  }
  id(testid) { return this.page.getByTestId(testid); }
  async waitForApp() { await this.id('app-ready').waitFor({ state: 'attached', timeout: 30_000 }); }
  async reload() { await this.page.reload(); await this.waitForApp(); }

  async addRecord({ sender = 'alice', receiver = 'bob', amount = '1.5', memo = '' } = {}) {
    await this.id('record-sender').fill(sender);
    await this.id('record-receiver').fill(receiver);
    await this.id('record-amount').fill(amount);
    await this.id('record-memo').fill(memo);
    await this.id('add-record').click();
  }
  async setDifficulty(bits) { await this.id('difficulty-input').fill(String(bits)); }
  blocks() { return this.id('block-card'); }
  block(height) { return this.page.locator(`[data-testid=block-card][data-height="${height}"]`); }
  async blockCount() { return this.blocks().count(); }
  async hashes() {
    return this.blocks().evaluateAll((cards) => cards.map((c) => c.getAttribute('data-hash')));
  }
  /** Mines one block and waits until it is shown. */
  async mine({ timeout = 60_000 } = {}) {
    const before = await this.blockCount();
    await this.id('mine-button').click();
    await this.block(before).waitFor({ timeout });
    await this.page.waitForFunction(() => !document.querySelector('[data-testid=cancel-mine]'), null, { timeout });
  }
}

/** The screens beyond the ledger, addressed through their data-testid contract. */
export class ScreenPage {
  constructor(page, app) { this.page = page; this.app = app; }
  id(testid) { return this.page.getByTestId(testid); }
  text(testid) { return this.id(testid).innerText(); }
  async go(route) {
    await this.page.evaluate((r) => { location.hash = r; }, route);
    await this.app.waitForApp();
  }
  /** Imports a phrase on the Wallet screen and waits until the wallet is unlocked. */
  async importWallet(phrase, password) {
    await this.go('#/wallet');
    await this.id('import-phrase').fill(phrase);
    await this.id('import-password').fill(password);
    await this.id('import-password-confirm').fill(password);
    await this.id('import-wallet').click();
    await this.id('lock-button').waitFor({ timeout: 20_000 });
  }
}
