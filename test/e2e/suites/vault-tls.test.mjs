// Trust in Vault: a dev server that serves TLS (-dev-tls, its own CA) is reached with VAULT_CACERT (the CA's
// file) and with VAULT_CAPATH (a directory holding the CA's PEM); without either the JDK's trust store does not
// know that CA, and the tool call fails with our clear TLS error. Over stdio, the jar's own trust settings.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../harness/mcp.mjs';
import { structured, toolError } from '../harness/results.mjs';
import { startTlsDevVault } from '../harness/vault.mjs';

let dir;
let vault;
let caPath;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vault-tls-'));
  mkdirSync(join(dir, 'certs'));
  vault = await startTlsDevVault(join(dir, 'certs'));
  caPath = join(dir, 'ca');
  mkdirSync(caPath);
  copyFileSync(vault.caFile, join(caPath, 'vault-ca.pem')); // only the CA: the cert dir also holds Vault's key
});
after(async () => {
  await vault?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a Vault that serves TLS with its own CA', { concurrency: true }, () => {
  for (const [name, env] of [['VAULT_CACERT', () => ({ VAULT_CACERT: vault.caFile })],
    ['VAULT_CAPATH', () => ({ VAULT_CAPATH: caPath })]]) {
    test(`is reached with ${name}`, async () => {
      const server = await startServer('stdio', { vaultAddr: vault.addr, env: env() });
      try {
        const peer = await server.connect(vault.rootToken);
        const mounts = structured(await peer.call('list_mounts')).mounts.map((m) => m.name);
        assert.ok(mounts.includes('secret/'), `mounts: ${mounts}`);
        assert.doesNotMatch(server.log(), /TLS handshake failed/);
      } finally {
        await server.close();
      }
    });
  }

  test('is refused without them, with the clear TLS error', async () => {
    const server = await startServer('stdio', { vaultAddr: vault.addr });
    try {
      const peer = await server.connect(vault.rootToken);
      toolError(await peer.call('list_mounts'),
        `Could not reach Vault at ${vault.addr} for GET sys/mounts: TLS handshake failed (check VAULT_CACERT / VAULT_CAPATH)`);
      assert.doesNotMatch(server.log(), new RegExp(vault.rootToken));
    } finally {
      await server.close();
    }
  });
});
