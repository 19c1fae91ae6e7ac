// The load generator of scripts/bench.sh: read_secret calls against one MCP server, over stdio or
// Streamable HTTP, with keep-alive connections. Node's standard library only. Prints one JSON line.
//
//   node scripts/bench-load.mjs start <runs> -- <command> [args...]
//       process start to the initialize answer, and to the tools/list answer after it, <runs> times
//   node scripts/bench-load.mjs stdio <warm-up calls> <calls> <mount> <path> -- <command> [args...]
//       one process: start time, resident memory 1 s after start and after the warm-up, then <calls>
//       sequential calls: calls per second, latency percentiles (ms), the server's CPU milliseconds per
//       call (utime + stime from /proc/<pid>/stat)
//   node scripts/bench-load.mjs http <url> <pid> <sessions> <seconds> <mount> <path>
//       <sessions> sessions calling in a loop for <seconds> after a one-second warm-up: the same
//       figures, and the peak resident memory sampled during the run; the sessions end with DELETE
//   node scripts/bench-load.mjs vault <VAULT_ADDR> <connections> <seconds> <path>
//       Vault alone: keep-alive GETs of /v1/<path>, per second and p50
//   node scripts/bench-load.mjs table <results file>
//       the table of scripts/bench.sh from the JSON lines the runs above printed (plus server, test, sessions)
// The Vault token comes from VAULT_TOKEN (sent as X-Vault-Token over HTTP).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [mode, ...args] = process.argv.slice(2);
const token = process.env.VAULT_TOKEN;
const TICKS_PER_SECOND = 100; // USER_HZ: /proc reports CPU time in these on Linux

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND; // utime, stime
}

function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function report(extra, calls, errors, seconds, latencies, cpu, rss) {
  latencies.sort((a, b) => a - b);
  const round = (x, d = 2) => Number(x.toFixed(d));
  console.log(JSON.stringify({
    ...extra, calls, errors, seconds: round(seconds), perSecond: Math.round(calls / seconds),
    p50: round(percentile(latencies, 0.5)), p90: round(percentile(latencies, 0.9)),
    p99: round(percentile(latencies, 0.99)), cpuMsPerCall: round(cpu / calls, 3), rssMb: rss,
  }));
}

const initialize = (id) => ({ jsonrpc: '2.0', id, method: 'initialize', params: {
  protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
const readSecret = (id, mount, path) => ({ jsonrpc: '2.0', id, method: 'tools/call',
  params: { name: 'read_secret', arguments: { mount, path } } });

function check(answer) {
  return answer.result && !answer.result.isError;
}

const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server process on stdio: ask() sends one request and resolves with its answer. */
function launch(command, args) {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  let buffered = '';
  let waiting = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const answer = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if (answer.id !== undefined && waiting) { const w = waiting; waiting = null; w(answer); }
    }
  });
  const ask = (message) => new Promise((resolve) => { waiting = resolve; child.stdin.write(JSON.stringify(message) + '\n'); });
  const stop = () => { child.stdin.end(); return new Promise((resolve) => child.on('exit', resolve)); };
  return { child, started, ask, stop };
}

function split(rest) {
  const dashes = rest.indexOf('--');
  if (dashes < 0 || dashes === rest.length - 1) throw new Error('expected -- <command> [args...]');
  return [rest.slice(0, dashes), rest[dashes + 1], rest.slice(dashes + 2)];
}

async function start(rest) {
  const [[runs], command, args] = split(rest);
  const startMs = [];
  const listMs = [];
  const since = (server) => Number((Number(process.hrtime.bigint() - server.started) / 1e6).toFixed(1));
  for (let i = 0; i < Number(runs); i++) {
    const server = launch(command, args);
    await server.ask(initialize(0));
    startMs.push(since(server));
    server.child.stdin.write(JSON.stringify(initialized) + '\n');
    await server.ask({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    listMs.push(since(server));
    await server.stop();
  }
  console.log(JSON.stringify({ startMs, listMs }));
}

async function stdio(rest) {
  const [[warmUp, calls, mount, path], command, args] = split(rest);
  const server = launch(command, args);
  const pid = server.child.pid;
  await server.ask(initialize(0));
  const startMs = Number((Number(process.hrtime.bigint() - server.started) / 1e6).toFixed(1));
  server.child.stdin.write(JSON.stringify(initialized) + '\n');
  await sleep(1000);
  const rssStart = rssMb(pid);
  let id = 1;
  for (let i = 0; i < Number(warmUp); i++) await server.ask(readSecret(id++, mount, path));
  const rssWarm = rssMb(pid);
  const n = Number(calls);
  const latencies = [];
  let errors = 0;
  const cpu0 = cpuMs(pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    if (!check(await server.ask(readSecret(id++, mount, path)))) errors++;
    latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuMs(pid) - cpu0;
  const rss = rssMb(pid);
  await server.stop();
  report({ startMs, rssStartMb: rssStart, rssWarmMb: rssWarm }, n, errors, seconds, latencies, cpu, rss);
}

function post(agent, url, body, session, method = 'POST') {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
    'X-Vault-Token': token };
  if (session) { headers['Mcp-Session-Id'] = session; headers['MCP-Protocol-Version'] = '2025-11-25'; }
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const data = text.startsWith('event:') || text.startsWith('data:')
          ? text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).pop() : text;
        resolve({ session: response.headers['mcp-session-id'], answer: data ? JSON.parse(data) : null });
      });
    });
    request.on('error', reject);
    request.end(body ? JSON.stringify(body) : undefined);
  });
}

