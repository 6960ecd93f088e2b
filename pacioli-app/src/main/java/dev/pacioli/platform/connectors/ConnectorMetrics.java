package dev.pacioli.platform.connectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connectors' series.
 *
 * <ul>
 *   <li>{@code pacioli_connector_state{connector}}: 0 closed, 1 half-open, 2 open
 *   <li>{@code pacioli_connector_calls_total{connector,outcome}}: attempts by outcome
 *       ({@code succeeded}, {@code failed}, {@code not_permitted}: refused by an open breaker, nothing
 *       sent; {@code refused}: refused by the outbound policy, nothing sent)
 * </ul>
 */
public final class ConnectorMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Meter> gauges = new ConcurrentHashMap<>();

    public ConnectorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void watch(String connector, Connectors connectors) {
        gauges.computeIfAbsent(
                connector,
                name -> Gauge.builder("pacioli.connector.state", connectors, all -> all.stateCode(name))
                        .tag("connector", name)
                        .description("the connector's circuit breaker: 0 closed, 1 half-open, 2 open")
                        .register(registry));
    }

    void forget(String name) {
        Meter gauge = gauges.remove(name);
        if (gauge != null) {
            registry.remove(gauge);
        }
        counters.entrySet().removeIf(entry -> {
            if (entry.getKey().startsWith(name + ' ')) {
                registry.remove(entry.getValue());
                return true;
            }
            return false;
        });
    }

    void call(String connector, String outcome) {
        counters.computeIfAbsent(
                        connector + ' ' + outcome,
                        key -> Counter.builder("pacioli.connector.calls")
                                .tag("connector", connector)
                                .tag("outcome", outcome)
                                .description("connector call attempts by outcome")
                                .register(registry))
                .increment();
    }
}
