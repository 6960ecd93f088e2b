package dev.pacioli.payments.inbound;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.inbound.InboundEvent.Kind;
import tools.jackson.databind.JsonNode;

/**
 * Circle {@code transfers} notifications: {@code {"notificationType": "transfers", "transfer": {…}}}
 * (Circle's v2 envelope, which adds {@code notificationId} and puts the object under {@code
 * notification}, is read the same). A transfer's {@code status} is {@code pending}, {@code complete} or
 * {@code failed}; a payout's {@code pending} has no effect (the payout is processing already), a
 * deposit's makes it pending. The transfer's {@code id} is the provider reference in each status, so a
 * deposit's pending and final notifications are one deposit.
 *
 * <p>Direction: a transfer whose {@code source.type} is {@code blockchain} came in, so it is a deposit
 * (its {@code destination} address, else wallet id, is the routing reference); any other is a payout
 * of ours, found by the idempotency key we gave Circle ({@code idempotencyKey}, when echoed), by
 * {@code metadata.pacioli_payout}, or else by the Circle transfer id recorded at submission
 * ({@code providerReference}). Amounts are decimal strings in major units: {@code {"amount": "3.14",
 * "currency": "USD"}}.
 *
 * <p>An incoming transfer's originator, screened, is its source's travel-rule identity ({@code
 * source.identities[0]}) and its {@code source.address}, when Circle passes them.
 *
 * <p>The event id is the notification's id when there is one, else {@code {transfer id}:{status}}: a
 * transfer reaches each status once, so a redelivery of the same news has the same id.
 */
final class CircleEvents {
    private CircleEvents() {}

    static InboundEvent map(JsonNode root, EventDraft draft) {
        if (root == null) {
            return draft.unknown();
        }
        draft.providerType = EventFields.text(root, "notificationType");
        String notificationId = EventFields.text(root, "notificationId");
        draft.eventId(notificationId);
        JsonNode transfer = "transfers".equals(draft.providerType) ? transfer(root) : null;
        if (transfer == null) {
            return draft.unknown();
        }
        String id = EventFields.text(transfer, "id");
        String status = EventFields.text(transfer, "status");
        if (notificationId == null && id != null && status != null) {
            draft.eventId(id + ":" + status);
        }
        draft.providerReference = id;
        draft.transferId = EventFields.text(transfer, "idempotencyKey");
        draft.metadata = EventFields.metadata(transfer.get("metadata"));
        draft.payoutId = draft.metadata.get(EventFields.PAYOUT_METADATA_KEY);
        boolean incoming = "blockchain".equals(EventFields.text(EventFields.object(transfer, "source"), "type"));
        if (incoming) {
            JsonNode destination = EventFields.object(transfer, "destination");
            String address = EventFields.text(destination, "address");
            draft.routingReference = address != null ? address : EventFields.text(destination, "id");
            draft.amount = EventFields.decimal(EventFields.object(transfer, "amount"));
            draft.originator = originator(EventFields.object(transfer, "source"));
        }
        if ("failed".equals(status)) {
            draft.failureReason = EventFields.reason(transfer, "errorCode");
        }
        return switch (status == null ? "" : status) {
            case "pending" ->
                incoming ? draft.asIf(id != null && draft.amount != null, Kind.DEPOSIT_PENDING) : draft.unknown();
            case "complete" ->
                incoming
                        ? draft.asIf(id != null && draft.amount != null, Kind.DEPOSIT_SUCCEEDED)
                        : draft.asIf(id != null, Kind.PAYOUT_PAID);
            case "failed" -> draft.asIf(id != null, incoming ? Kind.DEPOSIT_FAILED : Kind.PAYOUT_FAILED);
            default -> draft.unknown();
        };
    }

    /**
     * Who sent an incoming transfer: the source's travel-rule identity ({@code identities[0]}: {@code
     * name}, {@code addresses[0].country}) when Circle passes one, and the source's blockchain address.
     */
    private static Subject originator(JsonNode source) {
        JsonNode identities = source == null ? null : source.get("identities");
        JsonNode identity =
                identities != null && identities.isArray() && !identities.isEmpty() ? identities.get(0) : null;
        JsonNode addresses = identity == null ? null : identity.get("addresses");
        JsonNode postal = addresses != null && addresses.isArray() && !addresses.isEmpty() ? addresses.get(0) : null;
        return EventFields.originator(identity, "name", postal, "country", source, "address");
    }

    private static JsonNode transfer(JsonNode root) {
        JsonNode transfer = EventFields.object(root, "transfer");
        return transfer != null ? transfer : EventFields.object(root, "notification");
    }
}
