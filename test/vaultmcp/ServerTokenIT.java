package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** The jar on stdio with its own token: checked in the background, told to the model when it is no good. */
class ServerTokenIT {
    private final FakeVault vault = new FakeVault();
    @TempDir
    Path dir;

    ServerTokenIT() throws java.io.IOException {
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    @Test
    void aTokenVaultRefusesMakesEveryToolCallAnErrorThatSaysSo() throws Exception {
        String bogus = "hvs.BOGUS-token-never-in-logs-77a1";
        try (McpProcess mcp = McpProcess.initialized(McpProcess.env(vault.address(), bogus))) {
            for (int i = 0; i < 2; i++) {
                McpProcess.Reply reply = mcp.call("list_mounts", "{}");
                assertTrue(reply.isError());
                assertEquals("The server's own Vault token cannot be used: Vault does not accept VAULT_TOKEN "
                        + "(invalid, revoked or expired): Vault answered: \"permission denied\"; \"invalid token\"",
                        reply.text(), mcp::stderr);
            }
            assertTrue(mcp.stderr().contains("ERROR Vault does not accept VAULT_TOKEN"), mcp.stderr());
            assertFalse(mcp.stderr().contains("BOGUS"), mcp.stderr());
            assertEquals(1, vault.requests().size(), "only the look-up reached Vault: " + vault.requests());
        }
    }

    @Test
    void aTokenThatCannotBeRenewedIsAWarningInTheNextAnswersLogNotifications() throws Exception {
        vault.inject(Fault.answer(200, "{\"data\":{\"ttl\":600,\"creation_ttl\":3600,\"renewable\":false}}")
                .on("auth/token/lookup-self"));
        try (McpProcess mcp = McpProcess.initialized(McpProcess.env(vault.address(), vault.rootToken()))) {
            mcp.awaitStderr("WARNING the server's Vault token cannot be renewed");
            McpProcess.Reply first = mcp.call("list_mounts", "{}");
            assertFalse(first.isError(), first.text());
            List<JsonObject> warnings = first.notifications().stream()
                    .filter(n -> n.get("method").getAsString().equals("notifications/message")).toList();
            assertEquals(1, warnings.size(), first.notifications()::toString);
            JsonObject params = warnings.get(0).getAsJsonObject("params");
            assertEquals("warning", params.get("level").getAsString());
            assertTrue(params.get("data").getAsString().startsWith("the server's Vault token cannot be renewed "
                    + "(further): it expires at "), params::toString);
            assertEquals(List.of(), mcp.call("list_mounts", "{}").notifications(), "told once");
        }
    }

    @Test
    void logsInWithAppRoleAndCallsToolsWithThatToken() throws Exception {
        vault.enableAuth("approle", "approle");
        vault.call("POST", "auth/approle/role/mcp", "{\"token_ttl\":\"1h\",\"token_policies\":[\"default\"]}");
        String roleId = data(vault.call("GET", "auth/approle/role/mcp/role-id", null)).get("role_id").getAsString();
        String secretId = data(vault.call("POST", "auth/approle/role/mcp/secret-id", "{}")).get("secret_id")
                .getAsString();
        Path file = Files.writeString(dir.resolve("secret-id"), secretId + "\n");
        Map<String, String> env = McpProcess.env(vault.address(), "");
        env.remove("VAULT_TOKEN");
        env.put("VAULT_ROLE_ID", roleId);
        env.put("VAULT_SECRET_ID_FILE", file.toString());
        try (McpProcess mcp = McpProcess.initialized(env)) {
            McpProcess.Reply reply = mcp.call("list_mounts", "{}");
            assertFalse(reply.isError(), reply.text());
            assertTrue(reply.structured().getAsJsonArray("mounts").size() > 0, reply.text());
            String used = vault.requests().get(vault.requests().size() - 1).header("X-Vault-Token");
            assertTrue(used.startsWith("hvs."), used);
            assertTrue(mcp.stderr().contains("logged in with AppRole at auth/approle/login: token accessor "),
                    mcp.stderr());
            assertFalse(mcp.stderr().contains(secretId), mcp.stderr());
            assertFalse(mcp.stderr().contains(used), mcp.stderr());
        }
    }

    private static JsonObject data(String body) {
        return JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("data");
    }
}
