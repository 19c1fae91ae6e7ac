package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vaultmcp.config.Authority;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.json.StrictJson;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.mcp.Session;
import vaultmcp.security.RateLimited;
import vaultmcp.security.RateLimiter;
import vaultmcp.vault.VaultClient;

/**
 * Pins exactly what the model sees: the {@code tools/list} answer of the bundled manifest, read-only
 * ({@code tools-list.golden.json}) and with operations enabled ({@code tools-list-operations.golden.json}),
 * so every change to a name, description or schema is a reviewable diff. The files must exist; a
 * missing one fails, never skips. The files keep the server's member order, so the digest clients
 * pin ({@code --print-tools-digest}) is checked against them too.
 *
 * <p>After a deliberate change to {@code tools.json} or the handlers, regenerate both files from the
 * repository root, review {@code git diff test/vaultmcp/tools}, then run {@code make unit} again:
 * <pre>
 * make build/test-classes.stamp &amp;&amp; java -Dvaultmcp.updateGolden=true \
 *   -jar lib/junit-platform-console-standalone-6.0.3.jar execute \
 *   --class-path build/test-classes:build/classes:lib/gson-2.13.2.jar \
 *   --select-class vaultmcp.tools.ToolsListGoldenTest
 * </pre>
 * (in that mode the test rewrites the files and then fails on purpose, so it never passes by
 * accident with the flag left on).
 */
class ToolsListGoldenTest {
    private static final Path SOURCE_DIR = Path.of("test", "vaultmcp", "tools");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tools-list.golden.json,false", "tools-list-operations.golden.json,true"})
    void matchesTheGoldenFile(String file, boolean operations) throws Exception {
        ToolTable table = new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), operations);
        JsonObject answer = toolsList(table, operations);
        if (Boolean.getBoolean("vaultmcp.updateGolden")) {
            if (!Files.isDirectory(SOURCE_DIR)) {
                fail("run from the repository root: " + SOURCE_DIR + " not found");
            }
            Files.writeString(SOURCE_DIR.resolve(file), pretty(answer) + "\n", StandardCharsets.UTF_8);
            fail("rewrote " + SOURCE_DIR.resolve(file) + "; review the diff, then run again without -Dvaultmcp.updateGolden");
        }
        JsonObject golden = golden(file);
        assertEquals(pretty(canonical(golden)), pretty(canonical(answer)),
                file + " differs from the tools/list answer; see the class comment to regenerate it");
        assertEquals(sha256(StrictJson.write(golden)), table.digest(),
                "the pinned digest (member order included) differs from " + file);
    }

    /** The tools/list answer as a client gets it, through the MCP server with production settings. */
    private static JsonObject toolsList(ToolTable table, boolean operations) throws JsonRpc.Failure, RateLimited {
        Log quiet = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "error");
        RateLimiter limiter = new RateLimiter(new Rate(1000, 1000), new Rate(1000, 1000), new Rate(1000, 1000), () -> 0L);
        VaultClient unused = new VaultClient(URI.create("http://127.0.0.1:1"), null, Duration.ofSeconds(1), null);
        McpServer server = new McpServer(table, unused, quiet, "0", Limits.TOOLS_PAGE_SIZE, operations,
                Authority.none(), Limits.STDIO_WORKERS, null, null);
        Session session = new Session("golden", new Secret("unused"), limiter.budget(null, false));
        JsonRpc codec = new JsonRpc(Limits.MAX_MESSAGE_BYTES, Limits.MAX_JSON_DEPTH);
        server.handle(codec.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"}}"
                .getBytes(StandardCharsets.UTF_8)),
                session, n -> { });
        JsonObject response = server.handle(codec.parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8)), session, n -> { });
        JsonObject result = response.getAsJsonObject("result");
        assertNotNull(result, response.toString());
        assertFalse(result.has("nextCursor"), "the whole tool set fits one page");
        return result;
    }

    private static JsonObject golden(String file) throws Exception {
        try (InputStream in = ToolsListGoldenTest.class.getResourceAsStream(file)) {
            if (in == null) {
                fail("missing golden file " + SOURCE_DIR.resolve(file) + "; create it as the class comment says");
            }
            return new StrictJson(Limits.MAX_JSON_DEPTH).parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new AssertionError(file, e);
        }
    }

    /** The same tree with object members sorted by name, so the comparison ignores member order. */
    private static JsonElement canonical(JsonElement e) {
        if (e.isJsonObject()) {
            Map<String, JsonElement> sorted = new TreeMap<>(e.getAsJsonObject().asMap());
            JsonObject out = new JsonObject();
            sorted.forEach((k, v) -> out.add(k, canonical(v)));
            return out;
        }
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            e.getAsJsonArray().forEach(v -> out.add(canonical(v)));
            return out;
        }
        return e;
    }

    private static String pretty(JsonElement e) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(e);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
