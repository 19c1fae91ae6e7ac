package vaultmcp.transport;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import vaultmcp.jsonrpc.RpcException;

/**
 * A request refused at the HTTP layer: its status, and a message safe to show the caller (sent as
 * a JSON-RPC error: -32001 for an unknown session, as the TypeScript SDK does, -32010 for a rate
 * limit, else -32000), and the id of the request it answers when that could be read.
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
        return status == 404 ? -32001 : status == 429 ? RpcException.RATE_LIMITED : -32000;
    }

    /** Takes one of {@code permits}, waiting up to {@code wait}; else refuses with 503 and {@code what} is busy. */
    static void acquire(Semaphore permits, Duration wait, String what) throws HttpError {
        try {
            if (permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new HttpError(503, "Service Unavailable: " + what + " busy; try again later");
    }
}
