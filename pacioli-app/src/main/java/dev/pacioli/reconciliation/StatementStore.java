package dev.pacioli.reconciliation;

import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Statements, their lines and the saved CSV mappings (tables of {@code db/reconciliation/V27}). A
 * statement and all its lines are one database transaction; the same file again (same content hash,
 * same account) finds the one stored and adds nothing.
 */
final class StatementStore {
    static final String LINE_COLUMNS = "id, statement_id, external_id, booking_date, value_date, amount, asset,"
            + " reference, end_to_end_id, counterparty, description, status, match_id, ignore_reason, position";

    /** A line's states (docs/reconciliation.md has the table). */
    static final List<String> LINE_STATES = List.of("unmatched", "matched", "proposed", "ignored");

    private final DataSource dataSource;

    StatementStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    record Statement(
            String id,
            String ledger,
            String account,
            String asset,
            String format,
            Long openingBalance,
            Long closingBalance,
            LocalDate closingDate,
            int lineCount,
            String createdBy,
            long createdAtMicros) {}

    record Line(
            String id,
            String statementId,
            String externalId,
            LocalDate bookingDate,
            LocalDate valueDate,
            long amount,
            String asset,
            String reference,
            String endToEndId,
            String counterparty,
            String description,
            String status,
            String matchId,
            String ignoreReason,
            int position) {
        Matcher.Line forMatching() {
            return new Matcher.Line(
                    id, amount, bookingDate, externalId, endToEndId, reference != null ? reference : description);
        }
    }

    record Stored(Statement statement, boolean created) {}

    // ---- mappings

