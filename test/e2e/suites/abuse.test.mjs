// Over HTTP a Vault token opens a session only once the real Vault has accepted it
// (auth/token/lookup-self at initialize): a made-up token gets 401, a token without the default
// policy (which may not look itself up) is valid, a sealed Vault means 503, and one token holds
// at most MCP_MAX_SESSIONS_PER_CREDENTIAL sessions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../harness/mcp.mjs';
import { PERMISSION_DENIED, toolError } from '../harness/results.mjs';
import { startDevVault } from '../harness/vault.mjs';

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'abuse-e2e', version: '1' } } });

let vault;
let server;
before(async () => {
  vault = await startDevVault();
  server = await startServer('http', { vaultAddr: vault.addr });
});
after(async () => {
  await server?.close();
  await vault?.stop();
});

const headers = (token) => ({ 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'X-Vault-Token': token });

async function initialize(token) {
  const response = await fetch(server.url, { method: 'POST', headers: headers(token), body: INITIALIZE, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, session: response.headers.get('mcp-session-id'), body: await response.json() };
}

const newToken = async (body) => (await vault.api.must('POST', 'auth/token/create', body)).body.auth.client_token;

test('a token the real Vault does not know opens no session: 401, however often it is tried', async () => {
  for (let i = 0; i < 20; i++) {
    const answer = await initialize('hvs.made-up-by-an-attacker');
    assert.equal(answer.status, 401);
    assert.equal(answer.session, null);
    assert.equal(answer.body.error.message, 'Unauthorized: Vault does not accept this X-Vault-Token');
  }
});

test('a token without the default policy cannot look itself up, yet it is valid: it opens a session, and Vault refuses its calls', async () => {
  const token = await newToken({ policies: ['nothing-here'], no_default_policy: true });
  assert.equal((await vault.api.withToken(token).get('auth/token/lookup-self')).status, 403);
  const peer = await server.connect(token);
  toolError(await peer.call('lookup_self'), PERMISSION_DENIED);
});

test('a sealed Vault cannot vouch for a token: 503; once unsealed the same token opens a session', async () => {
  const token = await newToken({ policies: ['default'] });
  await vault.api.must('PUT', 'sys/seal');
  try {
    const sealed = await initialize(token);
    assert.equal(sealed.status, 503);
    assert.match(sealed.body.error.message, /Vault is sealed/);
  } finally {
    await vault.api.must('PUT', 'sys/unseal', { key: vault.unsealKey });
  }
  const deadline = Date.now() + 30_000;
  let answer;
  while ((answer = await initialize(token)).status !== 200) {
    assert.ok(Date.now() < deadline, `no session within 30 s of unsealing: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(answer.session);
});

test('one token holds at most 10 sessions (MCP_MAX_SESSIONS_PER_CREDENTIAL); ending one makes room', async () => {
  const token = await newToken({ policies: ['default'] });
  const sessions = [];
  for (let i = 0; i < 10; i++) {
    const answer = await initialize(token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    sessions.push(answer.session);
  }
  const refused = await initialize(token);
  assert.equal(refused.status, 429);
  assert.match(refused.body.error.message, /MCP_MAX_SESSIONS_PER_CREDENTIAL/);
  const ended = await fetch(server.url, { method: 'DELETE', headers: { ...headers(token), 'Mcp-Session-Id': sessions[0] } });
  assert.equal(ended.status, 204);
  assert.equal((await initialize(token)).status, 200);
});
