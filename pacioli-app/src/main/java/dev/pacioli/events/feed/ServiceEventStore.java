package dev.pacioli.events.feed;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The service stream ({@link ServiceEvents}) as the events capability reads it: in sequence order, as
 * {@link Event}s whose envelope is a ledger event's with {@code "ledger": null} and the id
 * {@code evt__service_<sequence>}.
 */
public final class ServiceEventStore {
    private final DataSource dataSource;

    public ServiceEventStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Up to {@code limit} events after {@code afterSequence}, in sequence order. */
    public List<Event> after(long afterSequence, int limit) {
        return after(afterSequence, null, limit);
    }

    /** As {@link #after(long, int)}, only those of {@code ledger}'s objects when it is not null. */
    public List<Event> after(long afterSequence, String ledger, int limit) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select sequence, type, data,"
                        + " created_at, ledger from service_events where sequence > ?"
                        + " and (?::text is null or ledger = ?) order by sequence limit ?")) {
            statement.setLong(1, afterSequence);
            statement.setString(2, ledger);
            statement.setString(3, ledger);
            statement.setInt(4, limit);
            List<Event> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(event(
                            rows.getLong(1),
                            rows.getString(2),
                            rows.getString(3),
                            Timestamps.micros(rows, 4),
                            rows.getString(5)));
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

    private static Event event(long sequence, String type, String data, long createdAtMicros, String ledger) {
        String id = Event.id(ServiceEvents.STREAM, sequence);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("id", id);
            out.string("ledger", ledger);
            out.number("sequence", sequence);
            out.string("type", type);
            out.time("created_at", createdAtMicros);
            out.json.writeName("data");
            out.json.writeRawValue(data);
            out.json.writeEndObject();
            return new Event(id, ServiceEvents.STREAM, ledger, sequence, type, createdAtMicros, out.toBytes());
        }
    }
}
