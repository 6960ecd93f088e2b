package dev.pacioli.platform.connectors;

import java.time.Duration;

/**
 * How one connector calls: its timeouts, its retries (used only for calls declared idempotent), and
 * its circuit breaker.
 *
 * @param connectTimeout for opening a connection
 * @param readTimeout for the whole answer, once connected
 */
public record ConnectorSettings(Duration connectTimeout, Duration readTimeout, Retry retry, Breaker breaker) {
    public static final Duration TIMEOUT_MAX = Duration.ofMinutes(10);

    public static final ConnectorSettings DEFAULTS =
            new ConnectorSettings(Duration.ofSeconds(5), Duration.ofSeconds(15), Retry.DEFAULTS, Breaker.DEFAULTS);

    public ConnectorSettings {
        Checks.require(
                Checks.within(connectTimeout, TIMEOUT_MAX) && Checks.within(readTimeout, TIMEOUT_MAX),
                "timeouts must be positive and at most " + TIMEOUT_MAX.toMinutes() + " minutes");
        Checks.require(retry != null && breaker != null, "retry and breaker settings are required");
    }

    /**
     * Retries of an idempotent call: up to {@code attemptsMax} attempts in all, waiting
     * {@code backoff}, then twice that, and so on up to {@code backoffMax}, each wait stretched or
     * shrunk at random by up to {@code jitterFraction} so that many callers do not retry together.
     */
    public record Retry(int attemptsMax, Duration backoff, Duration backoffMax, double jitterFraction) {
        public static final int ATTEMPTS_MAX = 10;
        public static final Duration BACKOFF_MAX = Duration.ofMinutes(10);
        public static final Retry DEFAULTS = new Retry(3, Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);
        /** One attempt: for callers whose own durable schedule retries (webhook deliveries). */
        public static final Retry NONE = new Retry(1, Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

        public Retry {
            Checks.require(attemptsMax >= 1 && attemptsMax <= ATTEMPTS_MAX, "attempts must be 1 to " + ATTEMPTS_MAX);
            Checks.require(
                    Checks.within(backoff, BACKOFF_MAX)
                            && Checks.within(backoffMax, BACKOFF_MAX)
                            && backoff.compareTo(backoffMax) <= 0,
                    "the backoff must be positive and at most its maximum");
            Checks.require(
                    jitterFraction >= 0 && jitterFraction < 1, "the jitter fraction must be at least 0 and below 1");
        }

        /** The wait before attempt {@code next} (2, 3, …), before jitter. */
        public Duration backoffBefore(int next) {
            long millis = backoff.toMillis() << Math.min(20, next - 2);
            return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
        }
    }

    /**
     * The circuit breaker: closed → open after {@code failures} failures in a row (the window is the
     * last {@code failures} calls) → half-open after {@code openWait} → closed after {@code successes}
     * successes in a row, or open again at the first failure.
     */
    public record Breaker(int failures, Duration openWait, int successes) {
        public static final int FAILURES_MAX = 1_000;
        public static final int SUCCESSES_MAX = 100;
        public static final Duration OPEN_WAIT_MAX = Duration.ofHours(1);
        public static final Breaker DEFAULTS = new Breaker(5, Duration.ofSeconds(30), 2);

        public Breaker {
            Checks.require(failures >= 1 && failures <= FAILURES_MAX, "breaker failures must be 1 to " + FAILURES_MAX);
            Checks.require(
                    Checks.within(openWait, OPEN_WAIT_MAX),
                    "the breaker's open wait must be positive and at most an hour");
            Checks.require(
                    successes >= 1 && successes <= SUCCESSES_MAX, "breaker successes must be 1 to " + SUCCESSES_MAX);
        }
    }

    public ConnectorSettings withTimeouts(Duration connect, Duration read) {
        return new ConnectorSettings(connect, read, retry, breaker);
    }

    public ConnectorSettings withRetry(Retry retries) {
        return new ConnectorSettings(connectTimeout, readTimeout, retries, breaker);
    }

    public ConnectorSettings withBreaker(Breaker breakerSettings) {
        return new ConnectorSettings(connectTimeout, readTimeout, retry, breakerSettings);
    }

    /**
     * The checks, outside the records: a nested record calling its outer class's static methods would
     * initialise the outer class (whose {@code DEFAULTS} needs the nested record's) in the middle of its own.
     */
    private static final class Checks {
        static boolean within(Duration duration, Duration max) {
            return duration != null && !duration.isNegative() && !duration.isZero() && duration.compareTo(max) <= 0;
        }

        static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
