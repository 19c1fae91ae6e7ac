package vaultmcp.config;

import java.time.Duration;

/** Every fixed bound of the server, in one place; bounds an operator may change are settings in {@link Config}. */
public final class Limits {
    private Limits() {}

    /** Largest JSON-RPC message: one stdio line or one HTTP request body. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /** Deepest nesting of JSON objects and arrays accepted from a client or from Vault. */
    public static final int MAX_JSON_DEPTH = 64;
    /** Longest string a tool argument may hold, whatever its schema says. */
    public static final int MAX_ARGUMENT_CHARS = 64 * 1024;
    /** Mount types remembered per caller credential, and for how long (privileged calls always ask anew). */
    public static final int MOUNT_CACHE_ENTRIES = 1024;
    public static final Duration MOUNT_CACHE_TTL = Duration.ofMinutes(1);
    /** Largest Vault answer: every HTTP worker can hold one at once in the README flags' heap (LaunchFlagsIT). */
    public static final int MAX_VAULT_RESPONSE_BYTES = 2 * 1024 * 1024;
    public static final Duration VAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int STDIO_WORKERS = 4;
    public static final int TOOLS_PAGE_SIZE = 50;

    // Vault answers and paths.
    /** Errors, and warnings, kept from one Vault answer (the lines of a go-multierror count one each). */
    public static final int MAX_VAULT_MESSAGES = 10;
    /** Characters of one Vault text (an error, a warning) quoted in our messages; the rest is cut. */
    public static final int MAX_VAULT_QUOTE_CHARS = 512;
    public static final int MAX_PATH_SEGMENT_CHARS = 512;

    // HTTP. The jdk.httpserver limits are system properties, set before the first server is made
    // unless the operator gave them with -D (their names are in HttpTransport).
    /** Tool calls running at once over HTTP; another waits up to HTTP_WORKER_WAIT for one to end, then gets 503. */
    public static final int HTTP_WORKERS = 16;
    public static final Duration HTTP_WORKER_WAIT = Duration.ofSeconds(20);
    /**
     * Open connections (jdk.httpserver.maxConnections; more are closed on accept), each on its own thread (of
     * this stack size, ended after HTTP_THREAD_IDLE): a client stalling its TLS handshake or headers holds one.
     */
    public static final int HTTP_MAX_CONNECTIONS = 256;
    public static final long HTTP_THREAD_STACK_BYTES = 512 * 1024;
    public static final Duration HTTP_THREAD_IDLE = Duration.ofSeconds(30);
    /** Pending connections the operating system may queue before accept. */
    public static final int HTTP_BACKLOG = 64;
    /** Seconds a client has to send a whole request, headers and body (sun.net.httpserver.maxReqTime). */
    public static final int HTTP_MAX_REQUEST_SECONDS = 20;
    /** Seconds from a request's end to its answer's (sun.net.httpserver.maxRspTime): Vault calls, a slow reader. */
    public static final int HTTP_MAX_RESPONSE_SECONDS = 120;
    /** Request header lines (sun.net.httpserver.maxReqHeaders). */
    public static final int HTTP_MAX_HEADERS = 100;
    /** How often a long stateless call's SSE stream carries a comment, to notice a client that closed it. */
    public static final Duration HEARTBEAT = Duration.ofMillis(250);
    /** Bytes of all request headers together (sun.net.httpserver.maxReqHeaderSize). */
    public static final int HTTP_MAX_HEADER_BYTES = 32 * 1024;

