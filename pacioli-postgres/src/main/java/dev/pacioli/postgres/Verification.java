package dev.pacioli.postgres;

import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.LedgerVerifier;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitVerifier;
import dev.pacioli.ledger.RecordType;
import dev.pacioli.ledger.VerifyReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.sql.DataSource;

/**
 * Feeds {@link LedgerVerifier} from PostgreSQL: the head, the journal, the entries and the accounts,
 * and then {@link LimitVerifier} the journal again with the limits' history,
 * all read in one repeatable-read transaction so they describe one instant even while the writer
 * commits. Rows stream through cursors; nothing is loaded whole.
 */
public final class Verification {
    private static final int FETCH_SIZE = 2_000;

    private final DataSource dataSource;

    public Verification(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public VerifyReport verify(Ledger ledger) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try (PreparedStatement head = connection.prepareStatement(
                            "select head_sequence, head_hash, head_timestamp from ledgers where id = ?");
                    PreparedStatement journal = connection.prepareStatement("select sequence, type, subject,"
                            + " committed_at, canonical, hash from journal where ledger_id = ? order by sequence");
                    PreparedStatement entries = connection.prepareStatement("select " + Rows.ENTRY_COLUMNS
                            + " from entries where ledger_id = ? order by sequence, account_id");
                    PreparedStatement accounts = connection.prepareStatement(
                            "select " + Rows.ACCOUNT_COLUMNS + " from accounts a where a.ledger_id = ?")) {
                LedgerHead storedHead = readHead(head, ledger.id());
                for (PreparedStatement statement : new PreparedStatement[] {journal, entries, accounts}) {
                    statement.setLong(1, ledger.id());
                    statement.setFetchSize(FETCH_SIZE);
                }
                VerifyReport report;
                try (ResultSet journalRows = journal.executeQuery();
                        ResultSet entryRows = entries.executeQuery();
                        ResultSet accountRows = accounts.executeQuery()) {
                    report = LedgerVerifier.verify(
                            ledger.name(),
                            storedHead,
                            rows(journalRows, Verification::journalRecord),
                            rows(entryRows, Rows::entry),
                            rows(accountRows, Rows::account));
                }
                return withLimits(report, connection, journal, ledger.id());
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException("could not verify ledger '" + ledger.name() + "'", e);
        }
    }

    /**
     * The limits' check ({@link LimitVerifier}), a second pass over the journal in the same snapshot;
     * skipped (and not counted) for a ledger that never had a limit.
     */
    private static VerifyReport withLimits(
            VerifyReport report, Connection connection, PreparedStatement journal, long ledgerId) throws SQLException {
        List<Limit> history = LimitRows.history(connection, ledgerId);
        if (history.isEmpty()) {
            return report;
        }
        LimitVerifier.Result limits;
        try (ResultSet journalRows = journal.executeQuery()) {
            limits = LimitVerifier.verify(history, rows(journalRows, Verification::journalRecord));
        }
        Map<String, Long> checked = new LinkedHashMap<>(report.checked());
        checked.put("limit_versions", (long) history.size());
        checked.put("transactions_under_limits", limits.transactionsChecked());
        List<String> failures = new ArrayList<>(report.failures());
        failures.addAll(limits.failures());
        return new VerifyReport(report.ok() && limits.failures().isEmpty(), Map.copyOf(checked), List.copyOf(failures));
    }

    private static LedgerHead readHead(PreparedStatement statement, long ledgerId) throws SQLException {
        statement.setLong(1, ledgerId);
        try (ResultSet row = statement.executeQuery()) {
            row.next();
            return new LedgerHead(row.getLong(1), row.getBytes(2), row.getLong(3));
        }
    }

    static JournalRecord journalRecord(ResultSet row) throws SQLException {
        return new JournalRecord(
                row.getLong(1),
                RecordType.ofTag(row.getShort(2)),
                Rows.micros(row, 4),
                row.getString(3),
                row.getBytes(5),
                row.getBytes(6));
    }

    private static <T> Iterator<T> rows(ResultSet rows, RowMapper<T> mapper) {
        return new Iterator<>() {
            private Boolean ready;

            @Override
            public boolean hasNext() {
                if (ready == null) {
                    try {
                        ready = rows.next();
                    } catch (SQLException e) {
                        throw new StoreException("could not read rows to verify", e);
                    }
                }
                return ready;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = null;
                try {
                    return mapper.map(rows);
                } catch (SQLException e) {
                    throw new StoreException("could not read rows to verify", e);
                }
            }
        };
    }
}
