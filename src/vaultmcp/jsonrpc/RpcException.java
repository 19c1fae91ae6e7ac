package vaultmcp.jsonrpc;

import com.google.gson.JsonElement;

/** A JSON-RPC error to send back; the client reads its message: never a stack trace, a token or a secret. */
public final class RpcException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Ours, from the implementation-defined range: the caller exceeded a rate limit. */
    public static final int RATE_LIMITED = -32010;

    private final int code;
    private final transient JsonElement data;

    public RpcException(int code, String message) {
        this(code, message, null);
    }

    public RpcException(int code, String message, JsonElement data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    public int code() {
        return code;
    }

    /** Extra machine-readable detail for the client, or null. */
    public JsonElement data() {
        return data;
    }
}
