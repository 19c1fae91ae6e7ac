package vaultmcp.security;

/** A request refused by a rate limit: the transport answers -32010 with data.retryAfterMs (HTTP: Retry-After). */
public final class RateLimited extends Exception {
    private static final long serialVersionUID = 1L;
    private final long retryAfterMs;

    RateLimited(String scope, long retryAfterMs) {
        super("Rate limit exceeded for " + scope + "; retry after " + retryAfterMs + " ms", null, false, false);
        this.retryAfterMs = retryAfterMs;
    }

    /** Milliseconds until the limit lets a request through again; at least 1. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
