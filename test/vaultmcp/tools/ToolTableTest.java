package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.ConfigException;
import vaultmcp.config.PathRules;
import vaultmcp.json.StrictJson;

class ToolTableTest {
    private static final ToolHandler NOTHING = (args, vault) -> ToolResult.json(new JsonObject());

    /** A valid manifest entry; privileged ones are not read-only. */
    static JsonObject entry(String name, boolean privileged) {
        return ArgsTest.object("{\"name\":\"" + name + "\",\"title\":\"Title of " + name + "\",\"description\":\"Does " + name + "\","
                + "\"privileged\":" + privileged + ",\"annotations\":{\"readOnlyHint\":" + !privileged + "},"
                + "\"toolset\":\"kv\",\"vault\":{\"mounts\":{\"mount\":\"kv\"},\"requests\":[\"GET {mount}/x\"]},"
                + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"mount\":{\"type\":\"string\",\"description\":\"m\"}},"
                + "\"additionalProperties\":false}}");
    }

    static JsonArray manifest(JsonObject... entries) {
        JsonArray manifest = new JsonArray();
        for (JsonObject e : entries) {
            manifest.add(e);
        }
        return manifest;
    }

    static Map<String, ToolHandler> handlers(String... names) {
        Map<String, ToolHandler> handlers = new LinkedHashMap<>();
        for (String name : names) {
            handlers.put(name, NOTHING);
        }
        return handlers;
    }

    private static String startUpFailure(JsonArray manifest, Map<String, ToolHandler> handlers) {
        return assertThrows(IllegalStateException.class, () -> new ToolTable(manifest, handlers, true)).getMessage();
    }

    private static List<String> names(ToolTable table) {
        return table.definitions(0, 1000).stream().map(d -> d.get("name").getAsString()).toList();
    }

    @Test
    void offersTheToolsInManifestOrder() {
        ToolTable table = new ToolTable(manifest(entry("b", false), entry("a", false), entry("c", false)), handlers("a", "b", "c"), false);
        assertEquals(List.of("b", "a", "c"), names(table));
        assertEquals(3, table.size());
        assertEquals("a", table.find("a").name());
        assertNull(table.find("d"));
    }

    @Test
    void failsStartUpWhenAManifestEntryHasNoHandler() {
        assertEquals("tool manifest: manifest entry b has no handler", startUpFailure(manifest(entry("a", false), entry("b", false)), handlers("a")));
    }

    @Test
    void failsStartUpWhenAHandlerHasNoManifestEntry() {
        assertEquals("tool manifest: handler b has no manifest entry", startUpFailure(manifest(entry("a", false)), handlers("a", "b")));
    }

    @Test
    void resolvesToolReferencesInEveryStringAndRefusesUnknownOnesEvenInHiddenEntries() throws Exception {
        JsonObject a = entry("a", false);
        a.getAsJsonObject("inputSchema").getAsJsonObject("properties").getAsJsonObject("mount")
                .addProperty("description", "see {tool:b}, then {tool:a}");
        ToolTable table = ToolTable.select(manifest(a, entry("b", false)), handlers("a", "b"),
                new Selection(false, null, Set.of(), "v_", PathRules.none(), SecretValues.PLAIN, Duration.ofMinutes(5)));
        assertEquals("see v_b, then v_a", table.find("v_a").definition().getAsJsonObject("inputSchema")
                .getAsJsonObject("properties").getAsJsonObject("mount").get("description").getAsString());
        JsonObject hidden = entry("w", true);
        hidden.addProperty("description", "Undo with {tool:nope}.");
        assertEquals("tool manifest: w: description names an unknown tool {tool:nope}",
                assertThrows(IllegalStateException.class, () -> new ToolTable(manifest(entry("a", false), hidden),
                        handlers("a", "w"), false)).getMessage());
    }

