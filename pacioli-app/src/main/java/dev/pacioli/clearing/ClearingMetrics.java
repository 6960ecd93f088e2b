package dev.pacioli.clearing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code pacioli_clearing_netting_efficiency{asset}} (of the last settled window),
 * {@code pacioli_clearing_obligations_total{status}} (obligations entering each status) and
 * {@code pacioli_clearing_settle_seconds}.
 */
public final class ClearingMetrics {
    private final MeterRegistry registry;
    private final Map<ObligationStatus, Counter> obligations = new EnumMap<>(ObligationStatus.class);
    private final Map<String, AtomicReference<Double>> efficiency = new ConcurrentHashMap<>();
    private final Timer settle;

    public ClearingMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (ObligationStatus status : ObligationStatus.values()) {
            obligations.put(
                    status,
                    Counter.builder("pacioli_clearing_obligations_total")
                            .description("obligations that entered each status")
                            .tag("status", status.code())
                            .register(registry));
        }
        settle = Timer.builder("pacioli_clearing_settle_seconds")
                .description("time to settle a window on the ledger")
                .register(registry);
    }

    void obligation(ObligationStatus status) {
        obligations.get(status).increment();
    }

    void obligations(ObligationStatus status, long count) {
        obligations.get(status).increment(count);
    }

    void settled(String asset, String efficiencyText) {
        efficiency
                .computeIfAbsent(asset, code -> {
                    AtomicReference<Double> value = new AtomicReference<>(0.0);
                    Gauge.builder("pacioli_clearing_netting_efficiency", value, AtomicReference::get)
                            .description("netting efficiency of the last settled window (1 - net / gross)")
                            .tag("asset", code)
                            .register(registry);
                    return value;
                })
                .set(new BigDecimal(efficiencyText).doubleValue());
    }

    void settleTook(Duration took) {
        settle.record(took);
    }
}
