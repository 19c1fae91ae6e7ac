// VAULT_AUTH_METHOD=jwt against a real Vault dev server: an HTTP caller brings an identity provider's JWT
// (here a key pair the test makes; Vault trusts it through jwt_validation_pubkeys and a role bound to the
// server's audience), which the server exchanges at auth/jwt/login for the caller's own Vault token. The
// session runs with that token's policy, survives an OAuth refresh, and its tokens are revoked at DELETE;
// refused JWTs get 401 with the RFC 9728 metadata; nothing secret reaches the server's stderr. The session
// part speaks 2025-11-25 (scripts/e2e.sh runs this suite with the v1 client); a stateless request is sent by hand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { identityProvider, trustInVault } from '../harness/jwt.mjs';
import { startServer } from '../harness/mcp.mjs';
import { PERMISSION_DENIED, structured, toolError } from '../harness/results.mjs';
import { startDevVault } from '../harness/vault.mjs';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const CHALLENGE = `Bearer resource_metadata="${METADATA}"`;
const POLICY = 'path "jwt-kv/data/team/*" { capabilities = ["read"] }';
const INITIALIZE = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'jwt-e2e', version: '1' } },
};

let vault;
let idp;
let server;
const jwts = []; // every JWT the suite sends, none of which may reach the log

function jwt(sub, aud = RESOURCE, expiresIn = 600) {
  const token = idp.jwt(sub, aud, expiresIn);
  jwts.push(token);
  return token;
}

async function post(body, headers = {}) {
  const response = await fetch(server.url, {
    method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  });
  const text = await response.text();
  const data = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
  return { status: response.status, headers: response.headers, body: data.length ? data.at(-1) : JSON.parse(text) };
}

/** The live tokens Vault issued at auth/jwt/login, by the user in their display name ("jwt-alice"). */
async function jwtTokens(user) {
  const accessors = (await vault.api.list('auth/token/accessors')).body.data.keys;
  const found = [];
  for (const accessor of accessors) {
    const { status, body } = await vault.api.post('auth/token/lookup-accessor', { accessor });
    if (status === 200 && body.data.path === 'auth/jwt/login' && body.data.display_name === `jwt-${user}`) {
      found.push({ accessor, policies: body.data.policies });
    }
  }
  return found;
}

async function eventually(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await sleep(100);
  }
}

before(async () => {
  vault = await startDevVault();
  idp = identityProvider();
  await vault.api.must('POST', 'sys/mounts/jwt-kv', { type: 'kv', options: { version: '2' } });
  await vault.api.eventually('POST', 'jwt-kv/data/team/plan', { data: { step: 'one' } });
  await vault.api.must('POST', 'jwt-kv/data/ops/root', { data: { secret: 'not for agents' } });
  await trustInVault(vault.api, idp, { audience: RESOURCE, policyHcl: POLICY });
  server = await startServer('http', {
    vaultAddr: vault.addr,
    env: {
      VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_JWT_ROLE: 'agents', MCP_RESOURCE_URL: RESOURCE,
      MCP_OAUTH_ISSUERS: idp.issuer, MCP_LOG_LEVEL: 'debug',
    },
  });
});
after(async () => {
  await server?.close();
  await vault?.stop();
});

test('the protected-resource metadata names the resource and its issuer, at both well-known paths', async () => {
  const origin = new URL(server.url).origin;
  for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    const response = await fetch(origin + path, { headers: { 'MCP-Protocol-Version': '2025-11-25' } });
    assert.equal(response.status, 200, path);
    assert.deepEqual(await response.json(), {
      resource: RESOURCE, authorization_servers: [idp.issuer], bearer_methods_supported: ['header'],
      resource_name: 'vault-mcp-server',
    });
  }
  assert.equal((await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, { method: 'POST' })).status, 405);
});

test('initialize without credentials gets 401 pointing at the metadata, so OAuth discovery can start', async () => {
  const r = await post(INITIALIZE);
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), CHALLENGE);
  assert.equal(r.headers.get('mcp-session-id'), null);
});

