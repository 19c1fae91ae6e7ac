package vaultmcp.security;

import java.util.function.LongSupplier;
import vaultmcp.config.Config.Rate;

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

    public TokenBucket newSessionBucket() {
        return new TokenBucket(sessionRate.perSecond(), sessionRate.burst(), clock);
    }

    /** Takes a token from the session's bucket and the global one, or refuses the request. */
    public void check(TokenBucket session) throws RateLimited {
        long wait = session.tryTake();
        if (wait > 0) {
            throw new RateLimited("this session", wait);
        }
        wait = global.tryTake();
        if (wait > 0) {
            session.giveBack();
            throw new RateLimited("the server", wait);
        }
    }
}
