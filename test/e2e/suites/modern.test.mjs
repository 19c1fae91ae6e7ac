// The stateless era (2026-07-28) on the wire, against a real Vault: approvals as multi-round-trip
// requests whose sealed state is single-use through Vault's response wrapping, and two instances
// behind a load balancer without stickiness. Requests are sent with fetch, exactly as the spec words
// them, so every field the server answers is visible to the assertions.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer } from '../harness/mcp.mjs';
import { startRoundRobin } from '../harness/round-robin.mjs';
import { startDevVault } from '../harness/vault.mjs';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
  'io.modelcontextprotocol/clientInfo': { name: 'modern-e2e', version: '1' },
};
let id = 0;

/** One stateless request: { status, body }. */
async function rpc(url, token, method, params = {}) {
  const headers = {
    'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': method, 'X-Vault-Token': token,
  };
  if (method === 'tools/call') headers['Mcp-Name'] = params.name;
  const response = await fetch(url, {
    method: 'POST', headers, signal: AbortSignal.timeout(30_000),
    body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: { ...params, _meta: META } }),
  });
  return { status: response.status, body: await answer(response) };
}

/** The JSON-RPC answer, sent as JSON or (a call that ran long: heartbeat comments first) as an SSE stream. */
async function answer(response) {
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response.json();
  const events = (await response.text()).split('\n').filter((line) => line.startsWith('data: '));
  return JSON.parse(events.at(-1).slice(6));
}

const call = async (url, token, name, args, more = {}) => (await rpc(url, token, 'tools/call', { name, arguments: args, ...more })).body.result;
const text = (result) => result.content[0].text;
const approve = { approve: { action: 'accept', content: { approve: true } } };

let vault;
let keyFile;
before(async () => {
  vault = await startDevVault();
  await vault.api.must('POST', 'sys/mounts/modern', { type: 'kv', options: { version: '2' } });
  await vault.api.eventually('POST', 'modern/data/seed', { data: { a: '1' } });
  keyFile = join(mkdtempSync(join(tmpdir(), 'modern-e2e-')), 'state.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
});
after(() => vault?.stop());

describe('approval as a multi-round-trip request, single-use through Vault', () => {
  let server;
  before(async () => {
    server = await startServer('http', { vaultAddr: vault.addr, operations: true, env: { MCP_APPROVAL: 'ask' } });
  });
  after(() => server?.close());
  const secret = async (path) => (await vault.api.get(`modern/data/${path}`));

  test('round one asks for approval and writes nothing; round two with the sealed state writes once', async () => {
    const args = { mount: 'modern', path: 'approved', data: { password: 'p1' } };
    const first = await call(server.url, vault.rootToken, 'write_secret', args);
    assert.equal(first.resultType, 'input_required');
    const ask = first.inputRequests.approve;
    assert.equal(ask.method, 'elicitation/create');
    assert.match(ask.params.message, /will POST "modern\/data\/approved" with "data.password"/);
    assert.ok(!ask.params.message.includes('p1'), 'the summary names fields, never values');
    assert.deepEqual(ask.params.requestedSchema.required, ['approve']);
    assert.equal((await secret('approved')).status, 404, 'nothing is written before the answer');

    const second = await call(server.url, vault.rootToken, 'write_secret', args,
      { inputResponses: approve, requestState: first.requestState });
    assert.equal(second.resultType, 'complete');
    assert.ok(!second.isError, text(second));
    assert.equal((await secret('approved')).body.data.data.password, 'p1');

    const replay = await call(server.url, vault.rootToken, 'write_secret', args,
      { inputResponses: approve, requestState: first.requestState });
    assert.equal(replay.isError, true);
    assert.match(text(replay), /already used/);
    assert.equal((await secret('approved')).body.data.metadata.version, 1, 'the replay wrote nothing');
  });

  test('a state for other arguments, another caller, or altered is refused, and a decline changes nothing', async () => {
    const args = { mount: 'modern', path: 'guarded', data: { k: 'v' } };
    const first = await call(server.url, vault.rootToken, 'write_secret', args);
    const retargeted = await call(server.url, vault.rootToken, 'write_secret', { ...args, path: 'elsewhere' },
      { inputResponses: approve, requestState: first.requestState });
    assert.match(text(retargeted), /another tool, other arguments or another caller/);
    const other = (await vault.api.must('POST', 'auth/token/create', { policies: ['root'] })).body.auth.client_token;
    const stolen = await call(server.url, other, 'write_secret', args, { inputResponses: approve, requestState: first.requestState });
    assert.match(text(stolen), /another tool, other arguments or another caller/);
    const s = first.requestState;
    const altered = s.slice(0, 20) + (s[20] === 'A' ? 'B' : 'A') + s.slice(21);
    const tampered = await rpc(server.url, vault.rootToken, 'tools/call',
      { name: 'write_secret', arguments: args, inputResponses: approve, requestState: altered });
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.error.code, -32602);
    assert.match(tampered.body.error.message, /not issued by this server, or it was altered/);
    const declined = await call(server.url, vault.rootToken, 'write_secret', args,
      { inputResponses: { approve: { action: 'decline' } }, requestState: first.requestState });
    assert.match(text(declined), /the user declined/);
    for (const path of ['guarded', 'elsewhere']) assert.equal((await secret(path)).status, 404, path);
  });

  test('a dry run needs no approval and a read is never asked', async () => {
    const dry = await call(server.url, vault.rootToken, 'write_secret', { mount: 'modern', path: 'dry', data: { k: 'v' }, dry_run: true });
    assert.equal(dry.resultType, 'complete');
    assert.equal(dry.structuredContent.dry_run, true);
    const read = await call(server.url, vault.rootToken, 'read_secret', { mount: 'modern', path: 'seed' });
    assert.equal(read.structuredContent.data.a, '1');
  });
});

