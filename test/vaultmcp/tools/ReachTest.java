package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.tools.Reach.Kind;
import vaultmcp.vault.RecordedRequest;
import vaultmcp.vault.VaultPath;

/** Declarations of reach: their syntax, checked at start-up, and the golden file of every tool's reach. */
class ReachTest {
    private static final JsonObject SCHEMA = JsonParser.parseString("""
            {"type":"object","properties":{"mount":{"type":"string","description":"m"},
             "role":{"type":"string","description":"r"},"n":{"type":"integer","description":"n"}},
             "additionalProperties":false}""").getAsJsonObject();

    private static String refused(String declaration) {
        return assertThrows(IllegalStateException.class, () -> Reach.parse("t",
                JsonParser.parseString(declaration).getAsJsonObject(), SCHEMA)).getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"GET {mount}/roles/{nope}\"]}|placeholder nope is not a string argument",
        "{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"GET {mount}/roles/{n}\"]}|placeholder n is not a string argument",
        "{\"mounts\":{\"nope\":\"pki\"},\"requests\":[]}|mount nope is not a string argument",
        "{\"mounts\":{\"mount\":\"ldap\"},\"requests\":[\"GET {mount}\"]}|unknown mount type ldap",
        "{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"PUT {mount}/x\"]}|unknown method",
        "{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"GET {role}/x\"]}|every mount argument must appear in a request",
        "{\"mounts\":{\"mount\":\"pki\"},\"requests\":[\"kv2 GET {mount}/x\"]}|a kv1/kv2 condition needs a kv mount",
        "{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"GET {mount}/../sys\"]}|bad literal segment",
        "{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"GET {mount}//x\"]}|bad literal segment",
        "{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"GET {mount}/{mount*}\"]}|mount mount used as a path",
        "{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"GET {mount}/x\",\"GET {mount}/x\"]}|request declared twice",
        "{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"GET {mount}/x?v={nope}\"]}|bad query",
        "{\"mounts\":{},\"requests\":[\"GET sys/mounts\"],\"extra\":1}|needs \"vault\"",
    })
    void aDeclarationThatDoesNotParseStopsStartUp(String declaration, String problem) {
        String message = refused(declaration);
        assertTrue(message.startsWith("tool manifest: t: vault: ") && message.contains(problem), message);
    }

    @Test
    void aMissingDeclarationStopsStartUp() {
        JsonObject entry = ToolTableTest.entry("a", false);
        entry.remove("vault");
        String message = assertThrows(IllegalStateException.class, () -> new ToolTable(ToolTableTest.manifest(entry),
                ToolTableTest.handlers("a"), false)).getMessage();
        assertTrue(message.contains("needs \"vault\""), message);
    }

    /** Every tool's reach in one reviewable file: a change in what a tool can touch is a diff here. */
    @Test
    void theDeclaredReachOfEveryToolMatchesItsGoldenFile() throws IOException {
        StringBuilder text = new StringBuilder();
        int templates = 0;
        for (JsonElement element : ToolTable.bundledManifest()) {
            JsonObject entry = element.getAsJsonObject();
            JsonObject vault = entry.getAsJsonObject("vault");
            text.append(entry.get("name").getAsString()).append(entry.get("privileged").getAsBoolean() ? " (privileged)" : "")
                    .append(vault.getAsJsonObject("mounts").size() == 0 ? "" : " mounts " + vault.get("mounts")).append('\n');
            for (JsonElement request : vault.getAsJsonArray("requests")) {
                text.append("  ").append(request.getAsString()).append('\n');
                templates++;
            }
        }
        try (InputStream in = ReachTest.class.getResourceAsStream("reach.golden.txt")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), text.toString(),
                    "the declared reach changed: review it, then update test/vaultmcp/tools/reach.golden.txt");
        }
        assertTrue(templates >= ToolTable.bundledManifest().size(), "every tool declares at least one request");
    }

    @Test
    void theIndependentReadingOfTheDeclarationsCatchesAnUndeclaredRequest() {
        DeclaredReach reach = new DeclaredReach(ToolCalls.entry("read_pki_role"));
        assertNull(reach.problem(request("GET", "/v1/pki/roles/web", null)));
        assertNull(reach.problem(request("GET", "/v1/team/pki/roles/web", null)));
        assertNull(reach.problem(request("GET", "/v1/sys/internal/ui/mounts/pki", null)));
        for (RecordedRequest bad : List.of(request("DELETE", "/v1/pki/roles/web", null), request("GET", "/v1/pki/roles/a/b", null),
                request("GET", "/v1/pki/issue/web", null), request("GET", "/v1/pki/roles/web", "list=true"),
                request("GET", "/v1/pki//roles/web", null))) {
            assertTrue(reach.problem(bad) != null, bad.toString());
        }
        DeclaredReach kv = new DeclaredReach(ToolCalls.entry("read_secret"));
        assertNull(kv.problem(request("GET", "/v1/secret/data/a/b", "version=3")));
        assertTrue(kv.problem(request("GET", "/v1/secret/data/a/b", "list=true")) != null);
    }

    @ParameterizedTest
    @CsvSource({"secret,secret", "secret/,secret", "/secret,secret", "team/kv,team/kv"})
    void aMountArgumentIsItsSegments(String mount, String expected) throws ToolException {
        assertEquals(VaultPath.of(expected), Reach.segments("free", mount, Kind.MOUNT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/"})
    void anEmptyMountIsRefused(String mount) {
        ToolException e = assertThrows(ToolException.class, () -> Reach.segments("free", mount, Kind.MOUNT));
        assertEquals("Invalid arguments: \"free\" must name a mount, such as \"secret\".", e.getMessage());
    }

    @Test
    void aMountThatClimbsIsRefused() {
        ToolException e = assertThrows(ToolException.class, () -> Reach.segments("free", "../sys", Kind.MOUNT));
        assertEquals("Invalid arguments: \"free\": \"../sys\" contains a \"..\" segment; paths may not leave their mount.",
                e.getMessage());
    }

    @Test
    void aPathArgumentMayBeEmpty() throws ToolException {
        assertEquals(VaultPath.of("app", "db"), Reach.segments("free", "app/db", Kind.PATH));
        assertEquals(VaultPath.of(), Reach.segments("free", "", Kind.PATH));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "../sys/policy/root|\"../sys/policy/root\" contains a \"..\" segment; paths may not leave their mount",
        "a//b|\"a//b\" contains an empty path segment (\"//\")",
        "a/./b|\"a/./b\" contains a \".\" segment; paths may not leave their mount",
        "a\\nb|the path contains a control character"})
    void aPathThatWouldLeaveItsMountIsRefused(String path, String reason) {
        String value = path.replace("\\n", "\n");
        ToolException e = assertThrows(ToolException.class, () -> Reach.segments("free", value, Kind.PATH));
        assertEquals("Invalid arguments: \"free\": " + reason + ".", e.getMessage());
    }

    private static RecordedRequest request(String method, String rawPath, String query) {
        return new RecordedRequest(method, rawPath, rawPath, query, Map.of(), "");
    }

    /** A tool named in a description must be a {tool:name} reference, or MCP_TOOL_PREFIX would leave it bare. */
    @Test
    void everyToolNamedInTheManifestIsAReference() {
        List<String> names = new java.util.ArrayList<>();
        ToolTable.bundledManifest().forEach(e -> names.add(e.getAsJsonObject().get("name").getAsString()));
        java.util.regex.Pattern bare = java.util.regex.Pattern.compile("(?<![A-Za-z0-9_:])(" + String.join("|", names)
                + ")(?![A-Za-z0-9_])");
        for (JsonElement element : ToolTable.bundledManifest()) {
            JsonObject entry = element.getAsJsonObject().deepCopy();
            entry.remove("name");
            java.util.regex.Matcher m = bare.matcher(entry.toString());
            assertTrue(!m.find(), () -> element.getAsJsonObject().get("name") + " names " + m.group() + " without {tool:...}");
        }
    }
}
