package vaultmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The identity settings: the server's AppRole login and the JWT exchange of HTTP callers. */
class IdentityTest {
    @TempDir
    Path dir;

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static List<String> problems(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> Config.parse(env, new String[0])).problems();
    }

    private String secretIdFile() throws IOException {
        return Files.writeString(dir.resolve("secret-id"), "s-id\n").toString();
    }

    @Test
    void defaultsToTheServersTokenAndNoExchange() throws ConfigException {
        Identity id = Config.parse(env("VAULT_TOKEN", "hvs.x"), new String[0]).identity();
        assertEquals(Identity.none(), id);
        assertFalse(id.appRole());
        assertFalse(id.jwt());
    }

    @Test
    void anAppRoleLoginReplacesVaultTokenEvenOnStdio() throws Exception {
        Identity id = Config.parse(env("VAULT_ROLE_ID", "role-1", "VAULT_SECRET_ID_FILE", secretIdFile(),
                "VAULT_APPROLE_MOUNT", "team/approle"), new String[0]).identity();
        assertTrue(id.appRole());
        assertEquals("role-1", id.roleId());
        assertEquals("team/approle", id.appRoleMount());
        assertEquals(Path.of(secretIdFile()), id.secretIdFile());
    }

    @Test
    void anAppRoleNeedsBothHalvesAndExcludesVaultToken() throws Exception {
        assertTrue(problems(env("VAULT_ROLE_ID", "role-1")).contains(
                "VAULT_ROLE_ID and VAULT_SECRET_ID_FILE: set both (AppRole login) or neither"));
        assertTrue(problems(env("VAULT_ROLE_ID", "role-1", "VAULT_SECRET_ID_FILE", secretIdFile(), "VAULT_TOKEN",
                "hvs.x")).get(0).startsWith("VAULT_TOKEN and VAULT_ROLE_ID: "));
        assertTrue(problems(env()).get(0).startsWith("VAULT_TOKEN: required in stdio mode"));
    }

    @Test
    void theJwtExchangeNeedsHttpAndTheResourceUrl() throws ConfigException {
        assertTrue(problems(env("VAULT_TOKEN", "hvs.x", "VAULT_AUTH_METHOD", "jwt", "MCP_RESOURCE_URL",
                "https://mcp.example/mcp")).get(0).startsWith("VAULT_AUTH_METHOD: jwt exchanges HTTP callers' JWTs"));
        assertTrue(problems(env("TRANSPORT_MODE", "http", "VAULT_AUTH_METHOD", "jwt")).get(0)
                .startsWith("MCP_RESOURCE_URL: required with VAULT_AUTH_METHOD=jwt"));
        Identity id = Config.parse(env("TRANSPORT_MODE", "http", "VAULT_AUTH_METHOD", "jwt", "MCP_RESOURCE_URL",
                "https://mcp.example/mcp", "MCP_OAUTH_ISSUERS", "https://idp.example, https://idp2.example/realm",
                "VAULT_AUTH_JWT_ROLE", "agents", "VAULT_AUTH_JWT_HEADER", "X-Forwarded-Access-Token",
                "VAULT_AUTH_JWT_CACHE_TTL", "90s"), new String[0]).identity();
        assertTrue(id.jwt());
        assertEquals(URI.create("https://mcp.example/mcp"), id.resourceUrl());
        assertEquals(List.of("https://idp.example", "https://idp2.example/realm"), id.issuers());
        assertEquals("agents", id.jwtRole());
        assertEquals("jwt", id.jwtPath());
        assertEquals("X-Forwarded-Access-Token", id.jwtHeader());
        assertEquals(Duration.ofSeconds(90), id.jwtCacheTtl());
        assertNull(Identity.none().resourceUrl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"VAULT_APPROLE_MOUNT|../sys", "VAULT_APPROLE_MOUNT|a//b",
        "VAULT_APPROLE_MOUNT|/approle", "VAULT_AUTH_JWT_PATH|jwt/..", "VAULT_AUTH_JWT_PATH|jwt?x",
        "VAULT_AUTH_METHOD|oidc", "VAULT_AUTH_JWT_HEADER|X-Vault-Token", "VAULT_AUTH_JWT_HEADER|Bad Header",
        "VAULT_AUTH_JWT_CACHE_TTL|2h", "VAULT_AUTH_JWT_CACHE_TTL|0s", "MCP_RESOURCE_URL|mcp.example/mcp",
        "MCP_RESOURCE_URL|https://mcp.example/mcp#x", "MCP_RESOURCE_URL|ftp://mcp.example", "MCP_OAUTH_ISSUERS|idp",
        "VAULT_SECRET_ID_FILE|/no/such/file"})
    void refusesABadValueNamingTheVariable(String name, String value) {
        List<String> problems = problems(env("TRANSPORT_MODE", "http", name, value));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(name + ": invalid value \"" + value + "\": ")),
                problems.toString());
    }
}
