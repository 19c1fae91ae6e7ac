package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import vaultmcp.config.Authority;
import vaultmcp.config.Config;
import vaultmcp.config.ConfigException;
import vaultmcp.config.Limits;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.ToolTable;
import vaultmcp.tools.Tools;
import vaultmcp.vault.VaultClient;

/**
 * The HTTP transport in this JVM, wired as Main wires it, on 127.0.0.1 and a free port, with its
 * log captured; plus request shortcuts. The jdk.httpserver limits are JVM-wide and fixed by the
 * first server a JVM makes, so tests of those limits run the jar instead (HttpLimitsIT).
 */
final class HttpFixture implements AutoCloseable {
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";
    static final String LIST_MOUNTS = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_mounts\"}}";

    final HttpTransport transport;
    final int port;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** Starts a server; {@code env} adds to or overrides TRANSPORT_MODE=http, TRANSPORT_PORT=0 and high rate limits. */
    HttpFixture(Map<String, String> env, LongSupplier limiterClock, SSLContext tls) throws IOException, ConfigException {
        Map<String, String> all = new HashMap<>(Map.of("TRANSPORT_MODE", "http", "TRANSPORT_PORT", "0",
                "MCP_RATE_LIMIT_GLOBAL", "1000:1000", "MCP_RATE_LIMIT_SESSION", "1000:1000",
                "MCP_RATE_LIMIT_CREDENTIAL", "1000:1000", "VAULT_ADDR", "http://127.0.0.1:9"));
        all.putAll(env);
        Config config = Config.parse(all, new String[0]);
        Log logger = new Log(new PrintStream(log, true, StandardCharsets.UTF_8), "debug");
        ToolTable tools = new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), false);
        VaultClient vault = new VaultClient(config.vaultAddr(), config.vaultNamespace(), config.vaultTimeout(), null);
        RateLimiter limiter = new RateLimiter(config.globalRate(), config.sessionRate(), config.credentialRate(), limiterClock);
        McpServer server = new McpServer(tools, vault, logger, "test", Limits.TOOLS_PAGE_SIZE, false,
                Authority.none(), Limits.STDIO_WORKERS, null, null);
        JsonRpc codec = new JsonRpc(Limits.MAX_MESSAGE_BYTES, Limits.MAX_JSON_DEPTH);
        this.transport = new HttpTransport(config, config.vaultToken(), server, codec, limiter, vault, tls, logger);
        this.port = transport.start().getPort();
    }

    HttpFixture(Map<String, String> env) throws IOException, ConfigException {
        this(env, System::nanoTime, null);
    }

    HttpFixture() throws IOException, ConfigException {
        this(Map.of());
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** The headers of a well-formed MCP POST, then {@code extra} ("Name: value"). */
    List<String> headers(String... extra) {
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1:" + port,
                "Accept: application/json, text/event-stream", "Content-Type: application/json"));
        headers.addAll(Arrays.asList(extra));
        return headers;
    }

    RawHttp.Response post(String body, String... extra) throws IOException {
        return RawHttp.send(port, "POST", "/mcp", headers(extra), body);
    }

    RawHttp.Response request(String method, String... headers) throws IOException {
        return RawHttp.send(port, method, "/mcp", List.of(headers), null);
    }

    /** Opens a session with the given extra headers; returns its id. */
    String initialize(String... extra) throws IOException {
        RawHttp.Response r = post(INITIALIZE, extra);
        assertEquals(200, r.status(), r.body());
        String id = r.header("Mcp-Session-Id");
        assertNotNull(id, "initialize must issue a session id");
        return id;
    }

    @Override
    public void close() {
        transport.close();
    }
}
