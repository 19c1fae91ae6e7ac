// The soak driver (scripts/soak.sh runs it; plain Node 20, no packages). Three modes:
//   http   URL PID TOKENS_FILE   COUNT clients over Streamable HTTP with session churn
//   stdio  JAR                   COUNT requests over stdio to a jar it starts itself
//   outage URL VAULT_ADDR        writes until a deadline while soak.sh stops and restarts Vault,
//                                then checks every write against Vault (token: SOAK_VAULT_TOKEN)
// Each prints one JSON line of figures on stdout and exits 1 when a figure fails its bound.
// Settings by environment: SOAK_REQUESTS (100000), SOAK_CLIENTS (32), SOAK_MAX_SECONDS (900),
// SOAK_OUTAGE_SECONDS (30), SOAK_WRITERS (8).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 100_000);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 32);
const MAX_MS = Number(process.env.SOAK_MAX_SECONDS ?? 900) * 1000;
const [mode, ...args] = process.argv.slice(2);
const deadline = Date.now() + MAX_MS;
const problems = [];
const problem = (text) => { if (problems.length < 20) problems.push(text); };

// ---- what the server process uses, sampled as the run goes

const samples = [];
function sample(pid, done) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1]);
    samples.push({ done, rssKb: field('VmRSS'), threads: field('Threads'), fds: readdirSync(`/proc/${pid}/fd`).length });
  } catch (e) {
    problem(`cannot sample pid ${pid}: ${e.message}`);
  }
}

/** The server's threads by name (digits dropped), e.g. {"http-connection": 33, "HttpClient-N-Worker-N": 4}. */
function threadNames(pid) {
  const names = {};
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim().replace(/[0-9]+/g, 'N');
      names[name] = (names[name] ?? 0) + 1;
    } catch {
      // the thread ended meanwhile
    }
  }
  return names;
}

/**
 * RSS over the last half within +-10% of its mean there. Threads and file descriptors: their mean over
 * the last quarter within 10% of their mean over the second (the first is warm-up); pools (connection
 * threads end after 30 s idle) and keep-alive connections come and go, a leak climbs with every session.
 */
function resources() {
  const part = (from, to) => samples.slice(Math.floor(samples.length * from), Math.floor(samples.length * to));
  const mb = (kb) => Math.round(kb / 102.4) / 10;
  const stats = (list, key) => ({ min: Math.min(...list.map((s) => s[key])), max: Math.max(...list.map((s) => s[key])),
    mean: list.reduce((a, s) => a + s[key], 0) / list.length });
  const rssLast = stats(part(0.5, 1), 'rssKb');
  const level = (key) => {
    const [second, last] = [stats(part(0.25, 0.5), key), stats(part(0.75, 1), key)];
    return { secondQuarterMean: Math.round(second.mean * 10) / 10, lastQuarterMean: Math.round(last.mean * 10) / 10,
      max: stats(samples, key).max, end: samples.at(-1)[key] };
  };
  const out = {
    samples: samples.length,
    rssMbFirstHalf: { min: mb(stats(part(0, 0.5), 'rssKb').min), max: mb(stats(part(0, 0.5), 'rssKb').max) },
    rssMbLastHalf: { min: mb(rssLast.min), max: mb(rssLast.max), mean: mb(rssLast.mean),
      spreadPct: Math.round(1000 * Math.max(rssLast.max - rssLast.mean, rssLast.mean - rssLast.min) / rssLast.mean) / 10 },
    threads: level('threads'),
    fds: level('fds'),
  };
  if (out.rssMbLastHalf.spreadPct > 10) problem(`RSS over the last half varies by ${out.rssMbLastHalf.spreadPct}%`);
  for (const key of ['threads', 'fds']) {
    if (out[key].lastQuarterMean > out[key].secondQuarterMean * 1.1) problem(`${key} grew: ${JSON.stringify(out[key])}`);
  }
  return out;
}

// ---- JSON-RPC messages and what a well-formed answer to each looks like

let nextId = 1;
const request = (method, params) => ({ jsonrpc: '2.0', id: nextId++, method, ...(params ? { params } : {}) });
const INITIALIZE = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'soak', version: '1' } };
const READ = { name: 'read_secret', arguments: { mount: 'secret', path: 'soak/config' } };
const LIST = { name: 'list_secrets', arguments: { mount: 'secret', path: 'soak/' } };

/** A request for a caller: with a token tools are called too; anonymous callers only ping and list tools. */
function someRequest(withToken) {
  const r = Math.random();
  if (!withToken || r < 0.3) return r < 0.05 ? request('tools/list') : request('ping');
  return request('tools/call', r < 0.8 ? READ : LIST);
}

