// The data every suite starts from, set up through Vault's HTTP API with the root token; the
// returned object says what was made, so the suites can check the tools' answers against it.
//   kv1/       KV v1: app/config, app/db, top
//   kv2/       KV v2: app/config (3 versions), app/retired (version 2 soft-deleted), team/ops/notes
//   pki-root/  PKI: one root issuer "root-2026"
//   pki-int/   PKI: intermediate issuer "int-2026" signed by pki-root; roles "web" and "any"
// plus a token with policy "e2e-limited" (and "default"): it may list and read kv1/app/* and
// kv2's app/* but nothing else (no sys/mounts, no writes).

export const KV1 = {
  'app/config': { username: 'app', password: 'kv1-password' },
  'app/db': { host: 'db.internal', port: '5432' },
  top: { note: 'not for the limited token' },
};

export const KV2_CONFIG_VERSIONS = [
  { api_key: 'key-v1' },
  { api_key: 'key-v2', region: 'eu-west' },
  { api_key: 'key-v3', region: 'eu-central', feature: 'on' },
];

export const LIMITED_POLICY = `
path "kv1/app/*"          { capabilities = ["read", "list"] }
path "kv2/metadata/app/*" { capabilities = ["read", "list"] }
path "kv2/data/app/*"     { capabilities = ["read"] }
`;

export async function setUpData(api) {
  await api.must('POST', 'sys/mounts/kv1', { type: 'kv', options: { version: '1' }, description: 'e2e KV v1' });
  await api.must('POST', 'sys/mounts/kv2', { type: 'kv', options: { version: '2' }, description: 'e2e KV v2' });
  for (const [path, data] of Object.entries(KV1)) await api.must('POST', `kv1/${path}`, data);

  // A new KV v2 mount upgrades itself for a moment and refuses writes meanwhile.
  await api.eventually('POST', 'kv2/data/app/config', { data: KV2_CONFIG_VERSIONS[0] });
  for (const data of KV2_CONFIG_VERSIONS.slice(1)) await api.must('POST', 'kv2/data/app/config', { data });
  await api.must('POST', 'kv2/data/app/retired', { data: { token: 'retired-v1' } });
  await api.must('POST', 'kv2/data/app/retired', { data: { token: 'retired-v2' } });
  await api.must('POST', 'kv2/delete/app/retired', { versions: [2] });
  await api.must('POST', 'kv2/data/team/ops/notes', { data: { pager: 'not for the limited token' } });
  const retired = (await api.must('GET', 'kv2/metadata/app/retired')).body.data;

  const pki = await setUpPki(api);

  await api.must('PUT', 'sys/policies/acl/e2e-limited', { policy: LIMITED_POLICY });
  const created = await api.must('POST', 'auth/token/create', { policies: ['e2e-limited'], ttl: '2h', display_name: 'e2e-limited' });

  return {
    kv1: { mount: 'kv1', secrets: KV1 },
    kv2: {
      mount: 'kv2',
      configVersions: KV2_CONFIG_VERSIONS,
      retired: { path: 'app/retired', deletedVersion: 2, deletionTime: retired.versions['2'].deletion_time },
    },
    pki,
    limitedToken: created.body.auth.client_token,
  };
}

async function setUpPki(api) {
  for (const mount of ['pki-root', 'pki-int']) {
    await api.must('POST', `sys/mounts/${mount}`, { type: 'pki', description: `e2e ${mount}`, config: { max_lease_ttl: '87600h' } });
  }
  const root = (await api.must('POST', 'pki-root/root/generate/internal',
    { common_name: 'E2E Root CA', issuer_name: 'root-2026', ttl: '87600h', key_type: 'ec', key_bits: 256 })).body.data;

  const csr = (await api.must('POST', 'pki-int/intermediate/generate/internal',
    { common_name: 'E2E Intermediate CA', key_type: 'ec', key_bits: 256 })).body.data.csr;
  const signed = (await api.must('POST', 'pki-root/issuer/root-2026/sign-intermediate',
    { csr, format: 'pem_bundle', ttl: '43800h', common_name: 'E2E Intermediate CA' })).body.data;
  const imported = (await api.must('POST', 'pki-int/intermediate/set-signed', { certificate: signed.certificate })).body.data;
  const intId = Object.entries(imported.mapping).find(([, key]) => key)[0];
  await api.must('POST', `pki-int/issuer/${intId}`, { issuer_name: 'int-2026' });
  const intermediate = (await api.must('GET', `pki-int/issuer/${intId}`)).body.data;

  const roles = {
    web: { issuer_ref: 'int-2026', allowed_domains: ['example.com'], allow_subdomains: true, max_ttl: '72h', ttl: '24h', key_type: 'ec', key_bits: 256 },
    any: { issuer_ref: 'default', allow_any_name: true, max_ttl: '24h', key_type: 'ec', key_bits: 256 },
  };
  for (const [name, role] of Object.entries(roles)) await api.must('POST', `pki-int/roles/${name}`, role);
  return {
    root: { mount: 'pki-root', name: 'root-2026', id: root.issuer_id, certificate: root.certificate.trim() },
    intermediate: { mount: 'pki-int', name: 'int-2026', id: intId, certificate: intermediate.certificate.trim() },
    roles,
  };
}
