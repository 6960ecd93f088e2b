package dev.pacioli.platform.alerts;

import java.time.Duration;
import java.util.List;

/**
 * The durable queue of alert deliveries, as the dispatcher sees it: claim what is due, then record
 * how the attempt went. Rows are written by {@link AlertStore} in the transaction of the alert change
 * that caused them.
 *
 * <p>This seam exists so that deliveries can move onto the platform's durable jobs without the
 * dispatcher or the channels changing; today {@link DeliveryTable} implements it on
 * {@code alert_deliveries} with {@code for update skip locked} and a lease.
 */
public interface DeliveryQueue {
    /**
     * One delivery claimed for one attempt.
     *
     * @param attempts the attempts made before this one
     */
    record Claimed(long id, String notice, int attempts, Alert alert, Channel channel) {}

    /** Up to {@code limit} due deliveries, each leased for {@code lease} so no one else sends it. */
    List<Claimed> claim(int limit, Duration lease);

    void succeeded(long id);

    /** The attempt failed: due again after {@code retryAfter}, or failed for good when that is null. */
    void failed(long id, String error, Duration retryAfter);
}
