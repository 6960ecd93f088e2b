package dev.pacioli.events.webhooks;

import dev.pacioli.platform.ServiceEvents;

/**
 * A delivery about to be attempted, with what sending it needs: its endpoint as it is now.
 *
 * @param status the delivery's status; only a pending one is sent
 * @param enabled whether the endpoint is enabled; a disabled one's deliveries wait
 * @param attempts the attempts recorded before this one
 * @param previousSecret the endpoint's old secret while it still signs, else null
 * @param ledgerId the event's ledger's id; 0 for an event of the service stream
 * @param stream the event's stream: its ledger's name, or {@code _service}
 */
public record DeliveryTarget(
        long id,
        String endpointId,
        String url,
        String secret,
        String previousSecret,
        boolean enabled,
        String status,
        String eventId,
        long ledgerId,
        String stream,
        long sequence,
        int attempts) {
    public boolean isService() {
        return stream.equals(ServiceEvents.STREAM);
    }
}
