package dev.pacioli.events.webhooks;

import dev.pacioli.events.feed.Event;
import dev.pacioli.events.feed.EventFeed;
import dev.pacioli.events.feed.ServiceEventStore;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.Signatures;
import dev.pacioli.platform.connectors.CircuitOpenException;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.connectors.HttpExchange;
import dev.pacioli.platform.connectors.Idempotence;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every matching event to every enabled webhook endpoint, at least once.
 *
 * <p><b>Fan-out</b>: one loop thread, each round, for each (enabled endpoint, stream in its scope: a
 * ledger, or the service stream) whose cursor is behind the stream's head, in one database
 * transaction, locks the cursor, reads the stream after it, inserts a delivery row and its job for each event the endpoint's filters match
 * and moves the cursor. A committed event therefore has its delivery and its job before the cursor
 * passes it, and a crash at any point either keeps all three or none. <b>Delivery</b>: each delivery
 * is a durable job of type {@value DeliveryStore#JOB_TYPE} ({@link Jobs}), which claims, leases,
 * retries with the schedule's backoff and resumes after a crash; up to {@code concurrency} attempts
 * are in flight at once.
 *
 * <p>An attempt is a signed POST of the event, byte for byte as the pull API shows it. A 2xx marks the
 * delivery succeeded — only then, on the job's own transaction, so a crash before it means the attempt
 * is made again once the job's lease runs out (the one repeat a restart can cause). Anything else — a
 * status, a refused connection, a timeout — is a failed attempt: the job is due again per the retry
 * schedule with jitter, later if the endpoint sent a longer {@code Retry-After} (capped), until the
 * schedule is exhausted and the delivery (and its job) has failed. A 410 also disables the endpoint;
 * an endpoint whose every attempt failed for {@code disableAfterFailing} is disabled too, said in its
 * {@code disabled_reason}, a warning and a metric. The jobs of a disabled endpoint's deliveries are
 * deferred, without counting an attempt, until it is enabled again (which wakes them).
 *
 * <p>Ordering per endpoint is best effort: jobs are claimed in the order they fell due, but up to
 * {@code concurrency} are in flight at once and a retried event arrives after later ones. Receivers
 * order by {@code sequence} and deduplicate by {@code webhook-id} (the event id).
 *
 * <p>Several instances on one database cooperate: cursors are locked with {@code skip locked}, and
 * the jobs service never lets two runners hold one delivery's job at once.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final String USER_AGENT = "Pacioli-Webhooks/1";

    /** Journal records read per fan-out step: one page. */
    public static final int FAN_OUT_BATCH_MAX = 1_000;

    /**
     * How long a delivery of a disabled endpoint waits before its job looks again. Enabling the endpoint
     * wakes it at once; this only bounds the cost of the check (one claim per waiting delivery per period).
     */
    static final Duration DISABLED_RECHECK = Duration.ofHours(1);

    /** How often the backlog gauges are refreshed. */
    private static final long GAUGES_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** How long close waits for the fan-out loop. */
    private static final Duration CLOSE_WAIT_MAX = Duration.ofSeconds(10);

    private final Database database;
    private final WebhookStore store;
    private final DeliveryStore deliveries;
    private final Jobs jobs;
    private final EventFeed feed;
    private final ServiceEventStore serviceEvents;
    private final WebhookSettings settings;
    private final WebhookMetrics metrics;
    private final Connectors connectors;
    private final Thread loop;
    private volatile boolean running = true;
    private long gaugesAtNanos;

    private WebhookDispatcher(
            Database database, WebhookSettings settings, WebhookMetrics metrics, Jobs jobs, Connectors connectors) {
        this.database = database;
        this.store = new WebhookStore(database.dataSource(), jobs);
        this.deliveries = new DeliveryStore(database.dataSource(), jobs);
        this.jobs = jobs;
        this.feed = new EventFeed(database.events());
        this.serviceEvents = new ServiceEventStore(database.dataSource());
        this.settings = settings;
        this.metrics = metrics;
        this.connectors = connectors;
        this.loop = Thread.ofPlatform().name("pacioli-webhooks").daemon().unstarted(this::run);
    }

    /**
     * Starts the fan-out on this database and registers the delivery job with {@code jobs}, each
     * endpoint's attempts going through its connector ({@link Webhooks#connector}); {@link #close()} stops
     * the fan-out (after the jobs service has stopped the attempts).
     */
    public static WebhookDispatcher start(
            Database database, WebhookSettings settings, WebhookMetrics metrics, Jobs jobs, Connectors connectors) {
        WebhookDispatcher dispatcher = new WebhookDispatcher(database, settings, metrics, jobs, connectors);
        dispatcher.deliveries.adoptPending();
        jobs.register(dispatcher.jobType());
        dispatcher.loop.start();
        return dispatcher;
    }

    /** Deliveries as jobs: the settings' concurrency, lease and schedule; one attempt more than waits. */
    JobType jobType() {
        return new JobType(
                DeliveryStore.JOB_TYPE,
                settings.concurrency(),
                settings.lease(),
                settings.retrySchedule().size() + 1,
                settings.retrySchedule().isEmpty()
                        ? Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1), 0)
                        : Backoff.schedule(settings.retrySchedule(), settings.jitterFraction()),
                this::attempt);
    }

    private void run() {
        long failures = 0;
        while (running) {
            try {
                if (fanOut() > 0) {
                    jobs.wake();
                }
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

    private int fanOut() {
        int inserted = 0;
        for (DeliveryStore.Lag lag : deliveries.lagging()) {
            if (!running) {
                return inserted;
            }
            DeliveryStore.EventSource source = lag.isService()
                    ? after -> serviceEvents.after(after, FAN_OUT_BATCH_MAX).stream()
                            .map(WebhookDispatcher::reference)
                            .toList()
                    : after -> database.events().after(lag.ledgerId(), after, FAN_OUT_BATCH_MAX).stream()
                            .map(record -> reference(lag.stream(), record))
                            .toList();
            inserted += deliveries.fanOut(lag.endpointId(), lag.stream(), source, lag::matches);
        }
        return inserted;
    }

    private static DeliveryStore.EventRef reference(String ledger, JournalRecord record) {
        return new DeliveryStore.EventRef(
                Event.id(ledger, record.sequence()),
                record.sequence(),
                record.type().eventType,
                ledger,
                record.timestampMicros());
    }

    private static DeliveryStore.EventRef reference(Event event) {
        return new DeliveryStore.EventRef(
                event.id(), event.sequence(), event.type(), event.ledger(), event.createdAtMicros());
    }

    /** One attempt of a delivery's job: nothing to do, wait for the endpoint, or send. */
    private JobOutcome attempt(Claim job) {
        DeliveryTarget claimed =
                deliveries.target(DeliveryStore.deliveryId(job.key())).orElse(null);
        if (claimed == null || !claimed.status().equals(Delivery.PENDING)) {
            return JobOutcome.succeeded(); // its endpoint was deleted, or it was delivered meanwhile
        }
        if (!claimed.enabled()) {
            return new JobOutcome.Deferred(
                    DISABLED_RECHECK, connection -> DeliveryOutcomes.stillDisabled(connection, claimed.endpointId()));
        }
        try {
            return attempt(claimed);
        } catch (RuntimeException e) {
            // The event could not be read, say: a failed attempt like any other, recorded on the delivery
            // too, so the delivery never shows pending while its job has failed.
            return failed(claimed, null, "could not attempt: " + e, null);
        }
    }

    /** One attempt of one delivery, and its outcome to record. */
    private JobOutcome attempt(DeliveryTarget claimed) {
        List<Event> events = claimed.isService()
                ? serviceEvents.after(claimed.sequence() - 1, 1)
                : feed.after(
                        new Ledger(claimed.ledgerId(), claimed.stream(), Metadata.EMPTY, 0), claimed.sequence() - 1, 1);
        if (events.isEmpty() || events.getFirst().sequence() != claimed.sequence()) {
            throw new IllegalStateException("delivery " + claimed.id() + " names event " + claimed.eventId()
                    + ", which the journal does not hold");
        }
        Event event = events.getFirst();
        long timestamp = Instant.now().getEpochSecond();
        URI url;
        try {
            url = URI.create(claimed.url());
        } catch (IllegalArgumentException e) {
            return failed(claimed, null, "the URL cannot be requested: " + e.getMessage(), null);
        }
        Map<String, String> headers = Map.of(
                "User-Agent",
                USER_AGENT,
                WebhookVerifier.ID_HEADER,
                event.id(),
                WebhookVerifier.TIMESTAMP_HEADER,
                Long.toString(timestamp),
                WebhookVerifier.SIGNATURE_HEADER,
                Signatures.header(claimed.secret(), claimed.previousSecret(), event.id(), timestamp, event.json()));
        Connector connector = Webhooks.connector(connectors, settings, claimed.endpointId());
        try {
            // Idempotent (receivers deduplicate by webhook-id), but the connector retries nothing:
            // the job's durable schedule is the one source of retries and of the delivery's state.
            HttpExchange.Answer answer = connector.send(
                    HttpExchange.Request.post(url, headers, "application/json", event.json()),
                    Idempotence.IDEMPOTENT,
                    HttpExchange::remoteTrouble);
            int status = answer.status();
            if (answer.isSuccess()) {
                return succeeded(claimed, status);
            }
            Duration retryAfter = retryAfter(answer.header("Retry-After"));
            if (status == 410) {
                gone(claimed);
            }
            return failed(claimed, status, "answered " + status, retryAfter);
        } catch (CircuitOpenException e) {
            // The endpoint's breaker is open: nothing was sent, so no attempt is spent; the job waits
            // out the breaker, by when it lets a trial through.
            return new JobOutcome.Deferred(connector.settings().breaker().openWait(), connection -> true);
        } catch (IOException e) {
            // A refused connection, a timeout, or a target the outbound policy refuses (said in the message).
            return failed(claimed, null, e.getMessage(), null);
        } catch (InterruptedException e) {
            // Shutting down mid-attempt: nothing is recorded; the job is handed back.
            Thread.currentThread().interrupt();
            return new JobOutcome.Abandoned();
        }
    }

    private JobOutcome succeeded(DeliveryTarget claimed, int status) {
        return new JobOutcome.Succeeded(connection -> {
            DeliveryOutcomes.succeeded(connection, claimed.id(), claimed.endpointId(), status);
            metrics.webhookDelivery("succeeded");
        });
    }

    private void gone(DeliveryTarget claimed) {
        String reason = "the endpoint answered 410 Gone at " + Instant.now() + " (delivery dlv_" + claimed.id() + ")";
        if (store.disable(claimed.endpointId(), reason)) {
            metrics.webhookEndpointDisabled("gone");
            LOG.atWarn()
                    .addKeyValue("webhook", claimed.endpointId())
                    .log("webhook {} disabled: {}", claimed.endpointId(), reason);
        }
    }

    /**
     * A failed attempt. The jobs service decides when the next one is due (the schedule, jittered,
     * and not before a {@code Retry-After}, capped) or that the delivery has failed; the delivery row
     * and the endpoint's failure run are recorded with that decision, on the job's transaction.
     */
    private JobOutcome failed(DeliveryTarget claimed, Integer status, String error, Duration retryAfter) {
        Duration notBefore = retryAfter == null
                ? null
                : Duration.ofMillis(
                        Math.min(retryAfter.toMillis(), settings.retryAfterMax().toMillis()));
        String reason = "every delivery attempt failed for " + settings.disableAfterFailing() + " (until "
                + Instant.now() + "); the last: " + error;
        AtomicBoolean disabled = new AtomicBoolean();
        return new JobOutcome.Failed(error, notBefore, (connection, retryInSeconds) -> {
            disabled.set(DeliveryOutcomes.failed(
                    connection,
                    claimed.id(),
                    claimed.endpointId(),
                    status,
                    error,
                    retryInSeconds,
                    settings.disableAfterFailing().toSeconds(),
                    reason));
            metrics.webhookDelivery(retryInSeconds == null ? "failed" : "retrying");
            if (disabled.get()) {
                metrics.webhookEndpointDisabled("failing");
                LOG.atWarn()
                        .addKeyValue("webhook", claimed.endpointId())
                        .log("webhook {} disabled: {}", claimed.endpointId(), reason);
            }
        });
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
        for (DeliveryStore.Backlog backlog : deliveries.backlog()) {
            pending += backlog.pending();
            ages.put(backlog.endpointId(), Math.max(0, nowMicros - backlog.oldestEventMicros()) / 1e6);
        }
        metrics.webhookBacklog(pending, store.endpointCounts().get(false), ages);
    }

    /**
     * Stops the fan-out. Attempts are the jobs service's: close it first, so those in flight finish or
     * are handed back.
     */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(CLOSE_WAIT_MAX.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
