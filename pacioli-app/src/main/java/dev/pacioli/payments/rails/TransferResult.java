package dev.pacioli.payments.rails;

/**
 * A provider's answer about one transfer: {@code {"id", "status", "provider_reference",
 * "failure_reason"}}.
 *
 * @param providerReference the provider's own id for it, when it gave one
 * @param failureReason why it failed, when it did
 */
public record TransferResult(String id, Status status, String providerReference, String failureReason) {
    public enum Status {
        /** Accepted, not final. */
        PENDING,
        PAID,
        FAILED
    }
}
