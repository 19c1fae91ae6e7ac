package vaultmcp.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Limits;

/**
 * Rate limits on every message, on both transports. A session draws on a {@link Budget}: its own
 * bucket, then its credential's (one per Vault token, shared by all its sessions), then the global
 * bucket; anonymous callers draw on a small bucket of their own instead of the global one, so they
 * cannot drain it. A message one bucket refuses gives back what the buckets before took.
 */
public final class RateLimiter {
    private final TokenBucket global;
    private final TokenBucket anonymous;
    private final Rate sessionRate;
    private final Rate credentialRate;
    private final LongSupplier clock;
    private final Map<String, TokenBucket> credentials = new LinkedHashMap<>(16, 0.75f, true);

    public RateLimiter(Rate globalRate, Rate sessionRate, Rate credentialRate, LongSupplier clock) {
        this.global = new TokenBucket(globalRate.perSecond(), globalRate.burst(), clock);
        this.anonymous = new TokenBucket(globalRate.perSecond() / Limits.ANONYMOUS_SHARE,
                Math.max(1, globalRate.burst() / Limits.ANONYMOUS_SHARE), clock);
        this.sessionRate = sessionRate;
        this.credentialRate = credentialRate;
        this.clock = clock;
    }

    /** A new session's budget; {@code credential} (a token's fingerprint) null: none of its own. */
    public Budget budget(String credential, boolean anonymous) {
        TokenBucket session = new TokenBucket(sessionRate.perSecond(), sessionRate.burst(), clock);
        if (anonymous) {
            return new Budget(List.of("this session", "anonymous callers"), List.of(session, this.anonymous));
        }
        return credential == null ? new Budget(List.of("this session", "the server"), List.of(session, global))
                : new Budget(List.of("this session", "this credential", "the server"),
                        List.of(session, credentialBucket(credential), global));
    }

    private synchronized TokenBucket credentialBucket(String credential) {
        TokenBucket bucket = credentials.computeIfAbsent(credential,
                k -> new TokenBucket(credentialRate.perSecond(), credentialRate.burst(), clock));
        if (credentials.size() > Limits.CREDENTIAL_BUCKETS) {
            credentials.remove(credentials.keySet().iterator().next());
        }
        return bucket;
    }

    /** The buckets one message takes a token from, in order, each with the name its refusal gives. */
    public record Budget(List<String> scopes, List<TokenBucket> buckets) {
        /** Takes a token from every bucket, or refuses the message and gives back what it took. */
        public void take() throws RateLimited {
            for (int i = 0; i < buckets.size(); i++) {
                long wait = buckets.get(i).tryTake();
                if (wait > 0) {
                    buckets.subList(0, i).forEach(TokenBucket::giveBack);
                    throw new RateLimited(scopes.get(i), wait);
                }
            }
        }
    }
}
