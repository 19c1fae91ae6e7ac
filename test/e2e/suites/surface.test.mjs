// The issue 12 tools against a real Vault: the KV version 2 lifecycle (metadata, merge patches
// with check-and-set, deleting, undeleting and destroying versions), what a token is and may do
// (lookup_self, check_capabilities), the cluster's health, and the policy toolset (off by
// default). Every change is checked on Vault directly, through its HTTP API with the root token;
// whether a request reached Vault, from Vault's own audit log.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBarrierProxy } from '../harness/barrier-proxy.mjs';
import { setUpData } from '../harness/fixture.mjs';
import { startServer } from '../harness/mcp.mjs';
import { PERMISSION_DENIED, structured, toolError } from '../harness/results.mjs';
import { TRANSPORTS } from '../harness/transports.mjs';
import { startDevVault } from '../harness/vault.mjs';

const KV_READ = ['read_secret_metadata'];
const KV_PRIVILEGED = ['write_secret_metadata', 'patch_secret', 'delete_secret_versions', 'undelete_secret_versions',
  'destroy_secret_versions'];
const SYS_READ = ['lookup_self', 'check_capabilities', 'read_cluster_health'];
const POLICY_TOOLS = ['list_policies', 'read_policy', 'list_auth_methods', 'read_auth_method'];
const KV2_NEEDED = 'KV version 2';
const INVALID = 'Invalid arguments';

let vault;
let facts;
let auditDir;
before(async () => {
  vault = await startDevVault();
  facts = await setUpData(vault.api);
  auditDir = await mkdtemp(join(tmpdir(), 'vault-mcp-e2e-surface-'));
  // log_raw: the paths asked of sys/capabilities-self are data, which Vault would otherwise HMAC.
  await vault.api.must('PUT', 'sys/audit/e2e-surface', { type: 'file', options: { file_path: join(auditDir, 'audit.log'), log_raw: 'true' } });
});
after(async () => {
  await vault?.stop();
  if (auditDir) await rm(auditDir, { recursive: true, force: true });
});

