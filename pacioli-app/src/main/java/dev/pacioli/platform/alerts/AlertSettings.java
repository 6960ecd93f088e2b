package dev.pacioli.platform.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * How alerts behave. Production values are {@link #DEFAULTS}; tests shrink the schedule and timeouts so
 * a whole retry story runs in seconds.
 *
 * @param renotify an open alert raised again is sent again once this has passed since it was last sent
 * @param retrySchedule the waits after the first, second, … failed attempt of a delivery; after the
 *     last one fails the delivery has failed for good
 * @param jitterFraction each wait is stretched or shrunk by a random fraction up to this
 * @param concurrency delivery attempts in flight at once in one jobs runner
 * @param lease the delivery job's lease: longer than the slowest attempt (connect plus read timeout)
 * @param watchInterval how often the sources' condition checks run (a writer stopped, an endpoint
 *     disabled)
 * @param mailSockets the TLS sockets for STARTTLS, or null for the JVM's (its trust store decides which
 *     SMTP servers are trusted; tests hand in one that trusts their own server)
 */
public record AlertSettings(
        Duration renotify,
        List<Duration> retrySchedule,
        double jitterFraction,
        int concurrency,
        Duration connectTimeout,
        Duration readTimeout,
        Duration lease,
        Duration watchInterval,
        SSLSocketFactory mailSockets) {
    public static final int RETRIES_MAX = 30;
    public static final int CONCURRENCY_MAX = 100;

    /**
     * About three days of trying, so a channel that is down over a weekend loses nothing: 10 s, 1 min,
     * 5 min, 15 min, then every three hours.
     */
    public static final List<Duration> SCHEDULE_DEFAULT = schedule();

    public static final AlertSettings DEFAULTS = new AlertSettings(
            Duration.ofHours(1),
            SCHEDULE_DEFAULT,
            0.1,
            8,
            Duration.ofSeconds(5),
            Duration.ofSeconds(15),
            Duration.ofMinutes(2),
            Duration.ofSeconds(5),
            null);

    public AlertSettings {
        retrySchedule = List.copyOf(retrySchedule);
        require(positive(renotify), "the re-notify interval must be positive");
        require(
                retrySchedule.size() <= RETRIES_MAX && retrySchedule.stream().allMatch(AlertSettings::positive),
                "the retry schedule holds at most " + RETRIES_MAX + " positive waits");
        require(jitterFraction >= 0 && jitterFraction < 1, "the jitter fraction must be at least 0 and below 1");
        require(concurrency >= 1 && concurrency <= CONCURRENCY_MAX, "concurrency must be 1 to " + CONCURRENCY_MAX);
        require(positive(connectTimeout) && positive(readTimeout), "timeouts must be positive");
        require(
                positive(lease) && lease.compareTo(connectTimeout.plus(readTimeout)) > 0,
                "the lease must outlast an attempt (connect plus read timeout)");
        require(
                positive(watchInterval) && watchInterval.compareTo(Duration.ofMinutes(1)) <= 0,
                "the watch interval must be positive and at most a minute");
    }

    private static List<Duration> schedule() {
        List<Duration> waits = new ArrayList<>(
                List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15)));
        while (waits.size() < RETRIES_MAX) {
            waits.add(Duration.ofHours(3));
        }
        return List.copyOf(waits);
    }

    /** The same with another schedule and watch interval, without jitter: what tests use. */
    public AlertSettings withSchedule(List<Duration> schedule, Duration watch) {
        return new AlertSettings(
                renotify, schedule, 0, concurrency, connectTimeout, readTimeout, lease, watch, mailSockets);
    }

    public AlertSettings withMailSockets(SSLSocketFactory sockets) {
        return new AlertSettings(
                renotify,
                retrySchedule,
                jitterFraction,
                concurrency,
                connectTimeout,
                readTimeout,
                lease,
                watchInterval,
                sockets);
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("alert settings: " + message);
        }
    }
}
