// The scripted MCP session of `make demo` (scripts/demo.sh runs it): the official MCP TypeScript
// SDK client (the copy installed for the tests in test/e2e/node_modules) starts the jar over stdio,
// as an MCP client such as Claude Desktop would, and calls a few tools against the demo Vault,
// printing each step: the tool, its arguments and a short summary of the answer.
//
//   DEMO_JAR=build/vault-mcp-server.jar VAULT_ADDR=... VAULT_TOKEN=... node scripts/demo-session.mjs
//
// The jar gets ENABLE_VAULT_OPERATIONS=true (so issue_pki_certificate is offered) and MCP_APPROVAL=off
// (no human to ask in a script). Exits 1 when the session could not run or a tool call failed; a tool
// this build does not offer is reported as skipped.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sdk = `${root}test/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/`; // its "import" export
const { Client } = await import(`${sdk}client/index.js`);
const { StdioClientTransport } = await import(`${sdk}client/stdio.js`);

const jar = process.env.DEMO_JAR || `${root}build/vault-mcp-server.jar`;
const env = {
  VAULT_ADDR: process.env.VAULT_ADDR,
  VAULT_TOKEN: process.env.VAULT_TOKEN,
  ENABLE_VAULT_OPERATIONS: 'true',
  MCP_APPROVAL: 'off',
  ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
}; // the SDK adds only PATH, HOME, USER and the like: no other VAULT_* or MCP_* setting of the shell

const say = (line = '') => process.stdout.write(`${line}\n`);
const indent = (text) => String(text).split('\n').map((l) => `     ${l}`).join('\n');
const wrap = (words, width = 92) => {
  const lines = [''];
  for (const w of words) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + w.length + 2 > width) lines.push('');
    lines[lines.length - 1] += (lines[lines.length - 1] ? ', ' : '') + w;
  }
  return lines.join(',\n');
};

let step = 0;
let failed = 0;
let stderr = '';

const transport = new StdioClientTransport({ command: 'java', args: ['-jar', jar], env, stderr: 'pipe' });
transport.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-20_000); });
const client = new Client({ name: 'vault-mcp-server-demo', version: '1.0.0' });
try {
  await client.connect(transport, { timeout: 30_000 });
} catch (e) {
  say(`error: could not start the MCP session with java -jar ${jar}: ${e.message}`);
  if (stderr) say(`the jar's stderr:\n${indent(stderr.trimEnd())}`);
  process.exit(1);
}
const server = client.getServerVersion();
say(`connected over stdio to ${server?.name} ${server?.version} (java -jar ${jar})`);

// 1. tools/list (all pages), which also arms the SDK's check of every answer against its outputSchema.
const tools = [];
let cursor;
do {
  const page = await client.listTools(cursor === undefined ? undefined : { cursor });
  tools.push(...page.tools);
  cursor = page.nextCursor;
} while (cursor !== undefined);
client.cacheToolMetadata?.(tools);
const offered = new Set(tools.map((t) => t.name));
const readOnly = tools.filter((t) => t.annotations?.readOnlyHint).length;
say();
say(`[${++step}] tools/list`);
say(indent(`${tools.length} tools (${readOnly} read-only, ${tools.length - readOnly} that change Vault):`));
say(indent(wrap(tools.map((t) => t.name))));

/** One tools/call, printed as a step; `summary(structuredContent, result)` returns the lines to show. */
async function call(name, args, summary) {
  say();
  say(`[${++step}] ${name} ${JSON.stringify(args)}`);
  if (!offered.has(name)) {
    say(indent('skipped: not offered by this build'));
    return;
  }
  const t0 = Date.now();
  let result;
  try {
    result = await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
  } catch (e) {
    failed++;
    say(indent(`error: ${e.message}`));
    return;
  }
  const ms = Date.now() - t0;
  if (result.isError) {
    failed++;
    say(indent(`error (${ms} ms): ${result.content?.map((c) => c.text).join(' ')}`));
    return;
  }
  let text;
  try {
    text = summary(result.structuredContent ?? {}, result);
  } catch {
    text = fields(result.structuredContent ?? {}); // an answer of another shape than this script knows
  }
  say(indent(`${text}   (${ms} ms)`));
}

