package dev.pacioli.reconciliation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pacioli_recon_match_ratio{ledger,account}}, {@code pacioli_recon_unmatched{ledger,account,side}},
 * {@code pacioli_recon_drift{ledger,account}} (minor units) and {@code
 * pacioli_recon_drift_severity{ledger,account}} (0 none … 4 critical), as this instance last measured
 * them. The ratio is held in millionths, exactly, and shown as a fraction.
 */
final class ReconMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

    ReconMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void run(String ledger, String account, long matchRatioMillionths, long unmatchedLines, long unmatchedEntries) {
        gauge("pacioli_recon_match_ratio", Tags.of("ledger", ledger, "account", account), 1e-6)
                .set(matchRatioMillionths);
        gauge("pacioli_recon_unmatched", Tags.of("ledger", ledger, "account", account, "side", "statement"), 1)
                .set(unmatchedLines);
        gauge("pacioli_recon_unmatched", Tags.of("ledger", ledger, "account", account, "side", "ledger"), 1)
                .set(unmatchedEntries);
    }

    void drift(String ledger, String account, long drift, int severity) {
        gauge("pacioli_recon_drift", Tags.of("ledger", ledger, "account", account), 1)
                .set(drift);
        gauge("pacioli_recon_drift_severity", Tags.of("ledger", ledger, "account", account), 1)
                .set(severity);
    }

    private AtomicLong gauge(String name, Tags tags, double scale) {
        return values.computeIfAbsent(name + tags, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, held -> held.get() * scale).tags(tags).register(registry);
            return value;
        });
    }
}
