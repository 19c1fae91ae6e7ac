// A real Vault dev server for one suite, started with the project's scripts/dev-vault.sh
// (127.0.0.1, a port chosen at run time, a random root token, in memory), plus a small client
// for Vault's HTTP API that the suites use to set up data and to check what the tools did.
// VAULT_BIN names the vault binary (scripts/e2e.sh sets it); without it dev-vault.sh builds one.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { stop, track } from './processes.mjs';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DEV_VAULT = `${REPO}scripts/dev-vault.sh`;

// Where setpriv(1) can, the script gets SIGTERM when this process dies, even by SIGKILL; it then stops Vault.
const PDEATHSIG = spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout?.includes('--pdeathsig')
  ? ['setpriv', ['--pdeathsig', 'TERM', '--', 'bash', DEV_VAULT]]
  : ['bash', [DEV_VAULT]];

/**
 * Starts a dev server and resolves once sys/health answers:
 * { addr, rootToken, unsealKey, pid, api (root VaultApi), stop() }.
 */
export async function startDevVault() {
  const child = spawn(PDEATHSIG[0], PDEATHSIG[1], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  track(child.pid, 'scripts/dev-vault.sh', child);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const vars = await new Promise((resolve, reject) => {
    const found = {};
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const m = /^export ([A-Z_]+)=(.*)$/.exec(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (m) found[m[1]] = m[2];
        if (m?.[1] === 'VAULT_DEV_PID') resolve(found);
      }
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`scripts/dev-vault.sh exited (${code ?? signal}) before Vault was up:\n${stderr}`)));
  });
  for (const name of ['VAULT_ADDR', 'VAULT_TOKEN', 'VAULT_UNSEAL_KEY']) {
    if (!vars[name]) throw new Error(`scripts/dev-vault.sh printed no ${name}:\n${stderr}`);
  }
  const addr = vars.VAULT_ADDR;
  return {
    addr,
    rootToken: vars.VAULT_TOKEN,
    unsealKey: vars.VAULT_UNSEAL_KEY,
    pid: Number(vars.VAULT_DEV_PID),
    api: new VaultApi(addr, vars.VAULT_TOKEN),
    log: () => stderr,
    /** Stops Vault (the script stops it by PID when it gets SIGTERM) and waits until both are gone. */
    stop: () => stop(child),
  };
}

/**
 * Starts a dev server that serves TLS (vault server -dev -dev-tls): it writes its CA, certificate and key into
 * `certDir` (vault-ca.pem is the CA). Resolves once sys/health answers over https, checked against that CA:
 * { addr, rootToken, caFile, stop() }. 127.0.0.1 on a port chosen now (with the next one free for the cluster
 * listener), a random root token passed by environment, stopped by PID.
 */
export async function startTlsDevVault(certDir) {
  const bin = process.env.VAULT_BIN
    || spawnSync('bash', [`${REPO}scripts/build-vault.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim();
  const rootToken = `e2e-${randomBytes(16).toString('hex')}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VAULT_')));
  for (let attempt = 1; ; attempt++) {
    const port = await freePortPair();
    const args = ['server', '-dev', '-dev-tls', `-dev-tls-cert-dir=${certDir}`, `-dev-listen-address=127.0.0.1:${port}`,
      '-dev-no-store-token'];
    const [command, prefix] = PDEATHSIG[0] === 'setpriv' ? ['setpriv', ['--pdeathsig', 'TERM', '--', bin]] : [bin, []];
    const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, VAULT_DEV_ROOT_TOKEN_ID: rootToken } });
    track(child.pid, 'vault server -dev -dev-tls', child);
    let output = '';
    child.stdout.on('data', (chunk) => { output = (output + chunk).slice(-20_000); });
    child.stderr.on('data', (chunk) => { output = (output + chunk).slice(-20_000); });
    const addr = `https://127.0.0.1:${port}`;
    const caFile = `${certDir}/vault-ca.pem`;
    const deadline = Date.now() + 60_000;
    while (child.exitCode === null && Date.now() < deadline && await tlsHealth(addr, caFile) !== 200) await sleep(100);
    if (child.exitCode === null && Date.now() < deadline) {
      return { addr, rootToken, caFile, log: () => output, stop: () => stop(child) };
    }
    await stop(child);
    if (attempt >= 3 || !/address already in use/i.test(output)) throw new Error(`vault -dev-tls did not start:\n${output}`);
  }
}

/** The status of GET sys/health over https trusting only `caFile`, or 0 while nothing answers. */
function tlsHealth(addr, caFile) {
  let ca;
  try {
    ca = readFileSync(caFile);
  } catch {
    return Promise.resolve(0); // not written yet
  }
  return new Promise((resolve) => {
    const req = httpsRequest(`${addr}/v1/sys/health`, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A free port P on 127.0.0.1 with P+1 free too (the dev server's cluster listener takes P+1). */
async function freePortPair() {
  const listen = (port) => new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(null)).listen(port, '127.0.0.1', () => resolve(server));
  });
  for (;;) {
    const first = await listen(0);
    const port = first.address().port;
    const second = port < 65535 ? await listen(port + 1) : null;
    await new Promise((resolve) => first.close(resolve));
    if (second) {
      await new Promise((resolve) => second.close(resolve));
      return port;
    }
  }
}

/** Vault's HTTP API with one token; answers of any status come back as { status, body, text }. */
export class VaultApi {
  constructor(addr, token) {
    this.addr = addr;
    this.token = token;
  }

  withToken(token) {
    return new VaultApi(this.addr, token);
  }

  async request(method, path, body) {
    const headers = { 'X-Vault-Request': 'true' };
    if (this.token) headers['X-Vault-Token'] = this.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.addr}/v1/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (HEAD, or a proxy page): the caller sees text
    }
    return { status: response.status, body: json, text };
  }

  get(path) { return this.request('GET', path); }
  list(path) { return this.request('GET', `${path}?list=true`); }
  post(path, body) { return this.request('POST', path, body ?? {}); }
  put(path, body) { return this.request('PUT', path, body ?? {}); }
  delete(path) { return this.request('DELETE', path); }

  /** Like request, but a status of 400 or more is an error naming the request and Vault's errors. */
  async must(method, path, body) {
    const answer = await this.request(method, path, body);
    if (answer.status >= 400) {
      throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.text.trim()}`);
    }
    return answer;
  }

  /**
   * Retries `must` while Vault is briefly busy, as right after a KV v2 mount is enabled (it
   * upgrades the mount in the background and answers 400/503 meanwhile) or after unsealing.
   */
  async eventually(method, path, body, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.must(method, path, body);
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(100);
      }
    }
  }
}