    void putMapping(String id, String json) {
        Transactions.run(dataSource, "could not save the CSV mapping", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("insert into recon_csv_mappings (id, mapping)"
                    + " values (?, ?::jsonb) on conflict (id) do update set mapping = excluded.mapping,"
                    + " updated_at = now()")) {
                upsert.setString(1, id);
                upsert.setString(2, json);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    Optional<String> mapping(String id) {
        return Transactions.run(dataSource, "could not read the CSV mapping", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("select mapping::text from recon_csv_mappings where id = ?")) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    // ---- statements

    /** Stores the statement and its lines, or finds the one stored from the same file. */
    Stored insert(String ledger, String account, String asset, StatementFile file, byte[] hash, String principal) {
        return Transactions.run(dataSource, "could not store the statement", connection -> {
            String id = newId("stmt");
            try (PreparedStatement insert = connection.prepareStatement("insert into recon_statements (id, ledger,"
                    + " account, asset, format, content_hash, opening_balance, closing_balance, closing_date,"
                    + " line_count, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " on conflict (ledger, account, content_hash) do nothing")) {
                insert.setString(1, id);
                insert.setString(2, ledger);
                insert.setString(3, account);
                insert.setString(4, asset);
                insert.setString(5, file.format());
                insert.setBytes(6, hash);
                insert.setObject(7, file.openingBalance());
                insert.setObject(8, file.closingBalance());
                insert.setObject(9, file.closingDate());
                insert.setInt(10, file.lines().size());
                insert.setString(11, principal);
                if (insert.executeUpdate() == 0) {
                    return new Stored(byHash(connection, ledger, account, hash), false);
                }
            }
            insertLines(connection, id, ledger, account, asset, file.lines());
            Statement stored = statement(connection, id).orElseThrow();
            ServiceEvents.append(
                    connection, "reconciliation.statement_imported", ledger, ReconciliationJson.statementEvent(stored));
            return new Stored(stored, true);
        });
    }

    private static void insertLines(
            Connection connection,
            String statementId,
            String ledger,
            String account,
            String asset,
            List<StatementFile.Line> lines)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into recon_lines (id, statement_id,"
                + " ledger, account, position, external_id, booking_date, value_date, amount, asset, reference,"
                + " end_to_end_id, counterparty, description) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < lines.size(); i++) {
                StatementFile.Line line = lines.get(i);
                insert.setString(1, newId("stl"));
                insert.setString(2, statementId);
                insert.setString(3, ledger);
                insert.setString(4, account);
                insert.setInt(5, i + 1);
                insert.setString(6, line.externalId());
                insert.setObject(7, line.bookingDate());
                insert.setObject(8, line.valueDate());
                insert.setLong(9, line.amount());
                insert.setString(10, asset);
                insert.setString(11, line.reference());
                insert.setString(12, line.endToEndId());
                insert.setString(13, line.counterparty());
                insert.setString(14, line.description());
                insert.addBatch();
                if (i % 1_000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static Statement byHash(Connection connection, String ledger, String account, byte[] hash)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select id from recon_statements where ledger = ? and account = ? and content_hash = ?")) {
            select.setString(1, ledger);
            select.setString(2, account);
            select.setBytes(3, hash);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return statement(connection, row.getString(1)).orElseThrow();
            }
        }
    }

    Optional<Statement> statement(String ledger, String id) {
        return Transactions.run(
                dataSource,
                "could not read the statement",
                connection ->
                        statement(connection, id).filter(found -> found.ledger().equals(ledger)));
    }

    private static Optional<Statement> statement(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select id, ledger, account, asset, format,"
                + " opening_balance, closing_balance, closing_date, line_count, created_by, created_at"
                + " from recon_statements where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Statement(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        (Long) row.getObject(6),
                        (Long) row.getObject(7),
                        row.getObject(8, LocalDate.class),
                        row.getInt(9),
                        row.getString(10),
                        Timestamps.micros(row, 11)));
            }
        }
    }

    /** The latest statement of the account with a closing balance dated on or before {@code day}. */
    Optional<Statement> latestClosing(Connection connection, String ledger, String account, LocalDate day)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select id from recon_statements"
                + " where ledger = ? and account = ? and closing_balance is not null and closing_date <= ?"
                + " order by closing_date desc, created_at desc limit 1")) {
            select.setString(1, ledger);
            select.setString(2, account);
            select.setObject(3, day);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? statement(connection, row.getString(1)) : Optional.empty();
            }
        }
    }

    // ---- lines

    /**
     * One page of a statement's lines in the file's order, after the line at {@code afterPosition}
     * (null: from the first), in {@code status} when it is not null.
     */
    Page<Line> linesOfStatement(String statementId, String status, Integer afterPosition, int limit) {
        Page.checkLimit(limit);
        return Transactions.run(dataSource, "could not read the lines", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + LINE_COLUMNS
                    + " from recon_lines where statement_id = ? and position > ? and (? is null or status = ?)"
                    + " order by position limit ?")) {
                select.setString(1, statementId);
                select.setInt(2, afterPosition == null ? 0 : afterPosition);
                select.setString(3, status);
                select.setString(4, status);
                select.setInt(5, limit + 1);
                return Page.of(lines(select), limit);
            }
        });
    }

    /** How many of a statement's lines are in each state (states with none are absent). */
    Map<String, Integer> lineCountsOfStatement(String statementId) {
        return Transactions.run(dataSource, "could not count the lines", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select status, count(*) from recon_lines"
                    + " where statement_id = ? group by status order by status")) {
                select.setString(1, statementId);
                Map<String, Integer> counts = new LinkedHashMap<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        counts.put(row.getString(1), row.getInt(2));
                    }
                }
                return counts;
            }
        });
    }

    /** The account's lines booked from {@code from} to {@code to} in the given states. */
    static List<Line> lines(
            Connection connection, String ledger, String account, LocalDate from, LocalDate to, String... states)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select " + LINE_COLUMNS + " from recon_lines"
                + " where ledger = ? and account = ? and booking_date between ? and ? and status = any (?)"
                + " order by id")) {
            select.setString(1, ledger);
            select.setString(2, account);
            select.setObject(3, from);
            select.setObject(4, to);
            select.setArray(5, connection.createArrayOf("text", states));
            return lines(select);
        }
    }

    /** How many of the account's lines booked from {@code from} to {@code to} are in the given states. */
    static long countLines(
            Connection connection, String ledger, String account, LocalDate from, LocalDate to, List<String> states)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select count(*) from recon_lines"
                + " where ledger = ? and account = ? and booking_date between ? and ? and status = any (?)")) {
            select.setString(1, ledger);
            select.setString(2, account);
            select.setObject(3, from);
            select.setObject(4, to);
            select.setArray(5, connection.createArrayOf("text", states.toArray()));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    static List<Line> linesById(Connection connection, String ledger, List<String> ids) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select " + LINE_COLUMNS
                + " from recon_lines where ledger = ? and id = any (?) order by id for update")) {
            select.setString(1, ledger);
            select.setArray(2, connection.createArrayOf("text", ids.toArray()));
            return lines(select);
        }
    }

    Optional<Line> line(String ledger, String id) {
        return Transactions.run(
                dataSource,
                "could not read the line",
                connection ->
                        linesById(connection, ledger, List.of(id)).stream().findFirst());
    }

    private static List<Line> lines(PreparedStatement select) throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                lines.add(new Line(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getObject(4, LocalDate.class),
                        row.getObject(5, LocalDate.class),
                        row.getLong(6),
                        row.getString(7),
                        row.getString(8),
                        row.getString(9),
                        row.getString(10),
                        row.getString(11),
                        row.getString(12),
                        row.getString(13),
                        row.getString(14),
                        row.getInt(15)));
            }
        }
        return lines;
    }
}
