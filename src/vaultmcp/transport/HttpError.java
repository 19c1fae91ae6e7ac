package vaultmcp.transport;

import com.google.gson.JsonElement;

/**
 * A request refused at the HTTP layer: its status, and a message safe to show the caller (sent as
 * a JSON-RPC error: -32001 for an unknown session, as the TypeScript SDK does, else -32000), and the id of
 * the request it answers when that could be read.
 */
final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient JsonElement id;

    HttpError(int status, String message) {
        this(status, message, null);
    }

    private HttpError(int status, String message, JsonElement id) {
        super(message, null, false, false);
        this.status = status;
        this.id = id;
    }

    /** The same refusal, answering the request with this id. */
    HttpError answering(JsonElement id) {
        return new HttpError(status, getMessage(), id);
    }

    JsonElement id() {
        return id;
    }

    int status() {
        return status;
    }

    int code() {
        return status == 404 ? -32001 : -32000;
    }
}
