package dev.pacioli.platform.jobs;

import java.time.Duration;

/**
 * How the job runner behaves.
 *
 * @param pollInterval how often the runner looks for due jobs it was not told about: jobs enqueued by
 *     another instance, leases that ran out. Jobs enqueued in this process ({@link Jobs#wake()}) and
 *     the retries this runner scheduled itself are picked up when due, without waiting for a poll.
 * @param retention how long a succeeded job is kept (visible, and deduplicating its key); failed ones
 *     are kept until their capability requeues them
 */
public record JobSettings(Duration pollInterval, Duration retention) {
    public static final JobSettings DEFAULTS = new JobSettings(Duration.ofMillis(500), Duration.ofDays(7));

    public JobSettings {
        if (pollInterval == null
                || pollInterval.isNegative()
                || pollInterval.isZero()
                || pollInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("the jobs poll interval must be positive and at most a minute");
        }
        if (retention == null || retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("the jobs retention must be at least a minute");
        }
    }
}
