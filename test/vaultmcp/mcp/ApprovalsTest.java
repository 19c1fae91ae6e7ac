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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority;
import vaultmcp.config.Authority.Approval;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.PathRules;
import vaultmcp.config.Secret;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.ToolResult;
import vaultmcp.tools.ToolTable;
import vaultmcp.vault.VaultClient;

/**
 * Approval by elicitation, in process: the request the client gets, and each answer it may give.
 * The tool's write goes to a Vault that is not there, so "Could not reach Vault" proves the write
 * was attempted, and "not approved" that it was not.
 */
class ApprovalsTest {
    private final JsonRpc codec = new JsonRpc(100_000, 64);
    private final RateLimiter limiter = new RateLimiter(new Rate(1000, 1000), new Rate(1000, 1000), new Rate(1000, 1000), () -> 0L);
    private final BlockingQueue<JsonObject> sent = new LinkedBlockingQueue<>();
    private Session session = new Session("s", new Secret("hvs.TEST"), limiter.budget(null, false));

    private McpServer server(Approval mode, Duration timeout) {
        return server(mode, timeout, 4);
    }

    private McpServer server(Approval mode, Duration timeout, int workers) {
        JsonObject entry = JsonParser.parseString("{\"name\":\"change\",\"title\":\"Change\",\"description\":\"Changes x\","
                + "\"toolset\":\"sys\",\"privileged\":true,\"vault\":{\"mounts\":{},\"requests\":[\"POST sys/x\"]},"
                + "\"annotations\":{\"readOnlyHint\":false},\"inputSchema\":{\"type\":\"object\",\"properties\":"
                + "{\"name\":{\"type\":\"string\",\"description\":\"n\"}},\"additionalProperties\":false}}").getAsJsonObject();
        JsonArray manifest = new JsonArray();
        manifest.add(entry);
        ToolTable table = new ToolTable(manifest, Map.of("change", (args, vault) -> {
            JsonObject body = new JsonObject();
            body.addProperty(args.string("name"), "secret-value");
            return ToolResult.json(vault.send("POST sys/x", body).data());
        }), true);
        VaultClient nowhere = new VaultClient(URI.create("http://127.0.0.1:1"), null, Duration.ofSeconds(2), null);
        Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "error");
        Authority authority = new Authority(null, Set.of(), "", PathRules.none(), mode, timeout,
                Authority.SecretValues.PLAIN, Duration.ofMinutes(5), null, null, null);
        return new McpServer(table, nowhere, log, "1", 50, true, authority, workers, null, null);
    }

    private JsonObject handle(McpServer server, String text) throws Exception {
        return server.handle(codec.parse(text.getBytes(StandardCharsets.UTF_8)), session, sent::add);
    }

    private void initialize(McpServer server, boolean elicitation) throws Exception {
        handle(server, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":" + (elicitation ? "{\"elicitation\":{}}" : "{}") + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    }

    /** Starts the call on another thread, as a transport does; the test answers for the client meanwhile. */
    private CompletableFuture<JsonObject> call(McpServer server, String name) {
        return call(server, name, 7);
    }

    private CompletableFuture<JsonObject> call(McpServer server, String name, int id) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return handle(server, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"change\","
                        + "\"arguments\":{\"name\":\"" + name + "\"},\"_meta\":{\"progressToken\":\"p1\"}}}");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private JsonObject elicitation() throws InterruptedException {
        for (JsonObject m = sent.poll(5, TimeUnit.SECONDS); m != null; m = sent.poll(5, TimeUnit.SECONDS)) {
            if ("elicitation/create".equals(m.has("method") ? m.get("method").getAsString() : null)) {
                return m;
            }
        }
        throw new AssertionError("no elicitation/create was sent");
    }

    private static String text(JsonObject response) {
        return response.getAsJsonObject("result").getAsJsonArray("content").get(0).getAsJsonObject().get("text").getAsString();
    }

    private String answer(String result) throws Exception {
        McpServer server = server(Approval.ASK, Duration.ofSeconds(5));
        initialize(server, true);
        CompletableFuture<JsonObject> pending = call(server, "password");
        JsonObject asked = elicitation();
        handle(server, "{\"jsonrpc\":\"2.0\",\"id\":" + asked.get("id") + ",\"result\":" + result + "}");
        return text(pending.get(10, TimeUnit.SECONDS));
    }

    @Test
    void asksWithAFormOfOneRequiredBooleanWithoutADefaultAndNamesFieldsNeverValues() throws Exception {
        McpServer server = server(Approval.ASK, Duration.ofSeconds(5));
        initialize(server, true);
        CompletableFuture<JsonObject> pending = call(server, "password");
        JsonObject params = elicitation().getAsJsonObject("params");
        assertEquals("form", params.get("mode").getAsString());
        assertEquals(JsonParser.parseString("[\"approve\"]"), params.getAsJsonObject("requestedSchema").get("required"));
        JsonObject approve = params.getAsJsonObject("requestedSchema").getAsJsonObject("properties").getAsJsonObject("approve");
        assertEquals("boolean", approve.get("type").getAsString());
        assertNull(approve.get("default"), "a prefilled default must not approve by itself");
        String message = params.get("message").getAsString();
        assertTrue(message.startsWith("The tool change will POST \"sys/x\" with \"password\""), message);
        assertFalse(message.contains("secret-value"), message);
        assertFalse(pending.isDone(), "nothing happens before the answer");
        handle(server, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}}");
        assertTrue(text(pending.get(10, TimeUnit.SECONDS)).contains("not approved (the call was cancelled)"));
    }

    @Test
    void onlyAcceptWithApproveTrueLetsTheWriteGoAhead() throws Exception {
        assertTrue(answer("{\"action\":\"accept\",\"content\":{\"approve\":true}}").startsWith("Could not reach Vault"));
        assertTrue(answer("{\"action\":\"decline\"}").contains("not approved (the user declined)"));
        assertTrue(answer("{\"action\":\"cancel\"}").contains("not approved (the user dismissed the request)"));
        assertTrue(answer("{\"action\":\"accept\",\"content\":{}}").contains("accepted without approve: true"));
        assertTrue(answer("{\"action\":\"accept\",\"content\":{\"approve\":false}}").contains("not approved"));
        assertTrue(answer("{\"action\":\"accept\",\"content\":{\"approve\":\"true\"}}").contains("not approved"));
        assertTrue(answer("{\"action\":\"yes\"}").contains("not understood"));
    }

    @Test
    void noAnswerWithinTheTimeoutIsNoApprovalAndProgressIsReportedMeanwhile() throws Exception {
        McpServer server = server(Approval.ASK, Duration.ofSeconds(6));
        initialize(server, true);
        CompletableFuture<JsonObject> pending = call(server, "k");
        elicitation();
        String result = text(pending.get(20, TimeUnit.SECONDS));
        assertTrue(result.contains("not approved (no answer within 6 s)"), result);
        JsonObject progress = sent.poll(1, TimeUnit.SECONDS);
        assertNotNull(progress, "a progress notification while waiting");
        assertEquals("notifications/progress", progress.get("method").getAsString());
        assertEquals("p1", progress.getAsJsonObject("params").get("progressToken").getAsString());
    }

    @Test
    void aClientWithoutElicitationIsNotAskedUnderAskAndCannotChangeVaultUnderRequire() throws Exception {
        McpServer ask = server(Approval.ASK, Duration.ofSeconds(5));
        initialize(ask, false);
        assertTrue(text(call(ask, "k").get(10, TimeUnit.SECONDS)).startsWith("Could not reach Vault"));
        McpServer require = server(Approval.REQUIRE, Duration.ofSeconds(5));
        String refused = text(call(require, "k").get(10, TimeUnit.SECONDS));
        assertTrue(refused.contains("MCP_APPROVAL=require") && refused.contains("Nothing was changed"), refused);
        session = new Session("capable", new Secret("hvs.TEST"), limiter.budget(null, false));
        McpServer off = server(Approval.OFF, Duration.ofSeconds(5));
        initialize(off, true);
        assertTrue(text(call(off, "k").get(10, TimeUnit.SECONDS)).startsWith("Could not reach Vault"), "off never asks");
        assertTrue(sent.stream().noneMatch(m -> m.has("method") && m.get("method").getAsString().equals("elicitation/create")));
    }

    @Test
    void atMostHalfTheWorkersWaitOnApprovals() throws Exception {
        McpServer server = server(Approval.ASK, Duration.ofSeconds(5), 2);
        initialize(server, true);
        CompletableFuture<JsonObject> first = call(server, "a", 7);
        JsonObject asked = elicitation();
        String second = text(call(server, "b", 8).get(10, TimeUnit.SECONDS));
        assertTrue(second.contains("too many changes are waiting for approval"), second);
        handle(server, "{\"jsonrpc\":\"2.0\",\"id\":" + asked.get("id") + ",\"result\":{\"action\":\"decline\"}}");
        assertTrue(text(first.get(10, TimeUnit.SECONDS)).contains("declined"));
    }
}
