package dev.pacioli.payments.payouts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The payouts' metrics, named after what should hold: {@code pacioli_payout_duplicate_submissions_total}
 * is always 0; {@code pacioli_illegal_transitions_total} counts refused moves by where they came from.
 */
public final class PayoutMetrics {
    private final MeterRegistry registry;

    public PayoutMetrics(MeterRegistry registry) {
        this.registry = registry;
        Counter.builder("pacioli_payout_duplicate_submissions_total")
                .description("second submissions of one payout to a provider that had accepted it; always 0")
                .register(registry);
    }

    void created(String connector, PayoutStatus status) {
        status(connector, status);
    }

    /** A payout reached {@code status}: {@code pacioli_payouts_total{connector,status}}. */
    public void status(String connector, PayoutStatus status) {
        Counter.builder("pacioli_payouts_total")
                .tag("connector", connector)
                .tag("status", status.code())
                .register(registry)
                .increment();
    }

    public void duplicateSubmission() {
        registry.counter("pacioli_payout_duplicate_submissions_total").increment();
    }

    public void illegalTransition(String source) {
        Counter.builder("pacioli_illegal_transitions_total")
                .tag("object", "payout")
                .tag("source", source)
                .register(registry)
                .increment();
    }
}
