package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vaultmcp.transport.HttpFixture.INITIALIZE;
import static vaultmcp.transport.HttpFixture.LIST_MOUNTS;
import static vaultmcp.transport.HttpFixture.PING;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.RecordedRequest;

/** Host, Origin, CORS, who may use which Vault token, and rate limits, over real sockets. */
class HttpSecurityIT {
    private static final String BEARER = "operator-bearer-secret-0123456789";

    @Test
    void refusesAHostThatIsNotLoopbackWhenBoundToLoopback() throws Exception {
        try (HttpFixture http = new HttpFixture()) {
            for (String host : List.of("evil.example.com", "evil.example.com:" + http.port, "127.0.0.1.evil.example", "10.0.0.1", "0.0.0.0")) {
                RawHttp.Response r = RawHttp.send(http.port, "POST", "/mcp", List.of("Host: " + host,
                        "Accept: application/json, text/event-stream", "Content-Type: application/json"), INITIALIZE);
                assertEquals(403, r.status(), host);
                assertTrue(r.body().contains("Host not allowed"), r.body());
                assertNull(r.header("Mcp-Session-Id"));
            }
            for (String host : List.of("localhost", "localhost:" + http.port, "127.0.0.1:1", "[::1]:" + http.port, "LOCALHOST")) {
                RawHttp.Response r = RawHttp.send(http.port, "POST", "/mcp", List.of("Host: " + host,
                        "Accept: application/json, text/event-stream", "Content-Type: application/json"), INITIALIZE);
                assertEquals(200, r.status(), host);
            }
        }
    }

    @Test
    void refusesTheDnsRebindingRequestOfTheConformanceSuite() throws Exception {
        try (HttpFixture http = new HttpFixture()) {
            RawHttp.Response evil = RawHttp.send(http.port, "POST", "/mcp", List.of("Host: evil.example.com",
                    "Origin: http://evil.example.com", "Accept: application/json, text/event-stream", "Content-Type: application/json"), INITIALIZE);
            assertEquals(403, evil.status());
            String self = "127.0.0.1:" + http.port;
            RawHttp.Response own = RawHttp.send(http.port, "POST", "/mcp", List.of("Host: " + self,
                    "Origin: http://" + self, "Accept: application/json, text/event-stream", "Content-Type: application/json"), INITIALIZE);
            assertEquals(200, own.status(), "the server's own origin is same-origin");
        }
    }

