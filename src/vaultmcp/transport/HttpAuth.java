package vaultmcp.transport;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;

/**
 * Who is calling, from the request headers. A caller brings its own Vault token in
 * {@code X-Vault-Token}; or, only when the operator set MCP_AUTH_TOKEN, that bearer secret in
 * {@code Authorization}, which lends it the server's own VAULT_TOKEN; or nothing, and then it may
 * talk MCP but never reach Vault. A session is bound to the SHA-256 fingerprint of what opened it.
 */
record HttpAuth(Secret bearer, Secret serverToken) {
    /** The token for Vault calls (null: none) and the fingerprint the session is bound to (null: anonymous). */
    record Caller(Secret vaultToken, byte[] fingerprint) {
        boolean anonymous() {
            return fingerprint == null;
        }

        /** The same credential (in constant time), or both anonymous. */
        boolean same(Caller other) {
            return MessageDigest.isEqual(fingerprint, other.fingerprint);
        }
    }

    static final Caller ANONYMOUS = new Caller(null, null);
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1," + Limits.MAX_TOKEN_CHARS + "}");

    Caller identify(Headers headers) throws HttpError {
        String token = headers.getFirst("X-Vault-Token");
        String authorization = headers.getFirst("Authorization");
        if (token != null && authorization != null) {
            throw new HttpError(400, "Bad Request: send either X-Vault-Token or Authorization, not both");
        }
        if (token != null) {
            if (!TOKEN.matcher(token).matches()) {
                throw new HttpError(401, "Unauthorized: X-Vault-Token is malformed");
            }
            return new Caller(new Secret(token), fingerprint("vault-token:" + token));
        }
        if (authorization == null) {
            return ANONYMOUS;
        }
        String presented = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        // Secret.matches compares in constant time; without MCP_AUTH_TOKEN no bearer is valid.
        if (bearer == null || !bearer.matches(presented)) {
            throw new HttpError(401, "Unauthorized: invalid bearer token");
        }
        return new Caller(serverToken, fingerprint("bearer:" + presented));
    }

    private static byte[] fingerprint(String credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
