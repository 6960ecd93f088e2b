package dev.pacioli.http;

import dev.pacioli.events.NatsPublisher;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.engine.EngineObserver;
import dev.pacioli.ledger.engine.LedgerEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's Prometheus series. The ledger core reports through {@link EngineObserver}; this class
 * turns those calls and the HTTP layer's outcomes into meters. Meters are looked up once per label set
 * and kept, so the hot path does a map lookup and an increment.
 *
 * <ul>
 *   <li>{@code pacioli_transactions_total{ledger,outcome,code}}: every transaction request's answer
 *   <li>{@code pacioli_batch_operations{ledger}}: requests per committed writer batch
 *   <li>{@code pacioli_events_written_total{ledger}}: events (journal records) committed
 *   <li>{@code pacioli_commit_seconds{ledger}}, {@code pacioli_execute_seconds{ledger}}
 *   <li>{@code pacioli_queue_depth{ledger}}, {@code pacioli_writer_running{ledger}}
 *   <li>{@code pacioli_http_requests_seconds{method,route,status}}
 *   <li>{@code pacioli_webhook_deliveries_total{outcome}}: attempts by outcome ({@code succeeded},
 *       {@code retrying}: failed and scheduled again, {@code failed}: failed for good)
 *   <li>{@code pacioli_webhook_backlog}: pending deliveries;
 *       {@code pacioli_webhook_oldest_pending_seconds{webhook}}: age of the oldest undelivered event
 *       per endpoint (0 when it has none)
 *   <li>{@code pacioli_webhook_endpoints_disabled}: disabled endpoints now;
 *       {@code pacioli_webhook_disablements_total{reason}}: endpoints the dispatcher disabled
 *       ({@code gone}: a 410, {@code failing}: every attempt failed for the stated period)
 * </ul>
 */
