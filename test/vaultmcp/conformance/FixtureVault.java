package vaultmcp.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The little of Vault the fixture server needs, on 127.0.0.1 and a port chosen at run time: response
 * wrapping ({@code sys/wrapping/wrap}, {@code sys/wrapping/unwrap}), which the stateless era's approvals
 * use as their single-use ticket, writes to the caller's {@code cubbyhole/} (the fixture tools' one
 * write), and {@code auth/token/lookup-self}, with which the server checks a caller's token. Statuses and bodies are those of a Vault 1.21 dev server (captured with curl): 200 with
 * {@code wrap_info}, 400 "endpoint requires response wrapping to be used" without X-Vault-Wrap-TTL, 400
 * "wrapping token is not valid or does not exist" for a token unwrapped before or never issued, 403 for an
 * unknown token, 204 for a cubbyhole write. One token is valid; any other request gets 404.
 */
final class FixtureVault implements AutoCloseable {
    private static final String DENIED = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

    private final String token;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fixture-vault");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();
    /** Wrapping token -> what it wraps, until it is unwrapped or expires. */
    private final Map<String, Wrapped> wrapped = new ConcurrentHashMap<>();

    private record Wrapped(JsonObject data, Instant expires) {}

    FixtureVault(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(pool);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath().substring("/v1/".length());
            String caller = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            boolean post = exchange.getRequestMethod().equals("POST") || exchange.getRequestMethod().equals("PUT");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (post && path.equals("sys/wrapping/unwrap")) {
                Wrapped w = caller == null ? null : wrapped.remove(caller);
                if (w == null || Instant.now().isAfter(w.expires())) {
                    send(exchange, 400, errors("wrapping token is not valid or does not exist"));
                } else {
                    send(exchange, 200, envelope(w.data(), JsonNull.INSTANCE, "system"));
                }
            } else if (!token.equals(caller)) {
                send(exchange, 403, errors(DENIED));
            } else if (path.equals("auth/token/lookup-self")) {
                JsonObject self = new JsonObject(); // the server checks the caller's token at initialize
                self.add("policies", JsonParser.parseString("[\"root\"]"));
                send(exchange, 200, envelope(self, JsonNull.INSTANCE, "token"));
            } else if (post && path.equals("sys/wrapping/wrap")) {
                wrap(exchange, body);
            } else if (post && path.startsWith("cubbyhole/") && path.length() > "cubbyhole/".length()) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(204, -1);
            } else {
                send(exchange, 404, errors("no handler for route \"" + path + "\". route entry not found."));
            }
        }
    }

    private void wrap(HttpExchange exchange, byte[] body) throws IOException {
        String ttl = exchange.getRequestHeaders().getFirst("X-Vault-Wrap-TTL");
        if (ttl == null || !ttl.matches("\\d{1,6}s")) {
            send(exchange, 400, errors("endpoint requires response wrapping to be used"));
            return;
        }
        long seconds = Long.parseLong(ttl.substring(0, ttl.length() - 1));
        JsonObject data = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        String wrappingToken = "hvs." + HexFormat.of().formatHex(bytes(24));
        wrapped.put(wrappingToken, new Wrapped(data, Instant.now().plusSeconds(seconds)));
        JsonObject info = new JsonObject();
        info.addProperty("token", wrappingToken);
        info.addProperty("accessor", HexFormat.of().formatHex(bytes(12)));
        info.addProperty("ttl", seconds);
        info.addProperty("creation_time", Instant.now().toString());
        info.addProperty("creation_path", "sys/wrapping/wrap");
        send(exchange, 200, envelope(JsonNull.INSTANCE, info, ""));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static JsonObject envelope(JsonElement data, JsonElement wrapInfo, String mountType) {
        JsonObject o = new JsonObject();
        o.addProperty("request_id", "");
        o.addProperty("lease_id", "");
        o.addProperty("renewable", false);
        o.addProperty("lease_duration", 0);
        o.add("data", data);
        o.add("wrap_info", wrapInfo);
        o.add("warnings", JsonNull.INSTANCE);
        o.add("auth", JsonNull.INSTANCE);
        o.addProperty("mount_type", mountType);
        return o;
    }

    private static JsonObject errors(String message) {
        JsonArray list = new JsonArray();
        list.add(message);
        JsonObject o = new JsonObject();
        o.add("errors", list);
        return o;
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
