package vaultmcp.security;

import com.google.gson.JsonObject;
import java.util.function.LongSupplier;
import vaultmcp.config.Config.Rate;
import vaultmcp.jsonrpc.RpcException;

/**
 * Rate limits on every JSON-RPC request, on both transports: the caller's session bucket first,
 * then the global one, so a request its own session refuses costs the other sessions nothing.
 * Session buckets live in the session and go away with it.
 */
public final class RateLimiter {
    private final TokenBucket global;
    private final Rate sessionRate;
    private final LongSupplier clock;

    public RateLimiter(Rate globalRate, Rate sessionRate, LongSupplier clock) {
        this.global = new TokenBucket(globalRate.perSecond(), globalRate.burst(), clock);
        this.sessionRate = sessionRate;
        this.clock = clock;
    }

    /** A fresh bucket for a new session. */
    public TokenBucket newSessionBucket() {
        return new TokenBucket(sessionRate.perSecond(), sessionRate.burst(), clock);
    }

    /** @throws RpcException with code {@link RpcException#RATE_LIMITED} and {@code data.retryAfterMs} */
    public void check(TokenBucket session) throws RpcException {
        long wait = session.tryTake();
        if (wait > 0) {
            throw limited("this session", wait);
        }
        wait = global.tryTake();
        if (wait > 0) {
            session.giveBack();
            throw limited("the server", wait);
        }
    }

    private static RpcException limited(String scope, long waitMs) {
        JsonObject data = new JsonObject();
        data.addProperty("retryAfterMs", waitMs);
        return new RpcException(RpcException.RATE_LIMITED,
                "Rate limit exceeded for " + scope + "; retry after " + waitMs + " ms", data);
    }
}
