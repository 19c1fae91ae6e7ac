package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import vaultmcp.vault.FakeVault;

/**
 * The privileged tools through the jar over stdio against FakeVault: ENABLE_VAULT_OPERATIONS
 * switches them on and off, a whole mount-write-issue workflow works, the private key travels
 * only in the user-only block, and neither values nor keys nor the token reach stderr.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StdioOperationsIT {
    static final String TOKEN = "hvs.OPS-token-never-in-logs-3c1a";
    static final String VALUE = "wr1tten-VALUE-never-logged-77d0";

    private FakeVault vault;
    private McpProcess mcp;

    @BeforeAll
    void start() throws IOException {
        vault = new FakeVault(TOKEN);
        Map<String, String> env = McpProcess.env(vault.address(), TOKEN);
        env.put("ENABLE_VAULT_OPERATIONS", "true");
        env.put("MCP_LOG_LEVEL", "debug");
        mcp = McpProcess.initialized(env);
    }

    @AfterAll
    void stop() {
        mcp.close();
        vault.stop();
    }

    @Test
    void withoutOperationsAPrivilegedToolIsAnUnknownTool() throws IOException {
        try (McpProcess readOnly = McpProcess.initialized(McpProcess.env(vault.address(), TOKEN))) {
            McpProcess.Reply reply = readOnly.call("write_secret", "{\"mount\":\"secret\",\"path\":\"x\",\"key\":\"k\",\"value\":\"v\"}");
            assertEquals(-32602, reply.code());
            assertEquals("Unknown tool: write_secret", reply.error().get("message").getAsString());
            assertEquals(Manifest.readOnlyCount(),
                    readOnly.request("tools/list", null).result().getAsJsonArray("tools").size());
        }
        assertTrue(vault.requests().stream().noneMatch(r -> r.path().contains("/x")), "nothing reached Vault");
    }

    @Test
    void listsEveryTool() {
        assertEquals(Manifest.allCount(), mcp.request("tools/list", null).result().getAsJsonArray("tools").size());
    }

    @Test
    void mountsWritesAndReadsASecret() {
        assertFalse(mcp.call("create_mount", "{\"type\":\"kv2\",\"path\":\"team\"}").isError());
        McpProcess.Reply written = mcp.call("write_secret", "{\"mount\":\"team\",\"path\":\"db\",\"data\":{\"user\":\"app\",\"password\":\"" + VALUE + "\"}}");
        assertFalse(written.isError(), written.text());
        assertFalse(written.message().toString().contains(VALUE), "the value is not echoed");
        assertEquals("[\"password\",\"user\"]", written.structured().get("keys").toString());
        McpProcess.Reply read = mcp.call("read_secret", "{\"mount\":\"team\",\"path\":\"db\"}");
        assertEquals(VALUE, read.structured().getAsJsonObject("data").get("password").getAsString());
        McpProcess.Reply removed = mcp.call("delete_secret", "{\"mount\":\"team\",\"path\":\"db\",\"key\":\"password\"}");
        assertEquals("[\"user\"]", removed.structured().get("keys").toString());
    }

    @Test
    void issuesACertificateWithTheKeyInAUserOnlyBlock() {
        assertFalse(mcp.call("enable_pki", "{}").isError());
        assertFalse(mcp.call("create_pki_issuer", "{\"common_name\":\"Example Root\",\"issuer_name\":\"root\"}").isError());
        assertFalse(mcp.call("create_pki_role", "{\"role_name\":\"web\"}").isError());
        McpProcess.Reply issued = mcp.call("issue_pki_certificate", "{\"role_name\":\"web\",\"common_name\":\"svc.example.com\"}");
        JsonArray content = issued.result().getAsJsonArray("content");
        assertEquals(2, content.size());
        assertFalse(content.get(0).toString().contains("PRIVATE KEY"));
        assertFalse(issued.structured().toString().contains("PRIVATE KEY"));
        JsonObject key = content.get(1).getAsJsonObject();
        assertTrue(key.get("text").getAsString().contains("BEGIN RSA PRIVATE KEY"));
        assertEquals("[\"user\"]", key.getAsJsonObject("annotations").get("audience").toString());
        assertFalse(mcp.stderr().contains("PRIVATE KEY"), "the key reached stderr");
    }

    @Test
    void survivesFailingWritesAndKeepsServing() {
        assertTrue(mcp.call("delete_mount", "{\"path\":\"never-mounted\"}").isError());
        assertTrue(mcp.call("create_pki_issuer", "{\"mount\":\"nowhere\",\"common_name\":\"c\",\"issuer_name\":\"i\"}").isError());
        assertTrue(mcp.call("write_secret", "{\"mount\":\"secret\",\"path\":\"a\"}").isError());
        assertFalse(mcp.call("list_mounts", "{}").isError());
    }

    @Test
    void neverLogsTheTokenOrWrittenValues() {
        mcp.call("write_secret", "{\"mount\":\"secret\",\"path\":\"logged\",\"key\":\"k\",\"value\":\"" + VALUE + "\"}");
        String stderr = mcp.stderr();
        assertTrue(stderr.contains("operations=enabled"), "the server logs at all: " + stderr);
        assertFalse(stderr.contains(TOKEN), "the token reached stderr");
        assertFalse(stderr.contains(VALUE), "a written value reached stderr");
    }
}
