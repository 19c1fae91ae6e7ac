package vaultmcp.transport;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import vaultmcp.config.Identity;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;
import vaultmcp.log.Log;
import vaultmcp.vault.VaultClient;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * Exchanges an HTTP caller's identity-provider JWT (VAULT_AUTH_METHOD=jwt) at Vault's
 * auth/VAULT_AUTH_JWT_PATH/login for a Vault token of that caller: the only request the JWT is ever sent
 * in. Here only its shape, that its aud names MCP_RESOURCE_URL (the MCP authorization rules make the
 * audience ours to check) and its exp are checked; Vault's role checks the signature, issuer and claims.
 * A login is kept by the JWT's SHA-256 until the earliest of the token's TTL, the JWT's exp and
 * VAULT_AUTH_JWT_CACHE_TTL. The token is never logged nor shown to the caller; once no session uses it,
 * it is revoked ({@link #revoke}), never for a stateless request.
 */
final class JwtExchange {
    /** Vault's answer to a login: the caller's token and entity id. */
    record Login(Secret token, String entity) {}

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){2}");
    private static final VaultPath REVOKE_SELF = VaultPath.of("auth", "token", "revoke-self");

    private final Identity identity;
    private final VaultClient vault;
    private final LongSupplier millis;
    private final Executor background;
    private final Log log;
    private final StrictJson json = new StrictJson(Limits.MAX_JSON_DEPTH);
    private final Semaphore logins = new Semaphore(Limits.TOKEN_LOOKUPS);
    private final HttpAuth.Kept<Login> cache = new HttpAuth.Kept<>();
    private final HttpAuth.Kept<Boolean> refused = new HttpAuth.Kept<>();

    /** {@code millis}: the wall clock in epoch ms (a JWT's exp is one); {@code background} runs revocations. */
    JwtExchange(Identity identity, VaultClient vault, LongSupplier millis, Executor background, Log log) {
        this.identity = identity;
        this.vault = vault;
        this.millis = millis;
        this.background = background;
        this.log = log;
    }

    Identity identity() {
        return identity;
    }

    /** The caller's login: 401 for a JWT malformed, not for us, expired or refused; 503 when Vault cannot say. */
    Login login(String jwt) throws HttpError {
        long expiry = expiry(jwt);
        String key = HexFormat.of().formatHex(HttpAuth.fingerprint("jwt:" + jwt));
        if (refused.get(key, millis.getAsLong()) != null) {
            throw new HttpError(401, "Unauthorized: Vault refused the JWT");
        }
        Login known = cache.get(key, millis.getAsLong());
        if (known == null) {
            HttpError.acquire(logins, Limits.TOKEN_LOOKUP_WAIT, "every JWT login is");
            try {
                known = cache.get(key, millis.getAsLong()); // logged in by another request while this one waited
                known = known != null ? known : exchange(jwt, key, expiry);
            } finally {
                logins.release();
            }
        }
        return known;
    }

    /** The JWT's exp (epoch ms), once its shape, alg and aud are right and it has not expired; else 401. */
    private long expiry(String jwt) throws HttpError {
        JsonObject header = jwt.length() <= Limits.MAX_JWT_CHARS && SHAPE.matcher(jwt).matches() ? part(jwt, 0) : null;
        JsonObject claims = header != null && header.get("alg") instanceof JsonPrimitive alg && alg.isString()
                && !alg.getAsString().equals("none") ? part(jwt, 1) : null;
        if (claims == null) {
            throw new HttpError(401, "Unauthorized: invalid bearer token");
        }
        JsonPrimitive resource = new JsonPrimitive(identity.resourceUrl().toString());
        JsonElement aud = claims.get("aud");
        if (!(aud instanceof JsonArray all ? all.contains(resource) : resource.equals(aud))) {
            throw new HttpError(401, "Unauthorized: the JWT's audience (aud) is not " + resource.getAsString());
        }
        long exp = claims.get("exp") instanceof JsonPrimitive e && e.isNumber() ? (long) (e.getAsDouble() * 1000) : 0;
        if (exp <= millis.getAsLong() - Limits.JWT_CLOCK_SKEW.toMillis()) {
            throw new HttpError(401, "Unauthorized: the JWT has expired (or has no exp)");
        }
        return exp;
    }

    private JsonObject part(String jwt, int index) {
        try {
            byte[] text = Base64.getUrlDecoder().decode(jwt.split("\\.")[index]);
            return json.parse(new String(text, StandardCharsets.UTF_8)) instanceof JsonObject o ? o : null;
        } catch (IllegalArgumentException | JsonException e) {
            return null;
        }
    }

    private Login exchange(String jwt, String key, long expiry) throws HttpError {
        VaultPath path = VaultPath.of("auth", identity.jwtPath(), "login");
        JsonObject body = new JsonObject();
        body.addProperty("jwt", jwt);
        body.addProperty("role", identity.jwtRole()); // empty: the mount's default_role
        VaultResponse answer;
        try {
            answer = vault.send(null, "POST", path, null, body, null, false);
            if (answer.status() == 400 || answer.status() == 403) {
                // Refusals are kept apart, so a flood of forged JWTs cannot push a good login out of the cache;
                // logged at debug, since anyone can send them.
                log.debug("Vault refused a JWT at " + path + ": " + answer.quoted());
                refused.put(key, Boolean.TRUE, millis.getAsLong() + Limits.TOKEN_REFUSED_TTL.toMillis());
                throw new HttpError(401, "Unauthorized: Vault refused the JWT");
            }
            answer.ok();
        } catch (VaultException e) {
            // A caller without any credential yet: Vault's address and words stay in the log.
            log.warn("cannot exchange a JWT: " + e.getMessage());
            throw new HttpError(503, "Service Unavailable: cannot exchange the JWT now; try again later");
        }
        JsonElement answered = answer.body() == null ? null : answer.body().get("auth");
        if (!(answered instanceof JsonObject auth && auth.get("client_token") instanceof JsonPrimitive t)) {
            throw new HttpError(503, "Service Unavailable: Vault's login answer holds no token");
        }
        long now = millis.getAsLong();
        long ttl = auth.get("lease_duration") instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() * 1000 : 0;
        // A JWT within the clock skew is kept to the skew's end too: each login makes a token.
        long until = Math.min(expiry + Limits.JWT_CLOCK_SKEW.toMillis(),
                Math.min(now + identity.jwtCacheTtl().toMillis(), now + ttl));
        String entity = auth.get("entity_id") instanceof JsonPrimitive e ? e.getAsString() : "";
        return cache.put(key, new Login(new Secret(t.getAsString()), entity), until);
    }

    /** Forgets a caller's token that no session uses any more, and revokes it in the background (revoke-self). */
    void revoke(Secret token) {
        cache.removeIf(known -> known.token() == token);
        try {
            background.execute(() -> {
                try {
                    vault.send(token, "POST", REVOKE_SELF, null, null, null, false).ok();
                } catch (VaultException e) {
                    log.debug("a caller's Vault token was not revoked: " + e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("no thread is free to revoke a caller's Vault token; it is left to expire");
        }
    }
}
