package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;

/** The KV tools refuse a hostile path before they send Vault anything, not even the KV version lookup. */
class KvToolsPathTest {

    @Test
    void listSecretsRefusesAHostilePathBeforeAskingVaultAnything() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            ToolCalls tools = new ToolCalls(fake);
            for (String path : new String[] {"../../sys", "a//b", "./x", "a\\u0000b"}) {
                String error = tools.error("list_secrets", "{\"mount\":\"secret\",\"path\":\"" + path + "\"}");
                assertTrue(error.startsWith("Invalid arguments: \"path\""), error);
            }
            String read = tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"../sys/policy/root\"}");
            assertTrue(read.contains("may not leave their mount"), read);
            assertEquals(List.of(), fake.requests());
        }
    }
}
