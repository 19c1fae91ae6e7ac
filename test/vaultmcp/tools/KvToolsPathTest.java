package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Secret;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultClient;

/** The KV tools refuse a hostile path before they send Vault anything, not even the KV version lookup. */
class KvToolsPathTest {

    private static ToolException call(String tool, String arguments, Vault vault) {
        Map<String, ToolHandler> handlers = new HashMap<>();
        new KvTools(new KvMounts(System::nanoTime)).register(handlers);
        JsonObject schema = JsonParser.parseString("""
                {"type":"object","properties":{"mount":{"type":"string","description":"m"},
                 "path":{"type":"string","description":"p","default":""}},"additionalProperties":false}""").getAsJsonObject();
        return assertThrows(ToolException.class, () ->
                handlers.get(tool).call(Args.check(schema, JsonParser.parseString(arguments).getAsJsonObject()), vault));
    }

    @Test
    void listSecretsRefusesAHostilePathBeforeAskingVaultAnything() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            Vault vault = new Vault(new VaultClient(URI.create(fake.address()), null, Duration.ofSeconds(5), null),
                    new Secret(fake.rootToken()));
            for (String path : new String[] {"../../sys", "a//b", "./x", "a\\u0000b"}) {
                ToolException e = call("list_secrets", "{\"mount\":\"secret\",\"path\":\"" + path + "\"}", vault);
                assertTrue(e.getMessage().startsWith("Invalid arguments: \"path\""), e.getMessage());
            }
            ToolException read = call("read_secret", "{\"mount\":\"secret\",\"path\":\"../sys/policy/root\"}", vault);
            assertTrue(read.getMessage().contains("may not leave their mount"), read.getMessage());
            assertEquals(List.of(), fake.requests());
        }
    }
}
