package dev.pacioli.events.feed;

import dev.pacioli.platform.ServiceEvents;

/**
 * One committed change, as consumers see it.
 *
 * @param ledger the ledger's name; null for an event of the service's own stream
 * @param id stable forever: {@code evt_<ledger>_<sequence>}, the same in the pull API, webhooks and NATS
 * @param json the whole envelope, {@code {"id", "ledger", "sequence", "type", "created_at", "data"}}:
 *     the webhook body and the NATS message
 */
public record Event(String id, String ledger, long sequence, String type, long createdAtMicros, byte[] json) {
    /** The stream the event is of: its ledger's name, or {@code _service} for an event of no ledger. */
    public String stream() {
        return ledger == null ? ServiceEvents.STREAM : ledger;
    }

    public static String id(String ledger, long sequence) {
        return "evt_" + ledger + "_" + sequence;
    }
}
