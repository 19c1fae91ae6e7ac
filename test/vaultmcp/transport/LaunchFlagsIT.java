package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;

/**
 * The JVM flags of the README's client snippets (heap, collector, compiler) against the worst the
 * server lets in: every HTTP worker holding a Vault answer of the largest accepted size at once.
 * The server must answer all of them and go on serving.
 */
class LaunchFlagsIT {
    private static final Pattern ARGS = Pattern.compile("\"args\": (\\[[^\\]]*])");
    private static final String TOKEN = "hvs.launch-flags-test";

    /** The flags before {@code -jar} in a client snippet's {@code "args"}; every snippet must have the same. */
    static List<String> readmeFlags() throws IOException {
        Matcher m = ARGS.matcher(Files.readString(Path.of("README.md")));
        List<List<String>> all = new ArrayList<>();
        while (m.find()) {
            List<String> flags = new ArrayList<>();
            for (JsonElement arg : JsonParser.parseString(m.group(1)).getAsJsonArray()) {
                if (arg.getAsString().equals("-jar")) {
                    break;
                }
                flags.add(arg.getAsString());
            }
            all.add(flags);
        }
        assertTrue(all.size() >= 2, "the README's client snippets");
        all.forEach(flags -> assertEquals(all.get(0), flags, "every client snippet has the same launch flags"));
        return all.get(0);
    }

    @Test
    void theReadmeLaunchFlagsBoundTheHeapAndChooseTheCollector() throws IOException {
        List<String> flags = readmeFlags();
        assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags::toString);
        assertTrue(flags.stream().anyMatch(f -> f.startsWith("-XX:+Use") && f.endsWith("GC")), flags::toString);
    }

    @Test
    void theReadmeLaunchFlagsSurviveSixteenConcurrentMaximumSizeVaultAnswers() throws Exception {
        String head = "{\"data\":{\"v\":\"";
        String tail = "\"}}";
        byte[] big = (head + "a".repeat(Limits.MAX_VAULT_RESPONSE_BYTES - head.length() - tail.length()) + tail)
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(Limits.MAX_VAULT_RESPONSE_BYTES, big.length);
        HttpServer vault = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService vaultThreads = Executors.newFixedThreadPool(Limits.HTTP_WORKERS + 2);
        vault.setExecutor(vaultThreads);
        vault.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                answer(exchange, path.equals("/v1/big/x") ? big : (path.equals("/v1/sys/internal/ui/mounts/big")
                        ? "{\"data\":{\"type\":\"kv\",\"path\":\"big/\",\"options\":{\"version\":\"1\"}}}"
                        : "{\"data\":{\"policies\":[\"default\"]}}").getBytes(StandardCharsets.UTF_8)); // lookup-self
            }
        });
        vault.start();
        ExecutorService callers = Executors.newFixedThreadPool(Limits.HTTP_WORKERS);
        Map<String, String> env = Map.of("VAULT_ADDR", "http://127.0.0.1:" + vault.getAddress().getPort(),
                "MCP_RATE_LIMIT_GLOBAL", "1000:1000", "MCP_RATE_LIMIT_SESSION", "1000:1000",
                "MCP_RATE_LIMIT_CREDENTIAL", "1000:1000", "MCP_MAX_SESSIONS_PER_CREDENTIAL", "100");
        try (ServerProcess server = ServerProcess.start(env, readmeFlags().toArray(new String[0]))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < Limits.HTTP_WORKERS; i++) {
                sessions.add(initialize(client, server.url));
            }
            List<Future<JsonObject>> calls = new ArrayList<>();
            for (String session : sessions) {
                Callable<JsonObject> call = () -> post(client, server.url, session, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"method\":\"tools/call\",\"params\":{\"name\":\"read_secret\",\"arguments\":"
                        + "{\"mount\":\"big\",\"path\":\"x\"}}}");
                calls.add(callers.submit(call));
            }
            for (Future<JsonObject> call : calls) {
                JsonObject result = call.get().getAsJsonObject("result");
                assertFalse(result.has("isError") && result.get("isError").getAsBoolean(), result::toString);
                assertEquals(big.length - head.length() - tail.length(), result.getAsJsonObject("structuredContent")
                        .getAsJsonObject("data").get("v").getAsString().length());
            }
            JsonObject after = post(client, server.url, sessions.get(0), "{\"jsonrpc\":\"2.0\",\"id\":2,"
                    + "\"method\":\"tools/list\"}");
            assertTrue(after.getAsJsonObject("result").getAsJsonArray("tools").size() > 0, "still serving");
            assertTrue(server.process.isAlive());
            assertFalse(server.stderr().contains("OutOfMemoryError"), server::stderr);
        } finally {
            callers.shutdownNow();
            vault.stop(0);
            vaultThreads.shutdownNow();
        }
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String initialize(HttpClient client, URI url) throws Exception {
        HttpResponse<String> r = client.send(request(url, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
                + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        client.send(request(url, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.discarding());
        return session;
    }

    private static JsonObject post(HttpClient client, URI url, String session, String body) throws Exception {
        HttpResponse<String> r = client.send(request(url, session, body), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), () -> r.body().substring(0, Math.min(500, r.body().length())));
        String text = r.body().startsWith("event:") ? r.body().lines().filter(l -> l.startsWith("data: "))
                .reduce((a, b) -> b).orElseThrow().substring(6) : r.body();
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static HttpRequest request(URI url, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("X-Vault-Token", TOKEN).POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return b.build();
    }
}