async function httpLoad([url, pid, sessions, seconds, mount, path]) {
  const n = Number(sessions);
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  const ids = [];
  for (let i = 0; i < n; i++) {
    const { session } = await post(agent, url, initialize(0));
    await post(agent, url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    ids.push(session);
  }
  const latencies = [];
  let calls = 0;
  let errors = 0;
  let measuring = false;
  let stop = false;
  const worker = async (session) => {
    let id = 1;
    while (!stop) {
      const s = process.hrtime.bigint();
      const { answer } = await post(agent, url, readSecret(id++, mount, path), session);
      if (measuring) {
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        calls++;
        if (!check(answer)) errors++;
      }
    }
  };
  const workers = ids.map(worker);
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  let rss = rssMb(pid);
  const sampler = setInterval(() => { rss = Math.max(rss, rssMb(pid)); }, 250);
  const cpu0 = cpuMs(pid);
  const t0 = process.hrtime.bigint();
  measuring = true;
  await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuMs(pid) - cpu0;
  clearInterval(sampler);
  stop = true;
  await Promise.all(workers);
  report({}, calls, errors, elapsed, latencies, cpu, Math.max(rss, rssMb(pid)));
  for (const session of ids) await post(agent, url, null, session, 'DELETE');
  agent.destroy();
}

/** Vault alone: keep-alive GETs of the secret from <connections> loops, for the floor under both servers. */
async function vault([address, connections, seconds, path]) {
  const n = Number(connections);
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  const get = () => new Promise((resolve, reject) => {
    const request = http.request(`${address}/v1/${path}`, { agent, headers: { 'X-Vault-Token': token } }, (r) => {
      r.on('data', () => {});
      r.on('end', () => resolve(r.statusCode));
    });
    request.on('error', reject);
    request.end();
  });
  const latencies = [];
  let calls = 0;
  let errors = 0;
  let measuring = false;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      const s = process.hrtime.bigint();
      const status = await get();
      if (measuring) {
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        calls++;
        if (status !== 200) errors++;
      }
    }
  };
  const loops = Array.from({ length: n }, loop);
  await sleep(1000);
  const t0 = process.hrtime.bigint();
  measuring = true;
  await sleep(Number(seconds) * 1000);
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  stop = true;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({ calls, errors, perSecond: Math.round(calls / elapsed),
    p50: Number(percentile(latencies, 0.5).toFixed(2)) }));
  agent.destroy();
}

