package dev.pacioli.postgres;

import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.RecordType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * What the events capability reads: the journal in sequence order (the outbox), the earlier records of
 * the subjects a page of events names (to show each resource as it stood at its event), and an
 * account's balances at a sequence.
 */
public final class EventReads {
    private static final String JOURNAL_COLUMNS = "sequence, type, subject, committed_at, canonical, hash";

    private final DataSource dataSource;

    public EventReads(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Up to {@code limit} journal records after {@code afterSequence}, in sequence order. */
    public List<JournalRecord> after(long ledgerId, long afterSequence, int limit) {
        Page.checkLimit(limit);
        String sql = "select " + JOURNAL_COLUMNS
                + " from journal where ledger_id = ? and sequence > ? order by sequence limit ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, ledgerId);
            statement.setLong(2, afterSequence);
            statement.setInt(3, limit);
            return records(statement);
        } catch (SQLException e) {
            throw new StoreException("could not read the journal", e);
        }
    }

    /**
     * The records of subjects ({@code ?} 2 and 5) through a sequence ({@code ?} 3 and 6) in a ledger
     * ({@code ?} 1 and 4). The subject index leaves out transaction creations (V8); those come through
     * their transaction's row, whose sequence is the creation record's.
     */
    static final String HISTORY = "select " + JOURNAL_COLUMNS + " from journal"
            + " where ledger_id = ? and subject = any(?) and type <> " + RecordType.TRANSACTION_CREATED.tag
            + " and sequence <= ?"
            + " union all select j." + JOURNAL_COLUMNS.replace(", ", ", j.")
            + " from transactions t join journal j on j.ledger_id = t.ledger_id and j.sequence = t.sequence"
            + " where t.ledger_id = ? and t.id = any(?) and t.sequence <= ?"
            + " order by sequence";

    /** Every record of these subjects up to and including {@code throughSequence}, in sequence order. */
    public List<JournalRecord> history(long ledgerId, Collection<String> subjects, long throughSequence) {
        if (subjects.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(HISTORY)) {
            Array names = connection.createArrayOf("text", subjects.toArray());
            statement.setLong(1, ledgerId);
            statement.setArray(2, names);
            statement.setLong(3, throughSequence);
            statement.setLong(4, ledgerId);
            statement.setArray(5, names);
            statement.setLong(6, throughSequence);
            return records(statement);
        } catch (SQLException e) {
            throw new StoreException("could not read the journal", e);
        }
    }

    /**
     * An account's balances right after {@code throughSequence}, and how many entries it had by then
     * (its version is one for its creation plus one per entry and per close).
     */
    public record AccountAt(Balances balances, long entries) {}

    public AccountAt accountAt(long ledgerId, String accountId, long throughSequence) {
        String sql = "select posted_debits, posted_credits, pending_debits, pending_credits,"
                + " (select count(*) from entries c where c.ledger_id = e.ledger_id and c.account_id = e.account_id"
                + " and c.sequence <= e.sequence) from entries e where ledger_id = ? and account_id = ?"
                + " and sequence <= ? order by sequence desc limit 1";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, ledgerId);
            statement.setString(2, accountId);
            statement.setLong(3, throughSequence);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return new AccountAt(Balances.ZERO, 0);
                }
                Balances balances = new Balances(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
                return new AccountAt(balances, row.getLong(5));
            }
        } catch (SQLException e) {
            throw new StoreException("could not read account " + accountId, e);
        }
    }

    private static List<JournalRecord> records(PreparedStatement statement) throws SQLException {
        List<JournalRecord> records = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                records.add(Verification.journalRecord(rows));
            }
        }
        return records;
    }
}
