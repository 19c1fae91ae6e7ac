package vaultmcp.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

/**
 * A key pair made for one test that signs JWTs (RS256) the way an identity provider does; its public
 * half, in PEM, is what Vault's JWT auth method takes as jwt_validation_pubkeys.
 */
public final class JwtKey {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private final KeyPair pair;

    public JwtKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as a PEM "PUBLIC KEY" block. */
    public String pem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** A compact JWS of these claims (JSON text), signed with RS256. */
    public String sign(String claimsJson) {
        String signed = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + encode(claimsJson);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(pair.getPrivate());
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWT for {@code sub} and audience {@code aud}, issued now, expiring in {@code expiresIn} s (may be < 0). */
    public String sign(String sub, String aud, long expiresIn) {
        long now = System.currentTimeMillis() / 1000;
        return sign("{\"iss\":\"https://idp.example.com\",\"sub\":\"" + sub + "\",\"aud\":\"" + aud + "\",\"iat\":"
                + now + ",\"exp\":" + (now + expiresIn) + ",\"jti\":\"" + System.nanoTime() + "\"}");
    }

    /**
     * Sets up {@code vault}'s JWT auth method at auth/jwt to trust this key, with the role "agents": bound to
     * {@code audience}, user claim sub, tokens of the policy "agents" ({@code policyHcl}) for {@code tokenTtl}.
     */
    public void trustedBy(FakeVault vault, String audience, String policyHcl, String tokenTtl) {
        vault.enableAuth("jwt", "jwt");
        vault.call("POST", "auth/jwt/config", "{\"jwt_validation_pubkeys\":[" + quoted(pem()) + "]}");
        vault.call("POST", "sys/policies/acl/agents", "{\"policy\":" + quoted(policyHcl) + "}");
        vault.call("POST", "auth/jwt/role/agents", "{\"role_type\":\"jwt\",\"user_claim\":\"sub\",\"bound_audiences\":["
                + quoted(audience) + "],\"token_policies\":[\"agents\"],\"token_ttl\":\"" + tokenTtl + "\"}");
    }

    private static String quoted(String text) {
        return new com.google.gson.JsonPrimitive(text).toString();
    }

    public static String encode(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
