package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;

/** The KV version 2 lifecycle tools against the fake Vault. */
class KvVersionToolsTest {
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enableKv("kv1", 1);
        fake.call("POST", "secret/data/app", "{\"data\":{\"user\":\"alice\",\"password\":\"one\"}}");
        fake.call("POST", "secret/data/app", "{\"data\":{\"user\":\"alice\",\"password\":\"two\"}}");
        tools = new ToolCalls(fake);
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private JsonObject data(String path) {
        return JsonParser.parseString(fake.call("GET", "secret/data/" + path, null)).getAsJsonObject()
                .getAsJsonObject("data").getAsJsonObject("data");
    }

    @Test
    void readsMetadataWithEveryVersionAndNoValues() {
        JsonObject out = tools.ok("read_secret_metadata", "{\"mount\":\"secret\",\"path\":\"app\"}");
        assertEquals(2, out.get("current_version").getAsInt());
        assertEquals(2, out.getAsJsonArray("versions").size());
        assertEquals(1, out.getAsJsonArray("versions").get(0).getAsJsonObject().get("version").getAsInt());
        assertFalse(out.toString().contains("two"), out.toString());
        assertTrue(tools.error("read_secret_metadata", "{\"mount\":\"secret\",\"path\":\"nope\"}").startsWith("There is no secret"));
        assertTrue(tools.error("read_secret_metadata", "{\"mount\":\"kv1\",\"path\":\"x\"}").contains("needs KV version 2"));
    }

    @Test
    void writesOnlyTheMetadataGivenAndWarnsTheApproverWhenVersionsWillBePruned() {
        List<String> asked = new ArrayList<>();
        tools.approver(asked::add);
        JsonObject out = tools.ok("write_secret_metadata", "{\"mount\":\"secret\",\"path\":\"app\",\"max_versions\":1,"
                + "\"custom_metadata\":{\"owner\":\"team\"}}");
        assertEquals(JsonParser.parseString("[\"max_versions\",\"custom_metadata\"]"), out.get("updated"));
        assertEquals(JsonParser.parseString("{\"max_versions\":1,\"custom_metadata\":{\"owner\":\"team\"}}"),
                tools.body("POST", "secret/metadata/app"));
        assertTrue(asked.get(0).contains("Lowering max_versions to 1 makes Vault prune"), asked.get(0));
        assertTrue(tools.error("write_secret_metadata", "{\"mount\":\"secret\",\"path\":\"app\"}").contains("at least one of"));
    }

    @Test
    void patchesWithCheckAndSetAndDeletesAKeyByNull() {
        JsonObject out = tools.ok("patch_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"data\":{\"password\":\"three\",\"user\":null}}");
        assertEquals(3, out.get("version").getAsInt());
        assertEquals(JsonParser.parseString("[\"password\"]"), out.get("keys_set"));
        assertEquals(JsonParser.parseString("[\"user\"]"), out.get("keys_deleted"));
        assertEquals(JsonParser.parseString("{\"password\":\"three\"}"), data("app"));
        assertEquals("application/merge-patch+json", tools.sent("PATCH", "secret/data/app").get(0).header("Content-Type"));
        assertEquals(2, tools.body("PATCH", "secret/data/app").getAsJsonObject("options").get("cas").getAsInt());
        assertTrue(tools.error("patch_secret", "{\"mount\":\"secret\",\"path\":\"none\",\"data\":{\"a\":\"b\"}}")
                .contains("patch_secret changes an existing one"));
        assertTrue(tools.error("patch_secret", "{\"mount\":\"kv1\",\"path\":\"x\",\"data\":{\"a\":\"b\"}}").contains("needs KV version 2"));
        assertTrue(tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"data\":{\"a\":null}}")
                .contains("\"data\" must map names to strings"), "null deletes a key in patch_secret only");
    }

    @Test
    void deletesUndeletesAndDestroysVersionsAndSaysDestroyIsForever() {
        List<String> asked = new ArrayList<>();
        tools.approver(asked::add);
        assertEquals("deleted", tools.ok("delete_secret_versions", "{\"mount\":\"secret\",\"path\":\"app\",\"versions\":[2]}")
                .get("action").getAsString());
        assertTrue(assertThrows(IllegalStateException.class, () -> fake.call("GET", "secret/data/app", null))
                .getMessage().contains("-> 404"));
        tools.ok("undelete_secret_versions", "{\"mount\":\"secret\",\"path\":\"app\",\"versions\":[2]}");
        assertEquals("two", data("app").get("password").getAsString());
        tools.ok("destroy_secret_versions", "{\"mount\":\"secret\",\"path\":\"app\",\"versions\":[1]}");
        assertTrue(asked.get(2).contains("Destroyed versions cannot be recovered."), asked.get(2));
        JsonObject metadata = tools.ok("read_secret_metadata", "{\"mount\":\"secret\",\"path\":\"app\"}");
        assertTrue(metadata.getAsJsonArray("versions").get(0).getAsJsonObject().get("destroyed").getAsBoolean());
        assertTrue(tools.error("destroy_secret_versions", "{\"mount\":\"secret\",\"path\":\"app\",\"versions\":[0]}")
                .contains("item 1 must be at least 1"));
    }
}
