// The 7 read-only tools against a real Vault dev server, each result checked against the data
// the fixture set up; initialize and tools/list as the official SDK client sees them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setUpData } from '../harness/fixture.mjs';
import { CLIENT, startServer } from '../harness/mcp.mjs';
import { DEFAULT_READ_TOOLS, READ_TOOLS, signedBy, structured } from '../harness/results.mjs';
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
  describe(`read tools over ${mode}`, () => {
    let server;
    let peer;
    before(async () => {
      server = await startServer(mode, { vaultAddr: vault.addr });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test(`the client's era is negotiated (${CLIENT === 'v2' ? '2026-07-28, without initialize' : 'initialize: 2025-11-25'}) and the server names itself`, () => {
      assert.equal(peer.protocolVersion, CLIENT === 'v2' ? '2026-07-28' : '2025-11-25');
      if (CLIENT === 'v2') assert.ok(!peer.sent.includes('initialize'), peer.sent.join());
      assert.equal(peer.serverInfo.name, 'vault-mcp-server');
      assert.match(peer.serverInfo.version, /^\d+\.\d+\.\d+/);
      assert.equal(peer.capabilities.tools?.listChanged, false);
    });

    test('tools/list offers exactly the read-only tools (the Go server\'s 7 among them), each read-only with closed input and an output schema', () => {
      assert.deepEqual(peer.tools.map((t) => t.name).sort(), DEFAULT_READ_TOOLS);
      assert.ok(READ_TOOLS.every((t) => DEFAULT_READ_TOOLS.includes(t)));
      for (const tool of peer.tools) {
        assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
        assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
        assert.equal(tool.outputSchema?.type, 'object', tool.name);
        assert.ok(tool.description.length > 20, tool.name);
      }
    });

    test('list_mounts shows the KV mounts with their versions and the PKI mounts', async () => {
      const { mounts } = structured(await peer.call('list_mounts'));
      const byName = Object.fromEntries(mounts.map((m) => [m.name, m]));
      assert.deepEqual(
        { type: byName['kv1/']?.type, kv: byName['kv1/']?.kv_version, description: byName['kv1/']?.description },
        { type: 'kv', kv: 1, description: 'e2e KV v1' });
      assert.equal(byName['kv2/']?.kv_version, 2);
      assert.equal(byName['secret/']?.kv_version, 2, 'the dev server mounts KV v2 at secret/');
      assert.equal(byName['pki-root/']?.type, 'pki');
      assert.equal(byName['pki-root/']?.max_lease_ttl, 87600 * 3600);
      assert.equal(byName['pki-int/']?.kv_version, undefined);
      assert.equal(byName['sys/']?.type, 'system');
    });

    test('list_secrets lists folders and secrets of KV v1 and KV v2 mounts, and an empty list for a missing folder', async () => {
      const list = async (mount, path) => structured(await peer.call('list_secrets', path === undefined ? { mount } : { mount, path }));
      assert.deepEqual(await list('kv1'), { mount: 'kv1', path: '', kv_version: 1, keys: ['app/', 'top'] });
      assert.deepEqual((await list('kv1', 'app/')).keys, ['config', 'db']);
      assert.deepEqual(await list('kv2'), { mount: 'kv2', path: '', kv_version: 2, keys: ['app/', 'team/'] });
      assert.deepEqual((await list('kv2', 'app/')).keys, ['config', 'retired'], 'a soft-deleted latest version still lists');
      assert.deepEqual((await list('kv2', 'team/ops/')).keys, ['notes']);
      assert.deepEqual((await list('kv2', 'nothing/here/')).keys, []);
    });

    test('read_secret reads a KV v1 secret', async () => {
      const read = structured(await peer.call('read_secret', { mount: 'kv1', path: 'app/config' }));
      assert.deepEqual(read, { mount: 'kv1', path: 'app/config', kv_version: 1, data: facts.kv1.secrets['app/config'] });
    });

    test('read_secret reads the latest KV v2 version with its metadata, and any earlier version on request', async () => {
      const latest = structured(await peer.call('read_secret', { mount: 'kv2', path: 'app/config' }));
      assert.deepEqual(latest.data, facts.kv2.configVersions[2]);
      assert.equal(latest.kv_version, 2);
      assert.equal(latest.metadata.version, 3);
      assert.equal(latest.metadata.destroyed, false);
      assert.equal(latest.metadata.deletion_time, '');
      assert.ok(!Number.isNaN(Date.parse(latest.metadata.created_time)), latest.metadata.created_time);
      for (const version of [1, 2]) {
        const old = structured(await peer.call('read_secret', { mount: 'kv2', path: 'app/config', version }));
        assert.deepEqual(old.data, facts.kv2.configVersions[version - 1]);
        assert.equal(old.metadata.version, version);
      }
    });

    test('read_secret reads an older version of a secret whose latest version is soft-deleted', async () => {
      const old = structured(await peer.call('read_secret', { mount: 'kv2', path: 'app/retired', version: 1 }));
      assert.deepEqual(old.data, { token: 'retired-v1' });
    });

    test('list_pki_issuers lists the issuers by id and name: the root, and the intermediate with the root it imported', async () => {
      const { root, intermediate } = facts.pki;
      const rootListed = structured(await peer.call('list_pki_issuers', { mount: 'pki-root' }));
      assert.deepEqual(rootListed.issuers.map((i) => [i.issuer_id, i.issuer_name, i.is_default]), [[root.id, root.name, true]]);
      // set-signed with the whole bundle imports the signing root too, as an unnamed issuer without a key.
      const intListed = structured(await peer.call('list_pki_issuers', { mount: 'pki-int' }));
      assert.equal(intListed.mount, 'pki-int');
      assert.equal(intListed.issuers.length, 2);
      const named = intListed.issuers.find((i) => i.issuer_name === intermediate.name);
      assert.deepEqual([named?.issuer_id, named?.is_default], [intermediate.id, true]);
      const other = intListed.issuers.find((i) => i !== named);
      assert.equal(other.is_default, false);
      const imported = structured(await peer.call('read_pki_issuer', { mount: 'pki-int', issuer_name: other.issuer_id }));
      assert.equal(imported.issuer.certificate.trim(), root.certificate);
    });

    test('read_pki_issuer reads the intermediate by name, id and "default": signed by the root, which ends its chain', async () => {
      const { root, intermediate } = facts.pki;
      for (const ref of [intermediate.name, intermediate.id, 'default']) {
        const { mount, issuer } = structured(await peer.call('read_pki_issuer', { mount: 'pki-int', issuer_name: ref }));
        assert.equal(mount, 'pki-int');
        assert.equal(issuer.issuer_id, intermediate.id, ref);
        assert.equal(issuer.issuer_name, intermediate.name);
        assert.equal(issuer.certificate.trim(), intermediate.certificate);
        assert.ok(issuer.ca_chain.map((c) => c.trim()).includes(root.certificate), 'the chain holds the root');
      }
      assert.ok(signedBy(intermediate.certificate, root.certificate));
      const rootRead = structured(await peer.call('read_pki_issuer', { mount: 'pki-root', issuer_name: root.name }));
      assert.equal(rootRead.issuer.certificate.trim(), root.certificate);
    });

    test('list_pki_roles lists the roles of a mount, and none of a mount without roles', async () => {
      assert.deepEqual(structured(await peer.call('list_pki_roles', { mount: 'pki-int' })), { mount: 'pki-int', roles: ['any', 'web'] });
      assert.deepEqual(structured(await peer.call('list_pki_roles', { mount: 'pki-root' })).roles, []);
    });

    test('read_pki_role reads a role as it was configured', async () => {
      const read = structured(await peer.call('read_pki_role', { mount: 'pki-int', role_name: 'web' }));
      assert.equal(read.role_name, 'web');
      assert.equal(read.role.issuer_ref, 'int-2026');
      assert.deepEqual(read.role.allowed_domains, ['example.com']);
      assert.equal(read.role.allow_subdomains, true);
      assert.equal(read.role.max_ttl, 72 * 3600);
      assert.equal(read.role.ttl, 24 * 3600);
      assert.equal(read.role.key_type, 'ec');
    });

    test('the server log holds neither the token nor any secret value', () => {
      const log = server.log();
      assert.ok(!log.includes(vault.rootToken), 'root token in the log');
      for (const value of ['kv1-password', 'key-v3', 'retired-v1']) assert.ok(!log.includes(value), `${value} in the log`);
    });
  });
}
