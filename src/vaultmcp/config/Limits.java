package vaultmcp.config;

import java.time.Duration;

/**
 * Every fixed bound of the server, in one place so a reviewer can check them together.
 * Bounds an operator may want to change are settings in {@link Config} instead.
 */
public final class Limits {
    private Limits() {}

    /** Largest JSON-RPC message: one stdio line or one HTTP request body. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /** Deepest nesting of JSON objects and arrays accepted from a client or from Vault. */
    public static final int MAX_JSON_DEPTH = 64;
    /** Longest string a tool argument may hold, whatever its schema says. */
    public static final int MAX_ARGUMENT_CHARS = 64 * 1024;
    /** Largest answer read from Vault. */
    public static final int MAX_VAULT_RESPONSE_BYTES = 8 * 1024 * 1024;
    /** Time to open a connection to Vault. */
    public static final Duration VAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Threads running tool calls for the stdio transport. */
    public static final int STDIO_WORKERS = 4;
    /** Tools per tools/list page. */
    public static final int TOOLS_PAGE_SIZE = 50;
}
