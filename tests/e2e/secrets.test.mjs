// Secrets in memory (issue 15, item 4): a revealed phrase and an exported private key live only
// in zeroizing buffers, wiped on lock, on leaving the wallet screen and on auto-lock. The test
// reads the wasm linear memory itself (the main module's `memory`, which the split modules
// share) and searches it for the phrase's text, the key's bytes (big-endian, and reversed as
// the secp256k1 scalar holds them in its little-endian limbs) and the key's hex. While the
// secrets are shown the same search must find them, so a broken scan cannot pass. JavaScript
// strings (the DOM's text) are outside the wasm memory and outside this test (SECURITY.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HDNodeWallet } from 'ethers';
import { ScreenPage, startSuite, withApp } from './harness.mjs';

const PASSWORD = 'correct horse battery';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** Runs in the page before its scripts: keeps the wasm exports Trunk's loader announces. */
function keepWasmExports() {
  addEventListener('TrunkApplicationStarted', (e) => { window.__blocklabWasm = e.detail.wasm; });
}

/** How often each needle (hex of its bytes) occurs in the wasm linear memory (runs in the page). */
function countInMemory(needles) {
  const memory = window.__blocklabWasm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('no wasm memory captured');
  const heap = new Uint8Array(memory.buffer);
  // Where the hits are (the first few offsets), so that a failure tells the stack (below the
  // main module's `__heap_base`, 1 MiB) from the heap.
  const heapBase = window.__blocklabWasm?.__heap_base?.value ?? null;
  const counts = { memoryBytes: heap.length, at: { heapBase } };
  for (const [name, hex] of Object.entries(needles)) {
    const needle = Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16));
    let count = 0;
    for (let i = heap.indexOf(needle[0]); i !== -1 && i + needle.length <= heap.length; i = heap.indexOf(needle[0], i + 1)) {
      let j = 1;
      while (j < needle.length && heap[i + j] === needle[j]) j++;
      if (j === needle.length) {
        count++;
        if (count <= 4) (counts.at[name] ??= []).push(i);
      }
    }
    counts[name] = count;
  }
  return counts;
}

const hexOf = (bytes) => Buffer.from(bytes).toString('hex');
/** The needles of a phrase and a private key (`0x…`). */
function needles(phrase, keyHex) {
  const key = Buffer.from(keyHex.slice(2), 'hex');
  return {
    phrase: hexOf(Buffer.from(phrase, 'utf8')),
    keyHex: hexOf(Buffer.from(keyHex.slice(2), 'ascii')),
    keyBytes: hexOf(key),
    keyBytesReversed: hexOf(Buffer.from(key).reverse()),
  };
}
const scan = (page, n) => page.evaluate(countInMemory, n);

const id = (page, testid) => page.getByTestId(testid);

/** Creates a wallet with a fresh random phrase (never a phrase compiled into the app). */
async function createWallet(page) {
  await id(page, 'create-wallet').click();
  const words = await id(page, 'phrase-word').allInnerTexts();
  await id(page, 'phrase-written').click();
  const inputs = id(page, 'confirm-word');
  for (let i = 0; i < await inputs.count(); i++) {
    const pos = Number(await inputs.nth(i).getAttribute('data-position'));
    await inputs.nth(i).fill(words[pos - 1]);
  }
  await id(page, 'create-password').fill(PASSWORD);
  await id(page, 'create-password-confirm').fill(PASSWORD);
  await id(page, 'finish-create').click();
  await id(page, 'lock-button').waitFor({ timeout: 20_000 });
  return words.join(' ');
}

/** Reveals the phrase and exports the selected account's key; returns both as shown. */
async function revealAndExport(page) {
  await id(page, 'secret-password').fill(PASSWORD);
  await id(page, 'reveal-button').click();
  const shownPhrase = id(page, 'revealed-phrase');
  await page.waitForFunction(() => document.querySelector('[data-testid=revealed-phrase]')?.textContent);
  await id(page, 'secret-password').fill(PASSWORD);
  await id(page, 'export-key-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=exported-key]')?.textContent);
  const key = await id(page, 'exported-key').innerText();
  assert.match(key, /^0x[0-9a-f]{64}$/);
  return { phrase: await shownPhrase.innerText(), key };
}

async function unlock(page) {
  await id(page, 'unlock-password').fill(PASSWORD);
  await id(page, 'unlock-button').click();
  await id(page, 'lock-button').waitFor({ timeout: 20_000 });
}

const found = ({ memoryBytes, at, ...counts }) => counts;
/** Asserts no needle is in memory; on a hit, the message gives the offsets. */
function assertWiped(counts, what) {
  const none = Object.fromEntries(Object.keys(found(counts)).map((name) => [name, 0]));
  assert.deepEqual(found(counts), none, `${what} (offsets of the hits: ${JSON.stringify(counts.at)})`);
}

/** The needles of account `i`'s private key (ethers derives it from the phrase, m/44'/60'/0'/0/i). */
function accountNeedles(phrase, i) {
  const key = Buffer.from(HDNodeWallet.fromPhrase(phrase, '', `m/44'/60'/0'/0/${i}`).privateKey.slice(2), 'hex');
  return { [`key${i}`]: hexOf(key), [`key${i}Reversed`]: hexOf(Buffer.from(key).reverse()) };
}

