package dev.pacioli.payments.inbound;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.inbound.InboundEvent.Amount;
import dev.pacioli.payments.inbound.InboundEvent.Kind;
import java.util.Map;

/**
 * What a mapper has read of a provider event so far. Every field starts unknown and is filled as it
 * is read; the mapper then says which kind the event is, or {@link #unknown()} when a field its kind
 * needs could not be read, so what was read is kept either way.
 */
final class EventDraft {
    String providerEventId;
    String providerType;
    String transferId;
    String payoutId;
    Amount amount;
    String providerReference;
    String failureReason;
    Map<String, String> metadata = Map.of();
    String routingReference;
    Subject originator;

    /** A draft whose event id is the body's digest until the body gives a better one. */
    EventDraft(String digestId) {
        this.providerEventId = digestId;
    }

    InboundEvent as(Kind kind) {
        return new InboundEvent(
                providerEventId,
                providerType,
                kind,
                transferId,
                payoutId,
                amount,
                providerReference,
                failureReason,
                metadata,
                routingReference,
                originator);
    }

    InboundEvent unknown() {
        return as(Kind.UNKNOWN);
    }

    /** The kind when every field it needs was read, else unknown. */
    InboundEvent asIf(boolean complete, Kind kind) {
        return complete ? as(kind) : unknown();
    }

    /** Keeps a better id when the body gives one, else the digest it started with. */
    void eventId(String id) {
        if (id != null) {
            providerEventId = id;
        }
    }
}
