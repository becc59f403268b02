// The Learn screens, as a newcomer meets them: the home screen and its guided path (every step's
// Try it opens its screen with values filled in, the steps get ticked, progress survives a
// reload, a returning learner lands where they left off, a damaged stored value is reported,
// reset), the hash playground (digests against node:crypto and ethers, the bits one changed
// character flips), the keys walkthrough (every value against ethers), keyboard use, and no
// horizontal scroll at 390 px.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SigningKey, Wallet, computeAddress, keccak256, toUtf8Bytes, verifyMessage } from 'ethers';
import { leadingZeroBits, startSuite, withApp } from './harness.mjs';
import { startAnvil } from './anvil.mjs';

const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const PASSWORD = 'correct horse battery';
const ACCOUNT_1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let suite;
let node;
before(async () => { suite = await startSuite(); node = await startAnvil(); });
after(async () => {
  await suite?.close();
  if (node) { node.child.kill(); await node.exited; }
});

const home = (fn, path = '') => withApp(suite, fn, { path });

function popcount(a, b) {
  let n = 0;
  for (let i = 2; i < a.length; i += 2) {
    let x = parseInt(a.slice(i, i + 2), 16) ^ parseInt(b.slice(i, i + 2), 16);
    while (x) { n += x & 1; x >>= 1; }
  }
  return n;
}

const sha256 = (text) => `0x${createHash('sha256').update(text).digest('hex')}`;

async function done(page, step) {
  return (await page.getByTestId(`step-${step}`).getAttribute('data-done')) === 'true';
}

/** Clicks the Try it of `step` (opening its card first: only the next step's card is open). */
async function tryStep(page, step) {
  await page.getByTestId(`step-${step}`).evaluate((li) => { li.querySelector('details').open = true; });
  await page.getByTestId(`try-${step}`).click();
}

async function goHome(page) {
  await page.evaluate(() => { location.hash = '#/home'; });
  await page.getByTestId('home').waitFor();
}

async function noHorizontalScroll(page, what) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `${what}: page is ${scroll}px wide in a ${width}px window`);
}

