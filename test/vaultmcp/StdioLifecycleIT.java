package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/**
 * The life of one stdio server process: start-up checks and command-line actions, the
 * initialize handshake and what may come before it, rate limiting, and a clean exit at end of
 * input. Each test runs its own jar.
 */
class StdioLifecycleIT {
    private static final String TOKEN = "hvs.LIFECYCLE-token-never-printed";

    private static JsonObject params(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    @Test
    void answersPingButNoOtherRequestBeforeInitialize() throws Exception {
        try (FakeVault vault = new FakeVault(TOKEN); McpProcess mcp = McpProcess.start(McpProcess.env(vault.address(), TOKEN))) {
            assertEquals(new JsonObject(), mcp.request("ping", null).result());
            for (String method : new String[] {"tools/list", "tools/call", "logging/setLevel", "resources/list"}) {
                McpProcess.Reply r = mcp.request(method, params("{\"name\":\"list_mounts\",\"level\":\"info\"}"));
                assertEquals(-32600, r.code(), method);
                assertTrue(r.error().get("message").getAsString().contains("initialize"), r.message()::toString);
            }
            assertTrue(vault.requests().isEmpty(), "no tool ran before initialize");
            mcp.initialize();
            assertEquals(Manifest.readOnlyCount(),
                    mcp.request("tools/list", null).result().getAsJsonArray("tools").size());
            mcp.assertServing();
        }
    }

    @Test
    void initializeNegotiatesTheProtocolVersion() throws Exception {
        for (String[] pair : new String[][] {{"2025-06-18", "2025-06-18"}, {"2099-01-01", "2025-11-25"}}) {
            try (McpProcess mcp = McpProcess.start(McpProcess.env("http://127.0.0.1:1", TOKEN))) {
                // A malformed initialize is refused and does not use up the session's one initialize.
                assertEquals(-32602, mcp.request("initialize", params("{\"capabilities\":{}}")).code());
                JsonObject result = mcp.request("initialize", params("{\"protocolVersion\":\"" + pair[0]
                        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}")).result();
                assertEquals(pair[1], result.get("protocolVersion").getAsString());
                assertEquals(false, result.getAsJsonObject("capabilities").getAsJsonObject("tools").get("listChanged").getAsBoolean());
                assertTrue(result.getAsJsonObject("capabilities").has("logging"));
                assertEquals("vault-mcp-server", result.getAsJsonObject("serverInfo").get("name").getAsString());
                assertTrue(result.get("instructions").getAsString().contains("read-only"));
                mcp.assertServing();
            }
        }
    }

    @Test
    void endOfInputExitsCleanlyAfterInFlightAnswersAreWritten() throws Exception {
        try (FakeVault vault = new FakeVault(TOKEN); McpProcess mcp = McpProcess.initialized(McpProcess.env(vault.address(), TOKEN))) {
            vault.inject(Fault.slow(Duration.ofMillis(1500)));
            mcp.send("{\"jsonrpc\":\"2.0\",\"id\":\"slow\",\"method\":\"tools/call\",\"params\":{\"name\":\"list_mounts\",\"arguments\":{}}}");
            mcp.closeStdin();
            assertEquals(0, mcp.waitForExit());
            McpProcess.Reply answer = mcp.awaitId("\"slow\"");
            assertFalse(answer.isError(), answer.message()::toString);
            assertTrue(answer.structured().getAsJsonArray("mounts").size() > 0);
            mcp.assertStdoutIsOnlyJsonRpc();
        }
    }

    @Test
    void endOfInputWithoutAnyMessageExitsZero() throws Exception {
        try (McpProcess mcp = McpProcess.start(McpProcess.env("http://127.0.0.1:1", TOKEN))) {
            mcp.closeStdin();
            assertEquals(0, mcp.waitForExit());
            assertEquals(0, mcp.stdoutLines().size());
        }
    }

    @Test
    void limitsTheRequestRateOfTheSession() throws Exception {
        Map<String, String> env = McpProcess.env("http://127.0.0.1:1", TOKEN);
        env.put("MCP_RATE_LIMIT_SESSION", "1:2");
        try (McpProcess mcp = McpProcess.start(env)) {
            assertEquals(new JsonObject(), mcp.request("ping", null).result());
            assertEquals(new JsonObject(), mcp.request("ping", null).result());
            McpProcess.Reply limited = mcp.request("ping", null);
            assertEquals(-32010, limited.code());
            long retryAfter = limited.error().getAsJsonObject("data").get("retryAfterMs").getAsLong();
            assertTrue(retryAfter > 0 && retryAfter <= 1000, "retryAfterMs " + retryAfter);
            Thread.sleep(retryAfter + 50); // waiting as told, not asserting on time
            assertEquals(new JsonObject(), mcp.request("ping", null).result());
        }
    }

    @Test
    void countsNotificationsAndMalformedLinesAgainstTheSessionsRate() throws Exception {
        Map<String, String> env = McpProcess.env("http://127.0.0.1:1", TOKEN);
        env.put("MCP_RATE_LIMIT_SESSION", "0.001:3");
        try (McpProcess mcp = McpProcess.start(env)) {
            mcp.notify("notifications/initialized");
            mcp.send("{not json");
            assertEquals(-32700, mcp.nextMessage().getAsJsonObject("error").get("code").getAsInt());
            assertEquals(new JsonObject(), mcp.request("ping", null).result(), "the third message of three");
            mcp.notify("notifications/initialized"); // over the limit: dropped, and a notification gets no answer
            mcp.send("{not json");
            JsonObject limited = mcp.nextMessage();
            assertEquals(-32010, limited.getAsJsonObject("error").get("code").getAsInt(), limited.toString());
            assertFalse(limited.has("id"), "an error whose request id cannot be read has none");
            assertEquals(-32010, mcp.request("ping", null).code());
        }
    }

    @Test
    void anInvalidEnableVaultOperationsValueStopsStartUpNamingTheVariable() throws Exception {
        Map<String, String> env = McpProcess.env("http://127.0.0.1:1", TOKEN);
        env.put("ENABLE_VAULT_OPERATIONS", "yes-please");
        try (McpProcess mcp = McpProcess.start(env)) {
            assertEquals(2, mcp.waitForExit());
            assertTrue(mcp.stderr().contains("ENABLE_VAULT_OPERATIONS: invalid value \"yes-please\""), mcp.stderr());
            assertEquals(0, mcp.stdoutLines().size());
        }
    }

    @Test
    void aTokenOrNamespaceThatCannotTravelInAHeaderStopsStartUpWithoutShowingTheToken() throws Exception {
        Map<String, String> env = McpProcess.env("http://127.0.0.1:1", TOKEN + "\r\nX-Evil: 1");
        env.put("VAULT_NAMESPACE", "team\nX-Evil: 1");
        try (McpProcess mcp = McpProcess.start(env)) {
            assertEquals(2, mcp.waitForExit());
            assertTrue(mcp.stderr().contains("VAULT_TOKEN: invalid value <masked>: "), mcp.stderr());
            String shown = "VAULT_NAMESPACE: invalid value \"team\\u000aX-Evil: 1\": ";
            assertTrue(mcp.stderr().contains(shown), mcp.stderr());
            assertFalse(mcp.stderr().contains(TOKEN), mcp.stderr());
            assertEquals(0, mcp.stdoutLines().size());
        }
    }

    @Test
    void toolNamesTheManifestDoesNotKnowStopStartUpNamingTheVariables() throws Exception {
        Map<String, String> env = McpProcess.env("http://127.0.0.1:1", TOKEN);
        env.put("MCP_TOOLSETS", "kv,transitt");
        env.put("MCP_TOOLS", "write_secret");
        try (McpProcess mcp = McpProcess.start(env)) {
            assertEquals(2, mcp.waitForExit());
            assertTrue(mcp.stderr().contains("MCP_TOOLSETS: unknown toolset \"transitt\""), mcp.stderr());
            assertTrue(mcp.stderr().contains("MCP_TOOLS names write_secret, which changes Vault, while ENABLE_VAULT_OPERATIONS is off"),
                    mcp.stderr());
            assertEquals(0, mcp.stdoutLines().size());
        }
    }

    @Test
    void reportsEveryConfigurationProblemAtOnce() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("VAULT_ADDR", "ftp://vault.example");
        env.put("VAULT_CLIENT_TIMEOUT", "soon");
        env.put("MCP_RATE_LIMIT_SESSION", "fast");
        env.put("MCP_LOG_LEVEL", "loud");
        env.put("ENABLE_VAULT_OPERATIONS", "maybe");
        try (McpProcess mcp = McpProcess.start(env, "--no-such-flag")) {
            assertEquals(2, mcp.waitForExit());
            String err = mcp.stderr();
            for (String name : new String[] {"VAULT_ADDR", "VAULT_TOKEN", "VAULT_CLIENT_TIMEOUT", "MCP_RATE_LIMIT_SESSION",
                                             "MCP_LOG_LEVEL", "ENABLE_VAULT_OPERATIONS", "--no-such-flag"}) {
                assertTrue(err.contains(name), () -> name + " not reported:\n" + err);
            }
            assertEquals(0, mcp.stdoutLines().size());
        }
    }

    @Test
    void neverPrintsTheTokenInAConfigurationError() throws Exception {
        Map<String, String> env = McpProcess.env("not a url", TOKEN);
        env.put("TRANSPORT_PORT", "99999");
        try (McpProcess mcp = McpProcess.start(env)) {
            assertEquals(2, mcp.waitForExit());
            assertTrue(mcp.stderr().contains("VAULT_ADDR") && mcp.stderr().contains("TRANSPORT_PORT"), mcp.stderr());
            assertFalse(mcp.stderr().contains(TOKEN), mcp.stderr());
        }
    }

    @Test
    void helpListsTheSettingsWithoutNeedingAnyConfiguration() throws Exception {
        try (McpProcess mcp = McpProcess.start(Map.of(), "--help")) {
            assertEquals(0, mcp.waitForExit());
            String help = String.join("\n", mcp.stdoutLines());
            assertTrue(help.startsWith("Usage:"), help);
            for (String name : new String[] {"VAULT_ADDR", "VAULT_TOKEN", "VAULT_NAMESPACE", "ENABLE_VAULT_OPERATIONS", "--print-tools-digest"}) {
                assertTrue(help.contains(name), name);
            }
        }
    }

    @Test
    void versionPrintsNameAndVersion() throws Exception {
        try (McpProcess mcp = McpProcess.start(Map.of(), "--version")) {
            assertEquals(0, mcp.waitForExit());
            assertEquals(1, mcp.stdoutLines().size());
            assertTrue(mcp.stdoutLines().get(0).matches("vault-mcp-server \\d+\\.\\d+\\.\\d+"), mcp.stdoutLines().get(0));
        }
    }

    @Test
    void theToolsDigestIsTheSha256OfTheToolsListAnswerAndIsLoggedAtStartUp() throws Exception {
        String printed;
        try (McpProcess mcp = McpProcess.start(Map.of(), "--print-tools-digest")) {
            assertEquals(0, mcp.waitForExit());
            printed = mcp.stdoutLines().get(0);
        }
        assertTrue(printed.matches("sha256:[0-9a-f]{64}"), printed);
        try (McpProcess mcp = McpProcess.initialized(McpProcess.env("http://127.0.0.1:1", TOKEN))) {
            JsonObject list = new JsonObject();
            list.add("tools", mcp.request("tools/list", null).result().getAsJsonArray("tools"));
            byte[] canonical = new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(list).getBytes(StandardCharsets.UTF_8);
            assertEquals(printed, "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)));
            Matcher logged = mcp.awaitStderr("tools-digest=(sha256:[0-9a-f]{64})");
            assertTrue(logged.find(0), mcp.stderr());
            assertEquals(printed, logged.group(1));
        }
    }
}
