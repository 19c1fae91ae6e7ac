package vaultmcp.mcp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import vaultmcp.config.Limits;
import vaultmcp.jsonrpc.Message;
import vaultmcp.jsonrpc.RpcException;

/**
 * The rules of the stateless era (MCP 2026-07-28), decided per request: a request is modern when its
 * {@code _meta} names a protocol version, or (over HTTP) when its {@code MCP-Protocol-Version} header names
 * a version of this era; anything else is served exactly as in 2025-11-25. A modern request carries
 * everything a session used to hold (version, client capabilities, log level) in its own {@code _meta};
 * this class checks that, and says which HTTP status each error of the era gets.
 */
public final class Modern {
    public static final List<String> VERSIONS = List.of("2026-07-28");
    /** The era's error codes: headers that disagree with the body, a capability the client lacks, a version. */
    public static final int HEADER_MISMATCH = -32020;
    public static final int MISSING_CAPABILITY = -32021;
    public static final int UNSUPPORTED_VERSION = -32022;
    static final String PREFIX = "io.modelcontextprotocol/";
    /** Methods of the session era that 2026-07-28 removed, or that we have nothing for (no subscriptions). */
    private static final Set<String> REMOVED = Set.of("initialize", "ping", "logging/setLevel",
            "resources/subscribe", "resources/unsubscribe", "subscriptions/listen");
    /** W3C trace context: version 00, a trace id and a parent id that are not all zeros, flags. */
    private static final Pattern TRACEPARENT =
            Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    private Modern() {}

    /** True when this request belongs to the stateless era ({@code header} null on stdio). */
    public static boolean requested(Message message, String header) {
        return message.method() != null && (meta(message.params(), PREFIX + "protocolVersion") != null
                || header != null && VERSIONS.contains(header));
    }

    /**
     * Checks a modern request as HTTP carries it: the version header must match {@code _meta}, and
     * {@code Mcp-Method} (and for a tool call {@code Mcp-Name}) must repeat the body.
     */
    public static void checkHeaders(Message message, String version, String method, String name)
            throws RpcException {
        checkPresent(message.params());
        if (version == null || !version.equals(version(message.params()))) {
            throw new RpcException(HEADER_MISMATCH, "Header mismatch: MCP-Protocol-Version must equal _meta's "
                    + PREFIX + "protocolVersion");
        }
        boolean named = "tools/call".equals(message.method());
        boolean ok = !named || message.params().get("name") instanceof JsonPrimitive t && t.getAsString().equals(name);
        if (!message.method().equals(method) || !ok) {
            throw new RpcException(HEADER_MISMATCH, "Header mismatch: Mcp-Method" + (named ? " and Mcp-Name" : "")
                    + " must repeat the request's method" + (named ? " and tool" : ""));
        }
    }

    /**
     * Checks a modern request: {@code _meta} with a supported version and the client's capabilities, and a
     * method of the era; then gives the session what {@code _meta} carries (no log level: no log notifications).
     */
    static void adopt(Message message, Session session) throws RpcException {
        JsonObject params = message.params();
        checkPresent(params);
        if (!VERSIONS.contains(version(params))) {
            JsonObject data = new JsonObject();
            data.add("supported", versions());
            data.addProperty("requested", version(params));
            throw new RpcException(UNSUPPORTED_VERSION, "Unsupported protocol version", data);
        }
        if (REMOVED.contains(message.method())) {
            throw new RpcException(RpcException.METHOD_NOT_FOUND, "Method not found: " + message.method()
                    + " is not part of protocol " + VERSIONS.get(0) + " (stateless: no initialize, no session)");
        }
        session.clientCapabilities(meta(params, PREFIX + "clientCapabilities").getAsJsonObject());
        JsonElement level = meta(params, PREFIX + "logLevel");
        int index = level instanceof JsonPrimitive p && p.isString() ? McpServer.LOG_LEVELS.indexOf(p.getAsString())
                : -1;
        session.logLevel(index < 0 ? McpServer.LOG_LEVELS.size() : index);
        session.traceparent(traceparent(params));
    }

    private static void checkPresent(JsonObject params) throws RpcException {
        if (version(params) == null || !(meta(params, PREFIX + "clientCapabilities") instanceof JsonObject)) {
            throw new RpcException(RpcException.INVALID_PARAMS, "Invalid params: _meta must carry " + PREFIX
                    + "protocolVersion and " + PREFIX + "clientCapabilities");
        }
    }

    /** The request's W3C {@code traceparent}, or null when absent or not well-formed (then it is dropped). */
    public static String traceparent(JsonObject params) {
        JsonElement value = meta(params, "traceparent");
        return value instanceof JsonPrimitive p && p.isString() && TRACEPARENT.matcher(p.getAsString()).matches()
                ? p.getAsString() : null;
    }

    /** The HTTP status for an answer of this era: 404 for an unknown method, 400 for the request's own faults. */
    public static int status(JsonObject response) {
        if (response == null || !(response.get("error") instanceof JsonObject error)) {
            return response == null ? 202 : 200;
        }
        return switch (error.get("code").getAsInt()) {
            case RpcException.METHOD_NOT_FOUND -> 404;
            case RpcException.RATE_LIMITED -> 429;
            case RpcException.INTERNAL_ERROR -> 500;
            default -> 400;
        };
    }

    /** A result of this era: its type, and the server named in {@code _meta}. */
    static JsonObject complete(JsonObject result, JsonObject serverInfo) {
        if (!result.has("resultType")) {
            result.addProperty("resultType", "complete");
        }
        JsonObject meta = result.get("_meta") instanceof JsonObject m ? m : new JsonObject();
        meta.add(PREFIX + "serverInfo", serverInfo);
        result.add("_meta", meta);
        return result;
    }

    private static String version(JsonObject params) {
        JsonElement version = meta(params, PREFIX + "protocolVersion");
        return version instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
    }

    /** A member of the request's {@code _meta}, or null when there is no such member (or no {@code _meta}). */
    private static JsonElement meta(JsonObject params, String name) {
        return params.get("_meta") instanceof JsonObject meta ? meta.get(name) : null;
    }

    /** What server/discover answers: versions, capabilities (with empty prompts and resources), instructions. */
    static JsonObject discover(JsonObject capabilities, String instructions) {
        JsonObject result = new JsonObject();
        result.add("supportedVersions", versions());
        capabilities.add("prompts", object("listChanged", new JsonPrimitive(false)));
        capabilities.add("resources", object("listChanged", new JsonPrimitive(false)));
        result.add("capabilities", capabilities);
        result.addProperty("instructions", instructions);
        return cacheable(result);
    }

    private static JsonArray versions() {
        JsonArray versions = new JsonArray();
        VERSIONS.forEach(versions::add);
        return versions;
    }

    static RpcException notFound(JsonElement uri) {
        return new RpcException(RpcException.INVALID_PARAMS, "Resource not found",
                object("uri", uri instanceof JsonPrimitive p && p.isString() ? p : null));
    }

    /** An object of one member. */
    static JsonObject object(String name, JsonElement value) {
        JsonObject object = new JsonObject();
        object.add(name, value);
        return object;
    }

    /** The same for every caller, and fixed for the life of the process. */
    static JsonObject cacheable(JsonObject result) {
        result.addProperty("ttlMs", Limits.LIST_TTL_MILLIS);
        result.addProperty("cacheScope", "public");
        return result;
    }
}
