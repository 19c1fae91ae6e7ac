package vaultmcp.vault;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import vaultmcp.vault.Call.Op;

/**
 * A loopback fake of HashiCorp Vault's HTTP API for tests: a dev server's answers (statuses,
 * envelopes, error strings; reference vault-api.md sections 2, 3 and 5) for sys/mounts, sys/auth,
 * sys/internal/ui/mounts, sys/health, sys/seal-status, sys/leader, sys/capabilities-self, tokens, JWT logins
 * and ACL policies, KV v1, KV v2, PKI and transit, plus hooks to seal it, report another node role,
 * make it misbehave ({@link Fault}), record what it received and stop it. Requests run through
 * the same ordered pipeline as a real server (section 1), so the first failing check decides the
 * status. It trusts nothing it receives and binds 127.0.0.1 on a port chosen at run time. Shapes
 * follow Vault 1.21 (KV plugin 0.25 attribution fields), checked against a real dev server with the
 * shared fidelity cases, except that a non-canonical path is refused with 400 as Vault 2.x (and
 * 1.21.5+) does, where 1.21.1 redirects it.
 */
public final class FakeVault implements AutoCloseable {
    public static final String DEFAULT_ROOT_TOKEN = "root";
    /** What sys/unseal accepts (a dev server prints its own unseal key). */
    public static final String UNSEAL_KEY = "fake-unseal-key";
    private static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    private final String rootToken;
    private final HttpServer server;
    private final ExecutorService pool;
    private final FakeAcl acl;
    private final FakeSys sys;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private volatile boolean sealed;
    private volatile Role role = Role.ACTIVE;
    private int policyCount;

    /**
     * What the node says it is in sys/health, sys/seal-status and sys/leader (only there; every
     * other endpoint answers as an active node). ACTIVE is a dev server: active, HA not enabled.
     */
    public enum Role {
        /** Active, HA disabled (a dev server): health 200, sys/leader ha_enabled false. */
        ACTIVE,
        /** Active node of an HA cluster: health 200, sys/leader ha_enabled and is_self true. */
        HA_ACTIVE,
        /** HA standby: health 429 (200 with standbyok), sys/leader names another node. */
        STANDBY,
        /** Performance standby (Enterprise): health 473 (200 with perfstandbyok). */
        PERFORMANCE_STANDBY,
        /** Disaster-recovery secondary (Enterprise): health 472, replication_dr_mode "secondary". */
        DR_SECONDARY,
        /** Not initialized: health 501, initialized false and sealed true. */
        UNINITIALIZED
    }

    public FakeVault() throws IOException {
        this(DEFAULT_ROOT_TOKEN);
    }

