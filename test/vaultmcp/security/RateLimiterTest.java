package vaultmcp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Config.Rate;

class RateLimiterTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    private RateLimiter limiter(Rate global, Rate session) {
        return new RateLimiter(global, session, now::get);
    }

    private static RateLimited refused(RateLimiter limiter, TokenBucket session) {
        return assertThrows(RateLimited.class, () -> limiter.check(session));
    }

    @Test
    void refusesASessionOverItsOwnRate() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(100, 100), new Rate(5, 2));
        TokenBucket session = limiter.newSessionBucket();
        limiter.check(session);
        limiter.check(session);
        RateLimited e = refused(limiter, session);
        assertEquals("Rate limit exceeded for this session; retry after 200 ms", e.getMessage());
        assertEquals(200, e.retryAfterMs());
        now.addAndGet(200 * MS);
        limiter.check(session);
    }

    @Test
    void refusesEverySessionOverTheGlobalRate() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(2, 3), new Rate(100, 100));
        limiter.check(limiter.newSessionBucket());
        limiter.check(limiter.newSessionBucket());
        limiter.check(limiter.newSessionBucket());
        RateLimited e = refused(limiter, limiter.newSessionBucket());
        assertEquals("Rate limit exceeded for the server; retry after 500 ms", e.getMessage());
        assertEquals(500, e.retryAfterMs());
    }

    @Test
    void givesEachSessionItsOwnBucket() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(100, 100), new Rate(1, 1));
        TokenBucket a = limiter.newSessionBucket();
        TokenBucket b = limiter.newSessionBucket();
        limiter.check(a);
        refused(limiter, a);
        limiter.check(b);
    }

    @Test
    void aRequestRefusedByItsSessionCostsNoGlobalToken() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(1, 2), new Rate(1, 1));
        TokenBucket greedy = limiter.newSessionBucket();
        limiter.check(greedy);
        for (int i = 0; i < 10; i++) {
            refused(limiter, greedy);
        }
        // One global token is left for everybody else.
        limiter.check(limiter.newSessionBucket());
        assertEquals("Rate limit exceeded for the server; retry after 1000 ms", refused(limiter, limiter.newSessionBucket()).getMessage());
    }

    @Test
    void aRequestRefusedByTheServerGivesTheSessionTokenBack() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(1, 1), new Rate(1, 2));
        limiter.check(limiter.newSessionBucket());
        TokenBucket session = limiter.newSessionBucket();
        for (int i = 0; i < 5; i++) {
            assertEquals("Rate limit exceeded for the server; retry after 1000 ms", refused(limiter, session).getMessage());
        }
        // The session still holds both of its tokens.
        assertEquals(0, session.tryTake());
        assertEquals(0, session.tryTake());
        assertEquals(1000, session.tryTake());
    }

    @Test
    void newSessionBucketsUseTheSessionRate() {
        RateLimiter limiter = limiter(new Rate(1, 1), new Rate(0.5, 3));
        TokenBucket session = limiter.newSessionBucket();
        assertEquals(0, session.tryTake());
        assertEquals(0, session.tryTake());
        assertEquals(0, session.tryTake());
        assertEquals(2000, session.tryTake());
    }
}
