package dev.pacioli.payments.execution;

import java.time.Duration;

/**
 * The payments capability's timings (payments.md, Execution: the deadlines are configurable).
 *
 * @param poll how often the worker asks a provider about a transfer whose outcome is not final
 * @param breakerWait how long an approved payout waits before looking again for a healthy connector
 * @param approvedAlertAfter an approved payout not submitted by then raises an alert
 * @param processingAlertAfter a processing payout without a final status by then raises an alert
 * @param reviewAfter a processing payout without a final status by then moves to needs_review
 * @param sweepEvery how often the deadlines are checked
 */
public record PaymentSettings(
        Duration poll,
        Duration breakerWait,
        Duration approvedAlertAfter,
        Duration processingAlertAfter,
        Duration reviewAfter,
        Duration sweepEvery) {
    public static final PaymentSettings DEFAULTS = new PaymentSettings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(30),
            Duration.ofSeconds(5));

    public PaymentSettings {
        for (Duration duration :
                new Duration[] {poll, breakerWait, approvedAlertAfter, processingAlertAfter, reviewAfter, sweepEvery}) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("payment timings are positive");
            }
        }
    }
}
