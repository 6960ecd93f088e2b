package dev.pacioli.ledger.http;

import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.engine.EngineObserver;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.platform.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ledger's series. The core reports through {@link EngineObserver}; this class turns those calls
 * and the routes' answers into meters.
 *
 * <ul>
 *   <li>{@code pacioli_transactions_total{ledger,outcome,code}}: every transaction request's answer
 *   <li>{@code pacioli_batch_operations{ledger}}: requests per committed writer batch
 *   <li>{@code pacioli_events_written_total{ledger}}: events (journal records) committed
 *   <li>{@code pacioli_commit_seconds{ledger}}, {@code pacioli_execute_seconds{ledger}}
 *   <li>{@code pacioli_queue_depth{ledger}}, {@code pacioli_writer_running{ledger}}
 * </ul>
 */
public final class LedgerMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> transactionCounters = new ConcurrentHashMap<>();

    public LedgerMetrics(ServiceMetrics metrics) {
        this.registry = metrics.registry();
    }

    /**
     * Gauges over one ledger's writer on this instance, whichever engine that is now ({@code writer}
     * answers null while another instance writes the ledger): its queue and whether it runs here.
     */
    public void watch(String ledger, Supplier<LedgerEngine> writer) {
        // Strong references: the supplier is a lambda nothing else holds (a weak one reads NaN once collected).
        Gauge.builder(
                        "pacioli.queue.depth",
                        writer,
                        current -> current.get() == null ? 0 : current.get().queueDepth())
                .strongReference(true)
                .tag("ledger", ledger)
                .description("requests waiting for the ledger's writer")
                .register(registry);
        Gauge.builder("pacioli.writer.running", writer, current -> {
                    LedgerEngine engine = current.get();
                    return engine != null && engine.isRunning() ? 1 : 0;
                })
                .strongReference(true)
                .tag("ledger", ledger)
                .description("1 while the ledger's writer runs on this instance, 0 once it stopped or elsewhere")
                .register(registry);
    }

    /** The observer for one ledger's writer: batch sizes and times. */
    public EngineObserver observer(String ledger) {
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

    public void transaction(String ledger, ResultCode code) {
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
}
