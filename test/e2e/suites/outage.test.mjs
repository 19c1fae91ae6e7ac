// Vault becomes unusable under a running server: sealed (then unsealed), then stopped. Each
// call in between is an isError result with the reason, and the server goes on serving. Each
// transport gets its own dev server, since this suite seals and stops it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setUpData } from '../harness/fixture.mjs';
import { startServer } from '../harness/mcp.mjs';
import { structured, toolError } from '../harness/results.mjs';
import { TRANSPORTS } from '../harness/transports.mjs';
import { startDevVault } from '../harness/vault.mjs';

for (const mode of TRANSPORTS) {
  describe(`Vault sealed, then stopped, over ${mode}`, () => {
    let vault;
    let facts;
    let server;
    let peer;
    before(async () => {
      vault = await startDevVault();
      facts = await setUpData(vault.api);
      server = await startServer(mode, { vaultAddr: vault.addr });
      peer = await server.connect(vault.rootToken);
    });
    after(async () => {
      await server?.close();
      await vault?.stop();
    });

    const readConfig = () => peer.call('read_secret', { mount: 'kv2', path: 'app/config' });

    test('a sealed Vault is an error with Vault\'s message on every call (read_cluster_health reports it as sealed), and after unsealing the calls succeed again', async () => {
      assert.deepEqual(structured(await readConfig()).data, facts.kv2.configVersions[2]);
      await vault.api.must('PUT', 'sys/seal');
      assert.equal((await vault.api.get('sys/seal-status')).body.sealed, true);

      toolError(await readConfig(), 'Vault is sealed');
      toolError(await peer.call('list_mounts'), 'Vault is sealed');
      toolError(await peer.call('list_secrets', { mount: 'kv1' }), 'Vault is sealed');

      // read_cluster_health reports a sealed Vault as data (sys/health answers 503), not as an error.
      const sealed = structured(await peer.call('read_cluster_health'));
      assert.deepEqual([sealed.status, sealed.state, sealed.sealed], [503, 'sealed', true]);
      assert.equal(sealed.initialized, true);
      assert.match(sealed.version, /^1\.\d+\.\d+/);
      assert.deepEqual(sealed.seal, { type: 'shamir', t: 1, n: 1, progress: 0 }, 'sys/seal-status still answers');

      const unsealed = await vault.api.must('PUT', 'sys/unseal', { key: vault.unsealKey });
      assert.equal(unsealed.body.sealed, false);
      // After unsealing, Vault takes a moment to become active and load its mounts.
      const deadline = Date.now() + 30_000;
      while ((await vault.api.get('kv2/data/app/config')).status !== 200) {
        assert.ok(Date.now() < deadline, 'Vault did not serve kv2 again within 30 s of unsealing');
        await sleep(100);
      }
      assert.deepEqual(structured(await readConfig()).data, facts.kv2.configVersions[2]);
      assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv1' })).keys, ['app/', 'top']);
      assert.deepEqual(structured(await peer.call('read_cluster_health')).state, 'active');
    });

    test('a stopped Vault is a "connection refused" error, and the server still answers', async () => {
      await vault.stop();
      const refused = await fetch(`${vault.addr}/v1/sys/health`).then(() => 'answered', (e) => e.cause?.code);
      assert.equal(refused, 'ECONNREFUSED', 'nothing listens at the old address');

      toolError(await readConfig(), 'connection refused');
      await peer.client.ping();
      toolError(await peer.call('list_mounts'), 'connection refused');
      const { tools } = await peer.client.listTools();
      assert.ok(tools.length >= 7);
    });
  });
}
