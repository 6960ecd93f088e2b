package dev.pacioli.events.webhooks;

import dev.pacioli.events.feed.Event;
import dev.pacioli.events.feed.EventFeed;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.Signatures;
import dev.pacioli.postgres.Database;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every matching event to every enabled webhook endpoint, at least once.
 *
 * <p>One loop thread does two things each round. <b>Fan-out</b>: for each (enabled endpoint, ledger in
 * its scope) whose cursor is behind the ledger's head, in one database transaction, it locks the
 * cursor, reads the journal after it, inserts a delivery row for each event the endpoint's filters
 * match and moves the cursor. A committed event therefore has its delivery row before the cursor
 * passes it, and a crash at any point either keeps both or neither. <b>Delivery</b>: it claims as many
 * due deliveries as there are free permits (a {@link Semaphore} of {@code concurrency}), leasing them
 * in the database, and sends each on its own virtual thread.
 *
 * <p>An attempt is a signed POST of the event, byte for byte as the pull API shows it. A 2xx marks the
 * delivery succeeded — only then, so a crash before it means the attempt is made again once its lease
 * runs out (the one repeat a restart can cause). Anything else — a status, a refused connection, a
 * timeout — schedules the next attempt per the retry schedule with jitter, later if the endpoint sent
 * a longer {@code Retry-After} (capped), until the schedule is exhausted and the delivery has failed.
 * A 410 also disables the endpoint (its pending deliveries wait, and resume if it is re-enabled). An
 * endpoint whose every attempt failed for {@code disableAfterFailing} is disabled too, said in its
 * {@code disabled_reason}, a warning and a metric.
 *
 * <p>Ordering per endpoint is best effort: deliveries are claimed in the order they fell due, but
 * up to {@code concurrency} are in flight at once and a retried event arrives after later ones.
 * Receivers order by {@code sequence} and deduplicate by {@code webhook-id} (the event id).
 *
 * <p>Several instances on one database cooperate: cursors are locked with {@code skip locked}, and
 * delivery rows are leased when claimed.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final String USER_AGENT = "Pacioli-Webhooks/1";

    /** Journal records read per fan-out step: one page. */
    public static final int FAN_OUT_BATCH_MAX = 1_000;

    /** How often the backlog gauges are refreshed. */
    private static final long GAUGES_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** How long close waits for attempts in flight before abandoning them to their leases. */
    private static final Duration CLOSE_WAIT_MAX = Duration.ofSeconds(10);

    private final Database database;
    private final WebhookStore store;
    private final EventFeed feed;
    private final WebhookSettings settings;
    private final WebhookMetrics metrics;
    private final HttpClient client;
    private final Semaphore permits;
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pacioli-webhook-", 0).factory());
    private final Thread loop;
    private volatile boolean running = true;
    private long gaugesAtNanos;

    private WebhookDispatcher(Database database, WebhookSettings settings, WebhookMetrics metrics) {
        this.database = database;
        this.store = new WebhookStore(database.dataSource());
        this.feed = new EventFeed(database.events());
        this.settings = settings;
        this.metrics = metrics;
        this.permits = new Semaphore(settings.concurrency());
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.loop = Thread.ofPlatform().name("pacioli-webhooks").daemon().unstarted(this::run);
    }

    /** Starts dispatching on this database; {@link #close()} stops it. */
    public static WebhookDispatcher start(Database database, WebhookSettings settings, WebhookMetrics metrics) {
        WebhookDispatcher dispatcher = new WebhookDispatcher(database, settings, metrics);
        dispatcher.loop.start();
        return dispatcher;
    }

    private void run() {
        long failures = 0;
        while (running) {
            try {
                fanOut();
                deliverDue();
                refreshGauges();
                failures = 0;
            } catch (RuntimeException e) {
                // The database is away, most likely. Say so once in a while, and keep trying.
                if (failures++ % 20 == 0) {
                    LOG.warn("webhook dispatch failed; retrying: {}", e.getMessage());
                }
            }
            try {
                Thread.sleep(settings.pollInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void fanOut() {
        for (WebhookStore.Lag lag : store.lagging()) {
            if (!running) {
                return;
            }
            store.fanOut(
                    lag.endpointId(),
                    lag.ledgerId(),
                    after -> database.events().after(lag.ledgerId(), after, FAN_OUT_BATCH_MAX).stream()
                            .map(record -> reference(lag.ledger(), record))
                            .toList(),
                    type -> Webhooks.matches(lag.events(), type));
        }
    }

    private static WebhookStore.EventRef reference(String ledger, JournalRecord record) {
        return new WebhookStore.EventRef(
                Event.id(ledger, record.sequence()),
                record.sequence(),
                record.type().eventType,
                record.timestampMicros());
    }

    private void deliverDue() {
        int free = permits.availablePermits();
        if (free == 0 || !running) {
            return;
        }
        double leaseSeconds = settings.lease().toMillis() / 1_000.0;
        for (WebhookStore.Claimed claimed : store.claimDue(free, leaseSeconds)) {
            permits.acquireUninterruptibly();
            try {
                attempts.execute(() -> {
                    try {
                        attempt(claimed);
                    } catch (RuntimeException e) {
                        // Unrecorded: the lease brings the delivery back.
                        LOG.warn("webhook delivery dlv_{} could not be attempted: {}", claimed.id(), e.getMessage());
                    } finally {
                        permits.release();
                    }
                });
            } catch (RuntimeException e) {
                permits.release(); // shutting down: the lease brings the delivery back
            }
        }
    }

    /** One attempt of one delivery, and its outcome recorded. */
    private void attempt(WebhookStore.Claimed claimed) {
        Ledger ledger = new Ledger(claimed.ledgerId(), claimed.ledger(), Metadata.EMPTY, 0);
        List<Event> events = feed.after(ledger, claimed.sequence() - 1, 1);
        if (events.isEmpty() || events.getFirst().sequence() != claimed.sequence()) {
            throw new IllegalStateException("delivery " + claimed.id() + " names event " + claimed.eventId()
                    + ", which the journal does not hold");
        }
        Event event = events.getFirst();
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(claimed.url()))
                    .timeout(settings.readTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", USER_AGENT)
                    .header(WebhookVerifier.ID_HEADER, event.id())
                    .header(WebhookVerifier.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(
                            WebhookVerifier.SIGNATURE_HEADER,
                            Signatures.header(
                                    claimed.secret(), claimed.previousSecret(), event.id(), timestamp, event.json()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event.json()))
                    .build();
        } catch (IllegalArgumentException e) {
            failed(claimed, null, "the URL cannot be requested: " + e.getMessage(), null);
            return;
        }
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            response.body().close(); // the answer's body is not read: only its status counts
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                store.succeeded(claimed.id(), claimed.endpointId(), status);
                metrics.webhookDelivery("succeeded");
            } else {
                Duration retryAfter =
                        retryAfter(response.headers().firstValue("Retry-After").orElse(null));
                if (status == 410) {
                    gone(claimed);
                }
                failed(claimed, status, "answered " + status, retryAfter);
            }
        } catch (HttpTimeoutException e) {
            failed(
                    claimed,
                    null,
                    "no answer within " + settings.readTimeout().toMillis() + " ms (" + e.getMessage() + ")",
                    null);
        } catch (IOException e) {
            failed(claimed, null, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        } catch (InterruptedException e) {
            // Shutting down mid-attempt: nothing is recorded; the lease brings the delivery back.
            Thread.currentThread().interrupt();
        }
    }

    private void gone(WebhookStore.Claimed claimed) {
        String reason = "the endpoint answered 410 Gone at " + Instant.now() + " (delivery dlv_" + claimed.id() + ")";
        if (store.disable(claimed.endpointId(), reason)) {
            metrics.webhookEndpointDisabled("gone");
            LOG.atWarn()
                    .addKeyValue("webhook", claimed.endpointId())
                    .log("webhook {} disabled: {}", claimed.endpointId(), reason);
        }
    }

    private void failed(WebhookStore.Claimed claimed, Integer status, String error, Duration retryAfter) {
        int made = claimed.attempts() + 1;
        Double waitSeconds = null;
        if (made <= settings.retrySchedule().size()) {
            double wait = jittered(settings.retrySchedule().get(made - 1));
            if (retryAfter != null) {
                wait = Math.max(
                        wait,
                        Math.min(retryAfter.toMillis(), settings.retryAfterMax().toMillis()) / 1_000.0);
            }
            waitSeconds = wait;
        }
        String reason = "every delivery attempt failed for " + settings.disableAfterFailing() + " (until "
                + Instant.now() + "); the last: " + error;
        boolean disabled = store.failed(
                claimed.id(),
                claimed.endpointId(),
                status,
                error,
                waitSeconds,
                settings.disableAfterFailing().toSeconds(),
                reason);
        metrics.webhookDelivery(waitSeconds == null ? "failed" : "retrying");
        if (disabled) {
            metrics.webhookEndpointDisabled("failing");
            LOG.atWarn()
                    .addKeyValue("webhook", claimed.endpointId())
                    .log("webhook {} disabled: {}", claimed.endpointId(), reason);
        }
    }

    private double jittered(Duration wait) {
        double fraction = settings.jitterFraction();
        double factor = fraction == 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-fraction, fraction);
        return wait.toMillis() * factor / 1_000.0;
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private void refreshGauges() {
        long now = System.nanoTime();
        if (gaugesAtNanos != 0 && now - gaugesAtNanos < GAUGES_EVERY_NANOS) {
            return;
        }
        gaugesAtNanos = now;
        long nowMicros = Instant.now().toEpochMilli() * 1_000;
        Map<String, Double> ages = new HashMap<>();
        long pending = 0;
        for (WebhookStore.Backlog backlog : store.backlog()) {
            pending += backlog.pending();
            ages.put(backlog.endpointId(), Math.max(0, nowMicros - backlog.oldestEventMicros()) / 1e6);
        }
        metrics.webhookBacklog(pending, store.endpointCounts().get(false), ages);
    }

    /**
     * Stops: no new claims or fan-out, attempts in flight get a little time to finish and record
     * their outcome; any still running then are abandoned to their leases (sent again later).
     */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(CLOSE_WAIT_MAX.toMillis());
            attempts.shutdown();
            if (!attempts.awaitTermination(CLOSE_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS)) {
                attempts.shutdownNow();
            }
        } catch (InterruptedException e) {
            attempts.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            client.shutdownNow();
        }
    }
}
