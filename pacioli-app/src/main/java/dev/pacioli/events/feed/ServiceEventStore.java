package dev.pacioli.events.feed;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Timestamps;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The service stream in PostgreSQL ({@code service_events}, sequence from the one-row head): appended
 * in the caller's transaction, read in sequence order as {@link Event}s whose envelope is a ledger
 * event's with {@code "ledger": null} and the id {@code evt__service_<sequence>}.
 */
public final class ServiceEventStore implements ServiceEvents {
    private final DataSource dataSource;

    public ServiceEventStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public long append(Connection transaction, String type, byte[] data) {
        try {
            Assert.that(!transaction.getAutoCommit(), "a service event is appended inside the change's transaction");
            long sequence;
            try (PreparedStatement head = transaction.prepareStatement(
                            "update service_event_head set sequence = sequence + 1 returning sequence");
                    ResultSet row = head.executeQuery()) {
                Assert.that(row.next(), "the service event head row exists");
                sequence = row.getLong(1);
            }
            try (PreparedStatement insert = transaction.prepareStatement(
                    "insert into service_events (sequence, type, data) values (?, ?, ?::jsonb)")) {
                insert.setLong(1, sequence);
                insert.setString(2, type);
                insert.setString(3, new String(data, StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
            return sequence;
        } catch (SQLException e) {
            throw new StoreException("could not append service event " + type, e);
        }
    }

    /** Up to {@code limit} events after {@code afterSequence}, in sequence order. */
    public List<Event> after(long afterSequence, int limit) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select sequence, type, data::text,"
                        + " created_at from service_events where sequence > ? order by sequence limit ?")) {
            statement.setLong(1, afterSequence);
            statement.setInt(2, limit);
            List<Event> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(
                            event(rows.getLong(1), rows.getString(2), rows.getString(3), Timestamps.micros(rows, 4)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new StoreException("could not read the service events", e);
        }
    }

    /** The last sequence appended and committed: where a new consumer starts to see only what follows. */
    public long head() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select sequence from service_event_head");
                ResultSet row = statement.executeQuery()) {
            Assert.that(row.next(), "the service event head row exists");
            return row.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("could not read the service event head", e);
        }
    }

    private static Event event(long sequence, String type, String data, long createdAtMicros) {
        String id = Event.id(STREAM, sequence);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("id", id);
            out.json.writeNullProperty("ledger");
            out.number("sequence", sequence);
            out.string("type", type);
            out.time("created_at", createdAtMicros);
            out.json.writeName("data");
            out.json.writeRawValue(data);
            out.json.writeEndObject();
            return new Event(id, null, sequence, type, createdAtMicros, out.toBytes());
        }
    }
}
