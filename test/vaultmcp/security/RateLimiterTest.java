package vaultmcp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Config.Rate;

class RateLimiterTest {
    private static final long MS = 1_000_000L;
    private static final Rate PLENTY = new Rate(1000, 1000);

    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    private RateLimiter limiter(Rate global, Rate session) {
        return new RateLimiter(global, session, PLENTY, now::get);
    }

    private static RateLimited refused(RateLimiter.Budget budget) {
        return assertThrows(RateLimited.class, budget::take);
    }

    @Test
    void refusesASessionOverItsOwnRate() throws RateLimited {
        RateLimiter.Budget session = limiter(new Rate(100, 100), new Rate(5, 2)).budget(null, false);
        session.take();
        session.take();
        RateLimited e = refused(session);
        assertEquals("Rate limit exceeded for this session; retry after 200 ms", e.getMessage());
        assertEquals(200, e.retryAfterMs());
        now.addAndGet(200 * MS);
        session.take();
    }

    @Test
    void refusesEverySessionOverTheGlobalRate() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(2, 3), PLENTY);
        limiter.budget(null, false).take();
        limiter.budget("a", false).take();
        limiter.budget("b", false).take();
        RateLimited e = refused(limiter.budget(null, false));
        assertEquals("Rate limit exceeded for the server; retry after 500 ms", e.getMessage());
        assertEquals(500, e.retryAfterMs());
    }

    @Test
    void givesEachSessionItsOwnBucket() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(100, 100), new Rate(1, 1));
        RateLimiter.Budget a = limiter.budget(null, false);
        RateLimiter.Budget b = limiter.budget(null, false);
        a.take();
        refused(a);
        b.take();
    }

    @Test
    void aMessageRefusedByItsSessionCostsNoGlobalToken() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(1, 2), new Rate(1, 1));
        RateLimiter.Budget greedy = limiter.budget(null, false);
        greedy.take();
        for (int i = 0; i < 10; i++) {
            refused(greedy);
        }
        // One global token is left for everybody else.
        limiter.budget(null, false).take();
        assertEquals("Rate limit exceeded for the server; retry after 1000 ms", refused(limiter.budget(null, false)).getMessage());
    }

    @Test
    void aMessageRefusedByTheServerGivesTheSessionAndCredentialTokensBack() throws RateLimited {
        RateLimiter limiter = new RateLimiter(new Rate(1, 1), new Rate(1, 2), new Rate(1, 2), now::get);
        limiter.budget(null, false).take();
        RateLimiter.Budget session = limiter.budget("alice", false);
        for (int i = 0; i < 5; i++) {
            assertEquals("Rate limit exceeded for the server; retry after 1000 ms", refused(session).getMessage());
        }
        // The session and its credential still hold both of their tokens.
        assertEquals(0, session.buckets().get(0).tryTake());
        assertEquals(0, session.buckets().get(0).tryTake());
        assertEquals(0, session.buckets().get(1).tryTake());
        assertEquals(0, session.buckets().get(1).tryTake());
        assertEquals(1000, session.buckets().get(1).tryTake());
    }

    @Test
    void theSessionsOfOneCredentialShareItsBucket() throws RateLimited {
        RateLimiter limiter = new RateLimiter(PLENTY, PLENTY, new Rate(1, 3), now::get);
        RateLimiter.Budget first = limiter.budget("alice", false);
        RateLimiter.Budget second = limiter.budget("alice", false);
        first.take();
        second.take();
        first.take();
        RateLimited e = refused(limiter.budget("alice", false));
        assertEquals("Rate limit exceeded for this credential; retry after 1000 ms", e.getMessage());
        limiter.budget("bob", false).take();
        limiter.budget(null, false).take(); // the operator's bearer and stdio have no credential bucket
    }

    @Test
    void anonymousCallersShareAQuarterOfTheGlobalRateInABucketOfTheirOwn() throws RateLimited {
        RateLimiter limiter = limiter(new Rate(8, 8), PLENTY);
        limiter.budget(null, true).take();
        limiter.budget(null, true).take();
        RateLimited e = refused(limiter.budget(null, true));
        assertEquals("Rate limit exceeded for anonymous callers; retry after 500 ms", e.getMessage());
        assertEquals("Rate limit exceeded for anonymous callers; retry after 500 ms", refused(limiter.budget(null, true)).getMessage());
        // They cannot drain the global bucket: a caller with a token still has all eight.
        RateLimiter.Budget alice = limiter.budget("alice", false);
        for (int i = 0; i < 8; i++) {
            alice.take();
        }
        assertEquals("Rate limit exceeded for the server; retry after 125 ms", refused(alice).getMessage());
        now.addAndGet(500 * MS);
        limiter.budget(null, true).take();
    }

    @Test
    void newSessionBudgetsUseTheSessionRate() throws RateLimited {
        RateLimiter.Budget session = limiter(new Rate(1000, 1000), new Rate(0.5, 3)).budget(null, false);
        session.take();
        session.take();
        session.take();
        assertEquals(2000, refused(session).retryAfterMs());
    }
}
