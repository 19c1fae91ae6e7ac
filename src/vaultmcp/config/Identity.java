package vaultmcp.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Who the server is to Vault and how HTTP callers may prove who they are. The server's own token is
 * VAULT_TOKEN, or a login with AppRole ({@code roleId} and the file that holds the secret id). With
 * {@code jwt}, an HTTP caller's identity-provider JWT (in {@code jwtHeader}) is exchanged at Vault's
 * {@code auth/<jwtPath>/login} for a Vault token of that caller; {@code resourceUrl} is the audience the
 * JWT must carry and the {@code resource} of the RFC 9728 metadata that names {@code issuers}.
 */
public record Identity(String roleId, Path secretIdFile, String appRoleMount, boolean jwt, String jwtPath,
        String jwtRole, String jwtHeader, Duration jwtCacheTtl, URI resourceUrl, List<String> issuers) {

    /** VAULT_TOKEN only, no JWT exchange. */
    public static Identity none() {
        return new Identity("", null, "approle", false, "jwt", "", "Authorization", Duration.ofMinutes(5), null,
                List.of());
    }

    public boolean appRole() {
        return !roleId.isEmpty();
    }

    static Identity read(Config.Reader r, boolean http, boolean token) {
        Identity id = new Identity(r.get("VAULT_ROLE_ID"), r.get("VAULT_SECRET_ID_FILE"), r.get("VAULT_APPROLE_MOUNT"),
                "jwt".equals(r.get("VAULT_AUTH_METHOD")), r.get("VAULT_AUTH_JWT_PATH"), r.get("VAULT_AUTH_JWT_ROLE"),
                r.get("VAULT_AUTH_JWT_HEADER"), r.get("VAULT_AUTH_JWT_CACHE_TTL"), r.get("MCP_RESOURCE_URL"),
                r.get("MCP_OAUTH_ISSUERS"));
        if (id.appRole() != (id.secretIdFile != null)) {
            r.problems().add("VAULT_ROLE_ID and VAULT_SECRET_ID_FILE: set both (AppRole login) or neither");
        } else if (id.appRole() && token) {
            r.problems().add("VAULT_TOKEN and VAULT_ROLE_ID: the server's token comes from one of them; set only one");
        }
        if (id.jwt && !http) {
            r.problems().add("VAULT_AUTH_METHOD: jwt exchanges HTTP callers' JWTs; it needs TRANSPORT_MODE=http");
        }
        if (id.jwt && id.resourceUrl == null) {
            r.problems().add("MCP_RESOURCE_URL: required with VAULT_AUTH_METHOD=jwt (the audience of callers' JWTs)");
        }
        return id;
    }

    /** A Vault mount path: segments of letters, digits, "-", "_" and ".", no leading or trailing "/". */
    static String mount(String v) {
        Values.refuseIf(!v.matches("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*") || v.matches("(.*/)?\\.\\.?(/.*)?"),
                "must be a Vault mount path such as approle or auth-team/jwt");
        return v;
    }

    /** An HTTP header name; X-Vault-Token and MCP_AUTH_TOKEN's bearer keep their own meanings, so not the former. */
    static String header(String v) {
        Values.refuseIf(!v.matches("[A-Za-z0-9-]{1,64}") || v.equalsIgnoreCase("X-Vault-Token"),
                "must be a header name such as Authorization (not X-Vault-Token)");
        return v;
    }

    /** An absolute http(s) URL without query or fragment (a resource identifier, an issuer), or null for empty. */
    static URI url(String v) {
        if (v.isEmpty()) {
            return null;
        }
        URI uri = Values.orNull(() -> new URI(v));
        Values.refuseIf(uri == null || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || !List.of("https", "http").contains(uri.getScheme()),
                "must be an http(s) URL without query or fragment");
        return uri;
    }

    static List<String> urls(String v) {
        List<String> all = Values.list(v);
        all.forEach(Identity::url);
        return all;
    }
}
