package vaultmcp.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import vaultmcp.config.Authority;
import vaultmcp.config.Config;
import vaultmcp.config.ConfigException;
import vaultmcp.config.Limits;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.Selection;
import vaultmcp.tools.ToolException;
import vaultmcp.tools.ToolHandler;
import vaultmcp.tools.ToolResult;
import vaultmcp.tools.ToolTable;
import vaultmcp.transport.HttpTransport;
import vaultmcp.vault.VaultClient;

/**
 * The conformance suite's fixture server (test code, never in the jar): the product's protocol core and
 * HTTP transport, wired as {@code Main} wires them, serving the small manifest {@code fixture-tools.json}
 * instead of the Vault tools, so the suite's scenarios that call its named fixture tools score what the
 * product really does. Each fixture is a production mechanism, not an imitation: a text answer, a
 * failure on the isError channel, the server's own log notifications (sent only at the level a request
 * asked for), and, for every tool that writes, the operator's approval with {@code MCP_APPROVAL=require}
 * (an elicitation in 2025-11-25, an InputRequiredResult with a sealed single-use requestState in
 * 2026-07-28, -32021 when the client cannot be asked). The one write goes to {@link FixtureVault}, which
 * also issues and redeems the approvals' wrapping tickets; {@link CredentialFront} adds the caller's
 * Vault token the suite cannot send. Prints {@code INFO listening on URL} on stderr, as the jar does, and
 * serves until it is stopped (SIGTERM).
 */
public final class FixtureServer implements AutoCloseable {
    private final FixtureVault vault;
    private final HttpTransport http;
    private final CredentialFront front;
    private final URI url;

    private FixtureServer(Map<String, String> overrides, PrintStream err) throws IOException, ConfigException {
        String token = "hvs.fixture-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        this.vault = new FixtureVault(token);
        Map<String, String> env = new HashMap<>(Map.of("TRANSPORT_MODE", "http", "TRANSPORT_HOST", "127.0.0.1",
                "TRANSPORT_PORT", "0", "VAULT_ADDR", vault.url().toString(), "ENABLE_VAULT_OPERATIONS", "true",
                "MCP_APPROVAL", "require", "MCP_RATE_LIMIT_GLOBAL", "1000:1000",
                "MCP_RATE_LIMIT_SESSION", "1000:1000", "MCP_RATE_LIMIT_CREDENTIAL", "1000:1000",
                "MCP_MAX_SESSIONS_PER_CREDENTIAL", "1000"));
        env.putAll(overrides);
        Config config = Config.parse(env, new String[0]);
        Log log = new Log(err, config.logLevel());
        Authority authority = config.authority();
        Selection selection = new Selection(config.enableOperations(), authority.toolsets(), authority.tools(),
                authority.prefix(), authority.paths(), authority.values(), authority.wrapTtl());
        ToolTable tools = ToolTable.select(manifest(), handlers(), selection);
        VaultClient client = new VaultClient(config.vaultAddr(), config.vaultNamespace(), config.vaultTimeout(), null);
        RateLimiter limiter = new RateLimiter(config.globalRate(), config.sessionRate(), config.credentialRate(), System::nanoTime);
        McpServer server = new McpServer(tools, client, log, "fixture", Limits.TOOLS_PAGE_SIZE,
                config.enableOperations(), authority, Limits.HTTP_WORKERS, null, null);
        JsonRpc codec = new JsonRpc(Limits.MAX_MESSAGE_BYTES, Limits.MAX_JSON_DEPTH);
        this.http = new HttpTransport(config, config.vaultToken(), server, codec, limiter, client, null, log);
        URI transport = http.start();
        this.front = new CredentialFront(transport.getPort(), token);
        this.url = URI.create("http://127.0.0.1:" + front.port() + config.endpoint());
        log.info("fixture server: tools=" + tools.size() + " approval=" + authority.approval() + " transport="
                + transport + " vault=" + vault.url());
        log.info("listening on " + url);
    }

    /** Starts a fixture server; {@code overrides} adds to or replaces its environment. */
    static FixtureServer start(Map<String, String> overrides, PrintStream err) throws IOException, ConfigException {
        return new FixtureServer(overrides, err);
    }

    public static void main(String[] args) throws Exception {
        FixtureServer fixture = start(Map.of(), System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(fixture::close));
        fixture.http.awaitStop();
    }

    /** The MCP endpoint, through the credential front. */
    URI url() {
        return url;
    }

    static JsonArray manifest() {
        try (InputStream in = FixtureServer.class.getResourceAsStream("fixture-tools.json")) {
            if (in == null) {
                throw new IllegalStateException("fixture-tools.json is missing from the test classes");
            }
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonArray("tools");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture-tools.json", e);
        }
    }

    /** The fixture tools' handlers, by manifest name. */
    static Map<String, ToolHandler> handlers() {
        Map<String, ToolHandler> handlers = new HashMap<>();
        handlers.put("test_simple_text", (args, vault) -> text("This is a simple text response for testing."));
        handlers.put("test_error_handling", (args, vault) -> {
            throw new ToolException("This tool intentionally returns an error for testing");
        });
        ToolHandler logs = (args, vault) -> text("Done; the server logged this call at debug level, if asked to.");
        handlers.put("test_logging_tool", logs);
        handlers.put("test_tool_with_logging", logs);
        ToolHandler write = (args, vault) -> {
            JsonObject body = new JsonObject();
            body.addProperty("message", args.string("message") == null ? "conformance" : args.string("message"));
            vault.send("POST cubbyhole/conformance", body);
            JsonObject written = new JsonObject();
            written.addProperty("written", "cubbyhole/conformance");
            return ToolResult.json(written);
        };
        for (String name : new String[] {"test_elicitation", "test_missing_capability", "test_streaming_elicitation",
                "test_input_required_result_elicitation", "test_input_required_result_request_state",
                "test_input_required_result_multi_round", "test_input_required_result_tampered_state",
                "test_input_required_result_capabilities"}) {
            handlers.put(name, write);
        }
        return handlers;
    }

    private static ToolResult text(String text) {
        JsonObject block = new JsonObject();
        block.addProperty("type", "text");
        block.addProperty("text", text);
        JsonArray content = new JsonArray();
        content.add(block);
        return new ToolResult(content, null, false);
    }

    @Override
    public void close() {
        try {
            front.close();
        } catch (IOException e) {
            // closing anyway
        }
        http.close();
        vault.close();
    }
}
