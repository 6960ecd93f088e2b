package dev.pacioli.payments.inbound;

import dev.pacioli.payments.inbound.InboundEvent.Kind;
import tools.jackson.databind.JsonNode;

/**
 * Stripe events: {@code {"id": "evt_…", "type": "…", "data": {"object": {…}}}}.
 *
 * <ul>
 *   <li>{@code payout.paid}, {@code payout.failed}: a payout object; ours carry the payout's id in
 *       {@code metadata.pacioli_payout}. The failure reason is {@code failure_code}, then {@code
 *       failure_message}.
 *   <li>{@code payment_intent.succeeded}: a deposit of {@code amount_received} (else {@code amount}),
 *       in minor units as Stripe writes every amount, of {@code currency} (lower case, as Stripe
 *       writes it); the customer id is the routing reference a deposit route may match.
 * </ul>
 */
final class StripeEvents {
    private StripeEvents() {}

    static InboundEvent map(JsonNode root, EventDraft draft) {
        if (root == null) {
            return draft.unknown();
        }
        draft.eventId(EventFields.text(root, "id"));
        draft.providerType = EventFields.text(root, "type");
        JsonNode object = EventFields.object(root, "data", "object");
        if (object == null || draft.providerType == null) {
            return draft.unknown();
        }
        draft.providerReference = EventFields.text(object, "id");
        draft.metadata = EventFields.metadata(object.get("metadata"));
        draft.payoutId = draft.metadata.get(EventFields.PAYOUT_METADATA_KEY);
        return switch (draft.providerType) {
            case "payout.paid" -> draft.asIf(draft.providerReference != null, Kind.PAYOUT_PAID);
            case "payout.failed" -> {
                draft.failureReason = failure(object);
                yield draft.asIf(draft.providerReference != null, Kind.PAYOUT_FAILED);
            }
            case "payment_intent.succeeded" -> deposit(object, draft);
            default -> draft.unknown();
        };
    }

    private static InboundEvent deposit(JsonNode intent, EventDraft draft) {
        String currency = EventFields.text(intent, "currency");
        draft.amount = EventFields.minorUnits(intent.get("amount_received"), currency);
        if (draft.amount == null) {
            draft.amount = EventFields.minorUnits(intent.get("amount"), currency);
        }
        draft.routingReference = EventFields.text(intent, "customer");
        return draft.asIf(draft.providerReference != null && draft.amount != null, Kind.DEPOSIT_SUCCEEDED);
    }

    private static String failure(JsonNode payout) {
        String code = EventFields.text(payout, "failure_code");
        String message = EventFields.reason(payout, "failure_message");
        if (code == null || message == null) {
            return code == null ? message : code;
        }
        String both = code + ": " + message;
        return both.length() <= EventFields.REASON_LENGTH_MAX ? both : code;
    }
}
