package vaultmcp.transport;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.mcp.Session;
import vaultmcp.security.RateLimiter;

/**
 * The open HTTP sessions. Ids are {@link Limits#SESSION_ID_BYTES} bytes from a CSPRNG in base64url
 * (visible ASCII). A session is bound to the caller that opened it, ends on DELETE or after an idle
 * time, and there are at most a fixed number, and a fixed number per Vault token: a full table
 * refuses a new session (after dropping expired ones and the least recently used anonymous one)
 * rather than evict a live one with credentials, which Vault has accepted ({@link HttpAuth#verify}).
 * A JWT caller's session uses the token of its newest login (after an OAuth refresh); the one before stays
 * for the calls that began with it until the next login. A JWT login's token that no session holds any
 * more, the session having ended or moved on twice, goes to {@code ended}.
 */
final class HttpSessions {
    /** {@code previous}: a JWT caller's token before its newest login, kept for the calls that began with it. */
    private record Entry(Session session, HttpAuth.Caller caller, long lastUsed, Secret previous) {}

    private final Map<String, Entry> table = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final int max;
    private final int perCredential;
    private final long idleNanos;
    private final RateLimiter limiter;
    private final LongSupplier clock;
    private final Consumer<Secret> ended;

    HttpSessions(int max, int perCredential, Duration idle, RateLimiter limiter, LongSupplier clock,
            Consumer<Secret> ended) {
        this.max = max;
        this.perCredential = perCredential;
        this.idleNanos = idle.toNanos();
        this.limiter = limiter;
        this.clock = clock;
        this.ended = ended;
    }

    /** A new session for the caller, or null when the table is full; 429 when its token has its most sessions. */
    synchronized Session open(HttpAuth.Caller caller) throws HttpError {
        long now = clock.getAsLong();
        table.values().stream().filter(e -> now - e.lastUsed() > idleNanos).toList()
                .forEach(e -> close(e.session().id()));
        // The operator's bearer is not counted: a gateway fronts many agents with it.
        String credential = caller.credential();
        if (credential != null && table.values().stream().filter(e -> e.caller().same(caller)).count()
                >= perCredential) {
            throw new HttpError(429, "Too Many Requests: this token has " + perCredential
                    + " open sessions (MCP_MAX_SESSIONS_PER_CREDENTIAL); end one with DELETE first");
        }
        if (table.size() >= max) {
            // A session without credentials reaches nothing in Vault: the least recently used one
            // makes room, so anonymous callers cannot lock out callers with a token.
            table.entrySet().stream().filter(e -> e.getValue().caller().anonymous())
                    .min(Comparator.comparingLong(e -> e.getValue().lastUsed()))
                    .map(Map.Entry::getKey).ifPresent(table::remove);
        }
        if (table.size() >= max) {
            return null;
        }
        byte[] bytes = new byte[Limits.SESSION_ID_BYTES];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Session session = new Session(id, caller.vaultToken(), budget(caller));
        table.put(id, new Entry(session, caller, now, null));
        return session;
    }

    /** The live session with this id, marked as used now, if {@code caller} is the one that opened it. */
    synchronized Session find(String id, HttpAuth.Caller caller) throws HttpError {
        Entry entry = table.get(id);
        long now = clock.getAsLong();
        if (entry == null || now - entry.lastUsed() > idleNanos) {
            close(id);
            throw new HttpError(404, "Session not found: it ended or expired; send initialize without Mcp-Session-Id");
        }
        if (!entry.caller().same(caller)) {
            // A leaked session id is useless without the credential that opened the session.
            throw caller.anonymous()
                    ? new HttpError(401, "Unauthorized: this session needs the credential it was opened with")
                    : new HttpError(403, "Forbidden: this session was opened with another credential");
        }
        Secret older = entry.caller().vaultToken();
        boolean newer = caller.exchanged() && caller.vaultToken() != older;
        table.put(id, new Entry(entry.session(), newer ? caller : entry.caller(), now,
                newer ? older : entry.previous()));
        if (newer) {
            entry.session().vaultToken(caller.vaultToken());
            release(entry.previous());
        }
        return entry.session();
    }

    /** The budget of a caller's message without a session: a new session bucket, its credential's, the shared one. */
    RateLimiter.Budget budget(HttpAuth.Caller caller) {
        return limiter.budget(caller.credential(), caller.anonymous());
    }

    synchronized void close(String id) {
        Entry gone = table.remove(id);
        if (gone != null) {
            release(gone.caller().exchanged() ? gone.caller().vaultToken() : null);
            release(gone.previous());
        }
    }

    /** Hands a JWT login's token to {@code ended} once no session holds it, as its current or previous one. */
    private void release(Secret token) {
        if (token != null && table.values().stream().noneMatch(e -> e.caller().vaultToken() == token
                || e.previous() == token)) {
            ended.accept(token);
        }
    }

    synchronized int size() {
        return table.size();
    }
}
