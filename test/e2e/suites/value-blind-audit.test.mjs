// Value-blind delivery and the audit trail against a real Vault.
//   MCP_SECRET_VALUES=wrap    read_secret and issue_pki_certificate ask Vault for a response-wrapped
//                             answer: the model sees the wrapping token's accessor and TTL, the user
//                             alone gets the token, which unwraps once through Vault's own API
//   wrap_ttl                  the same for one call, in the default plain mode
//   MCP_SECRET_VALUES=redact  keys and metadata, each value replaced by its length
//   MCP_AUDIT_LOG             a mixed session's JSON Lines trail: decisions, Vault requests, secret
//                             arguments as HMACs, a keyed hash chain that --verify-audit checks
// Every secret value here is random, so finding it anywhere means it leaked.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { setUpData } from '../harness/fixture.mjs';
import { runJar, startServer } from '../harness/mcp.mjs';
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

  describe(`the audit trail (MCP_AUDIT_LOG) over ${mode}`, () => {
    let dir;
    let file;
    let keyFile;
    let key;
    let records;
    let text;
    let log;
    const base = m('audit');
    const readValue = random('audit-read');
    const oldValue = random('audit-old');
    const newValues = { password: random('audit-new'), user: random('audit-user') };
    const declinedValue = random('audit-declined');
    const invalidValue = random('audit-invalid');
    let wrappingToken;
    const hmac = (value) => `hmac-sha256:${createHmac('sha256', key).update(JSON.stringify(value)).digest('hex')}`;
    const verify = (path, env = { MCP_AUDIT_HMAC_KEY_FILE: keyFile }) => runJar(env, { args: ['--verify-audit', path] });

    // The mixed session runs once; the tests read what it left in the file.
    before(async () => {
      dir = await mkdtemp(join(tmp, `${mode}-audit-`));
      file = join(dir, 'audit.jsonl');
      keyFile = join(dir, 'audit.key');
      key = randomBytes(32).toString('hex');
      await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
      await vault.api.must('POST', `kv1/${base}/read`, { token: readValue });
      await vault.api.must('POST', `kv1/${base}/denied`, { token: readValue });
      await vault.api.must('POST', `kv2/data/${base}/app`, { data: { password: oldValue } });

      const answers = [
        () => ({ action: 'accept', content: { approve: true } }),
        () => ({ action: 'decline' }),
      ];
      const asked = [];
      const server = await startServer(mode, {
        vaultAddr: vault.addr,
        operations: true,
        env: { MCP_AUDIT_LOG: file, MCP_AUDIT_HMAC_KEY_FILE: keyFile, MCP_DENIED_PATHS: `kv1/${base}/denied` },
      });
      try {
        const peer = await server.connect(vault.rootToken, {
          elicitation: async (request) => {
            asked.push(request.params.message);
            return answers.shift()();
          },
        });
        // 1. a read (allowed)
        assert.deepEqual(structured(await peer.call('read_secret', { mount: 'kv1', path: `${base}/read` })).data, { token: readValue });
        // 2. refused by the path rules
        toolError(await peer.call('read_secret', { mount: 'kv1', path: `${base}/denied` }), 'may not reach');
        // 3. an approved write over an older value
        structured(await peer.call('write_secret', { mount: 'kv2', path: `${base}/app`, data: newValues }));
        assert.deepEqual((await vault.api.must('GET', `kv2/data/${base}/app`)).body.data.data, newValues);
        // 4. a declined write
        toolError(await peer.call('write_secret', { mount: 'kv2', path: `${base}/app`, key: 'password', value: declinedValue }), 'not approved');
        assert.equal((await vault.api.must('GET', `kv2/data/${base}/app`)).body.data.metadata.version, 2, 'nothing written');
        // 5. invalid arguments (an argument the tool does not take)
        toolError(await peer.call('write_secret', { mount: 'kv2', path: `${base}/app`, key: 'k', value: invalidValue, colour: 'red' }),
          'Invalid arguments');
        // 6. a wrapped read: its token must not reach the trail either
        const wrapped = await peer.call('read_secret', { mount: 'kv1', path: `${base}/read`, wrap_ttl: '60s' });
        wrappingToken = wrappedResult(wrapped, { secrets: [readValue], absent: ['data'] }).token;
        assert.equal(asked.length, 2, `approval asked for the two writes: ${JSON.stringify(asked)}`);
      } finally {
        await server.close();
      }
      // At exit the head goes to stderr; over HTTP the last of it may come just after the exit.
      for (let i = 0; i < 20 && !/ records, head /.test(server.log()); i++) await sleep(100);
      log = server.log();
      text = await readFile(file, 'utf8');
      records = text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    });

    test('JSON Lines: every record has type, decision, tool, arguments, vault, seq, prev and mac, chained', () => {
      assert.ok(text.endsWith('\n'), 'each record ends its line');
      assert.equal(records.length, 7, records.map((r) => `${r.type} ${r.tool} ${r.decision}`).join('\n'));
      let prev = '';
      records.forEach((r, i) => {
        for (const field of ['type', 'decision', 'tool', 'arguments', 'vault', 'seq', 'prev', 'mac']) {
          assert.ok(field in r, `record ${i + 1} has ${field}: ${JSON.stringify(r)}`);
        }
        assert.ok(['call', 'request', 'response'].includes(r.type), r.type);
        assert.ok(Array.isArray(r.vault));
        for (const request of r.vault) {
          assert.deepEqual(Object.keys(request).filter((k) => k !== 'request_id').sort(), ['method', 'path', 'status'], JSON.stringify(request));
        }
        assert.equal(r.seq, i + 1);
        assert.equal(r.prev, prev, `record ${i + 1} names the MAC of the one before`);
        assert.match(r.mac, /^[0-9a-f]{64}$/);
        prev = r.mac;
      });
    });

    test('each call is recorded with its decision, and an approved write has a request record before its response', () => {
      const summary = records.map((r) => [r.type, r.tool, r.decision]);
      assert.deepEqual(summary, [
        ['call', 'read_secret', 'allowed'],
        ['call', 'read_secret', 'refused by path rules'],
        ['request', 'write_secret', 'allowed'],
        ['response', 'write_secret', 'allowed'],
        ['call', 'write_secret', 'not approved'],
        ['call', 'write_secret', 'invalid arguments'],
        ['call', 'read_secret', 'allowed'],
      ]);
      const [read, refused, request, response, declined] = records;
      const sent = (r) => r.vault.map((v) => `${v.method} ${v.path} ${v.status}`);

      assert.deepEqual(read.arguments, { mount: 'kv1', path: `${base}/read` });
      assert.ok(sent(read).includes(`GET kv1/${base}/read 200`), sent(read).join(', '));
      assert.match(read.vault.find((v) => v.path === `kv1/${base}/read`).request_id ?? '', /^[0-9a-f-]{36}$/, 'Vault\'s request id');

      assert.ok(!refused.vault.some((v) => v.path.includes('denied')), `nothing sent to the denied path: ${sent(refused)}`);

      assert.equal(request.approval, 'approved');
      assert.ok(!request.vault.some((v) => v.method === 'POST'), `the request record comes before the write: ${sent(request)}`);
      assert.ok(sent(response).includes(`POST kv2/data/${base}/app 200`), sent(response).join(', '));
      assert.equal(response.result, 'ok');
      assert.equal(typeof response.duration_ms, 'number');

      assert.ok(!declined.vault.some((v) => v.method === 'POST'), `nothing written: ${sent(declined)}`);
      assert.notEqual(declined.approval, 'approved');
      assert.equal(declined.result, 'error');
    });

    test('write_secret\'s value and data are stored as HMACs under the key, the other arguments as given', () => {
      const [, , request, response, declined, invalid] = records;
      for (const r of [request, response]) {
        assert.deepEqual(r.arguments, { mount: 'kv2', path: `${base}/app`, data: hmac(newValues) });
      }
      assert.deepEqual(declined.arguments, { mount: 'kv2', path: `${base}/app`, key: 'password', value: hmac(declinedValue) });
      assert.deepEqual(invalid.arguments, { mount: 'kv2', path: `${base}/app`, key: 'k', value: hmac(invalidValue), colour: 'red' });
      for (const r of records) {
        for (const name of ['value', 'data']) {
          if (name in r.arguments) assert.match(r.arguments[name], /^hmac-sha256:[0-9a-f]{64}$/);
        }
      }
    });

    test('the file holds no Vault token, no secret value (old, read or written) and no wrapping token', () => {
      assert.ok(wrappingToken, 'the session made a wrapping token');
      for (const secret of [vault.rootToken, readValue, oldValue, ...Object.values(newValues), declinedValue, invalidValue,
        wrappingToken, key]) {
        assert.ok(!text.includes(secret), `${secret.slice(0, 14)}... in the audit trail`);
      }
      assert.ok(!log.includes(wrappingToken) && !log.includes(readValue), 'nor does the server log');
    });

    test('at exit the server log names the count and the head of the chain', () => {
      assert.ok(log.includes(`${records.length} records, head ${records.at(-1).mac}`), log);
    });

    test('--verify-audit with MCP_AUDIT_HMAC_KEY_FILE: exit 0, "7 records, chain intact"', async () => {
      const run = await verify(file);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /\b7 records, chain intact\b/);
      assert.ok(run.stdout.includes(records.at(-1).mac), 'it prints the head');
    });

    const lines = () => text.split('\n').filter(Boolean);
    for (const [title, edit, broken] of [
      ['a changed character in a record\'s tool', (l) => { l[2] = l[2].replace('"tool":"write_secret"', '"tool":"write_secreT"'); }, 3],
      ['a changed character in a record\'s decision', (l) => { l[4] = l[4].replace('"decision":"not approved"', '"decision":"not_approved"'); }, 5],
      ['a deleted record', (l) => { l.splice(3, 1); }, 4],
      ['two swapped records', (l) => { [l[1], l[2]] = [l[2], l[1]]; }, 2],
      ['a deleted first record', (l) => { l.shift(); }, 1],
    ]) {
      test(`--verify-audit after ${title}: exit 1 naming record ${broken}`, async () => {
        const edited = lines();
        const before = edited.join('\n');
        edit(edited);
        assert.notEqual(edited.join('\n'), before, 'the edit changed the file');
        const copy = join(dir, `edited-${broken}-${title.replace(/\W+/g, '-')}.jsonl`);
        await writeFile(copy, `${edited.join('\n')}\n`);
        const run = await verify(copy);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stdout, new RegExp(`record ${broken} `), run.stdout);
        assert.doesNotMatch(run.stdout, /chain intact/);
      });
    }

    test('--verify-audit with another key: exit 1 naming record 1', async () => {
      const otherKey = join(dir, 'other.key');
      await writeFile(otherKey, randomBytes(32).toString('hex'), { mode: 0o600 });
      const run = await verify(file, { MCP_AUDIT_HMAC_KEY_FILE: otherKey });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /record 1 /);
    });

    test('--verify-audit without MCP_AUDIT_HMAC_KEY_FILE: exit 2', async () => {
      const run = await verify(file, {});
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /MCP_AUDIT_HMAC_KEY_FILE/);
    });

    test('a restarted server continues the chain in the same file', async () => {
      const server = await startServer(mode, {
        vaultAddr: vault.addr, env: { MCP_AUDIT_LOG: file, MCP_AUDIT_HMAC_KEY_FILE: keyFile },
      });
      try {
        const peer = await server.connect(vault.rootToken);
        structured(await peer.call('list_mounts'));
      } finally {
        await server.close();
      }
      const all = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));
      assert.equal(all.length, records.length + 1);
      assert.deepEqual([all.at(-1).seq, all.at(-1).prev, all.at(-1).tool], [records.length + 1, records.at(-1).mac, 'list_mounts']);
      const run = await verify(file);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`\\b${records.length + 1} records, chain intact\\b`));
    });
  });

  describe(`an audit trail that cannot be opened stops start-up, over ${mode}`, () => {
    const jarEnv = (extra) => ({
      VAULT_ADDR: vault.addr, TRANSPORT_MODE: mode, ENABLE_VAULT_OPERATIONS: 'true',
      ...(mode === 'http' ? { TRANSPORT_HOST: '127.0.0.1', TRANSPORT_PORT: '0' }
        : { VAULT_TOKEN: 'hvs.not-used-by-a-jar-that-does-not-start' }), ...extra,
    });
    const refusesToStart = async (env, ...needles) => {
      const run = await runJar(jarEnv(env));
      assert.equal(run.signal, null, `the jar did not exit by itself: ${run.stderr}`);
      assert.equal(run.code, 2, run.stderr);
      for (const needle of needles) assert.ok(run.stderr.includes(needle), `stderr ${JSON.stringify(run.stderr)} names ${needle}`);
      assert.doesNotMatch(run.stderr, /listening on/);
      assert.equal(run.stdout, '');
    };

    test('MCP_AUDIT_LOG in a directory that does not exist: exit 2 naming MCP_AUDIT_LOG', () =>
      refusesToStart({ MCP_AUDIT_LOG: join(tmp, m('no-such-dir'), 'audit.jsonl') }, 'MCP_AUDIT_LOG'));

    // /proc refuses new files even to root, so this holds for every user (a mode-0555 directory does not for root).
    test('MCP_AUDIT_LOG in a directory nobody may create files in: exit 2 naming MCP_AUDIT_LOG', () =>
      refusesToStart({ MCP_AUDIT_LOG: '/proc/vault-mcp-audit.jsonl' }, 'MCP_AUDIT_LOG'));

    test('MCP_AUDIT_LOG naming a directory: exit 2 naming MCP_AUDIT_LOG', async () => {
      const directory = join(tmp, m('a-directory'));
      await mkdir(directory, { recursive: true });
      await refusesToStart({ MCP_AUDIT_LOG: directory }, 'MCP_AUDIT_LOG');
    });

    test('MCP_AUDIT_HMAC_KEY_FILE that does not exist: exit 2 naming it', () =>
      refusesToStart({ MCP_AUDIT_LOG: join(tmp, `${m('keyless')}.jsonl`), MCP_AUDIT_HMAC_KEY_FILE: join(tmp, 'no-such.key') },
        'MCP_AUDIT_HMAC_KEY_FILE'));
  });
}
