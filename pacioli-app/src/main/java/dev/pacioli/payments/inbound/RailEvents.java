package dev.pacioli.payments.inbound;

import dev.pacioli.payments.inbound.InboundEvent.Kind;
import tools.jackson.databind.JsonNode;

/**
 * The events of Pacioli's own http rail protocol, sent by a provider's adapter: {@code {"type",
 * "timestamp", "data"}} as Standard Webhooks recommends.
 *
 * <ul>
 *   <li>{@code transfer.paid}, {@code transfer.failed}, {@code transfer.returned}: {@code data} is a
 *       transfer {@code {"id": "{ledger}.{payout id}", "status", "provider_reference",
 *       "failure_reason"}}; a {@code status}, when given, must agree with the type ({@code paid},
 *       {@code failed}, {@code returned}) or the event has no effect, since it contradicts itself.
 *   <li>{@code deposit.pending}, {@code deposit.succeeded}, {@code deposit.failed}: {@code data} is
 *       {@code {"id", "amount" (minor units, integer), "asset", "reference", "metadata"}}, plus {@code
 *       "failure_reason"} for a failure, and {@code "originator": {"name", "country", "address"}} when
 *       the provider knows who sent it (screened); {@code id} is the provider's id of the deposit, the
 *       same in each of its events.
 * </ul>
 */
final class RailEvents {
    private RailEvents() {}

    static InboundEvent map(JsonNode root, EventDraft draft) {
        if (root == null) {
            return draft.unknown();
        }
        draft.providerType = EventFields.text(root, "type");
        JsonNode data = EventFields.object(root, "data");
        if (data == null || draft.providerType == null) {
            return draft.unknown();
        }
        return switch (draft.providerType) {
            case "transfer.paid" -> transfer(data, draft, "paid", Kind.PAYOUT_PAID);
            case "transfer.failed" -> transfer(data, draft, "failed", Kind.PAYOUT_FAILED);
            case "transfer.returned" -> transfer(data, draft, "returned", Kind.PAYOUT_RETURNED);
            case "deposit.pending" -> deposit(data, draft, Kind.DEPOSIT_PENDING);
            case "deposit.succeeded" -> deposit(data, draft, Kind.DEPOSIT_SUCCEEDED);
            case "deposit.failed" -> {
                draft.failureReason = EventFields.reason(data, "failure_reason");
                yield deposit(data, draft, Kind.DEPOSIT_FAILED);
            }
            default -> draft.unknown();
        };
    }

    private static InboundEvent transfer(JsonNode transfer, EventDraft draft, String status, Kind kind) {
        draft.transferId = EventFields.text(transfer, "id");
        draft.providerReference = EventFields.text(transfer, "provider_reference");
        draft.failureReason = EventFields.reason(transfer, "failure_reason");
        String given = EventFields.text(transfer, "status");
        boolean agrees = given == null || given.equals(status);
        return draft.asIf(draft.transferId != null && agrees, kind);
    }

    private static InboundEvent deposit(JsonNode deposit, EventDraft draft, Kind kind) {
        draft.providerReference = EventFields.text(deposit, "id");
        draft.amount = EventFields.minorUnits(deposit.get("amount"), EventFields.text(deposit, "asset"));
        draft.routingReference = EventFields.text(deposit, "reference");
        draft.metadata = EventFields.metadata(deposit.get("metadata"));
        JsonNode originator = EventFields.object(deposit, "originator");
        draft.originator = EventFields.originator(originator, "name", originator, "country", originator, "address");
        return draft.asIf(draft.providerReference != null && draft.amount != null, kind);
    }
}
