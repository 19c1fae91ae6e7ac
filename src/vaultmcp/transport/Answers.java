package vaultmcp.transport;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import vaultmcp.config.Limits;
import vaultmcp.json.StrictJson;
import vaultmcp.security.OriginPolicy;

/** How the HTTP endpoints write what they answer: the CORS headers, one JSON body, or SSE events on a stream. */
final class Answers {
    private static final String CORS_HEADERS = "Content-Type, Accept, Authorization, X-Vault-Token, Mcp-Session-Id, "
            + "MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID";

    private Answers() {
    }

    /** Refuses (403) a Host or Origin the policy does not allow; gives an allowed Origin the CORS headers. */
    static void guard(HttpExchange exchange, OriginPolicy policy, String methods) throws HttpError {
        Headers in = exchange.getRequestHeaders();
        Headers out = exchange.getResponseHeaders();
        String host = in.getFirst("Host");
        String origin = in.getFirst("Origin");
        out.set("Vary", "Origin");
        if (!policy.hostAllowed(host) || !policy.originAllowed(origin, host)) {
            throw new HttpError(403, "Forbidden: " + (policy.hostAllowed(host) ? "Origin" : "Host") + " not allowed");
        }
        if (origin != null) {
            out.set("Access-Control-Allow-Origin", origin);
            out.set("Access-Control-Allow-Methods", methods);
            out.set("Access-Control-Allow-Headers", CORS_HEADERS);
            out.set("Access-Control-Expose-Headers", "Mcp-Session-Id, WWW-Authenticate, Retry-After");
            out.set("Access-Control-Max-Age", String.valueOf(Limits.CORS_MAX_AGE_SECONDS));
        }
    }

    /** Sends a whole answer: a JSON body, or none (status 202, 204). */
    static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        if (body == null || exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, 0); // chunked: the answer is written as it is serialised, never copied
        Writer out = new BufferedWriter(new OutputStreamWriter(exchange.getResponseBody(), StandardCharsets.UTF_8));
        StrictJson.write(body, out);
        out.flush();
    }

    /** Sends one message as an SSE event; the first one starts the stream (status 200) that carries the answer. */
    static void event(HttpExchange exchange, JsonObject message) {
        try {
            stream(exchange, "event: message\ndata: " + StrictJson.write(message) + "\n\n");
        } catch (IOException e) {
            // The client went away; the request still completes, its answer has nowhere to go.
        }
    }

    private static void stream(HttpExchange exchange, String text) throws IOException {
        synchronized (exchange) { // the handler's events and the heartbeat's comments
            if (exchange.getResponseCode() == -1) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
            }
            exchange.getResponseBody().write(text.getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
        }
    }

    /**
     * While a stateless call runs longer than {@link Limits#HEARTBEAT}, its answer becomes an SSE stream
     * that carries a comment every HEARTBEAT; once a write fails the client has closed the stream, which
     * in 2026-07-28 cancels the call: its thread is interrupted, so it sends nothing more to Vault.
     */
    static final class Heartbeat implements AutoCloseable {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
        private final HttpExchange exchange;
        private final Thread call = Thread.currentThread();
        private final ScheduledFuture<?> beats;
        private boolean over;

        Heartbeat(HttpExchange exchange) {
            this.exchange = exchange;
            long every = Limits.HEARTBEAT.toMillis();
            beats = TIMER.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        }

        private void beat() {
            synchronized (exchange) {
                try {
                    if (!over) {
                        stream(exchange, ":\n\n");
                    }
                } catch (IOException e) {
                    over = true;
                    beats.cancel(false);
                    call.interrupt();
                }
            }
        }

        @Override
        public void close() {
            synchronized (exchange) {
                over = true;
            }
            beats.cancel(false);
            Thread.interrupted(); // an interrupt for a call that is over must not outlive it
        }
    }
}
