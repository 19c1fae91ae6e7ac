package vaultmcp.jsonrpc;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;

/**
 * JSON-RPC 2.0 codec: turns the bytes of one message into a {@link Message} or an error, and builds
 * responses. Knows nothing of MCP. Batches are refused: MCP removed them in 2025-06-18.
 */
public final class JsonRpc {
    private static final Set<String> REQUEST_KEYS = Set.of("jsonrpc", "id", "method", "params");
    private static final Set<String> RESPONSE_KEYS = Set.of("jsonrpc", "id", "result", "error");

    private final StrictJson json;
    private final int maxBytes;

    public JsonRpc(int maxBytes, int maxDepth) {
        this.maxBytes = maxBytes;
        this.json = new StrictJson(maxDepth);
    }

    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Parses and validates one message: at most {@code maxBytes} bytes of UTF-8 (one stdio line or HTTP body),
     * invalid UTF-8 a parse error, never replaced. A Failure carries the answer (no id when none could be read).
     */
    public Message parse(byte[] bytes) throws Failure {
        if (bytes.length > maxBytes) {
            throw invalid(JsonNull.INSTANCE, "message larger than " + maxBytes + " bytes");
        }
        JsonElement tree;
        try {
            // A fresh decoder reports malformed input rather than replacing it.
            tree = json.parse(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw parseError("the message is not valid UTF-8");
        } catch (JsonException e) {
            throw parseError(e.getMessage());
        }
        if (tree.isJsonArray()) {
            throw invalid(JsonNull.INSTANCE, "batch requests are not supported; send one message at a time");
        }
        if (!(tree instanceof JsonObject object)) {
            throw invalid(JsonNull.INSTANCE, "a message must be a JSON object");
        }
        JsonElement id = object.get("id");
        JsonElement echoId = validId(id) ? id : JsonNull.INSTANCE;
        if (!new JsonPrimitive("2.0").equals(object.get("jsonrpc"))) {
            throw invalid(echoId, "\"jsonrpc\" must be \"2.0\"");
        }
        if (id != null && !validId(id)) {
            throw invalid(JsonNull.INSTANCE, "\"id\" must be a string or a number");
        }
        boolean request = object.has("method");
        for (String key : object.keySet()) {
            if (!(request ? REQUEST_KEYS : RESPONSE_KEYS).contains(key)) {
                throw invalid(echoId, "unexpected member \"" + key + "\"");
            }
        }
        if (!request) {
            if (object.has("result") == object.has("error") || !object.has("id")) {
                throw invalid(echoId, "a request needs \"method\"; "
                        + "a response needs \"id\" and one of \"result\" or \"error\"");
            }
            return new Message(id, null, object);
        }
        JsonElement method = object.get("method");
        if (!method.isJsonPrimitive() || !method.getAsJsonPrimitive().isString()) {
            throw invalid(echoId, "\"method\" must be a string");
        }
        JsonElement params = object.get("params");
        if (params != null && !params.isJsonObject()) {
            throw invalid(echoId, "\"params\" must be an object");
        }
        return new Message(id, method.getAsString(), params == null ? new JsonObject() : params.getAsJsonObject());
    }

    public static JsonObject result(JsonElement id, JsonElement result) {
        return response(id, "result", result);
    }

    public static JsonObject error(JsonElement id, RpcException e) {
        JsonObject error = new JsonObject();
        error.addProperty("code", e.code());
        error.addProperty("message", e.getMessage());
        if (e.data() != null) {
            error.add("data", e.data());
        }
        return response(id, "error", error);
    }

    public static JsonObject notification(String method, JsonObject params) {
        JsonObject message = new JsonObject();
        message.addProperty("jsonrpc", "2.0");
        message.addProperty("method", method);
        message.add("params", params);
        return message;
    }

    private static JsonObject response(JsonElement id, String member, JsonElement value) {
        JsonObject response = new JsonObject();
        response.addProperty("jsonrpc", "2.0");
        if (id != null && !id.isJsonNull()) {
            // MCP's schema has no null id: an error whose request id could not be read has none (both eras).
            response.add("id", id);
        }
        response.add(member, value);
        return response;
    }

    private static boolean validId(JsonElement id) {
        return id instanceof JsonPrimitive p && (p.isString() || p.isNumber());
    }

    private static Failure invalid(JsonElement id, String message) {
        return new Failure(id, new RpcException(RpcException.INVALID_REQUEST, "Invalid Request: " + message));
    }

    private static Failure parseError(String reason) {
        return new Failure(JsonNull.INSTANCE, new RpcException(RpcException.PARSE_ERROR, "Parse error: " + reason));
    }

    /** A message that could not be accepted, with the error response to send. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient JsonObject response;

        Failure(JsonElement id, RpcException error) {
            super(error.getMessage(), null, false, false);
            this.response = JsonRpc.error(id, error);
        }

        public JsonObject response() {
            return response;
        }
    }
}
