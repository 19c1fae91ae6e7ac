package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Secret;
import vaultmcp.security.RateLimiter;

class HttpSessionsTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(42 * SECOND);
    private final RateLimiter limiter = new RateLimiter(new Rate(100, 100), new Rate(1, 1), now::get);

    private HttpSessions sessions(int max) {
        return new HttpSessions(max, Duration.ofMinutes(30), limiter, now::get);
    }

    @Test
    void issuesUnguessableVisibleAsciiIds() {
        HttpSessions table = sessions(10);
        String a = table.open(HttpAuth.ANONYMOUS).session.id();
        String b = table.open(HttpAuth.ANONYMOUS).session.id();
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
        assertTrue(!a.equals(b));
    }

    @Test
    void keepsTheCallerAndItsTokenWithTheSession() {
        HttpAuth.Caller caller = new HttpAuth.Caller(new Secret("s.token"), new byte[32]);
        HttpSessions.Entry entry = sessions(10).open(caller);
        assertSame(caller, entry.caller);
        assertSame(caller.vaultToken(), entry.session.vaultToken());
    }

    @Test
    void refusesANewSessionWhenFullWithoutEvictingALiveOne() {
        HttpSessions table = sessions(2);
        String a = table.open(HttpAuth.ANONYMOUS).session.id();
        now.addAndGet(29 * 60 * SECOND);
        String b = table.open(HttpAuth.ANONYMOUS).session.id();
        assertNull(table.open(HttpAuth.ANONYMOUS));
        assertNotNull(table.find(a));
        assertNotNull(table.find(b));
    }

    @Test
    void dropsExpiredSessionsToMakeRoom() {
        HttpSessions table = sessions(1);
        String old = table.open(HttpAuth.ANONYMOUS).session.id();
        now.addAndGet(30 * 60 * SECOND + 1);
        assertNotNull(table.open(HttpAuth.ANONYMOUS));
        assertNull(table.find(old));
        assertEquals(1, table.size());
    }

    @Test
    void expiresASessionIdleLongerThanTheTimeoutAndKeepsAUsedOne() {
        HttpSessions table = sessions(10);
        String used = table.open(HttpAuth.ANONYMOUS).session.id();
        String idle = table.open(HttpAuth.ANONYMOUS).session.id();
        now.addAndGet(20 * 60 * SECOND);
        assertNotNull(table.find(used));
        now.addAndGet(20 * 60 * SECOND);
        assertNotNull(table.find(used));
        assertNull(table.find(idle));
        assertEquals(1, table.size());
    }

    @Test
    void forgetsAClosedSession() {
        HttpSessions table = sessions(10);
        String id = table.open(HttpAuth.ANONYMOUS).session.id();
        table.close(id);
        assertNull(table.find(id));
        assertEquals(0, table.size());
    }
}
