// Value-blind delivery and the audit trail against a real Vault.
//   MCP_SECRET_VALUES=wrap    read_secret and issue_pki_certificate ask Vault for a response-wrapped
//                             answer: the model sees the wrapping token's accessor and TTL, the user
//                             alone gets the token, which unwraps once through Vault's own API
//   wrap_ttl                  the same for one call, in the default plain mode
//   MCP_SECRET_VALUES=redact  keys and metadata, each value replaced by its length
// Every secret value here is random, so finding it anywhere means it leaked.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setUpData } from '../harness/fixture.mjs';
import { startServer } from '../harness/mcp.mjs';
import { certificate, structured, toolError } from '../harness/results.mjs';
import { TRANSPORTS } from '../harness/transports.mjs';
import { startDevVault } from '../harness/vault.mjs';

const random = (prefix) => `${prefix}-${randomBytes(12).toString('hex')}`;
const WRAPPED_FIELDS = ['accessor', 'creation_path', 'creation_time', 'ttl'];

let vault;
let tmp;
before(async () => {
  vault = await startDevVault();
  await setUpData(vault.api);
  tmp = await mkdtemp(join(tmpdir(), 'vault-mcp-e2e-value-blind-'));
});
after(async () => {
  await vault?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The content blocks meant for the user alone (audience ["user"]), and the others. */
function audiences(result) {
  const forUser = result.content.filter((c) => JSON.stringify(c.annotations?.audience) === '["user"]');
  return { forUser, forModel: result.content.filter((c) => !forUser.includes(c)) };
}

/**
 * Checks a wrapped result: `wrapped` with the four fields and none of `absent` in structuredContent,
 * no secret where the model reads, one block for the user with the token and "vault unwrap <token>".
 * Returns { wrapped, token }.
 */
function wrappedResult(result, { secrets, absent }) {
  const shown = structured(result);
  assert.deepEqual(Object.keys(shown.wrapped ?? {}).sort(), WRAPPED_FIELDS, JSON.stringify(shown));
  assert.equal(typeof shown.wrapped.accessor, 'string');
  assert.ok(shown.wrapped.accessor.length > 0, 'an accessor');
  assert.equal(typeof shown.wrapped.ttl, 'number');
  assert.ok(!Number.isNaN(Date.parse(shown.wrapped.creation_time)), `creation_time ${shown.wrapped.creation_time}`);
  for (const field of absent) assert.equal(shown[field], undefined, `no ${field} in structuredContent`);

  const { forUser, forModel } = audiences(result);
  assert.equal(forUser.length, 1, 'one block for the user');
  assert.equal(forUser[0].type, 'text');
  const token = /vault unwrap (\S+)/.exec(forUser[0].text)?.[1];
  assert.ok(token, `the user block says "vault unwrap <token>": ${forUser[0].text}`);
  assert.notEqual(token, shown.wrapped.accessor, 'the accessor is not the token');
  assert.ok(forModel.includes(result.content[0]), 'content[0] is for the model');
  const modelSees = [JSON.stringify(shown), ...forModel.map((c) => c.text ?? JSON.stringify(c))];
  for (const text of modelSees) {
    assert.ok(!text.includes(token), 'no wrapping token where the model reads');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} where the model reads`);
  }
  for (const secret of secrets) assert.ok(!forUser[0].text.includes(secret), 'the user block holds the token, not the secret');
  return { wrapped: shown.wrapped, token };
}

/** What Vault says of a wrapping token it still holds (with the root token, which does not unwrap it). */
async function lookUp(token) {
  return (await vault.api.must('POST', 'sys/wrapping/lookup', { token })).body.data;
}

/** POST sys/wrapping/unwrap with the wrapping token as X-Vault-Token: { status, body, text }. */
async function unwrap(token) {
  const response = await fetch(`${vault.addr}/v1/sys/wrapping/unwrap`, {
    method: 'POST',
    headers: { 'X-Vault-Token': token, 'X-Vault-Request': 'true' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the caller sees text
  }
  return { status: response.status, body, text };
}

/** Unwraps `token` once (its data), then checks that a second unwrap fails. */
async function unwrapOnce(token) {
  const first = await unwrap(token);
  assert.equal(first.status, 200, `the first unwrap works: ${first.text}`);
  const second = await unwrap(token);
  assert.ok(second.status >= 400, `the second unwrap fails, got HTTP ${second.status} ${second.text}`);
  assert.match(second.text, /wrapping token is not valid or does not exist|permission denied|invalid token/);
  return first.body.data;
}

for (const mode of TRANSPORTS) {
  const m = (name) => `${mode}-${name}`;

  describe(`MCP_SECRET_VALUES=wrap over ${mode}`, () => {
    let server;
    let peer;
    const kv1 = { password: random('wrap-kv1'), note: random('wrap-kv1-note') };
    const kv2 = [{ api_key: random('wrap-kv2-v1') }, { api_key: random('wrap-kv2-v2'), region: random('wrap-kv2-region') }];
    const tokens = [];
    before(async () => {
      await vault.api.must('POST', `kv1/${m('wrap')}/app`, kv1);
      for (const data of kv2) await vault.api.must('POST', `kv2/data/${m('wrap')}/app`, { data });
      server = await startServer(mode, { vaultAddr: vault.addr, operations: true, env: { MCP_SECRET_VALUES: 'wrap' } });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test('tools/list says read_secret\'s answers are wrapped (MCP_SECRET_VALUES=wrap); initialize\'s instructions say response-wrapped', () => {
      const read = peer.tools.find((t) => t.name === 'read_secret');
      assert.match(read.description, /MCP_SECRET_VALUES=wrap/);
      assert.ok(read.inputSchema.properties.wrap_ttl, 'read_secret takes wrap_ttl');
      assert.ok(read.outputSchema.properties.wrapped, 'the output schema has wrapped');
      assert.match(peer.client.getInstructions() ?? '', /response-wrapped/);
    });

    test('read_secret of a KV v1 secret: accessor and TTL for the model, the token for the user, unwrapped once to the data', async () => {
      const result = await peer.call('read_secret', { mount: 'kv1', path: m('wrap/app') });
      const { wrapped, token } = wrappedResult(result, { secrets: Object.values(kv1), absent: ['data', 'metadata'] });
      tokens.push(token);
      const shown = structured(result);
      assert.deepEqual([shown.mount, shown.path, shown.kv_version], ['kv1', m('wrap/app'), 1]);
      assert.equal(wrapped.ttl, 300, 'MCP_WRAP_TTL defaults to 5m');
      assert.equal(wrapped.creation_path, `kv1/${m('wrap/app')}`);
      const held = await lookUp(token);
      assert.deepEqual([held.creation_path, held.creation_ttl, Date.parse(held.creation_time)],
        [wrapped.creation_path, wrapped.ttl, Date.parse(wrapped.creation_time)], 'Vault holds the token described');
      assert.deepEqual(await unwrapOnce(token), kv1);
    });

    test('read_secret of a KV v2 secret (latest and an older version) is wrapped the same way', async () => {
      const latest = await peer.call('read_secret', { mount: 'kv2', path: m('wrap/app') });
      const all = kv2.flatMap(Object.values);
      const { wrapped, token } = wrappedResult(latest, { secrets: all, absent: ['data', 'metadata'] });
      tokens.push(token);
      assert.equal(structured(latest).kv_version, 2);
      assert.equal(wrapped.creation_path, `kv2/data/${m('wrap/app')}`);
      const unwrapped = await unwrapOnce(token);
      assert.deepEqual(unwrapped.data, kv2[1]);
      assert.equal(unwrapped.metadata.version, 2);

      const older = await peer.call('read_secret', { mount: 'kv2', path: m('wrap/app'), version: 1 });
      const first = wrappedResult(older, { secrets: all, absent: ['data', 'metadata'] });
      tokens.push(first.token);
      const unwrappedFirst = await unwrapOnce(first.token);
      assert.deepEqual([unwrappedFirst.data, unwrappedFirst.metadata.version], [kv2[0], 1]);
    });

    test('issue_pki_certificate: neither certificate nor private key in structuredContent; the unwrapped answer holds both', async () => {
      const common = `${mode}-wrapped.example.com`;
      const result = await peer.call('issue_pki_certificate', { mount: 'pki-int', role_name: 'web', common_name: common, ttl: '1h' });
      const { wrapped, token } = wrappedResult(result, {
        secrets: ['PRIVATE KEY', 'BEGIN CERTIFICATE'],
        absent: ['certificate', 'private_key', 'issuing_ca', 'ca_chain', 'serial_number'],
      });
      tokens.push(token);
      assert.equal(structured(result).common_name, common);
      assert.equal(wrapped.creation_path, 'pki-int/issue/web');
      const issued = await unwrapOnce(token);
      assert.equal(certificate(issued.certificate).subject, `CN=${common}`);
      assert.match(issued.private_key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      assert.equal((await vault.api.must('GET', `pki-int/cert/${issued.serial_number}`)).body.data.certificate.trim(),
        issued.certificate.trim(), 'Vault issued it under that serial number');
    });

    test('the server log holds no wrapping token and no secret value', () => {
      const log = server.log();
      for (const secret of [...tokens, ...Object.values(kv1), ...kv2.flatMap(Object.values), vault.rootToken]) {
        assert.ok(!log.includes(secret), `${secret.slice(0, 12)}... in the log`);
      }
      assert.ok(tokens.length >= 4, 'the tests above ran');
    });
  });

  describe(`wrap_ttl per call (MCP_SECRET_VALUES=plain) over ${mode}`, () => {
    let server;
    let peer;
    const secret = { password: random('ttl-kv1') };
    before(async () => {
      await vault.api.must('POST', `kv1/${m('ttl')}/app`, secret);
      await vault.api.must('POST', `kv2/data/${m('ttl')}/app`, { data: secret });
      server = await startServer(mode, { vaultAddr: vault.addr });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test('tools/list says plain, and offers wrap_ttl', () => {
      const read = peer.tools.find((t) => t.name === 'read_secret');
      assert.match(read.description, /MCP_SECRET_VALUES=plain/);
      assert.ok(read.inputSchema.properties.wrap_ttl);
      assert.doesNotMatch(peer.client.getInstructions() ?? '', /response-wrapped/);
    });

    test('wrap_ttl "90s" wraps that call only, for 90 seconds (KV v1 and v2)', async () => {
      for (const mount of ['kv1', 'kv2']) {
        const result = await peer.call('read_secret', { mount, path: m('ttl/app'), wrap_ttl: '90s' });
        const { wrapped, token } = wrappedResult(result, { secrets: [secret.password], absent: ['data', 'metadata'] });
        assert.equal(wrapped.ttl, 90, mount);
        assert.equal((await lookUp(token)).creation_ttl, 90, `${mount}: Vault holds it for 90 s`);
        const unwrapped = await unwrapOnce(token);
        assert.deepEqual(mount === 'kv1' ? unwrapped : unwrapped.data, secret, mount);

        const next = structured(await peer.call('read_secret', { mount, path: m('ttl/app') }));
        assert.deepEqual(next.data, secret, `${mount}: the next call without wrap_ttl is plain`);
        assert.equal(next.wrapped, undefined);
      }
    });

    for (const bad of ['25h', 'abc', '0s']) {
      test(`wrap_ttl "${bad}" is an error naming wrap_ttl, and no value comes back`, async () => {
        const text = toolError(await peer.call('read_secret', { mount: 'kv1', path: m('ttl/app'), wrap_ttl: bad }), 'wrap_ttl');
        assert.ok(!text.includes(secret.password));
      });
    }

    test('without wrap_ttl, plain mode returns data and metadata as before', async () => {
      const result = await peer.call('read_secret', { mount: 'kv2', path: m('ttl/app') });
      const shown = structured(result);
      assert.deepEqual(shown.data, secret);
      assert.equal(shown.metadata.version, 1);
      assert.equal(shown.wrapped, undefined);
      assert.equal(audiences(result).forUser.length, 0, 'no block for the user');
    });
  });

  describe(`MCP_SECRET_VALUES=redact over ${mode}`, () => {
    let server;
    let peer;
    const kv1 = { password: random('redact-kv1'), pin: 'Zq9!', empty: '', long: random('x').repeat(5), accented: `pässwörd-${random('é')}` };
    const kv2 = [{ api_key: random('redact-v1') }, { api_key: random('redact-v2-longer'), region: random('r') }];
    const marker = (value) => `<redacted: ${value.length} characters>`;
    const redacted = (data) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, marker(v)]));
    const leaked = (text, data) => Object.values(data).filter((v) => v.length >= 4 && text.includes(v));
    before(async () => {
      await vault.api.must('POST', `kv1/${m('redact')}/app`, kv1);
      for (const data of kv2) await vault.api.must('POST', `kv2/data/${m('redact')}/app`, { data });
      server = await startServer(mode, { vaultAddr: vault.addr, env: { MCP_SECRET_VALUES: 'redact' } });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test('tools/list and the instructions say the values are redacted', () => {
      assert.match(peer.tools.find((t) => t.name === 'read_secret').description, /MCP_SECRET_VALUES=redact/);
      assert.match(peer.client.getInstructions() ?? '', /redacted/);
    });

    test('read_secret of KV v1: every key, each value replaced by "<redacted: N characters>"', async () => {
      const result = await peer.call('read_secret', { mount: 'kv1', path: m('redact/app') });
      const shown = structured(result);
      assert.deepEqual(shown, { mount: 'kv1', path: m('redact/app'), kv_version: 1, data: redacted(kv1) });
      const all = result.content.map((c) => c.text ?? '').join('\n');
      assert.deepEqual(leaked(all, kv1), [], 'no value anywhere in the result');
    });

    test('read_secret of KV v2: keys, version and metadata, values redacted (latest and an older version)', async () => {
      for (const [version, data] of [[undefined, kv2[1]], [1, kv2[0]]]) {
        const result = await peer.call('read_secret', { mount: 'kv2', path: m('redact/app'), ...(version ? { version } : {}) });
        const shown = structured(result);
        assert.deepEqual(shown.data, redacted(data));
        assert.equal(shown.metadata.version, version ?? 2);
        assert.equal(typeof shown.metadata.created_time, 'string');
        assert.equal(shown.wrapped, undefined);
        const all = result.content.map((c) => c.text ?? '').join('\n');
        assert.deepEqual(leaked(all, { ...kv2[0], ...kv2[1] }), [], 'no value of any version anywhere in the result');
      }
    });

    test('wrap_ttl in redact mode wraps the answer for the user instead', async () => {
      const result = await peer.call('read_secret', { mount: 'kv1', path: m('redact/app'), wrap_ttl: '30s' });
      const { wrapped, token } = wrappedResult(result, { secrets: [kv1.password, kv1.long, kv1.accented], absent: ['data'] });
      assert.equal(wrapped.ttl, 30);
      assert.deepEqual(await unwrapOnce(token), kv1);
    });
  });
}
