package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vaultmcp.transport.HttpFixture.INITIALIZE;
import static vaultmcp.transport.HttpFixture.PING;

import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;
import vaultmcp.vault.FakeVault;

/** Streamable HTTP over real sockets: media types, body cap, methods, sessions, versions, SSE. */
class HttpProtocolIT {
    private HttpFixture http;

    @BeforeEach
    void start() throws Exception {
        http = new HttpFixture();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void issuesAVisibleAsciiSessionIdOfAtLeast256BitsOnInitialize() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String id = http.initialize();
            assertTrue(id.matches("[\\x21-\\x7e]{43,}"), id);
            ids.add(id);
        }
        assertEquals(20, ids.size());
    }

    @Test
    void answersARequestWithJson() throws Exception {
        String session = http.initialize();
        RawHttp.Response r = http.post(PING, "Mcp-Session-Id: " + session);
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}", r.body());
    }

    @Test
    void refusesAnAcceptHeaderWithoutBothMediaTypes() throws Exception {
        for (String accept : List.of("application/json", "text/event-stream", "text/html", "application/*, text/*")) {
            RawHttp.Response r = RawHttp.send(http.port, "POST", "/mcp",
                    List.of("Host: localhost", "Accept: " + accept, "Content-Type: application/json"), INITIALIZE);
            assertEquals(406, r.status(), accept);
            assertEquals(-32000, r.errorCode());
        }
        RawHttp.Response none = RawHttp.send(http.port, "POST", "/mcp", List.of("Host: localhost", "Content-Type: application/json"), INITIALIZE);
        assertEquals(406, none.status());
        RawHttp.Response wildcard = RawHttp.send(http.port, "POST", "/mcp",
                List.of("Host: localhost", "Accept: */*", "Content-Type: application/json"), INITIALIZE);
        assertEquals(200, wildcard.status());
    }

    @Test
    void refusesABodyThatIsNotJsonAndAcceptsTheUtf8Charset() throws Exception {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonp")) {
            RawHttp.Response r = RawHttp.send(http.port, "POST", "/mcp",
                    List.of("Host: localhost", "Accept: application/json, text/event-stream", "Content-Type: " + type), INITIALIZE);
            assertEquals(415, r.status(), type);
        }
        RawHttp.Response utf8 = RawHttp.send(http.port, "POST", "/mcp",
                List.of("Host: localhost", "Accept: application/json, text/event-stream", "Content-Type: Application/JSON; charset=\"UTF-8\""), INITIALIZE);
        assertEquals(200, utf8.status());
    }

    @Test
    void refusesABodyOverTheMessageCapWith413() throws Exception {
        String prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"";
        String atCap = prefix + "x".repeat(Limits.MAX_MESSAGE_BYTES - prefix.length() - 3) + "\"}}";
        assertEquals(Limits.MAX_MESSAGE_BYTES, atCap.length());
        assertEquals(400, http.post(atCap).status(), "at the cap the body is read and parsed (no session yet: 400)");
        RawHttp.Response r = http.post(atCap + " ");
        assertEquals(413, r.status());
        assertTrue(r.json().getAsJsonObject("error").get("message").getAsString().contains(String.valueOf(Limits.MAX_MESSAGE_BYTES)));
    }

    @Test
    void answersInvalidJsonWith400AndAParseError() throws Exception {
        RawHttp.Response r = http.post("{\"jsonrpc\":\"2.0\",");
        assertEquals(400, r.status());
        assertEquals(-32700, r.errorCode());
        assertEquals(400, http.post("[" + PING + "]").status());
    }

    @Test
    void answersNotificationsAndResponsesWith202AndNoBody() throws Exception {
        String session = http.initialize();
        RawHttp.Response note = http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Mcp-Session-Id: " + session);
        assertEquals(202, note.status());
        assertEquals("", note.body());
        RawHttp.Response response = http.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", "Mcp-Session-Id: " + session);
        assertEquals(202, response.status());
        assertEquals("", response.body());
    }

    @Test
    void refusesGetAndOtherMethodsWith405AndAllow() throws Exception {
        for (String method : List.of("GET", "PUT", "PATCH", "HEAD")) {
            RawHttp.Response r = http.request(method, "Host: localhost", "Accept: text/event-stream");
            assertEquals(405, r.status(), method);
            assertEquals("POST, DELETE, OPTIONS", r.header("Allow"));
        }
    }

    @Test
    void endsASessionOnDeleteThenAnswers404() throws Exception {
        String session = http.initialize();
        String other = http.initialize();
        assertEquals(204, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + session).status());
        RawHttp.Response after = http.post(PING, "Mcp-Session-Id: " + session);
        assertEquals(404, after.status());
        assertEquals(-32001, after.errorCode());
        assertEquals(404, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + session).status());
        assertEquals(200, http.post(PING, "Mcp-Session-Id: " + other).status());
    }

    @Test
    void requiresTheSessionIdAfterInitialize() throws Exception {
        http.initialize();
        RawHttp.Response r = http.post(PING);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("Mcp-Session-Id header is required"), r.body());
        assertEquals(400, http.request("DELETE", "Host: localhost").status());
        assertEquals(404, http.post(PING, "Mcp-Session-Id: made-up").status());
    }

    @Test
    void refusesASecondInitializeOnTheSameSession() throws Exception {
        String session = http.initialize();
        RawHttp.Response again = http.post(INITIALIZE, "Mcp-Session-Id: " + session);
        assertEquals(200, again.status());
        assertEquals(-32600, again.errorCode());
        assertNull(again.header("Mcp-Session-Id"));
    }

    @Test
    void acceptsEverySupportedProtocolVersionHeaderAndRefusesOthers() throws Exception {
        String session = http.initialize();
        assertEquals(200, http.post(PING, "Mcp-Session-Id: " + session).status(), "absent means 2025-03-26");
        for (String version : List.of("2025-11-25", "2025-06-18", "2025-03-26")) {
            assertEquals(200, http.post(PING, "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + version).status(), version);
        }
        for (String version : List.of("2024-11-05", "2027-01-01", "banana")) {
            RawHttp.Response r = http.post(PING, "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + version);
            assertEquals(400, r.status(), version);
            assertTrue(r.body().contains("2025-11-25"), r.body());
        }
        // A header of the stateless era makes the request stateless: then its _meta is missing.
        RawHttp.Response modern = http.post(PING, "Mcp-Session-Id: " + session, "MCP-Protocol-Version: 2026-07-28");
        assertEquals(400, modern.status());
        assertEquals(-32602, modern.json().getAsJsonObject("error").get("code").getAsInt(), modern.body());
        assertEquals(400, http.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + session, "MCP-Protocol-Version: 1999-01-01").status());
    }

    @Test
    void doesNotCheckTheVersionHeaderOfTheInitializePost() throws Exception {
        RawHttp.Response r = http.post(INITIALIZE, "MCP-Protocol-Version: 1999-01-01");
        assertEquals(200, r.status());
        assertEquals("2025-11-25", r.json().getAsJsonObject("result").get("protocolVersion").getAsString());
    }

    @Test
    void answersAnErrorWhileHandlingARequestWithInternalErrorAndKeepsServing() throws Exception {
        // The rate limiter's clock is the seam: armed, it throws inside McpServer.handle.
        AtomicReference<Error> failure = new AtomicReference<>();
        LongSupplier clock = () -> {
            Error e = failure.get();
            if (e != null) {
                throw e;
            }
            return 0L;
        };
        try (HttpFixture failing = new HttpFixture(Map.of(), clock, null)) {
            String session = failing.initialize();
            for (Error error : List.of(new OutOfMemoryError("simulated"), new AssertionError("simulated"))) {
                failure.set(error);
                RawHttp.Response r = failing.post(PING, "Mcp-Session-Id: " + session);
                assertEquals(500, r.status(), r.body());
                assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,"
                        + "\"message\":\"Internal error\"}}", r.body());
                Pattern logged = Pattern.compile("ERROR HTTP POST failed \\[[0-9a-f]{8}]: "
                        + Pattern.quote(error.getClass().getName()));
                assertTrue(logged.matcher(failing.log()).find(), failing.log());
                failure.set(null);
                assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}",
                        failing.post(PING, "Mcp-Session-Id: " + session).body(), "still serving");
            }
        }
    }

    @Test
    void answersHealthWithoutConfiguration() throws Exception {
        RawHttp.Response r = RawHttp.send(http.port, "GET", "/health", List.of("Host: anything.example"), null);
        assertEquals(200, r.status());
        assertEquals("{\"status\":\"ok\"}", r.body());
        assertEquals(404, RawHttp.send(http.port, "GET", "/healthz", List.of("Host: localhost"), null).status());
        assertEquals(404, RawHttp.send(http.port, "POST", "/mcp/extra", http.headers(), INITIALIZE).status());
    }

    @Test
    void streamsLogNotificationsBeforeTheResponseAsServerSentEvents() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture withVault = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            String session = withVault.initialize("X-Vault-Token: " + vault.rootToken());
            withVault.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}",
                    "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
            RawHttp.Response r = withVault.post(HttpFixture.LIST_MOUNTS, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
            assertEquals(200, r.status());
            assertEquals("text/event-stream", r.header("Content-Type"));
            List<JsonObject> events = r.events();
            assertEquals(2, events.size(), r.body());
            assertEquals("notifications/message", events.get(0).get("method").getAsString());
            assertEquals("calling list_mounts", events.get(0).getAsJsonObject("params").get("data").getAsString());
            assertEquals(3, events.get(1).get("id").getAsInt());
            assertFalse(events.get(1).getAsJsonObject("result").get("isError").getAsBoolean(), r.body());
            assertTrue(r.body().startsWith("event: message\ndata: "), r.body());
        }
    }

    @Test
    void answersWithPlainJsonWhenNoNotificationIsDue() throws Exception {
        try (FakeVault vault = new FakeVault(); HttpFixture withVault = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            String session = withVault.initialize("X-Vault-Token: " + vault.rootToken());
            RawHttp.Response r = withVault.post(HttpFixture.LIST_MOUNTS, "Mcp-Session-Id: " + session, "X-Vault-Token: " + vault.rootToken());
            assertEquals("application/json", r.header("Content-Type"));
            assertNotEquals(null, r.json().getAsJsonObject("result").get("structuredContent"), r.body());
        }
    }

    @Test
    void expiresIdleSessions() throws Exception {
        try (HttpFixture shortLived = new HttpFixture(Map.of("MCP_SESSION_IDLE_TIMEOUT", "200ms"))) {
            String session = shortLived.initialize();
            Thread.sleep(400);
            RawHttp.Response r = shortLived.post(PING, "Mcp-Session-Id: " + session);
            assertEquals(404, r.status());
            assertEquals(-32001, r.errorCode());
        }
    }

    @Test
    void refusesANewSessionWhenTheTableIsFullAndKeepsTheLiveOnes() throws Exception {
        try (FakeVault vault = new FakeVault();
             HttpFixture small = new HttpFixture(Map.of("MCP_MAX_SESSIONS", "2", "VAULT_ADDR", vault.address()))) {
            List<String> t = HttpSecurityIT.tokens(vault, 3);
            String a = small.initialize("X-Vault-Token: " + t.get(0));
            String b = small.initialize("X-Vault-Token: " + t.get(1));
            RawHttp.Response refused = small.post(INITIALIZE, "X-Vault-Token: " + t.get(2));
            assertEquals(503, refused.status());
            assertNull(refused.header("Mcp-Session-Id"));
            assertTrue(refused.body().contains("too many open sessions"), refused.body());
            assertEquals(503, small.post(INITIALIZE).status(), "nor does an anonymous caller get in");
            assertEquals(200, small.post(PING, "Mcp-Session-Id: " + a, "X-Vault-Token: " + t.get(0)).status());
            assertEquals(200, small.post(PING, "Mcp-Session-Id: " + b, "X-Vault-Token: " + t.get(1)).status());
            small.request("DELETE", "Host: localhost", "Mcp-Session-Id: " + a, "X-Vault-Token: " + t.get(0));
            small.initialize("X-Vault-Token: " + t.get(2));
        }
    }

    @Test
    void makesRoomForANewSessionByDroppingExpiredOnes() throws Exception {
        try (HttpFixture small = new HttpFixture(Map.of("MCP_MAX_SESSIONS", "1", "MCP_SESSION_IDLE_TIMEOUT", "200ms"))) {
            String old = small.initialize();
            Thread.sleep(400);
            small.initialize();
            assertEquals(404, small.post(PING, "Mcp-Session-Id: " + old).status());
        }
    }
}
