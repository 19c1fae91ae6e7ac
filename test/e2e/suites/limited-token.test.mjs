// A token with a narrow policy (no read on sys/mounts, no writes) lists and reads exactly what
// its policy allows: the KV version of a mount is found without sys/mounts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setUpData } from '../harness/fixture.mjs';
import { startServer } from '../harness/mcp.mjs';
import { PERMISSION_DENIED, structured, toolError } from '../harness/results.mjs';
import { TRANSPORTS } from '../harness/transports.mjs';
import { startDevVault } from '../harness/vault.mjs';

let vault;
let facts;
before(async () => {
  vault = await startDevVault();
  facts = await setUpData(vault.api);
});
after(() => vault?.stop());

test('the limited token really may not read sys/mounts nor write (checked on Vault directly)', async () => {
  const api = vault.api.withToken(facts.limitedToken);
  assert.equal((await api.get('sys/mounts')).status, 403);
  assert.equal((await api.post('kv1/app/config', { username: 'x' })).status, 403);
  assert.equal((await api.post('kv2/data/app/config', { data: { api_key: 'x' } })).status, 403);
  assert.equal((await api.get('kv1/app/config')).status, 200);
});

for (const mode of TRANSPORTS) {
  describe(`limited token over ${mode}`, () => {
    let server;
    let peer;
    before(async () => {
      server = await startServer(mode, { vaultAddr: vault.addr });
      peer = await server.connect(facts.limitedToken);
    });
    after(() => server?.close());

    test('list_mounts shows the mounts the token may use, with KV versions, though it may not read sys/mounts', async () => {
      const byName = Object.fromEntries(structured(await peer.call('list_mounts')).mounts.map((m) => [m.name, m]));
      assert.equal(byName['kv1/']?.kv_version, 1);
      assert.equal(byName['kv2/']?.kv_version, 2);
      assert.equal(byName['pki-int/'], undefined, 'no mount the policy does not reach');
      assert.equal(byName['secret/'], undefined);
    });

    test('list_secrets lists the folders its policy allows on KV v1 and KV v2', async () => {
      assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv1', path: 'app/' })),
        { mount: 'kv1', path: 'app', kv_version: 1, keys: ['config', 'db'] });
      assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv2', path: 'app/' })),
        { mount: 'kv2', path: 'app', kv_version: 2, keys: ['config', 'retired'] });
    });

    test('read_secret reads what its policy allows on KV v1 and KV v2, versions included', async () => {
      assert.deepEqual(structured(await peer.call('read_secret', { mount: 'kv1', path: 'app/db' })).data, facts.kv1.secrets['app/db']);
      const latest = structured(await peer.call('read_secret', { mount: 'kv2', path: 'app/config' }));
      assert.equal(latest.kv_version, 2);
      assert.deepEqual(latest.data, facts.kv2.configVersions[2]);
      const first = structured(await peer.call('read_secret', { mount: 'kv2', path: 'app/config', version: 1 }));
      assert.deepEqual(first.data, facts.kv2.configVersions[0]);
    });

    test('everything else is denied with Vault\'s message', async () => {
      toolError(await peer.call('read_secret', { mount: 'kv1', path: 'top' }), PERMISSION_DENIED);
      toolError(await peer.call('read_secret', { mount: 'kv2', path: 'team/ops/notes' }), PERMISSION_DENIED);
      toolError(await peer.call('list_secrets', { mount: 'kv2' }), PERMISSION_DENIED);
      toolError(await peer.call('list_pki_roles', { mount: 'pki-int' }), PERMISSION_DENIED);
    });
  });
}
