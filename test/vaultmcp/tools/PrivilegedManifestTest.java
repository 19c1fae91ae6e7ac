package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifest entries of the privileged tools: flags, honest hints, schemas the server enforces. */
class PrivilegedManifestTest {
    /** Expected {destructiveHint, idempotentHint} per privileged tool, and why. */
    private static final Map<String, boolean[]> HINTS = new LinkedHashMap<>();

    static {
        HINTS.put("create_mount", new boolean[] {false, true});           // refuses a path in use: a repeat changes nothing
        HINTS.put("delete_mount", new boolean[] {true, true});            // destroys the mount's data
        HINTS.put("write_secret", new boolean[] {true, false});           // overwrites keys; each call is a new KV v2 version
        HINTS.put("delete_secret", new boolean[] {true, true});           // a repeat finds nothing left to delete
        HINTS.put("enable_pki", new boolean[] {false, true});             // refuses a path in use
        HINTS.put("create_pki_issuer", new boolean[] {false, false});     // each call makes a new key and issuer
        HINTS.put("create_pki_role", new boolean[] {true, true});         // replaces a role of the same name
        HINTS.put("delete_pki_role", new boolean[] {true, true});
        HINTS.put("issue_pki_certificate", new boolean[] {false, false}); // each call mints a new key and certificate
        HINTS.put("write_secret_metadata", new boolean[] {true, true});   // lowering max_versions prunes versions
        HINTS.put("patch_secret", new boolean[] {true, false});           // each call is a new KV v2 version
        HINTS.put("delete_secret_versions", new boolean[] {true, true});
        HINTS.put("undelete_secret_versions", new boolean[] {false, true});
        HINTS.put("destroy_secret_versions", new boolean[] {true, true}); // irreversible
        // Signing and HMACs change nothing in Vault, but attest in the key owner's name: privileged all the same.
        HINTS.put("transit_sign", new boolean[] {false, true});
        HINTS.put("transit_hmac", new boolean[] {false, true});
        HINTS.put("create_transit_key", new boolean[] {false, true});      // refuses a name in use
        HINTS.put("rotate_transit_key", new boolean[] {false, false});     // each call adds a version; old ones stay
    }

    private static JsonObject entry(String name) {
        for (JsonElement e : ToolTable.bundledManifest()) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no manifest entry " + name);
    }

    @Test
    void everyStateChangingOrAttestingToolIsPrivilegedAndNoReadToolIs() {
        int privileged = 0;
        for (JsonElement e : ToolTable.bundledManifest()) {
            JsonObject tool = e.getAsJsonObject();
            boolean expected = HINTS.containsKey(tool.get("name").getAsString());
            assertEquals(expected, tool.get("privileged").getAsBoolean(), tool.get("name").getAsString());
            privileged += expected ? 1 : 0;
        }
        assertEquals(HINTS.size(), privileged);
    }

    @Test
    void privilegedToolsCarryHonestAnnotations() {
        HINTS.forEach((name, hints) -> {
            JsonObject annotations = entry(name).getAsJsonObject("annotations");
            assertFalse(annotations.get("readOnlyHint").getAsBoolean(), name);
            assertEquals(hints[0], annotations.get("destructiveHint").getAsBoolean(), name + " destructiveHint");
            assertEquals(hints[1], annotations.get("idempotentHint").getAsBoolean(), name + " idempotentHint");
            assertFalse(annotations.get("openWorldHint").getAsBoolean(), name);
        });
    }

    @Test
    void privilegedToolsHaveClosedInputSchemasAndAnOutputSchema() {
        for (String name : HINTS.keySet()) {
            JsonObject tool = entry(name);
            assertFalse(tool.getAsJsonObject("inputSchema").get("additionalProperties").getAsBoolean(), name);
            assertTrue(tool.has("outputSchema"), name);
            Args.checkSchema(name, tool.getAsJsonObject("inputSchema"));
        }
    }

    @Test
    void theGoServersArgumentNamesAreKept() {
        Map<String, String> go = Map.of(
                "create_mount", "[type, path, description, options]",
                "delete_mount", "[path]",
                "write_secret", "[mount, path, key, value, data]",
                "delete_secret", "[mount, path, key]",
                "enable_pki", "[path, description, max_ttl]",
                "create_pki_issuer", "[mount, type, common_name, issuer_name, ttl, root_mount, root_issuer]",
                "create_pki_role", "[mount, role_name, issuer_name, allow_any_name, allowed_domains, allow_subdomains, "
                        + "allow_glob_domains, allow_ip_sans, max_ttl, ttl]",
                "delete_pki_role", "[mount, role_name]",
                "issue_pki_certificate", "[mount, role_name, common_name, ttl, alt_names, ip_sans]");
        go.forEach((name, args) -> assertEquals(args,
                entry(name).getAsJsonObject("inputSchema").getAsJsonObject("properties").keySet().toString(), name));
    }

    @Test
    void theIssuingToolSaysWhereThePrivateKeyGoes() {
        String description = entry("issue_pki_certificate").get("description").getAsString();
        assertTrue(description.contains("private key is NOT returned to you"), description);
        assertTrue(description.contains("audience \"user\""), description);
        assertFalse(entry("issue_pki_certificate").getAsJsonObject("outputSchema").getAsJsonObject("properties").has("private_key"));
    }

    @Test
    void defaultsAreTheGoServersUnlessDocumentedOtherwise() throws ToolException {
        assertEquals("pki", check("enable_pki", "{}").string("path"));
        assertEquals("87600h", check("enable_pki", "{}").string("max_ttl"));
        Args role = check("create_pki_role", "{\"role_name\":\"r\"}");
        assertEquals("pki", role.string("mount"));
        assertEquals("default", role.string("issuer_name"));
        assertTrue(role.bool("allow_any_name"));
        assertFalse(role.bool("allow_glob_domains"));
        assertFalse(role.bool("allow_ip_sans"));
        assertEquals("", role.string("allowed_domains"));
        assertEquals("30d", role.string("max_ttl"));
        assertFalse(role.has("ttl"));
        Args issuer = check("create_pki_issuer", "{\"common_name\":\"c\",\"issuer_name\":\"i\"}");
        assertEquals("internal", issuer.string("type"));
        assertEquals("", issuer.string("root_mount"));
        assertEquals("", check("delete_secret", "{\"mount\":\"m\",\"path\":\"p\"}").string("key"));
        assertEquals("30d", check("issue_pki_certificate", "{\"role_name\":\"r\",\"common_name\":\"c\"}").string("ttl"));
    }

    private static Args check(String tool, String json) throws ToolException {
        return Args.check(entry(tool).getAsJsonObject("inputSchema"), com.google.gson.JsonParser.parseString(json).getAsJsonObject());
    }
}
