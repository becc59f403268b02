// The transactions screen, driven like a user: verify raw transactions (the EIP-155 example, a
// tampered copy, garbage), sign transfers with the development wallet and compare the bytes with
// ethers v6, open a signed transfer in the verify tool, and refuse bad form input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Transaction, Wallet, hexlify, parseEther, parseUnits, toUtf8Bytes } from 'ethers';
import { startSuite, withApp } from './harness.mjs';

const DEV_PHRASE = 'test test test test test test test test test test test junk';
const DEV_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const DEV_ADDRESS_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const PASSWORD = 'correct horse battery';
const EIP155 = JSON.parse(await readFile(new URL('../../crates/core/tests/data/eip155_example.json', import.meta.url), 'utf8'));

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

/** Runs `fn` on a fresh profile opened at `path`; fails on any page error or console error. */
const withPage = (path, fn) => withApp(suite, fn, { path });

/** The transactions screen, addressed through its data-testid contract. */
class TxPage {
  constructor(page) { this.page = page; }
  id(testid) { return this.page.getByTestId(testid); }
  text(testid) { return this.id(testid).innerText(); }
  async verify(raw, expected = '') {
    await this.id('verify-tx-raw').fill(raw);
    await this.id('verify-tx-expected').fill(expected);
  }
  /** Imports the development phrase on the wallet screen, then opens the transactions screen. */
  async importDevWallet() {
    await this.page.goto(this.page.url().replace(/#.*$/, '') + '#/wallet');
    await this.id('import-phrase').fill(DEV_PHRASE);
    await this.id('import-password').fill(PASSWORD);
    await this.id('import-password-confirm').fill(PASSWORD);
    await this.id('import-wallet').click();
    await this.id('lock-button').waitFor({ timeout: 20_000 });
    await this.id('nav-transactions').click();
    await this.id('send-sign').waitFor();
  }
  async fill(fields) {
    for (const [field, value] of Object.entries(fields)) await this.id(`send-${field}`).fill(value);
  }
  async sign() { await this.id('send-sign').click(); }
}

/** Flips the last hex digit of the value field (`88` + 8 value bytes) of the EIP-155 example. */
function tamperValue(raw) {
  const value = '880de0b6b3a7640000';
  assert.ok(raw.includes(value));
  return raw.replace(value, '880de0b6b3a7640001');
}

describe('verify transaction', () => {
  test('decodes the EIP-155 example: fields, expected sender and hash, chain 1 is not the lab chain', () => withPage('#/tx', async ({ page }) => {
    const tx = new TxPage(page);
    await tx.verify(`  ${EIP155.signed_tx.slice(2)}\n`, EIP155.expected_sender.toLowerCase());
    assert.equal(await tx.id('verify-tx-verdict').getAttribute('data-valid'), 'true');
    assert.equal(await tx.text('verify-tx-sender'), EIP155.expected_sender);
    assert.match(await tx.text('verify-tx-public-key'), /^0x04[0-9a-f]{128}$/);
    assert.equal(await tx.text('verify-tx-hash'), EIP155.tx_hash);
    assert.equal(await tx.text('verify-tx-signing-hash'), EIP155.signing_hash);
    assert.equal(await tx.text('verify-tx-chain-id'), '1');
    assert.equal(await tx.text('verify-tx-nonce'), '9');
    assert.equal(await tx.text('verify-tx-gas-price'), '20000000000 wei (20 gwei)');
    assert.equal(await tx.text('verify-tx-value'), '1000000000000000000 wei (1 ETH)');
    assert.equal(await tx.text('verify-tx-to'), '0x3535353535353535353535353535353535353535');
    assert.match(await tx.text('verify-tx-type'), /EIP-155/);
    assert.match(await tx.text('verify-tx-v'), /^37 /);
    assert.equal(await tx.text('verify-tx-r'), EIP155.r_hex);
    assert.equal(await tx.text('verify-tx-s'), EIP155.s_hex);
    assert.equal(await tx.text('verify-tx-raw-length'), `${(EIP155.signed_tx.length - 2) / 2} bytes`);
    const chain = tx.id('verify-tx-chain');
    assert.equal(await chain.getAttribute('data-replay-protected'), 'true');
    assert.equal(await chain.getAttribute('data-lab-chain'), 'false');
    assert.match(await chain.innerText(), /chain id 1, not this lab chain \(1337\)/);
    // Valid for chain 1 only: no green tick, and the signer is named as chain 1's.
    assert.match(await tx.text('verify-tx-headline'), /Valid signature for chain 1 only: this lab chain \(1337\) refuses it/);
    assert.doesNotMatch(await tx.text('verify-tx-verdict'), /✔/);
    assert.match(await tx.id('verify-tx-verdict').getAttribute('class'), /\bwarn\b/);
    assert.match(await tx.text('verify-tx-verdict'), /Its signer on chain 1/);
    assert.equal(await tx.id('verify-tx-expected-verdict').getAttribute('data-match'), 'true');
    // Against this chain's state: the core's rule refuses it for its chain id.
    assert.equal(await tx.id('verify-tx-state-included').getAttribute('data-check'), 'pass');
    assert.equal(await tx.id('verify-tx-state-chain-id').getAttribute('data-check'), 'fail');
    assert.match(await tx.text('verify-tx-state-balance'), /Balance 0 ETH does not cover the maximum cost of 1\.00042 ETH/);
    assert.match(await tx.text('verify-tx-state-verdict'), /wrong chain id: signed for 1, this chain is 1337/i);
  }));

  test('a tampered value recovers another sender (mismatch verdict); bad input gets the core\'s error', () => withPage('#/tx', async ({ page }) => {
    const tx = new TxPage(page);
    await tx.verify(tamperValue(EIP155.signed_tx), EIP155.expected_sender);
    // The signature still recovers a key, but not the signer's: a value change re-addresses it.
    assert.equal(await tx.id('verify-tx-error').count(), 0);
    assert.equal(await tx.text('verify-tx-value'), '1000000000000000001 wei (1.000000000000000001 ETH)');
    assert.match(await tx.text('verify-tx-sender'), /^0x[0-9a-fA-F]{40}$/);
    assert.notEqual(await tx.text('verify-tx-sender'), EIP155.expected_sender);
    assert.equal(await tx.id('verify-tx-expected-verdict').getAttribute('data-match'), 'false');
    assert.match(await tx.text('verify-tx-expected-verdict'), /mismatch/i);
    assert.notEqual(await tx.text('verify-tx-hash'), EIP155.tx_hash);
    assert.match(await tx.id('verify-tx-verdict').getAttribute('class'), /error/);

    const errorFor = async (raw) => {
      await tx.verify(raw);
      await tx.id('verify-tx-error').waitFor();
      assert.equal(await tx.id('verify-tx-sender').count(), 0);
      return tx.text('verify-tx-error-message');
    };
    assert.match(await errorFor('hello, not a transaction'), /a raw transaction is hex/i);
    assert.match(await errorFor(EIP155.signed_tx.slice(0, -4)), /malformed/i);
    assert.match(await errorFor(EIP155.signed_tx + '00'), /1 unexpected byte\(s\) follow/i);
    assert.match(await errorFor('0x05' + EIP155.signed_tx.slice(2)), /type 0x05 is not supported/i);
    // s replaced by the group order minus one: a high s (EIP-2).
    const highS = EIP155.signed_tx.replace(EIP155.s_hex.slice(2), 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140');
    assert.match(await errorFor(highS), /upper half of the curve order/);
    await tx.verify('');
    await tx.id('verify-tx-empty').waitFor();
  }));
});

describe('send: signing', () => {
  test('without an unlocked wallet it links to the wallet screen', () => withPage('#/tx', async ({ page }) => {
    const tx = new TxPage(page);
    assert.equal(await tx.id('send-unlock-link').getAttribute('href'), '#/wallet');
    assert.match(await tx.text('send-unlock-link'), /unlock your wallet to sign/i);
    assert.equal(await tx.id('send-sign').count(), 0);
  }));

  test('signs 1.5 ETH (EIP-1559 defaults) byte for byte as ethers v6 does, and verifies it', () => withPage('#/tx', async ({ page }) => {
    const tx = new TxPage(page);
    await tx.importDevWallet();
    assert.equal(await tx.id('send-nonce').inputValue(), '0');
    assert.equal(await tx.id('send-chain-id').inputValue(), '1337');
    assert.equal(await tx.id('send-priority-fee').inputValue(), '1');
    assert.equal(await tx.id('send-max-fee').inputValue(), '2');
    await tx.fill({ to: TO.toLowerCase(), amount: '1.5' });
    await tx.sign();

    const expected = await new Wallet(DEV_KEY_0).signTransaction({
      type: 2, chainId: 1337, nonce: 0, to: TO, value: parseEther('1.5'),
      maxPriorityFeePerGas: parseUnits('1', 'gwei'), maxFeePerGas: parseUnits('2', 'gwei'), gasLimit: 21000n,
    });
    const parsed = Transaction.from(expected);
    assert.equal(await tx.text('signed-raw'), expected);
    assert.equal(await tx.text('signed-hash'), parsed.hash);
    assert.equal(await tx.text('signed-signing-hash'), parsed.unsignedHash);
    assert.equal(await tx.text('signed-payload'), parsed.unsignedSerialized);
    assert.equal(await tx.text('signed-r'), parsed.signature.r);
    assert.equal(await tx.text('signed-s'), parsed.signature.s);
    assert.equal(await tx.text('signed-v'), String(parsed.signature.yParity));
    assert.equal(await tx.text('signed-from'), DEV_ADDRESS_0);
    assert.equal(await tx.text('signed-to'), TO);
    assert.equal(await tx.text('signed-gas-limit'), '21000');

    await tx.id('open-in-verify').click();
    assert.equal(await tx.id('verify-tx-raw').inputValue(), expected);
    assert.equal(await tx.text('verify-tx-sender'), DEV_ADDRESS_0);
    assert.equal(await tx.text('verify-tx-hash'), parsed.hash);
    assert.equal(await tx.id('verify-tx-chain').getAttribute('data-lab-chain'), 'true');

    // Changing a field drops the signature of the old fields.
    await tx.fill({ amount: '2' });
    assert.equal(await tx.id('signed-tx').count(), 0);
  }));

  test('signs a legacy transfer with a text memo as ethers v6 does', () => withPage('#/tx', async ({ page }) => {
    const tx = new TxPage(page);
    await tx.importDevWallet();
    await tx.id('send-type').selectOption('legacy');
    assert.equal(await tx.id('send-gas-price').inputValue(), '2');
    await tx.fill({ to: TO, amount: '0.000000000000000001', data: 'hi lab', nonce: '7', 'gas-price': '2.5' });
    // A gas limit that pays the intrinsic gas (21096) but not Prague's calldata floor is refused.
    await tx.fill({ 'gas-limit': '21200' });
    await tx.sign();
    assert.match(await tx.text('send-error-gas-limit'), /below the 21240 gas .*EIP-7623/);
    assert.equal(await tx.id('signed-tx').count(), 0);
    await tx.fill({ 'gas-limit': '' });
    await tx.sign();
    // The default gas limit is the floor of EIP-7623 (21000 + 40 per non-zero byte), above the
    // intrinsic gas (21000 + 16 per non-zero byte): what a node has required since Prague.
    const expected = await new Wallet(DEV_KEY_0).signTransaction({
      type: 0, chainId: 1337, nonce: 7, to: TO, value: 1n, data: hexlify(toUtf8Bytes('hi lab')),
      gasPrice: parseUnits('2.5', 'gwei'), gasLimit: 21000n + 6n * 40n,
    });
    assert.equal(await tx.text('signed-raw'), expected);
    await tx.id('open-in-verify').click();
    assert.equal(await tx.text('verify-tx-data-text'), 'hi lab');
    assert.equal(await tx.text('verify-tx-sender'), DEV_ADDRESS_0);
  }));

  test('a bad checksum, "1.2.3" and "-1" get clear messages and no signature', () => withPage('#/tx', async ({ page }) => {
    const tx = new TxPage(page);
    await tx.importDevWallet();
    const typo = TO.replace('C51812dc', 'c51812dc');
    await tx.fill({ to: typo, amount: '1.2.3' });
    await tx.sign();
    assert.match(await tx.text('send-error-to'), /does not match its EIP-55 checksum.*0x70997970C51812dc3A010C7d01b50e0d17dc79C8/);
    assert.match(await tx.text('send-error-amount'), /decimal number such as 1\.5/);
    assert.equal(await tx.id('signed-tx').count(), 0);

    await tx.fill({ to: TO, amount: '-1' });
    await tx.sign();
    assert.match(await tx.text('send-error-amount'), /cannot be negative/);
    assert.equal(await tx.id('send-error-to').count(), 0);
    assert.equal(await tx.id('signed-tx').count(), 0);

    await tx.fill({ amount: '1', 'priority-fee': '3' });
    await tx.sign();
    assert.match(await tx.text('send-error-priority-fee'), /priority fee .* is above the maximum fee/);
    assert.equal(await tx.id('signed-tx').count(), 0);

    await tx.fill({ 'priority-fee': '1' });
    await tx.sign();
    await tx.id('signed-tx').waitFor();
  }));
});
