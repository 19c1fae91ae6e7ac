package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;
import vaultmcp.vault.RecordedRequest;

/**
 * The seven read tools over stdio against FakeVault: what they return from KV v1, KV v2 and PKI,
 * how Vault's failures come back as isError results (and the server keeps serving), and that
 * hostile paths never reach Vault. One shared jar for the root token; own jars where the
 * configuration differs (a limited token, a namespace, a Vault that is down).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StdioToolsIT {
    static final String TOKEN = "hvs.ROOT-token-never-in-logs-5e8d1f";
    static final String SECRET_VALUE = "s3cr3t-VALUE-never-logged-91b2";

    private FakeVault vault;
    private McpProcess mcp;

    @BeforeAll
    void start() throws IOException {
        vault = new FakeVault(TOKEN);
        seed(vault);
        Map<String, String> env = McpProcess.env(vault.address(), TOKEN);
        env.put("VAULT_CLIENT_TIMEOUT", "2s");
        env.put("MCP_LOG_LEVEL", "debug");
        mcp = McpProcess.initialized(env);
    }

    /** KV v1 "kv1", KV v2 "secret" with versions, an empty KV v2 "emptykv", PKI "pki" and an empty "pki_empty". */
    static void seed(FakeVault vault) {
        vault.enableKv("kv1", 1);
        vault.call("POST", "kv1/app/cfg", "{\"user\":\"u\",\"password\":\"" + SECRET_VALUE + "\"}");
        vault.call("POST", "kv1/app/sub/deep", "{\"x\":\"y\"}");
        vault.call("POST", "secret/data/app/config", "{\"data\":{\"k\":\"v1\"}}");
        vault.call("POST", "secret/data/app/config", "{\"data\":{\"k\":\"v2\"}}");
        vault.call("POST", "secret/data/app/deleted", "{\"data\":{\"k\":\"old\"}}");
        vault.call("POST", "secret/data/app/deleted", "{\"data\":{\"k\":\"gone\"}}");
        vault.call("DELETE", "secret/data/app/deleted", null);
        vault.call("POST", "secret/data/app/destroyed", "{\"data\":{\"k\":\"x\"}}");
        vault.call("POST", "secret/destroy/app/destroyed", "{\"versions\":[1]}");
        vault.enableKv("emptykv", 2);
        vault.enable("pki", "pki");
        vault.call("POST", "pki/root/generate/internal", "{\"common_name\":\"example.com\",\"issuer_name\":\"root-2024\"}");
        vault.call("POST", "pki/roles/web", "{\"allowed_domains\":[\"example.com\"],\"allow_subdomains\":true}");
        vault.enable("pki_empty", "pki");
    }

    @AfterAll
    void stop() {
        mcp.close();
        vault.close();
    }

    private JsonObject ok(McpProcess.Reply r) {
        assertFalse(r.isError(), () -> "tool failed: " + r.text());
        JsonObject structured = r.structured();
        assertEquals(structured, JsonParser.parseString(r.text()), "the text block repeats structuredContent");
        return structured;
    }

    private static JsonArray strings(String... values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    // ---- list_mounts

    @Test
    void listMountsGivesEveryMountSortedWithItsKvVersion() {
        JsonArray mounts = ok(mcp.call("list_mounts", "{}")).getAsJsonArray("mounts");
        StringBuilder names = new StringBuilder();
        for (JsonElement m : mounts) {
            names.append(m.getAsJsonObject().get("name").getAsString()).append(' ');
        }
        assertEquals("cubbyhole/ emptykv/ identity/ kv1/ pki/ pki_empty/ secret/ sys/ ", names.toString());
        JsonObject secret = mounts.get(6).getAsJsonObject();
        assertEquals("kv", secret.get("type").getAsString());
        assertEquals(2, secret.get("kv_version").getAsInt());
        assertEquals(1, mounts.get(3).getAsJsonObject().get("kv_version").getAsInt());
        assertFalse(mounts.get(4).getAsJsonObject().has("kv_version"));
    }

    // ---- list_secrets

    @Test
    void listSecretsOnKv1DefaultsToTheTopLevel() {
        JsonObject top = ok(mcp.call("list_secrets", "{\"mount\":\"kv1\"}"));
        assertEquals("", top.get("path").getAsString());
        assertEquals(1, top.get("kv_version").getAsInt());
        assertEquals(strings("app/"), top.getAsJsonArray("keys"));
        assertEquals(strings("cfg", "sub/"), ok(mcp.call("list_secrets", "{\"mount\":\"kv1\",\"path\":\"app/\"}")).getAsJsonArray("keys"));
    }

    @Test
    void listSecretsOnKv2ListsMetadata() {
        JsonObject app = ok(mcp.call("list_secrets", "{\"mount\":\"secret\",\"path\":\"app\"}"));
        assertEquals(2, app.get("kv_version").getAsInt());
        assertEquals(strings("config", "deleted", "destroyed"), app.getAsJsonArray("keys"));
        assertTrue(vault.requests().stream().anyMatch(r -> r.rawPath().equals("/v1/secret/metadata/app") && "list=true".equals(r.query())));
    }

    @Test
    void listSecretsOfAnEmptyFolderOrMountIsAnEmptyList() {
        assertEquals(new JsonArray(), ok(mcp.call("list_secrets", "{\"mount\":\"kv1\",\"path\":\"none/\"}")).getAsJsonArray("keys"));
        assertEquals(new JsonArray(), ok(mcp.call("list_secrets", "{\"mount\":\"emptykv\"}")).getAsJsonArray("keys"));
    }

    @Test
    void listSecretsOnAMountThatDoesNotExistOrIsNotKvFails() {
        McpProcess.Reply none = mcp.call("list_secrets", "{\"mount\":\"nomount\"}");
        assertTrue(none.isError());
        assertTrue(none.text().contains("nomount"), none.text());
        McpProcess.Reply pki = mcp.call("list_secrets", "{\"mount\":\"pki\"}");
        assertTrue(pki.isError());
        assertTrue(pki.text().contains("not a KV store"), pki.text());
        mcp.assertServing();
    }

    // ---- read_secret

    @Test
    void readSecretOnKv1GivesTheData() {
        JsonObject s = ok(mcp.call("read_secret", "{\"mount\":\"kv1\",\"path\":\"app/cfg\"}"));
        assertEquals(1, s.get("kv_version").getAsInt());
        assertEquals(SECRET_VALUE, s.getAsJsonObject("data").get("password").getAsString());
        assertEquals("u", s.getAsJsonObject("data").get("user").getAsString());
    }

    @Test
    void readSecretOnKv2GivesTheLatestVersionWithItsMetadata() {
        JsonObject s = ok(mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}"));
        assertEquals(2, s.get("kv_version").getAsInt());
        assertEquals("v2", s.getAsJsonObject("data").get("k").getAsString());
        assertEquals(2, s.getAsJsonObject("metadata").get("version").getAsInt());
        assertEquals("", s.getAsJsonObject("metadata").get("deletion_time").getAsString());
    }

    @Test
    void readSecretOnKv2GivesTheVersionAskedFor() {
        JsonObject s = ok(mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"version\":1}"));
        assertEquals("v1", s.getAsJsonObject("data").get("k").getAsString());
        assertEquals(1, s.getAsJsonObject("metadata").get("version").getAsInt());
        assertTrue(vault.requests().stream().anyMatch(r -> r.rawPath().equals("/v1/secret/data/app/config") && "version=1".equals(r.query())));
    }

    @Test
    void readSecretOfASoftDeletedVersionSaysItWasDeleted() {
        McpProcess.Reply r = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/deleted\"}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("Version 2") && r.text().contains("was deleted"), r.text());
        assertFalse(r.text().contains("gone"), "the deleted value must not show");
        JsonObject older = ok(mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/deleted\",\"version\":1}"));
        assertEquals("old", older.getAsJsonObject("data").get("k").getAsString());
    }

    @Test
    void readSecretOfADestroyedVersionSaysItWasDestroyed() {
        McpProcess.Reply r = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/destroyed\"}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("destroyed"), r.text());
    }

    @Test
    void readSecretOfAMissingSecretOrVersionFails() {
        McpProcess.Reply missing = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/nothing\"}");
        assertTrue(missing.isError());
        assertTrue(missing.text().contains("There is no secret \"app/nothing\""), missing.text());
        McpProcess.Reply v1 = mcp.call("read_secret", "{\"mount\":\"kv1\",\"path\":\"nothing\"}");
        assertTrue(v1.text().contains("There is no secret"), v1.text());
        McpProcess.Reply version = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"version\":9}");
        assertTrue(version.isError());
        assertTrue(version.text().contains("version 9"), version.text());
        mcp.assertServing();
    }

    @Test
    void readSecretRefusesAVersionOnKv1() {
        McpProcess.Reply r = mcp.call("read_secret", "{\"mount\":\"kv1\",\"path\":\"app/cfg\",\"version\":1}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("version 1 mount"), r.text());
    }

    // ---- PKI

    @Test
    void pkiToolsUseTheMountPkiByDefault() {
        JsonObject issuers = ok(mcp.call("list_pki_issuers", "{}"));
        assertEquals("pki", issuers.get("mount").getAsString());
        assertEquals(1, issuers.getAsJsonArray("issuers").size());
        JsonObject root = issuers.getAsJsonArray("issuers").get(0).getAsJsonObject();
        assertEquals("root-2024", root.get("issuer_name").getAsString());
        assertTrue(root.get("is_default").getAsBoolean());
        assertEquals(strings("web"), ok(mcp.call("list_pki_roles", "{}")).getAsJsonArray("roles"));
    }

    @Test
    void readPkiIssuerByNameIdOrDefault() {
        JsonObject byName = ok(mcp.call("read_pki_issuer", "{\"issuer_name\":\"root-2024\"}")).getAsJsonObject("issuer");
        assertTrue(byName.get("certificate").getAsString().startsWith("-----BEGIN CERTIFICATE-----"));
        String id = byName.get("issuer_id").getAsString();
        assertEquals(id, ok(mcp.call("read_pki_issuer", "{\"issuer_name\":\"default\"}")).getAsJsonObject("issuer").get("issuer_id").getAsString());
        assertEquals(id, ok(mcp.call("read_pki_issuer", "{\"mount\":\"pki\",\"issuer_name\":\"" + id + "\"}"))
                .getAsJsonObject("issuer").get("issuer_id").getAsString());
        McpProcess.Reply unknown = mcp.call("read_pki_issuer", "{\"issuer_name\":\"nope\"}");
        assertTrue(unknown.isError());
        assertTrue(unknown.text().contains("There is no issuer \"nope\""), unknown.text());
    }

    @Test
    void readPkiRoleGivesTheRoleOrSaysItIsMissing() {
        JsonObject role = ok(mcp.call("read_pki_role", "{\"role_name\":\"web\"}"));
        assertEquals("web", role.get("role_name").getAsString());
        assertEquals("rsa", role.getAsJsonObject("role").get("key_type").getAsString());
        assertEquals(strings("example.com"), role.getAsJsonObject("role").getAsJsonArray("allowed_domains"));
        McpProcess.Reply missing = mcp.call("read_pki_role", "{\"role_name\":\"nope\"}");
        assertTrue(missing.isError());
        assertTrue(missing.text().contains("There is no role \"nope\""), missing.text());
    }

    @Test
    void anEmptyPkiMountGivesEmptyListsNotFailures() {
        assertEquals(new JsonArray(), ok(mcp.call("list_pki_issuers", "{\"mount\":\"pki_empty\"}")).getAsJsonArray("issuers"));
        assertEquals(new JsonArray(), ok(mcp.call("list_pki_roles", "{\"mount\":\"pki_empty\"}")).getAsJsonArray("roles"));
        assertTrue(mcp.call("read_pki_issuer", "{\"mount\":\"pki_empty\",\"issuer_name\":\"default\"}").isError());
    }

    // ---- what goes on the wire

    @Test
    void sendsTheTokenAndTheRequestHeaderButNoNamespaceByDefault() {
        vault.clearRequests();
        ok(mcp.call("list_mounts", "{}"));
        List<RecordedRequest> seen = vault.requests();
        assertEquals(1, seen.size());
        assertEquals(TOKEN, seen.get(0).header("X-Vault-Token"));
        assertEquals("true", seen.get(0).header("X-Vault-Request"));
        assertNull(seen.get(0).header("X-Vault-Namespace"));
    }

    @Test
    void hostilePathsAreRefusedBeforeAnyRequestIsSent() {
        String[] calls = {
            "read_secret|{\"mount\":\"secret\",\"path\":\"../sys/policy/root\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"app/../../sys/mounts\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"a//b\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"./x\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"a/./b\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"a\\u0000b\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"a\\nb\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"a\\u007fb\"}",
            "read_secret|{\"mount\":\"secret\",\"path\":\"a\\u0085b\"}",
            "read_secret|{\"mount\":\"../sys\",\"path\":\"policy/root\"}",
            "read_secret|{\"mount\":\"..\",\"path\":\"x\"}",
            "list_secrets|{\"mount\":\"secret\",\"path\":\"../../sys\"}",
            "list_secrets|{\"mount\":\"fresh-mount\",\"path\":\"a//b\"}",
            "list_secrets|{\"mount\":\"secret/../sys\"}",
            "read_pki_role|{\"role_name\":\"../../sys/mounts\"}",
            "read_pki_role|{\"mount\":\"pki/..\",\"role_name\":\"web\"}",
            "read_pki_issuer|{\"issuer_name\":\"../roles/web\"}",
            "list_pki_roles|{\"mount\":\"a//b\"}",
            "list_pki_issuers|{\"mount\":\"./pki\"}",
        };
        for (String call : calls) {
            String[] parts = call.split("\\|", 2);
            vault.clearRequests();
            McpProcess.Reply r = mcp.call(parts[0], parts[1]);
            assertTrue(r.isError(), () -> call + " was not refused: " + r.message());
            assertTrue(r.text().startsWith("Invalid arguments"), () -> call + ": " + r.text());
            assertEquals(List.of(), vault.requests(), () -> call + " reached Vault");
        }
        mcp.assertServing();
    }

    @Test
    void percentEscapesInPathsStayLiteralAndAreEncodedOnTheWire() {
        vault.clearRequests();
        McpProcess.Reply r = mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"%2e%2e/x y\"}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("There is no secret"), r.text());
        RecordedRequest sent = vault.requests().get(vault.requests().size() - 1);
        assertEquals("/v1/secret/data/%252e%252e/x%20y", sent.rawPath());
        assertEquals("/v1/secret/data/%2e%2e/x y", sent.path());
    }

    // ---- Vault failing

    @Test
    void aSealedVaultGivesAnErrorAndTheNextCallWorks() {
        vault.seal();
        try {
            McpProcess.Reply r = mcp.call("list_mounts", "{}");
            assertTrue(r.isError());
            assertTrue(r.text().contains("Vault is sealed") && r.text().contains("503"), r.text());
        } finally {
            vault.unseal();
        }
        ok(mcp.call("list_mounts", "{}"));
    }

    @Test
    void aVaultErrorNamesTheStatusAndVaultsMessages() {
        vault.failNext(500, "{\"errors\":[\"1 error occurred:\\n\\t* internal error\\n\\n\"]}");
        McpProcess.Reply r = mcp.call("list_pki_roles", "{}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("500") && r.text().contains("internal error"), r.text());
        assertFalse(r.text().contains("error occurred"), "multierror framing is removed: " + r.text());
        mcp.assertServing();
    }

    @Test
    void aBodyThatIsNotJsonGivesAnError() {
        vault.inject(Fault.garbage());
        McpProcess.Reply r = mcp.call("list_mounts", "{}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("not a JSON object"), r.text());
        vault.failNext(200, "{\"data\":");
        assertTrue(mcp.call("list_mounts", "{}").isError());
        mcp.assertServing();
    }

    @Test
    void anOversizedAnswerIsRefused() {
        vault.inject(Fault.oversized(9 * 1024 * 1024));
        McpProcess.Reply r = mcp.call("list_mounts", "{}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("larger than 2 MiB"), r.text());
        mcp.assertServing();
    }

    @Test
    void aRedirectIsNotFollowed() {
        vault.clearRequests();
        vault.inject(Fault.redirect(307, vault.address() + "/v1/sys/mounts"));
        McpProcess.Reply r = mcp.call("list_mounts", "{}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("307") && r.text().contains("redirect"), r.text());
        assertEquals(1, vault.requests().size(), () -> "followed: " + vault.requests());
        mcp.assertServing();
    }

    @Test
    void aVaultSlowerThanTheClientTimeoutGivesAnError() {
        vault.inject(Fault.slow(Duration.ofSeconds(4)));
        McpProcess.Reply r = mcp.call("list_mounts", "{}");
        assertTrue(r.isError());
        assertTrue(r.text().contains("no answer within 2s"), r.text());
        mcp.assertServing();
    }

    @Test
    void neverLogsTheTokenOrSecretValues() {
        ok(mcp.call("read_secret", "{\"mount\":\"kv1\",\"path\":\"app/cfg\"}"));
        mcp.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/deleted\"}");
        mcp.assertServing();
        String stderr = mcp.stderr();
        assertTrue(stderr.contains("DEBUG") || stderr.contains("INFO"), "the server logs at all: " + stderr);
        assertFalse(stderr.contains(TOKEN), "the token reached stderr");
        assertFalse(stderr.contains(SECRET_VALUE), "a secret value reached stderr");
        assertFalse(stderr.contains("gone"), "a deleted value reached stderr");
        mcp.assertStdoutIsOnlyJsonRpc();
    }

    // ---- other configurations: own processes

    @Test
    void aTokenWithoutReadOnSysMountsStillListsMountsAndReadsKv() throws Exception {
        String limited = vault.createToken("""
                path "kv1/*" { capabilities = ["read", "list"] }
                path "secret/data/*" { capabilities = ["read"] }
                path "secret/metadata/*" { capabilities = ["list"] }
                """);
        try (McpProcess own = McpProcess.initialized(McpProcess.env(vault.address(), limited))) {
            JsonArray mounts = ok(own.call("list_mounts", "{}")).getAsJsonArray("mounts");
            assertTrue(mounts.toString().contains("\"name\":\"kv1/\"") && mounts.toString().contains("\"name\":\"secret/\""), mounts.toString());
            assertFalse(mounts.toString().contains("pki/"), "a mount the token cannot use is not shown: " + mounts);
            vault.clearRequests();
            assertEquals("v2", ok(own.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}"))
                    .getAsJsonObject("data").get("k").getAsString());
            assertEquals(SECRET_VALUE, ok(own.call("read_secret", "{\"mount\":\"kv1\",\"path\":\"app/cfg\"}"))
                    .getAsJsonObject("data").get("password").getAsString());
            assertEquals(strings("config", "deleted", "destroyed"),
                    ok(own.call("list_secrets", "{\"mount\":\"secret\",\"path\":\"app/\"}")).getAsJsonArray("keys"));
            assertTrue(vault.requests().stream().noneMatch(r -> r.path().equals("/v1/sys/mounts")),
                    () -> "KV detection needed sys/mounts: " + vault.requests());
            McpProcess.Reply denied = own.call("list_pki_roles", "{}");
            assertTrue(denied.isError());
            assertTrue(denied.text().startsWith("Vault refused to say what kind of mount \"pki\" is"), denied.text());
            own.assertServing();
            assertFalse(own.stderr().contains(limited), "the token reached stderr");
        }
    }

    @Test
    void sendsTheNamespaceHeaderWhenConfigured() throws Exception {
        Map<String, String> env = McpProcess.env(vault.address(), TOKEN);
        env.put("VAULT_NAMESPACE", "team-a/apps");
        try (McpProcess own = McpProcess.initialized(env)) {
            vault.clearRequests();
            ok(own.call("read_secret", "{\"mount\":\"kv1\",\"path\":\"app/cfg\"}"));
            List<RecordedRequest> seen = vault.requests();
            assertFalse(seen.isEmpty());
            for (RecordedRequest r : seen) {
                assertEquals("team-a/apps", r.header("X-Vault-Namespace"), r::toString);
                assertEquals("true", r.header("X-Vault-Request"), r::toString);
            }
        }
    }

    @Test
    void aVaultThatIsDownGivesAnErrorNamingItsAddress() throws Exception {
        FakeVault down = new FakeVault();
        String address = down.address();
        down.stop();
        try (McpProcess own = McpProcess.initialized(McpProcess.env(address, "t"))) {
            McpProcess.Reply r = own.call("list_mounts", "{}");
            assertTrue(r.isError());
            assertTrue(r.text().contains("Could not reach Vault at " + address), r.text());
            assertTrue(own.call("read_secret", "{\"mount\":\"secret\",\"path\":\"a\"}").isError());
            own.assertServing();
        }
    }
}
