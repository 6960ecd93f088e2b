package dev.pacioli.events.feed;

/**
 * One committed change, as consumers see it.
 *
 * @param id stable forever: {@code evt_<ledger>_<sequence>}, the same in the pull API, webhooks and NATS
 * @param json the whole envelope, {@code {"id", "ledger", "sequence", "type", "created_at", "data"}}:
 *     the webhook body and the NATS message
 */
public record Event(String id, String ledger, long sequence, String type, long createdAtMicros, byte[] json) {
    public static String id(String ledger, long sequence) {
        return "evt_" + ledger + "_" + sequence;
    }
}