describe('secrets in wasm memory', () => {
  test('the phrase and an exported key are in memory while shown, and gone after Lock and after leaving the screen', () => withApp(suite, async ({ page, app }) => {
    const phrase = await createWallet(page);
    const shown = await revealAndExport(page);
    assert.equal(shown.phrase, phrase);
    const n = needles(phrase, shown.key);

    // The control: while shown, the same scan finds every form.
    const unlocked = await scan(page, n);
    assert.ok(unlocked.phrase > 0, `the phrase is found while revealed: ${JSON.stringify(unlocked)}`);
    assert.ok(unlocked.keyHex > 0, `the key's hex is found while exported: ${JSON.stringify(unlocked)}`);
    assert.ok(unlocked.keyBytesReversed + unlocked.keyBytes > 0, `the key's bytes are found while unlocked: ${JSON.stringify(unlocked)}`);

    await id(page, 'lock-button').click();
    await id(page, 'unlock-password').waitFor();
    assert.equal(await id(page, 'revealed').count(), 0);
    assertWiped(await scan(page, n), 'nothing of the secrets is left after Lock');

    // Leaving the screen wipes what was shown; the wallet stays unlocked (the phrase is still in
    // the unlocked wallet, the exported key's hex is not).
    await unlock(page);
    await revealAndExport(page);
    const screens = new ScreenPage(page, app);
    await screens.go('#/ledger');
    await id(page, 'reveal-button').waitFor({ state: 'detached' });
    const away = await scan(page, n);
    assert.equal(away.keyHex, 0, `the exported key's hex is wiped on leaving the screen: ${JSON.stringify(away)}`);
    assert.ok(away.phrase > 0, 'still unlocked: the wallet keeps its phrase');
    await screens.go('#/wallet');
    assert.equal(await id(page, 'exported-key').count(), 0, 'nothing is shown on coming back');
    await id(page, 'lock-button').click();
    await id(page, 'unlock-password').waitFor();
    assertWiped(await scan(page, n), 'nothing is left after the second Lock');
  }, { path: '#/wallet', beforeLoad: (page) => page.addInitScript(keepWasmExports) }));

  test('auto-lock wipes the phrase and the exported key', () => withApp(suite, async ({ page }) => {
    const phrase = await createWallet(page);
    const minutes = id(page, 'auto-lock-minutes');
    await minutes.fill('1');
    await minutes.press('Tab');
    const shown = await revealAndExport(page);
    const n = needles(phrase, shown.key);
    const before = await scan(page, n);
    assert.ok(before.phrase > 0 && before.keyHex > 0, JSON.stringify(before));
    await page.clock.runFor(70_000);
    await id(page, 'unlock-password').waitFor({ timeout: 5000 });
    assert.match(await id(page, 'wallet-message').innerText(), /locked after 1 minute/i);
    assertWiped(await scan(page, n), 'nothing is left after the auto-lock');
  }, {
    path: '#/wallet',
    beforeLoad: async (page) => {
      await page.addInitScript(keepWasmExports);
      // Fake timers and performance.now, so that the idle minute passes at once.
      await page.clock.install();
    },
  }));

  // Unlocking derives every account into one vector and moves them into another; adding an
  // account copies them into a new vector. The moved-from buffers are freed without their
  // elements' Drop: before the zeroing allocator (src/bin/app.rs) a stale copy of a key could
  // be left in freed heap memory, found here after a lock (as in a failed run:
  // `keyBytesReversed` at a heap offset). Every account's key is searched, not only one, after
  // Lock and after the auto-lock.
  test('with several accounts, no key is left anywhere in memory after Lock or the auto-lock', () => withApp(suite, async ({ page }) => {
    const phrase = await createWallet(page);
    const minutes = id(page, 'auto-lock-minutes');
    await minutes.fill('1');
    await minutes.press('Tab');
    const count = 6;
    const cards = (n) => page.waitForFunction((k) => document.querySelectorAll('[data-testid=account-card]').length === k, n);
    for (let i = 1; i < count; i++) await id(page, 'add-account').click();
    await cards(count);
    const keys = Object.assign({}, ...Array.from({ length: count }, (_, i) => accountNeedles(phrase, i)));
    const unlocked = await scan(page, keys);
    for (let i = 0; i < count; i++) {
      assert.ok(unlocked[`key${i}`] + unlocked[`key${i}Reversed`] > 0, `account ${i}'s key is found while unlocked: ${JSON.stringify(unlocked)}`);
    }
    const noKeyLeft = async (what) => assertWiped(await scan(page, keys), `${what}: no account's key is left`);
    for (let round = 0; round < 2; round++) {
      await id(page, 'lock-button').click();
      await id(page, 'unlock-password').waitFor();
      await noKeyLeft(`Lock, round ${round}`);
      await unlock(page);
      await cards(count);
      await revealAndExport(page);
      await page.clock.runFor(70_000);
      await id(page, 'unlock-password').waitFor({ timeout: 5000 });
      await noKeyLeft(`auto-lock, round ${round}`);
      await unlock(page);
      await cards(count);
    }
  }, {
    path: '#/wallet',
    beforeLoad: async (page) => {
      await page.addInitScript(keepWasmExports);
      await page.clock.install();
    },
  }));
});
