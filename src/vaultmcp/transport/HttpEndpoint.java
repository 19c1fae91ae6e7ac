package vaultmcp.transport;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import vaultmcp.config.Limits;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.jsonrpc.Message;
import vaultmcp.jsonrpc.RpcException;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.mcp.Modern;
import vaultmcp.mcp.Session;
import vaultmcp.security.OriginPolicy;
import vaultmcp.security.RateLimited;

/**
 * The MCP endpoint, Streamable HTTP of both eras (2025-11-25 sessions, 2026-07-28 stateless requests,
 * told apart per request by {@link Modern#requested}): one JSON-RPC message per POST, answered with
 * JSON, or with a short SSE stream when log notifications come before the answer; DELETE ends a
 * session; no GET stream. Each request passes, in order: Host and Origin, no query and no Vault
 * setting headers, the method, the media types and body, the protocol version, the caller, the
 * session. Nothing in a request can choose the Vault address, namespace or TLS settings. Every
 * message counts against the rate limits; tool calls also wait for one of a fixed number of workers.
 */
record HttpEndpoint(String path, McpServer server, JsonRpc codec, HttpSessions sessions, OriginPolicy policy,
        HttpAuth auth, Semaphore workers, Log log) implements HttpHandler {
    private static final String ALLOW = "POST, DELETE, OPTIONS";
    private static final Pattern SPACES_AND_QUOTES = Pattern.compile("[\\s\"]");
    /** The Go server let callers set these; here they are the operator's alone, so asking is an error. */
    private static final List<String> VAULT_SETTINGS = List.of("VAULT_ADDR", "VAULT_TOKEN", "VAULT_SKIP_VERIFY",
            "VAULT_NAMESPACE", "X-Vault-Namespace");

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                serve(exchange);
            } catch (HttpError e) {
                log.debug("HTTP " + exchange.getRequestMethod() + " refused with " + e.status() + ": "
                        + e.getMessage());
                if (e.status() == 401) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", auth.challenge(exchange.getRequestHeaders()));
                }
                Answers.send(exchange, e.status(), JsonRpc.error(e.id(), new RpcException(e.code(), e.getMessage())));
            } catch (RuntimeException | Error e) {
                log.failure("HTTP " + exchange.getRequestMethod(), e);
                Answers.send(exchange, 500,
                        JsonRpc.error(null, new RpcException(RpcException.INTERNAL_ERROR, "Internal error")));
            }
        } catch (IOException e) {
            log.debug("HTTP client went away: " + e.getClass().getSimpleName());
        }
    }

    private void serve(HttpExchange exchange) throws HttpError, IOException {
        Headers in = exchange.getRequestHeaders();
        Answers.guard(exchange, policy, ALLOW);
        if (!path.equals(exchange.getRequestURI().getRawPath())) {
            throw new HttpError(404, "Not Found");
        }
        if (exchange.getRequestURI().getRawQuery() != null) {
            throw new HttpError(400,
                    "Bad Request: query parameters are not accepted; send the Vault token in X-Vault-Token");
        }
        for (String name : VAULT_SETTINGS) {
            if (in.containsKey(name)) {
                throw new HttpError(400, "Bad Request: header " + name + " is not accepted: Vault address, namespace,"
                        + " TLS settings and the server's token are set by the operator;"
                        + " send your token in X-Vault-Token");
            }
        }
        switch (exchange.getRequestMethod()) {
            case "POST" -> post(exchange);
            case "DELETE" -> delete(exchange);
            case "OPTIONS" -> Answers.send(exchange, 204, null);
            default -> {
                exchange.getResponseHeaders().set("Allow", ALLOW);
                throw new HttpError(405,
                        "Method Not Allowed: POST a JSON-RPC message; this server offers no GET stream");
            }
        }
    }

    private void post(HttpExchange exchange) throws HttpError, IOException {
        Headers in = exchange.getRequestHeaders();
        if (!accepts(in.get("Accept"))) {
            throw new HttpError(406, "Not Acceptable: Accept must allow both application/json and text/event-stream");
        }
        if (!isJson(in.getFirst("Content-Type"))) {
            throw new HttpError(415, "Unsupported Media Type: Content-Type must be application/json");
        }
        byte[] body = exchange.getRequestBody().readNBytes(codec.maxBytes() + 1);
        if (body.length > codec.maxBytes()) {
            throw new HttpError(413, "Payload Too Large: a message may have at most " + codec.maxBytes() + " bytes");
        }
        Message message;
        try {
            message = codec.parse(body);
        } catch (JsonRpc.Failure e) {
            String id = in.getFirst("Mcp-Session-Id");
            Session session = id == null ? null : sessions.find(id, auth.identify(in));
            try { // malformed input counts too: against its session, or against the anonymous callers
                (session == null ? sessions.budget(HttpAuth.ANONYMOUS) : session.budget()).take();
            } catch (RateLimited limited) {
                throw tooMany(exchange, limited);
            }
            Answers.send(exchange, 400, e.response());
            return;
        }
        try {
            String version = in.getFirst("MCP-Protocol-Version");
            if (Modern.requested(message, version)) {
                stateless(exchange, message, version);
            } else {
                session(exchange, message);
            }
        } catch (HttpError e) {
            throw e.answering(message.id());
        }
    }

    /**
     * A request of the stateless era (2026-07-28): no session; its headers must repeat its body; the caller's
     * credential comes with every request; the answer's HTTP status follows its error code.
     */
    @SuppressWarnings("try") // the heartbeat is only closed
    private void stateless(HttpExchange exchange, Message message, String version) throws HttpError, IOException {
        Headers in = exchange.getRequestHeaders();
        HttpAuth.Caller caller = auth.verify(auth.identify(in));
        Session session = Session.stateless("http", caller.vaultToken(), sessions.budget(caller));
        JsonObject response;
        try {
            if (message.isRequest()) {
                Modern.checkHeaders(message, version, in.getFirst("Mcp-Method"), in.getFirst("Mcp-Name"));
            }
            boolean call = "tools/call".equals(message.method());
            try (Answers.Heartbeat beat = call ? new Answers.Heartbeat(exchange) : null) {
                response = dispatch(exchange, message, session, caller);
            }
        } catch (RpcException e) {
            response = JsonRpc.error(message.id(), e);
        }
        if (!message.isRequest()) {
            Answers.send(exchange, 202, null); // counted, and nothing more: closing the stream ends a call
        } else if (exchange.getResponseCode() != -1) {
            Answers.event(exchange, response);
        } else {
            Answers.send(exchange, Modern.status(response), response);
        }
    }

    /** A message of the session era (2025-11-25 and before). */
    private void session(HttpExchange exchange, Message message) throws HttpError, IOException {
        Headers in = exchange.getRequestHeaders();
        String id = in.getFirst("Mcp-Session-Id");
        boolean initialize = id == null && message.isRequest() && "initialize".equals(message.method());
        if (!initialize) {
            checkVersion(in); // the initialize POST negotiates the version in its body instead
        }
        HttpAuth.Caller caller = auth.identify(in);
        if (!initialize && id == null) {
            throw new HttpError(400, "Bad Request: Mcp-Session-Id header is required; send initialize first");
        }
        Session session = initialize ? sessions.open(auth.verify(caller)) : sessions.find(id, caller);
        if (session == null) {
            log.warn("HTTP session table full (MCP_MAX_SESSIONS); refused a new session");
            throw new HttpError(503, "Service Unavailable: too many open sessions; try again later");
        }
        JsonObject response = dispatch(exchange, message, session, caller);
        if (initialize && response.has("result")) {
            exchange.getResponseHeaders().set("Mcp-Session-Id", session.id());
        } else if (initialize) {
            sessions.close(session.id());
        }
        if (exchange.getResponseCode() != -1) {
            Answers.event(exchange, response); // a stream starts only inside a request, so there is a response
        } else {
            Answers.send(exchange, response == null ? 202 : 200, response);
        }
    }

    /**
     * Handles the message; a tool call needs a credential and one of the {@code workers}, waiting for it a
     * while. Over a rate limit a request gets its JSON-RPC error, any other message 429.
     */
    private JsonObject dispatch(HttpExchange exchange, Message message, Session session, HttpAuth.Caller caller)
            throws HttpError {
        boolean tool = message.isRequest() && "tools/call".equals(message.method());
        try {
            if (tool && caller.anonymous()) {
                server.admit(message, session); // counted like every message
                throw new HttpError(401, "Unauthorized: tools need a Vault token; send X-Vault-Token"
                        + " (or the operator's bearer secret)");
            }
            if (tool) {
                HttpError.acquire(workers, Limits.HTTP_WORKER_WAIT, "every tool worker is");
            }
            try {
                return server.handle(message, session, notification -> Answers.event(exchange, notification));
            } finally {
                if (tool) {
                    workers.release();
                }
            }
        } catch (RateLimited e) {
            HttpError refused = tooMany(exchange, e);
            if (!message.isRequest()) {
                throw refused; // a notification or a response has no JSON-RPC answer to carry the refusal
            }
            return McpServer.rateLimited(message.id(), e);
        }
    }

    /** A rate-limit refusal: Retry-After in whole seconds, and the 429 a message that is not a request gets. */
    private static HttpError tooMany(HttpExchange exchange, RateLimited e) {
        exchange.getResponseHeaders().set("Retry-After", String.valueOf((e.retryAfterMs() + 999) / 1000));
        return new HttpError(429, "Too Many Requests: " + e.getMessage());
    }

    private void delete(HttpExchange exchange) throws HttpError, IOException {
        Headers in = exchange.getRequestHeaders();
        checkVersion(in);
        String id = in.getFirst("Mcp-Session-Id");
        if (id == null) {
            throw new HttpError(400, "Bad Request: Mcp-Session-Id header is required");
        }
        sessions.find(id, auth.identify(in));
        sessions.close(id);
        Answers.send(exchange, 204, null);
    }

    private static void checkVersion(Headers in) throws HttpError {
        String version = in.getFirst("MCP-Protocol-Version");
        if (version != null && !McpServer.PROTOCOL_VERSIONS.contains(version)) {
            throw new HttpError(400, "Bad Request: unsupported MCP-Protocol-Version (supported: "
                    + String.join(", ", McpServer.PROTOCOL_VERSIONS) + ")");
        }
    }

    /** Both media types must be acceptable, by name or by the full wildcard (as the SDK, no q-value logic). */
    private static boolean accepts(List<String> accept) {
        String all = accept == null ? "" : String.join(",", accept).toLowerCase(Locale.ROOT);
        return all.contains("*/*") || all.contains("application/json") && all.contains("text/event-stream");
    }

    private static boolean isJson(String contentType) {
        String type = contentType == null ? ""
                : SPACES_AND_QUOTES.matcher(contentType.toLowerCase(Locale.ROOT)).replaceAll("");
        return type.equals("application/json") || type.equals("application/json;charset=utf-8");
    }
}
