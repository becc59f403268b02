// The wallet, driven like a user: create, reload and unlock, wrong password, import, keystore
// export and import, sign and verify, and no secret in localStorage in plaintext.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { HDNodeWallet, Mnemonic, SigningKey, Wallet, encryptKeystoreJson } from 'ethers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSuite, withApp } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const DEV_ADDRESSES = ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'];
const DEV_KEY_0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const PASSWORD = 'correct horse battery';
// A BIP-39 passphrase that NFKD changes (the ligature ﬁ becomes "fi", ä becomes a + U+0308).
const PASSPHRASE = 'ﬁve pässphrase';
const bip44 = (i) => `m/44'/60'/0'/0/${i}`;
/** ethers' derivation of account `i` of `phrase` with `passphrase` (the independent reference). */
const ethersAccount = (phrase, passphrase, i) => HDNodeWallet.fromPhrase(phrase, passphrase, bip44(i));

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

const withWallet = (fn) => withApp(suite, fn, { path: '#/wallet' });

const id = (page, testid) => page.getByTestId(testid);
const addresses = (page) => page.getByTestId('account-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-address')));
const storageValues = (page) => page.evaluate(() => Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n'));

async function importPhrase(page, phrase = DEV_PHRASE, password = PASSWORD, passphrase = '') {
  await id(page, 'import-phrase').fill(phrase);
  if (passphrase) await id(page, 'import-passphrase').fill(passphrase);
  await id(page, 'import-password').fill(password);
  await id(page, 'import-password-confirm').fill(password);
  await id(page, 'import-wallet').click();
  await id(page, 'lock-button').waitFor({ timeout: 20_000 });
}

/** Runs `fn` with the wallet page of a new, empty browser profile. */
async function inFreshProfile(fn) {
  const context = await suite.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(suite.server.url + '#/wallet');
    await page.getByTestId('app-ready').waitFor();
    await fn(page);
  } finally {
    await context.close();
  }
}

/** Fills the keystore import form (new wallet password, file, the file's password) and submits. */
async function chooseKeystore(page, file, filePassword) {
  await id(page, 'import-key-password').fill('another password');
  await id(page, 'import-keystore-file').setInputFiles(file);
  await id(page, 'import-keystore-password').fill(filePassword);
  await id(page, 'import-keystore-button').click();
}


/** Types into an input like a user (click, select all, delete, type, Tab), so `change` fires. */
async function typeInto(locator, text) {
  await locator.click();
  await locator.press('Control+A');
  await locator.press('Backspace');
  await locator.pressSequentially(text);
  await locator.press('Tab');
}

/** Signs `text` in the app with account `index` and returns the signature shown. */
async function signInApp(page, index, text) {
  await id(page, 'sign-account').selectOption(String(index));
  await id(page, 'sign-message').fill(text);
  await id(page, 'sign-button').click();
  return id(page, 'signature').innerText();
}

/** Runs the verify tool and returns { valid, recovered, publicKey } as shown. */
async function verifyInApp(page, text, signature, expected = '') {
  await id(page, 'verify-message').fill(text);
  await id(page, 'verify-signature').fill(signature);
  await id(page, 'verify-expected').fill(expected);
  await id(page, 'verify-button').click();
  const recovered = id(page, 'verify-recovered');
  return {
    valid: await id(page, 'verify-verdict').getAttribute('data-valid'),
    recovered: (await recovered.count()) ? await recovered.innerText() : null,
    publicKey: (await recovered.count()) ? await id(page, 'verify-recovered-pubkey').innerText() : null,
  };
}

/** The values of the walk-through, by step name (`data-step`). */
async function walkThrough(page) {
  return id(page, 'revealed').locator('li[data-step]').evaluateAll((items) =>
    Object.fromEntries(items.map((li) => [li.dataset.step, li.querySelector('code').innerText])));
}

/** Creates a wallet through the form (words shown once, three confirmed) and returns the words. */
async function createWallet(page, { words = 12, passphrase = '' } = {}) {
  await id(page, 'create-words').selectOption(String(words));
  await id(page, 'create-wallet').click();
  const phrase = await id(page, 'phrase-word').allInnerTexts();
  await id(page, 'phrase-written').click();
  const inputs = id(page, 'confirm-word');
  for (let i = 0; i < await inputs.count(); i++) {
    const pos = Number(await inputs.nth(i).getAttribute('data-position'));
    await inputs.nth(i).fill(phrase[pos - 1]);
  }
  if (passphrase) await id(page, 'create-passphrase').fill(passphrase);
  await id(page, 'create-password').fill(PASSWORD);
  await id(page, 'create-password-confirm').fill(PASSWORD);
  await id(page, 'finish-create').click();
  await id(page, 'lock-button').waitFor({ timeout: 20_000 });
  return phrase;
}

