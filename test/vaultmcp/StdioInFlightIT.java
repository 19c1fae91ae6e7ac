package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

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

    @Test
    void aCancelledCallIsNeverAnsweredAndOthersAre() throws Exception {
        try (FakeVault vault = new FakeVault(); McpProcess mcp = McpProcess.initialized(McpProcess.env(vault.address(), vault.rootToken()))) {
            vault.inject(Fault.slow(Duration.ofSeconds(2)).on("sys/mounts"));
            mcp.send("{\"jsonrpc\":\"2.0\",\"id\":\"doomed\",\"method\":\"tools/call\",\"params\":{\"name\":\"list_mounts\",\"arguments\":{}}}");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (vault.requests().stream().noneMatch(r -> r.path().equals("/v1/sys/mounts")) && System.nanoTime() < deadline) {
                Thread.sleep(10); // until the doomed call is inside Vault
            }
            mcp.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"doomed\",\"reason\":\"test\"}}");
            mcp.send("{\"jsonrpc\":\"2.0\",\"id\":\"kept\",\"method\":\"tools/call\",\"params\":{\"name\":\"list_pki_roles\",\"arguments\":{}}}");
            mcp.closeStdin();
            // End of input waits for in-flight calls, so once the process is gone every answer it would give is out.
            assertEquals(0, mcp.waitForExit());
            List<String> ids = new ArrayList<>();
            for (String line : mcp.stdoutLines()) {
                JsonObject m = JsonParser.parseString(line).getAsJsonObject();
                if (m.has("id")) {
                    ids.add(m.get("id").toString());
                }
            }
            assertTrue(ids.contains("\"kept\""), ids::toString);
            assertFalse(ids.contains("\"doomed\""), ids::toString);
            assertTrue(vault.requests().stream().anyMatch(r -> r.path().equals("/v1/sys/mounts")), "the doomed call had started");
        }
    }

    @Test
    void refusesASecondCallWithTheIdOfOneStillInProgressAndAnswersTheFirst() throws Exception {
        try (FakeVault vault = new FakeVault(); McpProcess mcp = McpProcess.initialized(McpProcess.env(vault.address(), vault.rootToken()))) {
            vault.inject(Fault.slow(Duration.ofMillis(800)).on("sys/mounts"));
            String call = "{\"jsonrpc\":\"2.0\",\"id\":\"twice\",\"method\":\"tools/call\",\"params\":{\"name\":\"list_mounts\",\"arguments\":{}}}";
            mcp.send(call);
            mcp.send(call);
            mcp.closeStdin();
            assertEquals(0, mcp.waitForExit());
            List<JsonObject> answers = new ArrayList<>();
            for (String line : mcp.stdoutLines()) {
                JsonObject m = JsonParser.parseString(line).getAsJsonObject();
                if (m.has("id") && "\"twice\"".equals(m.get("id").toString())) {
                    answers.add(m);
                }
            }
            assertEquals(2, answers.size(), answers::toString);
            assertTrue(answers.stream().anyMatch(a -> a.has("error") && a.getAsJsonObject("error").get("code").getAsInt() == -32600), answers::toString);
            assertTrue(answers.stream().anyMatch(a -> a.has("result")), "the first call is still answered: " + answers);
        }
    }
}
