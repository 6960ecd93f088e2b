package dev.pacioli.payments.deposits;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.PostgresLedgerStore.CommitRows;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;

/**
 * The statements of deposits, their history and deposit routes. Every change of a deposit's state is
 * made on its locked row, in a transaction that also writes its history entry and its event ({@code
 * deposit.<state>}, last: the service stream's head stays locked from there to the commit). The one
 * change that moves money is split: the decision ({@link #decideSucceeded}, which marks the row {@code
 * posting} and enqueues {@value #POST_JOB}) and the posting, committed by the ledger's writer with
 * {@code deposit:{id}} ({@link #settlement}). So a deposit is succeeded exactly when {@code
 * deposit:{id}} is posted, reversed exactly when {@code deposit:{id}:reverse} is, and no transaction
 * ever holds a deposit's row while it waits for the writer.
 *
 * <p>Rows made {@code visible = false} (a deposit created and succeeded at once, while its posting is
 * in flight) are not read by {@link #find} or {@link #list}: such a deposit is seen once it succeeded.
 */
public final class DepositStore {
    /** The job that posts a deposit whose success is decided: {@code {ledger}/{id}}. */
    public static final String POST_JOB = "deposit.post";

    /** How long the job that posts a decided deposit waits for its caller to post it first. */
    static final Duration POST_BACKUP_DELAY = Duration.ofSeconds(10);

    private static final String COLUMNS = "ledger, id, account, amount, asset, connector, status, posting,"
            + " provider_reference, provider_event_ids, metadata, created_at, updated_at, sequence, originator,"
            + " hold_reason, succeed_on_release";
    private static final int SEQUENCE_COLUMN = 14;
    /** The hold of a deposit whose originator hit a sanctions list. */
    public static final String SCREENING = "screening";

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final DataSource dataSource;
    private final Jobs jobs;

    public DepositStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    /** A deposit with its place in the list's order. */
    public record Listed(long sequence, Deposit deposit) {}

    /** Who changed a deposit and why; the history's entry. */
    public record Change(String actor, String reason, String providerEventId) {}

    /** The job key of a deposit: {@code {ledger}/{id}} (no id holds a {@code /}). */
    static String jobKey(String ledger, String id) {
        return ledger + "/" + id;
    }

    <T> T inTransaction(String what, Transactions.Work<T> work) {
        return Transactions.run(dataSource, "could not " + what, work);
    }

    // ---- Changes, on a caller's transaction -------------------------------------------------------------

    /** The deposit locked for a change; null when there is none (visible or not). */
    Deposit lock(Connection connection, String ledger, String id) throws SQLException {
        return select(connection, ledger, id, " for update");
    }

    /**
     * Inserts a new deposit in {@code status} ({@code pending} or {@code failed}, with its event), or
     * pending and already {@code posting} ({@code succeeded} decided, not visible until it is); empty
     * when the id is taken (maybe by a concurrent insert, which the caller then locks).
     */
    Optional<Deposit> open(Connection connection, DepositRequest request, DepositStatus to, Change change, boolean held)
            throws SQLException {
        boolean succeeding = to == DepositStatus.SUCCEEDED && !held;
        DepositStatus status = to == DepositStatus.SUCCEEDED ? DepositStatus.PENDING : to;
        Deposit created;
        try (PreparedStatement insert = connection.prepareStatement("insert into deposits (ledger, id, account,"
                + " amount, asset, connector, status, posting, visible, provider_reference, provider_event_ids,"
                + " metadata, originator, hold_reason, succeed_on_release) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?::jsonb, ?, ?) on conflict do nothing returning " + COLUMNS)) {
            insert.setString(1, request.ledger());
            insert.setString(2, request.id());
            insert.setString(3, request.account());
            insert.setLong(4, request.amount());
            insert.setString(5, request.asset());
            insert.setString(6, request.connector());
            insert.setString(7, status.code());
            insert.setBoolean(8, succeeding);
            insert.setBoolean(9, !succeeding);
            insert.setString(10, request.providerReference());
            insert.setArray(
                    11,
                    connection.createArrayOf(
                            "text",
                            change.providerEventId() == null
                                    ? new Object[0]
                                    : new Object[] {change.providerEventId()}));
            insert.setString(
                    12,
                    RequestReader.MAPPER.writeValueAsString(request.metadata().values()));
            insert.setString(
                    13,
                    request.originator() == null
                            ? null
                            : RequestReader.MAPPER.writeValueAsString(request.originator()));
            insert.setString(14, held ? SCREENING : null);
            insert.setBoolean(15, held && to == DepositStatus.SUCCEEDED);
            try (ResultSet row = insert.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                created = deposit(row);
            }
        }
        record(
                connection,
                created,
                null,
                held ? status : to,
                change,
                succeeding ? Deposit.transactionId(created.id()) : null);
        if (succeeding) {
            // The caller posts it at once; the job is there for a crash before it could.
            jobs.enqueue(connection, POST_JOB, List.of(jobKey(created.ledger(), created.id())), POST_BACKUP_DELAY);
        } else {
            told(connection, created);
        }
        return Optional.of(created);
    }

