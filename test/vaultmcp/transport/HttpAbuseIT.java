package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vaultmcp.transport.HttpFixture.INITIALIZE;
import static vaultmcp.transport.HttpFixture.PING;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;
import vaultmcp.vault.RecordedRequest;

/**
 * What an attacker tried against the HTTP listener, each now refused: sessions opened with a
 * made-up token, one token holding many sessions, anonymous traffic draining the global rate
 * limit, messages the limits did not count, and tool calls crowding out everything else.
 */
class HttpAbuseIT {
    private static final String LOOKUP_SELF = "/v1/auth/token/lookup-self";
    private static final String NOTIFICATION = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String LOOKUP_TOOL = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_self\"}}";

    private static long lookups(FakeVault vault) {
        return vault.requests().stream().map(RecordedRequest::rawPath).filter(LOOKUP_SELF::equals).count();
    }

    @Test
    void aFloodOfInitializesWithAMadeUpTokenOpensNoSessionAndReachesVaultOnce() throws Exception {
        try (FakeVault vault = new FakeVault();
             HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(), "MCP_MAX_SESSIONS", "100"))) {
            for (int i = 0; i < 100; i++) {
                RawHttp.Response r = http.post(INITIALIZE, "X-Vault-Token: hvs.made-up-by-an-attacker");
                assertEquals(401, r.status(), r.body());
                assertEquals("Unauthorized: Vault does not accept this X-Vault-Token",
                        r.json().getAsJsonObject("error").get("message").getAsString());
                assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
                assertNull(r.header("Mcp-Session-Id"));
            }
            assertEquals(1, lookups(vault), "Vault's refusal is remembered for the flood");
            assertFalse(http.log().contains("made-up-by-an-attacker"), http.log());
            http.initialize("X-Vault-Token: " + vault.rootToken());
            http.initialize("X-Vault-Token: " + vault.rootToken());
            assertEquals(2, lookups(vault), "Vault's acceptance is remembered too");
        }
    }

    @Test
    void acceptsATokenThatMayNotLookItselfUp() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            String created = vault.call("POST", "auth/token/create", "{\"policies\":[\"nothing\"],\"no_default_policy\":true}");
            String token = JsonParser.parseString(created).getAsJsonObject().getAsJsonObject("auth").get("client_token").getAsString();
            String session = http.initialize("X-Vault-Token: " + token);
            assertEquals(1, lookups(vault));
            RawHttp.Response call = http.post(LOOKUP_TOOL, "Mcp-Session-Id: " + session, "X-Vault-Token: " + token);
            assertEquals(200, call.status());
            List<JsonObject> events = call.events(); // the failure's log notification, then the answer
            assertTrue(events.get(events.size() - 1).getAsJsonObject("result").get("isError").getAsBoolean(),
                    "valid, but limited: " + call.body());
        }
    }

    @Test
    void answers503WhenVaultCannotCheckTheToken() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            vault.seal();
            RawHttp.Response sealed = http.post(INITIALIZE, "X-Vault-Token: " + vault.rootToken());
            assertEquals(503, sealed.status());
            assertTrue(sealed.body().contains("Vault is sealed"), sealed.body());
            vault.unseal();
            http.initialize("X-Vault-Token: " + vault.rootToken()); // not remembered: Vault said nothing about the token
            vault.stop();
            RawHttp.Response down = http.post(INITIALIZE, "X-Vault-Token: hvs.other");
            assertEquals(503, down.status());
            assertTrue(down.body().contains("connection refused"), down.body());
            assertEquals(200, http.post(INITIALIZE).status(), "anonymous callers need no check");
        }
    }

    @Test
    void capsTheSessionsOfOneToken() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(),
                "MCP_MAX_SESSIONS_PER_CREDENTIAL", "3"))) {
            String first = http.initialize("X-Vault-Token: " + vault.rootToken());
            http.initialize("X-Vault-Token: " + vault.rootToken());
            http.initialize("X-Vault-Token: " + vault.rootToken());
            RawHttp.Response refused = http.post(INITIALIZE, "X-Vault-Token: " + vault.rootToken());
            assertEquals(429, refused.status());
            assertEquals(-32010, refused.errorCode());
            assertTrue(refused.body().contains("MCP_MAX_SESSIONS_PER_CREDENTIAL"), refused.body());
            http.initialize("X-Vault-Token: " + HttpSecurityIT.tokens(vault, 1).get(0));
            assertEquals(204, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + first,
                    "X-Vault-Token: " + vault.rootToken()).status());
            http.initialize("X-Vault-Token: " + vault.rootToken());
        }
    }

    @Test
    void anonymousCallersCannotDrainTheGlobalRateLimit() throws Exception {
        AtomicLong frozen = new AtomicLong();
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(),
                "MCP_RATE_LIMIT_GLOBAL", "40:40"), frozen::get, null)) {
            int refused = 0;
            List<String> anonymous = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                anonymous.add(http.initialize());
            }
            for (int i = 0; i < 100; i++) {
                RawHttp.Response r = http.post(PING, "Mcp-Session-Id: " + anonymous.get(i % 3));
                refused += r.json().has("error") ? 1 : 0;
            }
            assertEquals(93, refused, "anonymous callers share a quarter of the global burst: 3 initializes and 7 pings");
            String session = http.initialize("X-Vault-Token: " + vault.rootToken());
            for (int i = 0; i < 16; i++) {
                RawHttp.Response r = http.post(PING, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
                assertTrue(r.json().has("result"), "call " + i + ": " + r.body());
            }
        }
    }

    @Test
    void countsNotificationsAndMalformedInputAndRefusesThemWith429() throws Exception {
        AtomicLong frozen = new AtomicLong();
        try (HttpFixture http = new HttpFixture(Map.of("MCP_RATE_LIMIT_SESSION", "3:3"), frozen::get, null)) {
            String session = http.initialize();
            assertEquals(202, http.post(NOTIFICATION, "Mcp-Session-Id: " + session).status());
            assertEquals(400, http.post("{not json", "Mcp-Session-Id: " + session).status());
            RawHttp.Response notification = http.post(NOTIFICATION, "Mcp-Session-Id: " + session);
            assertEquals(429, notification.status());
            assertEquals("1", notification.header("Retry-After"));
            assertEquals(-32010, notification.errorCode());
            RawHttp.Response malformed = http.post("{not json", "Mcp-Session-Id: " + session);
            assertEquals(429, malformed.status());
            assertEquals("Too Many Requests: Rate limit exceeded for this session; retry after 334 ms",
                    malformed.json().getAsJsonObject("error").get("message").getAsString());
            RawHttp.Response ping = http.post(PING, "Mcp-Session-Id: " + session);
            assertEquals(200, ping.status(), "a request gets its JSON-RPC error");
            assertEquals(-32010, ping.errorCode());
            // Malformed input without a session draws on the anonymous callers' bucket (250 of the fixture's 1000).
            int answered = 0;
            for (int i = 0; i < 300 && http.post("{not json").status() == 400; i++) {
                answered++;
            }
            assertEquals(250 - 3, answered, "the anonymous session's first three messages took three");
        }
    }

    @Test
    void statelessRequestsNeedATokenVaultAcceptsAndCountAgainstItsBucket() throws Exception {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
        String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_self\","
                + "\"arguments\":{}," + meta + "}}";
        String[] headers = {"MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: lookup_self"};
        AtomicLong frozen = new AtomicLong();
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address(),
                "MCP_RATE_LIMIT_CREDENTIAL", "2:2"), frozen::get, null)) {
            RawHttp.Response madeUp = http.post(call, concat(headers, "X-Vault-Token: hvs.made-up"));
            assertEquals(401, madeUp.status(), madeUp.body());
            assertEquals(5, madeUp.json().get("id").getAsInt());
            String token = "X-Vault-Token: " + vault.rootToken();
            assertFalse(http.post(call, concat(headers, token)).json().getAsJsonObject("result").get("isError").getAsBoolean());
            assertEquals(202, http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{" + meta + "}}",
                    "MCP-Protocol-Version: 2026-07-28", token).status());
            RawHttp.Response limited = http.post(call, concat(headers, token));
            assertEquals(-32010, limited.errorCode(), "each request is new, but the token's bucket is not: " + limited.body());
            assertEquals("1", limited.header("Retry-After"));
            assertTrue(http.post(call, concat(headers, "X-Vault-Token: " + HttpSecurityIT.tokens(vault, 1).get(0)))
                    .json().has("result"), "another token has its own bucket");
        }
    }

    private static String[] concat(String[] headers, String more) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
        all[headers.length] = more;
        return all;
    }

    @Test
    void pingIsAnsweredWhileEveryToolWorkerWaitsForVault() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture http = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            String session = http.initialize("X-Vault-Token: " + vault.rootToken());
            int calls = Limits.HTTP_WORKERS + 1;
            for (int i = 0; i < calls; i++) {
                vault.inject(Fault.slow(Duration.ofSeconds(2)).on("auth/token/lookup-self"));
            }
            ExecutorService callers = Executors.newFixedThreadPool(calls);
            try {
                List<Future<Long>> done = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    done.add(callers.submit(() -> {
                        RawHttp.Response r = http.post(LOOKUP_TOOL, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
                        assertEquals(200, r.status(), r.body());
                        return (System.nanoTime() - start) / 1_000_000;
                    }));
                }
                Thread.sleep(500);
                long pingStart = System.nanoTime();
                RawHttp.Response ping = http.post(PING, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
                long pingMs = (System.nanoTime() - pingStart) / 1_000_000;
                assertTrue(ping.json().has("result"), ping.body());
                assertTrue(pingMs < 1000, "ping took " + pingMs + " ms while the tool workers were busy");
                long slowest = 0;
                for (Future<Long> f : done) {
                    slowest = Math.max(slowest, f.get());
                }
                // HTTP_WORKERS calls at once: the last one waited for a worker, then for Vault.
                assertTrue(slowest >= 3500, "the call beyond HTTP_WORKERS should wait for a worker, took " + slowest + " ms");
            } finally {
                callers.shutdownNow();
            }
        }
    }
}