/** Problem text, or null when `answer` is a well-formed, successful answer to `sent`. */
function check(sent, answer) {
  if (answer?.jsonrpc !== '2.0' || answer.id !== sent.id) return `not the answer to ${sent.id}: ${JSON.stringify(answer)?.slice(0, 200)}`;
  if (!answer.result || answer.error) return `${sent.method} failed: ${JSON.stringify(answer).slice(0, 200)}`;
  if (sent.method === 'tools/call') {
    const { content, isError, structuredContent } = answer.result;
    if (!Array.isArray(content) || isError || typeof structuredContent !== 'object') {
      return `${sent.params.name} gave ${JSON.stringify(answer.result).slice(0, 200)}`;
    }
  }
  if (sent.method === 'tools/list' && !Array.isArray(answer.result.tools)) return 'tools/list without tools';
  return null;
}

// ---- HTTP

const statuses = {};
function post(url, message, session, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
  if (session) headers['Mcp-Session-Id'] = session;
  if (token) headers['X-Vault-Token'] = token;
  return send(url, { method: 'POST', headers, body: JSON.stringify(message) });
}

async function send(url, init) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  const text = await response.text();
  let body = null;
  if (text && (response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const events = text.split('\n').filter((l) => l.startsWith('data: '));
    body = JSON.parse(events.at(-1).slice(6));
  } else if (text) {
    body = JSON.parse(text);
  }
  return { status: response.status, session: response.headers.get('mcp-session-id'), body };
}

async function http(url, pid, tokensFile) {
  const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
  let sent = 0;
  let sessions = 0;
  let abandoned = 0;
  const counted = (answer) => {
    sent++;
    if (sent % 1000 === 0) sample(pid, sent);
    return answer;
  };
  async function client(n) {
    // One client in eight is anonymous; the others each have a token of their own.
    const token = n % 8 === 7 ? null : tokens[n % tokens.length];
    while (sent < REQUESTS && Date.now() < deadline) {
      const init = counted(await post(url, request('initialize', INITIALIZE), null, token));
      if (init.status !== 200 || !init.session || init.body?.result?.protocolVersion !== '2025-11-25') {
        problem(`initialize: ${init.status} ${JSON.stringify(init.body)?.slice(0, 200)}`);
        continue;
      }
      sessions++;
      const initialized = counted(await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.session, token));
      if (initialized.status !== 202 || initialized.body !== null) problem(`notification: ${initialized.status}`);
      for (let i = 5 + Math.floor(Math.random() * 25); i > 0 && sent < REQUESTS; i--) {
        const message = someRequest(token !== null);
        const answer = counted(await post(url, message, init.session, token));
        const wrong = answer.status === 200 ? check(message, answer.body) : `${message.method}: HTTP ${answer.status}`;
        if (wrong) problem(wrong);
      }
      if (Math.random() < 0.125) {
        abandoned++; // left to expire (MCP_SESSION_IDLE_TIMEOUT)
        continue;
      }
      const headers = { 'Mcp-Session-Id': init.session, ...(token ? { 'X-Vault-Token': token } : {}) };
      const ended = counted(await send(url, { method: 'DELETE', headers }));
      if (ended.status !== 204) problem(`DELETE: ${ended.status}`);
    }
  }
  const start = Date.now();
  sample(pid, 0);
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n).catch((e) => problem(`client ${n}: ${e.message}`))));
  const seconds = (Date.now() - start) / 1000;
  if (sent < REQUESTS) problem(`only ${sent} of ${REQUESTS} requests within ${MAX_MS / 1000} s`);
  const fivexx = Object.entries(statuses).filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
  if (fivexx > 0) problem(`${fivexx} answers with status 5xx`);
  return { mode: 'http', requests: sent, clients: CLIENTS, seconds, perSecond: Math.round(sent / seconds), sessions, abandoned,
    statuses, fivexx, ...resources(), threadsAtEnd: threadNames(pid) };
}

// ---- stdio

async function stdio(jar) {
  // The server gets only what java needs and its own settings.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(PATH|HOME|VAULT_.*|MCP_.*)$/.test(k)));
  const child = spawn('java', ['-jar', jar], { stdio: ['pipe', 'pipe', 'ignore'], env });
  const waiting = new Map();
  let answered = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    let answer;
    try {
      answer = JSON.parse(line);
    } catch {
      problem(`not JSON on stdout: ${line.slice(0, 200)}`);
      return;
    }
    const entry = waiting.get(answer.id);
    if (!entry) {
      problem(`an answer nobody asked for: ${line.slice(0, 200)}`);
      return;
    }
    waiting.delete(answer.id);
    answered++;
    const wrong = check(entry.sent, answer);
    if (wrong) problem(wrong);
    entry.resolve();
  });
  const exchange = (message) => new Promise((resolve) => {
    waiting.set(message.id, { sent: message, resolve });
    child.stdin.write(`${JSON.stringify(message)}\n`);
  });
  const start = Date.now();
  await exchange(request('initialize', INITIALIZE));
  child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
  sample(child.pid, 0);
  let sent = 1;
  async function lane() {
    while (sent < REQUESTS && Date.now() < deadline) {
      sent++;
      await exchange(someRequest(true));
      if (sent % 1000 === 0) sample(child.pid, sent);
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, lane));
  const seconds = (Date.now() - start) / 1000;
  const figures = { ...resources(), threadsAtEnd: threadNames(child.pid) };
  child.stdin.end();
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) problem(`the stdio server exited with ${code}`);
  if (answered < REQUESTS) problem(`only ${answered} of ${REQUESTS} requests answered within ${MAX_MS / 1000} s`);
  return { mode: 'stdio', requests: answered, lanes: CLIENTS, seconds, perSecond: Math.round(answered / seconds), exitCode: code, ...figures };
}

