package dev.pacioli.platform;

import java.sql.Connection;

/**
 * The service's own event stream, for changes of objects that belong to no ledger. A capability appends
 * in the database transaction of the change itself (the outbox), so the event exists exactly when the
 * change committed; the events capability serves the stream at {@code GET /v1/events}, and the webhook
 * and NATS machinery carry it like a ledger's.
 */
public interface ServiceEvents {
    /** The stream's name where a ledger's name would stand: in event ids and NATS subjects. */
    String STREAM = "_service";

    /**
     * Appends {@code type} ({@code api_key.created}) with {@code data}, the object as the API shows it
     * right after the change, in the caller's open transaction; returns the event's sequence.
     */
    long append(Connection transaction, String type, byte[] data);
}
