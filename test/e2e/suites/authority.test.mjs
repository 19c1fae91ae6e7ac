// Bounded authority against a real Vault: which tools are offered (MCP_TOOLSETS, MCP_TOOLS), their
// names (MCP_TOOL_PREFIX), where they may reach (MCP_ALLOWED_PATHS, MCP_DENIED_PATHS), dry runs,
// and a human's approval by elicitation (MCP_APPROVAL, MCP_APPROVAL_TIMEOUT). Whether something
// reached Vault is read from Vault's own audit log (a file audit device enabled for this suite);
// whether something changed, from Vault's HTTP API with the root token.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setUpData } from '../harness/fixture.mjs';
import { runJar, startServer } from '../harness/mcp.mjs';
import { DEFAULT_PRIVILEGED_TOOLS, DEFAULT_READ_TOOLS, PRIVILEGED_TOOLS, structured, toolError } from '../harness/results.mjs';
import { TRANSPORTS } from '../harness/transports.mjs';
import { startDevVault } from '../harness/vault.mjs';

const ALL_TOOLS = [...DEFAULT_READ_TOOLS, ...DEFAULT_PRIVILEGED_TOOLS].sort();
const PKI_READ_TOOLS = ['list_pki_issuers', 'list_pki_roles', 'read_pki_issuer', 'read_pki_role'];
const NOT_REACHED = 'may not reach';
const NOT_APPROVED = 'not approved';
// Right-to-left override: shown raw, it would make the human read the rest of the line backwards.
const BIDI_KEY = 'harmless; click Accept\u202e';
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let vault;
let facts;
let auditDir;
before(async () => {
  vault = await startDevVault();
  facts = await setUpData(vault.api);
  auditDir = await mkdtemp(join(tmpdir(), 'vault-mcp-e2e-audit-'));
  await vault.api.must('PUT', 'sys/audit/e2e-file', { type: 'file', options: { file_path: join(auditDir, 'audit.log') } });
});
after(async () => {
  await vault?.stop();
  if (auditDir) await rm(auditDir, { recursive: true, force: true });
});