/** Counts a message with its numbers (ports, ids, durations) masked, so the same error counts once. */
function tally(counts, text) {
  const key = String(text).replace(/[0-9]+/g, 'N').slice(0, 200);
  counts[key] = (counts[key] ?? 0) + 1;
}

// ---- outage: writes through the server while Vault is stopped and restarted; then every write is checked

async function outage(url, vaultAddr) {
  const root = process.env.SOAK_VAULT_TOKEN;
  const until = Date.now() + Number(process.env.SOAK_OUTAGE_SECONDS ?? 30) * 1000;
  const writes = [];
  const messages = {};
  async function writer(w) {
    let session = null;
    for (let n = 0; Date.now() < until; n++) {
      if (!session) {
        const init = await post(url, request('initialize', INITIALIZE), null, root).catch((e) => ({ status: 0, error: e.message }));
        if (init.status !== 200) {
          // Vault cannot vouch for the token while it is down: a clear 503, then try again.
          tally(messages, `initialize ${init.status}: ${init.body?.error?.message ?? init.error}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        session = init.session;
      }
      const path = `soak/outage/w${w}-${n}`;
      const value = `value-${w}-${n}-${Math.random().toString(36).slice(2)}`;
      const message = request('tools/call', { name: 'write_secret', arguments: { mount: 'secret', path, key: 'v', value } });
      const answer = await post(url, message, session, root).catch((e) => ({ status: 0, body: null, error: e.message }));
      const result = answer.body?.result;
      const confirmed = answer.status === 200 && result && !result.isError && result.structuredContent?.version === 1;
      const text = result?.content?.[0]?.text ?? answer.body?.error?.message ?? answer.error ?? `HTTP ${answer.status}`;
      if (!confirmed) {
        tally(messages, text);
        if (answer.status !== 200 || !result?.isError) problem(`a failed write was not reported as a tool error: ${answer.status} ${text}`);
      }
      writes.push({ path, value, confirmed, status: answer.status });
      if (answer.status === 404) session = null;
      if (!confirmed) await new Promise((resolve) => setTimeout(resolve, 50)); // no busy loop while Vault is down
    }
  }
  await Promise.all(Array.from({ length: Number(process.env.SOAK_WRITERS ?? 8) }, (_, w) => writer(w)));
  // Vault is back (soak.sh waited for it): every confirmed write must be there once, every failed one absent.
  let lost = 0;
  let doubled = 0;
  let appliedThoughFailed = 0;
  for (const write of writes) {
    const meta = await fetch(`${vaultAddr}/v1/secret/metadata/${write.path}`, { headers: { 'X-Vault-Token': root } });
    const read = await fetch(`${vaultAddr}/v1/secret/data/${write.path}`, { headers: { 'X-Vault-Token': root } });
    const versions = meta.status === 200 ? (await meta.json()).data.current_version : 0;
    const stored = read.status === 200 ? (await read.json()).data.data.v : null;
    if (versions > 1) doubled++;
    if (write.confirmed && stored !== write.value) lost++;
    if (!write.confirmed && stored !== null) appliedThoughFailed++;
  }
  if (lost > 0) problem(`${lost} confirmed writes are not in Vault`);
  if (doubled > 0) problem(`${doubled} writes were applied twice`);
  const confirmed = writes.filter((w) => w.confirmed).length;
  if (confirmed === writes.length) problem('no write failed: the outage did not happen during the run');
  return { mode: 'outage', writes: writes.length, confirmed, failed: writes.length - confirmed, lost, doubled, appliedThoughFailed, messages };
}

const run = { http, stdio, outage }[mode];
if (!run) {
  console.error('usage: soak.mjs http URL PID TOKENS_FILE | stdio JAR | outage URL VAULT_ADDR');
  process.exit(2);
}
const figures = await run(...args);
console.log(JSON.stringify({ ...figures, problems }));
process.exit(problems.length === 0 ? 0 : 1);
