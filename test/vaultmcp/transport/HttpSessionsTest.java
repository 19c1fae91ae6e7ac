package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.security.RateLimited;
import vaultmcp.security.RateLimiter;

class HttpSessionsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final HttpAuth.Caller ALICE = new HttpAuth.Caller(new Secret("s.alice"), new byte[] {1}, false, false);
    private static final HttpAuth.Caller BOB = new HttpAuth.Caller(new Secret("s.bob"), new byte[] {2}, false, false);

    private final AtomicLong now = new AtomicLong(42 * SECOND);
    /** The tokens of JWT logins HttpSessions said no session uses any more, in order. */
    private final List<Secret> ended = new ArrayList<>();
    private final RateLimiter limiter = new RateLimiter(new Rate(100, 100), new Rate(1, 1), new Rate(2, 2), now::get);

    private HttpSessions sessions(int max) {
        return sessions(max, 10);
    }

    private HttpSessions sessions(int max, int perCredential) {
        return new HttpSessions(max, perCredential, Duration.ofMinutes(30), limiter, now::get, ended::add);
    }

    private static void assertGone(HttpSessions table, String id) {
        HttpError e = assertThrows(HttpError.class, () -> table.find(id, HttpAuth.ANONYMOUS));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().startsWith("Session not found"), e.getMessage());
    }

    @Test
    void issuesUnguessableVisibleAsciiIds() throws HttpError {
        HttpSessions table = sessions(10);
        String a = table.open(HttpAuth.ANONYMOUS).id();
        String b = table.open(HttpAuth.ANONYMOUS).id();
        // base64url without padding: 4 characters per 3 bytes, rounded up; 32 bytes give 43.
        assertTrue(a.matches("[A-Za-z0-9_-]{" + (Limits.SESSION_ID_BYTES * 4 + 2) / 3 + "}"), a);
        assertTrue(!a.equals(b));
    }

    @Test
    void keepsTheCallersTokenWithTheSession() throws HttpError {
        HttpSessions table = sessions(10);
        String id = table.open(ALICE).id();
        assertSame(ALICE.vaultToken(), table.find(id, ALICE).vaultToken());
        HttpAuth.Caller sameCredential = new HttpAuth.Caller(new Secret("s.alice"), new byte[] {1}, false, false);
        assertSame(ALICE.vaultToken(), table.find(id, sameCredential).vaultToken());
    }

    @Test
    void refusesAnotherCallerWith403AndAnAnonymousOneWith401() throws HttpError {
        HttpSessions table = sessions(10);
        String id = table.open(ALICE).id();
        HttpError other = assertThrows(HttpError.class, () -> table.find(id, BOB));
        assertEquals(403, other.status());
        assertEquals("Forbidden: this session was opened with another credential", other.getMessage());
        HttpError anonymous = assertThrows(HttpError.class, () -> table.find(id, HttpAuth.ANONYMOUS));
        assertEquals(401, anonymous.status());
        assertEquals("Unauthorized: this session needs the credential it was opened with", anonymous.getMessage());
        String open = table.open(HttpAuth.ANONYMOUS).id();
        assertEquals(403, assertThrows(HttpError.class, () -> table.find(open, ALICE)).status());
    }

    @Test
    void aRefusedCallerDoesNotKeepTheSessionAlive() throws HttpError {
        HttpSessions table = sessions(10);
        String id = table.open(ALICE).id();
        now.addAndGet(20 * 60 * SECOND);
        assertThrows(HttpError.class, () -> table.find(id, BOB));
        now.addAndGet(20 * 60 * SECOND);
        assertGone(table, id);
    }

    @Test
    void refusesANewSessionWhenFullWithoutEvictingALiveOneWithCredentials() throws HttpError {
        HttpSessions table = sessions(2);
        String a = table.open(ALICE).id();
        now.addAndGet(29 * 60 * SECOND);
        String b = table.open(BOB).id();
        assertNull(table.open(HttpAuth.ANONYMOUS));
        assertNull(table.open(ALICE));
        assertNotNull(table.find(a, ALICE));
        assertNotNull(table.find(b, BOB));
    }

    @Test
    void anonymousSessionsCannotLockOutCallersWithAToken() throws HttpError {
        HttpSessions table = sessions(3);
        String alice = table.open(ALICE).id();
        String first = table.open(HttpAuth.ANONYMOUS).id();
        now.addAndGet(SECOND);
        String second = table.open(HttpAuth.ANONYMOUS).id();
        now.addAndGet(SECOND);
        assertNotNull(table.open(BOB), "the least recently used anonymous session made room");
        assertGone(table, first);
        assertNotNull(table.find(second, HttpAuth.ANONYMOUS));
        assertNotNull(table.find(alice, ALICE));
        assertNotNull(table.open(HttpAuth.ANONYMOUS), "an anonymous caller replaces another anonymous one");
        assertGone(table, second);
    }

    @Test
    void dropsExpiredSessionsToMakeRoom() throws HttpError {
        HttpSessions table = sessions(1);
        String old = table.open(HttpAuth.ANONYMOUS).id();
        now.addAndGet(30 * 60 * SECOND + 1);
        assertNotNull(table.open(HttpAuth.ANONYMOUS));
        assertGone(table, old);
        assertEquals(1, table.size());
    }

    @Test
    void expiresASessionIdleLongerThanTheTimeoutAndKeepsAUsedOne() throws HttpError {
        HttpSessions table = sessions(10);
        String used = table.open(HttpAuth.ANONYMOUS).id();
        String idle = table.open(HttpAuth.ANONYMOUS).id();
        now.addAndGet(20 * 60 * SECOND);
        assertNotNull(table.find(used, HttpAuth.ANONYMOUS));
        now.addAndGet(20 * 60 * SECOND);
        assertNotNull(table.find(used, HttpAuth.ANONYMOUS));
        assertGone(table, idle);
        assertEquals(1, table.size());
    }

    @Test
    void forgetsAClosedSession() throws HttpError {
        HttpSessions table = sessions(10);
        String id = table.open(HttpAuth.ANONYMOUS).id();
        table.close(id);
        assertGone(table, id);
        assertEquals(0, table.size());
    }

    @Test
    void capsTheSessionsOfOneTokenButNotThoseOfTheOperatorsBearer() throws HttpError {
        HttpSessions table = sessions(10, 2);
        String first = table.open(ALICE).id();
        table.open(ALICE);
        HttpError e = assertThrows(HttpError.class, () -> table.open(ALICE));
        assertEquals(429, e.status());
        assertEquals("Too Many Requests: this token has 2 open sessions (MCP_MAX_SESSIONS_PER_CREDENTIAL); end one with DELETE first",
                e.getMessage());
        assertNotNull(table.open(BOB), "another token has its own count");
        HttpAuth.Caller gateway = new HttpAuth.Caller(new Secret("server-token"), new byte[] {9}, true, false);
        for (int i = 0; i < 3; i++) {
            assertNotNull(table.open(gateway), "a gateway fronts many agents with the operator's bearer");
        }
        table.close(first);
        assertNotNull(table.open(ALICE));
    }

    @Test
    void theSessionsOfOneTokenShareItsRateLimitAndAnonymousOnesDoNotTouchTheGlobalBucket() throws Exception {
        HttpSessions table = sessions(10);
        table.open(ALICE).budget().take();
        table.open(ALICE).budget().take();
        assertEquals("Rate limit exceeded for this credential; retry after 500 ms",
                assertThrows(RateLimited.class, () -> table.open(ALICE).budget().take()).getMessage());
        table.open(BOB).budget().take();
        assertEquals(List.of("this session", "anonymous callers"), table.open(HttpAuth.ANONYMOUS).budget().scopes());
        assertEquals(List.of("this session", "this credential", "the server"), table.budget(ALICE).scopes());
    }
    private static HttpAuth.Caller jwtCaller(String token, int entity) {
        return new HttpAuth.Caller(new Secret(token), new byte[] {(byte) entity}, false, true);
    }

    @Test
    void aJwtCallersSessionTakesTheTokenOfItsNewestLoginAndTheOneBeforeEndsAtTheNext() throws HttpError {
        HttpSessions table = sessions(10);
        HttpAuth.Caller first = jwtCaller("hvs.first", 5);
        HttpAuth.Caller refreshed = jwtCaller("hvs.refreshed", 5);
        HttpAuth.Caller third = jwtCaller("hvs.third", 5);
        String id = table.open(first).id();
        assertSame(first.vaultToken(), table.find(id, first).vaultToken());
        assertSame(refreshed.vaultToken(), table.find(id, refreshed).vaultToken(), "same entity: an OAuth refresh");
        assertEquals(List.of(), ended, "a call that began with the first token may still be running");
        assertSame(refreshed.vaultToken(), table.find(id, refreshed).vaultToken());
        assertSame(third.vaultToken(), table.find(id, third).vaultToken());
        assertEquals(List.of(first.vaultToken()), ended, "two logins later, no session holds the first token");
        assertEquals(403, assertThrows(HttpError.class, () -> table.find(id, jwtCaller("hvs.other", 6))).status());
        table.close(id);
        assertEquals(List.of(first.vaultToken(), third.vaultToken(), refreshed.vaultToken()), ended);
    }

    @Test
    void aJwtLoginsTokenEndsWithTheLastSessionThatUsesItByCloseOrIdleExpiry() throws HttpError {
        HttpSessions table = sessions(10);
        HttpAuth.Caller alice = jwtCaller("hvs.alice", 5);
        String one = table.open(alice).id();
        String two = table.open(alice).id();
        table.close(one);
        assertEquals(List.of(), ended, "the other session still uses it");
        table.close(two);
        assertEquals(List.of(alice.vaultToken()), ended);
        HttpAuth.Caller bob = jwtCaller("hvs.bob", 6);
        String idle = table.open(bob).id();
        now.addAndGet(30 * 60 * SECOND + 1);
        table.open(HttpAuth.ANONYMOUS);
        assertGone(table, idle);
        assertEquals(List.of(alice.vaultToken(), bob.vaultToken()), ended, "swept when the next session opened");
        String own = table.open(ALICE).id();
        table.close(own);
        assertEquals(2, ended.size(), "a caller's own X-Vault-Token is never revoked by us");
    }
}
