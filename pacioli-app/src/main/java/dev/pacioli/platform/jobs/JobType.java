package dev.pacioli.platform.jobs;

import java.time.Duration;

/**
 * A kind of job and how it runs.
 *
 * @param name stored in each job's {@code type}: lower case, dots and underscores ({@code webhook.delivery})
 * @param concurrency attempts of this type in flight at once in one runner
 * @param lease how long a claim holds a job before another runner may take it; the runner renews
 *     the leases of the attempts it is running every third of it, so only a runner that died (or
 *     lost its database) lets one run out
 * @param attemptsMax attempts before a job is failed for good
 * @param backoff the wait after each failed attempt
 */
public record JobType(
        String name, int concurrency, Duration lease, int attemptsMax, Backoff backoff, JobHandler handler) {
    public static final int CONCURRENCY_MAX = 1_000;
    public static final Duration LEASE_MIN = Duration.ofMillis(300);

    public JobType {
        require(name != null && name.matches("[a-z][a-z0-9_.]{0,63}"), "a job type is lower case: " + name);
        require(concurrency >= 1 && concurrency <= CONCURRENCY_MAX, "concurrency must be 1 to " + CONCURRENCY_MAX);
        require(lease != null && lease.compareTo(LEASE_MIN) >= 0, "a lease is at least " + LEASE_MIN);
        require(attemptsMax >= 1, "a job has at least one attempt");
        require(backoff != null && handler != null, "a job type needs a backoff and a handler");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