/** Every request Vault's audit log holds so far, as { operation, path }. */
async function audited() {
  const text = await readFile(join(auditDir, 'audit.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line))
    .filter((entry) => entry.type === 'request').map((entry) => ({ operation: entry.request.operation, path: entry.request.path }));
}

/** Runs `fn`, then checks that no request Vault received meanwhile has a path `reached` matches. */
async function notSent(reached, fn) {
  const before = (await audited()).length;
  const out = await fn();
  const during = (await audited()).slice(before).filter((r) => reached.test(r.path));
  assert.deepEqual(during, [], `nothing matching ${reached} reaches Vault`);
  return out;
}

/** Runs `fn`, then checks that Vault received no write (create, update, delete) to a path `written` matches. */
async function noWrite(written, fn) {
  const before = (await audited()).length;
  const out = await fn();
  const writes = (await audited()).slice(before).filter((r) => written.test(r.path) && !['read', 'list'].includes(r.operation));
  assert.deepEqual(writes, [], `no write matching ${written} reaches Vault`);
  return out;
}

/** tools/call of a tool that is not offered: a JSON-RPC error, not a tool result. */
async function unknownTool(peer, name, args = {}) {
  await assert.rejects(peer.call(name, args), (e) => {
    assert.equal(e.code, -32602, `${name}: ${e.message}`);
    assert.match(e.message, /Unknown tool/);
    return true;
  });
}

/** An elicitation handler that records each request's params and answers with `answer(params)`. */
function asker(answer) {
  const seen = [];
  const handler = async (request) => {
    seen.push(request.params);
    return answer(request.params);
  };
  return { seen, handler };
}
const APPROVE = () => ({ action: 'accept', content: { approve: true } });
const DECLINE = () => ({ action: 'decline' });

const names = (peer) => peer.tools.map((t) => t.name).sort();
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const mode of TRANSPORTS) {
  const m = (name) => `${mode}-${name}`;
  const mountOf = (path) => vault.api.get(`sys/mounts/${path}`);
  const kvVersionOf = async (mount, path) => (await vault.api.must('GET', `${mount}/metadata/${path}`)).body.data.current_version;
  const certCount = async (mount) => (await vault.api.list(`${mount}/certs`)).body?.data?.keys?.length ?? 0;
  const issuerCount = async (mount) => (await vault.api.list(`${mount}/issuers`)).body?.data?.keys?.length ?? 0;

  /** Starts a server with `env`, connects with the root token (and `options`), runs fn(peer, server), closes. */
  async function withPeer({ operations = false, env = {}, options = {} }, fn) {
    const server = await startServer(mode, { vaultAddr: vault.addr, operations, env });
    try {
      return await fn(await server.connect(vault.rootToken, options), server);
    } finally {
      await server.close();
    }
  }

  describe(`toolsets and tool names over ${mode}`, () => {
    test('MCP_TOOLSETS=kv offers only the KV read tools; the others are unknown to tools/call', () =>
      withPeer({ env: { MCP_TOOLSETS: 'kv' } }, async (peer) => {
        assert.deepEqual(names(peer), ['list_secrets', 'read_secret', 'read_secret_metadata']);
        assert.deepEqual(structured(await peer.call('read_secret', { mount: 'kv1', path: 'app/db' })).data, facts.kv1.secrets['app/db']);
        for (const tool of ['list_mounts', 'read_pki_role', 'write_secret', 'create_mount']) await unknownTool(peer, tool);
      }));

    test('MCP_TOOLSETS=kv with operations on adds the KV tools that change Vault, and nothing else', () =>
      withPeer({ operations: true, env: { MCP_TOOLSETS: 'kv' } }, async (peer) => {
        assert.deepEqual(names(peer), ['delete_secret', 'delete_secret_versions', 'destroy_secret_versions', 'list_secrets',
          'patch_secret', 'read_secret', 'read_secret_metadata', 'undelete_secret_versions', 'write_secret',
          'write_secret_metadata']);
        await unknownTool(peer, 'create_mount', { type: 'kv', path: m('toolsets') });
        await unknownTool(peer, 'issue_pki_certificate', { mount: 'pki-int', role_name: 'web', common_name: 'a.example.com' });
        assert.equal((await mountOf(m('toolsets'))).status, 400, 'no mount was made');
      }));

    test('MCP_TOOLS=list_mounts alone offers exactly that tool', () =>
      withPeer({ operations: true, env: { MCP_TOOLS: 'list_mounts' } }, async (peer) => {
        assert.deepEqual(names(peer), ['list_mounts']);
        const mounts = structured(await peer.call('list_mounts')).mounts.map((x) => x.name);
        assert.ok(mounts.includes('kv1/') && mounts.includes('pki-int/'), mounts.join(' '));
        await unknownTool(peer, 'read_secret', { mount: 'kv1', path: 'app/db' });
        await unknownTool(peer, 'delete_mount', { path: 'kv1' });
      }));

    test('MCP_TOOLSETS=pki with MCP_TOOLS=list_mounts offers the union', () =>
      withPeer({ env: { MCP_TOOLSETS: 'pki', MCP_TOOLS: 'list_mounts' } }, async (peer) => {
        assert.deepEqual(names(peer), [...PKI_READ_TOOLS, 'list_mounts'].sort());
        structured(await peer.call('list_mounts'));
        const roles = structured(await peer.call('list_pki_roles', { mount: 'pki-int' })).roles;
        assert.ok(roles.includes('any') && roles.includes('web'), roles.join(' '));
        await unknownTool(peer, 'list_secrets', { mount: 'kv1' });
      }));

    // The jar itself, started as an operator would: a bad selection stops it with status 2.
    const jarEnv = (extra) => ({
      VAULT_ADDR: vault.addr, TRANSPORT_MODE: mode, ...(mode === 'http' ? { TRANSPORT_HOST: '127.0.0.1', TRANSPORT_PORT: '0' }
        : { VAULT_TOKEN: 'hvs.not-used-by-a-jar-that-does-not-start' }), ...extra,
    });
    for (const [title, env, needles] of [
      ['an unknown toolset', { MCP_TOOLSETS: 'kv,nosuch' }, ['MCP_TOOLSETS', '"nosuch"']],
      ['an unknown tool', { MCP_TOOLS: 'read_secret,nosuch_tool' }, ['MCP_TOOLS', '"nosuch_tool"']],
      ['a privileged tool while operations are off', { MCP_TOOLS: 'write_secret', ENABLE_VAULT_OPERATIONS: 'false' },
        ['MCP_TOOLS', 'write_secret', 'ENABLE_VAULT_OPERATIONS']],
      ['an unknown toolset and an unknown tool at once', { MCP_TOOLSETS: 'nosuch', MCP_TOOLS: 'nosuch_tool' },
        ['MCP_TOOLSETS', '"nosuch"', 'MCP_TOOLS', '"nosuch_tool"']],
    ]) {
      test(`${title} stops the jar with status 2 and a message naming the variable`, async () => {
        const run = await runJar(jarEnv(env));
        assert.equal(run.signal, null, `the jar did not exit by itself: ${run.stderr}`);
        assert.equal(run.code, 2, run.stderr);
        for (const needle of needles) assert.ok(run.stderr.includes(needle), `stderr ${JSON.stringify(run.stderr)} names ${needle}`);
        assert.doesNotMatch(run.stderr, /listening on/);
        assert.equal(run.stdout, '');
      });
    }
  });

  describe(`MCP_TOOL_PREFIX over ${mode}`, () => {
    const env = { MCP_TOOL_PREFIX: 'vault_' };

    test('every tool name carries the prefix; the bare names are unknown; descriptions name prefixed tools', () =>
      withPeer({ operations: true, env }, async (peer) => {
        assert.deepEqual(names(peer), ALL_TOOLS.map((t) => `vault_${t}`).sort());
        await unknownTool(peer, 'list_mounts');
        structured(await peer.call('vault_list_mounts'));
        const bare = new RegExp(`(?<![A-Za-z0-9_])(${ALL_TOOLS.join('|')})(?![A-Za-z0-9_])`);
        for (const tool of peer.tools) assert.doesNotMatch(JSON.stringify(tool), bare, `${tool.name} names a tool without the prefix`);
      }));

    test('an error hint names the prefixed tool, and following it works', () =>
      withPeer({ env }, async (peer) => {
        const text = toolError(await peer.call('vault_read_secret', { mount: 'nosuch', path: 'a' }),
          'There is no mount "nosuch"', 'Call vault_list_mounts to see the mounts.');
        const hinted = /Call (\S+) to see the mounts/.exec(text)[1];
        assert.ok(names(peer).includes(hinted), `${hinted} is offered`);
        const mounts = structured(await peer.call(hinted)).mounts.map((x) => x.name);
        assert.ok(mounts.includes('kv1/'), mounts.join(' '));
        assert.deepEqual(structured(await peer.call('vault_read_secret', { mount: 'kv1', path: 'app/db' })).data,
          facts.kv1.secrets['app/db'], 'the mount found through the hint can be read');
      }));

    test('an approval request names the tool by its prefixed name', async () => {
      const ask = asker(DECLINE);
      await withPeer({ operations: true, env, options: { elicitation: ask.handler } }, async (peer) => {
        toolError(await peer.call('vault_write_secret', { mount: 'kv1', path: m('prefixed'), key: 'k', value: 'v' }), NOT_APPROVED);
      });
      assert.equal(ask.seen.length, 1);
      assert.match(ask.seen[0].message, /^The tool vault_write_secret will /);
      assert.equal((await vault.api.get(`kv1/${m('prefixed')}`)).status, 404);
    });

    test('a path refusal names the tool by its prefixed name', () =>
      withPeer({ env: { ...env, MCP_DENIED_PATHS: 'kv1/top' } }, async (peer) => {
        const refused = toolError(await peer.call('vault_read_secret', { mount: 'kv1', path: 'top' }), NOT_REACHED, 'MCP_DENIED_PATHS rule "kv1/top"');
        assert.match(refused, /^vault_read_secret may not reach/, 'the refusal names the tool the client knows');
      }));
  });

  describe(`path rules over ${mode}`, () => {
    test('control: what a tool sends shows in Vault\'s audit log, so "nothing reached Vault" can be checked there', () =>
      withPeer({ operations: true }, async (peer) => {
        await assert.rejects(notSent(/^kv1\/app\/db$/, () => peer.call('read_secret', { mount: 'kv1', path: 'app/db' })));
        await assert.rejects(noWrite(new RegExp(`^kv1/${m('audited')}$`),
          () => peer.call('write_secret', { mount: 'kv1', path: m('audited'), key: 'k', value: 'v' })));
        const seen = (await audited()).filter((r) => r.path === `kv1/${m('audited')}`).map((r) => r.operation);
        assert.ok(seen.includes('read') && seen.some((op) => op === 'create' || op === 'update'), seen.join(' '));
      }));

    test('MCP_ALLOWED_PATHS=kv2/app/*: listing the top of kv2 shows only "app/"', () =>
      withPeer({ env: { MCP_ALLOWED_PATHS: 'kv2/app/*' } }, async (peer) => {
        assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv2' })).keys, ['app/']);
        const app = structured(await peer.call('list_secrets', { mount: 'kv2', path: 'app/' })).keys;
        assert.ok(app.includes('config') && app.includes('retired'), app.join(' '));
      }));

    test('MCP_ALLOWED_PATHS=kv2/app/*: reads and writes below kv2/app/ go ahead', () =>
      withPeer({ operations: true, env: { MCP_ALLOWED_PATHS: 'kv2/app/*' } }, async (peer) => {
        assert.deepEqual(structured(await peer.call('read_secret', { mount: 'kv2', path: 'app/config' })).data, facts.kv2.configVersions[2]);
        structured(await peer.call('write_secret', { mount: 'kv2', path: `app/${m('allowed')}`, key: 'k', value: 'v' }));
        assert.deepEqual((await vault.api.must('GET', `kv2/data/app/${m('allowed')}`)).body.data.data, { k: 'v' });
      }));

    test('MCP_ALLOWED_PATHS=kv2/app/*: everything else is refused, naming the rule, and nothing reaches Vault', () =>
      withPeer({ operations: true, env: { MCP_ALLOWED_PATHS: 'kv2/app/*' } }, async (peer) => {
        const refusedBy = ['MCP_ALLOWED_PATHS', NOT_REACHED];
        await notSent(/^kv2\/(data|metadata)\/(other|team)/, async () => {
          toolError(await peer.call('read_secret', { mount: 'kv2', path: 'other' }), ...refusedBy, '"kv2/other"');
          toolError(await peer.call('read_secret', { mount: 'kv2', path: 'team/ops/notes' }), ...refusedBy, '"kv2/team/ops/notes"');
          toolError(await peer.call('list_secrets', { mount: 'kv2', path: 'team/' }), NOT_REACHED, '"kv2/team/"');
          toolError(await peer.call('write_secret', { mount: 'kv2', path: 'team/ops/notes', key: 'pager', value: 'overwritten' }), ...refusedBy);
          toolError(await peer.call('write_secret', { mount: 'kv2', path: 'team/ops/notes', key: 'pager', value: 'x', dry_run: true }), ...refusedBy);
          toolError(await peer.call('delete_secret', { mount: 'kv2', path: 'team/ops/notes' }), ...refusedBy);
        });
        await notSent(/^kv1\/app|^sys\/mounts\/[a-z]/, async () => {
          toolError(await peer.call('read_secret', { mount: 'kv1', path: 'app/config' }), ...refusedBy, '"kv1/app/config"');
          toolError(await peer.call('create_mount', { type: 'kv', path: m('refused') }), ...refusedBy, `"sys/mounts/${m('refused')}"`);
        });
        const notes = (await vault.api.must('GET', 'kv2/data/team/ops/notes')).body.data;
        assert.deepEqual([notes.data.pager, notes.metadata.version], ['not for the limited token', 1], 'unchanged');
        assert.equal((await mountOf(m('refused'))).status, 400, 'no mount was made');
      }));

    test('MCP_ALLOWED_PATHS=kv2/app/*: a refused listing names the rule that refuses it', () =>
      withPeer({ env: { MCP_ALLOWED_PATHS: 'kv2/app/*' } }, async (peer) => {
        toolError(await peer.call('list_secrets', { mount: 'kv2', path: 'team/' }), NOT_REACHED, '"kv2/team/"', 'MCP_ALLOWED_PATHS');
      }));

    test('"+" stands for exactly one segment (MCP_ALLOWED_PATHS=kv1/+/config)', () =>
      withPeer({ operations: true, env: { MCP_ALLOWED_PATHS: 'kv1/+/config' } }, async (peer) => {
        assert.deepEqual(structured(await peer.call('read_secret', { mount: 'kv1', path: 'app/config' })).data, facts.kv1.secrets['app/config']);
        structured(await peer.call('write_secret', { mount: 'kv1', path: `${m('svc')}/config`, key: 'k', value: 'v' }));
        assert.deepEqual((await vault.api.must('GET', `kv1/${m('svc')}/config`)).body.data, { k: 'v' });
        await notSent(/^kv1\/(top|app\/db|.*\/deep\/)/, async () => {
          toolError(await peer.call('read_secret', { mount: 'kv1', path: 'app/db' }), NOT_REACHED, 'MCP_ALLOWED_PATHS');
          toolError(await peer.call('read_secret', { mount: 'kv1', path: 'top' }), NOT_REACHED, 'MCP_ALLOWED_PATHS');
          toolError(await peer.call('write_secret', { mount: 'kv1', path: `${m('svc')}/deep/config`, key: 'k', value: 'v' }),
            NOT_REACHED, 'MCP_ALLOWED_PATHS');
        });
        assert.equal((await vault.api.get(`kv1/${m('svc')}/deep/config`)).status, 404);
      }));

    test('"+": listings leave out what the rule hides (kv1 top has no "top", kv1/app/ has no "db")', () =>
      withPeer({ env: { MCP_ALLOWED_PATHS: 'kv1/+/config' } }, async (peer) => {
        const top = structured(await peer.call('list_secrets', { mount: 'kv1' })).keys;
        assert.ok(top.includes('app/'), top.join(' '));
        assert.ok(!top.includes('top'), `kv1 top level lists ${JSON.stringify(top)}`);
        assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv1', path: 'app/' })).keys, ['config']);
      }));

    const denyOverAllow = { MCP_ALLOWED_PATHS: 'kv2/*', MCP_DENIED_PATHS: 'kv2/app/config,kv2/team/*' };
    test('deny wins over allow on KV: the denied secret and prefix are refused naming the deny rule', () =>
      withPeer({ operations: true, env: denyOverAllow }, async (peer) => {
        await notSent(/^kv2\/(data|metadata)\/(app\/config|team)/, async () => {
          toolError(await peer.call('read_secret', { mount: 'kv2', path: 'app/config' }), NOT_REACHED, 'MCP_DENIED_PATHS rule "kv2/app/config"');
          toolError(await peer.call('read_secret', { mount: 'kv2', path: 'team/ops/notes' }), NOT_REACHED, 'MCP_DENIED_PATHS rule "kv2/team/*"');
          toolError(await peer.call('write_secret', { mount: 'kv2', path: 'app/config', key: 'api_key', value: 'stolen' }),
            NOT_REACHED, 'MCP_DENIED_PATHS rule "kv2/app/config"');
          toolError(await peer.call('delete_secret', { mount: 'kv2', path: 'app/config' }), NOT_REACHED, 'MCP_DENIED_PATHS rule "kv2/app/config"');
        });
        // The allow rule still lets the rest through, to Vault (which says the latest version is deleted).
        toolError(await peer.call('read_secret', { mount: 'kv2', path: 'app/retired' }), 'Version 2 of secret "app/retired"');
        assert.equal(await kvVersionOf('kv2', 'app/config'), 3, 'no new version');
        assert.equal((await vault.api.get('kv2/data/app/config')).status, 200, 'not deleted');
      }));

    test('deny wins over allow on KV: listings leave out the denied secret and the denied folder', () =>
      withPeer({ env: denyOverAllow }, async (peer) => {
        assert.deepEqual(structured(await peer.call('list_secrets', { mount: 'kv2' })).keys, ['app/'], 'team/ is denied as a whole');
        const app = structured(await peer.call('list_secrets', { mount: 'kv2', path: 'app/' })).keys;
        assert.ok(app.includes('retired'), app.join(' '));
        assert.ok(!app.includes('config'), `kv2/app/ lists ${JSON.stringify(app)}`);
      }));

    test('MCP_ALLOWED_PATHS=pki-int/roles/web*: read_pki_role, create_pki_role and issue_pki_certificate reach only roles web*', () =>
      withPeer({ operations: true, env: { MCP_ALLOWED_PATHS: 'pki-int/roles/web*' } }, async (peer) => {
        assert.equal(structured(await peer.call('read_pki_role', { mount: 'pki-int', role_name: 'web' })).role_name, 'web');
        const role = `web-${mode}`;
        structured(await peer.call('create_pki_role', { mount: 'pki-int', role_name: role, allowed_domains: 'example.com', allow_subdomains: true }));
        assert.equal((await vault.api.get(`pki-int/roles/${role}`)).status, 200);
        const issued = structured(await peer.call('issue_pki_certificate',
          { mount: 'pki-int', role_name: 'web', common_name: `${mode}.example.com`, ttl: '1h' }));
        assert.ok(issued.serial_number);

        const certs = await certCount('pki-int');
        await notSent(/^pki-int\/(roles\/(any|svc)|issue\/any|issuer\/)/, async () => {
          toolError(await peer.call('read_pki_role', { mount: 'pki-int', role_name: 'any' }), NOT_REACHED, '"pki-int/roles/any"', 'MCP_ALLOWED_PATHS');
          toolError(await peer.call('create_pki_role', { mount: 'pki-int', role_name: 'svc', allow_any_name: true }), NOT_REACHED, '"pki-int/roles/svc"');
          toolError(await peer.call('delete_pki_role', { mount: 'pki-int', role_name: 'any' }), NOT_REACHED, '"pki-int/roles/any"');
          toolError(await peer.call('issue_pki_certificate', { mount: 'pki-int', role_name: 'any', common_name: 'evil.org' }),
            NOT_REACHED, '"pki-int/roles/any"', 'MCP_ALLOWED_PATHS');
          toolError(await peer.call('read_pki_issuer', { mount: 'pki-int', issuer_name: 'int-2026' }), NOT_REACHED,
            '"pki-int/issuers/int-2026"');
        });
        assert.equal((await vault.api.get('pki-int/roles/svc')).status, 404, 'no role was made');
        assert.equal((await vault.api.get('pki-int/roles/any')).status, 200, 'the role is still there');
        assert.equal(await certCount('pki-int'), certs, 'no certificate was issued');
      }));

    test('deny wins over allow on PKI: roles and issuers', () =>
      withPeer({ operations: true, env: { MCP_ALLOWED_PATHS: 'pki-int/*,pki-root/*', MCP_DENIED_PATHS: 'pki-int/roles/any,pki-root/issuers/+' } },
        async (peer) => {
          assert.equal(structured(await peer.call('read_pki_role', { mount: 'pki-int', role_name: 'web' })).role_name, 'web');
          structured(await peer.call('read_pki_issuer', { mount: 'pki-int', issuer_name: 'int-2026' }));
          const certs = await certCount('pki-int');
          await notSent(/^pki-int\/(roles|issue)\/any|^pki-root\/issuer\//, async () => {
            toolError(await peer.call('read_pki_role', { mount: 'pki-int', role_name: 'any' }), NOT_REACHED, 'MCP_DENIED_PATHS rule "pki-int/roles/any"');
            toolError(await peer.call('issue_pki_certificate', { mount: 'pki-int', role_name: 'any', common_name: 'a.example.com' }),
              NOT_REACHED, 'MCP_DENIED_PATHS rule "pki-int/roles/any"');
            toolError(await peer.call('delete_pki_role', { mount: 'pki-int', role_name: 'any' }), 'MCP_DENIED_PATHS rule "pki-int/roles/any"');
            toolError(await peer.call('read_pki_issuer', { mount: 'pki-root', issuer_name: 'root-2026' }), NOT_REACHED,
              '"pki-root/issuers/root-2026"', 'MCP_DENIED_PATHS rule "pki-root/issuers/+"');
          });
          assert.equal((await vault.api.get('pki-int/roles/any')).status, 200, 'the role is still there');
          assert.equal(await certCount('pki-int'), certs, 'no certificate was issued');
        }));

    test('the mount tools are matched as sys/mounts/<path> (MCP_DENIED_PATHS=sys/mounts/kv1)', () =>
      withPeer({ operations: true, env: { MCP_DENIED_PATHS: 'sys/mounts/kv1' } }, async (peer) => {
        await noWrite(/^sys\/mounts\/kv1$/, async () => {
          toolError(await peer.call('delete_mount', { path: 'kv1' }), NOT_REACHED, '"sys/mounts/kv1"', 'MCP_DENIED_PATHS rule "sys/mounts/kv1"');
        });
        assert.equal((await mountOf('kv1')).status, 200, 'the mount is still there');
        structured(await peer.call('create_mount', { type: 'kv', path: m('rules') }));
        assert.equal((await mountOf(m('rules'))).status, 200);
        structured(await peer.call('delete_mount', { path: m('rules') }));
        assert.equal((await mountOf(m('rules'))).status, 400);
      }));
  });

  describe(`dry run over ${mode}`, () => {
    // MCP_APPROVAL=require and a client that would decline: a dry run must get through without asking.
    let server;
    let peer;
    let ask;
    before(async () => {
      server = await startServer(mode, { vaultAddr: vault.addr, operations: true, env: { MCP_APPROVAL: 'require' } });
      ask = asker(DECLINE);
      peer = await server.connect(vault.rootToken, { elicitation: ask.handler });
    });
    after(() => server?.close());

    /** A dry run's answer: the plan, with the first write as `write`. */
    function plan(result) {
      const out = structured(result);
      assert.equal(out.dry_run, true);
      assert.equal(out.writes.length, 1, JSON.stringify(out));
      assert.deepEqual(Object.keys(out.writes[0]).sort(), ['fields', 'method', 'path']);
      assert.ok(Array.isArray(out.may_follow), 'may_follow is a list');
      assert.equal(typeof out.note, 'string');
      return { ...out, write: out.writes[0] };
    }
    const hasField = (write, name) => assert.ok(write.fields.some((f) => f.includes(name)), `${name} in ${JSON.stringify(write.fields)}`);

    test('every privileged tool takes dry_run (boolean)', () => {
      for (const tool of peer.tools.filter((t) => PRIVILEGED_TOOLS.includes(t.name))) {
        assert.equal(tool.inputSchema.properties.dry_run?.type, 'boolean', tool.name);
      }
    });

    test('write_secret dry run on KV v2 reads the version, reports field names only and writes nothing', async () => {
      const value = `dry-run-value-${mode}-7f3a`;
      const result = await noWrite(/^kv2\//, () =>
        peer.call('write_secret', { mount: 'kv2', path: 'app/config', key: 'new_key', value, dry_run: true }));
      const { write } = plan(result);
      assert.deepEqual([write.method, write.path], ['POST', 'kv2/data/app/config']);
      for (const name of ['data.new_key', 'data.api_key', 'data.region']) hasField(write, name);
      assert.ok(write.fields.some((f) => f.includes('cas') && f.includes('3')), `the version read (3) is the cas: ${write.fields}`);
      const all = JSON.stringify(result);
      for (const secret of [value, 'key-v3', 'eu-central']) assert.ok(!all.includes(secret), `${secret} in the dry run's answer`);
      assert.equal(await kvVersionOf('kv2', 'app/config'), 3, 'the version is unchanged');
      assert.deepEqual((await vault.api.must('GET', 'kv2/data/app/config')).body.data.data, facts.kv2.configVersions[2]);
    });

    test('write_secret dry run on KV v1 with data reports the key names, not the values', async () => {
      const data = { password: `dry-v1-${mode}-secret`, extra: `dry-v1-${mode}-extra` };
      const result = await noWrite(/^kv1\//, () => peer.call('write_secret', { mount: 'kv1', path: 'app/config', data, dry_run: true }));
      const { write } = plan(result);
      assert.deepEqual([write.method, write.path], ['POST', 'kv1/app/config']);
      for (const name of ['password', 'extra', 'username']) hasField(write, name);
      const all = JSON.stringify(result);
      for (const secret of [...Object.values(data), 'kv1-password']) assert.ok(!all.includes(secret), `${secret} in the dry run's answer`);
      assert.deepEqual((await vault.api.must('GET', 'kv1/app/config')).body.data, facts.kv1.secrets['app/config'], 'unchanged');
    });

    test('delete_secret dry run deletes neither a key nor the secret', async () => {
      const key = plan(await noWrite(/^kv2\//, () => peer.call('delete_secret', { mount: 'kv2', path: 'app/config', key: 'region', dry_run: true })));
      assert.equal(key.write.path, 'kv2/data/app/config');
      const whole = plan(await noWrite(/^kv1\//, () => peer.call('delete_secret', { mount: 'kv1', path: 'app/db', dry_run: true })));
      assert.equal(whole.write.path, 'kv1/app/db');
      assert.equal(await kvVersionOf('kv2', 'app/config'), 3);
      assert.deepEqual((await vault.api.must('GET', 'kv1/app/db')).body.data, facts.kv1.secrets['app/db']);
    });

    test('a dry run makes the reads it needs: a missing mount or secret is the usual error', async () => {
      toolError(await peer.call('write_secret', { mount: m('nosuch'), path: 'a', key: 'k', value: 'v', dry_run: true }), `There is no mount "${m('nosuch')}"`);
      toolError(await peer.call('delete_secret', { mount: 'kv1', path: 'app/nope', dry_run: true }), 'There is no secret "app/nope"');
      toolError(await peer.call('delete_mount', { path: m('nosuch'), dry_run: true }), `There is no mount "${m('nosuch')}"`);
    });

    test('delete_mount dry run leaves the mount; create_mount and enable_pki dry runs create nothing', async () => {
      const del = plan(await noWrite(/^sys\/mounts\//, () => peer.call('delete_mount', { path: 'kv1', dry_run: true })));
      assert.deepEqual([del.write.method, del.write.path], ['DELETE', 'sys/mounts/kv1']);
      assert.equal((await mountOf('kv1')).status, 200, 'the mount is still there');

      const create = plan(await noWrite(/^sys\/mounts\//, () =>
        peer.call('create_mount', { type: 'kv2', path: m('dry-new'), description: 'never made', dry_run: true })));
      assert.deepEqual([create.write.method, create.write.path], ['POST', `sys/mounts/${m('dry-new')}`]);
      hasField(create.write, 'type');
      assert.ok(!JSON.stringify(create).includes('never made'), 'no value in the answer');
      assert.equal((await mountOf(m('dry-new'))).status, 400, 'no mount was made');

      const pki = plan(await noWrite(/^sys\/mounts\//, () => peer.call('enable_pki', { path: m('dry-pki'), max_ttl: '8760h', dry_run: true })));
      assert.deepEqual([pki.write.method, pki.write.path], ['POST', `sys/mounts/${m('dry-pki')}`]);
      assert.equal((await mountOf(m('dry-pki'))).status, 400, 'no mount was made');
    });

    test('the PKI tools\' dry runs make no role, certificate or issuer and delete no role', async () => {
      const certs = await certCount('pki-int');
      const issuers = await issuerCount('pki-root');
      const role = plan(await noWrite(/^pki-/, () => peer.call('create_pki_role',
        { mount: 'pki-int', role_name: m('dry-role'), allowed_domains: 'secret-domain.example', dry_run: true })));
      assert.deepEqual([role.write.method, role.write.path], ['POST', `pki-int/roles/${m('dry-role')}`]);
      hasField(role.write, 'allowed_domains');
      assert.ok(!JSON.stringify(role).includes('secret-domain.example'), 'no value in the answer');

      const del = plan(await noWrite(/^pki-/, () => peer.call('delete_pki_role', { mount: 'pki-int', role_name: 'any', dry_run: true })));
      assert.deepEqual([del.write.method, del.write.path], ['DELETE', 'pki-int/roles/any']);

      const issue = plan(await noWrite(/^pki-/, () => peer.call('issue_pki_certificate',
        { mount: 'pki-int', role_name: 'web', common_name: `${mode}-dry.example.com`, dry_run: true })));
      assert.deepEqual([issue.write.method, issue.write.path], ['POST', 'pki-int/issue/web']);
      hasField(issue.write, 'common_name');
      assert.ok(!JSON.stringify(issue).includes(`${mode}-dry.example.com`), 'no value in the answer');

      const issuer = plan(await noWrite(/^pki-/, () => peer.call('create_pki_issuer',
        { mount: 'pki-root', common_name: 'Never Made CA', issuer_name: m('dry-issuer'), dry_run: true })));
      assert.equal(issuer.write.method, 'POST');
      assert.ok(issuer.write.path.startsWith('pki-root/'), issuer.write.path);

      assert.equal((await vault.api.get(`pki-int/roles/${m('dry-role')}`)).status, 404, 'no role was made');
      assert.equal((await vault.api.get('pki-int/roles/any')).status, 200, 'the role is still there');
      assert.equal(await certCount('pki-int'), certs, 'no certificate was issued');
      assert.equal(await issuerCount('pki-root'), issuers, 'no issuer was made');
    });

    test('no dry run asked for approval, though MCP_APPROVAL=require; the same call without dry_run is asked', async () => {
      assert.equal(ask.seen.length, 0, JSON.stringify(ask.seen));
      toolError(await peer.call('write_secret', { mount: 'kv2', path: 'app/config', key: 'new_key', value: 'v' }), NOT_APPROVED, 'declined');
      assert.equal(ask.seen.length, 1);
      assert.equal(await kvVersionOf('kv2', 'app/config'), 3);
    });
  });

  describe(`approval over ${mode}`, () => {
    let server;
    const kv = m('ap-kv2');
    const seeded = { token: `seed-token-${mode}` };
    before(async () => {
      await vault.api.must('POST', `sys/mounts/${kv}`, { type: 'kv', options: { version: '2' } });
      await vault.api.eventually('POST', `${kv}/data/svc/api`, { data: seeded });
      server = await startServer(mode, { vaultAddr: vault.addr, operations: true, env: { MCP_APPROVAL_TIMEOUT: '3s' } });
    });
    after(() => server?.close());
    const connect = (handler) => server.connect(vault.rootToken, handler ? { elicitation: handler } : {});
    const unchanged = async () => {
      const stored = (await vault.api.must('GET', `${kv}/data/svc/api`)).body.data;
      assert.deepEqual([stored.data, stored.metadata.version], [seeded, 1], 'the secret is unchanged');
    };

    test('an accepting client is asked once, by a form with one required boolean "approve" without default, before the write', async () => {
      const ask = asker(APPROVE);
      const peer = await connect(ask.handler);
      const value = `approved-value-${mode}-91c2`;
      const written = structured(await peer.call('write_secret', { mount: kv, path: 'svc/approved', key: 'password', value }));
      assert.deepEqual(written.keys, ['password']);
      assert.deepEqual((await vault.api.must('GET', `${kv}/data/svc/approved`)).body.data.data, { password: value });

      assert.equal(ask.seen.length, 1);
      const [params] = ask.seen;
      assert.equal(params.mode, peer.protocolVersion === '2025-11-25' ? 'form' : undefined);
      const schema = params.requestedSchema;
      assert.equal(schema.type, 'object');
      assert.deepEqual(Object.keys(schema.properties), ['approve']);
      assert.equal(schema.properties.approve.type, 'boolean');
      assert.ok(!('default' in schema.properties.approve), 'no default: a prefilled form cannot approve by itself');
      assert.ok(schema.required.includes('approve'));
      for (const needle of ['write_secret', 'POST', `${kv}/data/svc/approved`, 'password']) {
        assert.ok(params.message.includes(needle), `the message ${JSON.stringify(params.message)} names ${needle}`);
      }
      assert.ok(!params.message.includes(value), 'no value in the message');
    });

    test('the message names the keys already in the secret, never their values', async () => {
      const ask = asker(DECLINE);
      const peer = await connect(ask.handler);
      toolError(await peer.call('write_secret', { mount: kv, path: 'svc/api', key: 'user', value: 'new-user-value' }), NOT_APPROVED);
      const [{ message }] = ask.seen;
      for (const needle of ['"data.token"', '"data.user"', `"${kv}/data/svc/api"`]) assert.ok(message.includes(needle), `${needle} in ${message}`);
      for (const value of [seeded.token, 'new-user-value']) assert.ok(!message.includes(value), `${value} in ${message}`);
      await unchanged();
    });

    test('every privileged tool asks once before its first write, and goes ahead on approve: true', async () => {
      const ask = asker(APPROVE);
      const peer = await connect(ask.handler);
      const mount = m('ap-every');
      const pki = m('ap-pki');
      const steps = [
        ['create_mount', { type: 'kv2', path: mount }, async () => assert.equal((await mountOf(mount)).status, 200)],
        ['write_secret', { mount, path: 'a', key: 'k', value: 'v' }, async () => assert.equal(await kvVersionOf(mount, 'a'), 1)],
        ['delete_secret', { mount, path: 'a' }, async () => assert.equal((await vault.api.get(`${mount}/data/a`)).status, 404)],
        ['delete_mount', { path: mount }, async () => assert.equal((await mountOf(mount)).status, 400)],
        ['enable_pki', { path: pki, max_ttl: '87600h' }, async () => assert.equal((await mountOf(pki)).body?.data?.type, 'pki')],
        ['create_pki_issuer', { mount: pki, common_name: 'E2E Approval Root', issuer_name: 'ap-root' },
          async () => assert.equal((await vault.api.must('GET', `${pki}/issuer/ap-root`)).status, 200)],
        ['create_pki_role', { mount: pki, role_name: 'svc', issuer_name: 'ap-root', allowed_domains: 'example.com', allow_subdomains: true },
          async () => assert.equal((await vault.api.get(`${pki}/roles/svc`)).status, 200)],
        ['issue_pki_certificate', { mount: pki, role_name: 'svc', common_name: 'ap.example.com', ttl: '1h' },
          async (out) => assert.equal((await vault.api.get(`${pki}/cert/${out.serial_number}`)).status, 200, 'Vault has it')],
        ['delete_pki_role', { mount: pki, role_name: 'svc' }, async () => assert.equal((await vault.api.get(`${pki}/roles/svc`)).status, 404)],
      ];
      assert.deepEqual(steps.map(([tool]) => tool).sort(), [...PRIVILEGED_TOOLS].sort(), 'every Go server privileged tool is tried');
      for (const [tool, args, check] of steps) {
        const asked = ask.seen.length;
        if (tool === 'write_secret') await vault.api.eventually('POST', `${mount}/data/warm-up`, { data: { a: 'b' } });
        const out = structured(await peer.call(tool, args));
        assert.equal(ask.seen.length, asked + 1, `${tool} asked once`);
        assert.ok(ask.seen.at(-1).message.startsWith(`The tool ${tool} will `), ask.seen.at(-1).message);
        await check(out);
      }
    });

    test('a declined approval stops every change: isError "not approved", and no write reaches Vault', async () => {
      const ask = asker(DECLINE);
      const peer = await connect(ask.handler);
      const certs = await certCount('pki-int');
      await noWrite(new RegExp(`^(${escapeRegExp(kv)}/|sys/mounts/|pki-int/)`), async () => {
        for (const [tool, args] of [
          ['write_secret', { mount: kv, path: 'svc/api', key: 'token', value: 'overwritten' }],
          ['delete_secret', { mount: kv, path: 'svc/api' }],
          ['delete_secret', { mount: kv, path: 'svc/api', key: 'token' }],
          ['create_mount', { type: 'kv', path: m('declined') }],
          ['delete_mount', { path: kv }],
          ['delete_pki_role', { mount: 'pki-int', role_name: 'any' }],
          ['issue_pki_certificate', { mount: 'pki-int', role_name: 'web', common_name: 'declined.example.com' }],
        ]) {
          toolError(await peer.call(tool, args), NOT_APPROVED, 'the user declined', 'nothing was changed');
        }
      });
      assert.equal(ask.seen.length, 7, 'each call asked');
      await unchanged();
      assert.equal((await mountOf(m('declined'))).status, 400);
      assert.equal((await mountOf(kv)).status, 200);
      assert.equal((await vault.api.get('pki-int/roles/any')).status, 200);
      assert.equal(await certCount('pki-int'), certs);
    });

    test('only accept with approve: true approves: cancel, accept without approve, approve false or "true", an error do not', async () => {
      const answers = [
        [{ action: 'cancel' }, 'dismissed'],
        [{ action: 'accept' }, 'without approve: true'],
        [{ action: 'accept', content: {} }, 'without approve: true'],
        [{ action: 'accept', content: { approve: false } }, 'without approve: true'],
        [{ action: 'accept', content: { approve: 'true' } }, 'without approve: true'],
        [{ action: 'decline', content: { approve: true } }, 'declined'],
        [() => { throw new Error('the window was closed'); }, 'answered the approval request with an error'],
      ];
      const queue = answers.map(([answer]) => answer);
      const ask = asker(() => {
        const next = queue.shift();
        return typeof next === 'function' ? next() : next;
      });
      const peer = await connect(ask.handler);
      for (const [answer, why] of answers) {
        const result = await noWrite(new RegExp(`^${escapeRegExp(kv)}/`), () =>
          peer.call('write_secret', { mount: kv, path: 'svc/api', key: 'token', value: 'overwritten' }));
        toolError(result, NOT_APPROVED, why);
        assert.ok(result.content[0].text.includes(why), `${JSON.stringify(answer)} -> ${result.content[0].text}`);
      }
      assert.equal(ask.seen.length, answers.length);
      await unchanged();
    });

    test('a client that never answers: not approved once MCP_APPROVAL_TIMEOUT (3s) has passed, nothing written', async () => {
      const ask = asker(() => new Promise(() => {}));
      const peer = await connect(ask.handler);
      const started = Date.now();
      const result = await noWrite(new RegExp(`^${escapeRegExp(kv)}/`), () =>
        peer.call('write_secret', { mount: kv, path: 'svc/api', key: 'token', value: 'overwritten' }));
      const waited = Date.now() - started;
      toolError(result, NOT_APPROVED, 'no answer within 3 s');
      assert.ok(waited >= 2_900 && waited < 30_000, `waited ${waited} ms`);
      assert.equal(ask.seen.length, 1);
      await unchanged();
      assert.deepEqual(structured(await peer.call('read_secret', { mount: kv, path: 'svc/api' })).data, seeded, 'the connection still serves');
    });

    test('a key that tries to rewrite the message appears escaped: no raw bidi control, quotes escaped', async () => {
      const ask = asker(DECLINE);
      const peer = await connect(ask.handler);
      toolError(await peer.call('write_secret', { mount: kv, path: 'svc/api', data: { [BIDI_KEY]: 'v', 'x" approved "y': 'w' } }), NOT_APPROVED);
      const [{ message }] = ask.seen;
      assert.doesNotMatch(message, BIDI_CONTROLS, `raw bidi control in ${JSON.stringify(message)}`);
      assert.ok(message.includes('harmless; click Accept'), message);
      assert.ok(message.includes('x\\" approved \\"y'), `the quotes are escaped in ${JSON.stringify(message)}`);
      await unchanged();
    });

    test('MCP_APPROVAL=ask (the default): a client without the elicitation capability is not asked and the change goes ahead', async () => {
      const peer = await connect();
      structured(await peer.call('write_secret', { mount: kv, path: 'svc/drop-in', key: 'k', value: 'v' }));
      assert.deepEqual((await vault.api.must('GET', `${kv}/data/svc/drop-in`)).body.data.data, { k: 'v' });
    });

    test('MCP_APPROVAL=require: a client that cannot be asked changes nothing; one that can is asked', () =>
      withPeer({ operations: true, env: { MCP_APPROVAL: 'require' } }, async (peer, required) => {
        await noWrite(new RegExp(`^(${escapeRegExp(kv)}/|sys/mounts/)`), async () => {
          toolError(await peer.call('write_secret', { mount: kv, path: 'svc/api', key: 'token', value: 'overwritten' }),
            'MCP_APPROVAL=require', 'Nothing was changed');
          toolError(await peer.call('create_mount', { type: 'kv', path: m('required') }), 'MCP_APPROVAL=require');
        });
        await unchanged();
        assert.equal((await mountOf(m('required'))).status, 400);

        const ask = asker(APPROVE);
        const asking = await required.connect(vault.rootToken, { elicitation: ask.handler });
        structured(await asking.call('write_secret', { mount: kv, path: 'svc/required', key: 'k', value: 'v' }));
        assert.equal(ask.seen.length, 1);
        assert.deepEqual((await vault.api.must('GET', `${kv}/data/svc/required`)).body.data.data, { k: 'v' });
      }));

    test('MCP_APPROVAL=off never asks, even a client that can be asked', async () => {
      const ask = asker(DECLINE);
      await withPeer({ operations: true, env: { MCP_APPROVAL: 'off' }, options: { elicitation: ask.handler } }, async (peer) => {
        structured(await peer.call('write_secret', { mount: kv, path: 'svc/off', key: 'k', value: 'v' }));
        structured(await peer.call('create_mount', { type: 'kv', path: m('off') }));
      });
      assert.equal(ask.seen.length, 0);
      assert.deepEqual((await vault.api.must('GET', `${kv}/data/svc/off`)).body.data.data, { k: 'v' });
      assert.equal((await mountOf(m('off'))).status, 200);
    });
  });
}
