package dev.pacioli.events.webhooks;

/**
 * One delivery of one event to one endpoint, as the list route shows it. Its attempts are runs of the
 * job {@code webhook.delivery} keyed by the delivery's id; the row keeps what the webhook API shows.
 *
 * @param ledger the event's ledger; null for an event of an object of no ledger
 * @param status {@code pending}, {@code succeeded} or {@code failed}
 * @param attempts attempts made and recorded
 * @param nextAttemptAtMicros when a pending delivery is due, else null
 */
public record Delivery(
        long id,
        String endpointId,
        String eventId,
        String ledger,
        long sequence,
        String type,
        String status,
        int attempts,
        Long nextAttemptAtMicros,
        Long lastAttemptAtMicros,
        Integer lastStatusCode,
        String lastError,
        long createdAtMicros,
        long eventCreatedAtMicros) {
    public static final String PENDING = "pending";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