describe('wallet', () => {
  test('creates a wallet, reloads, refuses a wrong password and unlocks to the same addresses', () => withWallet(async ({ page, app }) => {
    await id(page, 'create-words').selectOption('12');
    await id(page, 'create-wallet').click();
    const words = await id(page, 'phrase-word').allInnerTexts();
    assert.equal(words.length, 12);
    await id(page, 'phrase-written').click();
    const inputs = id(page, 'confirm-word');
    assert.equal(await inputs.count(), 3);
    // A wrong word is refused.
    for (let i = 0; i < 3; i++) await inputs.nth(i).fill('wrong');
    await id(page, 'create-password').fill(PASSWORD);
    await id(page, 'create-password-confirm').fill(PASSWORD);
    await id(page, 'finish-create').click();
    assert.match(await id(page, 'wallet-error').innerText(), /word \d+ is not right/i);
    for (let i = 0; i < 3; i++) {
      const pos = Number(await inputs.nth(i).getAttribute('data-position'));
      await inputs.nth(i).fill(words[pos - 1]);
    }
    await id(page, 'finish-create').click();
    await id(page, 'lock-button').waitFor({ timeout: 20_000 });
    const created = await addresses(page);
    assert.equal(created.length, 1);
    assert.match(created[0], /^0x[0-9a-fA-F]{40}$/);
    assert.match(await id(page, 'account-path').first().innerText(), /m\/44'\/60'\/0'\/0\/0/);
    assert.match(await id(page, 'account-pubkey-uncompressed').first().innerText(), /^0x04[0-9a-f]{128}$/);

    // Neither the phrase nor any three consecutive words are stored in plaintext.
    let stored = await storageValues(page);
    for (let i = 0; i + 3 <= words.length; i++) assert.ok(!stored.includes(words.slice(i, i + 3).join(' ')), 'phrase stored in plaintext');

    await app.reload();
    assert.deepEqual(await addresses(page), created, 'addresses readable while locked');
    await id(page, 'unlock-password').fill('not the password');
    await id(page, 'unlock-button').click();
    assert.match(await id(page, 'wallet-error').innerText(), /wrong password/i);
    assert.equal(await id(page, 'lock-button').count(), 0);
    await id(page, 'unlock-password').fill(PASSWORD);
    await id(page, 'unlock-button').click();
    await id(page, 'lock-button').waitFor({ timeout: 20_000 });
    assert.deepEqual(await addresses(page), created);

    // Reveal needs the password again and shows the same words.
    await id(page, 'secret-password').fill(PASSWORD);
    await id(page, 'reveal-button').click();
    assert.equal(await id(page, 'revealed-phrase').innerText(), words.join(' '));
    stored = await storageValues(page);
    assert.ok(!stored.includes(words.join(' ')));
  }));

  test('validates a phrase as it is typed, with a distinct message for each mistake', () => withWallet(async ({ page }) => {
    const status = () => id(page, 'import-phrase-status').innerText();
    await id(page, 'import-phrase').fill('abandon abandon abandon');
    assert.match(await status(), /12, 15, 18, 21 or 24 words, this has 3/);
    await id(page, 'import-phrase').fill(DEV_PHRASE.replace('junk', 'junkk'));
    assert.match(await status(), /word 12 \("junkk"\).*did you mean "junk"/i);
    await id(page, 'import-phrase').fill(DEV_PHRASE.replace('junk', 'test'));
    assert.match(await status(), /checksum/);
    await id(page, 'import-phrase').fill(DEV_PHRASE);
    assert.match(await status(), /valid 12-word/i);
  }));

  test('imports the development phrase, adds accounts, signs and verifies messages', () => withWallet(async ({ page }) => {
    await importPhrase(page);
    assert.deepEqual(await addresses(page), DEV_ADDRESSES.slice(0, 1));
    await id(page, 'add-account').click();
    assert.deepEqual(await addresses(page), DEV_ADDRESSES);
    await id(page, 'custom-path').fill("m/44'/60'/0'/0/7");
    await id(page, 'add-account').click();
    assert.equal((await addresses(page)).length, 3);
    assert.match(await id(page, 'account-path').nth(2).innerText(), /0\/7$/);

    await id(page, 'sign-account').selectOption('1');
    await id(page, 'sign-message').fill('hello blocklab');
    await id(page, 'sign-button').click();
    const signature = await id(page, 'signature').innerText();
    assert.match(signature, /^0x[0-9a-f]{130}$/);

    await id(page, 'verify-message').fill('hello blocklab');
    await id(page, 'verify-signature').fill(signature);
    await id(page, 'verify-expected').fill(DEV_ADDRESSES[1]);
    await id(page, 'verify-button').click();
    assert.equal(await id(page, 'verify-verdict').getAttribute('data-valid'), 'true');
    assert.equal(await id(page, 'verify-recovered').innerText(), DEV_ADDRESSES[1]);

    await id(page, 'verify-message').fill('hello blocklab!');
    await id(page, 'verify-button').click();
    assert.equal(await id(page, 'verify-verdict').getAttribute('data-valid'), 'false');

    await id(page, 'verify-message').fill('hello blocklab');
    await id(page, 'verify-expected').fill(DEV_ADDRESSES[0]);
    await id(page, 'verify-button').click();
    assert.equal(await id(page, 'verify-verdict').getAttribute('data-valid'), 'false');

    const stored = await storageValues(page);
    assert.ok(!stored.includes('test test test'), 'phrase stored in plaintext');
    assert.ok(!stored.toLowerCase().includes(DEV_KEY_0), 'private key stored in plaintext');
  }));

  test('EIP-191: signatures equal ethers byte for byte; ethers signatures verify with the right signer, by address or public key', () => withWallet(async ({ page }) => {
    await importPhrase(page);
    await id(page, 'add-account').click();
    assert.deepEqual(await addresses(page), DEV_ADDRESSES);
    const keys = [`0x${DEV_KEY_0}`, ethersAccount(DEV_PHRASE, '', 1).privateKey];
    const texts = ['hello blocklab', 'héllo\nblocklab ✓ 🚀 — a longer message with "quotes" and a second line'];
    for (const [i, key] of keys.entries()) {
      for (const text of texts) {
        const ours = await signInApp(page, i, text);
        const theirs = await new Wallet(key).signMessage(text);
        assert.equal(ours, theirs, `account ${i}, message ${JSON.stringify(text)}`);
      }
    }

    // A signature made by ethers with a key the app has never seen.
    const stranger = Wallet.createRandom();
    const message = 'signed elsewhere, checked here';
    const signature = await stranger.signMessage(message);
    let v = await verifyInApp(page, message, signature);
    assert.equal(v.valid, 'true');
    assert.equal(v.recovered, stranger.address);
    assert.equal(v.publicKey.toLowerCase(), stranger.signingKey.publicKey.toLowerCase());
    assert.equal((await verifyInApp(page, message, signature, stranger.address)).valid, 'true');
    assert.equal((await verifyInApp(page, message, signature, DEV_ADDRESSES[0])).valid, 'false');

    // Against an expected public key: uncompressed or compressed, with or without 0x.
    const uncompressed = stranger.signingKey.publicKey;
    const compressed = stranger.signingKey.compressedPublicKey;
    for (const expected of [uncompressed, compressed, compressed.slice(2), uncompressed.toUpperCase().replace('0X', '0x')]) {
      v = await verifyInApp(page, message, signature, expected);
      assert.equal(v.valid, 'true', `expected ${expected}`);
      assert.equal(v.recovered, stranger.address);
    }
    // Another key, or the same x with the other parity byte, flips the verdict.
    const other = Wallet.createRandom().signingKey;
    const otherParity = (compressed.slice(2, 4) === '02' ? '0x03' : '0x02') + compressed.slice(4);
    for (const expected of [other.publicKey, other.compressedPublicKey, otherParity]) {
      v = await verifyInApp(page, message, signature, expected);
      assert.equal(v.valid, 'false', `expected ${expected}`);
      assert.equal(v.recovered, stranger.address, 'the real signer is still shown');
    }
    // The right key but another message: not valid.
    assert.equal((await verifyInApp(page, `${message}.`, signature, uncompressed)).valid, 'false');
    // A malformed expected address (a digit too many, a non-hex letter, a word) is "not an
    // address", never compared as a public key.
    for (const expected of [`${stranger.address}f`, `${stranger.address.slice(0, -1)}g`, 'alice']) {
      v = await verifyInApp(page, message, signature, expected);
      assert.equal(v.valid, 'false', `expected ${expected}`);
      const words = await id(page, 'verify-verdict').innerText();
      assert.match(words, /is not an address/, expected);
      assert.doesNotMatch(words, /public key is 0x/, expected);
    }
  }));

  test('creates a 24-word wallet with a passphrase: ethers derives the same addresses and walk-through values', () => withWallet(async ({ page }) => {
    const words = await createWallet(page, { words: 24, passphrase: PASSPHRASE });
    assert.equal(words.length, 24);
    const phrase = words.join(' ');
    assert.ok(Mnemonic.isValidMnemonic(phrase), 'ethers accepts the phrase');
    const [first] = await addresses(page);
    assert.equal(first, ethersAccount(phrase, PASSPHRASE, 0).address);
    assert.notEqual(first, ethersAccount(phrase, '', 0).address, 'the passphrase changes the address');
    await id(page, 'add-account').click();
    assert.deepEqual(await addresses(page), [0, 1].map((i) => ethersAccount(phrase, PASSPHRASE, i).address));

    // The walk-through, behind the password, with the user's own values.
    await id(page, 'secret-password').fill('not the password');
    await id(page, 'reveal-button').click();
    assert.match(await id(page, 'wallet-error').innerText(), /wrong password/i);
    assert.equal(await id(page, 'revealed').count(), 0);
    await id(page, 'account-card').first().click();
    await id(page, 'secret-password').fill(PASSWORD);
    await id(page, 'reveal-button').click();
    const steps = await walkThrough(page);
    const mnemonic = Mnemonic.fromPhrase(phrase, PASSPHRASE);
    const seed = mnemonic.computeSeed();
    const account = ethersAccount(phrase, PASSPHRASE, 0);
    assert.equal(steps.entropy, mnemonic.entropy);
    assert.equal(steps.phrase, phrase);
    assert.equal(steps.seed, seed);
    assert.notEqual(steps.seed, Mnemonic.fromPhrase(phrase).computeSeed(), 'the seed includes the passphrase');
    assert.equal(steps['master-key'], HDNodeWallet.fromSeed(seed).extendedKey);
    assert.equal(steps['account-key'], account.privateKey);
    assert.equal(steps['public-key'], SigningKey.computePublicKey(account.privateKey, false));
    assert.equal(steps.address, account.address);
    // The passphrase itself is stored only encrypted.
    const stored = await storageValues(page);
    assert.ok(!stored.includes(PASSPHRASE) && !stored.includes(PASSPHRASE.normalize('NFKD')), 'passphrase stored in plaintext');
  }));

  test('imports a phrase with a passphrase: the addresses are ethers\' for that passphrase', () => withWallet(async ({ page, app }) => {
    await importPhrase(page, DEV_PHRASE, PASSWORD, PASSPHRASE);
    await id(page, 'add-account').click();
    const expected = [0, 1].map((i) => ethersAccount(DEV_PHRASE, PASSPHRASE, i).address);
    assert.deepEqual(await addresses(page), expected);
    assert.ok(!expected.includes(DEV_ADDRESSES[0]) && !expected.includes(DEV_ADDRESSES[1]), 'not the no-passphrase accounts');
    // Unlocking again derives with the stored passphrase.
    await app.reload();
    await id(page, 'unlock-password').fill(PASSWORD);
    await id(page, 'unlock-button').click();
    await id(page, 'lock-button').waitFor({ timeout: 20_000 });
    assert.deepEqual(await addresses(page), expected);
    const signature = await signInApp(page, 1, 'passphrase account');
    assert.equal(signature, await ethersAccount(DEV_PHRASE, PASSPHRASE, 1).signMessage('passphrase account'));
  }));

  test('an account card shows its QR code, identicon and public keys; a new name survives a reload', () => withWallet(async ({ page, app }) => {
    await importPhrase(page);
    await id(page, 'add-account').click();
    const cards = id(page, 'account-card');
    assert.equal(await cards.count(), 2);
    const keys = [`0x${DEV_KEY_0}`, ethersAccount(DEV_PHRASE, '', 1).privateKey];
    const pictures = [];
    for (const [i, key] of keys.entries()) {
      const card = cards.nth(i);
      assert.equal(await card.getByTestId('account-pubkey-compressed').innerText(), SigningKey.computePublicKey(key, true));
      assert.equal(await card.getByTestId('account-pubkey-uncompressed').innerText(), SigningKey.computePublicKey(key, false));
      assert.equal(await card.getByTestId('account-address').innerText(), DEV_ADDRESSES[i]);
      const qr = card.getByTestId('account-qr').locator('svg');
      const icon = card.getByTestId('account-identicon').locator('svg');
      assert.equal(await qr.count(), 1, 'one QR code svg');
      assert.equal(await icon.count(), 1, 'one identicon svg');
      await card.locator('details summary').click();
      const box = await qr.boundingBox();
      assert.ok(box && box.width >= 100 && box.height >= 100, `the QR code is drawn: ${JSON.stringify(box)}`);
      pictures.push({ qr: await qr.evaluate((e) => e.outerHTML), icon: await icon.evaluate((e) => e.outerHTML) });
    }
    assert.notEqual(pictures[0].qr, pictures[1].qr, 'each address has its own QR code');
    assert.notEqual(pictures[0].icon, pictures[1].icon, 'each address has its own identicon');

    await typeInto(id(page, 'account-name').nth(1), 'Savings');
    assert.equal(await id(page, 'wallet-error').count(), 0);
    assert.match(await id(page, 'sign-account').locator('option').nth(1).innerText(), /^Savings /);
    await app.reload();
    assert.equal(await id(page, 'account-name').nth(1).inputValue(), 'Savings', 'the name survives a reload (read while locked)');
    assert.equal(await id(page, 'account-name').nth(0).inputValue(), 'Account 1');
    // Identicon and QR code are the same after the reload.
    assert.equal(await cards.nth(1).getByTestId('account-identicon').locator('svg').evaluate((e) => e.outerHTML), pictures[1].icon);
    assert.equal(await cards.nth(1).getByTestId('account-qr').locator('svg').evaluate((e) => e.outerHTML), pictures[1].qr);
  }));

  test('auto-lock: with the smallest delay (1 minute) the wallet locks after a minute idle, activity postpones it, 0 never locks', async () => {
    const context = await suite.browser.newContext();
    const problems = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      // Fake timers and performance.now, so that minutes pass in milliseconds.
      await page.clock.install();
      await page.goto(suite.server.url + '#/wallet');
      await id(page, 'app-ready').waitFor({ state: 'attached', timeout: 30_000 });
      await importPhrase(page);
      const minutes = id(page, 'auto-lock-minutes');
      assert.equal(await minutes.getAttribute('min'), '0');
      const locked = async () => (await id(page, 'lock-button').count()) === 0;

      // 0 is "never": two idle hours later it is still unlocked.
      await typeInto(minutes, '0');
      assert.equal(await id(page, 'wallet-error').count(), 0);
      await page.clock.fastForward('02:00:00');
      await page.clock.runFor(10_000);
      assert.equal(await locked(), false, '0 never locks');

      // The smallest delay: 1 minute. (A number input does not let "-" or "." be typed.)
      for (const bad of ['1441', '']) {
        await typeInto(minutes, bad);
        assert.match(await id(page, 'wallet-error').innerText(), /whole number of minutes from 0/, `refuses "${bad}"`);
      }
      await typeInto(minutes, '1');
      assert.equal(await id(page, 'wallet-error').count(), 0, 'a valid delay clears the error');
      const file = await page.evaluate(() => JSON.parse(localStorage.getItem('blocklab.wallet')));
      assert.equal(file.auto_lock_minutes, 1, 'the delay is saved');
      await page.clock.runFor(50_000);
      assert.equal(await locked(), false, 'still unlocked after 50 s idle');
      // Activity (a click) restarts the minute.
      await id(page, 'sign-message').click();
      await page.clock.runFor(50_000);
      assert.equal(await locked(), false, 'still unlocked 50 s after the last activity');
      await page.clock.runFor(15_000);
      await id(page, 'unlock-password').waitFor({ timeout: 5000 });
      assert.equal(await locked(), true, 'locked 65 s after the last activity');
      assert.match(await id(page, 'wallet-message').innerText(), /locked after 1 minute without activity/i);
      assert.equal(await id(page, 'sign-message').count(), 0, 'signing is gone with the keys');
      // The setting survives the lock and a reload.
      await page.reload();
      await id(page, 'app-ready').waitFor({ state: 'attached', timeout: 30_000 });
      await id(page, 'unlock-password').fill(PASSWORD);
      await id(page, 'unlock-button').click();
      await id(page, 'lock-button').waitFor({ timeout: 20_000 });
      assert.equal(await id(page, 'auto-lock-minutes').inputValue(), '1');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('exports a keystore that ethers opens and imports it into a new wallet; imports an ethers keystore; a wrong keystore password is refused', () => withWallet(async ({ page }) => {
    await importPhrase(page);
    await id(page, 'secret-password').fill(PASSWORD);
    const [download] = await Promise.all([page.waitForEvent('download'), id(page, 'export-keystore-button').click()]);
    const dir = await mkdtemp(join(tmpdir(), 'blocklab-ks-'));
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    assert.match(download.suggestedFilename(), /^keystore-f39fd6e5.*\.json$/);

    // A second, empty browser profile imports it; a wrong keystore password is refused first.
    await inFreshProfile(async (page2) => {
      await chooseKeystore(page2, file, 'wrong');
      await id(page2, 'wallet-error').waitFor({ timeout: 20_000 });
      assert.match(await id(page2, 'wallet-error').innerText(), /wrong password/i);
      assert.equal(await id(page2, 'account-card').count(), 0);
      await id(page2, 'import-keystore-password').fill(PASSWORD);
      await id(page2, 'import-keystore-button').click();
      await id(page2, 'lock-button').waitFor({ timeout: 20_000 });
      assert.deepEqual(await addresses(page2), DEV_ADDRESSES.slice(0, 1));
      const stored = await storageValues(page2);
      assert.ok(!stored.toLowerCase().includes(DEV_KEY_0), 'private key stored in plaintext');
    });

    // An independent implementation (ethers 6, as MetaMask-compatible wallets use) opens ours...
    const ours = await Wallet.fromEncryptedJson(await readFile(file, 'utf8'), PASSWORD);
    assert.equal(ours.address, DEV_ADDRESSES[0]);
    assert.equal(ours.privateKey, `0x${DEV_KEY_0}`);
    // ...and the app opens theirs (ethers writes the capitalised `Crypto` key, geth `crypto`).
    const theirs = await encryptKeystoreJson(new Wallet(`0x${DEV_KEY_0}`), 'their password', { scrypt: { N: 1 << 14 } });
    assert.ok('Crypto' in JSON.parse(theirs), 'ethers writes `Crypto`');
    const theirFile = join(dir, 'ethers-keystore.json');
    await writeFile(theirFile, theirs);
    await inFreshProfile(async (page3) => {
      await chooseKeystore(page3, theirFile, 'their password');
      await id(page3, 'lock-button').waitFor({ timeout: 20_000 });
      assert.deepEqual(await addresses(page3), DEV_ADDRESSES.slice(0, 1));
    });
  }));

  test('imports a private key; shows it again only with the password', () => withWallet(async ({ page }) => {
    await id(page, 'import-key-password').fill(PASSWORD);
    await id(page, 'import-key-hex').fill('0x1234');
    await id(page, 'import-key-button').click();
    assert.match(await id(page, 'wallet-error').innerText(), /64 hex digits/);
    await id(page, 'import-key-hex').fill(DEV_KEY_0);
    await id(page, 'import-key-button').click();
    await id(page, 'lock-button').waitFor({ timeout: 20_000 });
    assert.deepEqual(await addresses(page), DEV_ADDRESSES.slice(0, 1));
    await id(page, 'secret-password').fill('nope nope nope');
    await id(page, 'export-key-button').click();
    assert.match(await id(page, 'wallet-error').innerText(), /wrong password/i);
    assert.equal(await id(page, 'exported-key').count(), 0);
    await id(page, 'secret-password').fill(PASSWORD);
    await id(page, 'export-key-button').click();
    assert.equal(await id(page, 'exported-key').innerText(), `0x${DEV_KEY_0}`);
    await id(page, 'lock-button').click();
    await id(page, 'unlock-password').waitFor();
  }));
});
