// A stand-in identity provider for the JWT exchange (VAULT_AUTH_METHOD=jwt): a key pair made by the test
// (node:crypto) that signs RS256 JWTs, and Vault's JWT auth method set up to trust its public key
// (jwt_validation_pubkeys) with a role bound to the server's audience.
import { createSign, generateKeyPairSync } from 'node:crypto';

const b64url = (text) => Buffer.from(text).toString('base64url');

/** A key pair: { pem (public, SPKI), sign(claims) -> compact JWS, jwt(sub, aud, expiresIn s, extra) }. */
export function identityProvider(issuer = 'https://idp.example.com') {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sign = (claims) => {
    const signed = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    return `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKey, 'base64url')}`;
  };
  return {
    issuer,
    pem: publicKey.export({ type: 'spki', format: 'pem' }),
    sign,
    jwt(sub, aud, expiresIn = 600, extra = {}) {
      const now = Math.floor(Date.now() / 1000);
      return sign({ iss: issuer, sub, aud, iat: now, exp: now + expiresIn, jti: `${sub}-${now}-${Math.random()}`, ...extra });
    },
  };
}

/**
 * Enables auth/jwt on the Vault of `api` (root), trusting `idp`, with the role `role`: role_type jwt,
 * bound_audiences [audience], user_claim sub, bound_issuer, and tokens of one new policy `policyHcl`.
 */
export async function trustInVault(api, idp, { audience, role = 'agents', policyHcl, ttl = '1h' }) {
  await api.must('POST', 'sys/auth/jwt', { type: 'jwt' });
  await api.must('POST', 'auth/jwt/config', { jwt_validation_pubkeys: [idp.pem], bound_issuer: idp.issuer });
  await api.must('PUT', `sys/policies/acl/${role}`, { policy: policyHcl });
  await api.must('POST', `auth/jwt/role/${role}`, {
    role_type: 'jwt', user_claim: 'sub', bound_audiences: [audience], token_policies: [role], token_ttl: ttl,
  });
}
