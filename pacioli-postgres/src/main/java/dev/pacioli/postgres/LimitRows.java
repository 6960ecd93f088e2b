package dev.pacioli.postgres;

import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SQL of the ledger's limits (table {@code limit_versions}, V21): their history, a new version, and
 * the transactions their windows count. Shared by {@link PostgresLedgerStore} and {@link Verification}.
 */
final class LimitRows {
    private static final int FETCH_SIZE = 2_000;

    private static final String COLUMNS = "id, version, after_sequence, changed_at, deleted, accounts, asset,"
            + " direction, max_amount_per_transaction, window_seconds, max_amount_per_window, max_count_per_window";

    private LimitRows() {}

    /** Every version, in the order they were made. */
    static List<Limit> history(Connection connection, long ledgerId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select " + COLUMNS
                + " from limit_versions where ledger_id = ? order by after_sequence, id, version")) {
            statement.setLong(1, ledgerId);
            List<Limit> history = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    history.add(limit(rows));
                }
            }
            return history;
        }
    }

    private static Limit limit(ResultSet row) throws SQLException {
        String id = row.getString(1);
        LimitSpec spec = row.getBoolean(5)
                ? null
                : new LimitSpec(
                        id,
                        row.getString(6),
                        row.getString(7),
                        LimitDirection.ofCode(row.getShort(8)),
                        Rows.nullableLong(row, 9),
                        Rows.nullableLong(row, 10),
                        Rows.nullableLong(row, 11),
                        Rows.nullableLong(row, 12));
        return new Limit(id, row.getLong(2), row.getLong(3), row.getLong(4), spec);
    }

    /**
     * Inserts a version, in the caller's transaction, after locking the ledger's row and checking its
     * head is the version's {@code after_sequence}: false when it is not (memory is stale).
     */
    static boolean insert(Connection connection, long ledgerId, long epoch, Limit version) throws SQLException {
        try (PreparedStatement head = connection.prepareStatement("select l.head_sequence from ledgers l where l.id = ?"
                + " and exists (select 1 from ledger_writers w where w.ledger_id = l.id and w.epoch = ?)"
                + " for update of l")) {
            head.setLong(1, ledgerId);
            head.setLong(2, epoch);
            try (ResultSet row = head.executeQuery()) {
                if (!row.next() || row.getLong(1) != version.afterSequence()) {
                    return false;
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into limit_versions (ledger_id, " + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            LimitSpec spec = version.spec();
            insert.setLong(1, ledgerId);
            insert.setString(2, version.id());
            insert.setLong(3, version.version());
            insert.setLong(4, version.afterSequence());
            insert.setLong(5, version.changedAtMicros());
            insert.setBoolean(6, version.deleted());
            insert.setString(7, spec == null ? null : spec.accounts());
            insert.setString(8, spec == null ? null : spec.asset());
            if (spec == null) {
                insert.setNull(9, Types.SMALLINT);
            } else {
                insert.setShort(9, (short) spec.direction().code());
            }
            setLong(insert, 10, spec == null ? null : spec.maxAmountPerTransaction());
            setLong(insert, 11, spec == null ? null : spec.windowSeconds());
            setLong(insert, 12, spec == null ? null : spec.maxAmountPerWindow());
            setLong(insert, 13, spec == null ? null : spec.maxCountPerWindow());
            insert.executeUpdate();
        }
        return true;
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    /**
     * Streams the transactions created after {@code sinceMicros}, in sequence order. The journal's block
     * range index finds the first sequence after that time; the transactions' sequence index the rest.
     */
    static void transactionsSince(Connection connection, long ledgerId, long sinceMicros, Consumer<Transaction> each)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // a cursor, so a long window streams rather than loads whole
        try (PreparedStatement statement = connection.prepareStatement("select " + Rows.TRANSACTION_COLUMNS
                + " from transactions t where t.ledger_id = ? and t.committed_at > ? and t.sequence >="
                + " (select coalesce(min(sequence), 9223372036854775807) from journal"
                + " where ledger_id = ? and committed_at > ?) order by t.sequence")) {
            statement.setFetchSize(FETCH_SIZE);
            statement.setLong(1, ledgerId);
            statement.setObject(2, Timestamps.offsetDateTime(sinceMicros));
            statement.setLong(3, ledgerId);
            statement.setObject(4, Timestamps.offsetDateTime(sinceMicros));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    each.accept(Rows.transaction(rows));
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }
}
