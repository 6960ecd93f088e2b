package dev.pacioli.platform.alerts;

import dev.pacioli.platform.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alerts' series:
 *
 * <ul>
 *   <li>{@code pacioli_alerts_open{severity}}: alerts open or acknowledged now, read from the database
 *       at each scrape; {@code critical} is 0 on a healthy service.
 *   <li>{@code pacioli_alert_deliveries_total{kind,outcome}}: attempts by channel kind and outcome
 *       ({@code succeeded}, {@code retried}, {@code failed}); {@code failed} stays 0 while every
 *       channel comes back within the retry schedule.
 * </ul>
 */
public final class AlertMetrics {
    private final ServiceMetrics metrics;
    private final Map<Severity, AtomicLong> open = new EnumMap<>(Severity.class);
    private final ConcurrentHashMap<String, Counter> deliveries = new ConcurrentHashMap<>();

    public AlertMetrics(ServiceMetrics metrics) {
        this.metrics = metrics;
        for (Severity severity : Severity.values()) {
            AtomicLong count = new AtomicLong();
            open.put(severity, count);
            Gauge.builder("pacioli.alerts.open", count, AtomicLong::get)
                    .tag("severity", severity.code())
                    .description("alerts open or acknowledged, by severity")
                    .register(metrics.registry());
        }
    }

    /** Refreshes the open counts from the store before every scrape. */
    public void watch(AlertStore store) {
        metrics.beforeScrape(() -> {
            try {
                store.liveCounts()
                        .forEach((severity, count) -> open.get(severity).set(count));
            } catch (RuntimeException e) {
                // The database is away: the readiness check says so; the gauges keep their last values.
            }
        });
    }

    void delivered(Channel.Kind kind, String outcome) {
        deliveries
                .computeIfAbsent(
                        kind.code() + ' ' + outcome,
                        key -> Counter.builder("pacioli.alert.deliveries")
                                .tag("kind", kind.code())
                                .tag("outcome", outcome)
                                .description("alert delivery attempts by channel kind and outcome")
                                .register(metrics.registry()))
                .increment();
    }
}