    @Test
    void aTableBuiltOnItsOwnThreadIsTheSameAndAManifestErrorSurfacesAtItsFirstUse() throws Exception {
        ToolTable later = ToolTable.building(Tools::handlers, Selection.defaults(false));
        assertEquals(new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), false).digest(), later.digest());
        Map<String, ToolHandler> extra = new LinkedHashMap<>(Tools.handlers());
        extra.put("nope", NOTHING);
        ToolTable broken = ToolTable.building(() -> extra, Selection.defaults(true));
        assertEquals("tool manifest: handler nope has no manifest entry",
                assertThrows(CompletionException.class, broken::size).getCause().getMessage());
    }

    @Test
    void toolNamesTheOperatorGaveAreCheckedBeforeTheTableIsBuilt() {
        Selection unknown = new Selection(false, null, Set.of("nope"), "", PathRules.none(), SecretValues.PLAIN,
                Duration.ofMinutes(5));
        ConfigException e = assertThrows(ConfigException.class, () -> ToolTable.building(Tools::handlers, unknown));
        assertTrue(e.problems().get(0).startsWith("MCP_TOOLS: unknown tool \"nope\""), e.problems()::toString);
    }

    @Test
    void checksPrivilegedEntriesEvenWhenTheyAreHidden() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ToolTable(manifest(entry("a", false), entry("write", true)), handlers("a"), false));
        assertEquals("tool manifest: manifest entry write has no handler", e.getMessage());
    }

    @Test
    void failsStartUpOnDuplicateNames() {
        assertEquals("tool manifest: duplicate manifest entry a", startUpFailure(manifest(entry("a", false), entry("a", false)), handlers("a")));
    }

    @Test
    void failsStartUpOnABadName() {
        assertEquals("tool manifest: bad tool name Read-Secret", startUpFailure(manifest(entry("Read-Secret", false)), handlers("Read-Secret")));
        assertEquals("tool manifest: bad tool name " + "a".repeat(65), startUpFailure(manifest(entry("a".repeat(65), false)), handlers("a".repeat(65))));
    }

    @Test
    void failsStartUpOnAnUnknownField() {
        JsonObject e = entry("a", false);
        e.addProperty("hidden", true);
        assertEquals("tool manifest: a: unknown manifest field", startUpFailure(manifest(e), handlers("a")));
    }

    @Test
    void failsStartUpClearlyWhenAnEntryLacksARequiredField() {
        for (String field : List.of("title", "description", "toolset", "privileged", "inputSchema", "annotations", "readOnlyHint")) {
            JsonObject e = entry("a", false);
            if (field.equals("readOnlyHint")) {
                e.getAsJsonObject("annotations").remove(field);
            } else {
                e.remove(field);
            }
            assertEquals("tool manifest: a: needs title, description, toolset, privileged, annotations.readOnlyHint, inputSchema",
                    startUpFailure(manifest(e), handlers("a")), field);
        }
    }

    @Test
    void failsStartUpWhenSecretsNamesAnArgumentTheSchemaLacks() {
        JsonObject e = entry("a", false);
        e.add("secrets", ArgsTest.object("{\"arguments\":[\"nope\"],\"answer\":false}"));
        assertEquals("tool manifest: a: secrets names an unknown argument \"nope\"", startUpFailure(manifest(e), handlers("a")));
    }

    @Test
    void requiresReadOnlyHintToBeTheOppositeOfPrivileged() {
        JsonObject writerClaimingReadOnly = entry("w", true);
        writerClaimingReadOnly.getAsJsonObject("annotations").addProperty("readOnlyHint", true);
        assertEquals("tool manifest: w: privileged must be the opposite of readOnlyHint", startUpFailure(manifest(writerClaimingReadOnly), handlers("w")));
        JsonObject readerNotReadOnly = entry("r", false);
        readerNotReadOnly.getAsJsonObject("annotations").addProperty("readOnlyHint", false);
        assertEquals("tool manifest: r: privileged must be the opposite of readOnlyHint", startUpFailure(manifest(readerNotReadOnly), handlers("r")));
    }

    @Test
    void failsStartUpOnAnInputSchemaItCannotEnforce() {
        JsonObject e = entry("a", false);
        e.getAsJsonObject("inputSchema").remove("additionalProperties");
        assertEquals("manifest entry a: inputSchema needs additionalProperties: false", startUpFailure(manifest(e), handlers("a")));
    }

    @Test
    void hidesPrivilegedToolsUnlessOperationsAreEnabled() {
        JsonArray manifest = manifest(entry("read", false), entry("write", true), entry("read2", false));
        ToolTable readOnly = new ToolTable(manifest, handlers("read", "write", "read2"), false);
        assertEquals(List.of("read", "read2"), names(readOnly));
        assertEquals(2, readOnly.size());
        assertNull(readOnly.find("write"));
        ToolTable operations = new ToolTable(manifest, handlers("read", "write", "read2"), true);
        assertEquals(List.of("read", "write", "read2"), names(operations));
        assertNotNull(operations.find("write"));
    }

    @Test
    void stripsThePrivilegedFlagFromTheDefinitions() {
        ToolTable table = new ToolTable(manifest(entry("read", false), entry("write", true)), handlers("read", "write"), true);
        for (JsonObject definition : table.definitions(0, 10)) {
            assertFalse(definition.has("privileged"), definition.toString());
            assertTrue(definition.has("inputSchema"));
            assertTrue(definition.has("annotations"));
        }
        assertFalse(table.find("write").definition().has("privileged"));
    }

    @Test
    void joinsEachDefinitionWithItsOwnHandler() {
        ToolHandler a = (args, vault) -> ToolResult.error("a");
        ToolHandler b = (args, vault) -> ToolResult.error("b");
        ToolTable table = new ToolTable(manifest(entry("a", false), entry("b", false)), Map.of("a", a, "b", b), false);
        assertSame(a, table.find("a").handler());
        assertSame(b, table.find("b").handler());
        assertEquals("Does a", table.find("a").definition().get("description").getAsString());
    }

    @Test
    void isUnaffectedByLaterChangesToTheManifestItWasBuiltFrom() {
        JsonArray manifest = manifest(entry("a", false));
        ToolTable table = new ToolTable(manifest, handlers("a"), false);
        String digest = table.digest();
        manifest.get(0).getAsJsonObject().addProperty("description", "changed in the source array");
        assertEquals("Does a", table.definitions(0, 1).get(0).get("description").getAsString());
        assertEquals(digest, table.digest());
    }

    @Test
    void pagesThroughTheDefinitions() {
        ToolTable table = new ToolTable(manifest(entry("a", false), entry("b", false), entry("c", false), entry("d", false), entry("e", false)),
                handlers("a", "b", "c", "d", "e"), false);
        assertEquals(List.of("a", "b"), table.definitions(0, 2).stream().map(d -> d.get("name").getAsString()).toList());
        assertEquals(List.of("c", "d"), table.definitions(2, 2).stream().map(d -> d.get("name").getAsString()).toList());
        assertEquals(List.of("e"), table.definitions(4, 2).stream().map(d -> d.get("name").getAsString()).toList());
        assertEquals(List.of(), table.definitions(5, 2));
        assertEquals(List.of(), table.definitions(99, 2));
        assertEquals(List.of(), table.definitions(0, 0));
    }

    @Test
    void digestsTheCanonicalListAnswer() throws Exception {
        ToolTable table = new ToolTable(manifest(entry("a", false), entry("b", false)), handlers("a", "b"), false);
        JsonArray tools = new JsonArray();
        table.definitions(0, 10).forEach(tools::add);
        JsonObject list = new JsonObject();
        list.add("tools", tools);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(StrictJson.write(list).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, table.digest());
        assertTrue(table.digest().matches("[0-9a-f]{64}"));
    }

    @Test
    void keepsTheDigestStableAndChangesItWithTheTable() {
        JsonArray manifest = manifest(entry("a", false), entry("w", true));
        String readOnly = new ToolTable(manifest, handlers("a", "w"), false).digest();
        assertEquals(readOnly, new ToolTable(manifest.deepCopy(), handlers("w", "a"), false).digest());
        String operations = new ToolTable(manifest, handlers("a", "w"), true).digest();
        assertNotEquals(readOnly, operations);
        JsonArray reworded = manifest.deepCopy();
        reworded.get(0).getAsJsonObject().addProperty("description", "Does a, and also reads your mail");
        assertNotEquals(readOnly, new ToolTable(reworded, handlers("a", "w"), false).digest());
        JsonArray reordered = manifest(entry("b", false), entry("a", false));
        JsonArray ordered = manifest(entry("a", false), entry("b", false));
        assertNotEquals(new ToolTable(ordered, handlers("a", "b"), false).digest(), new ToolTable(reordered, handlers("a", "b"), false).digest());
    }

    @Test
    void bundlesTheSevenReadToolsOfTheGoServer() {
        ToolTable table = new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), false);
        assertEquals(List.of("list_mounts", "list_secrets", "read_secret", "list_pki_issuers", "read_pki_issuer", "list_pki_roles", "read_pki_role"),
                names(table).subList(0, 7));
        for (JsonObject definition : table.definitions(0, 100)) {
            String name = definition.get("name").getAsString();
            assertTrue(definition.getAsJsonObject("annotations").get("readOnlyHint").getAsBoolean(), name);
            assertFalse(definition.getAsJsonObject("inputSchema").get("additionalProperties").getAsBoolean(), name);
            assertTrue(definition.has("outputSchema"), name);
            assertFalse(definition.get("description").getAsString().isBlank(), name);
        }
    }

    @Test
    void marksNoBundledReadToolAsPrivileged() {
        for (JsonElement entry : ToolTable.bundledManifest()) {
            JsonObject e = entry.getAsJsonObject();
            if (e.getAsJsonObject("annotations").get("readOnlyHint").getAsBoolean()) {
                assertFalse(e.get("privileged").getAsBoolean(), e.get("name").getAsString());
            }
        }
    }
}
