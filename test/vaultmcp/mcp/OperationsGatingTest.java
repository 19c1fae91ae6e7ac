package vaultmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vaultmcp.Manifest;
import vaultmcp.config.Authority;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.security.RateLimited;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.ToolTable;
import vaultmcp.tools.Tools;
import vaultmcp.vault.VaultClient;

/** ENABLE_VAULT_OPERATIONS as a client sees it: the 9 privileged tools exist only when it is on. */
class OperationsGatingTest {
    static final List<String> PRIVILEGED = List.of("create_mount", "delete_mount", "write_secret", "delete_secret", "enable_pki",
            "create_pki_issuer", "create_pki_role", "delete_pki_role", "issue_pki_certificate");
    static final List<String> GO_ORDER = List.of("list_mounts", "create_mount", "delete_mount", "list_secrets", "read_secret",
            "write_secret", "delete_secret", "enable_pki", "create_pki_issuer", "list_pki_issuers", "read_pki_issuer",
            "list_pki_roles", "read_pki_role", "create_pki_role", "delete_pki_role", "issue_pki_certificate");

    /** One server and session; requests go through the codec and McpServer as on stdio. */
    private static final class Client {
        final McpServer server;
        final Session session;
        final JsonRpc codec = new JsonRpc(1 << 20, 64);
        int id;

        Client(boolean operations) {
            // Port 9 on loopback: nothing listens; no test here may reach Vault.
            VaultClient vault = new VaultClient(URI.create("http://127.0.0.1:9"), null, Duration.ofSeconds(2), null);
            RateLimiter limiter = new RateLimiter(new Rate(1000, 1000), new Rate(1000, 1000), new Rate(1000, 1000), System::nanoTime);
            ToolTable tools = new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), operations);
            Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "error");
            server = new McpServer(tools, vault, log, "test", 50, operations, Authority.none(), Limits.STDIO_WORKERS,
                    null, null);
            session = new Session("test", new Secret("t"), limiter.budget(null, false));
            request("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        }

        JsonObject request(String method, String params) {
            String text = "{\"jsonrpc\":\"2.0\",\"id\":" + ++id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
            try {
                return server.handle(codec.parse(text.getBytes(StandardCharsets.UTF_8)), session, n -> { });
            } catch (JsonRpc.Failure | RateLimited e) {
                throw new AssertionError(e);
            }
        }

        List<String> toolNames() {
            List<String> names = new ArrayList<>();
            for (JsonElement tool : request("tools/list", "{}").getAsJsonObject("result").getAsJsonArray("tools")) {
                names.add(tool.getAsJsonObject().get("name").getAsString());
            }
            return names;
        }
    }

    @Test
    void listsOnlyTheReadToolsByDefault() {
        List<String> names = new Client(false).toolNames();
        assertEquals(Manifest.readOnlyCount(), names.size(), names.toString());
        PRIVILEGED.forEach(name -> assertFalse(names.contains(name), name));
    }

    @Test
    void listsAllSixteenToolsInTheGoServersOrderWithOperations() {
        List<String> names = new Client(true).toolNames();
        assertEquals(GO_ORDER, names.subList(0, GO_ORDER.size()), "the Go server's tools first, in its order");
        assertEquals(Manifest.allCount(), names.size(), names.toString());
    }

    @Test
    void callingAHiddenToolGetsTheSameErrorAsAnUnknownName() {
        Client client = new Client(false);
        JsonObject never = client.request("tools/call", "{\"name\":\"no_such_tool\",\"arguments\":{}}").getAsJsonObject("error");
        for (String name : PRIVILEGED) {
            JsonObject error = client.request("tools/call", "{\"name\":\"" + name + "\",\"arguments\":{}}").getAsJsonObject("error");
            assertEquals(never.get("code"), error.get("code"), name);
            assertEquals(-32602, error.get("code").getAsInt());
            assertEquals("Unknown tool: " + name, error.get("message").getAsString());
            assertFalse(error.has("data"), name);
        }
    }

    @Test
    void privilegedToolsAreCallableWithOperations() {
        Client client = new Client(true);
        for (String name : PRIVILEGED) {
            JsonObject result = client.request("tools/call", "{\"name\":\"" + name + "\",\"arguments\":{\"bogus\":1}}").getAsJsonObject("result");
            assertTrue(result.get("isError").getAsBoolean(), name);
            String text = result.getAsJsonArray("content").get(0).getAsJsonObject().get("text").getAsString();
            assertTrue(text.startsWith("Invalid arguments: unknown argument \"bogus\""), text);
        }
    }
}
