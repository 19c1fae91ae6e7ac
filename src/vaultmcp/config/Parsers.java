package vaultmcp.config;

import java.time.Duration;
import vaultmcp.log.Log;

/**
 * Every setting's parser by its variable's name, for {@link Config.Reader}, in one table (a switch, not
 * lambdas: those cost start-up time). IllegalArgumentException says what is wrong with {@code v}.
 */
final class Parsers {
    private Parsers() {
    }

    static Object parse(String env, String v) {
        return switch (env) {
            case "VAULT_ADDR" -> Values.vaultAddress(v);
            case "VAULT_TOKEN", "MCP_AUTH_TOKEN" -> Values.token(v);
            case "VAULT_NAMESPACE" -> Values.headerValue(v);
            case "VAULT_SKIP_VERIFY", "ENABLE_VAULT_OPERATIONS" -> Values.bool(v);
            case "VAULT_CACERT", "MCP_TLS_CERT_FILE", "MCP_TLS_KEY_FILE", "MCP_AUDIT_HMAC_KEY_FILE",
                    "MCP_STATE_KEY_FILE" -> Values.readableFile(v);
            case "VAULT_CAPATH" -> Values.directory(v);
            case "VAULT_CLIENT_TIMEOUT", "MCP_SESSION_IDLE_TIMEOUT" -> Values.duration(v);
            case "TRANSPORT_MODE" -> Values.oneOf(v, "stdio", "http", "streamable-http").equals("stdio")
                    ? Config.Transport.STDIO : Config.Transport.HTTP;
            case "TRANSPORT_HOST" -> Values.host(v);
            case "TRANSPORT_PORT" -> Values.integer(v, 0, 65535);
            case "MCP_ENDPOINT" -> Values.endpoint(v);
            case "MCP_ALLOWED_ORIGINS", "MCP_ALLOWED_HOSTS" -> Values.list(v);
            case "MCP_CORS_MODE" -> Values.oneOf(v, Config.CorsMode.values());
            case "MCP_RATE_LIMIT_GLOBAL", "MCP_RATE_LIMIT_SESSION", "MCP_RATE_LIMIT_CREDENTIAL" -> Values.rate(v);
            case "MCP_MAX_SESSIONS", "MCP_MAX_SESSIONS_PER_CREDENTIAL" -> Values.integer(v, 1, Limits.MAX_SESSIONS);
            case "MCP_LOG_LEVEL" -> Values.oneOf(v, Log.LEVELS.toArray(new String[0]));
            case "MCP_TOOLSETS", "MCP_TOOLS" -> Authority.names(v);
            case "MCP_TOOL_PREFIX" -> v.strip();
            // Each list is checked on its own, so a bad glob is reported under its own variable.
            case "MCP_ALLOWED_PATHS", "MCP_DENIED_PATHS" -> PathRules.parse(v, "").isEmpty() ? "" : v;
            case "MCP_APPROVAL" -> Values.oneOf(v, Authority.Approval.values());
            case "MCP_APPROVAL_TIMEOUT" -> Authority.within(v, Duration.ofSeconds(1), Duration.ofMinutes(10));
            case "MCP_SECRET_VALUES" -> Values.oneOf(v, Authority.SecretValues.values());
            case "MCP_WRAP_TTL" -> Authority.wrapTtl(v);
            case "MCP_AUDIT_LOG" -> Values.writableFile(v);
            case "VAULT_ROLE_ID", "VAULT_AUTH_JWT_ROLE" -> Values.headerValue(v).strip();
            case "VAULT_SECRET_ID_FILE" -> Values.readableFile(v);
            case "VAULT_APPROLE_MOUNT", "VAULT_AUTH_JWT_PATH" -> Identity.mount(v);
            case "VAULT_AUTH_METHOD" -> Values.oneOf(v, "token", "jwt");
            case "VAULT_AUTH_JWT_HEADER" -> Identity.header(v);
            case "VAULT_AUTH_JWT_CACHE_TTL" -> Authority.within(v, Duration.ofSeconds(1), Duration.ofHours(1));
            case "MCP_RESOURCE_URL" -> Identity.url(v);
            case "MCP_OAUTH_ISSUERS" -> Identity.urls(v);
            default -> throw new IllegalStateException("no parser for " + env);
        };
    }
}
