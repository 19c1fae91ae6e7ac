package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** Role and issuer names are one path segment: "/" or "a/b" would name another Vault path. */
class NameArgumentsTest {

    @Test
    void everyRoleAndIssuerNameRefusesASlash() {
        int checked = 0;
        for (JsonElement entry : ToolTable.bundledManifest()) {
            JsonObject schema = entry.getAsJsonObject().getAsJsonObject("inputSchema");
            for (String name : schema.getAsJsonObject("properties").keySet()) {
                if (!name.equals("role_name") && !name.equals("issuer_name") && !name.equals("root_issuer")) {
                    continue;
                }
                for (String hostile : new String[] {"/", "a/b", "x y", "r\u00e9le"}) {
                    JsonObject args = new JsonObject();
                    args.addProperty("mount", "pki");
                    args.addProperty("role_name", "web");
                    args.addProperty("issuer_name", "root");
                    args.addProperty("common_name", "a.example.com");
                    args.addProperty(name, hostile);
                    for (String extra : new String[] {"mount", "role_name", "issuer_name", "common_name"}) {
                        if (!schema.getAsJsonObject("properties").has(extra)) {
                            args.remove(extra);
                        }
                    }
                    ToolException e = assertThrows(ToolException.class, () -> Args.check(schema, args), name + "=" + hostile);
                    assertTrue(e.getMessage().contains("\"" + name + "\" must match"), e.getMessage());
                }
                checked++;
            }
        }
        assertEquals(8, checked, "role_name and issuer_name arguments in the manifest");
    }
}