    public FakeVault(String rootToken) throws IOException {
        this.rootToken = rootToken;
        this.acl = new FakeAcl(rootToken);
        this.sys = new FakeSys(acl);
        // Without TCP_NODELAY every small answer waits ~40 ms for a delayed ACK (Nagle); the JDK
        // reads this once, when the first HttpServer starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-vault");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}; still answers "connection refused" there after {@link #stop()}. */
    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String rootToken() {
        return rootToken;
    }

    /**
     * A token limited by one new policy written in Vault's HCL subset, e.g.
     * {@code path "secret/data/*" { capabilities = ["read", "list"] }}. The default policy is attached too.
     */
    public synchronized String createToken(String policyHcl) {
        String name = "fake-policy-" + ++policyCount;
        String problem = acl.putPolicy(name, policyHcl);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return acl.createToken(List.of("default", name), "token", Mount.SYSTEM_DEFAULT_TTL).id();
    }

    public void seal() {
        sealed = true;
    }

    public void unseal() {
        sealed = false;
    }

    boolean sealed() {
        return sealed;
    }

    /** Makes sys/health, sys/seal-status and sys/leader report {@code role}; see {@link Role}. */
    public void role(Role role) {
        this.role = role;
    }

    Role role() {
        return role;
    }

    void sealed(boolean value) {
        sealed = value;
    }

    /** Makes the next matching request misbehave; faults queue up in order. */
    public void inject(Fault fault) {
        synchronized (faults) {
            faults.add(fault);
        }
    }

    /** The next request gets {@code status} and {@code body} instead of its real answer. */
    public void failNext(int status, String body) {
        inject(Fault.answer(status, body));
    }

    /** Every request received so far, in order (also those answered by a fault). */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    /** Stops the fake's token clock: TTLs then change only by {@link #advanceClock}, whatever the wall clock does. */
    public void stopClock() {
        acl.stopClock();
    }

    /** Moves the fake's clock forward: tokens age (their TTLs count down, they expire), nothing else changes. */
    public void advanceClock(java.time.Duration by) {
        acl.advance(by.toSeconds());
    }

    /** Stops listening at once: Vault is down; the address now refuses connections. */
    public void stop() {
        server.stop(0);
        pool.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    // ---- test set-up shortcuts: the same requests a test could send over HTTP, run in process

    /** Runs one request through the full pipeline as the root token, in process (not recorded); returns the body. */
    public String call(String method, String path, String jsonBody) {
        Map<String, List<String>> headers = Map.of("x-vault-token", List.of(rootToken));
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        Reply reply = answer(method, URI.create("/v1/" + path), headers, body);
        if (reply.status() >= 400) {
            throw new IllegalStateException(method + " " + path + " -> " + reply.status() + " " + reply.text());
        }
        return reply.text();
    }

    public void enableKv(String path, int version) {
        call("POST", "sys/mounts/" + path, "{\"type\":\"kv\",\"options\":{\"version\":\"" + version + "\"}}");
    }

    public void enable(String path, String type) {
        call("POST", "sys/mounts/" + path, "{\"type\":\"" + type + "\"}");
    }

    /**
     * Enables an auth method ({@code POST sys/auth/<path>}), e.g. {@code enableAuth("userpass", "userpass")}:
     * it shows in sys/auth, sys/mounts/auth/<path>/tune and sys/internal/ui/mounts; its own
     * endpoints (login and so on) answer "unsupported path", but those of jwt ({@link FakeJwt}) and approle
     * ({@link FakeAppRole}).
     */
    public void enableAuth(String path, String type) {
        call("POST", "sys/auth/" + path, "{\"type\":\"" + type + "\"}");
    }

    // ---- the pipeline

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_REQUEST_BYTES + 1);
            }
            URI uri = exchange.getRequestURI();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            String method = exchange.getRequestMethod();
            String decoded = uri.getPath() == null ? "" : uri.getPath();
            requests.add(new RecordedRequest(method, uri.getRawPath(), decoded, uri.getRawQuery(), Map.copyOf(headers),
                    new String(body, StandardCharsets.UTF_8)));
            Fault fault = takeFault(decoded.startsWith("/v1/") ? decoded.substring(4) : decoded);
            if (fault != null && !fault.delay().isZero()) {
                try {
                    Thread.sleep(fault.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Reply reply = fault != null && fault.reply() != null ? fault.reply() : answer(method, uri, headers, body);
            send(exchange, method, reply);
        }
    }

    private Fault takeFault(String path) {
        synchronized (faults) {
            for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
                Fault f = it.next();
                if (path.startsWith(f.pathPrefix())) {
                    it.remove();
                    return f;
                }
            }
            return null;
        }
    }

    private static void send(HttpExchange exchange, String method, Reply reply) throws IOException {
        var h = exchange.getResponseHeaders();
        h.set("Cache-Control", "no-store");
        h.set("Content-Type", reply.contentType());
        reply.headers().forEach(h::set);
        byte[] body = reply.body();
        // Go's net/http sends no body with a 204 or 304 (sys/health?activecode=204).
        boolean empty = body == null || body.length == 0 || method.equals("HEAD") || reply.status() == 204 || reply.status() == 304;
        exchange.sendResponseHeaders(reply.status(), empty ? -1 : body.length);
        if (!empty) {
            exchange.getResponseBody().write(body);
        }
    }

