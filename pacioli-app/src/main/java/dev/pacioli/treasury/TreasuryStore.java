package dev.pacioli.treasury;

import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Treasury's rows (db/treasury/V25): buffers, conversions and their history, cycles. Every change of
 * a conversion is one UPDATE guarded by the state it leaves, with its history row, its event and (for
 * an operator's) its audit record in the same database transaction. The one-job-per-buffer rule is the
 * partial unique index {@code treasury_conversions_one_in_flight}: a second insert for a buffer with
 * a job in flight fails, whichever instance or cycle makes it.
 *
 * <p>Balances are read from the ledger's own {@code accounts} rows (reads go to PostgreSQL, never
 * through the writer), many accounts in one query, so a cycle over 10,000 buffers is a few round trips.
 */
public final class TreasuryStore {
    static final String CONVERSION_JOB = "treasury.conversion";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Jobs jobs;

    public TreasuryStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    DataSource dataSource() {
        return dataSource;
    }

    static String jobKey(String ledger, String id) {
        return ledger + "/" + id;
    }

    /** An account of the ledger as treasury needs it: asset, side, balance and available. */
    public record AccountView(String id, String asset, boolean debitNormal, long balance, long available) {}

    /** The accounts of {@code ids} that exist on the ledger, by id. */
    public Map<String, AccountView> accounts(String ledger, Collection<String> ids) {
        return Transactions.run(dataSource, "could not read accounts", connection -> accounts(connection, ledger, ids));
    }

