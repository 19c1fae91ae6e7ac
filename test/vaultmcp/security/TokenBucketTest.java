package vaultmcp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** The injected clock, in nanoseconds; starts far from zero so no arithmetic leans on zero. */
    private final AtomicLong now = new AtomicLong(123_456_789_000L);

    private TokenBucket bucket(double perSecond, int burst) {
        return new TokenBucket(perSecond, burst, now::get);
    }

    private static void takes(TokenBucket bucket, int n) {
        for (int i = 0; i < n; i++) {
            assertEquals(0, bucket.tryTake(), "token " + (i + 1));
        }
    }

    @Test
    void startsFullAndGivesExactlyTheBurst() {
        TokenBucket b = bucket(10, 20);
        takes(b, 20);
        assertEquals(100, b.tryTake());
        assertEquals(100, b.tryTake(), "a refusal costs nothing");
    }

    @Test
    void refillsOneTokenAfterExactlyOneOverTheRate() {
        TokenBucket b = bucket(10, 2);
        takes(b, 2);
        now.addAndGet(100 * MS - 1);
        assertEquals(1, b.tryTake(), "1 ns short of 100 ms: refused, retry in 1 ms");
        now.addAndGet(1);
        assertEquals(0, b.tryTake());
        assertEquals(100, b.tryTake());
    }

    @Test
    void refillsAtAFractionalRate() {
        TokenBucket b = bucket(0.5, 1);
        takes(b, 1);
        assertEquals(2000, b.tryTake());
        now.addAndGet(SECOND);
        assertEquals(1000, b.tryTake(), "half a token after one second");
        now.addAndGet(SECOND - 1);
        assertEquals(1, b.tryTake());
        now.addAndGet(1);
        assertEquals(0, b.tryTake());
        assertEquals(2000, b.tryTake());
    }

    @Test
    void givesTheRetryHintInWholeMillisecondsRoundedUp() {
        TokenBucket b = bucket(3, 1);
        takes(b, 1);
        assertEquals(334, b.tryTake(), "1/3 s is 333.3 ms: wait 334");
        now.addAndGet(333 * MS);
        assertEquals(1, b.tryTake());
        now.addAndGet(MS);
        assertEquals(0, b.tryTake());
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        TokenBucket b = bucket(1000, 3);
        takes(b, 3);
        now.addAndGet(3600 * SECOND);
        takes(b, 3);
        assertEquals(1, b.tryTake());
    }

    @Test
    void refillsInProportionToTheTimePassed() {
        TokenBucket b = bucket(4, 8);
        takes(b, 8);
        now.addAndGet(SECOND);
        takes(b, 4);
        assertEquals(250, b.tryTake());
    }

    @Test
    void givesBackAToken() {
        TokenBucket b = bucket(1, 2);
        takes(b, 2);
        b.giveBack();
        takes(b, 1);
        assertEquals(1000, b.tryTake());
    }

    @Test
    void givingBackNeverExceedsTheBurst() {
        TokenBucket b = bucket(1, 2);
        b.giveBack();
        b.giveBack();
        takes(b, 2);
        assertEquals(1000, b.tryTake());
    }
}
