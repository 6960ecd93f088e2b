package dev.pacioli.events.nats;

import dev.pacioli.postgres.Page;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the NATS publisher runs. Validated whole at construction, with messages that name the setting.
 *
 * @param url the NATS server, {@code nats://host:4222} (or a comma-separated list of servers)
 * @param stream the JetStream stream, created if missing
 * @param subjectPrefix the first subject token(s); the stream captures {@code <prefix>.>}
 * @param duplicateWindow the deduplication window of a stream this publisher creates: republishing
 *     after a crash is deduplicated only within it
 * @param pageSize events read from the journal per ledger per round
 * @param outstandingAcksMax publishes awaiting their acknowledgement at once; at most {@code pageSize}
 * @param ackTimeout how long one acknowledgement may take before the connection is considered broken
 * @param pollInterval how often idle ledgers are checked for new events
 * @param backoffMin the first wait after a failure, doubled per consecutive failure
 * @param backoffMax the longest wait between attempts
 */
public record NatsOptions(
        String url,
        String stream,
        String subjectPrefix,
        Duration duplicateWindow,
        int pageSize,
        int outstandingAcksMax,
        Duration ackTimeout,
        Duration pollInterval,
        Duration backoffMin,
        Duration backoffMax) {
    public static final String STREAM_DEFAULT = "PACIOLI";
    /** JetStream's own default; long enough for a restarted service to republish its unsaved tail. */
    public static final Duration DUPLICATE_WINDOW_DEFAULT = Duration.ofMinutes(2);
    /** Below this, an ordinary restart could outlast the window and duplicates would reach consumers. */
    public static final Duration DUPLICATE_WINDOW_MIN = Duration.ofMinutes(1);

    public static final int PAGE_SIZE_DEFAULT = 500;
    public static final int OUTSTANDING_ACKS_DEFAULT = 256;
    public static final Duration ACK_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
    public static final Duration POLL_INTERVAL_DEFAULT = Duration.ofMillis(200);
    public static final Duration BACKOFF_MIN_DEFAULT = Duration.ofMillis(250);
    public static final Duration BACKOFF_MAX_DEFAULT = Duration.ofSeconds(30);

    /** JetStream stream names: no whitespace, dots, wildcards or path separators. */
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public NatsOptions {
        Objects.requireNonNull(url, "url");
        if (url.isBlank()) {
            throw new IllegalArgumentException("PACIOLI_NATS_URL is empty; give nats://host:4222 or leave it unset");
        }
        if (stream == null || !STREAM.matcher(stream).matches()) {
            throw new IllegalArgumentException(
                    "PACIOLI_NATS_STREAM must be 1 to 64 of A-Z a-z 0-9 _ -, not '" + stream + "'");
        }
        if (subjectPrefix == null || !NatsSubjects.PREFIX.matcher(subjectPrefix).matches()) {
            throw new IllegalArgumentException(
                    "the NATS subject prefix must be dot-separated tokens of A-Z a-z 0-9 _ -, not '" + subjectPrefix
                            + "'");
        }
        requireAtLeast("the NATS duplicate window", duplicateWindow, DUPLICATE_WINDOW_MIN);
        if (pageSize < 1 || pageSize > Page.LIMIT_MAX) {
            throw new IllegalArgumentException(
                    "the NATS page size is 1 to " + Page.LIMIT_MAX + " events, not " + pageSize);
        }
        // The window drains at the end of every page, so a larger one could never fill.
        if (outstandingAcksMax < 1 || outstandingAcksMax > pageSize) {
            throw new IllegalArgumentException("the NATS outstanding acknowledgements are 1 to the page size ("
                    + pageSize + "), not " + outstandingAcksMax);
        }
        requireAtLeast("the NATS acknowledgement timeout", ackTimeout, Duration.ofMillis(100));
        requireAtLeast("the NATS poll interval", pollInterval, Duration.ofMillis(1));
        requireAtLeast("the NATS minimum backoff", backoffMin, Duration.ofMillis(1));
        requireAtLeast("the NATS maximum backoff", backoffMax, backoffMin);
    }

    /** The defaults, publishing to {@code url}. */
    public static NatsOptions of(String url) {
        return new NatsOptions(
                url,
                STREAM_DEFAULT,
                NatsSubjects.PREFIX_DEFAULT,
                DUPLICATE_WINDOW_DEFAULT,
                PAGE_SIZE_DEFAULT,
                OUTSTANDING_ACKS_DEFAULT,
                ACK_TIMEOUT_DEFAULT,
                POLL_INTERVAL_DEFAULT,
                BACKOFF_MIN_DEFAULT,
                BACKOFF_MAX_DEFAULT);
    }

    public NatsOptions withStream(String stream) {
        return new NatsOptions(
                url,
                stream,
                subjectPrefix,
                duplicateWindow,
                pageSize,
                outstandingAcksMax,
                ackTimeout,
                pollInterval,
                backoffMin,
                backoffMax);
    }

    public NatsOptions withSubjectPrefix(String subjectPrefix) {
        return new NatsOptions(
                url,
                stream,
                subjectPrefix,
                duplicateWindow,
                pageSize,
                outstandingAcksMax,
                ackTimeout,
                pollInterval,
                backoffMin,
                backoffMax);
    }

    public NatsOptions withPaging(int pageSize, int outstandingAcksMax) {
        return new NatsOptions(
                url,
                stream,
                subjectPrefix,
                duplicateWindow,
                pageSize,
                outstandingAcksMax,
                ackTimeout,
                pollInterval,
                backoffMin,
                backoffMax);
    }

    public NatsOptions withBackoff(Duration backoffMin, Duration backoffMax) {
        return new NatsOptions(
                url,
                stream,
                subjectPrefix,
                duplicateWindow,
                pageSize,
                outstandingAcksMax,
                ackTimeout,
                pollInterval,
                backoffMin,
                backoffMax);
    }

    /** The URL without user and password, for logs. */
    public String redactedUrl() {
        return url.replaceAll("//[^/@,]*@", "//***@");
    }

    private static void requireAtLeast(String name, Duration value, Duration minimum) {
        if (value == null || value.compareTo(minimum) < 0) {
            throw new IllegalArgumentException(name + " is at least " + minimum + ", not " + value);
        }
    }
}
