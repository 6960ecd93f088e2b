package dev.pacioli.clearing;

import dev.pacioli.ledger.Assert;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/**
 * Clearing's rows in PostgreSQL (tables from {@code db/clearing/V26}). The methods taking a {@link
 * Connection} run on the caller's transaction; the state lock ({@link #lockState}) comes first in every
 * transaction that changes a ledger's obligations or windows.
 */
public final class ClearingStore {
    static final String OBLIGATION_COLUMNS = "o.sequence, o.ledger, o.id, o.window_id, o.position, o.debtor,"
            + " o.creditor, o.amount, o.asset, o.reference, o.debtor_name, o.creditor_name, o.status, o.reason,"
            + " o.request_hash, o.created_at, o.updated_at, w.status";
    static final String WINDOW_COLUMNS = "ledger, id, number, status, first_position, last_position, opened_at,"
            + " closed_at, settled_at, report::text, failure::text, settlement_transaction";

    private final DataSource dataSource;

    public ClearingStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** A ledger's clearing state as locked for a change. */
    public record State(
            String ledger,
            String openWindow,
            long windowNumber,
            long lastPosition,
            Integer closeEverySeconds,
            boolean autoSettle) {}

    /** Window ids are {@code w-<number>}. */
    static String windowId(long number) {
        return "w-" + number;
    }