    static Map<String, AccountView> accounts(Connection connection, String ledger, Collection<String> ids)
            throws SQLException {
        Map<String, AccountView> found = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                select a.id, a.asset, a.normal_balance, a.posted_debits, a.posted_credits, a.pending_debits,
                       a.pending_credits
                  from accounts a join ledgers l on l.id = a.ledger_id
                 where l.name = ? and a.id = any (?)""")) {
            select.setString(1, ledger);
            select.setArray(2, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    boolean debit = rows.getInt(3) == 0;
                    long pd = rows.getLong(4), pc = rows.getLong(5), nd = rows.getLong(6), nc = rows.getLong(7);
                    long balance = debit ? pd - pc : pc - pd;
                    long available = balance - (debit ? nc : nd);
                    found.put(
                            rows.getString(1),
                            new AccountView(rows.getString(1), rows.getString(2), debit, balance, available));
                }
            }
        }
        return found;
    }

    // ---- buffers

    /** Creates or replaces a buffer, audited and evented; answers whether it was created. */
    public boolean putBuffer(Buffer buffer, Actor actor, byte[] json) {
        return Transactions.run(dataSource, "could not store the buffer", connection -> {
            Optional<Buffer> before = buffer(connection, buffer.ledger(), buffer.account(), true);
            try (PreparedStatement upsert = connection.prepareStatement("""
                    insert into treasury_buffers (ledger, account, asset, min_amount, target, max_amount, critical,
                           top_up_from, sweep_to, providers, conversion_timeout_seconds)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (ledger, account) do update set asset = excluded.asset,
                           min_amount = excluded.min_amount, target = excluded.target, max_amount = excluded.max_amount,
                           critical = excluded.critical, top_up_from = excluded.top_up_from, sweep_to = excluded.sweep_to,
                           providers = excluded.providers,
                           conversion_timeout_seconds = excluded.conversion_timeout_seconds, updated_at = now()""")) {
                upsert.setString(1, buffer.ledger());
                upsert.setString(2, buffer.account());
                upsert.setString(3, buffer.asset());
                upsert.setLong(4, buffer.min());
                upsert.setLong(5, buffer.target());
                upsert.setLong(6, buffer.max());
                upsert.setObject(7, buffer.critical(), Types.BIGINT);
                upsert.setString(8, buffer.topUpFrom());
                upsert.setString(9, buffer.sweepTo());
                upsert.setArray(
                        10, connection.createArrayOf("text", buffer.providers().toArray()));
                upsert.setInt(11, buffer.conversionTimeoutSeconds());
                upsert.executeUpdate();
            }
            AuditAction action =
                    before.isEmpty() ? AuditAction.TREASURY_BUFFER_CREATED : AuditAction.TREASURY_BUFFER_REPLACED;
            String after = new String(json, StandardCharsets.UTF_8);
            String old = before.map(b -> new String(TreasuryJson.bytes(b), StandardCharsets.UTF_8))
                    .orElse(null);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(action, buffer.account(), old, after).inLedger(buffer.ledger()));
            ServiceEvents.append(connection, action.code(), buffer.ledger(), json);
            return before.isEmpty();
        });
    }

    public List<Buffer> buffers(String ledger) {
        return Transactions.run(dataSource, "could not read buffers", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement(BUFFER_SELECT + " where ledger = ? order by account")) {
                select.setString(1, ledger);
                return buffers(select);
            }
        });
    }

    /** Every buffer of a ledger, by account, on the caller's transaction. */
    static List<Buffer> buffers(Connection connection, String ledger) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement(BUFFER_SELECT + " where ledger = ? order by account")) {
            select.setString(1, ledger);
            return buffers(select);
        }
    }

    /** Every ledger that has buffers: what a scheduled cycle goes over. */
    public List<String> ledgersWithBuffers() {
        return Transactions.run(dataSource, "could not read buffers", connection -> {
            List<String> ledgers = new ArrayList<>();
            try (PreparedStatement select =
                            connection.prepareStatement("select distinct ledger from treasury_buffers order by 1");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ledgers.add(rows.getString(1));
                }
            }
            return ledgers;
        });
    }

    static Optional<Buffer> buffer(Connection connection, String ledger, String account, boolean lock)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                BUFFER_SELECT + " where ledger = ? and account = ?" + (lock ? " for update" : ""))) {
            select.setString(1, ledger);
            select.setString(2, account);
            return buffers(select).stream().findFirst();
        }
    }

    private static final String BUFFER_SELECT = """
            select ledger, account, asset, min_amount, target, max_amount, critical, top_up_from, sweep_to, providers,
                   conversion_timeout_seconds, last_cycle, (extract(epoch from created_at) * 1000000)::bigint,
                   (extract(epoch from updated_at) * 1000000)::bigint
              from treasury_buffers""";

    private static List<Buffer> buffers(PreparedStatement select) throws SQLException {
        List<Buffer> found = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                found.add(new Buffer(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        rows.getLong(4),
                        rows.getLong(5),
                        rows.getLong(6),
                        (Long) rows.getObject(7),
                        rows.getString(8),
                        rows.getString(9),
                        strings(rows.getArray(10)),
                        rows.getInt(11),
                        rows.getString(12),
                        rows.getLong(13),
                        rows.getLong(14)));
            }
        }
        return found;
    }

    static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    // ---- conversions

    /**
     * Inserts a new conversion with its first history step and its job, on the caller's transaction;
     * false (and nothing written, the caller's transaction still usable) when its buffer already has a
     * job in flight or the id is taken.
     */
    boolean insert(Connection connection, Conversion conversion, String reason) throws SQLException {
        try (Statement savepoint = connection.createStatement()) {
            savepoint.execute("savepoint conversion_insert");
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into treasury_conversions (ledger, id, buffer, cycle, purpose, from_account, to_account,
                       from_asset, to_asset, from_amount, providers, status, timeout_seconds, created_by)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)""")) {
            insert.setString(1, conversion.ledger());
            insert.setString(2, conversion.id());
            insert.setString(3, conversion.buffer());
            insert.setString(4, conversion.cycle());
            insert.setString(5, conversion.purpose());
            insert.setString(6, conversion.fromAccount());
            insert.setString(7, conversion.toAccount());
            insert.setString(8, conversion.fromAsset());
            insert.setString(9, conversion.toAsset());
            insert.setLong(10, conversion.fromAmount());
            insert.setArray(
                    11, connection.createArrayOf("text", conversion.providers().toArray()));
            insert.setInt(12, conversion.timeoutSeconds());
            insert.setString(13, conversion.createdBy());
            insert.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                try (Statement rollback = connection.createStatement()) {
                    rollback.execute("rollback to savepoint conversion_insert");
                }
                return false;
            }
            throw e;
        }
        history(
                connection,
                conversion.ledger(),
                conversion.id(),
                conversion.createdBy(),
                "created",
                null,
                "pending",
                null,
                reason,
                List.of());
        jobs.enqueue(connection, CONVERSION_JOB, jobKey(conversion.ledger(), conversion.id()));
        Conversion stored =
                conversion(connection, conversion.ledger(), conversion.id()).orElseThrow();
        ServiceEvents.append(
                connection, "treasury.conversion.pending", conversion.ledger(), TreasuryJson.bytes(stored, List.of()));
        return true;
    }

    public Optional<Conversion> conversion(String ledger, String id) {
        return Transactions.run(
                dataSource, "could not read the conversion", connection -> conversion(connection, ledger, id));
    }

    static Optional<Conversion> conversion(Connection connection, String ledger, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement(CONVERSION_SELECT + " where ledger = ? and id = ?")) {
            select.setString(1, ledger);
            select.setString(2, id);
            return conversions(select).stream().findFirst();
        }
    }

    /** Conversions by id after {@code after}, filtered by status and buffer when given. */
    public List<Conversion> conversions(String ledger, String status, String buffer, String after, int limit) {
        return Transactions.run(dataSource, "could not list conversions", connection -> {
            try (PreparedStatement select = connection.prepareStatement(CONVERSION_SELECT
                    + " where ledger = ? and (?::text is null or status = ?) and (?::text is null or buffer = ?)"
                    + " and (?::text is null or id > ?) order by id limit ?")) {
                select.setString(1, ledger);
                select.setString(2, status);
                select.setString(3, status);
                select.setString(4, buffer);
                select.setString(5, buffer);
                select.setString(6, after);
                select.setString(7, after);
                select.setInt(8, limit);
                return conversions(select);
            }
        });
    }

    /** The conversions in flight of a ledger, by buffer: what a cycle counts as money on its way. */
    static Map<String, Conversion> inFlight(Connection connection, String ledger) throws SQLException {
        Map<String, Conversion> found = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(CONVERSION_SELECT
                + " where ledger = ? and buffer is not null and status in ('pending', 'submitted', 'needs_review')")) {
            select.setString(1, ledger);
            for (Conversion conversion : conversions(select)) {
                found.put(conversion.buffer(), conversion);
            }
        }
        return found;
    }

    private static final String CONVERSION_SELECT = """
            select ledger, id, buffer, cycle, purpose, from_account, to_account, from_asset, to_asset, from_amount,
                   to_amount, rate, providers, tried, provider, reserve_transaction, status, hold_reason,
                   failure_reason, timeout_seconds, (extract(epoch from deadline_at) * 1000000)::bigint, created_by,
                   (extract(epoch from created_at) * 1000000)::bigint, (extract(epoch from updated_at) * 1000000)::bigint
              from treasury_conversions""";

    private static List<Conversion> conversions(PreparedStatement select) throws SQLException {
        List<Conversion> found = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                found.add(new Conversion(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        rows.getString(4),
                        rows.getString(5),
                        rows.getString(6),
                        rows.getString(7),
                        rows.getString(8),
                        rows.getString(9),
                        rows.getLong(10),
                        (Long) rows.getObject(11),
                        rows.getString(12),
                        strings(rows.getArray(13)),
                        strings(rows.getArray(14)),
                        rows.getString(15),
                        rows.getString(16),
                        ConversionStatus.ofCode(rows.getString(17)),
                        rows.getString(18),
                        rows.getString(19),
                        rows.getInt(20),
                        (Long) rows.getObject(21),
                        rows.getString(22),
                        rows.getLong(23),
                        rows.getLong(24)));
            }
        }
        return found;
    }

    /** What a transition changes besides the status; null fields are left as they are. */
    record Change(
            String provider,
            String reserveTransaction,
            Long toAmount,
            String rate,
            String failureReason,
            String holdReason,
            boolean clearHold,
            boolean setDeadline,
            String triedProvider) {
        static Change none() {
            return new Change(null, null, null, null, null, null, false, false, null);
        }
    }

    /**
     * Moves a conversion from {@code from} to {@code to} (or notes a step when they are equal),
     * guarded by {@code from}: empty when it was no longer there (another runner or an operator moved
     * it first). History, event and, with an {@code audit}, the audit record commit with it.
     */
    Optional<Conversion> transition(
            Conversion current,
            ConversionStatus to,
            Change change,
            String actor,
            String kind,
            String reason,
            List<String> transactions,
            Actor audit) {
        return Transactions.run(dataSource, "could not change the conversion", connection -> {
            int changed = update(connection, current, to, change);
            if (changed == 0) {
                return Optional.<Conversion>empty();
            }
            Conversion after =
                    conversion(connection, current.ledger(), current.id()).orElseThrow();
            history(
                    connection,
                    current.ledger(),
                    current.id(),
                    actor,
                    kind,
                    current.status().code(),
                    to.code(),
                    after.provider(),
                    reason,
                    transactions);
            if (to != current.status()) {
                ServiceEvents.append(
                        connection,
                        "treasury.conversion." + to.code(),
                        current.ledger(),
                        TreasuryJson.bytes(after, List.of()));
            }
            if (audit != null) {
                AuditLog.append(
                        connection,
                        audit,
                        AuditEntry.of(
                                        AuditAction.TREASURY_CONVERSION_RESOLVED,
                                        current.id(),
                                        new String(TreasuryJson.bytes(current, List.of()), StandardCharsets.UTF_8),
                                        new String(TreasuryJson.bytes(after, List.of()), StandardCharsets.UTF_8))
                                .inLedger(current.ledger())
                                .because(reason));
            }
            return Optional.of(after);
        });
    }

    /** The guarded UPDATE of a transition: 0 rows when the conversion is no longer in {@code current}'s state. */
    private static int update(Connection connection, Conversion current, ConversionStatus to, Change change)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                update treasury_conversions set status = ?, provider = coalesce(?, provider),
                       reserve_transaction = coalesce(?, reserve_transaction), to_amount = coalesce(?, to_amount),
                       rate = coalesce(?, rate), failure_reason = coalesce(?, failure_reason),
                       hold_reason = case when ? then null else coalesce(?, hold_reason) end,
                       deadline_at = case when ? then now() + make_interval(secs => timeout_seconds) else deadline_at end,
                       tried = case when ?::text is null then tried else array_append(tried, ?::text) end,
                       updated_at = now()
                 where ledger = ? and id = ? and status = ?""")) {
            update.setString(1, to.code());
            update.setString(2, change.provider());
            update.setString(3, change.reserveTransaction());
            update.setObject(4, change.toAmount(), Types.BIGINT);
            update.setString(5, change.rate());
            update.setString(6, change.failureReason());
            update.setBoolean(7, change.clearHold());
            update.setString(8, change.holdReason());
            update.setBoolean(9, change.setDeadline());
            update.setString(10, change.triedProvider());
            update.setString(11, change.triedProvider());
            update.setString(12, current.ledger());
            update.setString(13, current.id());
            update.setString(14, current.status().code());
            return update.executeUpdate();
        }
    }

    static void history(
            Connection connection,
            String ledger,
            String conversion,
            String actor,
            String kind,
            String from,
            String to,
            String provider,
            String reason,
            List<String> transactions)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into treasury_conversion_history (ledger, conversion, actor, kind, from_status, to_status, provider,
                       reason, transactions) values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, ledger);
            insert.setString(2, conversion);
            insert.setString(3, actor);
            insert.setString(4, kind);
            insert.setString(5, from);
            insert.setString(6, to);
            insert.setString(7, provider);
            insert.setString(8, reason);
            insert.setArray(9, connection.createArrayOf("text", transactions.toArray()));
            insert.executeUpdate();
        }
    }

    /** A note in the history that changes nothing (a submission sent, a status asked). */
    void note(Conversion conversion, String kind, String reason) {
        Transactions.run(dataSource, "could not note the conversion's history", connection -> {
            history(
                    connection,
                    conversion.ledger(),
                    conversion.id(),
                    "system",
                    kind,
                    conversion.status().code(),
                    conversion.status().code(),
                    conversion.provider(),
                    reason,
                    List.of());
            return null;
        });
    }

    public List<Conversion.Step> history(String ledger, String id) {
        return Transactions.run(dataSource, "could not read the history", connection -> {
            List<Conversion.Step> steps = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    select (extract(epoch from at) * 1000000)::bigint, actor, kind, from_status, to_status, provider, reason,
                           transactions from treasury_conversion_history where ledger = ? and conversion = ? order by position""")) {
                select.setString(1, ledger);
                select.setString(2, id);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        steps.add(new Conversion.Step(
                                rows.getLong(1),
                                rows.getString(2),
                                rows.getString(3),
                                rows.getString(4),
                                rows.getString(5),
                                rows.getString(6),
                                rows.getString(7),
                                strings(rows.getArray(8))));
                    }
                }
            }
            return steps;
        });
    }
}
