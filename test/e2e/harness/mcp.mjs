// Our jar driven by the official MCP TypeScript SDK client, over either transport:
//   stdio  one jar per connection; the caller's token is that jar's VAULT_TOKEN
//   http   one jar (TRANSPORT_MODE=http, no VAULT_TOKEN) for all connections; each caller sends
//          its own token in X-Vault-Token
// so a suite says what it wants (a Vault token, privileged tools on or off) and runs unchanged
// over both. The SDK client validates every structuredContent against the tool's outputSchema
// (from tools/list, which connect() always fetches first). A suite may give the jar more settings
// (env) and let a connection declare the elicitation capability with a handler it controls.
// E2E_CLIENT=v2 runs the same suites with the SDK's v2 client (@modelcontextprotocol/client) pinned to
// protocol 2026-07-28: no initialize, no session, approvals as multi-round-trip requests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { forget, stop, track } from './processes.mjs';
import { REPO } from './vault.mjs';

export const JAR = process.env.E2E_JAR || `${REPO}build/vault-mcp-server.jar`;
/** Which SDK client the suites use: v1 (2025-11-25 sessions) or v2 pinned to the stateless era. */
export const CLIENT = process.env.E2E_CLIENT || 'v1';
const V2 = CLIENT === 'v2';

// The suites check tools, not the rate limiter (it has its own tests): lift the limits.
const JAR_ENV = { MCP_RATE_LIMIT_GLOBAL: '1000:1000', MCP_RATE_LIMIT_SESSION: '1000:1000', MCP_RATE_LIMIT_CREDENTIAL: '1000:1000' };

/**
 * Starts what `mode` needs to serve MCP for the Vault at `vaultAddr` and returns
 * { mode, url, connect(token, options) -> Peer, close() }. `operations` sets ENABLE_VAULT_OPERATIONS;
 * `env` holds more settings for the jar (MCP_TOOLSETS, MCP_APPROVAL, ...).
 * connect's options: `elicitation`, a handler (request, extra) -> ElicitResult; with it the client
 * declares the elicitation capability and answers elicitation/create with what the handler returns;
 * over HTTP `authorization`, a function giving each request's Authorization header (token may then be null).
 */
export async function startServer(mode, { vaultAddr, operations = false, env: extra = {} }) {
  const env = { ...JAR_ENV, VAULT_ADDR: vaultAddr, ENABLE_VAULT_OPERATIONS: String(operations), ...extra };
  const peers = new Set();
  let http = null;
  if (mode === 'http') {
    http = await startHttpJar(env);
  } else if (mode !== 'stdio') {
    throw new Error(`unknown transport ${mode}`);
  }
  return {
    mode,
    /** The MCP endpoint of the HTTP jar (undefined over stdio). */
    url: http?.url,
    async connect(token, options = {}) {
      const peer = http ? await connectHttp(http.url, token, options) : await connectStdio({ ...env, VAULT_TOKEN: token }, options);
      peers.add(peer);
      return peer;
    },
    /** Everything the jar(s) wrote to stderr so far. */
    log: () => [http?.log() ?? '', ...[...peers].map((p) => p.log())].join(''),
    async close() {
      await Promise.all([...peers].map((p) => p.close()));
      if (http) await http.stop();
    },
  };
}

async function connectStdio(env, options) {
  let stderr = '';
  const transport = new (V2 ? StdioV2 : StdioClientTransport)({ command: 'java', args: ['-jar', JAR], env, stderr: 'pipe' });
  transport.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-100_000);
  });
  const peer = await connect(transport, () => stderr, options);
  track(transport.pid, 'vault-mcp-server (stdio)');
  const close = peer.close;
  peer.close = async () => {
    const pid = transport.pid;
    await close();
    forget(pid);
  };
  return peer;
}