    /**
     * Locks the ledger's clearing state for the rest of the transaction, making it (and the first open
     * window) on first use. Every intake, cancel, release and close takes this lock first: one writer of
     * the ledger's clearing state at a time, whichever instance serves the request.
     */
    public static State lockState(Connection connection, String ledger) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into clearing_state (ledger, open_window, window_number) values (?, ?, 1)"
                        + " on conflict (ledger) do nothing")) {
            insert.setString(1, ledger);
            insert.setString(2, windowId(1));
            if (insert.executeUpdate() == 1) {
                insertWindow(connection, ledger, 1, 1);
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select open_window, window_number, last_position, close_every_seconds, auto_settle"
                        + " from clearing_state where ledger = ? for update")) {
            select.setString(1, ledger);
            try (ResultSet row = select.executeQuery()) {
                Assert.that(row.next(), "the clearing state of %s was just made", ledger);
                Integer every = row.getObject(4) == null ? null : row.getInt(4);
                return new State(ledger, row.getString(1), row.getLong(2), row.getLong(3), every, row.getBoolean(5));
            }
        }
    }

    static void insertWindow(Connection connection, String ledger, long number, long firstPosition)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into clearing_windows (ledger, id, number, status, first_position) values (?, ?, ?, 'open', ?)")) {
            insert.setString(1, ledger);
            insert.setString(2, windowId(number));
            insert.setLong(3, number);
            insert.setLong(4, firstPosition);
            insert.executeUpdate();
        }
    }

    static void advancePosition(Connection connection, String ledger, long lastPosition) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("update clearing_state set last_position = ? where ledger = ?")) {
            update.setLong(1, lastPosition);
            update.setString(2, ledger);
            Assert.that(update.executeUpdate() == 1, "the clearing state of %s is locked, so it exists", ledger);
        }
    }

    /** The schedule as stored, making the state when there is none yet. */
    public State state(String ledger) {
        return Transactions.run(
                dataSource, "could not read the clearing state", connection -> lockState(connection, ledger));
    }

    public static void putSchedule(Connection connection, String ledger, Integer closeEverySeconds, boolean autoSettle)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update clearing_state set close_every_seconds = ?, auto_settle = ? where ledger = ?")) {
            if (closeEverySeconds == null) {
                update.setNull(1, Types.INTEGER);
            } else {
                update.setInt(1, closeEverySeconds);
            }
            update.setBoolean(2, autoSettle);
            update.setString(3, ledger);
            update.executeUpdate();
        }
    }

    // ---- participants

    public Optional<Participant> participant(String ledger, String id) {
        return Transactions.run(
                dataSource, "could not read a participant", connection -> participant(connection, ledger, id));
    }

    public static Optional<Participant> participant(Connection connection, String ledger, String id)
            throws SQLException {
        return participantWhere(connection, "ledger = ? and id = ?", ledger, id);
    }

    public Optional<Participant> participantByBic(String ledger, String bic) {
        return Transactions.run(
                dataSource,
                "could not read a participant",
                connection -> participantWhere(connection, "ledger = ? and bic = ?", ledger, bic));
    }

    private static Optional<Participant> participantWhere(
            Connection connection, String where, String ledger, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select ledger, id, name, bic, settlement_accounts::text, net_debit_caps::text, status"
                        + " from clearing_participants where " + where)) {
            select.setString(1, ledger);
            select.setString(2, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(participant(row)) : Optional.empty();
            }
        }
    }

    public List<Participant> participants(String ledger) {
        return Transactions.run(dataSource, "could not list participants", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select ledger, id, name, bic, settlement_accounts::text, net_debit_caps::text, status"
                            + " from clearing_participants where ledger = ? order by id")) {
                select.setString(1, ledger);
                List<Participant> found = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        found.add(participant(row));
                    }
                }
                return found;
            }
        });
    }

    private static Participant participant(ResultSet row) throws SQLException {
        Map<String, String> accounts = new TreeMap<>();
        RequestReader.MAPPER
                .readTree(row.getString(5))
                .properties()
                .forEach(entry -> accounts.put(entry.getKey(), entry.getValue().stringValue()));
        Map<String, Long> caps = new TreeMap<>();
        RequestReader.MAPPER
                .readTree(row.getString(6))
                .properties()
                .forEach(entry -> caps.put(entry.getKey(), entry.getValue().longValue()));
        return new Participant(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                accounts,
                caps,
                "active".equals(row.getString(7)));
    }

    /** Creates or replaces; answers whether it was created. */
    public static boolean putParticipant(Connection connection, Participant participant) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "insert into clearing_participants (ledger, id, name, bic, settlement_accounts, net_debit_caps, status)"
                        + " values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?) on conflict (ledger, id) do update set"
                        + " name = excluded.name, bic = excluded.bic, settlement_accounts = excluded.settlement_accounts,"
                        + " net_debit_caps = excluded.net_debit_caps, status = excluded.status, updated_at = now()"
                        + " returning (xmax = 0)")) {
            upsert.setString(1, participant.ledger());
            upsert.setString(2, participant.id());
            upsert.setString(3, participant.name());
            upsert.setString(4, participant.bic());
            upsert.setString(5, RequestReader.MAPPER.writeValueAsString(participant.settlementAccounts()));
            upsert.setString(6, RequestReader.MAPPER.writeValueAsString(participant.netDebitCaps()));
            upsert.setString(7, participant.status());
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    // ---- positions

    /** {incoming, outgoing} of a participant in an asset in the window; zeros when it has none. */
    public static long[] position(Connection connection, String ledger, String window, String participant, String asset)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select incoming, outgoing from clearing_positions"
                + " where ledger = ? and window_id = ? and participant = ? and asset = ?")) {
            select.setString(1, ledger);
            select.setString(2, window);
            select.setString(3, participant);
            select.setString(4, asset);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new long[] {row.getLong(1), row.getLong(2)} : new long[2];
            }
        }
    }

    /**
     * Adds to stored positions: each key {@code participant\u0000asset} → {incoming delta, outgoing delta}.
     * Updates first, then inserts the rows that were not there (under the state lock, so no one else
     * inserts them meanwhile); an insert's row is checked before any conflict, so a negative delta (a
     * cancel) must never reach the insert.
     */
    public static void addPositions(Connection connection, String ledger, String window, Map<String, long[]> deltas)
            throws SQLException {
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(deltas.entrySet());
        int[] updated;
        try (PreparedStatement update = connection.prepareStatement(
                "update clearing_positions set incoming = incoming + ?, outgoing = outgoing + ?"
                        + " where ledger = ? and window_id = ? and participant = ? and asset = ?")) {
            for (Map.Entry<String, long[]> delta : entries) {
                String[] key = delta.getKey().split("\u0000", 2);
                update.setLong(1, delta.getValue()[0]);
                update.setLong(2, delta.getValue()[1]);
                update.setString(3, ledger);
                update.setString(4, window);
                update.setString(5, key[0]);
                update.setString(6, key[1]);
                update.addBatch();
            }
            updated = update.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into clearing_positions (ledger, window_id, participant, asset, incoming, outgoing)"
                        + " values (?, ?, ?, ?, ?, ?)")) {
            boolean any = false;
            for (int i = 0; i < entries.size(); i++) {
                if (updated[i] == 1) {
                    continue;
                }
                String[] key = entries.get(i).getKey().split("\u0000", 2);
                insert.setString(1, ledger);
                insert.setString(2, window);
                insert.setString(3, key[0]);
                insert.setString(4, key[1]);
                insert.setLong(5, entries.get(i).getValue()[0]);
                insert.setLong(6, entries.get(i).getValue()[1]);
                insert.addBatch();
                any = true;
            }
            if (any) {
                insert.executeBatch();
            }
        }
    }

    /** The window's stored positions as netting input, per asset. */
    public static Map<String, Netting.Accumulator> storedPositions(Connection connection, String ledger, String window)
            throws SQLException {
        Map<String, Netting.Accumulator> byAsset = new TreeMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("select participant, asset, incoming, outgoing from clearing_positions"
                        + " where ledger = ? and window_id = ? and (incoming > 0 or outgoing > 0)")) {
            select.setString(1, ledger);
            select.setString(2, window);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    byAsset.computeIfAbsent(row.getString(2), Netting.Accumulator::new)
                            .addTotals(row.getString(1), row.getLong(3), row.getLong(4), 0);
                }
            }
        }
        return byAsset;
    }

    // ---- obligations

    public Optional<Obligation> obligation(String ledger, String id) {
        return Transactions.run(
                dataSource, "could not read an obligation", connection -> obligation(connection, ledger, id, false));
    }

    public static Optional<Obligation> obligation(Connection connection, String ledger, String id, boolean lock)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select " + OBLIGATION_COLUMNS
                + " from clearing_obligations o join clearing_windows w on w.ledger = o.ledger and w.id = o.window_id"
                + " where o.ledger = ? and o.id = ?" + (lock ? " for update of o" : ""))) {
            select.setString(1, ledger);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(obligation(row)) : Optional.empty();
            }
        }
    }

    /** A page of obligations, newest first; null filters match all. */
    public Page<Obligation> obligations(
            String ledger, String window, String participant, ObligationStatus status, Long before, int limit) {
        StringBuilder sql = new StringBuilder("select " + OBLIGATION_COLUMNS
                + " from clearing_obligations o join clearing_windows w on w.ledger = o.ledger and w.id = o.window_id"
                + " where o.ledger = ?");
        List<Object> arguments = new ArrayList<>(List.of(ledger));
        if (window != null) {
            sql.append(" and o.window_id = ?");
            arguments.add(window);
        }
        if (participant != null) {
            sql.append(" and (o.debtor = ? or o.creditor = ?)");
            arguments.add(participant);
            arguments.add(participant);
        }
        if (status != null) {
            sql.append(
                    switch (status) {
                        case ACCEPTED -> " and o.status = 'accepted' and w.status = 'open'";
                        case NETTED -> " and o.status = 'accepted' and w.status in ('closed', 'settlement_failed')";
                        case SETTLED -> " and o.status = 'accepted' and w.status = 'settled'";
                        case HELD, REJECTED, CANCELED -> " and o.status = '" + status.code() + "'";
                    });
        }
        if (before != null) {
            sql.append(" and o.sequence < ?");
            arguments.add(before);
        }
        sql.append(" order by o.sequence desc limit ").append(limit + 1);
        return Transactions.run(dataSource, "could not list obligations", connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < arguments.size(); i++) {
                    select.setObject(i + 1, arguments.get(i));
                }
                List<Obligation> found = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        found.add(obligation(row));
                    }
                }
                return Page.of(found, limit);
            }
        });
    }

    private static Obligation obligation(ResultSet row) throws SQLException {
        return new Obligation(
                row.getLong(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getLong(5),
                row.getString(6),
                row.getString(7),
                row.getLong(8),
                row.getString(9),
                row.getString(10),
                row.getString(11),
                row.getString(12),
                ObligationStatus.of(row.getString(13), WindowStatus.of(row.getString(18))),
                row.getString(14),
                row.getString(15),
                Timestamps.micros(row, 16),
                Timestamps.micros(row, 17));
    }

    /** A new obligation as intake decided it. */
    public record NewObligation(ObligationRequest request, long position, String status, String principal) {}

    public static void insertObligations(Connection connection, String ledger, String window, List<NewObligation> news)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into clearing_obligations (ledger, id, window_id, position, debtor, creditor, amount, asset,"
                        + " reference, debtor_name, creditor_name, status, request_hash, created_by)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (NewObligation one : news) {
                ObligationRequest request = one.request();
                insert.setString(1, ledger);
                insert.setString(2, request.id());
                insert.setString(3, window);
                insert.setLong(4, one.position());
                insert.setString(5, request.debtor());
                insert.setString(6, request.creditor());
                insert.setLong(7, request.amount());
                insert.setString(8, request.asset());
                insert.setString(9, request.reference());
                insert.setString(10, request.debtorName());
                insert.setString(11, request.creditorName());
                insert.setString(12, one.status());
                insert.setString(13, request.hash());
                insert.setString(14, one.principal());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Moves an obligation to a stored status (and, when not null, to another window at another position). */
    public static void changeObligation(
            Connection connection, String ledger, String id, String status, String reason, String window, Long position)
            throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("update clearing_obligations set status = ?, reason = coalesce(?, reason),"
                        + " window_id = coalesce(?, window_id), position = coalesce(?, position), updated_at = now()"
                        + " where ledger = ? and id = ?")) {
            update.setString(1, status);
            update.setString(2, reason);
            update.setString(3, window);
            update.setObject(4, position);
            update.setString(5, ledger);
            update.setString(6, id);
            Assert.that(update.executeUpdate() == 1, "obligation %s of %s changes once", id, ledger);
        }
    }

    /**
     * The window's accepted obligations summed per (asset, participant) by the database: the netting
     * input taken from the obligations themselves, checked against the running positions at close.
     */
    public static Map<String, Netting.Accumulator> acceptedTotals(Connection connection, String ledger, String window)
            throws SQLException {
        Map<String, Netting.Accumulator> byAsset = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select asset, participant, sum(incoming)::bigint, sum(outgoing)::bigint, sum(paid)::bigint from ("
                        + " select asset, creditor as participant, amount as incoming, 0 as outgoing, 0 as paid"
                        + " from clearing_obligations where ledger = ? and window_id = ? and status = 'accepted'"
                        + " union all select asset, debtor, 0, amount, 1"
                        + " from clearing_obligations where ledger = ? and window_id = ? and status = 'accepted'"
                        + ") flows group by asset, participant")) {
            select.setString(1, ledger);
            select.setString(2, window);
            select.setString(3, ledger);
            select.setString(4, window);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    byAsset.computeIfAbsent(row.getString(1), Netting.Accumulator::new)
                            .addTotals(row.getString(2), row.getLong(3), row.getLong(4), row.getLong(5));
                }
            }
        }
        return byAsset;
    }

    // ---- windows

    public Optional<Window> window(String ledger, String id) {
        return Transactions.run(
                dataSource, "could not read a window", connection -> window(connection, ledger, id, false));
    }

    public static Optional<Window> window(Connection connection, String ledger, String id, boolean lock)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select " + WINDOW_COLUMNS
                + " from clearing_windows where ledger = ? and id = ?" + (lock ? " for update" : ""))) {
            select.setString(1, ledger);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(window(row)) : Optional.empty();
            }
        }
    }

    /** Windows newest first, those numbered below {@code before} when given. */
    public Page<Window> windows(String ledger, WindowStatus status, Long before, int limit) {
        return Transactions.run(dataSource, "could not list windows", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + WINDOW_COLUMNS
                    + " from clearing_windows where ledger = ? and (?::text is null or status = ?)"
                    + " and (?::bigint is null or number < ?) order by number desc limit " + (limit + 1))) {
                select.setString(1, ledger);
                select.setString(2, status == null ? null : status.code());
                select.setString(3, status == null ? null : status.code());
                select.setObject(4, before, Types.BIGINT);
                select.setObject(5, before, Types.BIGINT);
                List<Window> found = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        found.add(window(row));
                    }
                }
                return Page.of(found, limit);
            }
        });
    }

    private static Window window(ResultSet row) throws SQLException {
        return new Window(
                row.getString(1),
                row.getString(2),
                row.getLong(3),
                WindowStatus.of(row.getString(4)),
                row.getLong(5),
                row.getObject(6) == null ? null : row.getLong(6),
                Timestamps.micros(row, 7),
                micros(row.getObject(8, OffsetDateTime.class)),
                micros(row.getObject(9, OffsetDateTime.class)),
                row.getString(10),
                row.getString(11),
                row.getString(12));
    }

    private static Long micros(OffsetDateTime time) {
        return time == null ? null : Timestamps.micros(time);
    }

    /** Closes the open window at {@code lastPosition} with its report, and opens the next. */
    public static void closeAndOpenNext(Connection connection, State state, String report) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update clearing_windows set status = 'closed', last_position = ?, closed_at = now(), report = ?::jsonb"
                        + " where ledger = ? and id = ? and status = 'open'")) {
            update.setLong(1, state.lastPosition());
            update.setString(2, report);
            update.setString(3, state.ledger());
            update.setString(4, state.openWindow());
            Assert.that(
                    update.executeUpdate() == 1,
                    "the open window %s of %s closes once",
                    state.openWindow(),
                    state.ledger());
        }
        long next = state.windowNumber() + 1;
        insertWindow(connection, state.ledger(), next, state.lastPosition() + 1);
        try (PreparedStatement update = connection.prepareStatement(
                "update clearing_state set open_window = ?, window_number = ? where ledger = ?")) {
            update.setString(1, windowId(next));
            update.setLong(2, next);
            update.setString(3, state.ledger());
            update.executeUpdate();
        }
    }

    /** Marks a closed or failed window settled; answers whether this call did. */
    public static boolean markSettled(Connection connection, String ledger, String window, String transaction)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update clearing_windows set status = 'settled', settled_at = now(), failure = null,"
                        + " settlement_transaction = ? where ledger = ? and id = ?"
                        + " and status in ('closed', 'settlement_failed')")) {
            update.setString(1, transaction);
            update.setString(2, ledger);
            update.setString(3, window);
            return update.executeUpdate() == 1;
        }
    }

    /** Marks a closed or failed window failed, with why; answers whether this call did. */
    public static boolean markFailed(Connection connection, String ledger, String window, JsonNode failure)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update clearing_windows set status = 'settlement_failed', failure = ?::jsonb"
                        + " where ledger = ? and id = ? and status in ('closed', 'settlement_failed')")) {
            update.setString(1, failure.toString());
            update.setString(2, ledger);
            update.setString(3, window);
            return update.executeUpdate() == 1;
        }
    }

    /** Ledgers whose schedule closes their open window by now. */
    public List<String> dueLedgers() {
        return Transactions.run(dataSource, "could not read the clearing schedules", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("select s.ledger from clearing_state s join clearing_windows w"
                            + " on w.ledger = s.ledger and w.id = s.open_window where s.close_every_seconds is not null"
                            + " and w.opened_at <= now() - make_interval(secs => s.close_every_seconds)")) {
                List<String> due = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        due.add(row.getString(1));
                    }
                }
                return due;
            }
        });
    }
}
