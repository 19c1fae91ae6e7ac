package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import vaultmcp.config.Limits;
import vaultmcp.vault.FakeVault;

/**
 * The JSON-RPC and MCP rules over stdio, against one running jar: every bad input gets its
 * answer and the server keeps serving (a ping answered after each). Tests here leave the shared
 * session as they found it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StdioProtocolIT {
    private FakeVault vault;
    private McpProcess mcp;

    @BeforeAll
    void start() throws IOException {
        vault = new FakeVault("hvs.PROTOCOL-token-never-logged");
        mcp = McpProcess.initialized(McpProcess.env(vault.address(), vault.rootToken()));
    }

    @AfterAll
    void stop() {
        mcp.close();
        vault.close();
    }

    private JsonObject rawError(String line) {
        mcp.send(line);
        JsonObject m = mcp.nextMessage();
        assertTrue(m.has("error") && !m.has("result"), () -> "expected an error for " + line + ", got " + m);
        return m;
    }

    private static int code(JsonObject m) {
        return m.getAsJsonObject("error").get("code").getAsInt();
    }

    private static String message(JsonObject m) {
        return m.getAsJsonObject("error").get("message").getAsString();
    }

    @Test
    void answersAMalformedLineWithAParseErrorAndKeepsServing() {
        JsonObject m = rawError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"");
        assertEquals(-32700, code(m));
        assertFalse(m.has("id"));
        mcp.assertServing();
    }

    @Test
    void refusesTrailingDataAfterTheMessage() {
        assertEquals(-32700, code(rawError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} {}")));
        mcp.assertServing();
    }

    @Test
    void refusesALineLongerThanTheMessageCap() {
        String pad = "x".repeat(Limits.MAX_MESSAGE_BYTES + 10);
        JsonObject m = rawError("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"pad\":\"" + pad + "\"}}");
        assertEquals(-32600, code(m));
        assertTrue(message(m).contains("larger than " + Limits.MAX_MESSAGE_BYTES), message(m));
        mcp.assertServing();
    }

    @Test
    void acceptsALineJustUnderTheMessageCap() {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"pad\":\"";
        String pad = "x".repeat(Limits.MAX_MESSAGE_BYTES - head.length() - 3);
        mcp.send(head + pad + "\"}}");
        assertEquals(new JsonObject(), mcp.awaitId("3").result());
        mcp.assertServing();
    }

    @Test
    void acceptsALineExactlyAtTheMessageCapEndedByCrLf() {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"ping\",\"params\":{\"pad\":\"";
        mcp.send(head + "x".repeat(Limits.MAX_MESSAGE_BYTES - head.length() - 3) + "\"}}\r");
        assertEquals(new JsonObject(), mcp.awaitId("31").result());
        mcp.assertServing();
    }

    @Test
    void refusesALineOverTheCapEvenWhenACarriageReturnFallsJustAfterIt() {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"ping\",\"params\":{\"pad\":\"";
        String atTheCap = head + "x".repeat(Limits.MAX_MESSAGE_BYTES - head.length() - 3) + "\"}}";
        JsonObject m = rawError(atTheCap + "\r and more");
        assertEquals(-32600, code(m));
        assertTrue(message(m).contains("larger than " + Limits.MAX_MESSAGE_BYTES), message(m));
        mcp.assertServing();
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        int depth = Limits.MAX_JSON_DEPTH + 1;
        String nested = "[".repeat(depth) + "]".repeat(depth);
        JsonObject m = rawError("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":{\"a\":" + nested + "}}");
        assertEquals(-32700, code(m));
        assertTrue(message(m).contains("nest"), message(m));
        mcp.assertServing();
    }

    @Test
    void refusesDuplicateKeys() {
        JsonObject m = rawError("{\"jsonrpc\":\"2.0\",\"id\":5,\"id\":6,\"method\":\"ping\"}");
        assertEquals(-32700, code(m));
        assertTrue(message(m).contains("duplicate key \"id\""), message(m));
        mcp.assertServing();
    }

    @Test
    void refusesBatchRequests() {
        JsonObject m = rawError("[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}]");
        assertEquals(-32600, code(m));
        assertFalse(m.has("id"));
        assertTrue(message(m).contains("batch"), message(m));
        mcp.assertServing();
    }

    @Test
    void refusesAWrongOrMissingJsonrpcVersion() {
        JsonObject wrong = rawError("{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"ping\"}");
        assertEquals(-32600, code(wrong));
        assertEquals("8", wrong.get("id").toString());
        JsonObject missing = rawError("{\"id\":9,\"method\":\"ping\"}");
        assertEquals(-32600, code(missing));
        JsonObject number = rawError("{\"jsonrpc\":2.0,\"id\":10,\"method\":\"ping\"}");
        assertEquals(-32600, code(number));
        mcp.assertServing();
    }

    @Test
    void echoesOddIdsExactlyAsWritten() {
        for (String id : new String[] {"9007199254740993", "1.50", "\"x\"", "-7", "1e3", "1E+2", "0", "\"\"", "123456789012345678901234567890"}) {
            mcp.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
            String line = mcp.nextLine();
            assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}", line);
        }
        mcp.assertServing();
    }

    @Test
    void refusesANullOrStructuredId() {
        JsonObject nullId = rawError("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}");
        assertEquals(-32600, code(nullId));
        assertFalse(nullId.has("id"));
        assertEquals(-32600, code(rawError("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}")));
        assertEquals(-32600, code(rawError("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}")));
        mcp.assertServing();
    }

    @Test
    void refusesParamsThatAreNotAnObject() {
        JsonObject m = rawError("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\",\"params\":[1]}");
        assertEquals(-32600, code(m));
        assertEquals("11", m.get("id").toString());
        assertEquals(-32600, code(rawError("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\",\"params\":\"x\"}")));
        mcp.assertServing();
    }

    @Test
    void refusesAMethodThatIsNotAString() {
        assertEquals(-32600, code(rawError("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":5}")));
        assertEquals(-32600, code(rawError("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"ping\",\"extra\":1}")));
        mcp.assertServing();
    }

    @Test
    void refusesASecondInitialize() {
        JsonObject params = JsonParser.parseString("{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"again\",\"version\":\"1\"}}").getAsJsonObject();
        McpProcess.Reply again = mcp.request("initialize", params);
        assertEquals(-32600, again.code());
        assertTrue(again.error().get("message").getAsString().contains("already initialized"));
        mcp.assertServing();
    }

    @Test
    void answersAnUnknownMethodWithMethodNotFound() {
        McpProcess.Reply r = mcp.request("resources/list", new JsonObject());
        assertEquals(-32601, r.code());
        assertTrue(r.error().get("message").getAsString().contains("resources/list"));
        mcp.assertServing();
    }

    @Test
    void answersAnUnknownToolWithInvalidParams() {
        McpProcess.Reply r = mcp.call("no_such_tool", "{}");
        assertEquals(-32602, r.code());
        assertEquals("Unknown tool: no_such_tool", r.error().get("message").getAsString());
        mcp.assertServing();
    }

    @Test
    void answersAPrivilegedToolExactlyLikeAnUnknownOne() {
        for (String privileged : new String[] {"write_secret", "delete_secret", "create_mount", "delete_mount", "issue_pki_certificate"}) {
            vault.clearRequests();
            McpProcess.Reply r = mcp.call(privileged, "{\"mount\":\"secret\",\"path\":\"x\",\"key\":\"k\",\"value\":\"v\"}");
            assertEquals(-32602, r.code());
            assertEquals("Unknown tool: " + privileged, r.error().get("message").getAsString());
            assertFalse(r.error().has("data"));
            assertTrue(vault.requests().isEmpty(), () -> "Vault was called: " + vault.requests());
        }
        mcp.assertServing();
    }

    @Test
    void refusesToolCallsWithoutANameOrWithArgumentsThatAreNotAnObject() {
        assertEquals(-32602, mcp.request("tools/call", new JsonObject()).code());
        JsonObject params = JsonParser.parseString("{\"name\":\"list_mounts\",\"arguments\":[1]}").getAsJsonObject();
        assertEquals(-32602, mcp.request("tools/call", params).code());
        mcp.assertServing();
    }

    @Test
    void reportsWrongArgumentTypesAsAToolErrorTheModelCanFix() {
        McpProcess.Reply r = mcp.call("read_secret", "{\"mount\":5,\"path\":true}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("\"mount\" must be a string"), r.text());
        assertTrue(r.text().contains("\"path\" must be a string"), r.text());
        McpProcess.Reply version = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"a\",\"version\":1.5}");
        assertTrue(version.isError());
        assertTrue(version.text().contains("\"version\" must be a whole number"), version.text());
        McpProcess.Reply low = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"a\",\"version\":0}");
        assertTrue(low.text().contains("\"version\" must be at least 1"), low.text());
        mcp.assertServing();
    }

    @Test
    void reportsUnknownAndMissingArguments() {
        McpProcess.Reply unknown = mcp.call("list_mounts", "{\"verbose\":true}");
        assertTrue(unknown.isError());
        assertTrue(unknown.text().contains("unknown argument \"verbose\""), unknown.text());
        McpProcess.Reply missing = mcp.call("read_secret", "{\"mount\":\"secret\"}");
        assertTrue(missing.isError());
        assertTrue(missing.text().contains("\"path\" is required"), missing.text());
        McpProcess.Reply empty = mcp.call("read_pki_role", "{}");
        assertTrue(empty.text().contains("\"role_name\" is required"), empty.text());
        mcp.assertServing();
    }

    @Test
    void refusesALineThatIsNotUtf8() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes("{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"ping\",\"params\":{\"x\":\"".getBytes(StandardCharsets.UTF_8));
        line.write(0xff);
        line.write(0xc3);
        line.writeBytes("\"}}\n".getBytes(StandardCharsets.UTF_8));
        mcp.sendBytes(line.toByteArray());
        JsonObject m = mcp.nextMessage();
        assertEquals(-32700, code(m));
        assertTrue(message(m).contains("UTF-8"), message(m));
        mcp.assertServing();
    }

    @Test
    void acceptsCrlfLineEndings() {
        mcp.sendBytes("{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"ping\"}\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(new JsonObject(), mcp.awaitId("16").result());
        mcp.assertServing();
    }

    @Test
    void ignoresEmptyLines() {
        mcp.sendBytes("\n\n\r\n".getBytes(StandardCharsets.UTF_8));
        mcp.send("{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"ping\"}");
        // The very next line is the ping's answer: the empty lines produced nothing.
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{}}", mcp.nextLine());
        mcp.assertServing();
    }

    @Test
    void neverAnswersNotificationsOrResponses() {
        mcp.notify("notifications/initialized");
        mcp.notify("notifications/unknown");
        mcp.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":999}}");
        mcp.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}");
        mcp.send("{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"ping\"}");
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":18,\"result\":{}}", mcp.nextLine());
        mcp.assertServing();
    }

    @Test
    void listsTheReadToolsOnOnePageAndRefusesABadCursor() {
        McpProcess.Reply list = mcp.request("tools/list", new JsonObject());
        assertEquals(Manifest.readOnlyCount(), list.result().getAsJsonArray("tools").size());
        assertFalse(list.result().has("nextCursor"));
        for (String cursor : new String[] {"\"bogus\"", "\"b2Zmc2V0OjUw\"", "\"b2Zmc2V0OjE=\"", "5", "null"}) {
            McpProcess.Reply bad = mcp.request("tools/list", JsonParser.parseString("{\"cursor\":" + cursor + "}").getAsJsonObject());
            assertEquals(-32602, bad.code(), () -> "cursor " + cursor);
        }
        mcp.assertServing();
    }

    @Test
    void setsTheLogLevelAndRefusesAnUnknownOne() {
        assertEquals(new JsonObject(), mcp.request("logging/setLevel", JsonParser.parseString("{\"level\":\"error\"}").getAsJsonObject()).result());
        McpProcess.Reply quiet = mcp.call("read_secret", "{\"mount\":\"nomount\",\"path\":\"a\"}");
        assertTrue(quiet.isError());
        assertTrue(quiet.notifications().isEmpty(), () -> "sent at level error: " + quiet.notifications());

        assertEquals(new JsonObject(), mcp.request("logging/setLevel", JsonParser.parseString("{\"level\":\"debug\"}").getAsJsonObject()).result());
        McpProcess.Reply chatty = mcp.call("read_secret", "{\"mount\":\"nomount\",\"path\":\"a\"}");
        assertTrue(chatty.isError());
        assertEquals(2, chatty.notifications().size(), () -> chatty.notifications().toString());
        JsonObject debug = chatty.notifications().get(0);
        assertEquals("notifications/message", debug.get("method").getAsString());
        assertEquals("debug", debug.getAsJsonObject("params").get("level").getAsString());
        assertEquals("warning", chatty.notifications().get(1).getAsJsonObject("params").get("level").getAsString());

        McpProcess.Reply bad = mcp.request("logging/setLevel", JsonParser.parseString("{\"level\":\"verbose\"}").getAsJsonObject());
        assertEquals(-32602, bad.code());
        assertEquals(-32602, mcp.request("logging/setLevel", new JsonObject()).code());
        assertEquals(new JsonObject(), mcp.request("logging/setLevel", JsonParser.parseString("{\"level\":\"info\"}").getAsJsonObject()).result());
        mcp.assertServing();
    }

    @Test
    void writesOnlyJsonRpcLinesToStdout() {
        mcp.assertServing();
        mcp.assertStdoutIsOnlyJsonRpc();
        assertFalse(mcp.stderr().contains(vault.rootToken()), "the token reached stderr");
    }
}
