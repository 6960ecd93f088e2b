package dev.pacioli.payments.inbound;

import dev.pacioli.events.webhooks.WebhookVerifier;
import tools.jackson.databind.JsonNode;

/**
 * Says what a verified provider event means here ({@link InboundEvent}), per scheme: Stripe, Circle,
 * Coinbase Commerce, and the http rail protocol's events over Standard Webhooks (or, from an upstream
 * that signs with hmac_sha256_hex, the same events with the event id in the body's {@code id}).
 *
 * <p>It takes only a {@link Verification.Verified}, so nothing unverified is ever read as money
 * news, and never throws for a body: one that is not JSON, lacks a field its type needs, or is of a
 * type we do not act on maps to {@link InboundEvent.Kind#UNKNOWN} with whatever could be read, to be
 * stored without effect. An event id that cannot be read is the body's digest ({@code sha256:…}), so
 * a redelivery is still recognised.
 *
 * <p>It refuses (as the bug it would be) to map the body of an {@code instructions} connector: that
 * body is a payout request, read by the payouts' own request reader from {@link
 * Verification.Verified#body()}.
 */
public final class InboundMapper {
    private InboundMapper() {}

    /**
     * The event a verified request carries.
     *
     * @param kind the connector's {@code inbound.kind}; must be {@link InboundKind#EVENTS}
     * @throws IllegalArgumentException for {@link InboundKind#INSTRUCTIONS}
     */
    public static InboundEvent map(Verification.Verified verified, InboundKind kind) {
        if (kind != InboundKind.EVENTS) {
            throw new IllegalArgumentException(
                    "an instructions connector's body is a payout request, not an event: read it as one");
        }
        byte[] body = verified.bodyBytes();
        EventDraft draft = new EventDraft(EventFields.digestId(body));
        JsonNode root = EventFields.parse(body);
        return switch (verified.scheme()) {
            case STRIPE -> StripeEvents.map(root, draft);
            case CIRCLE -> CircleEvents.map(root, draft);
            case COINBASE_COMMERCE -> CoinbaseCommerceEvents.map(root, draft);
            case STANDARD_WEBHOOKS -> {
                draft.eventId(EventFields.headerId(verified.headers()
                        .single(WebhookVerifier.ID_HEADER)
                        .map(String::trim)
                        .orElse(null)));
                yield RailEvents.map(root, draft);
            }
            case HMAC_SHA256_HEX -> {
                draft.eventId(EventFields.text(root, "id"));
                yield RailEvents.map(root, draft);
            }
        };
    }
}
