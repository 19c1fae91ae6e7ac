package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** create_mount, delete_mount and enable_pki against the fake Vault. */
class MountWriteToolsTest {
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        tools = new ToolCalls(fake);
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    /** The mount table entry of {@code path}, or null. */
    private JsonObject mounted(String path) {
        JsonElement entry = JsonParser.parseString(fake.call("GET", "sys/mounts", null)).getAsJsonObject()
                .getAsJsonObject("data").get(path + "/");
        return entry == null ? null : entry.getAsJsonObject();
    }

    @Test
    void createsAKvVersion1MountAsTheGoServerDoes() {
        JsonObject out = tools.ok("create_mount", "{\"type\":\"kv\",\"path\":\"team\"}");
        assertEquals(JsonParser.parseString("{\"path\":\"team\",\"type\":\"kv\",\"kv_version\":1,\"description\":\"\"}"), out);
        assertEquals(JsonParser.parseString("{\"type\":\"kv\",\"description\":\"\"}"), tools.body("POST", "sys/mounts/team"));
        assertEquals("kv", mounted("team").get("type").getAsString());
    }

    @Test
    void createsKv2AsAKvMountWithVersionTwo() {
        JsonObject out = tools.ok("create_mount", "{\"type\":\"kv2\",\"path\":\"team\",\"description\":\"Team secrets\"}");
        assertEquals(2, out.get("kv_version").getAsInt());
        assertEquals(JsonParser.parseString("{\"type\":\"kv\",\"description\":\"Team secrets\",\"options\":{\"version\":\"2\"}}"),
                tools.body("POST", "sys/mounts/team"));
        assertEquals("2", mounted("team").getAsJsonObject("options").get("version").getAsString());
    }

    @Test
    void createsAPkiMount() {
        assertEquals("pki", tools.ok("create_mount", "{\"type\":\"pki\",\"path\":\"ca\"}").get("type").getAsString());
        assertEquals("pki", mounted("ca").get("type").getAsString());
        assertFalse(tools.body("POST", "sys/mounts/ca").has("options"));
    }

    @Test
    void passesOptionsThroughAndKv2AlwaysGetsVersionTwo() {
        tools.ok("create_mount", "{\"type\":\"kv2\",\"path\":\"a\",\"options\":{\"version\":\"2\",\"max_versions\":\"3\"}}");
        assertEquals(JsonParser.parseString("{\"version\":\"2\",\"max_versions\":\"3\"}"), tools.body("POST", "sys/mounts/a").get("options"));
        tools.ok("create_mount", "{\"type\":\"kv2\",\"path\":\"b\",\"options\":{\"max_versions\":\"3\"}}");
        assertEquals("2", tools.body("POST", "sys/mounts/b").getAsJsonObject("options").get("version").getAsString());
    }

    @Test
    void refusesAVersionOptionThatContradictsTheType() {
        String error = tools.error("create_mount", "{\"type\":\"kv\",\"path\":\"a\",\"options\":{\"version\":\"2\"}}");
        assertTrue(error.contains("options.version \"2\" contradicts type \"kv\""), error);
        assertTrue(tools.error("create_mount", "{\"type\":\"kv2\",\"path\":\"a\",\"options\":{\"version\":\"1\"}}").contains("contradicts"));
        assertTrue(fake.requests().isEmpty(), fake.requests().toString());
    }

    @Test
    void refusesAPathInUseWithAClearMessage() {
        String error = tools.error("create_mount", "{\"type\":\"kv\",\"path\":\"secret\"}");
        assertTrue(error.startsWith("Cannot mount at \"secret\": there is already a kv mount there. Choose another path"), error);
        error = tools.error("create_mount", "{\"type\":\"kv2\",\"path\":\"secret/inner\"}");
        assertTrue(error.contains("it lies inside the mount \"secret/\""), error);
        assertTrue(tools.sent("POST", "sys/mounts/secret").isEmpty() && tools.sent("POST", "sys/mounts/secret/inner").isEmpty());
        assertEquals("2", mounted("secret").getAsJsonObject("options").get("version").getAsString(), "the old mount is untouched");
    }

    @Test
    void refusesAnUnknownTypeAndAPathThatEscapes() {
        assertTrue(tools.error("create_mount", "{\"type\":\"transit\",\"path\":\"t\"}").contains("must be one of [\"kv\",\"kv2\",\"pki\"]"));
        assertTrue(tools.error("create_mount", "{\"type\":\"kv\",\"path\":\"../sys\"}").contains("may not leave"));
        assertTrue(tools.error("create_mount", "{\"type\":\"kv\",\"path\":\"/\"}").contains("must name a mount"));
        assertTrue(fake.requests().isEmpty(), fake.requests().toString());
    }