describe('two instances behind a round-robin load balancer, sharing MCP_STATE_KEY_FILE', () => {
  let a;
  let b;
  let lb;
  before(async () => {
    const env = { MCP_APPROVAL: 'ask', MCP_STATE_KEY_FILE: keyFile };
    [a, b] = await Promise.all([0, 1].map(() => startServer('http', { vaultAddr: vault.addr, operations: true, env })));
    lb = await startRoundRobin([a.url, b.url]);
  });
  after(async () => {
    await lb?.stop();
    await Promise.all([a?.close(), b?.close()]);
  });

  test('stateless calls alternate between the instances and all succeed', async () => {
    const before = lb.served();
    for (let i = 0; i < 6; i++) {
      const read = await call(lb.url, vault.rootToken, 'read_secret', { mount: 'modern', path: 'seed' });
      assert.equal(read.structuredContent.data.a, '1');
    }
    const after = lb.served();
    assert.deepEqual([after[0] - before[0], after[1] - before[1]], [3, 3]);
  });

  test('an approval started on one instance completes on the other; its replay is refused on either', async () => {
    const args = { mount: 'modern', path: 'fleet', data: { n: '1' } };
    lb.aim(0);
    const first = await call(lb.url, vault.rootToken, 'write_secret', args);
    assert.equal(first.resultType, 'input_required');
    const second = await call(lb.url, vault.rootToken, 'write_secret', args, { inputResponses: approve, requestState: first.requestState });
    assert.ok(!second.isError, text(second));
    for (const url of [a.url, b.url]) {
      const replay = await call(url, vault.rootToken, 'write_secret', args, { inputResponses: approve, requestState: first.requestState });
      assert.match(text(replay), /already used/, url);
    }
    assert.equal((await vault.api.get('modern/data/fleet')).body.data.metadata.version, 1);
  });

  test('a 2025-11-25 session without sticky routing gets a clear 404 on the other instance', async () => {
    lb.aim(0);
    const transport = new StreamableHTTPClientTransport(new URL(lb.url), { requestInit: { headers: { 'X-Vault-Token': vault.rootToken } } });
    const client = new Client({ name: 'legacy', version: '1' });
    // initialize is answered by one instance; notifications/initialized reaches the other, which has no such session.
    await assert.rejects(client.connect(transport), /Session not found: it ended or expired; send initialize/);
    await client.close().catch(() => {});
  });
});
