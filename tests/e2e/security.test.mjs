// The security warnings users need (SECURITY.md): never type a real wallet's phrase into a site
// you do not control; the public development keys are public; the lab is not for real money.
// And the Network screen refuses, before sending anything, a plain-http node on another
// computer (the Content-Security-Policy would block it: the user gets the reason instead).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startSuite, ScreenPage } from './harness.mjs';

let suite;
before(async () => { suite = await startSuite(); });
after(async () => { await suite?.close(); });

describe('security warnings', () => {
  test('the wallet, send and network screens warn about real phrases and public keys', async () => {
    const session = await openApp(suite);
    const { page, app } = session;
    const s = new ScreenPage(page, app);
    try {
      await s.go('#/wallet');
      const wallet = await s.text('wallet-security-warning');
      assert.match(wallet, /Never type the recovery phrase of a wallet that holds real money into a site you do not control/);
      assert.match(wallet, /"test test … junk" is public/);
      assert.match(wallet, /encrypted with your password/);

      await s.go('#/tx');
      assert.match(await s.text('dev-keys-note'), /Their keys are PUBLIC/);

      await s.go('#/network');
      const network = await s.text('network-security-warning');
      assert.match(network, /not a wallet for real money/);
      assert.match(network, /Never type the recovery phrase/);
      assert.match(network, /keys are public/);
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });

  test('a plain-http node on another computer is refused with the reason, nothing is sent', async () => {
    const session = await openApp(suite);
    const { page, app, context } = session;
    const s = new ScreenPage(page, app);
    const foreign = [];
    context.on('request', (r) => { if (new URL(r.url()).origin !== suite.server.origin) foreign.push(r.url()); });
    try {
      await s.go('#/network');
      await s.id('rpc-url').fill('http://10.255.255.1:8545');
      await s.id('rpc-connect').click();
      await s.id('rpc-error').waitFor();
      assert.match(await s.text('rpc-error'), /plain http to another computer: use https:\/\//);
      assert.deepEqual(foreign, []);
      assert.equal(await page.evaluate(() => localStorage.getItem('blocklab.rpc')), null);
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });

  test('a file over 32 MB is refused before it is read', async () => {
    const session = await openApp(suite);
    const { app } = session;
    try {
      const hashes = await app.hashes();
      const huge = Buffer.alloc(33 * 1024 * 1024, 0x20);
      await app.id('import-input').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: huge });
      await app.id('import-error').waitFor({ timeout: 60_000 });
      assert.match(await app.id('import-error').innerText(), /Import refused: the file is 33\.0 MB, more than the 32 MB/);
      assert.deepEqual(await app.hashes(), hashes);
      session.assertClean();
    } finally {
      await session.context.close();
    }
  });
});
