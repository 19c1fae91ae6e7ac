// The server's own token against a real Vault (issue 17): an AppRole login at start-up, renewals seen through
// Vault's own view of the token (lookup-accessor), a new login before the max TTL that needs a fresh secret id
// in the file (the used one is a logged error, the old token is kept meanwhile), HTTP callers presenting
// MCP_AUTH_TOKEN's bearer served with whichever token is current, a response-wrapped secret id, a revoked
// VAULT_TOKEN (exit 2 over HTTP, an isError on stdio) and a token that cannot be renewed (a warning in the
// log notifications). No token, secret id or bearer ever appears in the server's stderr.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { runJar, startServer } from '../harness/mcp.mjs';
import { structured, toolError } from '../harness/results.mjs';
import { startDevVault } from '../harness/vault.mjs';

const BEARER = 'bearer-secret-never-in-logs-4b7d9e';
const SECRET = { api_key: 'AKIA-e2e-own-token' };

let vault;
let dir;
before(async () => {
  vault = await startDevVault();
  dir = mkdtempSync(join(tmpdir(), 'server-token-'));
  await vault.api.must('POST', 'sys/auth/approle', { type: 'approle' });
  await vault.api.must('PUT', 'sys/policies/acl/own-token-reader',
    { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' });
  await vault.api.eventually('POST', 'secret/data/app/config', { data: SECRET });
});
after(async () => {
  await vault?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A role (its token TTLs as Vault durations) and its role id. */
async function role(name, ttl, maxTtl, uses = 0) {
  await vault.api.must('POST', `auth/approle/role/${name}`,
    { token_ttl: ttl, token_max_ttl: maxTtl, token_policies: ['own-token-reader'], secret_id_num_uses: uses });
  return (await vault.api.must('GET', `auth/approle/role/${name}/role-id`)).body.data.role_id;
}

/** A new secret id of the role written to `file` (mode 600); returns it. */
async function secretId(name, file) {
  const id = (await vault.api.must('POST', `auth/approle/role/${name}/secret-id`, {})).body.data.secret_id;
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** Vault's view of a token by its accessor (the root token may look any up). */
async function byAccessor(accessor) {
  return (await vault.api.must('POST', 'auth/token/lookup-accessor', { accessor })).body.data;
}

/** The accessors of the tokens the server logged in to, in order, from its stderr. */
function accessors(log) {
  return [...log.matchAll(/logged in with AppRole at auth\/approle\/login: token accessor (\S+),/g)].map((m) => m[1]);
}

async function until(what, check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A client of the HTTP jar presenting MCP_AUTH_TOKEN's bearer: its session uses the server's own token. */
async function connectBearer(url) {
  const transport = new StreamableHTTPClientTransport(new URL(url),
    { requestInit: { headers: { Authorization: `Bearer ${BEARER}` } } });
  const client = new Client({ name: 'vault-mcp-server-e2e', version: '1.0.0' });
  await client.connect(transport, { timeout: 30_000 });
  return {
    call: (name, args = {}) => client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 }),
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

function assertNothingSecretIn(log, ...secrets) {
  assert.doesNotMatch(log, /hvs\./, 'no Vault token in the log');
  for (const secret of [BEARER, vault.rootToken, ...secrets]) assert.ok(!log.includes(secret), `the log holds ${secret}`);
}

describe('the server\'s own token', { concurrency: true }, () => {
  test('AppRole over HTTP: login, renewals, a new login near the max TTL with a fresh secret id', async () => {
    const roleId = await role('short', '4s', '10s', 1);
    const file = join(dir, 'short-secret-id');
    const first = await secretId('short', file);
    const server = await startServer('http', { vaultAddr: vault.addr,
      env: { VAULT_ROLE_ID: roleId, VAULT_SECRET_ID_FILE: file, MCP_AUTH_TOKEN: BEARER } });
    let peer;
    try {
      // Logged in before listening: the token is Vault's, from this role.
      const [accessor] = accessors(server.log());
      assert.ok(accessor, server.log());
      assert.equal((await byAccessor(accessor)).path, 'auth/approle/login');
      peer = await connectBearer(server.url);
      assert.deepEqual(structured(await peer.call('read_secret', { mount: 'secret', path: 'app/config' })).data, SECRET);

      // Renewed when two thirds of its 4 s have passed: Vault records the renewal.
      const renewed = await until('a renewal', async () => {
        const token = await byAccessor(accessor);
        return token.last_renewal_time ? token : null;
      });
      assert.ok(renewed.ttl > 0 && renewed.ttl <= 4, JSON.stringify(renewed));
      await until('the renewal in the log', () => /renewed the server's Vault token for \d+s/.test(server.log()));

      // Near the 10 s max TTL it logs in again; the file still holds the used single-use secret id.
      await until('the failed login', () => /ERROR AppRole login failed: Vault answered 400 for POST auth\/approle\/login: "invalid role or secret ID"; the current token is kept until it expires/.test(server.log()));
      const fresh = await secretId('short', file);
      const [, next] = await until('a second login', () => {
        const all = accessors(server.log());
        return all.length >= 2 ? all : null;
      });
      assert.notEqual(next, accessor);
      assert.equal((await byAccessor(next)).path, 'auth/approle/login');

      // The same bearer session now runs with the new token.
      assert.deepEqual(structured(await peer.call('read_secret', { mount: 'secret', path: 'app/config' })).data, SECRET);
      assertNothingSecretIn(server.log(), first, fresh);
    } finally {
      await peer?.close();
      await server.close();
    }
  });

  test('AppRole over stdio with a response-wrapped secret id, unwrapped once', async () => {
    const roleId = await role('wrapped', '1m', '5m');
    const answer = await fetch(`${vault.addr}/v1/auth/approle/role/wrapped/secret-id`, { method: 'POST',
      headers: { 'X-Vault-Token': vault.rootToken, 'X-Vault-Wrap-TTL': '60s' }, body: '{}' }).then((r) => r.json());
    const wrapping = answer.wrap_info.token;
    const file = join(dir, 'wrapped-secret-id');
    writeFileSync(file, wrapping, { mode: 0o600 });
    const server = await startServer('stdio', { vaultAddr: vault.addr,
      env: { VAULT_ROLE_ID: roleId, VAULT_SECRET_ID_FILE: file } });
    try {
      const peer = await server.connect('');
      assert.deepEqual(structured(await peer.call('read_secret', { mount: 'secret', path: 'app/config' })).data, SECRET);
      const [accessor] = accessors(server.log());
      assert.equal((await byAccessor(accessor)).meta.role_name, 'wrapped');
      const again = await vault.api.withToken(wrapping).post('sys/wrapping/unwrap');
      assert.equal(again.status, 400, 'the wrapping token was used up by the server');
      assertNothingSecretIn(server.log(), wrapping);
    } finally {
      await server.close();
    }
  });

  test('a revoked VAULT_TOKEN ends start-up over HTTP with status 2, and is an isError on stdio', async () => {
    const token = (await vault.api.must('POST', 'auth/token/create', { policies: ['own-token-reader'], ttl: '1h' }))
      .body.auth.client_token;
    await vault.api.withToken(token).must('POST', 'auth/token/revoke-self');
    const run = await runJar({ TRANSPORT_MODE: 'http', TRANSPORT_HOST: '127.0.0.1', TRANSPORT_PORT: '0',
      VAULT_ADDR: vault.addr, VAULT_TOKEN: token });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /vault-mcp-server: Vault does not accept VAULT_TOKEN \(invalid, revoked or expired\): Vault answered: "permission denied"; "invalid token"/);
    assert.doesNotMatch(run.stderr, /listening on/);
    const server = await startServer('stdio', { vaultAddr: vault.addr });
    try {
      const peer = await server.connect(token);
      toolError(await peer.call('read_secret', { mount: 'secret', path: 'app/config' }),
        'The server\'s own Vault token cannot be used: Vault does not accept VAULT_TOKEN (invalid, revoked or expired)');
      assertNothingSecretIn(run.stderr + server.log(), token);
    } finally {
      await server.close();
    }
  });

  test('a VAULT_TOKEN that cannot be renewed is a warning on stderr and in the next answer\'s log notifications', async () => {
    const token = (await vault.api.must('POST', 'auth/token/create',
      { policies: ['own-token-reader'], ttl: '1h', renewable: false })).body.auth.client_token;
    const server = await startServer('stdio', { vaultAddr: vault.addr });
    try {
      const peer = await server.connect(token);
      const messages = [];
      peer.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { messages.push(n.params); });
      await until('the warning', () => /WARNING the server's Vault token cannot be renewed/.test(server.log()));
      structured(await peer.call('read_secret', { mount: 'secret', path: 'app/config' }));
      const warnings = messages.filter((m) => m.level === 'warning');
      assert.equal(warnings.length, 1, JSON.stringify(messages));
      assert.match(warnings[0].data, /^the server's Vault token cannot be renewed \(further\): it expires at .*; give the server a new VAULT_TOKEN before then$/);
      assertNothingSecretIn(server.log(), token);
    } finally {
      await server.close();
    }
  });
});
