package vaultmcp.jsonrpc;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One validated incoming JSON-RPC message.
 *
 * @param id the request id exactly as received (for a response, the id of our request), or null for a notification
 * @param method the method name, or null when the message is a response to a request of ours
 * @param params the params object, an empty object when absent; for a response, the whole response
 */
public record Message(JsonElement id, String method, JsonObject params) {
    public boolean isRequest() {
        return id != null && method != null;
    }

    public boolean isNotification() {
        return id == null && method != null;
    }

    /** A response (result or error) to a request we sent, such as an elicitation. */
    public boolean isResponse() {
        return method == null;
    }
}
