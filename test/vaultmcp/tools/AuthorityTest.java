package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.ConfigException;
import vaultmcp.config.PathRules;
import vaultmcp.vault.FakeVault;

/** The operator's bounds: toolsets and tools, the name prefix, path rules, dry runs and the approval gate. */
class AuthorityTest {
    private FakeVault fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enable("pki", "pki");
        fake.call("POST", "secret/data/app/config", "{\"data\":{\"user\":\"alice\",\"password\":\"s3cret\"}}");
        fake.call("POST", "secret/data/app/db", "{\"data\":{\"k\":\"v\"}}");
        fake.call("POST", "secret/data/other", "{\"data\":{\"k\":\"v\"}}");
        fake.call("POST", "pki/root/generate/internal", "{\"common_name\":\"example.com\",\"issuer_name\":\"root\"}");
        fake.call("POST", "pki/roles/web-prod", "{\"allow_any_name\":true}");
        fake.call("POST", "pki/roles/db", "{\"allow_any_name\":true}");
        fake.clearRequests();
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private static Selection selection(boolean operations, Set<String> toolsets, Set<String> tools, String prefix,
            PathRules paths) {
        return new Selection(operations, toolsets, tools, prefix, paths, SecretValues.PLAIN, Duration.ofMinutes(5));
    }

    private static List<String> offered(Selection selection) throws ConfigException {
        ToolTable table = ToolTable.select(ToolTable.bundledManifest(), Tools.handlers(), selection);
        List<String> names = new ArrayList<>();
        table.definitions(0, 100).forEach(d -> names.add(d.get("name").getAsString()));
        return names;
    }

    @Test
    void toolsetsAndToolNamesSelectTheToolsAndTheirUnion() throws ConfigException {
        assertEquals(List.of("list_secrets", "read_secret", "read_secret_metadata"),
                offered(selection(false, Set.of("kv"), Set.of(), "", PathRules.none())));
        assertEquals(List.of("list_secrets", "read_secret", "write_secret", "delete_secret", "read_secret_metadata",
                "write_secret_metadata", "patch_secret", "delete_secret_versions", "undelete_secret_versions",
                "destroy_secret_versions"), offered(selection(true, Set.of("kv"), Set.of(), "", PathRules.none())));
        assertEquals(List.of("list_policies", "read_policy", "list_auth_methods", "read_auth_method"),
                offered(selection(false, Set.of("policy"), Set.of(), "", PathRules.none())), "policy is off by default");
        assertFalse(offered(Selection.defaults(true)).contains("read_policy"));
        assertEquals(List.of("list_mounts"), offered(selection(false, null, Set.of("list_mounts"), "", PathRules.none())));
        assertEquals(List.of("list_mounts", "list_pki_issuers", "read_pki_issuer", "list_pki_roles", "read_pki_role"),
                offered(selection(false, Set.of("pki"), Set.of("list_mounts"), "", PathRules.none())));
        List<String> all = offered(selection(true, Set.of("all"), Set.of(), "", PathRules.none()));
        assertTrue(all.containsAll(offered(Selection.defaults(true))) && all.contains("read_policy"), all.toString());
        assertEquals(offered(Selection.defaults(true)).size() + 4 + 10, all.size(), "policy has 4 tools, transit 10");
        assertEquals(offered(Selection.defaults(false)), offered(selection(false, Set.of("default"), Set.of(), "", PathRules.none())));
    }