    @Test
    void deletesAMountAndSaysItExisted() {
        fake.enableKv("old", 1);
        JsonObject out = tools.ok("delete_mount", "{\"path\":\"old\"}");
        assertEquals(JsonParser.parseString("{\"path\":\"old\",\"type\":\"kv\",\"existed\":\"yes\"}"), out);
        assertEquals(null, mounted("old"));
    }

    @Test
    void deletingAMountThatDoesNotExistFailsAndSendsNoDelete() {
        String error = tools.error("delete_mount", "{\"path\":\"never\"}");
        assertTrue(error.contains("There is no mount \"never\"; nothing was deleted"), error);
        assertTrue(tools.sent("DELETE", "sys/mounts/never").isEmpty());
    }

    @Test
    void withoutReadOnTheMountTableDeleteSaysExistenceIsUnknown() {
        fake.enableKv("old", 1);
        String token = fake.createToken("path \"sys/mounts/*\" { capabilities = [\"create\", \"update\", \"delete\"] }");
        JsonObject out = new ToolCalls(fake, token, null).ok("delete_mount", "{\"path\":\"old\"}");
        assertEquals("unknown", out.get("existed").getAsString());
        assertTrue(out.get("note").getAsString().contains("Vault answers a delete the same whether or not a mount existed"), out.toString());
        assertEquals(null, mounted("old"));
    }

    @Test
    void aMountDeletedAndRecreatedIsSeenWithItsNewKvVersion() {
        tools.ok("create_mount", "{\"type\":\"kv\",\"path\":\"flip\"}");
        assertEquals(1, tools.ok("write_secret", "{\"mount\":\"flip\",\"path\":\"a\",\"key\":\"k\",\"value\":\"v\"}").get("kv_version").getAsInt());
        tools.ok("delete_mount", "{\"path\":\"flip\"}");
        tools.ok("create_mount", "{\"type\":\"kv2\",\"path\":\"flip\"}");
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"flip\",\"path\":\"a\",\"key\":\"k\",\"value\":\"v\"}");
        assertEquals(2, out.get("kv_version").getAsInt());
        assertEquals(1, out.get("version").getAsInt());
    }

    @Test
    void enablePkiAppliesItsDefaults() {
        JsonObject out = tools.ok("enable_pki", "{}");
        assertEquals(JsonParser.parseString("{\"path\":\"pki\",\"type\":\"pki\",\"max_ttl\":\"87600h\",\"description\":\"\"}"), out);
        assertEquals(JsonParser.parseString("{\"type\":\"pki\",\"description\":\"\"}"), tools.body("POST", "sys/mounts/pki"));
        assertEquals(JsonParser.parseString("{\"max_lease_ttl\":\"87600h\"}"), tools.body("POST", "sys/mounts/pki/tune"));
        assertEquals(315360000, mounted("pki").getAsJsonObject("config").get("max_lease_ttl").getAsLong());
    }

    @Test
    void enablePkiTakesPathDescriptionAndMaxTtl() {
        tools.ok("enable_pki", "{\"path\":\"ca/int\",\"description\":\"Issuing CA\",\"max_ttl\":\"720h\"}");
        assertEquals("Issuing CA", mounted("ca/int").get("description").getAsString());
        assertEquals("720h", tools.body("POST", "sys/mounts/ca/int/tune").get("max_lease_ttl").getAsString());
    }

    @Test
    void enablePkiRemovesTheMountAgainWhenTuningFails() {
        fake.inject(Fault.answer(400, "{\"errors\":[\"time: invalid duration \\\"forever\\\"\"]}").on("sys/mounts/pki/tune"));
        String error = tools.error("enable_pki", "{\"max_ttl\":\"forever\"}");
        assertTrue(error.contains("could not set max_ttl \"forever\""), error);
        assertTrue(error.contains("invalid duration") && error.endsWith("the new mount was removed again."), error);
        assertEquals(null, mounted("pki"));
        assertEquals(1, tools.sent("DELETE", "sys/mounts/pki").size());
    }

    @Test
    void enablePkiSaysSoWhenTheRollbackFailsToo() {
        fake.inject(Fault.answer(500, "{\"errors\":[\"internal error\"]}").on("sys/mounts/pki/tune"));
        fake.inject(Fault.slow(Duration.ZERO).on("sys/mounts/pki"));
        fake.inject(Fault.answer(503, "{\"errors\":[\"Vault is sealed\"]}").on("sys/mounts/pki"));
        String error = tools.error("enable_pki", "{}");
        assertTrue(error.contains("removing the new mount failed too") && error.contains("call delete_mount for \"pki\""), error);
    }

    @Test
    void enablePkiRefusesAnExistingPathAndLeavesItAlone() {
        fake.enableKv("pki", 2);
        String error = tools.error("enable_pki", "{}");
        assertTrue(error.contains("there is already a kv mount there"), error);
        assertEquals("kv", mounted("pki").get("type").getAsString());
        assertTrue(tools.sent("DELETE", "sys/mounts/pki").isEmpty(), "a mount it did not create is never rolled back");
    }
}
