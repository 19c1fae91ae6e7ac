package vaultmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Secret;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.ToolResult;
import vaultmcp.tools.ToolTable;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.RecordedRequest;
import vaultmcp.vault.VaultClient;

/** A well-formed W3C traceparent in a stateless request's _meta reaches Vault as a header; others are dropped. */
class TraceparentTest {
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static String lastTraceparent(String traceparent) throws Exception {
        try (FakeVault fake = new FakeVault()) {
            JsonArray manifest = new JsonArray();
            manifest.add(JsonParser.parseString("{\"name\":\"mounts\",\"title\":\"Mounts\",\"description\":\"Lists\","
                    + "\"toolset\":\"sys\",\"privileged\":false,\"vault\":{\"mounts\":{},\"requests\":[\"GET sys/mounts\"]},"
                    + "\"annotations\":{\"readOnlyHint\":true},\"inputSchema\":{\"type\":\"object\",\"properties\":{},"
                    + "\"additionalProperties\":false}}"));
            ToolTable table = new ToolTable(manifest, Map.of("mounts",
                    (args, vault) -> ToolResult.json(vault.send("GET sys/mounts").data())), false);
            VaultClient client = new VaultClient(URI.create(fake.address()), null, Duration.ofSeconds(5), null);
            Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "error");
            McpServer server = new McpServer(table, client, log, "1", 50, false, Authority.none(), 4, null, null);
            RateLimiter limiter = new RateLimiter(new Rate(1000, 1000), new Rate(1000, 1000), new Rate(1000, 1000), () -> 0L);
            Session session = new Session("stdio", new Secret(fake.rootToken()), limiter.budget(null, false));
            String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":{},\"traceparent\":\"" + traceparent + "\"}";
            String text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"mounts\","
                    + "\"arguments\":{}," + meta + "}}";
            var response = server.handle(new JsonRpc(100_000, 64).parse(text.getBytes(StandardCharsets.UTF_8)),
                    session, new ArrayList<>()::add);
            assertFalse(response.getAsJsonObject("result").get("isError").getAsBoolean(), response.toString());
            RecordedRequest last = fake.requests().get(fake.requests().size() - 1);
            assertEquals("/v1/sys/mounts", last.rawPath());
            return last.header("traceparent");
        }
    }

    @Test
    void aWellFormedTraceparentIsSentToVault() throws Exception {
        assertEquals(TRACE, lastTraceparent(TRACE));
    }

    @Test
    void aMalformedOneIsDropped() throws Exception {
        assertNull(lastTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
    }
}