/** Every request Vault's audit log holds so far, as { operation, path, data }. */
async function audited() {
  const text = await readFile(join(auditDir, 'audit.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((entry) => entry.type === 'request')
    .map((entry) => ({ operation: entry.request.operation, path: entry.request.path, data: entry.request.data }));
}

/** Runs `fn` and returns [its result, the requests Vault received meanwhile]. */
async function sentDuring(fn) {
  const before = (await audited()).length;
  const out = await fn();
  return [out, (await audited()).slice(before)];
}

/** tools/call of a tool that is not offered: a JSON-RPC error, not a tool result. */
async function unknownTool(peer, name, args = {}) {
  await assert.rejects(peer.call(name, args), (e) => {
    assert.equal(e.code, -32602, `${name}: ${e.message}`);
    assert.match(e.message, /Unknown tool/);
    return true;
  });
}

/** An elicitation handler that records each request's params and accepts with approve ticked. */
function approver() {
  const seen = [];
  return { seen, handler: async (request) => { seen.push(request.params); return { action: 'accept', content: { approve: true } }; } };
}

const names = (peer) => peer.tools.map((t) => t.name).sort();

for (const mode of TRANSPORTS) {
  // Each transport works in a mount, policies and tokens of its own, so both can share one Vault.
  const m = (name) => `${mode}-${name}`;
  const api = () => vault.api;
  const metadataOf = async (mount, path) => (await api().must('GET', `${mount}/metadata/${path}`)).body.data;
  const dataOf = async (mount, path) => (await api().must('GET', `${mount}/data/${path}`)).body.data;

  describe(`KV version 2 lifecycle over ${mode}`, () => {
    const mount = m('life');
    let server;
    let peer;
    before(async () => {
      await api().must('POST', `sys/mounts/${mount}`, { type: 'kv', options: { version: '2' } });
      // A new KV v2 mount upgrades itself for a moment first; wait until Vault takes writes there.
      await api().eventually('POST', `${mount}/data/warm-up`, { data: { a: 'b' } });
      server = await startServer(mode, { vaultAddr: vault.addr, operations: true });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test('tools/list offers the new KV and sys tools, read-only ones marked so, and not the policy toolset', () => {
      const offered = names(peer);
      for (const name of [...KV_READ, ...KV_PRIVILEGED, ...SYS_READ]) assert.ok(offered.includes(name), `${name} offered`);
      for (const name of POLICY_TOOLS) assert.ok(!offered.includes(name), `${name} not offered by default`);
      for (const tool of peer.tools) {
        if ([...KV_READ, ...SYS_READ].includes(tool.name)) assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
        if (KV_PRIVILEGED.includes(tool.name)) {
          assert.equal(tool.annotations?.readOnlyHint, false, tool.name);
          assert.equal(tool.inputSchema.properties.dry_run?.type, 'boolean', tool.name);
        }
        if ([...KV_READ, ...KV_PRIVILEGED, ...SYS_READ].includes(tool.name)) {
          assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
          assert.ok(tool.outputSchema, `${tool.name} has an outputSchema`);
        }
      }
      assert.match(peer.tools.find((t) => t.name === 'destroy_secret_versions').description, /cannot be undone/);
    });

    test('write_secret, then patch_secret sets one key and deletes another (null), as a new version', async () => {
      const written = structured(await peer.call('write_secret', { mount, path: 'svc/app', data: { user: 'u1', password: 'p1', region: 'eu' } }));
      assert.deepEqual(written, { mount, path: 'svc/app', kv_version: 2, version: 1, keys: ['password', 'region', 'user'] });

      const patched = structured(await peer.call('patch_secret', { mount, path: 'svc/app', data: { password: 'p2', region: null } }));
      assert.deepEqual(patched, { mount, path: 'svc/app', kv_version: 2, version: 2, keys_set: ['password'], keys_deleted: ['region'] });
      const stored = await dataOf(mount, 'svc/app');
      assert.deepEqual(stored.data, { user: 'u1', password: 'p2' });
      assert.equal(stored.metadata.version, 2);
      assert.deepEqual((await api().must('GET', `${mount}/data/svc/app?version=1`)).body.data.data,
        { user: 'u1', password: 'p1', region: 'eu' }, 'version 1 is kept as it was');
      assert.equal((await metadataOf(mount, 'svc/app')).current_version, 2);
    });

    test('patch_secret sends check-and-set: it succeeds on a secret with cas_required, where a write without cas fails', async () => {
      await api().must('POST', `${mount}/metadata/svc/app`, { cas_required: true });
      const refused = await api().post(`${mount}/data/svc/app`, { data: { user: 'x' } });
      assert.equal(refused.status, 400, 'Vault refuses a write without cas here');
      assert.match(refused.text, /check-and-set parameter required/);

      const patched = structured(await peer.call('patch_secret', { mount, path: 'svc/app', data: { note: 'cas' } }));
      assert.deepEqual([patched.version, patched.keys_set, patched.keys_deleted], [3, ['note'], []]);
      const meta = await metadataOf(mount, 'svc/app');
      assert.equal(meta.current_version, 3);
      assert.deepEqual(Object.keys(meta.versions).map(Number).sort(), [1, 2, 3], 'one new version per patch');
      assert.deepEqual((await dataOf(mount, 'svc/app')).data, { user: 'u1', password: 'p2', note: 'cas' });
      await api().must('POST', `${mount}/metadata/svc/app`, { cas_required: false });
    });

    test('two concurrent patch_secret calls of different keys: the stale one is refused by Vault (CAS), retried, and both survive', async () => {
      await api().must('POST', `${mount}/data/race`, { data: { seed: '0' } });
      // Both patches go through a proxy that lets their reads of the secret through together,
      // so both send the same cas version and Vault must refuse one of them.
      const proxy = await startBarrierProxy(vault.addr);
      const racing = await startServer(mode, { vaultAddr: proxy.addr, operations: true });
      try {
        const writers = [await racing.connect(vault.rootToken), await racing.connect(vault.rootToken)];
        proxy.hold(`/v1/${mount}/data/race`, writers.length);
        const results = await Promise.all(writers.map((w, n) => w.call('patch_secret', { mount, path: 'race', data: { [`k${n}`]: `v${n}` } })));
        const versions = results.map((r, n) => {
          const out = structured(r);
          assert.deepEqual(out.keys_set, [`k${n}`]);
          return out.version;
        });
        assert.deepEqual(versions.sort(), [2, 3]);
        const stored = await dataOf(mount, 'race');
        assert.deepEqual(stored.data, { seed: '0', k0: 'v0', k1: 'v1' }, 'no patch was lost');
        assert.equal(stored.metadata.version, 3);
        assert.equal(proxy.casRefusals(), 1, 'Vault refused one stale patch, which was retried');
      } finally {
        await racing.close();
        await proxy.close();
      }
    });

    test('patch_secret on a missing secret, or with nothing to change, is an error and writes nothing', async () => {
      toolError(await peer.call('patch_secret', { mount, path: 'svc/nope', data: { a: 'b' } }), 'There is no secret', '"svc/nope"');
      assert.equal((await api().get(`${mount}/metadata/svc/nope`)).status, 404);
      toolError(await peer.call('patch_secret', { mount, path: 'svc/app', data: {} }), INVALID);
      toolError(await peer.call('patch_secret', { mount, path: 'svc/app', data: { a: 1 } }), INVALID, 'data');
      assert.equal((await metadataOf(mount, 'svc/app')).current_version, 3);
    });

    test('read_secret_metadata returns Vault\'s metadata: versions sorted, current_version, custom_metadata {} when none', async () => {
      const out = structured(await peer.call('read_secret_metadata', { mount, path: 'svc/app' }));
      const real = await metadataOf(mount, 'svc/app');
      assert.deepEqual(out, {
        mount, path: 'svc/app',
        current_version: real.current_version, oldest_version: real.oldest_version, max_versions: real.max_versions,
        cas_required: false, delete_version_after: real.delete_version_after, custom_metadata: {},
        created_time: real.created_time, updated_time: real.updated_time,
        versions: [1, 2, 3].map((v) => {
          const { created_time, deletion_time, destroyed } = real.versions[v];
          return { version: v, created_time, deletion_time, destroyed };
        }),
      });
      assert.equal(out.current_version, 3);
      assert.ok(out.versions.every((v) => v.deletion_time === '' && v.destroyed === false));
      const json = JSON.stringify(out);
      for (const value of ['p1', 'p2', 'u1']) assert.ok(!json.includes(`"${value}"`), `no value ${value} in the metadata`);
    });

    test('delete_secret_versions soft-deletes, undelete_secret_versions restores, destroy_secret_versions destroys (read back on Vault)', async () => {
      const deleted = structured(await peer.call('delete_secret_versions', { mount, path: 'svc/app', versions: [1, 2] }));
      assert.deepEqual(deleted, { mount, path: 'svc/app', versions: [1, 2], action: 'deleted' });
      let real = await metadataOf(mount, 'svc/app');
      assert.notEqual(real.versions['1'].deletion_time, '', 'version 1 has a deletion time');
      assert.notEqual(real.versions['2'].deletion_time, '', 'version 2 has a deletion time');
      assert.equal(real.versions['3'].deletion_time, '', 'version 3 is untouched');
      assert.equal((await api().get(`${mount}/data/svc/app?version=1`)).status, 404);
      const seen = structured(await peer.call('read_secret_metadata', { mount, path: 'svc/app' }));
      assert.deepEqual(seen.versions.map((v) => v.deletion_time), [1, 2, 3].map((v) => real.versions[v].deletion_time));

      const undeleted = structured(await peer.call('undelete_secret_versions', { mount, path: 'svc/app', versions: [1] }));
      assert.deepEqual(undeleted, { mount, path: 'svc/app', versions: [1], action: 'undeleted' });
      real = await metadataOf(mount, 'svc/app');
      assert.equal(real.versions['1'].deletion_time, '', 'version 1 is back');
      assert.notEqual(real.versions['2'].deletion_time, '', 'version 2 is still deleted');
      assert.deepEqual((await api().must('GET', `${mount}/data/svc/app?version=1`)).body.data.data, { user: 'u1', password: 'p1', region: 'eu' });

      const destroyed = structured(await peer.call('destroy_secret_versions', { mount, path: 'svc/app', versions: [2] }));
      assert.deepEqual(destroyed, { mount, path: 'svc/app', versions: [2], action: 'destroyed' });
      real = await metadataOf(mount, 'svc/app');
      assert.equal(real.versions['2'].destroyed, true);
      assert.equal(real.versions['1'].destroyed, false);
      const gone = await api().get(`${mount}/data/svc/app?version=2`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.data.metadata.destroyed, true);
      // Undeleting a destroyed version brings nothing back.
      structured(await peer.call('undelete_secret_versions', { mount, path: 'svc/app', versions: [2] }));
      assert.equal((await api().get(`${mount}/data/svc/app?version=2`)).status, 404);

      const after = structured(await peer.call('read_secret_metadata', { mount, path: 'svc/app' }));
      assert.deepEqual(after.versions.map((v) => [v.version, v.deletion_time === '', v.destroyed]),
        [[1, true, false], [2, false, true], [3, true, false]]);
    });

    test('write_secret_metadata sets max_versions, custom_metadata and delete_version_after (read back on Vault); only those change', async () => {
      const out = structured(await peer.call('write_secret_metadata',
        { mount, path: 'svc/app', max_versions: 7, custom_metadata: { owner: 'team-a', tier: 'gold' }, delete_version_after: '720h' }));
      assert.equal(out.mount, mount);
      assert.equal(out.path, 'svc/app');
      assert.deepEqual([...out.updated].sort(), ['custom_metadata', 'delete_version_after', 'max_versions']);
      let real = await metadataOf(mount, 'svc/app');
      assert.equal(real.max_versions, 7);
      assert.deepEqual(real.custom_metadata, { owner: 'team-a', tier: 'gold' });
      assert.equal(real.delete_version_after, '720h0m0s');
      assert.equal(real.cas_required, false, 'cas_required was not given and did not change');

      structured(await peer.call('write_secret_metadata', { mount, path: 'svc/app', custom_metadata: { owner: 'team-b' } }));
      real = await metadataOf(mount, 'svc/app');
      assert.deepEqual(real.custom_metadata, { owner: 'team-b' }, 'custom_metadata is replaced');
      assert.equal(real.max_versions, 7, 'max_versions was kept');

      const seen = structured(await peer.call('read_secret_metadata', { mount, path: 'svc/app' }));
      assert.deepEqual([seen.max_versions, seen.custom_metadata, seen.delete_version_after], [7, { owner: 'team-b' }, '720h0m0s']);
      assert.equal(seen.current_version, 3, 'no data version was written');

      toolError(await peer.call('write_secret_metadata', { mount, path: 'svc/app' }), INVALID);
      toolError(await peer.call('write_secret_metadata', { mount, path: 'svc/app', max_versions: -1 }), /max_versions/);
      toolError(await peer.call('write_secret_metadata', { mount, path: 'svc/app', custom_metadata: { n: 1 } }), /custom_metadata/);
    });

    test('the version tools take 1..100 positive integers: anything else is invalid and reaches no version', async () => {
      for (const versions of [[], [0], [-1], ['1'], [1.5], Array.from({ length: 101 }, (_, i) => i + 1)]) {
        toolError(await peer.call('destroy_secret_versions', { mount, path: 'svc/app', versions }), /versions/);
      }
      toolError(await peer.call('delete_secret_versions', { mount, path: 'svc/app' }), /versions/);
      const real = await metadataOf(mount, 'svc/app');
      assert.equal(real.versions['1'].destroyed, false);
      assert.equal(real.versions['3'].deletion_time, '');
    });

    test('read_secret_metadata of a missing secret is an error naming it', async () => {
      toolError(await peer.call('read_secret_metadata', { mount, path: 'svc/missing' }), 'There is no secret', '"svc/missing"');
    });

    test('a dry run of destroy_secret_versions destroys nothing', async () => {
      const [result, sent] = await sentDuring(() => peer.call('destroy_secret_versions', { mount, path: 'svc/app', versions: [3], dry_run: true }));
      const plan = structured(result);
      assert.equal(plan.dry_run, true);
      assert.deepEqual([plan.writes[0].method, plan.writes[0].path], ['POST', `${mount}/destroy/svc/app`]);
      assert.match(plan.note, /cannot be recovered/);
      assert.deepEqual(sent.filter((r) => r.path.startsWith(`${mount}/`) && !['read', 'list'].includes(r.operation)), []);
      assert.equal((await metadataOf(mount, 'svc/app')).versions['3'].destroyed, false);
    });

    test('a client that can be asked approves with the right message: destroy says it cannot be undone, lowering max_versions says it prunes', async () => {
      const ask = approver();
      const asking = await server.connect(vault.rootToken, { elicitation: ask.handler });
      await api().must('POST', `${mount}/data/ask`, { data: { k: 'v1' } });
      await api().must('POST', `${mount}/data/ask`, { data: { k: 'v2' } });
      await api().must('POST', `${mount}/data/ask`, { data: { k: 'v3' } });

      structured(await asking.call('patch_secret', { mount, path: 'ask', data: { k: 'secret-patch-value', old: null } }));
      assert.equal(ask.seen.length, 1);
      assert.match(ask.seen[0].message, /patch_secret/);
      assert.match(ask.seen[0].message, /PATCH/);
      assert.ok(!ask.seen[0].message.includes('secret-patch-value'), `no value in ${ask.seen[0].message}`);

      structured(await asking.call('destroy_secret_versions', { mount, path: 'ask', versions: [1] }));
      assert.equal(ask.seen.length, 2);
      assert.match(ask.seen[1].message, /destroy_secret_versions/);
      assert.match(ask.seen[1].message, /cannot be recovered/);
      assert.equal((await metadataOf(mount, 'ask')).versions['1'].destroyed, true);

      structured(await asking.call('write_secret_metadata', { mount, path: 'ask', max_versions: 2 }));
      assert.equal(ask.seen.length, 3);
      assert.match(ask.seen[2].message, /prune/);
      assert.equal((await metadataOf(mount, 'ask')).max_versions, 2);
      // Vault prunes on the next write of the secret: then only the two newest versions are kept.
      assert.equal(structured(await asking.call('patch_secret', { mount, path: 'ask', data: { n: 'x' } })).version, 5);
      assert.equal(ask.seen.length, 4);
      const pruned = structured(await asking.call('read_secret_metadata', { mount, path: 'ask' }));
      assert.deepEqual(pruned.versions.map((v) => v.version), [4, 5]);
      assert.deepEqual(Object.keys((await metadataOf(mount, 'ask')).versions).map(Number), [4, 5]);

      // Raising it again prunes nothing: no such caution.
      structured(await asking.call('write_secret_metadata', { mount, path: 'ask', max_versions: 20 }));
      assert.equal(ask.seen.length, 5);
      assert.doesNotMatch(ask.seen[4].message, /prune/);
    });

    test('on a KV version 1 mount, patch_secret and the metadata and version tools are errors naming KV version 2', async () => {
      const kv1 = facts.kv1.mount;
      const [, sent] = await sentDuring(async () => {
        toolError(await peer.call('patch_secret', { mount: kv1, path: 'app/config', data: { username: 'x' } }), KV2_NEEDED, 'patch_secret');
        toolError(await peer.call('read_secret_metadata', { mount: kv1, path: 'app/config' }), KV2_NEEDED);
        toolError(await peer.call('write_secret_metadata', { mount: kv1, path: 'app/config', max_versions: 3 }), KV2_NEEDED);
        for (const tool of ['delete_secret_versions', 'undelete_secret_versions', 'destroy_secret_versions']) {
          toolError(await peer.call(tool, { mount: kv1, path: 'app/config', versions: [1] }), KV2_NEEDED);
        }
      });
      assert.deepEqual(sent.filter((r) => r.path.startsWith(`${kv1}/`) && !['read', 'list'].includes(r.operation)), [], 'nothing written to kv1');
      assert.deepEqual((await api().must('GET', `${kv1}/app/config`)).body.data, facts.kv1.secrets['app/config']);
    });

    test('the limited token reads the metadata its policy allows, and is denied the rest with Vault\'s message', async () => {
      const limited = await server.connect(facts.limitedToken);
      const out = structured(await limited.call('read_secret_metadata', { mount: 'kv2', path: 'app/config' }));
      assert.equal(out.current_version, 3);
      assert.deepEqual(out.versions.map((v) => v.version), [1, 2, 3]);
      const retired = structured(await limited.call('read_secret_metadata', { mount: 'kv2', path: facts.kv2.retired.path }));
      assert.equal(retired.versions[1].deletion_time, facts.kv2.retired.deletionTime);
      toolError(await limited.call('read_secret_metadata', { mount: 'kv2', path: 'team/ops/notes' }), PERMISSION_DENIED);
    });
  });

  describe(`the token: lookup_self and check_capabilities over ${mode}`, () => {
    const policy = m('surface-app');
    let limitedToken;
    let server;
    before(async () => {
      await api().must('PUT', `sys/policies/acl/${policy}`, { policy: 'path "secret/data/app/*" { capabilities = ["read"] }\n' });
      limitedToken = (await api().must('POST', 'auth/token/create',
        { policies: [policy], ttl: '1h', display_name: m('surface'), meta: { purpose: 'e2e' } })).body.auth.client_token;
      server = await startServer(mode, { vaultAddr: vault.addr });
    });
    after(() => server?.close());

    test('lookup_self describes the limited token as Vault does, and never carries the token nor an id', async () => {
      const peer = await server.connect(limitedToken);
      const result = await peer.call('lookup_self');
      const out = structured(result);
      const real = (await api().withToken(limitedToken).must('GET', 'auth/token/lookup-self')).body.data;
      assert.equal('id' in out, false, 'no id field');
      const all = JSON.stringify(result);
      assert.ok(!all.includes(limitedToken), 'the token appears nowhere in the result');
      assert.ok(!all.includes(limitedToken.replace(/^hvs\./, '')), 'not even without its prefix');
      assert.deepEqual([...out.policies].sort(), ['default', policy]);
      assert.deepEqual([out.display_name, out.accessor, out.type, out.path, out.renewable, out.orphan],
        [real.display_name, real.accessor, real.type, real.path, real.renewable, real.orphan]);
      assert.equal(out.display_name, `token-${m('surface')}`);
      assert.equal(out.creation_time, real.creation_time);
      assert.ok(out.ttl > 0 && out.ttl <= 3600, `ttl ${out.ttl}`);
      assert.notEqual(out.expire_time ?? '', '', 'a token with a TTL expires');
      assert.deepEqual(out.meta, { purpose: 'e2e' });
    });

    test('lookup_self of the root token: policy root, no expiry, and still no token nor id', async () => {
      const peer = await server.connect(vault.rootToken);
      const result = await peer.call('lookup_self');
      const out = structured(result);
      assert.deepEqual(out.policies, ['root']);
      assert.equal(out.ttl, 0);
      assert.equal('id' in out, false);
      assert.ok(!JSON.stringify(result).includes(vault.rootToken), 'the root token appears nowhere in the result');
    });

    test('check_capabilities answers as Vault does: ["read"] on secret/data/app/*, ["deny"] on secret/data/admin/*, in the order given', async () => {
      const peer = await server.connect(limitedToken);
      const paths = ['secret/data/app/x', 'secret/data/admin/x', 'secret/data/app/deeper/y'];
      const out = structured(await peer.call('check_capabilities', { paths }));
      assert.deepEqual(out, { capabilities: [
        { path: 'secret/data/app/x', capabilities: ['read'] },
        { path: 'secret/data/admin/x', capabilities: ['deny'] },
        { path: 'secret/data/app/deeper/y', capabilities: ['read'] },
      ] });
      const real = (await api().withToken(limitedToken).must('POST', 'sys/capabilities-self', { paths })).body.data;
      for (const entry of out.capabilities) assert.deepEqual(entry.capabilities, real[entry.path], entry.path);

      const one = structured(await peer.call('check_capabilities', { paths: ['secret/data/admin/x'] }));
      assert.deepEqual(one, { capabilities: [{ path: 'secret/data/admin/x', capabilities: ['deny'] }] });

      const root = await server.connect(vault.rootToken);
      assert.deepEqual(structured(await root.call('check_capabilities', { paths: ['secret/data/admin/x'] })).capabilities,
        [{ path: 'secret/data/admin/x', capabilities: ['root'] }]);
    });

    test('check_capabilities refuses hostile or malformed paths as invalid arguments, and asks Vault nothing', async () => {
      const peer = await server.connect(limitedToken);
      const [, sent] = await sentDuring(async () => {
        for (const bad of ['../x', 'a//b', 'secret/data/app/../../sys/mounts', 'secret/./data', '/']) {
          toolError(await peer.call('check_capabilities', { paths: ['secret/data/app/x', bad] }), INVALID, 'paths');
        }
        toolError(await peer.call('check_capabilities', { paths: [] }), /paths/);
        toolError(await peer.call('check_capabilities', { paths: Array.from({ length: 21 }, (_, i) => `secret/data/app/${i}`) }), /paths/);
        toolError(await peer.call('check_capabilities', { paths: ['secret/data/app/x'], extra: 1 }), /extra/);
      });
      assert.deepEqual(sent.filter((r) => r.path === 'sys/capabilities-self'), [], 'no capabilities request reached Vault');
    });

    test('with MCP_DENIED_PATHS covering a path, that path comes back with refused_by and [] and is not sent to Vault', async () => {
      const denied = await startServer(mode, { vaultAddr: vault.addr, env: { MCP_DENIED_PATHS: 'secret/data/admin/*' } });
      try {
        const peer = await denied.connect(limitedToken);
        const [result, sent] = await sentDuring(() => peer.call('check_capabilities', { paths: ['secret/data/app/x', 'secret/data/admin/x'] }));
        const out = structured(result);
        assert.equal(out.capabilities.length, 2);
        assert.deepEqual(out.capabilities[0], { path: 'secret/data/app/x', capabilities: ['read'] });
        assert.equal(out.capabilities[1].path, 'secret/data/admin/x');
        assert.deepEqual(out.capabilities[1].capabilities, []);
        assert.match(out.capabilities[1].refused_by ?? '', /MCP_DENIED_PATHS/);
        assert.ok(out.capabilities[1].refused_by.includes('secret/data/admin/*'), out.capabilities[1].refused_by);
        const asked = sent.filter((r) => r.path === 'sys/capabilities-self');
        assert.equal(asked.length, 1, 'one request for the allowed path');
        assert.deepEqual(asked[0].data?.paths, ['secret/data/app/x'], 'the refused path was not sent');

        // All refused: nothing is sent at all.
        const [onlyRefused, none] = await sentDuring(() => peer.call('check_capabilities', { paths: ['secret/data/admin/y'] }));
        assert.deepEqual(structured(onlyRefused).capabilities[0].capabilities, []);
        assert.deepEqual(none.filter((r) => r.path === 'sys/capabilities-self'), []);
      } finally {
        await denied.close();
      }
    });
  });

  describe(`read_cluster_health over ${mode}`, () => {
    let server;
    before(async () => {
      server = await startServer(mode, { vaultAddr: vault.addr });
    });
    after(() => server?.close());

    test('an unsealed dev Vault is active, not sealed, with its version and seal', async () => {
      const peer = await server.connect(vault.rootToken);
      const out = structured(await peer.call('read_cluster_health'));
      const real = (await api().must('GET', 'sys/health')).body;
      assert.equal(out.status, 200);
      assert.equal(out.state, 'active');
      assert.equal(out.sealed, false);
      assert.equal(out.initialized, true);
      assert.equal(out.standby, false);
      assert.equal(out.version, real.version);
      assert.match(out.version, /^1\.\d+\.\d+/);
      assert.equal(out.cluster_name, real.cluster_name);
      assert.deepEqual(out.seal, { type: 'shamir', t: 1, n: 1, progress: 0 });
      if (out.leader) assert.equal(typeof out.leader.ha_enabled, 'boolean');
    });

    test('a token without any sys policy reads the health too (sys/health is unauthenticated)', async () => {
      const peer = await server.connect(facts.limitedToken);
      const out = structured(await peer.call('read_cluster_health'));
      assert.deepEqual([out.status, out.state, out.sealed], [200, 'active', false]);
    });
  });

  describe(`the policy toolset over ${mode}`, () => {
    const userpass = m('userpass');
    let server;
    let peer;
    before(async () => {
      await api().must('POST', `sys/auth/${userpass}`, { type: 'userpass', description: `e2e ${mode}`, config: { default_lease_ttl: '1h' } });
      server = await startServer(mode, { vaultAddr: vault.addr, env: { MCP_TOOLSETS: 'all' } });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test('MCP_TOOLSETS=all offers the four policy tools, read-only', () => {
      for (const name of POLICY_TOOLS) {
        const tool = peer.tools.find((t) => t.name === name);
        assert.ok(tool, `${name} offered`);
        assert.equal(tool.annotations?.readOnlyHint, true, name);
        assert.equal(tool.inputSchema.additionalProperties, false, name);
      }
    });

    test('list_policies lists Vault\'s ACL policies', async () => {
      const out = structured(await peer.call('list_policies'));
      const real = (await api().list('sys/policies/acl')).body.data.keys;
      assert.deepEqual([...out.policies].sort(), [...real].sort());
      for (const name of ['default', 'root', 'e2e-limited']) assert.ok(out.policies.includes(name), name);
    });

    test('read_policy reads "default" as Vault holds it; a missing policy is an error', async () => {
      const out = structured(await peer.call('read_policy', { name: 'default' }));
      const real = (await api().must('GET', 'sys/policies/acl/default')).body.data;
      assert.deepEqual(out, { name: 'default', policy: real.policy });
      assert.match(out.policy, /auth\/token\/lookup-self/);
      assert.deepEqual(structured(await peer.call('read_policy', { name: 'e2e-limited' })).policy, (await api().must('GET', 'sys/policies/acl/e2e-limited')).body.data.policy);
      toolError(await peer.call('read_policy', { name: m('no-such-policy') }), 'There is no policy');
      toolError(await peer.call('read_policy', { name: '../sys/mounts' }));
    });

    test('list_auth_methods lists token/ and the userpass method, sorted by path, as Vault does', async () => {
      const out = structured(await peer.call('list_auth_methods'));
      const real = (await api().must('GET', 'sys/auth')).body.data;
      const paths = out.methods.map((x) => x.path);
      assert.deepEqual(paths, [...paths].sort(), 'sorted by path');
      assert.deepEqual(paths, Object.keys(real).filter((k) => typeof real[k] === 'object' && real[k]?.type).sort());
      const token = out.methods.find((x) => x.path === 'token/');
      assert.deepEqual(token, { path: 'token/', type: 'token', accessor: real['token/'].accessor, description: real['token/'].description });
      const up = out.methods.find((x) => x.path === `${userpass}/`);
      assert.deepEqual(up, { path: `${userpass}/`, type: 'userpass', accessor: real[`${userpass}/`].accessor, description: `e2e ${mode}` });
    });

    test('read_auth_method("token") gives the method and its tune, as Vault does; "userpass/" with a slash too', async () => {
      const out = structured(await peer.call('read_auth_method', { path: 'token' }));
      const entry = (await api().must('GET', 'sys/auth')).body.data['token/'];
      const tune = (await api().must('GET', 'sys/mounts/auth/token/tune')).body.data;
      assert.deepEqual([out.path, out.type, out.accessor], ['token/', 'token', entry.accessor]);
      assert.equal(out.tune.default_lease_ttl, tune.default_lease_ttl);
      assert.equal(out.tune.max_lease_ttl, tune.max_lease_ttl);
      assert.deepEqual(out.tune, tune);

      const up = structured(await peer.call('read_auth_method', { path: `${userpass}/` }));
      assert.deepEqual([up.path, up.type, up.description], [`${userpass}/`, 'userpass', `e2e ${mode}`]);
      assert.equal(up.tune.default_lease_ttl, 3600);
      toolError(await peer.call('read_auth_method', { path: m('nope') }), 'There is no auth method');
    });

    test('with MCP_TOOLSETS unset the policy tools are absent from tools/list and unknown to tools/call', async () => {
      for (const operations of [false, true]) {
        const plain = await startServer(mode, { vaultAddr: vault.addr, operations });
        try {
          const other = await plain.connect(vault.rootToken);
          const offered = names(other);
          for (const name of POLICY_TOOLS) assert.ok(!offered.includes(name), `${name} absent (operations ${operations})`);
          for (const name of [...KV_READ, ...SYS_READ]) assert.ok(offered.includes(name), `${name} offered (operations ${operations})`);
          for (const name of KV_PRIVILEGED) assert.equal(offered.includes(name), operations, `${name} offered only with operations`);
          await unknownTool(other, 'list_policies');
          await unknownTool(other, 'read_policy', { name: 'default' });
        } finally {
          await plain.close();
        }
      }
    });
  });
}
