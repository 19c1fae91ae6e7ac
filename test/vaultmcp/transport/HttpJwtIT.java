package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vaultmcp.transport.HttpFixture.INITIALIZE;
import static vaultmcp.transport.JwtExchangeTest.RESOURCE;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.JwtKey;
import vaultmcp.vault.RecordedRequest;

/**
 * VAULT_AUTH_METHOD=jwt over real sockets against FakeVault's JWT auth: the RFC 9728 metadata, 401s that start
 * OAuth discovery, sessions bound to the caller's Vault entity and run with its own token, OAuth refreshes,
 * revocation when the last session ends, stateless requests, and neither JWT nor token in the log.
 */
class HttpJwtIT {
    private static final String METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
    private static final String CHALLENGE = "Bearer resource_metadata=\"" + METADATA + "\"";
    private static final String REFUSED = CHALLENGE + ", error=\"invalid_token\"";
    private static final String POLICY = "path \"secret/data/alice/*\" { capabilities = [\"read\"] }";
    private static final String VERSION = "MCP-Protocol-Version: 2026-07-28";
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{}}";

    private final FakeVault vault = new FakeVault();
    private final JwtKey key = new JwtKey();
    private HttpFixture http;

    HttpJwtIT() throws Exception {
        key.trustedBy(vault, RESOURCE, POLICY, "1h");
        vault.call("POST", "secret/data/alice/note", "{\"data\":{\"text\":\"hello alice\"}}");
        vault.call("POST", "secret/data/bob/note", "{\"data\":{\"text\":\"hello bob\"}}");
    }

    private HttpFixture start(String... env) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("VAULT_ADDR", vault.address(), "VAULT_AUTH_METHOD", "jwt",
                "VAULT_AUTH_JWT_ROLE", "agents", "MCP_RESOURCE_URL", RESOURCE, "MCP_OAUTH_ISSUERS",
                "https://idp.example.com", "MCP_ALLOWED_ORIGINS", "https://app.example.com"));
        for (int i = 0; i < env.length; i += 2) {
            all.put(env[i], env[i + 1]);
        }
        http = new HttpFixture(all);
        return http;
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        vault.close();
    }

    private static String read(String path) {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"read_secret\","
                + "\"arguments\":{\"mount\":\"secret\",\"path\":\"" + path + "\"}}}";
    }

    private RawHttp.Response call(String session, String jwt, String path) throws Exception {
        return http.post(read(path), "Mcp-Session-Id: " + session, "MCP-Protocol-Version: 2025-11-25",
                "Authorization: Bearer " + jwt);
    }

    /** The tool's text ("error: " first when it is an error), from a JSON answer or the last event of a stream. */
    private static String text(RawHttp.Response r) {
        assertEquals(200, r.status(), r.body());
        List<JsonObject> events = r.events();
        JsonObject result = (events.isEmpty() ? r.json() : events.get(events.size() - 1)).getAsJsonObject("result");
        return (result.has("isError") && result.get("isError").getAsBoolean() ? "error: " : "")
                + result.getAsJsonArray("content").get(0).getAsJsonObject().get("text").getAsString();
    }

    /** The tokens Vault saw on requests to {@code path}, in order. */
    private List<String> tokensOn(String path) {
        return vault.requests().stream().filter(r -> r.rawPath().equals(path)).map(r -> r.header("x-vault-token"))
                .toList();
    }

    private void awaitRevoked(String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!tokensOn("/v1/auth/token/revoke-self").contains(token) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(tokensOn("/v1/auth/token/revoke-self").contains(token), "revoke-self with the session's token");
    }

    @Test
    void aCallerWithoutCredentialsGets401PointingAtTheMetadataInEitherEra() throws Exception {
        start();
        RawHttp.Response initialize = http.post(INITIALIZE);
        assertEquals(401, initialize.status(), initialize.body());
        assertEquals(CHALLENGE, initialize.header("WWW-Authenticate"), "no credential: no error code (RFC 6750)");
        assertNull(initialize.header("Mcp-Session-Id"));
        String discover = "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"server/discover\",\"params\":{" + META + "}}";
        RawHttp.Response stateless = http.post(discover, VERSION, "Mcp-Method: server/discover");
        assertEquals(401, stateless.status(), stateless.body());
        assertEquals(CHALLENGE, stateless.header("WWW-Authenticate"));
        RawHttp.Response otherHost = RawHttp.send(http.port, "POST", "/mcp", List.of("Host: mcp.evil.example",
                "Accept: application/json, text/event-stream", "Content-Type: application/json"), INITIALIZE);
        assertEquals(403, otherHost.status(), "the metadata URL comes from MCP_RESOURCE_URL, never from Host");
    }

    @Test
    void servesTheProtectedResourceMetadataAtBothWellKnownPaths() throws Exception {
        start();
        for (String path : List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
            RawHttp.Response r = RawHttp.send(http.port, "GET", path, List.of("Host: 127.0.0.1:" + http.port,
                    "Origin: https://app.example.com", "MCP-Protocol-Version: 2025-11-25"), null);
            assertEquals(200, r.status(), path);
            assertEquals("application/json", r.header("Content-Type"));
            assertEquals("{\"resource\":\"" + RESOURCE + "\",\"authorization_servers\":[\"https://idp.example.com\"],"
                    + "\"bearer_methods_supported\":[\"header\"],\"resource_name\":\"vault-mcp-server\"}", r.body());
            assertEquals("https://app.example.com", r.header("Access-Control-Allow-Origin"), "browser clients read it");
        }
        String path = "/.well-known/oauth-protected-resource/mcp";
        RawHttp.Response preflight = RawHttp.send(http.port, "OPTIONS", path, List.of("Host: localhost",
                "Origin: https://app.example.com", "Access-Control-Request-Method: GET"), null);
        assertEquals(204, preflight.status());
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("MCP-Protocol-Version"));
        RawHttp.Response post = RawHttp.send(http.port, "POST", path, List.of("Host: localhost"), "{}");
        assertEquals(405, post.status());
        assertEquals("GET, OPTIONS", post.header("Allow"));
        assertEquals(404, RawHttp.send(http.port, "GET", path + "/other", List.of("Host: localhost"), null).status());
        assertEquals(403, RawHttp.send(http.port, "GET", path, List.of("Host: mcp.evil.example"), null).status());
        assertEquals(403, RawHttp.send(http.port, "GET", path, List.of("Host: localhost", "Origin: https://evil.example"),
                null).status());
        http.close();
        http = new HttpFixture(Map.of("VAULT_ADDR", vault.address()));
        assertEquals(404, RawHttp.send(http.port, "GET", path, List.of("Host: localhost"), null).status(),
                "no metadata without the JWT exchange");
    }

    @Test
    void aJwtOpensASessionWhoseCallsRunWithTheCallersOwnToken() throws Exception {
        start();
        String jwt = key.sign("alice", RESOURCE, 600);
        String session = http.initialize("Authorization: Bearer " + jwt);
        assertEquals("error: ", text(call(session, jwt, "bob/note")).substring(0, 7), "outside the user's policy");
        assertTrue(text(call(session, jwt, "alice/note")).contains("hello alice"));
        List<String> used = tokensOn("/v1/secret/data/alice/note");
        assertEquals(1, used.size());
        assertTrue(used.get(0).startsWith("hvs."), "the login's token");
        for (RecordedRequest r : vault.requests()) {
            boolean login = r.rawPath().equals("/v1/auth/jwt/login");
            assertEquals(login, r.body().contains(jwt), "the JWT goes to the login only: " + r);
            assertFalse(r.headers().toString().contains(jwt), r.toString());
        }
        assertEquals(1, tokensOn("/v1/auth/jwt/login").size(), "kept between requests");
        RawHttp.Response bob = call(session, key.sign("bob", RESOURCE, 600), "alice/note");
        assertEquals(403, bob.status(), "another person's JWT cannot use the session");
        assertFalse(http.log().contains(jwt), "the JWT is never logged");
        assertFalse(http.log().contains(used.get(0)), "nor the caller's token");
    }

    @Test
    void aRefreshedJwtOfTheSamePersonKeepsTheSessionWhichTakesTheNewestToken() throws Exception {
        start();
        String first = key.sign("alice", RESOURCE, 600);
        String session = http.initialize("Authorization: Bearer " + first);
        assertTrue(text(call(session, first, "alice/note")).contains("hello alice"));
        String refreshed = key.sign("alice", RESOURCE, 1200);
        assertTrue(text(call(session, refreshed, "alice/note")).contains("hello alice"));
        List<String> used = tokensOn("/v1/secret/data/alice/note");
        assertEquals(2, used.size());
        assertNotEquals(used.get(0), used.get(1), "the refreshed JWT's own login");
        Thread.sleep(200);
        assertEquals(List.of(), tokensOn("/v1/auth/token/revoke-self"), "a call begun before the refresh may need it");
        String third = key.sign("alice", RESOURCE, 1800);
        assertTrue(text(call(session, third, "alice/note")).contains("hello alice"));
        awaitRevoked(used.get(0));
        assertEquals(204, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + session,
                "Authorization: Bearer " + third).status());
        awaitRevoked(used.get(1));
        awaitRevoked(tokensOn("/v1/secret/data/alice/note").get(2));
        assertFalse(http.log().contains(used.get(1)));
    }

    @Test
    void refusedJwtsGet401WithTheMetadataAndInvalidToken() throws Exception {
        start();
        for (String jwt : List.of(key.sign("alice", RESOURCE, -120), key.sign("alice", "https://other.example/mcp", 600),
                new JwtKey().sign("alice", RESOURCE, 600), "garbage")) {
            RawHttp.Response r = http.post(INITIALIZE, "Authorization: Bearer " + jwt);
            assertEquals(401, r.status(), r.body());
            assertEquals(REFUSED, r.header("WWW-Authenticate"));
            assertEquals(-32000, r.errorCode());
            assertNull(r.header("Mcp-Session-Id"));
        }
        assertEquals(1, tokensOn("/v1/auth/jwt/login").size(), "only the JWT signed by another key reached Vault");
    }

    @Test
    void theTokenIsRevokedWhenTheLastSessionUsingItEnds() throws Exception {
        start();
        String jwt = key.sign("alice", RESOURCE, 600);
        String one = http.initialize("Authorization: Bearer " + jwt);
        String two = http.initialize("Authorization: Bearer " + jwt);
        assertEquals(204, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + one,
                "Authorization: Bearer " + jwt).status());
        Thread.sleep(200);
        assertEquals(List.of(), tokensOn("/v1/auth/token/revoke-self"), "the other session still uses it");
        assertTrue(text(call(two, jwt, "alice/note")).contains("hello alice"));
        String token = tokensOn("/v1/secret/data/alice/note").get(0);
        assertEquals(204, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + two,
                "Authorization: Bearer " + jwt).status());
        awaitRevoked(token);
        String three = http.initialize("Authorization: Bearer " + jwt);
        assertTrue(text(call(three, jwt, "alice/note")).contains("hello alice"), "the same JWT logs in anew");
        assertEquals(2, tokensOn("/v1/auth/jwt/login").size());
    }

    @Test
    void anIdleSessionsTokenIsRevokedWhenTheTableIsSwept() throws Exception {
        start("MCP_SESSION_IDLE_TIMEOUT", "1s");
        String jwt = key.sign("alice", RESOURCE, 600);
        assertTrue(text(call(http.initialize("Authorization: Bearer " + jwt), jwt, "alice/note")).contains("hello"));
        Thread.sleep(1_200);
        http.initialize("Authorization: Bearer " + key.sign("bob", RESOURCE, 600));
        awaitRevoked(tokensOn("/v1/secret/data/alice/note").get(0));
    }

    @Test
    void aStatelessRequestMayBringTheJwtAndNothingIsRevoked() throws Exception {
        start();
        String jwt = key.sign("alice", RESOURCE, 600);
        String call = "{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"tools/call\",\"params\":{\"name\":\"read_secret\","
                + "\"arguments\":{\"mount\":\"secret\",\"path\":\"alice/note\"}," + META + "}}";
        for (int i = 0; i < 2; i++) {
            RawHttp.Response r = http.post(call, VERSION, "Mcp-Method: tools/call", "Mcp-Name: read_secret",
                    "Authorization: Bearer " + jwt);
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("hello alice"), r.body());
        }
        assertEquals(1, tokensOn("/v1/auth/jwt/login").size(), "exchanged once, then kept");
        Thread.sleep(200);
        assertEquals(List.of(), tokensOn("/v1/auth/token/revoke-self"));
        assertNotNull(tokensOn("/v1/secret/data/alice/note").get(1));
    }
}
