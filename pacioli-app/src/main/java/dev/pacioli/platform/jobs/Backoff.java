package dev.pacioli.platform.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a job waits after a failed attempt: a schedule (the wait after the first, second, …
 * failure) or an exponential curve, each stretched or shrunk by a random fraction up to
 * {@code jitterFraction}, so the retries of many jobs that failed together do not arrive together.
 */
public record Backoff(List<Duration> schedule, Duration base, Duration max, double jitterFraction) {
    public Backoff {
        schedule = schedule == null ? null : List.copyOf(schedule);
        if ((schedule == null) == (base == null)) {
            throw new IllegalArgumentException("a backoff is a schedule or an exponential curve");
        }
        if (jitterFraction < 0 || jitterFraction >= 1) {
            throw new IllegalArgumentException("the jitter fraction must be at least 0 and below 1");
        }
    }

    /** The waits after the first, second, … failed attempt; the last repeats. */
    public static Backoff schedule(List<Duration> waits, double jitterFraction) {
        if (waits.isEmpty()) {
            throw new IllegalArgumentException("a schedule holds at least one wait");
        }
        return new Backoff(waits, null, null, jitterFraction);
    }

    /** {@code base}, doubled after each failure, at most {@code max}. */
    public static Backoff exponential(Duration base, Duration max, double jitterFraction) {
        return new Backoff(null, base, max, jitterFraction);
    }

    /** The wait after the {@code attempt}th failed attempt (1 for the first), in seconds, jittered. */
    public double waitSeconds(int attempt) {
        Duration wait;
        if (schedule != null) {
            wait = schedule.get(Math.min(Math.max(attempt, 1), schedule.size()) - 1);
        } else {
            long millis = Math.min(base.toMillis(), max.toMillis());
            for (int doubling = 1; doubling < attempt && millis < max.toMillis(); doubling++) {
                millis = Math.min(millis * 2, max.toMillis());
            }
            wait = Duration.ofMillis(millis);
        }
        double factor =
                jitterFraction == 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-jitterFraction, jitterFraction);
        return wait.toMillis() * factor / 1_000.0;
    }
}
