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
 *   <li>{@code payment_intent.processing} (a bank debit, say, that takes days): the same deposit,
 *       pending ({@code amount_received} is 0 until it succeeds, so {@code amount}).
 *   <li>{@code payment_intent.payment_failed}: the deposit failed; the reason is {@code
 *       last_payment_error}'s {@code code: message}.
 * </ul>
 *
 * The payment intent's id is the provider reference in each of its events, so they are one deposit.
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
                draft.failureReason = failure(object, "failure_code", "failure_message");
                yield draft.asIf(draft.providerReference != null, Kind.PAYOUT_FAILED);
            }
            case "payment_intent.processing" -> deposit(object, draft, Kind.DEPOSIT_PENDING);
            case "payment_intent.succeeded" -> deposit(object, draft, Kind.DEPOSIT_SUCCEEDED);
            case "payment_intent.payment_failed" -> {
                JsonNode error = EventFields.object(object, "last_payment_error");
                draft.failureReason = error == null ? null : failure(error, "code", "message");
                yield deposit(object, draft, Kind.DEPOSIT_FAILED);
            }
            default -> draft.unknown();
        };
    }

    private static InboundEvent deposit(JsonNode intent, EventDraft draft, Kind kind) {
        String currency = EventFields.text(intent, "currency");
        draft.amount = EventFields.minorUnits(intent.get("amount_received"), currency);
        if (draft.amount == null) {
            draft.amount = EventFields.minorUnits(intent.get("amount"), currency);
        }
        draft.routingReference = EventFields.text(intent, "customer");
        JsonNode billing = billingDetails(intent);
        draft.originator =
                EventFields.originator(billing, "name", EventFields.object(billing, "address"), "country", null, null);
        // A failure needs only the intent: it fails the pending deposit the intent made.
        return draft.asIf(
                draft.providerReference != null && (draft.amount != null || kind == Kind.DEPOSIT_FAILED), kind);
    }

    /**
     * The payer's billing details, screened as the deposit's originator: of the intent's {@code
     * latest_charge} when the webhook's endpoint expands it, else of {@code charges.data[0]} (API
     * versions before 2022-11-15 embed the charges).
     */
    private static JsonNode billingDetails(JsonNode intent) {
        JsonNode charge = EventFields.object(intent, "latest_charge");
        if (charge == null) {
            JsonNode charges = EventFields.object(intent, "charges");
            JsonNode data = charges == null ? null : charges.get("data");
            charge = data != null && data.isArray() && !data.isEmpty() ? data.get(0) : null;
        }
        return EventFields.object(charge, "billing_details");
    }

    /** {@code code: message}, or whichever there is (the code alone when both are too long). */
    private static String failure(JsonNode object, String codeField, String messageField) {
        String code = EventFields.text(object, codeField);
        String message = EventFields.reason(object, messageField);
        if (code == null || message == null) {
            return code == null ? message : code;
        }
        String both = code + ": " + message;
        return both.length() <= EventFields.REASON_LENGTH_MAX ? both : code;
    }
}