async function connectHttp(url, token, options) {
  // options.authorization: a function giving each request's Authorization header (a JWT that may be refreshed)
  const { authorization } = options;
  const transport = new (V2 ? HttpV2 : StreamableHTTPClientTransport)(new URL(url), {
    requestInit: { headers: token ? { 'X-Vault-Token': token } : {} },
    fetch: authorization && ((target, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', authorization());
      return fetch(target, { ...init, headers });
    }),
  });
  const peer = await connect(transport, () => '', options);
  peer.sessionId = () => transport.sessionId;
  const close = peer.close;
  peer.close = async () => {
    if (!V2) await transport.terminateSession().catch(() => {});
    await close();
  };
  return peer;
}

/** Connects (initialize + initialized), then lists the tools, so outputSchema validation is armed. */
async function connect(transport, log, { elicitation } = {}) {
  let protocolVersion;
  const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version) => {
    protocolVersion = version;
    setProtocolVersion?.(version);
  };
  const sent = [];
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    sent.push(message.method ?? 'response');
    return send(message, options);
  };
  const capabilities = elicitation ? { elicitation: {} } : {};
  const client = V2
    ? new ClientV2({ name: 'vault-mcp-server-e2e', version: '2.0.0' },
      { capabilities, versionNegotiation: { mode: { pin: '2026-07-28' } } })
    : new Client({ name: 'vault-mcp-server-e2e', version: '1.0.0' }, { capabilities });
  if (elicitation) client.setRequestHandler(V2 ? 'elicitation/create' : ElicitRequestSchema, elicitation);
  try {
    await client.connect(transport, { timeout: 30_000 });
  } catch (e) {
    await client.close().catch(() => {});
    throw new Error(`MCP connect failed: ${e.message}\n${log()}`);
  }
  if (V2) {
    assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
    assert.ok(!sent.includes('initialize'), `the v2 client pinned to 2026-07-28 sent initialize: ${sent}`);
    protocolVersion = client.getNegotiatedProtocolVersion();
  }
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  client.cacheToolMetadata?.(tools); // listTools caches only its last page (v1)
  return {
    client,
    protocolVersion,
    serverInfo: client.getServerVersion(),
    capabilities: client.getServerCapabilities(),
    tools,
    log,
    /** The methods this client sent, in order ('response' for its answers to our requests). */
    sent,
    /** tools/call; the SDK has checked structuredContent against the outputSchema when this resolves. */
    call: (name, args = {}) => client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 }),
    close: () => client.close(),
  };
}

// Only what java needs from our environment: no VAULT_* setting of the caller's shell leaks in.
function javaEnv() {
  return Object.fromEntries(['PATH', 'HOME', 'JAVA_HOME', 'TMPDIR', 'LANG'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
}

async function startHttpJar(env) {
  const inherited = javaEnv();
  const child = spawn('java', ['-jar', JAR], {
    env: { ...inherited, ...env, TRANSPORT_MODE: 'http', TRANSPORT_HOST: '127.0.0.1', TRANSPORT_PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(child.pid, 'vault-mcp-server (http)', child);
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-100_000);
      const m = / INFO listening on (https?:\S+)/.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code, signal) => reject(new Error(`the HTTP jar exited (${code ?? signal}) before listening:\n${stderr}`)));
  });
  return { url, log: () => stderr, stop: () => stop(child) };
}

/**
 * Runs the jar once with only `env` (plus what java needs) and stdin closed, and resolves with
 * { code, signal, stdout, stderr } when it exits; after `timeoutMs` it is stopped (signal is then set).
 */
export async function runJar(env, { args = [], timeoutMs = 20_000 } = {}) {
  const inherited = javaEnv();
  const child = spawn('java', ['-jar', JAR, ...args], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child.pid, 'vault-mcp-server (run once)', child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const timer = setTimeout(() => stop(child), timeoutMs);
  // 'close' comes after the last output, when both pipes are drained.
  const [code, signal] = await new Promise((resolve) => child.once('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}