    @Test
    void refusesAnOriginNotAllowedInStrictModeOnEveryMethod() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of("MCP_ALLOWED_ORIGINS", "https://app.example.com"))) {
            String session = http.initialize();
            for (String method : List.of("POST", "DELETE", "OPTIONS", "GET")) {
                RawHttp.Response r = RawHttp.send(http.port, method, "/mcp", http.headers("Origin: http://localhost:3000",
                        "Mcp-Session-Id: " + session), method.equals("POST") ? PING : null);
                assertEquals(403, r.status(), method);
                assertNull(r.header("Access-Control-Allow-Origin"));
            }
            assertEquals(200, http.post(PING, "Mcp-Session-Id: " + session).status(), "the DELETE above was refused");
        }
    }

    @Test
    void sendsTheCorsHeadersBrowsersNeedToAnAllowedOrigin() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of("MCP_ALLOWED_ORIGINS", "https://app.example.com"))) {
            RawHttp.Response r = http.post(INITIALIZE, "Origin: https://app.example.com");
            assertEquals(200, r.status());
            assertEquals("https://app.example.com", r.header("Access-Control-Allow-Origin"));
            assertEquals("Origin", r.header("Vary"));
            assertTrue(r.header("Access-Control-Expose-Headers").contains("Mcp-Session-Id"));
            RawHttp.Response preflight = http.request("OPTIONS", "Host: localhost", "Origin: https://app.example.com",
                    "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type, mcp-session-id");
            assertEquals(204, preflight.status());
            String allowed = preflight.header("Access-Control-Allow-Headers");
            for (String header : List.of("Content-Type", "Authorization", "X-Vault-Token", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID")) {
                assertTrue(allowed.contains(header), header);
            }
            assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"));
            assertTrue(preflight.header("Access-Control-Allow-Methods").contains("DELETE"));
            assertEquals(String.valueOf(Limits.CORS_MAX_AGE_SECONDS), preflight.header("Access-Control-Max-Age"));
        }
    }

    @Test
    void allowsLocalOriginsWithAPortInDevelopmentModeAndAnyOriginWhenDisabled() throws Exception {
        try (HttpFixture dev = new HttpFixture(Map.of("MCP_CORS_MODE", "development"))) {
            assertEquals(200, dev.post(INITIALIZE, "Origin: http://localhost:5173").status());
            assertEquals(200, dev.post(INITIALIZE, "Origin: https://[::1]:8443").status());
            assertEquals(403, dev.post(INITIALIZE, "Origin: http://localhost").status());
            assertEquals(403, dev.post(INITIALIZE, "Origin: http://localhost.evil.example:5173").status());
        }
        try (HttpFixture open = new HttpFixture(Map.of("MCP_CORS_MODE", "disabled"))) {
            assertEquals(200, open.post(INITIALIZE, "Origin: https://anything.example").status());
            assertTrue(open.log().contains("MCP_CORS_MODE=disabled"));
        }
    }

    @Test
    void refusesATokenOrVaultSettingInTheQueryString() throws Exception {
        try (HttpFixture http = new HttpFixture()) {
            for (String query : List.of("?token=s.abc", "?X-Vault-Token=s.abc", "?VAULT_ADDR=http://evil.example", "?VAULT_SKIP_VERIFY=true")) {
                RawHttp.Response r = RawHttp.send(http.port, "POST", "/mcp" + query, http.headers(), INITIALIZE);
                assertEquals(400, r.status(), query);
                assertNull(r.header("Mcp-Session-Id"));
            }
        }
    }

    @Test
    void refusesTheGoServersVaultSettingHeaders() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            for (String header : List.of("VAULT_ADDR: http://127.0.0.1:1", "VAULT_SKIP_VERIFY: true", "VAULT_TOKEN: root",
                    "VAULT_NAMESPACE: other", "X-Vault-Namespace: other", "vault_addr: http://127.0.0.1:1")) {
                RawHttp.Response r = http.post(INITIALIZE, "X-Vault-Token: root", header);
                assertEquals(400, r.status(), header);
                assertTrue(r.body().contains("set by the operator"), r.body());
            }
        }
    }

    @Test
    void callsVaultWithTheCallersOwnToken() throws Exception {
        try (FakeVault vault = new FakeVault();
             HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", "server-token-never-lent"))) {
            String session = http.initialize("X-Vault-Token: " + vault.rootToken());
            RawHttp.Response r = http.post(LIST_MOUNTS, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
            assertEquals(200, r.status());
            List<RecordedRequest> calls = vault.requests();
            assertFalse(calls.isEmpty());
            calls.forEach(c -> assertEquals(vault.rootToken(), c.header("X-Vault-Token")));
            assertFalse(http.log().contains(vault.rootToken()) || http.log().contains("server-token-never-lent"), http.log());
        }
    }

    @Test
    void refusesASessionUsedWithAnotherOrNoToken() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            String session = http.initialize("X-Vault-Token: " + vault.rootToken());
            vault.clearRequests(); // initialize had Vault check the token
            RawHttp.Response other = http.post(LIST_MOUNTS, "Mcp-Session-Id: " + session, "X-Vault-Token: stolen-session-other-token");
            assertEquals(403, other.status());
            RawHttp.Response none = http.post(PING, "Mcp-Session-Id: " + session);
            assertEquals(401, none.status());
            assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"));
            assertEquals(401, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + session).status());
            assertEquals(403, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + session, "X-Vault-Token: x").status());
            assertEquals(200, http.post(PING, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken()).status());
            assertTrue(vault.requests().isEmpty(), "no refused request reached Vault");
        }
    }

    @Test
    void neverLendsTheServerTokenToACallerWithoutCredentials() throws Exception {
        try (FakeVault vault = new FakeVault();
             HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()))) {
            String session = http.initialize();
            RawHttp.Response r = http.post(LIST_MOUNTS, "Mcp-Session-Id: " + session);
            assertEquals(401, r.status());
            assertTrue(r.header("WWW-Authenticate").startsWith("Bearer realm="));
            assertTrue(r.body().contains("X-Vault-Token"), r.body());
            assertTrue(vault.requests().isEmpty());
            assertEquals(200, http.post(PING, "Mcp-Session-Id: " + session).status(), "an anonymous session may talk MCP");
        }
    }

    @Test
    void lendsTheServerTokenOnlyForTheConfiguredBearerSecret() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(),
                "VAULT_TOKEN", vault.rootToken(), "MCP_AUTH_TOKEN", BEARER))) {
            assertEquals(401, http.post(INITIALIZE, "Authorization: Bearer " + BEARER + "x").status());
            assertEquals(401, http.post(INITIALIZE, "Authorization: Basic " + BEARER).status());
            assertEquals(400, http.post(INITIALIZE, "Authorization: Bearer " + BEARER, "X-Vault-Token: t").status());
            String session = http.initialize("Authorization: Bearer " + BEARER);
            RawHttp.Response r = http.post(LIST_MOUNTS, "Mcp-Session-Id: " + session, "Authorization: Bearer " + BEARER);
            assertEquals(200, r.status());
            assertFalse(r.json().getAsJsonObject("result").get("isError").getAsBoolean(), r.body());
            assertEquals(vault.rootToken(), vault.requests().get(0).header("X-Vault-Token"));
            assertEquals(401, http.post(PING, "Mcp-Session-Id: " + session).status());
            assertEquals(403, http.post(PING, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken()).status());
            assertFalse(http.log().contains(BEARER), http.log());
        }
    }

    @Test
    void refusesEveryBearerWhenNoBearerSecretIsConfigured() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of("VAULT_TOKEN", "server-token"))) {
            RawHttp.Response r = http.post(INITIALIZE, "Authorization: Bearer server-token");
            assertEquals(401, r.status());
            assertNull(r.header("Mcp-Session-Id"));
        }
    }

    @Test
    void limitsEachSessionAndReportsTheRetryHint() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (HttpFixture http = new HttpFixture(Map.of("MCP_RATE_LIMIT_SESSION", "2:2"), clock::get, null)) {
            String session = http.initialize();
            assertEquals(200, http.post(PING, "Mcp-Session-Id: " + session).status());
            RawHttp.Response limited = http.post(PING, "Mcp-Session-Id: " + session);
            assertEquals(200, limited.status(), "a JSON-RPC error travels in a 200");
            assertEquals(-32010, limited.errorCode());
            assertEquals(500, limited.json().getAsJsonObject("error").getAsJsonObject("data").get("retryAfterMs").getAsLong());
            assertEquals("1", limited.header("Retry-After"));
            assertTrue(http.post(PING, "Mcp-Session-Id: " + http.initialize()).json().has("result"), "another session has its own bucket");
            clock.addAndGet(500_000_000L);
            assertTrue(http.post(PING, "Mcp-Session-Id: " + session).json().has("result"));
        }
    }

    @Test
    void limitsInitializeByTheGlobalBucketAndKeepsNoSessionForARefusedOne() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(),
                "MCP_RATE_LIMIT_GLOBAL", "1:2", "MCP_MAX_SESSIONS", "3"), clock::get, null)) {
            List<String> tokens = tokens(vault, 4);
            http.initialize("X-Vault-Token: " + tokens.get(0));
            http.initialize("X-Vault-Token: " + tokens.get(1));
            RawHttp.Response refused = http.post(INITIALIZE, "X-Vault-Token: " + tokens.get(2));
            assertEquals(-32010, refused.errorCode());
            assertEquals(1000, refused.json().getAsJsonObject("error").getAsJsonObject("data").get("retryAfterMs").getAsLong());
            assertNull(refused.header("Mcp-Session-Id"));
            clock.addAndGet(1_000_000_000L);
            http.initialize("X-Vault-Token: " + tokens.get(2)); // the third place is free: the refused initialize kept none
            assertEquals(503, http.post(INITIALIZE, "X-Vault-Token: " + tokens.get(3)).status());
        }
    }

    /** {@code count} distinct tokens FakeVault accepts. */
    static List<String> tokens(FakeVault vault, int count) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(vault.createToken("path \"secret/*\" { capabilities = [\"read\"] }"));
        }
        return tokens;
    }
}