    /** Records a provider event that told of the deposit (once). */
    void heardFrom(Connection connection, Deposit deposit, String providerEventId) throws SQLException {
        if (providerEventId == null || deposit.providerEventIds().contains(providerEventId)) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("update deposits set provider_event_ids ="
                + " array_append(provider_event_ids, ?), updated_at = now() where ledger = ? and id = ?")) {
            update.setString(1, providerEventId);
            update.setString(2, deposit.ledger());
            update.setString(3, deposit.id());
            update.executeUpdate();
        }
    }

    /** Remembers that the provider reported a held deposit succeeded: clearing its hold succeeds it. */
    void succeedOnRelease(Connection connection, Deposit held) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update deposits set succeed_on_release = true," + " updated_at = now() where ledger = ? and id = ?")) {
            update.setString(1, held.ledger());
            update.setString(2, held.id());
            update.executeUpdate();
        }
    }

    /** Lifts a pending deposit's hold; the deposit as it is now. */
    Deposit release(Connection connection, Deposit held) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update deposits set hold_reason = null,"
                + " updated_at = now() where ledger = ? and id = ? returning " + COLUMNS)) {
            update.setString(1, held.ledger());
            update.setString(2, held.id());
            try (ResultSet row = update.executeQuery()) {
                row.next();
                return deposit(row);
            }
        }
    }

    /**
     * Decides that a pending deposit succeeded: marks it {@code posting} and enqueues {@value
     * #POST_JOB}, which posts it after {@code delay} unless the caller has by then.
     */
    void decideSucceeded(Connection connection, Deposit current, Change change, Duration delay) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update deposits set posting = true,"
                + " updated_at = now() where ledger = ? and id = ? and status = 'pending'")) {
            update.setString(1, current.ledger());
            update.setString(2, current.id());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("deposit " + current.id() + " is not pending: it cannot succeed");
            }
        }
        record(
                connection,
                current,
                current.status(),
                DepositStatus.SUCCEEDED,
                change,
                Deposit.transactionId(current.id()));
        jobs.enqueue(connection, POST_JOB, List.of(jobKey(current.ledger(), current.id())), delay);
    }

    /** Moves a pending deposit to failed, with its history entry and its event. */
    Deposit fail(Connection connection, Deposit current, Change change) throws SQLException {
        Deposit failed;
        try (PreparedStatement update = connection.prepareStatement("update deposits set status = 'failed',"
                + " visible = true, hold_reason = null, updated_at = now() where ledger = ? and id = ? and status = 'pending'"
                + " and not posting returning " + COLUMNS)) {
            update.setString(1, current.ledger());
            update.setString(2, current.id());
            try (ResultSet row = update.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("deposit " + current.id() + " is not pending: it cannot fail");
                }
                failed = deposit(row);
            }
        }
        record(connection, failed, current.status(), DepositStatus.FAILED, change, null);
        told(connection, failed);
        return failed;
    }

    // ---- Changes the ledger's writer commits ------------------------------------------------------------

    /**
     * The move of a decided deposit to succeeded, for the ledger's writer to commit with {@code
     * deposit:{id}}. Nothing but this clears {@code posting}, so the row it finds is always the decided one.
     */
    public CommitRows settlement(String ledger, String id) {
        return connection -> {
            try (PreparedStatement update = connection.prepareStatement("update deposits set status = 'succeeded',"
                    + " posting = false, visible = true, updated_at = now() where ledger = ? and id = ?"
                    + " and status = 'pending' and posting returning " + COLUMNS)) {
                update.setString(1, ledger);
                update.setString(2, id);
                try (ResultSet row = update.executeQuery()) {
                    if (row.next()) {
                        told(connection, deposit(row));
                    }
                }
            }
        };
    }

    /** The change of a deposit to reversed, for the ledger's writer to commit with its reversal. */
    public CommitRows reversal(String ledger, String id, Change change) {
        return connection -> {
            try (PreparedStatement update = connection.prepareStatement("update deposits set status = 'reversed',"
                    + " updated_at = now() where ledger = ? and id = ? and status = 'succeeded' returning "
                    + COLUMNS)) {
                update.setString(1, ledger);
                update.setString(2, id);
                try (ResultSet row = update.executeQuery()) {
                    if (row.next()) {
                        Deposit reversed = deposit(row);
                        record(
                                connection,
                                reversed,
                                DepositStatus.SUCCEEDED,
                                DepositStatus.REVERSED,
                                change,
                                Deposit.reversalId(id));
                        told(connection, reversed);
                    }
                }
            }
        };
    }

    /** The event of a deposit's new state. Written last in its transaction (see the class's comment). */
    private static void told(Connection connection, Deposit deposit) throws SQLException {
        ServiceEvents.append(connection, "deposit." + deposit.status().code(), deposit.ledger(), json(deposit));
    }

    private static void record(
            Connection connection,
            Deposit deposit,
            DepositStatus from,
            DepositStatus to,
            Change change,
            String transactionId)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into deposit_history (ledger,"
                + " deposit_id, from_status, to_status, actor, reason, transaction_id) values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, deposit.ledger());
            insert.setString(2, deposit.id());
            insert.setString(3, from == null ? null : from.code());
            insert.setString(4, to.code());
            insert.setString(5, change.actor());
            insert.setString(6, change.reason());
            insert.setString(7, transactionId);
            insert.executeUpdate();
        }
    }

    // ---- Reads --------------------------------------------------------------------------------------

    /** A visible deposit. */
    public Optional<Deposit> find(String ledger, String id) {
        return read(
                "read deposit " + id,
                connection -> Optional.ofNullable(select(connection, ledger, id, " and visible")));
    }

    /** A deposit, visible or not: to decide what to do with it. */
    Optional<Deposit> findAny(String ledger, String id) {
        return read("read deposit " + id, connection -> Optional.ofNullable(select(connection, ledger, id, "")));
    }

    /**
     * A ledger's visible deposits, newest first, before {@code beforeSequence} when given, of one
     * account and in one status when given.
     */
    public Page<Listed> list(String ledger, String account, DepositStatus status, Long beforeSequence, int limit) {
        Page.checkLimit(limit);
        String statusCode = status == null ? null : status.code();
        return read("list deposits", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + COLUMNS + " from deposits"
                    + " where ledger = ? and sequence < ? and visible and (?::text is null or account = ?)"
                    + " and (?::text is null or status = ?) order by sequence desc limit ?")) {
                select.setString(1, ledger);
                select.setLong(2, beforeSequence == null ? Long.MAX_VALUE : beforeSequence);
                select.setString(3, account);
                select.setString(4, account);
                select.setString(5, statusCode);
                select.setString(6, statusCode);
                select.setInt(7, limit + 1);
                List<Listed> rows = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        rows.add(new Listed(row.getLong(SEQUENCE_COLUMN), deposit(row)));
                    }
                }
                return Page.of(rows, limit);
            }
        });
    }

    /** One entry of a deposit's history. */
    public record HistoryEntry(
            long atMicros, DepositStatus from, DepositStatus to, String actor, String reason, String transactionId) {}

    /** A deposit's history, oldest first. */
    public List<HistoryEntry> history(String ledger, String id) {
        return read("read the history of deposit " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select at, from_status, to_status, actor,"
                    + " reason, transaction_id from deposit_history where ledger = ? and deposit_id = ?"
                    + " order by sequence limit 1000")) {
                select.setString(1, ledger);
                select.setString(2, id);
                List<HistoryEntry> entries = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        String from = row.getString(2);
                        entries.add(new HistoryEntry(
                                Timestamps.micros(row, 1),
                                from == null ? null : DepositStatus.of(from),
                                DepositStatus.of(row.getString(3)),
                                row.getString(4),
                                row.getString(5),
                                row.getString(6)));
                    }
                }
                return entries;
            }
        });
    }

    private interface Read<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(String what, Read<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("could not " + what, e);
        }
    }

    private static Deposit select(Connection connection, String ledger, String id, String suffix) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + COLUMNS + " from deposits where ledger = ? and id = ?" + suffix)) {
            select.setString(1, ledger);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? deposit(row) : null;
            }
        }
    }

    // ---- Deposit routes -----------------------------------------------------------------------------

    /** A deposit route: a provider's reference (an address, a virtual account) → a ledger's account. */
    public record Route(String connector, String reference, String ledger, String account) {}

    /** Stores the route; false when the reference is routed already (to anything). */
    public boolean addRoute(Route route) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into deposit_routes (connector,"
                        + " reference, ledger, account) values (?, ?, ?, ?) on conflict do nothing")) {
            insert.setString(1, route.connector());
            insert.setString(2, route.reference());
            insert.setString(3, route.ledger());
            insert.setString(4, route.account());
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("could not add a deposit route", e);
        }
    }

    public Optional<Route> route(String connector, String reference) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select ledger, account from deposit_routes where connector = ? and reference = ?")) {
            select.setString(1, connector);
            select.setString(2, reference);
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(new Route(connector, reference, row.getString(1), row.getString(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read a deposit route", e);
        }
    }

    // ---- Rows and JSON ------------------------------------------------------------------------------

    static byte[] json(Deposit deposit) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, deposit);
            return out.toBytes();
        }
    }

    static void write(JsonOutput out, Deposit deposit) {
        out.json.writeStartObject();
        out.string("id", deposit.id());
        out.string("ledger", deposit.ledger());
        out.string("account", deposit.account());
        out.number("amount", deposit.amount());
        out.string("asset", deposit.asset());
        out.string("connector", deposit.connector());
        out.string("status", deposit.status().code());
        out.string("hold_reason", deposit.holdReason());
        if (deposit.originator() == null) {
            out.json.writeNullProperty("originator");
        } else {
            out.json.writeName("originator");
            out.json.writeStartObject();
            // Only the fields the provider gave: a field given is never null.
            for (String[] field : new String[][] {
                {"name", deposit.originator().name()},
                {"country", deposit.originator().country()},
                {"address", deposit.originator().address()}
            }) {
                if (field[1] != null) {
                    out.string(field[0], field[1]);
                }
            }
            out.json.writeEndObject();
        }
        out.string("provider_reference", deposit.providerReference());
        out.json.writeName("provider_event_ids");
        out.json.writeStartArray();
        deposit.providerEventIds().forEach(out.json::writeString);
        out.json.writeEndArray();
        out.json.writeName("ledger_transactions");
        out.json.writeStartArray();
        deposit.ledgerTransactions().forEach(out.json::writeString);
        out.json.writeEndArray();
        out.time("created_at", deposit.createdAtMicros());
        out.time("updated_at", deposit.updatedAtMicros());
        out.metadata("metadata", deposit.metadata());
        out.json.writeEndObject();
    }

    private static Deposit deposit(ResultSet row) throws SQLException {
        Array events = row.getArray(10);
        return new Deposit(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getString(5),
                row.getString(6),
                DepositStatus.of(row.getString(7)),
                row.getBoolean(8),
                row.getString(9),
                List.of((String[]) events.getArray()),
                Metadata.of(RequestReader.MAPPER.readValue(row.getString(11), STRING_MAP)),
                Timestamps.micros(row, 12),
                Timestamps.micros(row, 13),
                originator(row.getString(15)),
                row.getString(16),
                row.getBoolean(17));
    }

    private static Subject originator(String json) {
        return json == null ? null : RequestReader.MAPPER.readValue(json, Subject.class);
    }
}
