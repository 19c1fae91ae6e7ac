// The load generator of scripts/bench.sh: read_secret calls against one MCP server, over stdio or
// Streamable HTTP, with keep-alive connections. Node's standard library only. Prints one JSON line:
// calls, seconds, calls per second, latency percentiles (ms), the server's CPU milliseconds per call
// (utime + stime from /proc/<pid>/stat) and its resident memory (MB, peak sampled during the run).
//
//   node scripts/bench-load.mjs stdio <calls> <mount> <path> -- <command> [args...]
//   node scripts/bench-load.mjs http <url> <pid> <sessions> <seconds> <mount> <path>
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

function report(pid, calls, errors, seconds, latencies, cpu, rss) {
  latencies.sort((a, b) => a - b);
  const round = (x, d = 2) => Number(x.toFixed(d));
  console.log(JSON.stringify({
    calls, errors, seconds: round(seconds), perSecond: Math.round(calls / seconds),
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

async function stdio([calls, mount, path, dashes, command, ...commandArgs]) {
  if (dashes !== '--') throw new Error('usage: stdio <calls> <mount> <path> -- <command> [args...]');
  const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'ignore'] });
  let buffered = '';
  let waiting = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const answer = JSON.parse(line);
      if (answer.id !== undefined && waiting) { const w = waiting; waiting = null; w(answer); }
    }
  });
  const ask = (message) => new Promise((resolve) => { waiting = resolve; child.stdin.write(JSON.stringify(message) + '\n'); });
  await ask(initialize(0));
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  let id = 1;
  for (let i = 0; i < 200; i++) await ask(readSecret(id++, mount, path)); // warm-up
  const n = Number(calls);
  const latencies = [];
  let errors = 0;
  let rss = rssMb(child.pid);
  const cpu0 = cpuMs(child.pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    if (!check(await ask(readSecret(id++, mount, path)))) errors++;
    latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (i % 500 === 0) rss = Math.max(rss, rssMb(child.pid));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rss = Math.max(rss, rssMb(child.pid));
  report(child.pid, n, errors, seconds, latencies, cpuMs(child.pid) - cpu0, rss);
  child.stdin.end();
  await new Promise((resolve) => child.on('exit', resolve));
}

function post(agent, url, body, session) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
    'X-Vault-Token': token };
  if (session) { headers['Mcp-Session-Id'] = session; headers['MCP-Protocol-Version'] = '2025-11-25'; }
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
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
    request.end(JSON.stringify(body));
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
  report(pid, calls, errors, elapsed, latencies, cpu, Math.max(rss, rssMb(pid)));
  agent.destroy();
}

if (mode === 'stdio') await stdio(args);
else if (mode === 'http') await httpLoad(args);
else { console.error('usage: bench-load.mjs stdio|http ...'); process.exit(2); }
