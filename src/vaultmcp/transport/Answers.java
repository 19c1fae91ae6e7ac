package vaultmcp.transport;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import vaultmcp.json.StrictJson;

/** How the HTTP endpoint writes what it answers: one JSON body, or SSE events on a stream. */
final class Answers {
    private Answers() {
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
            if (exchange.getResponseCode() == -1) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
            }
            String event = "event: message\ndata: " + StrictJson.write(message) + "\n\n";
            exchange.getResponseBody().write(event.getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
        } catch (IOException e) {
            // The client went away; the request still completes, its answer has nowhere to go.
        }
    }
}
