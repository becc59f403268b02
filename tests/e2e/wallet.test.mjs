// The wallet, driven like a user: create, reload and unlock, wrong password, import, keystore
// export and import, sign and verify, and no secret in localStorage in plaintext.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { Wallet, encryptKeystoreJson } from 'ethers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, startSuite } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const DEV_ADDRESSES = ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'];
const DEV_KEY_0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const PASSWORD = 'correct horse battery';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

async function withWallet(fn) {
  const session = await openApp(suite, { path: '#/wallet' });
  try {
    await fn(session);
    session.assertClean();
  } finally {
    await session.context.close();
  }
}

const id = (page, testid) => page.getByTestId(testid);
const addresses = (page) => page.getByTestId('account-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-address')));
const storageValues = (page) => page.evaluate(() => Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n'));

async function importPhrase(page, phrase = DEV_PHRASE, password = PASSWORD) {
  await id(page, 'import-phrase').fill(phrase);
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