test('an expired JWT, another audience, another key\'s signature and garbage get 401 with invalid_token', async () => {
  const forger = identityProvider();
  const refused = {
    expired: jwt('alice', RESOURCE, -120),
    'another audience': jwt('alice', 'https://other.example/mcp'),
    'another key': forger.jwt('alice', RESOURCE),
    garbage: 'not.a-jwt',
  };
  jwts.push(refused['another key']);
  for (const [what, token] of Object.entries(refused)) {
    const r = await post(INITIALIZE, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 401, what);
    assert.equal(r.headers.get('www-authenticate'), `${CHALLENGE}, error="invalid_token"`, what);
    assert.equal(r.body.error.code, -32000, what);
  }
  assert.deepEqual(await jwtTokens('alice'), [], 'Vault issued no token');
});

test('a stateless request (2026-07-28) may bring the JWT; its token is never revoked by the server', async () => {
  const headers = {
    Authorization: `Bearer ${jwt('carol')}`, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call',
    'Mcp-Name': 'read_secret',
  };
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const r = await post({
    jsonrpc: '2.0', id: 5, method: 'tools/call',
    params: { name: 'read_secret', arguments: { mount: 'jwt-kv', path: 'team/plan' }, _meta: meta },
  }, headers);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(structured(r.body.result).data, { step: 'one' });
  assert.equal((await jwtTokens('carol')).length, 1);
});

describe('a session opened with a JWT', () => {
  let current;
  let peer;
  before(async () => {
    current = jwt('alice');
    peer = await server.connect(null, { authorization: () => `Bearer ${current}` });
  });

  test('its tools run with the caller\'s own token: a secret outside its policy is refused by Vault', async () => {
    assert.deepEqual(structured(await peer.call('read_secret', { mount: 'jwt-kv', path: 'team/plan' })).data,
      { step: 'one' });
    toolError(await peer.call('read_secret', { mount: 'jwt-kv', path: 'ops/root' }), PERMISSION_DENIED);
    const tokens = await jwtTokens('alice');
    assert.equal(tokens.length, 1, 'one login for the whole session');
    assert.deepEqual(tokens[0].policies, ['agents', 'default']);
  });

  test('a refreshed JWT (new iat and exp, same sub) keeps the session, which moves to the new login', async () => {
    const session = peer.sessionId();
    const [first] = await jwtTokens('alice');
    await sleep(1_100); // a new iat
    current = jwt('alice', RESOURCE, 1200);
    assert.deepEqual(structured(await peer.call('read_secret', { mount: 'jwt-kv', path: 'team/plan' })).data,
      { step: 'one' });
    assert.equal(peer.sessionId(), session);
    const live = (await jwtTokens('alice')).map((t) => t.accessor);
    assert.equal(live.length, 2, 'a login of its own');
    assert.ok(live.includes(first.accessor), 'the first token stays for calls that began with it');
    await vault.api.must('POST', 'auth/token/revoke-accessor', { accessor: first.accessor });
    assert.deepEqual(structured(await peer.call('read_secret', { mount: 'jwt-kv', path: 'team/plan' })).data,
      { step: 'one' }, 'the session calls with the new login\'s token');
  });

  test('the session\'s DELETE revokes the Vault tokens it holds', async () => {
    const tokens = await jwtTokens('alice');
    await peer.close(); // terminateSession: DELETE with the session id and the JWT
    await eventually(async () => (await jwtTokens('alice')).length === 0, 'no live token of alice');
    for (const { accessor } of tokens) {
      const { status } = await vault.api.post('auth/token/lookup-accessor', { accessor });
      assert.notEqual(status, 200, 'a look-up of a revoked token fails');
    }
    assert.equal((await jwtTokens('carol')).length, 1, 'the stateless caller\'s token lives on until its TTL');
  });
});

test('no JWT and no Vault token ever appears in the server\'s stderr', () => {
  const log = server.log();
  assert.ok(log.includes('DEBUG') || log.includes('debug'), 'the log is at debug level');
  for (const token of jwts) {
    assert.ok(!log.includes(token.split('.')[2]), 'a JWT (or its signature) is in the log');
  }
  assert.ok(!/hvs\.[A-Za-z0-9_-]{20}/.test(log), 'a Vault token is in the log');
});
