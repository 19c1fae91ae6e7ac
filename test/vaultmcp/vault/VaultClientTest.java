package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;

/** The Vault client against a tiny loopback HTTP server that records what it receives. */
class VaultClientTest {
    private static final String TOKEN = "hvs.CLIENT-TEST-TOKEN";
    private static final Secret SECRET = new Secret(TOKEN);

    /** What one test server saw of one request. */
    record Seen(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            return values == null ? null : String.join(",", values);
        }
    }

    /** How the test server answers. */
    @FunctionalInterface
    interface Answer {
        void answer(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stopServers() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
        pool.shutdownNow();
    }

    private HttpServer server(List<Seen> seen, Answer answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body));
                answer.answer(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (size cap, timeout): nothing to answer
            }
        });
        server.setExecutor(pool);
        server.start();
        servers.add(server);
        return server;
    }

    private static URI address(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static Answer json(int status, String body) {
        return exchange -> send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static VaultClient client(URI address, String namespace, Duration timeout) {
        return new VaultClient(address, namespace, timeout, null);
    }

    @Test
    void sendsTheTokenTheNamespaceAndTheVaultRequestHeader() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = server(seen, json(200, "{\"data\":{\"k\":\"v\"}}"));
        VaultResponse r = client(address(server), "team/a", Duration.ofSeconds(5))
                .send(SECRET, "GET", VaultPath.of("secret", "data").append("my app/x"), null, null, null, false);
        assertEquals(200, r.status());
        assertEquals("v", r.data().get("k").getAsString());
        Seen s = seen.get(0);
        assertEquals("GET", s.method());
        assertEquals("/v1/secret/data/my%20app/x", s.rawPath());
        assertNull(s.rawQuery());
        assertEquals(TOKEN, s.header("X-Vault-Token"));
        assertEquals("true", s.header("X-Vault-Request"));
        assertEquals("team/a", s.header("X-Vault-Namespace"));
        assertEquals("application/json", s.header("Accept"));
        assertNull(s.header("Content-Type"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-"})
    void sendsNoNamespaceHeaderWhenNoneIsConfigured(String namespace) throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = server(seen, json(200, "{}"));
        client(address(server), namespace.equals("-") ? null : namespace, Duration.ofSeconds(5))
                .send(SECRET, "GET", VaultPath.of("sys", "mounts"), null, null, null, false);
        assertFalse(seen.get(0).headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("X-Vault-Namespace")));
        assertEquals(TOKEN, seen.get(0).header("X-Vault-Token"));
    }

    @Test
    void buildsItsHttpClientAtTheFirstRequestNotBefore() throws Exception {
        HttpServer server = server(new CopyOnWriteArrayList<>(), json(200, "{}"));
        VaultClient client = client(address(server), null, Duration.ofSeconds(5));
        assertFalse(client.started(), "start-up must not pay for the HTTP client");
        client.send(SECRET, "GET", VaultPath.of("sys", "health"), null, null, null, false);
        assertTrue(client.started());
    }

    @Test
    void sendsNoTokenHeaderWithoutAToken() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = server(seen, json(200, "{}"));
        client(address(server), null, Duration.ofSeconds(5)).send(null, "GET", VaultPath.of("sys", "health"), null, null, null, false);
        assertNull(seen.get(0).header("X-Vault-Token"));
        assertEquals("true", seen.get(0).header("X-Vault-Request"));
    }

    @Test
    void listsWithTheListQueryAndReadsWithAVersionQuery() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = server(seen, json(200, "{\"data\":{\"keys\":[\"a\"]}}"));
        Vault vault = new Vault(client(address(server), null, Duration.ofSeconds(5)), SECRET);
        vault.send("GET", VaultPath.of("secret", "metadata"), "list=true", null, null, false);
        vault.send("GET", VaultPath.of("secret", "data", "x"), "version=2", null, null, false);
        vault.send("GET", VaultPath.of("secret", "data", "x"), null, null, null, false);
        assertEquals("GET", seen.get(0).method());
        assertEquals("/v1/secret/metadata", seen.get(0).rawPath());
        assertEquals("list=true", seen.get(0).rawQuery());
        assertEquals("version=2", seen.get(1).rawQuery());
        assertNull(seen.get(2).rawQuery());
    }

    @Test
    void postsJsonAndDeletes() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = server(seen, json(204, ""));
        Vault vault = new Vault(client(address(server), null, Duration.ofSeconds(5)), SECRET);
        JsonObject body = new JsonObject();
        body.addProperty("type", "kv<&>");
        VaultResponse posted = vault.send("POST", VaultPath.of("sys", "mounts", "kv2"), null, body, null, false);
        assertEquals(204, posted.status());
        assertNull(posted.body());
        vault.send("DELETE", VaultPath.of("sys", "mounts", "kv2"), null, null, null, false);
        assertEquals("POST", seen.get(0).method());
        assertEquals("application/json", seen.get(0).header("Content-Type"));
        assertEquals("{\"type\":\"kv<&>\"}", seen.get(0).body());
        assertEquals("DELETE", seen.get(1).method());
        assertEquals("", seen.get(1).body());
    }

    @Test
    void keepsAPathPrefixOfTheAddress() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = server(seen, json(200, "{}"));
        client(URI.create(address(server) + "/vault"), null, Duration.ofSeconds(5)).send(SECRET, "GET", VaultPath.of("sys", "mounts"), null, null, null, false);
        assertEquals("/vault/v1/sys/mounts", seen.get(0).rawPath());
    }

    @Test
    void returnsErrorAnswersWithVaultsErrorsQuotedInTheFailure() throws Exception {
        HttpServer server = server(new CopyOnWriteArrayList<>(), json(403, "{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}"));
        VaultResponse r = client(address(server), null, Duration.ofSeconds(5)).send(SECRET, "GET", VaultPath.of("sys", "mounts"), null, null, null, false);
        assertEquals(403, r.status());
        assertEquals(List.of("permission denied"), r.errors());
        assertEquals("Vault answered 403 for GET sys/mounts: \"permission denied\"", r.failure().getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void neverFollowsARedirectSoTheTokenStaysHome(int status) throws Exception {
        List<Seen> elsewhere = new CopyOnWriteArrayList<>();
        HttpServer other = server(elsewhere, json(200, "{\"data\":{}}"));
        HttpServer server = server(new CopyOnWriteArrayList<>(), exchange -> {
            exchange.getResponseHeaders().set("Location", address(other) + "/v1/secret/data/x");
            send(exchange, status, new byte[0]);
        });
        VaultClient client = client(address(server), "ns", Duration.ofSeconds(5));
        VaultException e = assertThrows(VaultException.class, () -> client.send(SECRET, "GET", VaultPath.of("secret", "data", "x"), null, null, null, false));
        assertEquals(status, e.status());
        assertEquals("Vault answered " + status + " (a redirect) for GET secret/data/x; redirects are not followed. Check VAULT_ADDR.", e.getMessage());
        assertEquals(List.of(), elsewhere, "the other server got no request, so never the token");
    }

    @Test
    void acceptsAnAnswerExactlyAtTheSizeCap() throws Exception {
        String head = "{\"data\":{\"x\":\"";
        String tail = "\"}}";
        byte[] body = (head + "a".repeat(Limits.MAX_VAULT_RESPONSE_BYTES - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
        assertEquals(Limits.MAX_VAULT_RESPONSE_BYTES, body.length);
        HttpServer server = server(new CopyOnWriteArrayList<>(), exchange -> send(exchange, 200, body));
        VaultResponse r = client(address(server), null, Duration.ofSeconds(10)).send(SECRET, "GET", VaultPath.of("big"), null, null, null, false);
        assertEquals(body.length - head.length() - tail.length(), r.data().get("x").getAsString().length());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void refusesAnAnswerOverTheSizeCap(boolean chunked) throws Exception {
        byte[] body = new byte[Limits.MAX_VAULT_RESPONSE_BYTES + 1];
        java.util.Arrays.fill(body, (byte) ' ');
        HttpServer server = server(new CopyOnWriteArrayList<>(), exchange -> {
            exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
                if (chunked) {
                    out.write(body);
                }
            }
        });
        VaultClient client = client(address(server), null, Duration.ofSeconds(10));
        VaultException e = assertThrows(VaultException.class, () -> client.send(SECRET, "GET", VaultPath.of("big"), null, null, null, false));
        assertEquals("Vault's answer to GET big is larger than 2 MiB; refused", e.getMessage());
        assertEquals(200, e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>proxy error</html>", "[1,2]", "\"text\"", "{\"a\":1,\"a\":2}", "{\"a\":1} trailing"})
    void refusesABodyThatIsNotAJsonObject(String body) throws Exception {
        HttpServer server = server(new CopyOnWriteArrayList<>(), json(502, body));
        VaultClient client = client(address(server), null, Duration.ofSeconds(5));
        VaultException e = assertThrows(VaultException.class, () -> client.send(SECRET, "GET", VaultPath.of("sys", "mounts"), null, null, null, false));
        assertEquals(502, e.status());
        assertEquals("Vault answered 502 for GET sys/mounts with a body that is not a JSON object; is VAULT_ADDR a Vault server?", e.getMessage());
    }

    @Test
    void givesAnEmptyBodyAsNull() throws Exception {
        HttpServer server = server(new CopyOnWriteArrayList<>(), json(200, "  \n"));
        VaultResponse r = client(address(server), null, Duration.ofSeconds(5)).send(SECRET, "GET", VaultPath.of("x"), null, null, null, false);
        assertNull(r.body());
    }

    @Test
    void givesUpWhenVaultDoesNotAnswerInTime() throws Exception {
        HttpServer server = server(new CopyOnWriteArrayList<>(), exchange -> {
            release.await();
            send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
        });
        VaultClient client = client(address(server), null, Duration.ofMillis(300));
        VaultException e = assertThrows(VaultException.class, () -> client.send(SECRET, "GET", VaultPath.of("slow"), null, null, null, false));
        assertEquals(0, e.status());
        assertEquals("Could not reach Vault at " + address(server) + " for GET slow: no answer within 300ms", e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void givesUpWhenVaultStallsInTheMiddleOfItsAnswer() throws Exception {
        HttpServer server = server(new CopyOnWriteArrayList<>(), exchange -> {
            exchange.sendResponseHeaders(200, 100);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"".getBytes(StandardCharsets.UTF_8));
            out.flush();
            release.await(); // the other 98 bytes never come
        });
        VaultClient client = client(address(server), null, Duration.ofMillis(300));
        // Without a deadline on the body the call would hang until the test ends; fail instead.
        VaultException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThrows(VaultException.class, () -> client.send(SECRET, "GET", VaultPath.of("stall"), null, null, null, false)));
        assertEquals("Could not reach Vault at " + address(server) + " for GET stall: no answer within 300ms", e.getMessage());
    }

    @Test
    void namesTheAddressWhenTheConnectionIsRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI address = URI.create("http://127.0.0.1:" + port);
        VaultClient client = client(address, null, Duration.ofSeconds(5));
        assertEquals(address, client.address());
        VaultException e = assertThrows(VaultException.class, () -> client.send(SECRET, "GET", VaultPath.of("sys", "health"), null, null, null, false));
        assertEquals(0, e.status());
        assertEquals(List.of(), e.errors());
        assertEquals("Could not reach Vault at " + address + " for GET sys/health: connection refused", e.getMessage());
    }
}
