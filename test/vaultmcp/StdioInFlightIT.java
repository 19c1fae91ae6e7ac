package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;

/** Tool calls run beside the reader on stdio: each is answered exactly once, however fast or slow. */
class StdioInFlightIT {

    @Test
    void answersEveryToolCallEvenThoseThatFinishAtOnce() throws Exception {
        try (FakeVault vault = new FakeVault(); McpProcess mcp = McpProcess.initialized(McpProcess.env(vault.address(), vault.rootToken()))) {
            // Invalid arguments fail without calling Vault, so a worker may finish before the
            // reader has registered its call; each must still be answered, once.
            int calls = 200;
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < calls; i++) {
                burst.append("{\"jsonrpc\":\"2.0\",\"id\":\"fast-").append(i)
                        .append("\",\"method\":\"tools/call\",\"params\":{\"name\":\"list_mounts\",\"arguments\":{\"x\":1}}}\n");
            }
            mcp.sendBytes(burst.toString().getBytes(StandardCharsets.UTF_8));
            Set<String> answered = new HashSet<>();
            while (answered.size() < calls) {
                JsonObject m = mcp.nextMessage();
                if (m.has("id")) {
                    assertTrue(answered.add(m.get("id").getAsString()), () -> "answered twice: " + m);
                    assertTrue(m.getAsJsonObject("result").get("isError").getAsBoolean());
                }
            }
            mcp.assertServing();
            assertEquals(calls, answered.size());
        }
    }
}