    @Test
    void unknownNamesAndPrivilegedToolsWhileReadOnlyStopStartUpNamingTheVariables() {
        ConfigException e = assertThrows(ConfigException.class, () -> offered(selection(false, Set.of("kv", "transitt"),
                Set.of("nope", "write_secret"), "Vault-", PathRules.none())));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("MCP_TOOLSETS: unknown toolset \"transitt\"")), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("MCP_TOOLS: unknown tool \"nope\"")), e.getMessage());
        assertTrue(e.problems().contains("MCP_TOOLS names write_secret, which changes Vault, while ENABLE_VAULT_OPERATIONS is off"),
                e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("MCP_TOOL_PREFIX: \"Vault-\"")), e.getMessage());
    }

    @Test
    void aPrefixRenamesEveryToolAndEveryHintAndChangesTheDigest() throws ConfigException {
        Selection prefixed = selection(false, null, Set.of(), "vault_", PathRules.none());
        ToolTable table = ToolTable.select(ToolTable.bundledManifest(), Tools.handlers(), prefixed);
        assertTrue(offered(prefixed).stream().allMatch(n -> n.startsWith("vault_")));
        assertNull(table.find("list_mounts"), "the bare name is unknown");
        assertNotEquals(new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), false).digest(), table.digest());
        String all = table.definitions(0, 100).toString();
        assertFalse(all.contains("{tool:"), "every reference is resolved");
        assertTrue(all.contains("vault_issue_pki_certificate") || all.contains("vault_read_pki_issuer"), all);
        ToolCalls tools = new ToolCalls(fake, prefixed);
        String hint = tools.error("vault_read_secret", "{\"mount\":\"nosuch\",\"path\":\"x\"}");
        assertTrue(hint.contains("Call vault_list_mounts to see the mounts."), hint);
        tools.ok("vault_list_mounts", "{}");
        ToolCalls bounded = new ToolCalls(fake, selection(false, null, Set.of(), "vault_", PathRules.parse("", "secret/other")));
        assertTrue(bounded.error("vault_read_secret", "{\"mount\":\"secret\",\"path\":\"other\"}")
                .startsWith("vault_read_secret may not reach"), "refusals name the tool as the client knows it");
    }

    @Test
    void pathRulesRefuseBeforeAnythingButTheTypeLookupIsSent() {
        ToolCalls tools = new ToolCalls(fake, selection(true, null, Set.of(), "",
                PathRules.parse("secret/app/*,pki/roles/web*", "secret/app/db")));
        assertEquals("alice", tools.ok("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}")
                .getAsJsonObject("data").get("user").getAsString());
        String denied = tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"app/db\"}");
        assertTrue(denied.contains("may not reach \"secret/app/db\"") && denied.contains("MCP_DENIED_PATHS rule \"secret/app/db\""),
                denied);
        assertTrue(tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"other\"}").contains("MCP_ALLOWED_PATHS"));
        fake.clearRequests();
        assertTrue(tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"other\",\"key\":\"k\",\"value\":\"x\"}")
                .contains("may not reach \"secret/other\""));
        assertTrue(fake.requests().stream().allMatch(r -> r.rawPath().startsWith("/v1/sys/")), fake.requests().toString());
        assertTrue(tools.ok("read_pki_role", "{\"role_name\":\"web-prod\"}").has("role"));
        assertTrue(tools.error("read_pki_role", "{\"role_name\":\"db\"}").contains("may not reach \"pki/roles/db\""));
        assertTrue(tools.error("issue_pki_certificate", "{\"role_name\":\"db\",\"common_name\":\"a.example.com\"}")
                .contains("may not reach \"pki/roles/db\""), "issue/<role> is checked as roles/<role>");
        assertTrue(tools.sent("POST", "pki/issue/db").isEmpty());
    }

    @Test
    void listingsLeaveOutWhatThePathRulesHide() {
        ToolCalls tools = new ToolCalls(fake, selection(false, null, Set.of(), "", PathRules.parse("secret/app/*", "secret/app/db")));
        assertEquals(JsonParser.parseString("[\"app/\"]"), tools.ok("list_secrets", "{\"mount\":\"secret\"}").get("keys"));
        assertEquals(JsonParser.parseString("[\"config\"]"), tools.ok("list_secrets", "{\"mount\":\"secret\",\"path\":\"app/\"}")
                .get("keys"));
        String refused = tools.error("list_secrets", "{\"mount\":\"secret\",\"path\":\"other/\"}");
        assertTrue(refused.contains("may not reach \"secret/other/\": it is refused by MCP_ALLOWED_PATHS"), refused);
        String mounts = tools.ok("list_mounts", "{}").toString();
        assertTrue(mounts.contains("\"secret/\"") && !mounts.contains("\"pki/\""), mounts);
    }

    @Test
    void aDryRunOfEachPrivilegedToolMakesOnlyReadsAndReportsFieldNamesNeverValues() {
        ToolCalls tools = new ToolCalls(fake).approver(summary -> {
            throw new AssertionError("a dry run needs no approval");
        });
        for (String[] call : new String[][] {
            {"write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"password\",\"value\":\"n3w-s3cret\",\"dry_run\":true}"},
            {"delete_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"user\",\"dry_run\":true}"},
            {"delete_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"dry_run\":true}"},
            {"create_mount", "{\"type\":\"kv2\",\"path\":\"fresh\",\"dry_run\":true}"},
            {"delete_mount", "{\"path\":\"secret\",\"dry_run\":true}"},
            {"enable_pki", "{\"path\":\"pki2\",\"dry_run\":true}"},
            {"create_pki_issuer", "{\"common_name\":\"R\",\"issuer_name\":\"r2\",\"dry_run\":true}"},
            {"create_pki_role", "{\"role_name\":\"new\",\"dry_run\":true}"},
            {"delete_pki_role", "{\"role_name\":\"db\",\"dry_run\":true}"},
            {"issue_pki_certificate", "{\"role_name\":\"db\",\"common_name\":\"a.example.com\",\"dry_run\":true}"},
        }) {
            fake.clearRequests();
            ToolResult result = tools.call(call[0], call[1]);
            assertFalse(result.isError(), call[0] + ": " + ToolCalls.text(result));
            JsonObject plan = result.structured();
            assertTrue(plan.get("dry_run").getAsBoolean() && plan.getAsJsonArray("writes").size() == 1, plan.toString());
            assertFalse(plan.toString().contains("s3cret") || plan.toString().contains("alice"), plan.toString());
            assertTrue(fake.requests().stream().allMatch(r -> r.method().equals("GET")), call[0] + " wrote: " + fake.requests());
        }
        JsonObject plan = tools.call("write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"password\","
                + "\"value\":\"x\",\"dry_run\":true}").structured();
        assertEquals(JsonParser.parseString("{\"method\":\"POST\",\"path\":\"secret/data/app/config\",\"fields\":"
                + "[\"\\\"data.user\\\"\",\"\\\"data.password\\\"\",\"\\\"options.cas\\\" = 1\"]}"), plan.getAsJsonArray("writes").get(0));
    }

    @Test
    void theApproverIsAskedOnceBeforeTheFirstWriteAndARefusalSendsNoWrite() {
        List<String> asked = new ArrayList<>();
        ToolCalls tools = new ToolCalls(fake).approver(summary -> {
            asked.add(summary);
            throw new ToolException("The change was not approved (the user declined); nothing was changed.");
        });
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"harmless; click Accept\\u202e\","
                + "\"value\":\"s3cret-value\"}");
        assertEquals("The change was not approved (the user declined); nothing was changed.", error);
        assertTrue(tools.sent("POST", "secret/data/app/config").isEmpty());
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).startsWith("The tool write_secret will POST \"secret/data/app/config\" with "), asked.get(0));
        assertTrue(asked.get(0).contains("\"data.harmless; click Accept\ufffd\""), asked.get(0));
        assertFalse(asked.get(0).contains("s3cret") || asked.get(0).contains("\u202e"), asked.get(0));
        List<String> approvals = new ArrayList<>();
        ToolCalls approving = new ToolCalls(fake).approver(approvals::add);
        approving.ok("create_pki_issuer", "{\"common_name\":\"R\",\"issuer_name\":\"r2\"}");
        assertEquals(1, approvals.size(), "one approval for every write of one call");
        assertTrue(approvals.get(0).contains("then as needed:"), approvals.get(0));
    }

    @Test
    void anEntryWithApprovalFalseIsNeverAsked() {
        JsonObject entry = ToolTableTest.entry("w", true);
        entry.addProperty("approval", false);
        entry.add("vault", JsonParser.parseString("{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"POST {mount}/x\"]}"));
        assertEquals(false, new ToolTable(ToolTableTest.manifest(entry), ToolTableTest.handlers("w"), true).find("w").approval());
        entry.remove("approval");
        assertEquals(true, new ToolTable(ToolTableTest.manifest(entry), ToolTableTest.handlers("w"), true).find("w").approval());
    }
}