    /** Vault's request pipeline (vault-api.md section 1), in its order. */
    synchronized Reply answer(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        String decoded = uri.getPath() == null ? "" : uri.getPath();
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return new Reply(400, "text/plain; charset=utf-8", null, Map.of());
            }
        }
        String raw = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (nonCanonical(raw)) {
            // Vault 2.x (and 1.21.5+) refuses what older servers redirected to the cleaned path.
            return Reply.errors(400, "non-canonical path");
        }
        if (!raw.startsWith("/v1/")) {
            return Reply.notFound();
        }
        String path = decoded.substring(4);
        Map<String, String> query = query(uri.getRawQuery());
        Reply special = sys.dedicated(this, method, path, query, headers, body);
        if (special != null) {
            return special;
        }
        Op op;
        switch (method) {
            case "GET" -> {
                String list = query.remove("list");
                Boolean listing = list == null ? Boolean.FALSE : parseBool(list);
                if (listing == null) {
                    return Reply.errors(400);
                }
                op = listing ? Op.LIST : Op.READ;
            }
            case "LIST" -> op = Op.LIST;
            case "POST", "PUT" -> op = Op.WRITE;
            case "DELETE" -> op = Op.DELETE;
            case "PATCH" -> {
                // Go's mime.ParseMediaType: the type before any parameters, lower-cased; none is a 400.
                String type = first(headers, "content-type");
                String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
                if (media.isEmpty()) {
                    return Reply.errors(400, "mime: no media type");
                }
                if (!media.equals("application/merge-patch+json")) {
                    return Reply.errors(415, "PATCH requires Content-Type of application/merge-patch+json, provided " + media);
                }
                op = Op.PATCH;
            }
            default -> {
                return Reply.errors(405);
            }
        }
        if (body.length > MAX_REQUEST_BYTES) {
            return Reply.errors(413, "error parsing JSON");
        }
        JsonObject data = new JsonObject();
        if (op == Op.WRITE || op == Op.PATCH) {
            if (body.length > 0) {
                String text = new String(body, StandardCharsets.UTF_8);
                JsonObject parsed = text.strip().equals("null") ? new JsonObject() : parseObject(text);
                if (parsed == null) {
                    return badJson(text);
                }
                data = parsed;
            }
        } else {
            query.forEach(data::addProperty);
        }
        if (op == Op.LIST && !path.endsWith("/")) {
            path = path + "/";
        }
        if (sealed) {
            return Reply.errors(503, "Vault is sealed");
        }
        if ((op == Op.WRITE || op == Op.PATCH) && path.endsWith("/")) {
            return Reply.errors(400, "cannot write to a path ending in '/'");
        }
        Mount mount = sys.route(path);
        String id = tokenOf(headers);
        FakeAcl.Token token = acl.token(id);
        if (id != null && token == null && path.equals("sys/internal/ui/mounts")) {
            // Unauthenticated, but a token that is sent is looked up, and an unknown one refused.
            return Reply.errors(403, Reply.multierror("permission denied", "invalid token"));
        }
        if (!unauthenticated(mount, op, path)) {
            if (id == null) {
                return Reply.errors(403, "permission denied");
            }
            if (token == null) {
                return Reply.errors(403, Reply.multierror("permission denied", "invalid token"));
            }
            acl.use(token);
            if (!acl.allows(token, path, capabilities(op))) {
                return Reply.multi(403, "permission denied");
            }
        }
        if (mount == null) {
            return Reply.errors(404, "no handler for route \"" + path + "\". route entry not found.");
        }
        String inner = path.length() >= mount.path().length() ? path.substring(mount.path().length()) : "";
        return mount.engine().handle(new Call(op, inner, data, mount, token));
    }

    private static String[] capabilities(Op op) {
        return switch (op) {
            case READ -> new String[] {"read"};
            case LIST -> new String[] {"list"};
            case WRITE -> new String[] {"create", "update"};
            case DELETE -> new String[] {"delete"};
            case PATCH -> new String[] {"patch"};
        };
    }

    /** The paths a real server answers without a token (those our tools touch). */
    private static boolean unauthenticated(Mount mount, Op op, String path) {
        if (path.equals("sys/internal/ui/mounts") && op == Op.READ) {
            return true; // answered without a token too; a valid token makes it show more
        }
        if (mount != null && Set.of("jwt", "approle").contains(mount.type()) && op == Op.WRITE) {
            return path.equals(mount.path() + "login"); // a login needs no token
        }
        if (mount == null || !mount.type().equals("pki")) {
            return false;
        }
        String inner = path.substring(Math.min(path.length(), mount.path().length()));
        return op == Op.LIST && inner.equals("issuers/") || op == Op.READ && (inner.startsWith("cert/") || inner.equals("ca/pem"));
    }

    static String tokenOf(Map<String, List<String>> headers) {
        String token = first(headers, "x-vault-token");
        if (token != null && !token.isEmpty()) {
            return token;
        }
        String auth = first(headers, "authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
            return auth.substring(7).strip();
        }
        return null;
    }

    static String first(Map<String, List<String>> headers, String lowerName) {
        List<String> v = headers.get(lowerName);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Go's strconv.ParseBool. */
    static Boolean parseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
            case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * Vault 1.21 answers a body that is not JSON with 500 and Go's decoder message (the text of
     * which we only approximate), and JSON that is not an object with 400.
     */
    private static Reply badJson(String text) {
        JsonElement e;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(reader);
        } catch (RuntimeException | IOException x) {
            boolean open = text.chars().filter(c -> c == '{' || c == '[').count() > text.chars().filter(c -> c == '}' || c == ']').count();
            return Reply.errors(500, open ? "malformed JSON, unclosed containers" : "invalid character in JSON input");
        }
        String type = e.isJsonArray() ? "array" : e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? "string"
                : e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? "number" : "bool";
        return Reply.errors(400, "error parsing JSON: failed to parse JSON input: json: cannot unmarshal " + type
                + " into Go value of type map[string]interface {}");
    }

    static JsonObject parseObject(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            return e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (RuntimeException | IOException e) {
            return null;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** A raw path Go's path.Clean would change: it holds "//", "/./" or "/../", or ends in "/." or "/..". */
    static boolean nonCanonical(String raw) {
        return raw.contains("//") || raw.contains("/./") || raw.contains("/../")
                || raw.endsWith("/.") || raw.endsWith("/..");
    }
}
