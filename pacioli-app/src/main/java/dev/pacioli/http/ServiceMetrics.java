package dev.pacioli.http;

import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.engine.EngineObserver;
import dev.pacioli.ledger.engine.LedgerEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The service's Prometheus series. The ledger core reports through {@link EngineObserver}; this class
 * turns those calls and the HTTP layer's outcomes into meters. Meters are looked up once per label set
 * and kept, so the hot path does a map lookup and an increment.
 *
 * <ul>
 *   <li>{@code pacioli_transactions_total{ledger,outcome,code}}: every transaction request's answer
 *   <li>{@code pacioli_batch_operations{ledger}}: requests per committed writer batch
 *   <li>{@code pacioli_commit_seconds{ledger}}, {@code pacioli_execute_seconds{ledger}}
 *   <li>{@code pacioli_queue_depth{ledger}}, {@code pacioli_writer_running{ledger}}
 *   <li>{@code pacioli_http_requests_seconds{method,route,status}}
 * </ul>
 */
public final class ServiceMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> transactionCounters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> httpTimers = new ConcurrentHashMap<>();

    public ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        @SuppressWarnings("resource") // lives as long as the registry, which lives as long as the process
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
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
        return (operations, executeNanos, commitNanos) -> {
            batchSizes.record(operations);
            executions.record(executeNanos, TimeUnit.NANOSECONDS);
            if (commitNanos > 0) {
                commits.record(commitNanos, TimeUnit.NANOSECONDS);
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

    String scrape() {
        return registry.scrape();
    }
}
