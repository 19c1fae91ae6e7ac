package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/**
 * The stateless era over HTTP, in this JVM: no session, headers that must repeat the body, HTTP statuses that
 * follow the JSON-RPC error, and every error answer keeping the request's id. Beside it, a 2025-11-25
 * session on the same endpoint goes on working.
 */
class HttpModernIT {
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
    private static final String DISCOVER = "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"server/discover\",\"params\":{"
            + META + "}}";
    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"list_mounts\",\"arguments\":{}," + META + "}}";
    private static final String VERSION = "MCP-Protocol-Version: 2026-07-28";
    private HttpFixture http;

    @BeforeEach
    void start() throws Exception {
        http = new HttpFixture(Map.of());
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void discoverNeedsNoSessionAndIssuesNone() throws Exception {
        RawHttp.Response r = http.post(DISCOVER, VERSION, "Mcp-Method: server/discover");
        assertEquals(200, r.status(), r.body());
        assertEquals(31, r.json().get("id").getAsInt());
        assertEquals("2026-07-28", r.json().getAsJsonObject("result").getAsJsonArray("supportedVersions").get(0)
                .getAsString());
        assertNull(r.header("Mcp-Session-Id"));
    }

    @Test
    void theVersionHeaderAndMcpMethodMustRepeatTheBody() throws Exception {
        for (String[] headers : new String[][] {{"Mcp-Method: server/discover"},
            {"MCP-Protocol-Version: 2025-11-25", "Mcp-Method: server/discover"}, {VERSION}, {VERSION, "Mcp-Method: tools/list"}}) {
            RawHttp.Response r = http.post(DISCOVER, headers);
            assertEquals(400, r.status(), String.join(",", headers));
            assertEquals(-32020, r.errorCode(), r.body());
            assertEquals(31, r.json().get("id").getAsInt(), "the error keeps the request id");
        }
    }

    @Test
    void aToolCallMustNameItsToolInMcpNameAndBringACredential() throws Exception {
        RawHttp.Response wrongName = http.post(CALL, VERSION, "Mcp-Method: tools/call", "Mcp-Name: read_secret");
        assertEquals(400, wrongName.status());
        assertEquals(-32020, wrongName.errorCode());
        RawHttp.Response anonymous = http.post(CALL, VERSION, "Mcp-Method: tools/call", "Mcp-Name: list_mounts");
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals(32, anonymous.json().get("id").getAsInt(), "even a 401 keeps the request id");
        RawHttp.Response withToken = http.post(CALL, VERSION, "Mcp-Method: tools/call", "Mcp-Name: list_mounts",
                "X-Vault-Token: hvs.someone");
        assertEquals(503, withToken.status(), "no Vault at port 9 to vouch for the token: " + withToken.body());
        assertTrue(withToken.json().getAsJsonObject("error").get("message").getAsString()
                .startsWith("Service Unavailable: cannot check the token: Could not reach Vault"), withToken.body());
        assertEquals(32, withToken.json().get("id").getAsInt());
    }

    @Test
    void aModernHeaderWithoutMetaIsInvalidParamsAndALegacyMethodIsNotFound() throws Exception {
        RawHttp.Response noMeta = http.post("{\"jsonrpc\":\"2.0\",\"id\":33,\"method\":\"tools/list\"}", VERSION,
                "Mcp-Method: tools/list");
        assertEquals(400, noMeta.status());
        assertEquals(-32602, noMeta.errorCode());
        RawHttp.Response ping = http.post("{\"jsonrpc\":\"2.0\",\"id\":34,\"method\":\"ping\",\"params\":{" + META + "}}",
                VERSION, "Mcp-Method: ping");
        assertEquals(404, ping.status());
        assertEquals(-32601, ping.errorCode());
        assertEquals(34, ping.json().get("id").getAsInt());
    }

    @Test
    void aSessionOfTheOtherEraWorksBesideIt() throws Exception {
        String session = http.initialize();
        assertEquals(200, http.post(DISCOVER, VERSION, "Mcp-Method: server/discover").status());
        RawHttp.Response ping = http.post(HttpFixture.PING, "Mcp-Session-Id: " + session);
        assertEquals(200, ping.status());
        assertFalse(ping.json().getAsJsonObject("result").has("resultType"), "legacy results are unchanged");
    }

    /**
     * Closing the SSE stream cancels a stateless call: a read whose mount look-up Vault holds for 1.5 s is
     * abandoned by its client after 0.6 s, and the read itself never reaches Vault. Without the heartbeat the
     * server would notice nothing and send the read when the look-up comes back.
     */
    @Test
    void closingTheStreamOfALongStatelessCallStopsItBeforeItsNextVaultRequest() throws Exception {
        try (FakeVault vault = new FakeVault();
             HttpFixture withVault = new HttpFixture(Map.of("VAULT_ADDR", vault.address()))) {
            vault.inject(new Fault("sys/internal/ui/mounts", Duration.ofMillis(1500), null));
            String read = "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"read_secret\",\"arguments\":{\"mount\":\"secret\",\"path\":\"app\"}," + META + "}}";
            StringBuilder request = new StringBuilder("POST /mcp HTTP/1.1\r\n");
            for (String h : withVault.headers(VERSION, "Mcp-Method: tools/call", "Mcp-Name: read_secret",
                    "X-Vault-Token: " + vault.rootToken(), "Content-Length: " + read.length())) {
                request.append(h).append("\r\n");
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), withVault.port)) {
                socket.getOutputStream().write((request + "\r\n" + read).getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                Thread.sleep(600);
                String head = new String(socket.getInputStream().readNBytes(17), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200 OK\r\n", head, "a call that runs long answers with a stream");
            }
            Thread.sleep(2000);
            assertTrue(vault.requests().stream().anyMatch(r -> r.path().startsWith("/v1/sys/internal/ui/mounts/")),
                    vault.requests().toString());
            assertFalse(vault.requests().stream().anyMatch(r -> r.path().startsWith("/v1/secret/")),
                    "the read went to Vault after its client had gone: " + vault.requests());
            assertEquals(200, withVault.post(DISCOVER, VERSION, "Mcp-Method: server/discover").status(),
                    "and the server goes on serving");
        }
    }
}
