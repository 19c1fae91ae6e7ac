package vaultmcp.transport;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.vault.VaultClient;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * Who is calling, from the request headers. A caller brings its own Vault token in
 * {@code X-Vault-Token}; or, only when the operator set MCP_AUTH_TOKEN, that bearer secret in
 * {@code Authorization}, which lends it the server's own VAULT_TOKEN; or, with VAULT_AUTH_METHOD=jwt, a
 * JWT that {@link JwtExchange} trades for a Vault token of its own; or nothing, and then it may talk MCP
 * but never reach Vault (with the JWT exchange, not even that). A session is bound to the SHA-256
 * fingerprint of what opened it (for a JWT, of the Vault entity it logged in as), and a token opens one
 * only once Vault has accepted it ({@link #verify}).
 */
final class HttpAuth {
    /**
     * The token for Vault calls (null: none), the fingerprint the session is bound to (null: anonymous), and
     * whether the token is the operator's (bearer) or came from a JWT login of ours (exchanged).
     */
    record Caller(Secret vaultToken, byte[] fingerprint, boolean bearer, boolean exchanged) {
        boolean anonymous() {
            return fingerprint == null;
        }

        /** The same credential (in constant time), or both anonymous. */
        boolean same(Caller other) {
            return MessageDigest.isEqual(fingerprint, other.fingerprint);
        }

        /** The fingerprint of the caller's own X-Vault-Token in hex; null for the bearer and anonymous callers. */
        String credential() {
            return anonymous() || bearer ? null : HexFormat.of().formatHex(fingerprint);
        }
    }

    static final Caller ANONYMOUS = new Caller(null, null, false, false);
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1," + Limits.MAX_TOKEN_CHARS + "}");
    private static final VaultPath LOOKUP_SELF = VaultPath.of("auth", "token", "lookup-self");

    private final Secret bearer;
    private final Secret serverToken;
    private final VaultClient vault;
    private final LongSupplier clock;
    private final JwtExchange jwts;
    private final Semaphore lookups = new Semaphore(Limits.TOKEN_LOOKUPS);
    private final Kept<Boolean> verdicts = new Kept<>();

    /** {@code jwts}: the JWT exchange (VAULT_AUTH_METHOD=jwt), or null. */
    HttpAuth(Secret bearer, Secret serverToken, VaultClient vault, LongSupplier clock, JwtExchange jwts) {
        this.bearer = bearer;
        this.serverToken = serverToken;
        this.vault = vault;
        this.clock = clock;
        this.jwts = jwts;
    }

    Caller identify(Headers headers) throws HttpError {
        String token = headers.getFirst("X-Vault-Token");
        String authorization = headers.getFirst("Authorization");
        String header = jwts == null ? "Authorization" : jwts.identity().jwtHeader();
        String jwt = header.equalsIgnoreCase("Authorization") ? null : headers.getFirst(header);
        if ((token != null ? 1 : 0) + (authorization != null ? 1 : 0) + (jwt != null ? 1 : 0) > 1) {
            throw new HttpError(400, "Bad Request: send one credential (X-Vault-Token, Authorization"
                    + (jwt != null ? ", " + header : "") + "), not several");
        }
        if (token != null) {
            if (!TOKEN.matcher(token).matches()) {
                throw new HttpError(401, "Unauthorized: X-Vault-Token is malformed");
            }
            return new Caller(new Secret(token), fingerprint("vault-token:" + token), false, false);
        }
        if (jwt != null) {
            return exchanged(jwt.regionMatches(true, 0, "Bearer ", 0, 7) ? jwt.substring(7).trim() : jwt.trim());
        }
        if (authorization == null) {
            return ANONYMOUS;
        }
        String presented = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        // Secret.matches compares in constant time; without MCP_AUTH_TOKEN no bearer is valid.
        if (bearer != null && bearer.matches(presented)) {
            return new Caller(serverToken, fingerprint("bearer:" + presented), true, false);
        }
        if (jwts == null || presented == null) {
            throw new HttpError(401, "Unauthorized: invalid bearer token");
        }
        return exchanged(presented);
    }

    /** A JWT caller, bound to its Vault entity: a new JWT of the same person (an OAuth refresh) keeps its sessions. */
    private Caller exchanged(String jwt) throws HttpError {
        JwtExchange.Login login = jwts.login(jwt);
        String who = login.entity().isEmpty() ? "jwt-token:" + login.token().reveal() : "jwt-entity:" + login.entity();
        return new Caller(login.token(), fingerprint(who), false, true);
    }

    /** The WWW-Authenticate of a 401; with the JWT exchange, where its RFC 9728 metadata is, and if a JWT failed. */
    String challenge(Headers in) {
        if (jwts == null) {
            return "Bearer realm=\"vault-mcp-server\"";
        }
        boolean presented = in.containsKey("Authorization") || in.containsKey(jwts.identity().jwtHeader());
        return "Bearer resource_metadata=\"" + ResourceMetadata.url(jwts.identity().resourceUrl()) + "\""
                + (presented ? ", error=\"invalid_token\"" : "");
    }

    /**
     * The caller, if Vault accepts its X-Vault-Token (auth/token/lookup-self, its verdict kept for a
     * short time): 401 when Vault does not know the token, 503 when Vault cannot say. A token that may
     * not look itself up (created without the default policy) is valid. Others need no look-up; an
     * anonymous caller is refused (401) with the JWT exchange.
     */
    Caller verify(Caller caller) throws HttpError {
        if (jwts != null && caller.anonymous()) { // so that an OAuth client starts its discovery
            throw new HttpError(401, "Unauthorized: send a JWT in " + jwts.identity().jwtHeader()
                    + " (Bearer), or X-Vault-Token");
        }
        String key = caller.exchanged() ? null : caller.credential(); // Vault has just issued an exchanged one
        Boolean accepted = key == null ? Boolean.TRUE : verdicts.get(key, clock.getAsLong());
        if (accepted == null) {
            accepted = lookUp(caller.vaultToken(), key);
        }
        if (!accepted) {
            throw new HttpError(401, "Unauthorized: Vault does not accept this X-Vault-Token");
        }
        return caller;
    }

    private boolean lookUp(Secret token, String key) throws HttpError {
        HttpError.acquire(lookups, Limits.TOKEN_LOOKUP_WAIT, "every token check is");
        try {
            Boolean known = verdicts.get(key, clock.getAsLong()); // looked up by another request while this one waited
            if (known != null) {
                return known;
            }
            VaultResponse answer = vault.send(token, "GET", LOOKUP_SELF, null, null, null, false);
            if (answer.status() != 200 && answer.status() != 403) {
                throw new HttpError(503, "Service Unavailable: cannot check the token: "
                        + answer.failure().getMessage());
            }
            // Vault 1.21 refuses an unknown token with 403 "permission denied" and "invalid token".
            boolean accepted = !(answer.status() == 403 && answer.errors().contains("invalid token"));
            Duration ttl = accepted ? Limits.TOKEN_ACCEPTED_TTL : Limits.TOKEN_REFUSED_TTL;
            verdicts.put(key, accepted, clock.getAsLong() + ttl.toNanos() + 1); // + 1: still held at the TTL's end
            return accepted;
        } catch (VaultException e) {
            throw new HttpError(503, "Service Unavailable: cannot check the token: " + e.getMessage());
        } finally {
            lookups.release();
        }
    }

    static byte[] fingerprint(String credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * What Vault said (a token's verdict, a JWT's login), each kept until its own {@code until} (excluded,
     * in the caller's clock): beyond TOKEN_VERDICTS the oldest goes, an expired one is ignored until then.
     */
    static final class Kept<V> {
        private record Entry<V>(V value, long until) {}

        private final Map<String, Entry<V>> entries = new LinkedHashMap<>();

        synchronized V get(String key, long now) {
            Entry<V> entry = entries.get(key);
            return entry == null || entry.until() - now <= 0 ? null : entry.value();
        }

        synchronized V put(String key, V value, long until) {
            if (entries.size() >= Limits.TOKEN_VERDICTS) {
                entries.remove(entries.keySet().iterator().next());
            }
            entries.put(key, new Entry<>(value, until));
            return value;
        }

        synchronized void removeIf(Predicate<V> which) {
            entries.values().removeIf(entry -> which.test(entry.value()));
        }
    }
}
