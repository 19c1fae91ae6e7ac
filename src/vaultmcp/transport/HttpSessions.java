package vaultmcp.transport;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import vaultmcp.mcp.Session;
import vaultmcp.security.RateLimiter;

/**
 * The open HTTP sessions. Ids are 32 bytes from a CSPRNG in base64url (visible ASCII). A session
 * ends on DELETE or after an idle time, and there are at most a fixed number: a full table refuses
 * a new session (after dropping expired ones) rather than evict a live one. Each session keeps
 * its own rate-limit bucket, so the buckets go away with it.
 */
final class HttpSessions {
    /** An open session and the caller it is bound to. */
    static final class Entry {
        final Session session;
        final HttpAuth.Caller caller;
        long lastUsed;

        Entry(Session session, HttpAuth.Caller caller, long now) {
            this.session = session;
            this.caller = caller;
            this.lastUsed = now;
        }
    }

    private final Map<String, Entry> table = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final int max;
    private final long idleNanos;
    private final RateLimiter limiter;
    private final LongSupplier clock;

    HttpSessions(int max, Duration idle, RateLimiter limiter, LongSupplier clock) {
        this.max = max;
        this.idleNanos = idle.toNanos();
        this.limiter = limiter;
        this.clock = clock;
    }

    /** A new session for the caller, or null when the table is full. */
    synchronized Entry open(HttpAuth.Caller caller) {
        long now = clock.getAsLong();
        table.values().removeIf(e -> now - e.lastUsed > idleNanos);
        if (table.size() >= max) {
            return null;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Entry entry = new Entry(new Session(id, caller.vaultToken(), limiter.newSessionBucket()), caller, now);
        table.put(id, entry);
        return entry;
    }

    /** The live session with this id, marked as used now; null if unknown, ended or expired. */
    synchronized Entry find(String id) {
        Entry entry = table.get(id);
        long now = clock.getAsLong();
        if (entry != null && now - entry.lastUsed > idleNanos) {
            table.remove(id);
            return null;
        }
        if (entry != null) {
            entry.lastUsed = now;
        }
        return entry;
    }

    synchronized void close(String id) {
        table.remove(id);
    }

    synchronized int size() {
        return table.size();
    }
}