    // Transports, sessions and logs.
    /** Longest VAULT_CLIENT_TIMEOUT or MCP_SESSION_IDLE_TIMEOUT: far longer overflows nanosecond clocks. */
    public static final Duration MAX_DURATION = Duration.ofDays(7);
    /** Slowest MCP_RATE_LIMIT_* rate, in requests per second: a refusal waits at most 1000 s. */
    public static final double MIN_RATE = 0.001;
    /** Fastest MCP_RATE_LIMIT_* rate, in requests per second. */
    public static final int MAX_RATE = 1_000_000;
    /** Longest token: VAULT_TOKEN, MCP_AUTH_TOKEN, or a caller's X-Vault-Token. */
    public static final int MAX_TOKEN_CHARS = 4096;
    /** Shortest MCP_AUTH_TOKEN: the bearer secret lends the server's own Vault token. */
    public static final int MIN_AUTH_TOKEN_CHARS = 16;
    public static final int MAX_SESSIONS = 100_000;
    /**
     * Vault's verdict (accepted, refused) on an HTTP caller's token is kept this long, for this many tokens; at
     * most TOKEN_LOOKUPS run at once, an initialize waits TOKEN_LOOKUP_WAIT for one (then 503): no flood to Vault.
     */
    public static final Duration TOKEN_ACCEPTED_TTL = Duration.ofSeconds(30);
    public static final Duration TOKEN_REFUSED_TTL = Duration.ofSeconds(5);
    public static final int TOKEN_VERDICTS = 1024;
    public static final int TOKEN_LOOKUPS = 4;
    public static final Duration TOKEN_LOOKUP_WAIT = Duration.ofSeconds(2);
    /**
     * A caller's JWT (VAULT_AUTH_METHOD=jwt) has at most MAX_JWT_CHARS; its exp may have passed by JWT_CLOCK_SKEW
     * (clocks differ; Vault's own leeway is 60 s). Its logins are bounded as look-ups are: TOKEN_LOOKUPS at once,
     * TOKEN_VERDICTS kept, a refusal for TOKEN_REFUSED_TTL.
     */
    public static final int MAX_JWT_CHARS = 16 * 1024;
    public static final Duration JWT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Rate-limit buckets of credentials kept (the least recently opened forgotten first). */
    public static final int CREDENTIAL_BUCKETS = 4096;
    /** Anonymous callers share one bucket with this fraction (1/n) of MCP_RATE_LIMIT_GLOBAL's rate and burst. */
    public static final int ANONYMOUS_SHARE = 4;
    /** Random bytes in an HTTP session id (256 bits). */
    public static final int SESSION_ID_BYTES = 32;
    /** Seconds a browser may cache the answer to a CORS preflight (Access-Control-Max-Age). */
    public static final int CORS_MAX_AGE_SECONDS = 3600;
    /** Tool calls waiting for a stdio worker; beyond this the reader runs the call itself, slowing the client. */
    public static final int STDIO_QUEUE = 64;
    /** How long end of input on stdio waits for the tool calls still running before the process exits. */
    public static final Duration STDIO_DRAIN_TIME = Duration.ofMinutes(10);

    // Bounded authority.
    /** The audit trail's head (count and last MAC) goes to stderr every this many records, and at exit. */
    public static final int AUDIT_HEAD_EVERY = 1000;
    /** Longest string a human reads in an approval summary before it is cut. */
    public static final int APPROVAL_TEXT_CHARS = 80;
    /** Most body fields an approval summary or a dry run lists. */
    public static final int APPROVAL_FIELDS = 20;
    /** How often a call waiting for approval reports progress. */
    public static final long APPROVAL_PROGRESS_MILLIS = 5_000;
    /** Attempts of a KV v2 read-change-write whose check-and-set keeps losing to another writer. */
    public static final int KV_WRITE_ATTEMPTS = 5;

    // The stateless era (2026-07-28).
    /** How long a multi-round-trip approval's request state, and its single-use ticket in Vault, stay valid. */
    public static final Duration STATE_TTL = Duration.ofSeconds(60);
    /** How long clients may cache tools/list and server/discover: the list changes only on a restart. */
    public static final long LIST_TTL_MILLIS = 300_000;

    // The server's own token (vault.ServerToken).
    /** How long a Vault request waits for the server's token to be first looked up (or logged in). */
    public static final Duration FIRST_CHECK_WAIT = Duration.ofSeconds(30);
    /** A failed look-up, renewal or login is tried again after 1 s, then twice as long each time, at most this. */
    public static final Duration TOKEN_RETRY_MAX = Duration.ofMinutes(2);
}
