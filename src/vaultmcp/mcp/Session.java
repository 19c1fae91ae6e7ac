package vaultmcp.mcp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import vaultmcp.audit.AuditTrail;
import vaultmcp.config.Secret;
import vaultmcp.json.StrictJson;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.security.RateLimiter;
import vaultmcp.vault.ServerToken;

/**
 * One MCP conversation: the single stdio peer, or one HTTP session. Holds the Vault token its
 * tools use, its rate-limit budget, the negotiated protocol state, the client's capabilities, and
 * the requests we sent the client (elicitations) that wait for its answer.
 */
public final class Session {
    private final String id;
    private volatile Secret vaultToken;
    private final RateLimiter.Budget budget;
    private volatile String protocolVersion;
    private volatile boolean stateless;
    private volatile String traceparent;
    private volatile int logLevel = McpServer.LOG_LEVELS.indexOf("info");
    private volatile JsonObject clientCapabilities = new JsonObject();
    private volatile long warned;
    private final AtomicLong asked = new AtomicLong();
    /** Our requests by id, and by the id of the tool call that made them (for cancellation). */
    private final Map<String, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();
    private final Map<String, String> byCall = new ConcurrentHashMap<>();

    public Session(String id, Secret vaultToken, RateLimiter.Budget budget) {
        this.id = id;
        this.vaultToken = vaultToken;
        this.budget = budget;
    }

    /**
     * The conversation of one stateless (2026-07-28) request: nothing is kept between requests but the
     * caller's token and rate-limit budget; capabilities and log level come from the request's own _meta.
     */
    public static Session stateless(String id, Secret vaultToken, RateLimiter.Budget budget) {
        Session session = new Session(id, vaultToken, budget);
        session.protocolVersion = Modern.VERSIONS.get(0);
        session.stateless = true;
        return session;
    }

    public boolean stateless() {
        return stateless;
    }

    /** The W3C trace context the request carried, or null. */
    String traceparent() {
        return traceparent;
    }

    void traceparent(String traceparent) {
        this.traceparent = traceparent;
    }

    public String id() {
        return id;
    }

    /** The id for log lines: a prefix that tells sessions apart but, unlike an HTTP session id, opens none. */
    String logId() {
        return id.length() <= 8 ? id : id.substring(0, 8) + "...";
    }

    public Secret vaultToken() {
        return vaultToken;
    }

    /** The same HTTP caller's newer Vault token (a JWT caller after an OAuth refresh), for the calls that follow. */
    public void vaultToken(Secret newer) {
        vaultToken = newer;
    }

    public RateLimiter.Budget budget() {
        return budget;
    }

    /** The negotiated protocol version, or null before initialize. */
    public String protocolVersion() {
        return protocolVersion;
    }

    /** Records the negotiated version; false if the session was already initialized. */
    synchronized boolean initialize(String version) {
        if (protocolVersion != null) {
            return false;
        }
        protocolVersion = version;
        return true;
    }

    boolean canElicit() {
        return clientCapabilities.get("elicitation") instanceof JsonObject;
    }

    void clientCapabilities(JsonObject capabilities) {
        this.clientCapabilities = capabilities == null ? new JsonObject() : capabilities;
    }

    /**
     * A new request of ours on behalf of the tool call {@code callId}: its id; the client's answer completes
     * {@code answer}.
     */
    String ask(JsonElement callId, CompletableFuture<JsonObject> answer) {
        String id = "vault-mcp-server-" + asked.incrementAndGet();
        waiting.put(id, answer);
        byCall.put(StrictJson.write(callId), id);
        return id;
    }

    /** Hands the client's response to the request of ours it answers: false when none waits for it (dropped). */
    boolean answered(JsonElement id, JsonObject response) {
        CompletableFuture<JsonObject> answer = id != null && id.isJsonPrimitive()
                ? waiting.remove(id.getAsString()) : null;
        return answer != null && answer.complete(response);
    }

    /** The tool call {@code callId} was cancelled: whatever it waits for ends. */
    void cancelled(JsonElement callId) {
        String id = callId == null ? null : byCall.remove(StrictJson.write(callId));
        CompletableFuture<JsonObject> answer = id == null ? null : waiting.remove(id);
        if (answer != null) {
            answer.cancel(false);
        }
    }

    void forget(JsonElement callId, String id) {
        waiting.remove(id);
        byCall.remove(StrictJson.write(callId), id);
    }

    int logLevel() {
        return logLevel;
    }

    void logLevel(int level) {
        this.logLevel = level;
    }

    /** Who calls, for a call's audit record: transport, session and credential (as HMACs), protocol, trace. */
    JsonObject auditContext(AuditTrail audit) {
        JsonObject context = new JsonObject();
        context.addProperty("transport", id().equals("stdio") ? "stdio" : "http");
        context.addProperty("session", audit.hmac(id()));
        String caller = vaultToken() == null ? "none" : audit.hmac(vaultToken().reveal());
        context.addProperty("caller", caller);
        if (stateless()) {
            context.addProperty("protocol", Modern.VERSIONS.get(0));
        }
        if (traceparent() != null) {
            context.addProperty("traceparent", traceparent());
        }
        return context;
    }

    /**
     * Sends a log notification to the client, unless its log level is above {@code level}; first, once, the
     * latest warning about the server's own token (it cannot be renewed) when this session uses it.
     */
    void log(Consumer<JsonObject> notify, String level, String text) {
        ServerToken.Warning w = vaultToken instanceof ServerToken server ? server.warning() : null;
        if (w != null && w.number() > warned) {
            warned = w.number();
            log(notify, "warning", w.text());
        }
        if (McpServer.LOG_LEVELS.indexOf(level) < logLevel) {
            return;
        }
        JsonObject params = new JsonObject();
        params.addProperty("level", level);
        params.addProperty("logger", McpServer.NAME);
        params.addProperty("data", text);
        notify.accept(JsonRpc.notification("notifications/message", params));
    }
}
