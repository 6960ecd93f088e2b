package dev.pacioli.payments.inbound;

import dev.pacioli.payments.inbound.InboundEvent.Kind;
import tools.jackson.databind.JsonNode;

/**
 * Coinbase Commerce events: {@code {"id", "scheduled_for", "event": {"id", "type", "data": <charge>}}}.
 * The event id is {@code event.id} (the outer {@code id} counts deliveries, not events).
 *
 * <ul>
 *   <li>{@code charge:pending}: the payment is seen on chain, not yet confirmed: a pending deposit of
 *       the same amount as {@code charge:confirmed} would make.
 *   <li>{@code charge:confirmed}: a deposit of the charge's {@code pricing.settlement} (what the
 *       merchant receives, when Commerce settles in USDC), else {@code pricing.local} (the price the
 *       charge was made for), a decimal in major units.
 *   <li>{@code charge:failed}: the deposit failed; the reason is the last {@code timeline} entry's
 *       status and context ({@code EXPIRED}, {@code UNRESOLVED (UNDERPAID)}).
 * </ul>
 *
 * The charge's {@code id} (else its {@code code}) is the provider reference, the same in each event of
 * one charge, so the pending and the final event are one deposit; its {@code metadata}
 * (set when the charge was created) says where the deposit goes ({@code pacioli_ledger}, {@code
 * pacioli_account}).
 */
final class CoinbaseCommerceEvents {
    private CoinbaseCommerceEvents() {}

    static InboundEvent map(JsonNode root, EventDraft draft) {
        JsonNode event = EventFields.object(root, "event");
        if (event == null) {
            return draft.unknown();
        }
        draft.eventId(EventFields.text(event, "id"));
        draft.providerType = EventFields.text(event, "type");
        JsonNode charge = EventFields.object(event, "data");
        if (charge == null || draft.providerType == null) {
            return draft.unknown();
        }
        String id = EventFields.text(charge, "id");
        draft.providerReference = id != null ? id : EventFields.text(charge, "code");
        draft.metadata = EventFields.metadata(charge.get("metadata"));
        JsonNode settlement = EventFields.object(charge, "pricing", "settlement");
        draft.amount =
                EventFields.decimal(settlement != null ? settlement : EventFields.object(charge, "pricing", "local"));
        return switch (draft.providerType) {
            case "charge:pending" ->
                draft.asIf(draft.providerReference != null && draft.amount != null, Kind.DEPOSIT_PENDING);
            case "charge:confirmed" ->
                draft.asIf(draft.providerReference != null && draft.amount != null, Kind.DEPOSIT_SUCCEEDED);
            case "charge:failed" -> {
                draft.failureReason = lastTimelineStatus(charge);
                yield draft.asIf(draft.providerReference != null, Kind.DEPOSIT_FAILED);
            }
            default -> draft.unknown();
        };
    }

    private static String lastTimelineStatus(JsonNode charge) {
        JsonNode timeline = charge.get("timeline");
        if (timeline == null || !timeline.isArray() || timeline.isEmpty()) {
            return null;
        }
        JsonNode last = timeline.get(timeline.size() - 1);
        String status = EventFields.text(last, "status");
        String context = EventFields.text(last, "context");
        return status == null || context == null ? status : status + " (" + context + ")";
    }
}