/** For a tool whose answer this script does not know: its scalar fields, shortened. */
function fields(sc) {
  const parts = [];
  for (const [k, v] of Object.entries(sc)) {
    if (v === null || typeof v !== 'object') parts.push(`${k} = ${String(v).slice(0, 40)}`);
    else if (Array.isArray(v)) parts.push(`${k}: ${v.length === 0 ? '[]' : v.slice(0, 5).map((x) => (typeof x === 'object' ? '{...}' : x)).join(', ')}`);
    else parts.push(`${k}: {${Object.keys(v).slice(0, 6).join(', ')}${Object.keys(v).length > 6 ? ', ...' : ''}}`);
  }
  return wrap(parts);
}

await call('list_mounts', {}, (sc) =>
  `${sc.mounts.length} mounts:\n${wrap(sc.mounts.map((m) => `${m.name} (${m.type}${m.kv_version ? ` v${m.kv_version}` : ''})`))}`);

await call('list_secrets', { mount: 'secret' }, (sc) =>
  `${sc.keys.length} key(s) at the top of secret/ (KV v${sc.kv_version}): ${sc.keys.join(', ')}`);

await call('read_secret', { mount: 'secret', path: 'demo/app' }, (sc) =>
  `KV v${sc.kv_version}, version ${sc.metadata?.version ?? '-'}: ` +
  Object.entries(sc.data ?? {}).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') +
  '\n(the model sees the values: MCP_SECRET_VALUES=plain, the default; wrap or redact keep them from it)');

await call('read_secret_metadata', { mount: 'secret', path: 'demo/app' }, (sc) =>
  `current version ${sc.current_version}, ${sc.versions.length} version(s) kept ` +
  `(max_versions ${sc.max_versions || "0: Vault's default, 10"}), cas_required ${sc.cas_required}\n` +
  `created ${sc.created_time ?? '?'}; metadata only, no values`);

await call('lookup_self', {}, (sc) =>
  `token "${sc.display_name}", policies: ${sc.policies.join(', ')}, ` +
  `ttl ${sc.ttl ? `${sc.ttl}s` : '0 (never expires)'}, renewable ${sc.renewable}, accessor ${sc.accessor}`);

await call('issue_pki_certificate', { mount: 'pki', role_name: 'demo', common_name: 'demo.example.com' }, (sc, result) => {
  const forUser = (c) => c.annotations?.audience?.length === 1 && c.annotations.audience[0] === 'user';
  const userBlocks = result.content.filter(forUser);
  const modelText = result.content.filter((c) => !forUser(c)).map((c) => c.text ?? '').join('\n') + JSON.stringify(sc);
  const keyForUser = userBlocks.some((c) => /PRIVATE KEY/.test(c.text ?? ''));
  const keyForModel = /PRIVATE KEY/.test(modelText);
  const expires = sc.expiration ? new Date(sc.expiration * 1000).toISOString().replace('.000', '') : '?';
  return [
    `certificate for ${sc.common_name}, serial number ${sc.serial_number}, ${sc.private_key_type} key, expires ${expires}`,
    keyForUser && !keyForModel
      ? 'the private key went only to the user-only content block (audience ["user"]), not to the model'
      : `private key: ${keyForModel ? 'VISIBLE TO THE MODEL' : 'in no content block'}${keyForUser ? ', also in a user-only block' : ''}`,
  ].join('\n');
});

await client.close();
if (failed) {
  say();
  say(`${failed} step(s) failed; the jar's stderr:\n${indent(stderr.trimEnd())}`);
  process.exit(1);
}
