package dev.pacioli.payments.rails;

/**
 * A provider's answer about one conversion: {@code {"id", "status", "to_amount", "rate"}}.
 *
 * @param toAmount what the provider delivers, in minor units of the target asset; null until completed
 * @param rate the rate applied, as the provider's exact decimal string; null until completed
 * @param failureReason why it failed, when it did
 */
public record ConversionResult(String id, Status status, Long toAmount, String rate, String failureReason) {
    public enum Status {
        /** Accepted, not final. */
        PENDING,
        COMPLETED,
        FAILED
    }

    public ConversionResult {
        if (status == Status.COMPLETED && (toAmount == null || toAmount < 0 || rate == null)) {
            throw new IllegalArgumentException("a completed conversion has a to_amount and a rate");
        }
    }
}
