package dev.pacioli.controls.screening;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * {@code pacioli_screening_hits_total{field}} (what screening found, by what matched),
 * {@code pacioli_screening_cases_open} (cases waiting for a decision), {@code
 * pacioli_screening_cases_decided_total{decision}}, and refused decisions in {@code
 * pacioli_illegal_transitions_total{object="screening_case"}}.
 */
final class ScreeningMetrics {
    private final MeterRegistry registry;

    ScreeningMetrics(MeterRegistry registry, Supplier<Number> openCases) {
        this.registry = registry;
        Gauge.builder("pacioli_screening_cases_open", openCases)
                .description("screening cases waiting for a decision")
                .register(registry);
    }

    void hit(String field) {
        Counter.builder("pacioli_screening_hits_total")
                .tag("field", field)
                .register(registry)
                .increment();
    }

    void decided(ScreeningCase.Decision decision) {
        Counter.builder("pacioli_screening_cases_decided_total")
                .tag("decision", decision.code())
                .register(registry)
                .increment();
    }

    void illegalTransition() {
        Counter.builder("pacioli_illegal_transitions_total")
                .tag("object", "screening_case")
                .tag("source", "client")
                .register(registry)
                .increment();
    }
}
