// The transit toolset (MCP_TOOLSETS=default,transit) against a real Vault, over stdio and HTTP:
// encrypt / decrypt / rewrap after a rotation, sign / verify, HMAC, the refusal of a missing key
// (Vault then shows that no key was made), decrypt under MCP_SECRET_VALUES=wrap and =redact, and
// the toolset's absence by default. What the tools did is checked on Vault through its own API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../harness/mcp.mjs';
import { structured, toolError } from '../harness/results.mjs';
import { TRANSPORTS } from '../harness/transports.mjs';
import { startDevVault } from '../harness/vault.mjs';

const MANIFEST = JSON.parse(await readFile(new URL('../../../src/vaultmcp/tools/tools.json', import.meta.url), 'utf8')).tools;
const TRANSIT_READ = MANIFEST.filter((t) => t.toolset === 'transit' && !t.privileged).map((t) => t.name).sort();
const TRANSIT_PRIVILEGED = MANIFEST.filter((t) => t.toolset === 'transit' && t.privileged).map((t) => t.name).sort();
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const random = (label) => `${label}-${randomBytes(8).toString('hex')}`;

let vault;
before(async () => {
  vault = await startDevVault();
});
after(() => vault?.stop());

for (const mode of TRANSPORTS) {
  const mount = `${mode}-transit`;
  const api = () => vault.api;

  describe(`the transit toolset over ${mode}`, () => {
    let server;
    let peer;
    before(async () => {
      await api().must('POST', `sys/mounts/${mount}`, { type: 'transit', description: `e2e ${mode}` });
      server = await startServer(mode, { vaultAddr: vault.addr, operations: true, env: { MCP_TOOLSETS: 'default,transit' } });
      peer = await server.connect(vault.rootToken);
    });
    after(() => server?.close());

    test('tools/list offers the ten transit tools; sign, hmac and key changes are not read-only', () => {
      assert.equal(TRANSIT_READ.length + TRANSIT_PRIVILEGED.length, 10);
      const offered = peer.tools.map((t) => t.name);
      for (const name of [...TRANSIT_READ, ...TRANSIT_PRIVILEGED]) assert.ok(offered.includes(name), `${name} offered`);
      assert.deepEqual(TRANSIT_PRIVILEGED, ['create_transit_key', 'rotate_transit_key', 'transit_hmac', 'transit_sign']);
      for (const tool of peer.tools.filter((t) => t.name.includes('transit'))) {
        assert.equal(tool.annotations.readOnlyHint, !TRANSIT_PRIVILEGED.includes(tool.name), tool.name);
        assert.ok(tool.outputSchema, `${tool.name} has an outputSchema`);
      }
      const create = peer.tools.find((t) => t.name === 'create_transit_key');
      for (const irreversible of ['exportable', 'allow_plaintext_backup']) assert.equal(create.inputSchema.properties[irreversible], undefined);
    });

    test('create_transit_key makes a key Vault holds, never exportable; a name in use is refused', async () => {
      const created = structured(await peer.call('create_transit_key', { mount, name: 'app' }));
      assert.deepEqual([created.type, created.latest_version, created.exportable, created.allow_plaintext_backup], ['aes256-gcm96', 1, false, false]);
      const real = (await api().must('GET', `${mount}/keys/app`)).body.data;
      assert.deepEqual([real.type, real.exportable, real.allow_plaintext_backup], ['aes256-gcm96', false, false]);
      toolError(await peer.call('create_transit_key', { mount, name: 'app', type: 'ed25519' }), 'There is already a key "app"');
      assert.equal((await api().must('GET', `${mount}/keys/app`)).body.data.type, 'aes256-gcm96');
      const read = structured(await peer.call('read_transit_key', { mount, name: 'app' }));
      assert.deepEqual(Object.keys(read.versions), ['1']);
      assert.deepEqual(structured(await peer.call('list_transit_keys', { mount })).keys, ['app']);
    });

    test('encrypt and decrypt round-trip UTF-8 text; Vault sees base64 and decrypts the ciphertext itself', async () => {
      const text = `h\u00e9llo \u2713 ${random('e2e')}`;
      const sealed = structured(await peer.call('transit_encrypt', { mount, name: 'app', plaintext: text }));
      assert.match(sealed.ciphertext, /^vault:v1:/);
      assert.equal(sealed.key_version, 1);
      assert.ok(!JSON.stringify(sealed).includes(text), 'the answer holds no plaintext');
      const direct = (await api().must('POST', `${mount}/decrypt/app`, { ciphertext: sealed.ciphertext })).body.data;
      assert.equal(direct.plaintext, b64(text), 'the server sent Vault the text in base64');
      const opened = structured(await peer.call('transit_decrypt', { mount, name: 'app', ciphertext: sealed.ciphertext }));
      assert.deepEqual(opened, { mount, name: 'app', plaintext: text, encoding: 'utf8' });
    });

    test('bytes that are not UTF-8 come back in base64, unmangled', async () => {
      const vaultCipher = (await api().must('POST', `${mount}/encrypt/app`, { plaintext: Buffer.from([0xff, 0xfe, 0x00]).toString('base64') })).body.data.ciphertext;
      const opened = structured(await peer.call('transit_decrypt', { mount, name: 'app', ciphertext: vaultCipher }));
      assert.deepEqual([opened.plaintext, opened.encoding], ['//4A', 'base64']);
      assert.match(opened.note, /not UTF-8/);
      const asked = structured(await peer.call('transit_encrypt', { mount, name: 'app', plaintext: '//4A', encoding: 'base64' }));
      assert.equal((await api().must('POST', `${mount}/decrypt/app`, { ciphertext: asked.ciphertext })).body.data.plaintext, '//4A');
    });

    test('after rotate_transit_key, rewrap moves a version 1 ciphertext to version 2 and it still decrypts', async () => {
      const v1 = structured(await peer.call('transit_encrypt', { mount, name: 'app', plaintext: 'rotate me' })).ciphertext;
      const rotated = structured(await peer.call('rotate_transit_key', { mount, name: 'app' }));
      assert.equal(rotated.latest_version, 2);
      assert.equal((await api().must('GET', `${mount}/keys/app`)).body.data.latest_version, 2);
      const rewrapped = structured(await peer.call('transit_rewrap', { mount, name: 'app', ciphertext: v1 }));
      assert.match(rewrapped.ciphertext, /^vault:v2:/);
      assert.equal(rewrapped.key_version, 2);
      for (const ciphertext of [v1, rewrapped.ciphertext]) {
        assert.equal(structured(await peer.call('transit_decrypt', { mount, name: 'app', ciphertext })).plaintext, 'rotate me');
      }
      assert.match(structured(await peer.call('transit_encrypt', { mount, name: 'app', plaintext: 'x' })).ciphertext, /^vault:v2:/);
      toolError(await peer.call('rotate_transit_key', { mount, name: 'never-made' }), 'key not found');
    });

    test('transit_sign and transit_verify: an ed25519 signature Vault accepts, and a changed input fails', async () => {
      structured(await peer.call('create_transit_key', { mount, name: 'signer', type: 'ed25519' }));
      const signed = structured(await peer.call('transit_sign', { mount, name: 'signer', input: 'release 1.0' }));
      assert.match(signed.signature, /^vault:v1:/);
      const real = await api().must('POST', `${mount}/verify/signer`, { input: b64('release 1.0'), signature: signed.signature });
      assert.equal(real.body.data.valid, true, 'Vault itself verifies the signature of the text');
      const check = (input) => peer.call('transit_verify', { mount, name: 'signer', input, signature: signed.signature });
      assert.equal(structured(await check('release 1.0')).valid, true);
      assert.equal(structured(await check('release 6.6')).valid, false);
      const key = structured(await peer.call('read_transit_key', { mount, name: 'signer' }));
      assert.equal(typeof key.versions['1'].public_key, 'string', 'the public key of a signing key');
    });

    test('transit_hmac and its verification, with an algorithm as Vault names it', async () => {
      const made = structured(await peer.call('transit_hmac', { mount, name: 'app', input: 'abc', algorithm: 'sha2-512' }));
      assert.match(made.hmac, /^vault:v2:/);
      const real = await api().must('POST', `${mount}/hmac/app`, { input: b64('abc'), algorithm: 'sha2-512' });
      assert.equal(real.body.data.hmac, made.hmac, 'the same HMAC as Vault computes for the text');
      const check = (input) => peer.call('transit_verify', { mount, name: 'app', input, hmac: made.hmac, hash_algorithm: 'sha2-512' });
      assert.equal(structured(await check('abc')).valid, true);
      assert.equal(structured(await check('abd')).valid, false);
    });

    test('transit_encrypt refuses a missing key, and Vault shows that no key was created', async () => {
      const name = random('missing');
      toolError(await peer.call('transit_encrypt', { mount, name, plaintext: 'x' }), `There is no key "${name}"`, 'nothing was sent');
      const real = await api().get(`${mount}/keys/${name}`);
      assert.equal(real.status, 404, `Vault has no key ${name}: ${real.text}`);
      assert.ok(!(await api().list(`${mount}/keys`)).body.data.keys.includes(name));
      // The same request straight to Vault with the root token would have made the key.
      await api().must('POST', `${mount}/encrypt/${name}-direct`, { plaintext: b64('x') });
      assert.equal((await api().get(`${mount}/keys/${name}-direct`)).status, 200);
    });

    test('a dry run of transit_sign reports the request and signs nothing', async () => {
      const plan = (await peer.call('transit_sign', { mount, name: 'signer', input: 'secret input', dry_run: true })).structuredContent;
      assert.equal(plan.dry_run, true);
      assert.equal(plan.writes[0].path, `${mount}/sign/signer`);
      assert.ok(!JSON.stringify(plan).includes('secret input'), 'the plan names fields, never values');
    });
  });

  describe(`transit decrypt under MCP_SECRET_VALUES=wrap and =redact, and the default toolsets, over ${mode}`, () => {
    const secret = random('plaintext');
    let ciphertext;
    let dir;
    before(async () => {
      await api().must('POST', `sys/mounts/${mount}-values`, { type: 'transit' });
      await api().must('POST', `${mount}-values/keys/app`, {});
      ciphertext = (await api().must('POST', `${mount}-values/encrypt/app`, { plaintext: b64(secret) })).body.data.ciphertext;
      dir = await mkdtemp(join(tmpdir(), `${mode}-transit-`));
    });
    after(() => dir && rm(dir, { recursive: true, force: true }));

    const withServer = async (env, operations, fn) => {
      const server = await startServer(mode, { vaultAddr: vault.addr, operations, env });
      try {
        await fn(await server.connect(vault.rootToken));
      } finally {
        await server.close();
      }
    };

    test('wrap: the model sees an accessor; the user alone gets a token that unwraps once to the plaintext', () =>
      withServer({ MCP_TOOLSETS: 'transit', MCP_SECRET_VALUES: 'wrap' }, false, async (peer) => {
        const result = await peer.call('transit_decrypt', { mount: `${mount}-values`, name: 'app', ciphertext });
        const shown = structured(result);
        assert.equal(shown.plaintext, undefined);
        assert.equal(typeof shown.wrapped.accessor, 'string');
        const forUser = result.content.filter((c) => JSON.stringify(c.annotations?.audience) === '["user"]');
        assert.equal(forUser.length, 1);
        const token = /vault unwrap (\S+)/.exec(forUser[0].text)?.[1];
        assert.ok(token, forUser[0].text);
        const modelSees = result.content.filter((c) => !forUser.includes(c)).map((c) => c.text).join('\n');
        assert.ok(!modelSees.includes(token) && !modelSees.includes(secret) && !modelSees.includes(b64(secret)));
        const unwrapped = await api().withToken(token).post('sys/wrapping/unwrap');
        assert.equal(unwrapped.status, 200, unwrapped.text);
        assert.equal(unwrapped.body.data.plaintext, b64(secret), 'Vault wrapped its own answer: base64, as Vault gives it');
        assert.ok((await api().withToken(token).post('sys/wrapping/unwrap')).status >= 400, 'a second unwrap fails');
      }));

    test('redact: the plaintext is replaced by its length; the audit trail keeps encrypt\'s plaintext as an HMAC only', () => {
      const file = join(dir, 'audit.jsonl');
      return withServer({ MCP_TOOLSETS: 'transit', MCP_SECRET_VALUES: 'redact', MCP_AUDIT_LOG: file }, false, async (peer) => {
        const shown = structured(await peer.call('transit_decrypt', { mount: `${mount}-values`, name: 'app', ciphertext }));
        assert.equal(shown.plaintext, `<redacted: ${secret.length} characters>`);
        const other = random('audited');
        structured(await peer.call('transit_encrypt', { mount: `${mount}-values`, name: 'app', plaintext: other }));
        const trail = await readFile(file, 'utf8');
        assert.match(trail, /transit_encrypt/);
        assert.ok(!trail.includes(other) && !trail.includes(b64(other)) && !trail.includes(secret), 'no plaintext in the trail');
      });
    });

    test('with MCP_TOOLSETS unset the transit tools are absent, with and without operations', async () => {
      for (const operations of [false, true]) {
        await withServer({}, operations, async (peer) => {
          const offered = peer.tools.map((t) => t.name);
          assert.ok(offered.includes('read_secret'));
          for (const name of [...TRANSIT_READ, ...TRANSIT_PRIVILEGED]) assert.ok(!offered.includes(name), `${name} absent`);
          await assert.rejects(peer.call('transit_decrypt', { mount: `${mount}-values`, name: 'app', ciphertext }),
            (e) => e.code === -32602 && /Unknown tool/.test(e.message));
        });
      }
    });
  });
}
