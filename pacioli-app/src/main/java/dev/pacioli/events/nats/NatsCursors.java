package dev.pacioli.events.nats;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The NATS publisher's durable cursors: per ledger and stream, the last sequence up to which every
 * event was published and acknowledged by JetStream. A cursor only moves forward, so a late or
 * repeated save can never make the publisher skip back (which would be harmless) or, worse, forward
 * past an event that was not acknowledged (which the publisher never asks for). To publish a ledger
 * into a stream again from the start, delete its row.
 */
public final class NatsCursors {
    private final DataSource dataSource;

    public NatsCursors(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A ledger's journal head and how far its events are published: its lag is the difference. */
    public record Position(long ledgerId, long headSequence, long publishedSequence) {
        public long lag() {
            return headSequence - publishedSequence;
        }
    }

    /** Every ledger's position in {@code stream}, by ledger id; a ledger never published is at 0. */
    public List<Position> positions(String stream) {
        String sql = "select l.id, l.head_sequence, coalesce(c.last_sequence, 0) from ledgers l"
                + " left join nats_cursors c on c.ledger_id = l.id and c.stream = ? order by l.id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, stream);
            List<Position> positions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    positions.add(new Position(rows.getLong(1), rows.getLong(2), rows.getLong(3)));
                }
            }
            return positions;
        } catch (SQLException e) {
            throw new StoreException("could not read the NATS cursors of stream " + stream, e);
        }
    }

    /** The ledger's cursor in {@code stream}: 0 when nothing was published there yet. */
    public long find(long ledgerId, String stream) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select last_sequence from nats_cursors where ledger_id = ? and stream = ?")) {
            statement.setLong(1, ledgerId);
            statement.setString(2, stream);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the NATS cursor of ledger " + ledgerId, e);
        }
    }

    /** Moves the cursor to {@code lastSequence} unless it is already there or beyond. */
    public void advance(long ledgerId, String stream, long lastSequence) {
        Assert.that(lastSequence >= 0, "a NATS cursor is at sequence 0 or later, not %d", lastSequence);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("insert into nats_cursors"
                        + " (ledger_id, stream, last_sequence) values (?, ?, ?) on conflict (ledger_id, stream)"
                        + " do update set last_sequence = excluded.last_sequence, updated_at = now()"
                        + " where nats_cursors.last_sequence < excluded.last_sequence")) {
            statement.setLong(1, ledgerId);
            statement.setString(2, stream);
            statement.setLong(3, lastSequence);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not save the NATS cursor of ledger " + ledgerId, e);
        }
    }
}
