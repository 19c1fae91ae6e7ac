package vaultmcp.security;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code burst} tokens, refilled at {@code perSecond}; each request takes one. The clock
 * (nanoseconds, System::nanoTime in production) is injected so tests can prove the rates exactly.
 */
public final class TokenBucket {
    private static final double NANOS = 1_000_000_000d;

    private final double perSecond;
    private final double burst;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    public TokenBucket(double perSecond, int burst, LongSupplier clock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.getAsLong();
    }

    /** Takes a token if one is there; returns 0 on success, else the milliseconds until one will be. */
    public synchronized long tryTake() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / NANOS * perSecond);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1000));
    }

    /** Gives back a token taken by {@link #tryTake()} for a request that was then refused elsewhere. */
    public synchronized void giveBack() {
        tokens = Math.min(burst, tokens + 1);
    }
}
