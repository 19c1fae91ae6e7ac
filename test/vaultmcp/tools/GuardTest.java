package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;
import vaultmcp.vault.RecordedRequest;

/** The guard: each mount argument must be a mount of its declared engine, and nothing else is sent. */
class GuardTest {
    private static final Guard.Policy PLAIN = new Guard.Policy(vaultmcp.config.PathRules.none(),
            new Change("t", false, Approver.NONE, Trail.none()), Delivery.PLAIN, Trail.none());
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enable("pki", "pki");
        fake.enableKv("ssh", 1);
        fake.call("POST", "secret/data/team/roles/db", "{\"data\":{\"password\":\"s3cret\"}}");
        fake.call("POST", "secret/data/team", "{\"data\":{\"db\":\"x\"}}");
        tools = new ToolCalls(fake);
        fake.clearRequests();
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    /** Everything but the guard's own type lookups. */
    private List<RecordedRequest> beyondLookups() {
        return fake.requests().stream().filter(r -> !r.rawPath().startsWith("/v1/sys/internal/ui/mounts/")
                && !r.rawPath().equals("/v1/sys/mounts")).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "read_pki_role|{\"mount\":\"secret/data/team\",\"role_name\":\"db\"}|lies inside the mount \"secret/\"",
        "list_pki_roles|{\"mount\":\"auth/token\"}|The mount \"auth/token\" is a token secrets engine, not a PKI engine",
        "delete_pki_role|{\"mount\":\"auth/token\",\"role_name\":\"default\"}|is a token secrets engine",
        "delete_pki_role|{\"mount\":\"secret/metadata/team\",\"role_name\":\"db\"}|lies inside the mount \"secret/\"",
        "delete_pki_role|{\"mount\":\"secret\",\"role_name\":\"db\"}|is a kv secrets engine, not a PKI engine",
        "issue_pki_certificate|{\"mount\":\"ssh\",\"role_name\":\"r\",\"common_name\":\"a.example.com\"}|"
                + "The mount \"ssh\" is a kv secrets engine, not a PKI engine.",
        "list_pki_issuers|{\"mount\":\"cubbyhole\"}|is a cubbyhole secrets engine, not a PKI engine",
        "read_secret|{\"mount\":\"pki\",\"path\":\"roles/x\"}|is a pki secrets engine, not a KV store",
    })
    void aMountOfAnotherEngineIsRefusedAfterTheTypeLookupAlone(String tool, String arguments, String expected) {
        String error = tools.error(tool, arguments);
        assertTrue(error.contains(expected), error);
        assertEquals(List.of(), beyondLookups());
        assertEquals("s3cret", JsonParser.parseString(fake.call("GET", "secret/data/team/roles/db", null))
                .getAsJsonObject().getAsJsonObject("data").getAsJsonObject("data").get("password").getAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"//", "/", " ", "a/ /b", "/ /"})
    void aMountArgumentMustHoldAtLeastOneNonBlankSegment(String mount) {
        for (String tool : List.of("read_pki_role", "create_mount", "delete_mount", "list_secrets")) {
            String name = tool.endsWith("_mount") ? "path" : "mount";
            String arguments = "{\"" + name + "\":\"" + mount + "\",\"role_name\":\"x\",\"type\":\"kv\"}"
                    .replace(tool.equals("read_pki_role") ? "" : ",\"role_name\":\"x\"", "")
                    .replace(tool.equals("create_mount") ? "" : ",\"type\":\"kv\"", "");
            String error = tools.error(tool, arguments);
            assertTrue(error.startsWith("Invalid arguments: \"" + name + "\""), tool + ": " + error);
        }
        assertEquals(List.of(), fake.requests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sys", "auth", "auth/approle", "identity", "cubbyhole", "sys/policy"})
    void vaultsOwnMountsAreNeverCreatedOrDeleted(String path) {
        assertTrue(tools.error("delete_mount", "{\"path\":\"" + path + "\"}").contains("belongs to Vault itself"));
        assertTrue(tools.error("create_mount", "{\"type\":\"kv\",\"path\":\"" + path + "\"}").contains("belongs to Vault itself"));
        assertTrue(tools.error("enable_pki", "{\"path\":\"" + path + "\"}").contains("belongs to Vault itself"));
        assertEquals(List.of(), fake.requests());
    }

    @Test
    void aRoleNameIsExactlyOneSegment() {
        for (String hostile : List.of("a/b", "../x", "/x")) {
            ToolException e = assertThrows(ToolException.class, () -> new Guard("read_pki_role",
                    reach("{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"GET {mount}/roles/{role_name}\"]}"),
                    Args.check(schema(), JsonParser.parseString("{\"mount\":\"pki\",\"role_name\":\"" + hostile + "\"}")
                            .getAsJsonObject()), null, null, false, PLAIN));
            assertTrue(e.getMessage().startsWith("Invalid arguments: \"role_name\""), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "//"})
    void aMountArgumentWithoutSegmentsSendsNothing(String mount) {
        assertEquals("Invalid arguments: \"mount\" must name a mount, such as \"secret\".",
                tools.error("read_pki_role", "{\"mount\":\"" + mount + "\",\"role_name\":\"web\"}"));
    }

    @Test
    void theTypeAnswerIsCachedPerCredentialAndPrivilegedCallsAskAfresh() {
        tools.ok("list_pki_roles", "{}");
        tools.ok("list_pki_roles", "{}");
        assertEquals(1, lookups("pki"), "a second read within the minute uses the cache");
        ToolCalls other = new ToolCalls(fake, fake.createToken("path \"*\" { capabilities = [\"read\", \"list\"] }"), null);
        other.call("list_pki_roles", "{}");
        assertEquals(2, lookups("pki"), "another credential does not see the first one's cache");
        tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        tools.ok("create_pki_role", "{\"role_name\":\"web2\"}");
        assertEquals(4, lookups("pki"), "privileged calls look the type up every time");
    }

    @Test
    void aCachedTypeIsStillCheckedAgainstTheDeclaredEngine() {
        tools.ok("list_pki_roles", "{}");
        String error = tools.error("list_secrets", "{\"mount\":\"pki\"}");
        assertEquals("The mount \"pki\" is a pki secrets engine, not a KV store.", error);
        assertEquals(1, lookups("pki"), "the second call used the cached type");
    }

    @Test
    void aMountReplacedWithinTheCacheLifetimeCannotTurnAPkiDeleteIntoAKvDelete() {
        tools.ok("create_pki_role", "{\"mount\":\"pki\",\"role_name\":\"db\"}");
        tools.ok("list_pki_roles", "{}");
        fake.call("DELETE", "sys/mounts/pki", null);
        fake.enableKv("pki", 2);
        fake.call("POST", "pki/data/roles/db", "{\"data\":{\"k\":\"v\"}}");
        String error = tools.error("delete_pki_role", "{\"role_name\":\"db\"}");
        assertTrue(error.contains("is a kv secrets engine, not a PKI engine"), error);
        assertTrue(tools.sent("DELETE", "pki/roles/db").isEmpty());
        assertFalse(tools.sent("GET", "sys/internal/ui/mounts/pki").isEmpty());
    }

    @Test
    void anOddShapeInVaultsAnswerIsAnErrorResultNotAnInternalError() {
        fake.inject(Fault.answer(404, "{\"data\":{\"metadata\":{\"version\":3,\"destroyed\":{}}}}").on("secret/data/x"));
        String error = tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"x\"}");
        assertTrue(error.startsWith("Vault's answer to read_secret has an unexpected shape"), error);
    }

    @Test
    void anUndeclaredRequestIsNeverSent() {
        Reach reach = reach("{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"GET {mount}/roles/{role_name}\"]}");
        Guard guard = assertDoesNotThrowOpen(reach);
        Guard.Undeclared e = assertThrows(Guard.Undeclared.class, () -> guard.send("DELETE {mount}/roles/{role_name}"));
        assertEquals("read_pki_role asked for DELETE {mount}/roles/{role_name}, which its manifest entry does not declare",
                e.getMessage());
        assertEquals(List.of(), fake.requests());
    }

    private Guard assertDoesNotThrowOpen(Reach reach) {
        try {
            return new Guard("read_pki_role", reach, Args.check(schema(),
                    JsonParser.parseString("{\"mount\":\"pki\",\"role_name\":\"web\"}").getAsJsonObject()), null, null, false, PLAIN);
        } catch (ToolException e) {
            throw new AssertionError(e);
        }
    }

    private long lookups(String mount) {
        return fake.requests().stream().filter(r -> r.rawPath().equals("/v1/sys/internal/ui/mounts/" + mount)).count();
    }

    private static com.google.gson.JsonObject schema() {
        return ToolCalls.entry("read_pki_role").getAsJsonObject("inputSchema");
    }

    private static Reach reach(String declaration) {
        return Reach.parse("read_pki_role", JsonParser.parseString(declaration).getAsJsonObject(), schema());
    }
}
