package dev.pacioli.events.feed;

/**
 * One committed change, as consumers see it.
 *
 * @param id stable forever: {@code evt_<stream>_<sequence>}, the same in the pull API, webhooks and NATS
 * @param stream the stream it is of: a ledger's name (its journal), or {@code _service}
 * @param ledger the ledger the changed object belongs to; null for an object of no ledger (an API key)
 * @param json the whole envelope, {@code {"id", "ledger", "sequence", "type", "created_at", "data"}}:
 *     the webhook body and the NATS message
 */
public record Event(
        String id, String stream, String ledger, long sequence, String type, long createdAtMicros, byte[] json) {
    public static String id(String stream, long sequence) {
        return "evt_" + stream + "_" + sequence;
    }
}
