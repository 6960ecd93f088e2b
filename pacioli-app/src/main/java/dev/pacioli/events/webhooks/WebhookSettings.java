package dev.pacioli.events.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the webhook dispatcher behaves. Production values are {@link #DEFAULTS} (API.md's schedule);
 * tests shrink the schedule and timeouts so a whole retry story runs in seconds.
 *
 * @param allowPlainHttp whether endpoints may use plain {@code http} to hosts other than loopback
 * @param concurrency attempts in flight at once, over all endpoints
 * @param connectTimeout for opening the connection to the endpoint
 * @param readTimeout from sending the request until the response's status arrives
 * @param retrySchedule the waits after the first, second, … failed attempt; after the last one fails
 *     the delivery has failed for good (so a delivery gets {@code retrySchedule.size() + 1} attempts)
 * @param jitterFraction each wait is stretched or shrunk by a random fraction up to this, so retries
 *     of many deliveries do not arrive together
 * @param retryAfterMax the longest {@code Retry-After} honoured
 * @param disableAfterFailing an endpoint whose every attempt failed for this long is disabled
 * @param secretOverlap how long a rotated-out secret keeps signing beside the new one
 * @param pollInterval how often the dispatcher looks for new events (due deliveries are jobs, claimed by
 *     the jobs service's runner)
 */
public record WebhookSettings(
        boolean allowPlainHttp,
        int concurrency,
        Duration connectTimeout,
        Duration readTimeout,
        List<Duration> retrySchedule,
        double jitterFraction,
        Duration retryAfterMax,
        Duration disableAfterFailing,
        Duration secretOverlap,
        Duration pollInterval) {
    public static final int CONCURRENCY_MAX = 1_000;
    public static final int RETRIES_MAX = 20;

    /** API.md: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then given up. */
    public static final List<Duration> SCHEDULE_DEFAULT = List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10));

    public static final WebhookSettings DEFAULTS = new WebhookSettings(
            false,
            16,
            Duration.ofSeconds(5),
            Duration.ofSeconds(15),
            SCHEDULE_DEFAULT,
            0.1,
            Duration.ofHours(1),
            Duration.ofDays(5),
            Duration.ofHours(24),
            Duration.ofMillis(500));

    public WebhookSettings {
        retrySchedule = List.copyOf(retrySchedule);
        require(concurrency >= 1 && concurrency <= CONCURRENCY_MAX, "concurrency must be 1 to " + CONCURRENCY_MAX);
        require(positive(connectTimeout) && positive(readTimeout), "timeouts must be positive");
        require(
                retrySchedule.size() <= RETRIES_MAX && retrySchedule.stream().allMatch(WebhookSettings::positive),
                "the retry schedule holds at most " + RETRIES_MAX + " positive waits");
        require(jitterFraction >= 0 && jitterFraction < 1, "the jitter fraction must be at least 0 and below 1");
        require(positive(retryAfterMax), "the Retry-After cap must be positive");
        require(positive(disableAfterFailing), "the failing period before disabling must be positive");
        require(!secretOverlap.isNegative(), "the secret overlap must not be negative");
        require(
                positive(pollInterval) && pollInterval.compareTo(Duration.ofMinutes(1)) <= 0,
                "the poll interval must be positive and at most a minute");
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * How long a claimed delivery is leased: the most an attempt can take, twice over. A sender that
     * dies mid-attempt leaves its delivery leased; it is due again (and sent again) after this.
     */
    public Duration lease() {
        return connectTimeout.plus(readTimeout).multipliedBy(2);
    }

    public WebhookSettings withAllowPlainHttp(boolean allow) {
        return new WebhookSettings(
                allow,
                concurrency,
                connectTimeout,
                readTimeout,
                retrySchedule,
                jitterFraction,
                retryAfterMax,
                disableAfterFailing,
                secretOverlap,
                pollInterval);
    }

    public WebhookSettings withTimeouts(Duration connect, Duration read) {
        return new WebhookSettings(
                allowPlainHttp,
                concurrency,
                connect,
                read,
                retrySchedule,
                jitterFraction,
                retryAfterMax,
                disableAfterFailing,
                secretOverlap,
                pollInterval);
    }

    public WebhookSettings withRetrySchedule(List<Duration> schedule, double jitter) {
        return new WebhookSettings(
                allowPlainHttp,
                concurrency,
                connectTimeout,
                readTimeout,
                schedule,
                jitter,
                retryAfterMax,
                disableAfterFailing,
                secretOverlap,
                pollInterval);
    }

    public WebhookSettings withRetryAfterMax(Duration max) {
        return new WebhookSettings(
                allowPlainHttp,
                concurrency,
                connectTimeout,
                readTimeout,
                retrySchedule,
                jitterFraction,
                max,
                disableAfterFailing,
                secretOverlap,
                pollInterval);
    }

    public WebhookSettings withDisableAfterFailing(Duration period) {
        return new WebhookSettings(
                allowPlainHttp,
                concurrency,
                connectTimeout,
                readTimeout,
                retrySchedule,
                jitterFraction,
                retryAfterMax,
                period,
                secretOverlap,
                pollInterval);
    }

    public WebhookSettings withSecretOverlap(Duration overlap) {
        return new WebhookSettings(
                allowPlainHttp,
                concurrency,
                connectTimeout,
                readTimeout,
                retrySchedule,
                jitterFraction,
                retryAfterMax,
                disableAfterFailing,
                overlap,
                pollInterval);
    }

    public WebhookSettings withConcurrency(int inFlight, Duration poll) {
        return new WebhookSettings(
                allowPlainHttp,
                inFlight,
                connectTimeout,
                readTimeout,
                retrySchedule,
                jitterFraction,
                retryAfterMax,
                disableAfterFailing,
                secretOverlap,
                poll);
    }

    /** {@code 500ms}, {@code 5s}, {@code 30m}, {@code 2h}, {@code 5d}: a whole number and a unit. */
    public static Duration parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < trimmed.length() && Character.isDigit(trimmed.charAt(split))) {
            split++;
        }
        if (split == 0 || split > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 5s, 30m, 2h or 5d");
        }
        long amount = Long.parseLong(trimmed.substring(0, split));
        return switch (trimmed.substring(split)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default ->
                throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 5s, 30m, 2h or 5d");
        };
    }

    /** A comma-separated list of durations: {@code 5s,5m,30m,2h,5h,10h}. */
    public static List<Duration> parseSchedule(String text) {
        List<Duration> schedule = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            schedule.add(parseDuration(part));
        }
        return schedule;
    }
}
