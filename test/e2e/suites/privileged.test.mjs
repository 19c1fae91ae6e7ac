// The privileged tools (ENABLE_VAULT_OPERATIONS=true) against a real Vault: every change is
// checked on Vault directly, through its HTTP API with the root token.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setUpData } from '../harness/fixture.mjs';
import { startBarrierProxy } from '../harness/barrier-proxy.mjs';
import { startServer } from '../harness/mcp.mjs';
import { DEFAULT_PRIVILEGED_TOOLS, DEFAULT_READ_TOOLS, PERMISSION_DENIED, certificate, signedBy, structured, toolError } from '../harness/results.mjs';
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
  describe(`privileged tools over ${mode}`, () => {
    let server;
    let peer;
    let api;
    // Each transport works in mounts of its own, so both can run against the same Vault.
    const m = (name) => `${mode}-${name}`;
    before(async () => {
      server = await startServer(mode, { vaultAddr: vault.addr, operations: true });
      peer = await server.connect(vault.rootToken);
      api = vault.api;
    });
    after(() => server?.close());

    const mountOf = async (path) => (await api.get(`sys/mounts/${path}`));

    test('tools/list offers every tool of the default toolsets; the privileged ones are not read-only and say whether they destroy', () => {
      assert.deepEqual(peer.tools.map((t) => t.name).sort(), [...DEFAULT_READ_TOOLS, ...DEFAULT_PRIVILEGED_TOOLS].sort());
      for (const tool of peer.tools.filter((t) => DEFAULT_PRIVILEGED_TOOLS.includes(t.name))) {
        assert.equal(tool.annotations?.readOnlyHint, false, tool.name);
        assert.equal(typeof tool.annotations?.destructiveHint, 'boolean', tool.name);
        assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
      }
    });

    test('create_mount mounts KV v1 and KV v2 stores, and refuses a path in use with Vault\'s message', async () => {
      const v2 = structured(await peer.call('create_mount', { type: 'kv2', path: m('kv2'), description: 'made by e2e' }));
      assert.deepEqual(v2, { path: m('kv2'), type: 'kv', kv_version: 2, description: 'made by e2e' });
      const real = await mountOf(m('kv2'));
      assert.equal(real.status, 200);
      assert.deepEqual([real.body.data.type, real.body.data.options?.version, real.body.data.description], ['kv', '2', 'made by e2e']);

      assert.equal(structured(await peer.call('create_mount', { type: 'kv', path: m('kv1') })).kv_version, 1);
      assert.equal((await mountOf(m('kv1'))).body.data.type, 'kv');
      assert.notEqual((await mountOf(m('kv1'))).body.data.options?.version, '2');

      toolError(await peer.call('create_mount', { type: 'kv', path: 'kv1' }), 'there is already a kv mount there');
    });

    test('write_secret writes KV v2 keys, merging into the latest version', async () => {
      const mount = m('kv2');
      // A new KV v2 mount upgrades itself for a moment first; wait until Vault takes writes there.
      await api.eventually('POST', `${mount}/data/warm-up`, { data: { a: 'b' } });
      const first = structured(await peer.call('write_secret', { mount, path: 'svc/api', key: 'token', value: 't-1' }));
      assert.deepEqual(first, { mount, path: 'svc/api', kv_version: 2, version: 1, keys: ['token'] });
      const second = structured(await peer.call('write_secret', { mount, path: 'svc/api', data: { user: 'svc', region: 'eu' } }));
      assert.equal(second.version, 2);
      assert.deepEqual(second.keys, ['region', 'user']);
      const stored = (await api.must('GET', `${mount}/data/svc/api`)).body.data;
      assert.deepEqual(stored.data, { token: 't-1', user: 'svc', region: 'eu' });
      assert.equal(stored.metadata.version, 2);
    });

    test('two concurrent write_secret calls of different keys to one KV v2 secret both survive', async () => {
      const mount = m('kv2');
      await api.must('POST', `${mount}/data/race`, { data: { seed: '0' } });
      // Both writers go through a proxy that lets their reads of the secret through together,
      // so both read the same version and one of them must retry: a real race, every run.
      const proxy = await startBarrierProxy(vault.addr);
      const racing = await startServer(mode, { vaultAddr: proxy.addr, operations: true });
      try {
        const writers = [await racing.connect(vault.rootToken), await racing.connect(vault.rootToken)];
        const rounds = 3;
        const expected = { seed: '0' };
        for (let i = 0; i < rounds; i++) {
          proxy.hold(`/v1/${mount}/data/race`, writers.length);
          const results = await Promise.all(writers.map((w, n) =>
            w.call('write_secret', { mount, path: 'race', key: `k${i}-${n}`, value: `v${i}-${n}` })));
          results.forEach((r, n) => {
            assert.deepEqual(structured(r).keys, [`k${i}-${n}`]);
            expected[`k${i}-${n}`] = `v${i}-${n}`;
          });
        }
        const stored = (await api.must('GET', `${mount}/data/race`)).body.data;
        assert.deepEqual(stored.data, expected, 'no write was lost');
        assert.equal(stored.metadata.version, 1 + 2 * rounds);
        assert.equal(proxy.casRefusals(), rounds, 'in each round Vault refused one stale write, which was retried');
      } finally {
        await racing.close();
        await proxy.close();
      }
    });

    test('write_secret writes a KV v1 secret', async () => {
      const mount = m('kv1');
      const written = structured(await peer.call('write_secret', { mount, path: 'cfg', data: { a: '1', b: '2' } }));
      assert.deepEqual(written, { mount, path: 'cfg', kv_version: 1, keys: ['a', 'b'] });
      structured(await peer.call('write_secret', { mount, path: 'cfg', key: 'c', value: '3' }));
      assert.deepEqual((await api.must('GET', `${mount}/cfg`)).body.data, { a: '1', b: '2', c: '3' });
    });

    test('delete_secret with a key removes only that key (a new KV v2 version); without a key it soft-deletes the secret', async () => {
      const mount = m('kv2');
      const oneKey = structured(await peer.call('delete_secret', { mount, path: 'svc/api', key: 'region' }));
      assert.deepEqual([oneKey.deleted, oneKey.key, oneKey.version, oneKey.keys], ['key', 'region', 3, ['token', 'user']]);
      assert.deepEqual((await api.must('GET', `${mount}/data/svc/api`)).body.data.data, { token: 't-1', user: 'svc' });
      toolError(await peer.call('delete_secret', { mount, path: 'svc/api', key: 'region' }), 'no key "region"');

      const whole = structured(await peer.call('delete_secret', { mount, path: 'svc/api' }));
      assert.deepEqual([whole.deleted, whole.version], ['secret', 3]);
      const gone = await api.get(`${mount}/data/svc/api`);
      assert.equal(gone.status, 404);
      assert.notEqual(gone.body.data.metadata.deletion_time, '', 'soft-deleted: Vault keeps the version with a deletion time');
      toolError(await peer.call('read_secret', { mount, path: 'svc/api' }), 'Version 3 of secret "svc/api"', 'deleted at');
      assert.deepEqual((await api.must('GET', `${mount}/data/svc/api?version=2`)).body.data.data.token, 't-1', 'older versions remain');
      toolError(await peer.call('delete_secret', { mount, path: 'svc/api' }), 'is deleted');
    });

    test('the PKI tools reach only PKI mounts: a token role, a KV secret or the empty mount is never touched', async () => {
      const mount = m('kv2');
      await api.must('POST', `${mount}/data/team/roles/db`, { data: { password: 'kept' } });
      await api.must('POST', 'auth/token/roles/e2e-reach', { allowed_policies: ['default'] });
      toolError(await peer.call('read_pki_role', { mount: `${mount}/data/team`, role_name: 'db' }), `lies inside the mount "${mount}/"`);
      toolError(await peer.call('list_pki_roles', { mount: 'auth/token' }), '"auth/token"');
      toolError(await peer.call('delete_pki_role', { mount: 'auth/token', role_name: 'e2e-reach' }), '"auth/token"');
      toolError(await peer.call('delete_pki_role', { mount: `${mount}/metadata/team`, role_name: 'db' }), 'lies inside');
      toolError(await peer.call('issue_pki_certificate', { mount, role_name: 'r', common_name: 'a.example.com' }),
        'is a kv secrets engine, not a PKI engine');
      toolError(await peer.call('read_pki_role', { mount: '//', role_name: 'x' }), 'must name a mount');
      toolError(await peer.call('create_mount', { type: 'kv', path: '//' }), 'must name a mount');
      toolError(await peer.call('delete_mount', { path: 'sys' }), 'belongs to Vault itself');
      assert.equal((await api.must('GET', 'auth/token/roles/e2e-reach')).body.data.allowed_policies[0], 'default');
      assert.equal((await api.must('GET', `${mount}/data/team/roles/db`)).body.data.data.password, 'kept');
      assert.equal((await api.must('GET', `${mount}/metadata/team/roles/db`)).body.data.current_version, 1);
    });

    test('delete_secret removes a KV v1 key, then the whole secret', async () => {
      const mount = m('kv1');
      assert.deepEqual(structured(await peer.call('delete_secret', { mount, path: 'cfg', key: 'a' })).keys, ['b', 'c']);
      assert.deepEqual((await api.must('GET', `${mount}/cfg`)).body.data, { b: '2', c: '3' });
      assert.equal(structured(await peer.call('delete_secret', { mount, path: 'cfg', key: '' })).deleted, 'secret');
      assert.equal((await api.get(`${mount}/cfg`)).status, 404);
      toolError(await peer.call('delete_secret', { mount, path: 'cfg' }), 'There is no secret "cfg"');
    });

    test('delete_mount removes a mount, and says so when there is none', async () => {
      assert.deepEqual(structured(await peer.call('delete_mount', { path: m('kv1') })), { path: m('kv1'), type: 'kv', existed: 'yes' });
      assert.equal((await mountOf(m('kv1'))).status, 400, 'Vault no longer knows the mount');
      toolError(await peer.call('delete_mount', { path: m('kv1') }), `There is no mount "${m('kv1')}"`);
      toolError(await peer.call('list_secrets', { mount: m('kv1') }), `There is no mount "${m('kv1')}"`);
    });

    test('enable_pki mounts a PKI engine with its max_ttl', async () => {
      const made = structured(await peer.call('enable_pki', { path: m('pki'), max_ttl: '43800h', description: 'e2e CA' }));
      assert.deepEqual(made, { path: m('pki'), type: 'pki', max_ttl: '43800h', description: 'e2e CA' });
      const real = (await api.must('GET', `sys/mounts/${m('pki')}`)).body.data;
      assert.deepEqual([real.type, real.config.max_lease_ttl], ['pki', 43800 * 3600]);
      structured(await peer.call('enable_pki', { path: m('pki-int') }));
      toolError(await peer.call('enable_pki', { path: m('pki') }), 'there is already a pki mount there');
    });

    let rootB;
    test('create_pki_issuer creates root issuers with the names asked for', async () => {
      const a = structured(await peer.call('create_pki_issuer', { mount: m('pki'), common_name: 'E2E Tool Root A', issuer_name: 'root-a' }));
      assert.deepEqual([a.mount, a.kind, a.issuer_name], [m('pki'), 'root', 'root-a']);
      assert.equal(certificate(a.certificate).subject, 'CN=E2E Tool Root A');
      rootB = structured(await peer.call('create_pki_issuer', { mount: m('pki'), common_name: 'E2E Tool Root B', issuer_name: 'root-b', ttl: '8760h' }));
      const listed = (await api.must('GET', `${m('pki')}/issuers?list=true`)).body.data.key_info;
      assert.equal(listed[a.issuer_id]?.issuer_name, 'root-a');
      assert.equal(listed[rootB.issuer_id]?.issuer_name, 'root-b');
      assert.equal(listed[a.issuer_id].is_default, true, 'the first issuer is the default, so root-b is not picked by accident');
    });

    let intermediate;
    test('create_pki_issuer creates an intermediate signed by the root_issuer asked for, not the default', async () => {
      intermediate = structured(await peer.call('create_pki_issuer', {
        mount: m('pki-int'), common_name: 'E2E Tool Intermediate', issuer_name: 'int-b',
        root_mount: m('pki'), root_issuer: 'root-b', ttl: '4380h',
      }));
      assert.deepEqual([intermediate.kind, intermediate.issuer_name], ['intermediate', 'int-b']);
      assert.ok(signedBy(intermediate.certificate, rootB.certificate), 'signed by root-b');
      assert.ok(intermediate.ca_chain.map((c) => c.trim()).includes(rootB.certificate.trim()), 'root-b ends the chain');
      const stored = (await api.must('GET', `${m('pki-int')}/issuer/int-b`)).body.data;
      assert.equal(stored.issuer_id, intermediate.issuer_id);
      assert.equal(stored.certificate.trim(), intermediate.certificate.trim());
      assert.notEqual(stored.key_id, '', 'the intermediate holds its own key inside Vault');
    });

    test('create_pki_role creates a role bound to the issuer_name given', async () => {
      const made = structured(await peer.call('create_pki_role', {
        mount: m('pki-int'), role_name: 'svc', issuer_name: 'int-b', allowed_domains: 'example.com', allow_subdomains: true,
        allow_any_name: false, max_ttl: '72h',
      }));
      assert.deepEqual([made.mount, made.role_name], [m('pki-int'), 'svc']);
      const role = (await api.must('GET', `${m('pki-int')}/roles/svc`)).body.data;
      assert.equal(role.issuer_ref, 'int-b');
      assert.deepEqual(role.allowed_domains, ['example.com']);
      assert.deepEqual([role.allow_subdomains, role.allow_any_name, role.max_ttl], [true, false, 72 * 3600]);
    });

    test('issue_pki_certificate issues under the role; the private key is only in a block for the user', async () => {
      const result = await peer.call('issue_pki_certificate', { mount: m('pki-int'), role_name: 'svc', common_name: 'api.example.com', ttl: '1h' });
      const issued = structured(result);
      assert.equal(certificate(issued.certificate).subject, 'CN=api.example.com');
      assert.ok(signedBy(issued.certificate, intermediate.certificate), 'issued by int-b');
      assert.equal(issued.issuing_ca.trim(), intermediate.certificate.trim());
      const stored = (await api.must('GET', `${m('pki-int')}/cert/${issued.serial_number}`)).body.data;
      assert.equal(stored.certificate.trim(), issued.certificate.trim(), 'Vault has it under that serial number');
      assert.ok(!JSON.stringify(issued).includes('PRIVATE KEY'), 'no key in structuredContent');
      const forUser = result.content.filter((c) => c.annotations?.audience?.length === 1 && c.annotations.audience[0] === 'user');
      const forModel = result.content.filter((c) => !forUser.includes(c));
      assert.equal(forUser.length, 1);
      assert.ok(forModel.every((c) => !c.text.includes('PRIVATE KEY')), 'no key where the model reads');
      const pem = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/.exec(forUser[0].text)?.[0];
      assert.ok(pem, 'the user block holds the PEM private key');
      assert.equal(createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }),
        certificate(issued.certificate).publicKey.export({ type: 'spki', format: 'pem' }), 'the key belongs to the certificate');
    });

    test('issue_pki_certificate for a name the role does not allow is an error with Vault\'s reason', async () => {
      toolError(await peer.call('issue_pki_certificate', { mount: m('pki-int'), role_name: 'svc', common_name: 'evil.org' }),
        'evil.org', 'not allowed');
      toolError(await peer.call('issue_pki_certificate', { mount: m('pki-int'), role_name: 'nope', common_name: 'a.example.com' }),
        'There is no role "nope"');
    });

    test('delete_pki_role deletes the role, and says so when there is none', async () => {
      assert.deepEqual(structured(await peer.call('delete_pki_role', { mount: m('pki-int'), role_name: 'svc' })),
        { mount: m('pki-int'), role_name: 'svc' });
      assert.equal((await api.get(`${m('pki-int')}/roles/svc`)).status, 404);
      toolError(await peer.call('delete_pki_role', { mount: m('pki-int'), role_name: 'svc' }), 'There is no role "svc"');
    });

    test('a limited token may read but not write, even with the privileged tools enabled', async () => {
      const limited = await server.connect(facts.limitedToken);
      assert.deepEqual(structured(await limited.call('read_secret', { mount: 'kv1', path: 'app/config' })).data,
        facts.kv1.secrets['app/config']);
      toolError(await limited.call('write_secret', { mount: 'kv1', path: 'app/config', key: 'password', value: 'stolen' }), PERMISSION_DENIED);
      toolError(await limited.call('write_secret', { mount: 'kv2', path: 'app/config', key: 'api_key', value: 'stolen' }), PERMISSION_DENIED);
      toolError(await limited.call('delete_secret', { mount: 'kv1', path: 'app/db' }), PERMISSION_DENIED);
      toolError(await limited.call('create_mount', { type: 'kv', path: m('limited') }), PERMISSION_DENIED);
      assert.deepEqual((await api.must('GET', 'kv1/app/config')).body.data, facts.kv1.secrets['app/config'], 'unchanged');
      assert.equal((await api.must('GET', 'kv2/data/app/config')).body.data.metadata.version, 3, 'no new version');
      assert.equal((await api.must('GET', 'kv1/app/db')).status, 200);
      assert.equal((await mountOf(m('limited'))).status, 400);
    });

    test('the server log holds neither a token nor a written value nor a private key', () => {
      const log = server.log();
      for (const secret of [vault.rootToken, facts.limitedToken, 't-1', 'stolen', 'PRIVATE KEY']) {
        assert.ok(!log.includes(secret), `${secret.slice(0, 12)}... in the log`);
      }
    });
  });
}
