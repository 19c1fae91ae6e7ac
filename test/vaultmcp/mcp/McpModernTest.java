package vaultmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.config.Authority;
import vaultmcp.config.Authority.Approval;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.PathRules;
import vaultmcp.config.Secret;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.jsonrpc.Message;
import vaultmcp.log.Log;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.ToolResult;
import vaultmcp.tools.ToolTable;
import vaultmcp.vault.VaultClient;

/**
 * The stateless era (2026-07-28) in process, as stdio serves it: beside a session that was never initialized,
 * each modern request stands alone on its {@code _meta}.
 */
class McpModernTest {
    private static final String META = "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{}";
    private final JsonRpc codec = new JsonRpc(100_000, 64);
    private final RateLimiter limiter = new RateLimiter(new Rate(1000, 1000), new Rate(1000, 1000), new Rate(1000, 1000), () -> 0L);
    private final List<JsonObject> sent = new ArrayList<>();
    private final Session session = new Session("stdio", new Secret("hvs.TEST"), limiter.budget(null, false));

    private McpServer server(Approval mode) {
        JsonArray manifest = new JsonArray();
        manifest.add(JsonParser.parseString("{\"name\":\"change\",\"title\":\"Change\",\"description\":\"Changes x\","
                + "\"toolset\":\"sys\",\"privileged\":true,\"vault\":{\"mounts\":{},\"requests\":[\"POST sys/x\"]},"
                + "\"annotations\":{\"readOnlyHint\":false},\"inputSchema\":{\"type\":\"object\",\"properties\":{},"
                + "\"additionalProperties\":false}}"));
        ToolTable table = new ToolTable(manifest, Map.of("change", (args, vault) -> {
            return ToolResult.json(vault.send("POST sys/x", new JsonObject()).data());
        }), true);
        VaultClient nowhere = new VaultClient(URI.create("http://127.0.0.1:1"), null, Duration.ofSeconds(2), null);
        Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "error");
        Authority authority = new Authority(null, Set.of(), "", PathRules.none(), mode, Duration.ofSeconds(5),
                Authority.SecretValues.PLAIN, Duration.ofMinutes(5), null, null, null);
        return new McpServer(table, nowhere, log, "1", 50, true, authority, 4, null, null);
    }

    private JsonObject handle(McpServer server, String method, String params) throws Exception {
        String text = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method + "\",\"params\":" + params + "}";
        return server.handle(codec.parse(text.getBytes(StandardCharsets.UTF_8)), session, sent::add);
    }

    private static int code(JsonObject response) {
        return response.getAsJsonObject("error").get("code").getAsInt();
    }

    @Test
    void discoverAnswersWithoutInitializeWithVersionsCapabilitiesAndCachingHints() throws Exception {
        JsonObject result = handle(server(Approval.ASK), "server/discover", "{\"_meta\":" + META + "}}")
                .getAsJsonObject("result");
        assertEquals("[\"2026-07-28\"]", result.get("supportedVersions").toString());
        assertEquals("complete", result.get("resultType").getAsString());
        assertTrue(result.getAsJsonObject("capabilities").has("tools"));
        assertTrue(result.get("ttlMs").getAsLong() > 0);
        assertEquals("public", result.get("cacheScope").getAsString());
        assertEquals("vault-mcp-server", result.getAsJsonObject("_meta")
                .getAsJsonObject("io.modelcontextprotocol/serverInfo").get("name").getAsString());
        assertNull(session.protocolVersion(), "a modern request leaves the session as it was");
    }

    @Test
    void toolsListCarriesCachingHintsInTheModernEraOnly() throws Exception {
        McpServer server = server(Approval.ASK);
        JsonObject modern = handle(server, "tools/list", "{\"_meta\":" + META + "}}").getAsJsonObject("result");
        assertEquals("change", modern.getAsJsonArray("tools").get(0).getAsJsonObject().get("name").getAsString());
        assertTrue(modern.has("ttlMs") && modern.has("cacheScope") && modern.has("resultType"));
        handle(server, "initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        JsonObject legacy = handle(server, "tools/list", "{}").getAsJsonObject("result");
        assertFalse(legacy.has("ttlMs") || legacy.has("cacheScope") || legacy.has("resultType"), legacy.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}",
        "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":7,\"io.modelcontextprotocol/clientCapabilities\":{}}}"})
    void aModernRequestWithoutClientCapabilitiesOrAStringVersionIsInvalidParams(String params) throws Exception {
        assertEquals(-32602, code(handle(server(Approval.ASK), "server/discover", params)));
    }

    @Test
    void anUnsupportedVersionListsTheSupportedOnesAndEchoesTheRequestedOne() throws Exception {
        JsonObject error = handle(server(Approval.ASK), "server/discover",
                "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\","
                        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}").getAsJsonObject("error");
        assertEquals(-32022, error.get("code").getAsInt());
        assertEquals("[\"2026-07-28\"]", error.getAsJsonObject("data").get("supported").toString());
        assertEquals("2099-01-01", error.getAsJsonObject("data").get("requested").getAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"initialize", "ping", "logging/setLevel", "resources/subscribe", "subscriptions/listen",
        "no/such"})
    void methodsTheEraRemovedOrNeverHadAreNotFoundWithTheRequestId(String method) throws Exception {
        JsonObject response = handle(server(Approval.ASK), method, "{\"_meta\":" + META + "}}");
        assertEquals(-32601, code(response));
        assertEquals(5, response.get("id").getAsInt());
        assertEquals(404, Modern.status(response));
    }

    @Test
    void anApprovalTheClientCannotAnswerIsMissingCapabilityWithTheCapabilityNamed() throws Exception {
        JsonObject response = handle(server(Approval.REQUIRE), "tools/call",
                "{\"name\":\"change\",\"arguments\":{},\"_meta\":" + META + "}}");
        assertEquals(-32021, code(response));
        assertEquals("{\"elicitation\":{}}",
                response.getAsJsonObject("error").getAsJsonObject("data").get("requiredCapabilities").toString());
        assertEquals(400, Modern.status(response));
    }

    @Test
    void noLogNotificationWithoutALogLevelInMetaAndSomeWithOne() throws Exception {
        McpServer server = server(Approval.OFF);
        handle(server, "tools/call", "{\"name\":\"change\",\"arguments\":{},\"_meta\":" + META + "}}");
        assertTrue(sent.isEmpty(), sent.toString());
        JsonObject result = handle(server, "tools/call", "{\"name\":\"change\",\"arguments\":{},\"_meta\":" + META
                + ",\"io.modelcontextprotocol/logLevel\":\"debug\"}}").getAsJsonObject("result");
        assertTrue(result.get("isError").getAsBoolean(), "Vault is not there");
        assertFalse(sent.isEmpty());
        assertTrue(sent.stream().allMatch(m -> m.get("method").getAsString().equals("notifications/message")
                && !m.has("id")), "only notifications, never a request of ours: " + sent);
    }

    @Test
    void aTraceparentIsKeptOnlyWhenWellFormed() {
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Modern.traceparent(JsonParser
                .parseString("{\"_meta\":{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}}")
                .getAsJsonObject()));
        for (String bad : List.of("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "ff-4bf92f3577b34da6a3ce929d"
                + "0e0e4736-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "x\r\ny")) {
            JsonObject params = new JsonObject();
            JsonObject meta = new JsonObject();
            meta.addProperty("traceparent", bad);
            params.add("_meta", meta);
            assertNull(Modern.traceparent(params), bad);
        }
    }

    @Test
    void theEraIsDecidedPerRequestByMetaOrByAHeaderThatIsNotOfTheSessionEra() throws Exception {
        Message legacy = codec.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        Message modern = codec.parse(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"_meta\":" + META
                + "}}}").getBytes(StandardCharsets.UTF_8));
        assertFalse(Modern.requested(legacy, null));
        assertFalse(Modern.requested(legacy, "2025-11-25"));
        assertTrue(Modern.requested(legacy, "2026-07-28"));
        assertTrue(Modern.requested(modern, null));
        assertNotNull(session);
    }
}