describe('learn', () => {
  test('a newcomer lands on the home screen and walks the path: Try it, ticks, reload, return, reset', () => home(async ({ page, app }) => {
    await page.getByTestId('home').waitFor();
    assert.match(await page.getByTestId('home-intro').innerText(), /blockchain lab/);
    const steps = await page.getByTestId('learn-path').locator('li').evaluateAll((li) => li.map((l) => l.dataset.testid));
    assert.deepEqual(steps, ['hashing', 'block', 'chain', 'tampering', 'proof-of-work', 'proof-of-stake', 'nodes', 'keys',
      'mnemonic', 'signing', 'mempool', 'test-network', 'explorer'].map((s) => `step-${s}`));
    assert.equal(await page.getByTestId('learn-count').innerText(), '0 of 13 steps done');

    // 1. Hashing: the playground opens with a sentence in it; one changed character.
    await tryStep(page, 'hashing');
    const input = page.getByTestId('hash-input');
    await page.waitForFunction(() => document.querySelector('[data-testid=hash-input]')?.value === 'Hello, blocklab');
    assert.equal(await page.getByTestId('sha256-hex').innerText(), sha256('Hello, blocklab'));
    assert.equal(await page.getByTestId('keccak256-hex').innerText(), keccak256(toUtf8Bytes('Hello, blocklab')));
    assert.equal(await page.getByTestId('sha256-flipped').innerText(), '0', 'the first input is compared with nothing');
    await goHome(page);
    assert.equal(await done(page, 'hashing'), false, 'filling in the example is not doing the step');
    await tryStep(page, 'hashing');
    await input.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=hash-input]')?.value === 'Hello, blocklab');
    // One character replaced in one edit: select the last one and type over it.
    await input.press('End');
    await input.press('Shift+ArrowLeft');
    await input.press('B');
    const [a, b] = [sha256('Hello, blocklab'), sha256('Hello, blocklaB')];
    await page.waitForFunction((h) => document.querySelector('[data-testid=sha256-hex]').innerText === h, b);
    const flipped = popcount(a, b);
    assert.equal(await page.getByTestId('sha256-flipped').innerText(), String(flipped));
    assert.equal(await page.locator('[data-testid=hash-playground] .digest').first().locator('.bits span.flip').count(), flipped);
    assert.equal(await page.locator('[data-testid=hash-playground] .digest').first().locator('.bits span').count(), 256);
    assert.ok(flipped > 64 && flipped < 192, `about half of the bits: ${flipped}`);
    assert.equal(await page.getByTestId('sha256-length').innerText(), '64');
    assert.equal(await page.getByTestId('sha256-zeros').innerText(), String(leadingZeroBits(b)));
    assert.equal(await page.getByTestId('keccak256-hex').innerText(), keccak256(toUtf8Bytes('Hello, blocklaB')));
    await goHome(page);
    assert.equal(await done(page, 'hashing'), true);
    assert.equal(await page.getByTestId('learn-count').innerText(), '1 of 13 steps done');

    // 2. A block: the record form is filled in; add it and mine it (also proof of work).
    await tryStep(page, 'block');
    await page.waitForFunction(() => document.querySelector('[data-testid=record-sender]')?.value === 'alice');
    assert.equal(await page.getByTestId('record-memo').inputValue(), 'my first block');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'add-record', 'the next button has the focus');
    await page.keyboard.press('Enter');
    await page.getByTestId('pending-record').waitFor();
    await app.setDifficulty(4);
    await app.mine();
    await goHome(page);
    assert.equal(await done(page, 'block'), true);
    assert.equal(await done(page, 'proof-of-work'), true);

    // 3. Validation, from the keyboard: Try it focuses the button.
    await page.getByTestId('step-chain').evaluate((li) => { li.querySelector('details').open = true; });
    await page.getByTestId('try-chain').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'validate-button');
    await page.keyboard.press('Enter');
    await page.getByTestId('validation-summary').waitFor();
    await goHome(page);
    assert.equal(await done(page, 'chain'), true);

    // 4. Tampering.
    await tryStep(page, 'tampering');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'tamper-toggle');
    await page.keyboard.press('Space');
    await app.block(1).getByTestId('tamper-amount').fill('1000');
    await page.waitForFunction(() => document.querySelector('[data-testid=block-card][data-height="1"]').getAttribute('data-valid') === 'false');
    await goHome(page);
    assert.equal(await done(page, 'tampering'), true);
    // Undone (the record's amount as it was), so later blocks can be mined on a valid tip.
    await page.evaluate(() => { location.hash = '#/ledger'; });
    await app.block(1).getByTestId('tamper-amount').fill('1.5');
    await page.waitForFunction(() => document.querySelector('[data-testid=block-card][data-height="1"]').getAttribute('data-valid') === 'true');
    await app.id('tamper-toggle').uncheck();
    await goHome(page);

    // 5. Proof of work: the difficulty is filled in.
    await tryStep(page, 'proof-of-work');
    await page.waitForFunction(() => document.querySelector('[data-testid=difficulty-input]')?.value === '12');

    // 6. Proof of stake: Try it opens the Nodes screen on its choice; a run that finalizes an
    // epoch ticks it.
    await goHome(page);
    await tryStep(page, 'proof-of-stake');
    await page.waitForFunction(() => location.hash === '#/nodes' && document.activeElement?.dataset.testid === 'mode-pos');
    await page.getByTestId('mode-pos').click();
    await page.getByTestId('pos-speed').selectOption('50');
    await page.getByTestId('pos-play').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=pos-finalized]')?.innerText) >= 1, null, { timeout: 60_000 });
    await page.getByTestId('pos-play').click();
    await goHome(page);
    assert.equal(await done(page, 'proof-of-stake'), true);

    // 7. Nodes, 8. keys (own test below), 9. a wallet from the test phrase.
    await goHome(page);
    await tryStep(page, 'nodes');
    await page.waitForFunction(() => location.hash === '#/nodes');
    await goHome(page);
    assert.equal(await done(page, 'nodes'), true);
    await tryStep(page, 'keys');
    await page.getByTestId('keys-random').click();
    await page.getByTestId('keys-verdict').waitFor();
    await goHome(page);
    assert.equal(await done(page, 'keys'), true);
    await tryStep(page, 'mnemonic');
    await page.waitForFunction(() => document.querySelector('[data-testid=import-phrase]')?.value.endsWith('junk'));
    await page.getByTestId('import-password').fill(PASSWORD);
    await page.getByTestId('import-password-confirm').fill(PASSWORD);
    await page.getByTestId('import-wallet').click();
    await page.getByTestId('lock-button').waitFor({ timeout: 20_000 });
    await goHome(page);
    assert.equal(await done(page, 'mnemonic'), true);

    // 10. Signing: the transfer is filled in; sign it. Its code never holds the key.
    await tryStep(page, 'signing');
    await page.waitForFunction((to) => document.querySelector('[data-testid=send-to]')?.value === to, ACCOUNT_1);
    assert.equal(await page.getByTestId('send-amount').inputValue(), '1.5');
    await goHome(page);
    assert.equal(await done(page, 'signing'), false, 'opening the form is not signing');
    await tryStep(page, 'signing');
    await page.waitForFunction((to) => document.querySelector('[data-testid=send-to]')?.value === to, ACCOUNT_1);
    await page.getByTestId('send-sign').click();
    const raw = await page.getByTestId('signed-raw').innerText();
    await page.getByTestId('code-sign-tx-toggle').check();
    const py = await page.getByTestId('code-sign-tx-python').innerText();
    assert.match(py, /"nonce": 0,/);
    assert.match(py, new RegExp(`"to": "${ACCOUNT_1}"`));
    assert.ok(!py.includes(KEY.slice(2)) && !(await page.getByTestId('code-sign-tx-javascript').innerText()).includes(KEY.slice(2)),
      'the private key is not in the code');
    await page.getByTestId('send-submit').click();
    await page.locator('[data-testid=send-submit-result][data-ok=true]').waitFor();
    await goHome(page);
    assert.equal(await done(page, 'signing'), true);
    assert.equal(await done(page, 'mempool'), false, 'no signed transaction is in a block yet');

    // 12. A test network: the URL is filled in; connect to a real node (anvil).
    await tryStep(page, 'test-network');
    await page.waitForFunction(() => document.querySelector('[data-testid=rpc-url]')?.value === 'http://127.0.0.1:8545');
    await page.getByTestId('rpc-url').fill(node.url);
    await page.getByTestId('rpc-connect').click();
    await page.getByTestId('rpc-connected').waitFor();
    await goHome(page);
    assert.equal(await done(page, 'test-network'), true);
    // 13. The explorer.
    await tryStep(page, 'explorer');
    await page.waitForFunction(() => location.hash === '#/explorer');
    await goHome(page);
    assert.equal(await page.getByTestId('learn-count').innerText(), '12 of 13 steps done');
    assert.match(await page.getByTestId('learn-continue').innerText(), /11\. The mempool and a block/);
    // 11. The mempool and a block: Continue opens the transactions screen; the signed transfer
    // is mined into a block on the Ledger.
    await page.getByTestId('learn-continue').click();
    await page.getByTestId('mempool-row').first().waitFor();
    assert.equal(await page.getByTestId('mempool-to').first().innerText(), ACCOUNT_1);
    await page.evaluate(() => { location.hash = '#/ledger'; });
    await app.setDifficulty(4);
    await app.mine();
    await goHome(page);
    assert.equal(await done(page, 'mempool'), true);
    assert.equal(await page.getByTestId('learn-count').innerText(), '13 of 13 steps done');
    assert.equal(await page.getByTestId('learn-continue').count(), 0, 'nothing left to continue');
    assert.ok(raw.startsWith('0x02'), 'an EIP-1559 transfer was signed');

    // A returning learner: progress survives; the bare address lands where they left off.
    await page.evaluate(() => { location.hash = '#/explorer'; });
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('blocklab.learn')).last === '#/explorer');
    await page.goto(page.url().replace(/#.*$/, ''));
    await app.waitForApp();
    await page.waitForFunction(() => location.hash === '#/explorer');
    await goHome(page);
    assert.equal(await page.getByTestId('learn-count').innerText(), '13 of 13 steps done');
    // #/ledger still opens directly.
    await page.goto(page.url().replace(/#.*$/, '#/ledger'));
    await app.waitForApp();
    await app.blocks().first().waitFor();

    // Reset, confirmed.
    await goHome(page);
    await page.getByTestId('learn-reset').click();
    await page.getByTestId('learn-reset-confirm').click();
    assert.equal(await page.getByTestId('learn-count').innerText(), '0 of 13 steps done');
    assert.equal(await page.evaluate(() => localStorage.getItem('blocklab.learn')), null);
  }));

  test('a damaged stored progress is reported and kept aside, and the learner starts over', () => home(async ({ page, app }) => {
    // On the home screen first (a route change saves the progress), then the damaged value.
    await goHome(page);
    await page.evaluate(() => { localStorage.setItem('blocklab.learn', '{"v":1,"done":["hashing"'); });
    await app.reload();
    assert.match(await page.getByTestId('learn-problem').innerText(), /damaged.*kept as blocklab\.backup\.\d+/);
    assert.equal(await page.getByTestId('learn-count').innerText(), '0 of 13 steps done');
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('blocklab.backup.'))
      .map((k) => localStorage.getItem(k)));
    assert.deepEqual(kept, ['{"v":1,"done":["hashing"']);
    // Listed in the Storage card with the other kept copies (download or delete).
    await page.evaluate(() => { location.hash = '#/ledger'; });
    await page.getByTestId('kept-backup').first().waitFor();
    assert.equal(await page.getByTestId('kept-backup').count(), 1);
  }, '#/ledger'));

  test('keys explained: every value equals ethers, the checksum letters, sign and recover', () => home(async ({ page }) => {
    await page.getByTestId('keys-private').fill(KEY);
    const pub = new SigningKey(KEY).publicKey; // 0x04 x y
    const address = computeAddress(KEY);
    assert.equal(await page.getByTestId('keys-x').innerText(), `0x${pub.slice(4, 68)}`);
    assert.equal(await page.getByTestId('keys-y').innerText(), `0x${pub.slice(68)}`);
    const hash = keccak256(`0x${pub.slice(4)}`);
    assert.equal(await page.getByTestId('keys-keccak').innerText(), hash);
    assert.equal(await page.getByTestId('keys-last20').innerText(), `0x${hash.slice(-40)}`);
    assert.equal(await page.getByTestId('keys-address').innerText(), address);
    const caps = await page.locator('[data-testid=keys-address] .caps').allInnerTexts();
    assert.deepEqual(caps, [...address.slice(2)].filter((c) => /[A-F]/.test(c)));
    await page.getByTestId('keys-message').fill('I own this address');
    const sig = await new Wallet(KEY).signMessage('I own this address');
    await page.waitForFunction((s) => document.querySelector('[data-testid=keys-signature]')?.innerText === s, sig);
    assert.equal(await page.getByTestId('keys-recovered').innerText(), verifyMessage('I own this address', sig));
    // The code, off by default, carries the user's own values.
    assert.equal(await page.getByTestId('code-sign-message-python').count(), 0);
    await page.getByTestId('code-sign-message-toggle').check();
    assert.match(await page.getByTestId('code-sign-message-python').innerText(), /encode_defunct\(text="I own this address"\)/);
    await page.getByTestId('code-verify-message-toggle').check();
    assert.match(await page.getByTestId('code-verify-message-javascript').innerText(), new RegExp(sig));
    // A random key from the browser's generator is a valid key whose values ethers agrees with.
    await page.getByTestId('keys-random').click();
    const random = await page.getByTestId('keys-private').inputValue();
    assert.match(random, /^0x[0-9a-f]{64}$/);
    assert.notEqual(random, KEY);
    await page.waitForFunction((a) => document.querySelector('[data-testid=keys-address]')?.innerText === a, computeAddress(random));
    // A typo is refused in words.
    await page.getByTestId('keys-private').fill('0x12');
    assert.match(await page.getByTestId('keys-error').innerText(), /64 hex digits/);
  }, '#/learn/keys'));

  test('the Ledger draws the chain as linked blocks: a tampered block breaks the next link, the tail is marked', () => withApp(suite, async ({ page, app }) => {
    await app.setDifficulty(16); // an edited block misses its target but once in 65,536 runs
    for (let i = 1; i <= 3; i++) {
      await app.addRecord({ sender: `s${i}`, receiver: `r${i}`, amount: `${i}` });
      await app.mine();
    }
    assert.equal(await page.getByTestId('chain-links').count(), 0, 'cards by default');
    await page.getByTestId('chain-linked-toggle').check();
    const state = () => page.getByTestId('link-block').evaluateAll((l) => l.map((e) => [e.dataset.height, e.dataset.linkOk, e.dataset.prefix]));
    assert.deepEqual(await state(), [['0', 'true', 'true'], ['1', 'true', 'true'], ['2', 'true', 'true'], ['3', 'true', 'true']]);
    await page.getByTestId('chain-linked-toggle').uncheck();
    await app.id('tamper-toggle').check();
    await app.block(2).getByTestId('tamper-amount').fill('1000');
    await page.waitForFunction(() => document.querySelector('[data-testid=block-card][data-height="2"]').getAttribute('data-valid') === 'false');
    await page.getByTestId('chain-linked-toggle').check();
    assert.deepEqual(await state(), [['0', 'true', 'true'], ['1', 'true', 'true'], ['2', 'true', 'false'], ['3', 'false', 'false']]);
    assert.match(await page.locator('[data-testid=link-block][data-height="3"] [data-testid=link-prev]').innerText(), /broken link/);
    const color = await page.locator('[data-testid=link-block][data-height="3"] .link').evaluate((e) => getComputedStyle(e).color);
    assert.equal(color, 'rgb(180, 35, 24)', 'the broken link is red');
  }));

  test('no horizontal scroll at 390 px on the new screens', () => withApp(suite, async ({ page }) => {
    for (const [hash, ready] of [['#/home', 'home'], ['#/learn/hash', 'hash-playground'], ['#/learn/keys', 'keys-page']]) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.getByTestId(ready).waitFor();
      if (ready === 'keys-page') {
        await page.getByTestId('keys-private').fill(KEY);
        await page.getByTestId('code-sign-message-toggle').check();
      }
      if (ready === 'hash-playground') await page.getByTestId('hash-input').fill('x'.repeat(300));
      await noHorizontalScroll(page, hash);
    }
  }, { path: '#/home', contextOptions: { viewport: { width: 390, height: 800 } } }));
});