public final class ServiceMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> transactionCounters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> httpTimers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> webhookCounters = new ConcurrentHashMap<>();
    private final AtomicLong webhookBacklog = new AtomicLong();
    private final AtomicLong webhookEndpointsDisabled = new AtomicLong();
    private final ConcurrentHashMap<String, Double> webhookOldestSeconds = new ConcurrentHashMap<>();

    public ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        @SuppressWarnings("resource") // lives as long as the registry, which lives as long as the process
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        Gauge.builder("pacioli.webhook.backlog", webhookBacklog, AtomicLong::get)
                .description("webhook deliveries not yet succeeded or given up")
                .register(registry);
        Gauge.builder("pacioli.webhook.endpoints.disabled", webhookEndpointsDisabled, AtomicLong::get)
                .description("webhook endpoints that are disabled")
                .register(registry);
    }

    /** Gauges over one ledger's writer: its queue and whether it runs. */
    void watch(String ledger, LedgerEngine engine) {
        Gauge.builder("pacioli.queue.depth", engine, LedgerEngine::queueDepth)
                .tag("ledger", ledger)
                .description("requests waiting for the ledger's writer")
                .register(registry);
        Gauge.builder("pacioli.writer.running", engine, running -> running.isRunning() ? 1 : 0)
                .tag("ledger", ledger)
                .description("1 while the ledger's writer runs, 0 once it stopped")
                .register(registry);
    }

    /** The observer for one ledger's writer: batch sizes and times. */
    EngineObserver observer(String ledger) {
        DistributionSummary batchSizes = DistributionSummary.builder("pacioli.batch.operations")
                .tag("ledger", ledger)
                .description("requests per committed writer batch")
                .serviceLevelObjectives(1, 10, 100, 1_000, 4_000, 8_192)
                .register(registry);
        Timer commits = latency("pacioli.commit", ledger, "time to commit one batch to the database");
        Timer executions = latency("pacioli.execute", ledger, "time to execute one batch in memory");
        Counter events = Counter.builder("pacioli.events.written")
                .tag("ledger", ledger)
                .description("events (journal records) committed")
                .register(registry);
        return new EngineObserver() {
            @Override
            public void batchCommitted(int operations, long executeNanos, long commitNanos) {
                batchSizes.record(operations);
                executions.record(executeNanos, TimeUnit.NANOSECONDS);
                if (commitNanos > 0) {
                    commits.record(commitNanos, TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void eventsWritten(int records) {
                events.increment(records);
            }
        };
    }

    private Timer latency(String name, String ledger, String description) {
        return Timer.builder(name)
                .tag("ledger", ledger)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void transaction(String ledger, ResultCode code) {
        String outcome = switch (code) {
            case CREATED -> "created";
            case EXISTS -> "exists";
            default -> code.succeeded() ? "ok" : "failed";
        };
        transactionCounters
                .computeIfAbsent(
                        ledger + '\u0000' + code.name(),
                        key -> Counter.builder("pacioli.transactions")
                                .tag("ledger", ledger)
                                .tag("outcome", outcome)
                                .tag("code", code.code())
                                .description("transaction requests by answer")
                                .register(registry))
                .increment();
    }

    void request(String method, String route, int status, long nanos) {
        httpTimers
                .computeIfAbsent(
                        method + ' ' + route + ' ' + status,
                        key -> Timer.builder("pacioli.http.requests")
                                .tag("method", method)
                                .tag("route", route)
                                .tag("status", Integer.toString(status))
                                .description("HTTP requests by route and status")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofNanos(50_000))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One webhook delivery attempt's outcome: {@code succeeded}, {@code retrying} or {@code failed}. */
    public void webhookDelivery(String outcome) {
        webhookCounter("pacioli.webhook.deliveries", "outcome", outcome, "webhook delivery attempts by outcome");
    }

    /** The dispatcher disabled an endpoint: {@code gone} (410) or {@code failing}. */
    public void webhookEndpointDisabled(String reason) {
        webhookCounter(
                "pacioli.webhook.disablements", "reason", reason, "webhook endpoints disabled by the dispatcher");
        webhookEndpointsDisabled.incrementAndGet();
    }

    private void webhookCounter(String name, String tag, String value, String description) {
        webhookCounters
                .computeIfAbsent(
                        name + ' ' + value,
                        key -> Counter.builder(name)
                                .tag(tag, value)
                                .description(description)
                                .register(registry))
                .increment();
    }

    /**
     * The backlog as last read: pending deliveries, disabled endpoints, and per endpoint with pending
     * deliveries the age of its oldest undelivered event. Endpoints seen before and absent now read 0.
     */
    public void webhookBacklog(long pending, long disabledEndpoints, Map<String, Double> oldestSecondsByEndpoint) {
        webhookBacklog.set(pending);
        webhookEndpointsDisabled.set(disabledEndpoints);
        for (String endpoint : webhookOldestSeconds.keySet()) {
            if (!oldestSecondsByEndpoint.containsKey(endpoint)) {
                webhookOldestSeconds.put(endpoint, 0.0);
            }
        }
        oldestSecondsByEndpoint.forEach((endpoint, seconds) -> {
            if (webhookOldestSeconds.put(endpoint, seconds) == null) {
                Gauge.builder(
                                "pacioli.webhook.oldest.pending",
                                webhookOldestSeconds,
                                ages -> ages.getOrDefault(endpoint, 0.0))
                        .tag("webhook", endpoint)
                        .baseUnit("seconds")
                        .description("age of the oldest event not yet delivered to the webhook endpoint")
                        .register(registry);
            }
        });
    }

    private volatile NatsPublisher nats;
    private MultiGauge natsLag;

    /** Series over the NATS publisher: what it published, dropped, failed, and how far it lags. */
    public void watch(NatsPublisher publisher) {
        nats = publisher;
        FunctionCounter.builder("pacioli.nats.published", publisher, NatsPublisher::publishedTotal)
                .description("events JetStream stored on our publish")
                .register(registry);
        FunctionCounter.builder("pacioli.nats.duplicates", publisher, NatsPublisher::duplicatesTotal)
                .description("republished events JetStream dropped by Nats-Msg-Id")
                .register(registry);
        FunctionCounter.builder("pacioli.nats.failures", publisher, NatsPublisher::failuresTotal)
                .description("publisher rounds that failed and were retried after a backoff")
                .register(registry);
        FunctionCounter.builder("pacioli.nats.out.of.order", publisher, NatsPublisher::outOfOrderTotal)
                .description("events stored ahead of an earlier event of their ledger")
                .register(registry);
        Gauge.builder("pacioli.nats.connected", publisher, connected -> connected.connected() ? 1 : 0)
                .description("1 while the publisher holds a NATS connection")
                .register(registry);
        natsLag = MultiGauge.builder("pacioli.nats.publish.lag")
                .description("events committed but not yet acknowledged by JetStream (head - cursor)")
                .register(registry);
    }

    String scrape() {
        NatsPublisher publisher = nats;
        if (publisher != null) {
            natsLag.register(
                    publisher.progress().stream()
                            .map(ledger -> MultiGauge.Row.of(Tags.of("ledger", ledger.ledger()), ledger.lag()))
                            .toList(),
                    true);
        }
        return registry.scrape();
    }
}
