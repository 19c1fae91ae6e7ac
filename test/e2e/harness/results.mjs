// Checks on a tools/call result shared by the suites.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A successful result: structuredContent, and the same JSON as the first text block. Returns the JSON. */
export function structured(result) {
  assert.equal(result.isError ?? false, false, `expected success, got an error: ${result.content?.[0]?.text}`);
  assert.ok(result.structuredContent, 'a successful result carries structuredContent');
  assert.equal(result.content[0].type, 'text');
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, 'the text block holds the same JSON');
  return result.structuredContent;
}

/** An isError result whose text contains every needle (strings or regexps). Returns the text. */
export function toolError(result, ...needles) {
  assert.equal(result.isError, true, `expected isError, got ${JSON.stringify(result.structuredContent ?? result.content)}`);
  assert.equal(result.structuredContent, undefined, 'an error result has no structuredContent');
  const text = result.content.map((c) => c.text).join('\n');
  for (const needle of needles) {
    if (needle instanceof RegExp) assert.match(text, needle);
    else assert.ok(text.includes(needle), `error text ${JSON.stringify(text)} should contain ${JSON.stringify(needle)}`);
  }
  return text;
}

/** Vault's own wording of a denied request, as a tool passes it on. */
export const PERMISSION_DENIED = /permission denied/;

export function certificate(pem) {
  return new X509Certificate(pem);
}

/** True when `child` is signed by the key of `parent` (both PEM). */
export function signedBy(child, parent) {
  const c = certificate(child);
  const p = certificate(parent);
  return c.checkIssued(p) && c.verify(p.publicKey);
}

// The tools the jar offers by default (toolsets kv, pki, sys), read from the manifest the jar bundles.
const MANIFEST = JSON.parse(readFileSync(new URL('../../../src/vaultmcp/tools/tools.json', import.meta.url), 'utf8')).tools
  .filter((t) => ['kv', 'pki', 'sys'].includes(t.toolset));
export const DEFAULT_READ_TOOLS = MANIFEST.filter((t) => !t.privileged).map((t) => t.name).sort();
export const DEFAULT_PRIVILEGED_TOOLS = MANIFEST.filter((t) => t.privileged).map((t) => t.name).sort();
// The Go server's tools (the drop-in set).
export const READ_TOOLS = ['list_mounts', 'list_pki_issuers', 'list_pki_roles', 'list_secrets', 'read_pki_issuer',
  'read_pki_role', 'read_secret'];
export const PRIVILEGED_TOOLS = ['create_mount', 'create_pki_issuer', 'create_pki_role', 'delete_mount', 'delete_pki_role',
  'delete_secret', 'enable_pki', 'issue_pki_certificate', 'write_secret'];
