package dev.pacioli.events.nats;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ServiceEvents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The NATS publisher's durable cursors: per event stream (a ledger, by its name, or the service's own
 * stream {@code _service}) and NATS stream, the last sequence up to which every event was published and
 * acknowledged by JetStream. A cursor only moves forward, so a late or repeated save can never make the
 * publisher skip back (which would be harmless) or, worse, forward past an event that was not
 * acknowledged (which the publisher never asks for). To publish a stream again from the start, delete
 * its row.
 */
public final class NatsCursors {
    private final DataSource dataSource;

    public NatsCursors(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** An event stream's head and how far its events are published: its lag is the difference. */
    public record Position(String source, long headSequence, long publishedSequence) {
        public long lag() {
            return headSequence - publishedSequence;
        }
    }

    /**
     * Every event stream's position in NATS stream {@code stream}: each ledger by name, then the
     * service's; a stream never published is at 0.
     */
    public List<Position> positions(String stream) {
        String sql = "select l.name, l.head_sequence, coalesce(c.last_sequence, 0) from ledgers l"
                + " left join nats_cursors c on c.source = l.name and c.stream = ?"
                + " union all select ?, h.sequence, coalesce(c.last_sequence, 0) from service_event_head h"
                + " left join nats_cursors c on c.source = ? and c.stream = ? order by 1";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, stream);
            statement.setString(2, ServiceEvents.STREAM);
            statement.setString(3, ServiceEvents.STREAM);
            statement.setString(4, stream);
            List<Position> positions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    positions.add(new Position(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                }
            }
            return positions;
        } catch (SQLException e) {
            throw new StoreException("could not read the NATS cursors of stream " + stream, e);
        }
    }

    /** The event stream's cursor in {@code stream}: 0 when nothing was published there yet. */
    public long find(String source, String stream) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select last_sequence from nats_cursors where source = ? and stream = ?")) {
            statement.setString(1, source);
            statement.setString(2, stream);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the NATS cursor of " + source, e);
        }
    }

    /** Moves the cursor to {@code lastSequence} unless it is already there or beyond. */
    public void advance(String source, String stream, long lastSequence) {
        Assert.that(lastSequence >= 0, "a NATS cursor is at sequence 0 or later, not %d", lastSequence);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("insert into nats_cursors"
                        + " (source, stream, last_sequence) values (?, ?, ?) on conflict (source, stream)"
                        + " do update set last_sequence = excluded.last_sequence, updated_at = now()"
                        + " where nats_cursors.last_sequence < excluded.last_sequence")) {
            statement.setString(1, source);
            statement.setString(2, stream);
            statement.setLong(3, lastSequence);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not save the NATS cursor of " + source, e);
        }
    }
}
