// Tool failures against a real Vault: each is an isError result that carries what Vault said
// (or what the model should do next), and the same connection goes on serving.
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

for (const mode of TRANSPORTS) {
  describe(`failures over ${mode}`, () => {
    let server;
    let root;
    let limited;
    before(async () => {
      server = await startServer(mode, { vaultAddr: vault.addr });
      root = await server.connect(vault.rootToken);
      limited = await server.connect(facts.limitedToken);
    });
    after(() => server?.close());

    /** The next request on the same connection is answered normally. */
    async function stillServes(peer) {
      assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv1', path: 'app/' })).keys, ['config', 'db']);
    }

    test('a missing KV v2 secret is an error that names it', async () => {
      toolError(await root.call('read_secret', { mount: 'kv2', path: 'app/nope' }), 'There is no secret "app/nope" in mount "kv2"');
      await stillServes(root);
    });

    test('a missing KV v1 secret is an error that names it', async () => {
      toolError(await root.call('read_secret', { mount: 'kv1', path: 'app/nope' }), 'There is no secret "app/nope" in mount "kv1"');
      await stillServes(root);
    });

    test('a KV v2 version that was never written is an error that names the version', async () => {
      toolError(await root.call('read_secret', { mount: 'kv2', path: 'app/config', version: 9 }), 'with version 9');
      await stillServes(root);
    });

    test('a soft-deleted latest version is an error with its version and Vault\'s deletion time', async () => {
      const { path, deletedVersion, deletionTime } = facts.kv2.retired;
      for (const args of [{ mount: 'kv2', path }, { mount: 'kv2', path, version: deletedVersion }]) {
        toolError(await root.call('read_secret', args), `Version ${deletedVersion} of secret "${path}"`, `deleted at ${deletionTime}`);
      }
      await stillServes(root);
    });

    test('a secret the token may not read is an error with Vault\'s "permission denied"', async () => {
      toolError(await limited.call('read_secret', { mount: 'kv2', path: 'team/ops/notes' }), PERMISSION_DENIED);
      toolError(await limited.call('read_secret', { mount: 'kv1', path: 'top' }), PERMISSION_DENIED);
      toolError(await limited.call('list_secrets', { mount: 'kv1' }), PERMISSION_DENIED);
      await stillServes(limited);
    });

    test('an unknown mount is an error that points to list_mounts, for the KV tools of a root and a limited token', async () => {
      toolError(await root.call('read_secret', { mount: 'nosuch', path: 'a' }), 'There is no mount "nosuch"', 'list_mounts');
      toolError(await root.call('list_secrets', { mount: 'nosuch' }), 'There is no mount "nosuch"');
      // Without read on sys/mounts Vault cannot tell "no such mount" from "not yours": its preflight message is quoted.
      toolError(await limited.call('read_secret', { mount: 'nosuch', path: 'a' }), '"nosuch"', 'preflight capability check returned 403');
      await stillServes(root);
      await stillServes(limited);
    });

    test('an unknown mount is refused by the type lookup for the PKI tools, with a pointer to list_mounts', async () => {
      for (const [tool, args] of [['list_pki_roles', {}], ['list_pki_issuers', {}], ['read_pki_role', { role_name: 'web' }],
        ['read_pki_issuer', { issuer_name: 'default' }]]) {
        toolError(await root.call(tool, { mount: 'nosuch', ...args }), 'There is no mount "nosuch"', 'list_mounts');
      }
      await stillServes(root);
    });

    test('a mount of another engine is not taken for a KV store', async () => {
      toolError(await root.call('read_secret', { mount: 'pki-int', path: 'a' }), 'not a KV store');
      toolError(await root.call('list_secrets', { mount: 'kv1/app' }), 'lies inside the mount "kv1/"');
      await stillServes(root);
    });

    test('an unknown PKI issuer or role is an error that names it', async () => {
      toolError(await root.call('read_pki_issuer', { mount: 'pki-int', issuer_name: 'nope' }), 'There is no issuer "nope"');
      toolError(await root.call('read_pki_role', { mount: 'pki-int', role_name: 'nope' }), 'There is no role "nope"');
      await stillServes(root);
    });

    test('a path that climbs out of its mount is refused before it reaches Vault', async () => {
      toolError(await root.call('read_secret', { mount: 'kv1', path: 'app/../../sys/mounts' }));
      toolError(await root.call('list_secrets', { mount: 'kv1', path: '../' }));
      toolError(await root.call('read_secret', { mount: '..', path: 'sys/mounts' }));
      await stillServes(root);
    });

    test('arguments that break the input schema are an error the model can correct, not a protocol error', async () => {
      toolError(await root.call('read_secret', { mount: 'kv2' }), /path/);
      toolError(await root.call('read_secret', { mount: 'kv2', path: 'app/config', version: 'three' }), /version/);
      toolError(await root.call('list_mounts', { surprise: true }), /surprise/);
      await stillServes(root);
    });
  });
}
