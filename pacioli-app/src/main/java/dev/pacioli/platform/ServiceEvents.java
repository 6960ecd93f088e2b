package dev.pacioli.platform;

import dev.pacioli.ledger.Assert;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The service's own event stream, for changes of objects that belong to no ledger (API keys, ledgers and
 * assets themselves, webhook endpoints, and later the capabilities' service-wide objects). A store
 * appends in the database transaction of the change itself (the outbox), so the event exists exactly
 * when the change committed; the events capability serves the stream at {@code GET /v1/events} and
 * relays it to NATS like a ledger's.
 *
 * <p>The sequence is gap-free and in commit order: an append takes the next number from the one-row
 * {@code service_event_head} under its row lock, held until the appending transaction ends. Appends are
 * therefore serialized; the stream carries rare administrative changes, never money movements.
 */
public final class ServiceEvents {
    /** The stream's name where a ledger's name would stand: in event ids and NATS subjects. */
    public static final String STREAM = "_service";

    private ServiceEvents() {}

    /**
     * Appends {@code type} ({@code api_key.created}) with {@code data}, the object as the API shows it
     * right after the change, in the caller's open transaction; returns the event's sequence.
     */
    public static long append(Connection transaction, String type, byte[] data) throws SQLException {
        return append(transaction, type, null, data);
    }

    /**
     * As {@link #append(Connection, String, byte[])}, for an object that belongs to {@code ledger} (a
     * payout): the event carries the ledger, and webhook endpoints of that ledger receive it.
     */
    public static long append(Connection transaction, String type, String ledger, byte[] data) throws SQLException {
        Assert.that(!transaction.getAutoCommit(), "a service event is appended inside the change's transaction");
        long sequence;
        try (PreparedStatement head = transaction.prepareStatement(
                        "update service_event_head set sequence = sequence + 1 returning sequence");
                ResultSet row = head.executeQuery()) {
            Assert.that(row.next(), "the service event head row exists");
            sequence = row.getLong(1);
        }
        try (PreparedStatement insert = transaction.prepareStatement(
                "insert into service_events (sequence, type, ledger, data) values (?, ?, ?, ?)")) {
            insert.setLong(1, sequence);
            insert.setString(2, type);
            insert.setString(3, ledger);
            insert.setString(4, new String(data, StandardCharsets.UTF_8));
            insert.executeUpdate();
        }
        return sequence;
    }
}