/** The table of scripts/bench.sh from its results file: one JSON object per line, medians over rounds. */
function table([file]) {
  const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const median = (xs) => {
    const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
    return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)];
  };
  const pick = (server, test, field, extra = () => true) =>
    median(rows.filter((r) => r.server === server && r.test === test && extra(r)).map((r) => r[field]));
  const all = (server, test, field, extra = () => true) =>
    rows.filter((r) => r.server === server && r.test === test && extra(r)).map((r) => r[field]).join(' ');
  const servers = ['ours', 'bare', 'go'].filter((s) => rows.some((r) => r.server === s));
  const names = { ours: 'ours (README flags)', bare: 'ours (bare java -jar)', go: 'Go server' };
  const fmt = (x, d = 0) => (x === undefined ? '-' : Number(x).toFixed(d));
  const at = (c) => (r) => r.sessions === c;
  const lines = [];
  const row = (label, f) => lines.push(`| ${label} | ${servers.map(f).join(' | ')} |`);
  lines.push(`| figure | ${servers.map((s) => names[s]).join(' | ')} |`);
  lines.push(`|---|${servers.map(() => '---').join('|')}|`);
  row('process start to `initialize` answer, stdio (ms, median)', (s) => fmt(pick(s, 'start', 'ms')));
  row('process start to `tools/list` answer, stdio (ms, median)', (s) => fmt(pick(s, 'start', 'listMs')));
  row('resident memory after start / after 1,000 stdio calls (MB)',
    (s) => `${fmt(pick(s, 'stdio', 'rssStartMb'))} / ${fmt(pick(s, 'stdio', 'rssWarmMb'))}`);
  const peak = (s) => rows.filter((r) => r.server === s && r.test === 'http').map((r) => r.rssMb);
  row('resident memory, HTTP, under load (MB, peak of every run)',
    (s) => (peak(s).length ? fmt(Math.max(...peak(s))) : '-'));
  row('`read_secret` sequential over stdio: calls/s, p50 ms',
    (s) => `${fmt(pick(s, 'stdio', 'perSecond'))}, ${fmt(pick(s, 'stdio', 'p50'), 2)}`);
  row('`read_secret` over stdio: CPU ms per call', (s) => fmt(pick(s, 'stdio', 'cpuMsPerCall'), 2));
  row('`read_secret` over HTTP, 1 / 8 / 32 sessions: calls/s',
    (s) => [1, 8, 32].map((c) => fmt(pick(s, 'http', 'perSecond', at(c)))).join(' / '));
  row('`read_secret` over HTTP, 1 / 8 / 32 sessions: p50 ms',
    (s) => [1, 8, 32].map((c) => fmt(pick(s, 'http', 'p50', at(c)), 2)).join(' / '));
  row('`read_secret` over HTTP, 1 / 8 / 32 sessions: CPU ms per call',
    (s) => [1, 8, 32].map((c) => fmt(pick(s, 'http', 'cpuMsPerCall', at(c)), 2)).join(' / '));
  console.log(lines.join('\n'));
  const failed = rows.filter((r) => r.errors > 0);
  if (failed.length) {
    console.log(`\nWARNING: ${failed.length} runs had calls that failed (see errors below); their figures are not valid.`);
  }
  if (servers.includes('go')) {
    const ratio = (test, field, extra) => fmt(pick('ours', test, field, extra) / pick('go', test, field, extra), 2);
    console.log(`\nours / Go: stdio calls/s ${ratio('stdio', 'perSecond')}x; HTTP calls/s at 1 / 8 / 32 sessions `
      + `${[1, 8, 32].map((c) => ratio('http', 'perSecond', at(c))).join(' / ')}x; HTTP p50 at 1 session `
      + `${fmt(pick('ours', 'http', 'p50', at(1)), 2)} ms against ${fmt(pick('go', 'http', 'p50', at(1)), 2)} ms`);
  }
  if (rows.some((r) => r.server === 'vault')) {
    const direct = (field) => [1, 8, 32].map((c) => fmt(pick('vault', 'direct', field, at(c)), 2)).join(' / ');
    console.log(`Vault alone (keep-alive GETs of the secret) at 1 / 8 / 32 connections: ${direct('perSecond')}`
      + ` per second, p50 ${direct('p50')} ms`);
  }
  console.log('\nEvery run (rounds in order):');
  for (const s of servers) {
    console.log(`  ${names[s]}: start ms [${all(s, 'start', 'ms')}], to tools/list [${all(s, 'start', 'listMs')}]; stdio calls/s [${all(s, 'stdio', 'perSecond')}]`
      + ` p50 [${all(s, 'stdio', 'p50')}] cpu [${all(s, 'stdio', 'cpuMsPerCall')}]`);
    for (const c of [1, 8, 32]) {
      console.log(`    HTTP ${c}: calls/s [${all(s, 'http', 'perSecond', at(c))}] p50 [${all(s, 'http', 'p50', at(c))}]`
        + ` cpu [${all(s, 'http', 'cpuMsPerCall', at(c))}] rss [${all(s, 'http', 'rssMb', at(c))}] errors [${all(s, 'http', 'errors', at(c))}]`);
    }
  }
}

if (mode === 'table') table(args);
else if (mode === 'vault') await vault(args);
else if (mode === 'start') await start(args);
else if (mode === 'stdio') await stdio(args);
else if (mode === 'http') await httpLoad(args);
else { console.error('usage: bench-load.mjs start|stdio|http|vault|table ...'); process.exit(2); }
