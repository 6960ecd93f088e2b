package dev.pacioli.platform;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per API key: {@code ratePerSecond} requests a second on average, bursts up to
 * {@code burst}. Off when the rate is 0, the default. Time comes from {@link System#nanoTime()}, which
 * never goes backwards.
 */
public final class RateLimiter {
    private final long ratePerSecond;
    private final long burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(long ratePerSecond, long burst) {
        if (ratePerSecond < 0 || (ratePerSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("the rate limit needs a rate >= 0 and a burst >= 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
    }

    public boolean enabled() {
        return ratePerSecond > 0;
    }

    /** 0 when the request may proceed, else the whole seconds to wait before a token is free. */
    public long acquire(String keyId) {
        if (!enabled()) {
            return 0;
        }
        return buckets.computeIfAbsent(keyId, id -> new Bucket()).take(System.nanoTime());
    }

    private final class Bucket {
        private static final long NANOS_PER_SECOND = 1_000_000_000L;

        /** Tokens scaled by one second of nanoseconds, so refills stay in integers. */
        private long scaledTokens = burst * NANOS_PER_SECOND;

        private long refilledAtNanos = System.nanoTime();

        synchronized long take(long nowNanos) {
            long elapsed = Math.max(0, nowNanos - refilledAtNanos);
            refilledAtNanos = nowNanos;
            long capacity = burst * NANOS_PER_SECOND;
            scaledTokens = Math.min(capacity, saturatedAdd(scaledTokens, saturatedMultiply(elapsed, ratePerSecond)));
            if (scaledTokens >= NANOS_PER_SECOND) {
                scaledTokens -= NANOS_PER_SECOND;
                return 0;
            }
            long missingNanos = (NANOS_PER_SECOND - scaledTokens + ratePerSecond - 1) / ratePerSecond;
            return Math.max(1, (missingNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        return high != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }
}
