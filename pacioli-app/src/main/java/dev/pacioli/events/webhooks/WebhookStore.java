package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The statements of webhook endpoints: register, read, update, rotate, disable, delete. Deliveries and
 * the fan-out are {@link DeliveryStore}'s.
 *
 * <p>Each change is one short transaction. Enabling an endpoint again wakes, in the same
 * transaction, the jobs of its deliveries that waited while it was disabled.
 */
public final class WebhookStore {

    private static final int ID_RANDOM_BYTES = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Random ids drawn before giving up; a collision among 2^64 is already unlikely once. */
    private static final int ID_ATTEMPTS_MAX = 4;

    /** Times a change of an endpoint is made again after PostgreSQL rolled it back to break a deadlock. */
    private static final int DEADLOCK_ATTEMPTS_MAX = 3;

    static final String ENDPOINT_COLUMNS = "id, url, events, ledgers, secret, previous_secret,"
            + " previous_secret_until, enabled, disabled_reason, created_at, updated_at";

    private final DataSource dataSource;

    private final Jobs jobs;

    public WebhookStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    // ---- Endpoints ------------------------------------------------------------------------------

    /**
     * Stores a new endpoint. It receives the events committed after it was created: its cursor on
     * every stream in its scope (existing ledgers, the service stream) starts at that stream's head, in
     * the same transaction.
     */
    public Endpoint create(String url, List<String> events, List<String> ledgers, String secret, Actor actor) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("insert into webhook_endpoints"
                    + " (id, url, events, ledgers, secret) values (?, ?, ?, ?, ?) on conflict (id) do nothing"
                    + " returning " + ENDPOINT_COLUMNS)) {
                insert.setString(2, url);
                insert.setArray(3, connection.createArrayOf("text", events.toArray()));
                setNullableArray(connection, insert, 4, ledgers);
                insert.setString(5, secret);
                for (int attempt = 0; attempt < ID_ATTEMPTS_MAX; attempt++) {
                    insert.setString(1, newId());
                    try (ResultSet row = insert.executeQuery()) {
                        if (row.next()) {
                            Endpoint endpoint = endpoint(row);
                            startCursorsAtHeads(connection, endpoint.id());
                            WebhookAudit.record(
                                    connection, actor, AuditAction.WEBHOOK_ENDPOINT_CREATED, null, endpoint);
                            connection.commit();
                            return endpoint;
                        }
                    }
                }
                throw new StoreException("no free webhook id in " + ID_ATTEMPTS_MAX + " random draws", null);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not create a webhook endpoint", e);
        }
    }

    /** Cursors at the current heads for the endpoint's streams (its ledgers, the service's) that have none yet. */
    private static void startCursorsAtHeads(Connection connection, String endpointId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("insert into webhook_cursors"
                + " (endpoint_id, stream, after_sequence) select e.id, l.name, l.head_sequence"
                + " from webhook_endpoints e join ledgers l on e.ledgers is null or l.name = any(e.ledgers)"
                + " where e.id = ? union all select ?, ?, h.sequence from service_event_head h"
                + " on conflict (endpoint_id, stream) do nothing")) {
            statement.setString(1, endpointId);
            statement.setString(2, endpointId);
            statement.setString(3, ServiceEvents.STREAM);
            statement.executeUpdate();
        }
    }

    private static String newId() {
        byte[] random = new byte[ID_RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return "whk_" + HexFormat.of().formatHex(random);
    }

    public Optional<Endpoint> find(String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select " + ENDPOINT_COLUMNS + " from webhook_endpoints where id = ?")) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(endpoint(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read webhook endpoint " + id, e);
        }
    }

    /** Endpoints ordered by id, after {@code afterId} when given. */
    public Page<Endpoint> list(String afterId, int limit) {
        Page.checkLimit(limit);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select " + ENDPOINT_COLUMNS + " from webhook_endpoints where id > ? order by id limit ?")) {
            statement.setString(1, afterId == null ? "" : afterId);
            statement.setInt(2, limit + 1);
            List<Endpoint> endpoints = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    endpoints.add(endpoint(rows));
                }
            }
            return Page.of(endpoints, limit);
        } catch (SQLException e) {
            throw new StoreException("could not list webhook endpoints", e);
        }
    }

    /**
     * Applies an update. Re-enabling clears the reason and the failure run; disabling records
     * {@code disabledReason}. Ledgers that come into scope start at their current heads.
     */
    public Optional<Endpoint> update(String id, EndpointUpdate update, String disabledReason, Actor actor) {
        String sql = "update webhook_endpoints set url = coalesce(?, url), events = coalesce(?::text[], events),"
                + " ledgers = case when ? then ?::text[] else ledgers end,"
                + " enabled = coalesce(?::boolean, enabled),"
                + " disabled_reason = case when ?::boolean is null then disabled_reason when ?::boolean then null"
                + " else coalesce(disabled_reason, ?) end,"
                + " failing_since = case when ? then null else failing_since end,"
                + " updated_at = now() where id = ? returning " + ENDPOINT_COLUMNS;
        Optional<Endpoint> result = audited(id, actor, AuditAction.WEBHOOK_ENDPOINT_UPDATED, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, update.url());
                setNullableArray(connection, statement, 2, update.events());
                statement.setBoolean(3, update.ledgersGiven());
                setNullableArray(connection, statement, 4, update.ledgers());
                setNullableBoolean(statement, 5, update.enabled());
                setNullableBoolean(statement, 6, update.enabled());
                setNullableBoolean(statement, 7, update.enabled());
                statement.setString(8, disabledReason);
                statement.setBoolean(9, Boolean.TRUE.equals(update.enabled()));
                statement.setString(10, id);
                Optional<Endpoint> updated;
                try (ResultSet row = statement.executeQuery()) {
                    updated = row.next() ? Optional.of(endpoint(row)) : Optional.empty();
                }
                if (updated.isPresent()) {
                    startCursorsAtHeads(connection, id);
                }
                if (updated.isPresent() && Boolean.TRUE.equals(update.enabled())) {
                    // Its deliveries waited, deferred: due again now, in the transaction that enables it.
                    jobs.wake(connection, DeliveryStore.JOB_TYPE, DeliveryOutcomes.pendingKeys(connection, id));
                }
                return updated;
            }
        });
        if (result.isPresent() && Boolean.TRUE.equals(update.enabled())) {
            jobs.wake(); // committed: the runner may claim them now
        }
        return result;
    }

    /** Deletes the endpoint with its cursors and deliveries; false when there was none. */
    public boolean delete(String id, Actor actor) {
        return audited(id, actor, AuditAction.WEBHOOK_ENDPOINT_DELETED, connection -> {
                    try (PreparedStatement statement =
                            connection.prepareStatement("delete from webhook_endpoints where id = ?")) {
                        statement.setString(1, id);
                        Assert.that(statement.executeUpdate() == 1, "the locked endpoint %s is deleted", id);
                        return Optional.empty();
                    }
                })
                .isPresent();
    }

    /** A new secret; the current one keeps signing beside it for {@code overlapSeconds}. */
    public Optional<Endpoint> rotate(String id, String newSecret, long overlapSeconds, Actor actor) {
        return updateOne(
                id,
                actor,
                AuditAction.WEBHOOK_ENDPOINT_SECRET_ROTATED,
                "update webhook_endpoints set previous_secret = secret, secret = ?,"
                        + " previous_secret_until = now() + make_interval(secs => ?), updated_at = now()"
                        + " where id = ? returning " + ENDPOINT_COLUMNS,
                statement -> {
                    statement.setString(1, newSecret);
                    statement.setLong(2, overlapSeconds);
                    statement.setString(3, id);
                });
    }

    /**
     * Disables an enabled endpoint; false when it was already disabled (or is gone). Only the
     * dispatcher disables this way (an endpoint that answered 410), so the audit log names the system.
     */
    public boolean disable(String id, String reason) {
        return updateOne(
                        id,
                        Actor.SYSTEM,
                        AuditAction.WEBHOOK_ENDPOINT_DISABLED,
                        "update webhook_endpoints set enabled = false, disabled_reason = ?, updated_at = now()"
                                + " where id = ? and enabled returning " + ENDPOINT_COLUMNS,
                        statement -> {
                            statement.setString(1, reason);
                            statement.setString(2, id);
                        })
                .isPresent();
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private Optional<Endpoint> updateOne(String id, Actor actor, AuditAction action, String sql, Binder binder) {
        return audited(id, actor, action, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(endpoint(row)) : Optional.empty();
                }
            }
        });
    }

    private interface Change {
        /** The endpoint after the change; empty when it did not change (or was deleted). */
        Optional<Endpoint> apply(Connection connection) throws SQLException;
    }

    /**
     * A change of one endpoint and its audit record, in one transaction: the endpoint is locked, changed
     * and recorded with its states before and after. Empty, with nothing recorded, when the endpoint
     * does not exist or the change left it as it was (a deletion's after is always empty).
     */
    private Optional<Endpoint> audited(String id, Actor actor, AuditAction action, Change change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return auditedOnce(id, actor, action, change);
            } catch (StoreException e) {
                if (attempt >= DEADLOCK_ATTEMPTS_MAX || !Transactions.isDeadlock(e.getCause())) {
                    throw e;
                }
                // The fan-out or a delivery's outcome held this endpoint's rows the other way round:
                // PostgreSQL broke the cycle by rolling this change back, so it is made again.
            }
        }
    }

    private Optional<Endpoint> auditedOnce(String id, Actor actor, AuditAction action, Change change) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement(
                    "select " + ENDPOINT_COLUMNS + " from webhook_endpoints where id = ? for update")) {
                lock.setString(1, id);
                Endpoint before;
                try (ResultSet row = lock.executeQuery()) {
                    before = row.next() ? endpoint(row) : null;
                }
                Optional<Endpoint> after = before == null ? Optional.empty() : change.apply(connection);
                boolean deleted = action == AuditAction.WEBHOOK_ENDPOINT_DELETED;
                if (before != null && (after.isPresent() || deleted)) {
                    WebhookAudit.record(connection, actor, action, before, after.orElse(null));
                }
                connection.commit();
                return deleted && before != null ? Optional.of(before) : after;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not change webhook endpoint " + id, e);
        }
    }

    /** Endpoint ids by whether they are enabled: {@code true} and {@code false} keys. */
    public Map<Boolean, Long> endpointCounts() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select enabled, count(*) from webhook_endpoints group by enabled");
                ResultSet rows = statement.executeQuery()) {
            Map<Boolean, Long> counts = new HashMap<>(Map.of(true, 0L, false, 0L));
            while (rows.next()) {
                counts.put(rows.getBoolean(1), rows.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new StoreException("could not count webhook endpoints", e);
        }
    }

    // ---- Rows -----------------------------------------------------------------------------------

    static Endpoint endpoint(ResultSet row) throws SQLException {
        Array ledgers = row.getArray(4);
        return new Endpoint(
                row.getString(1),
                row.getString(2),
                List.of((String[]) row.getArray(3).getArray()),
                ledgers == null ? null : List.of((String[]) ledgers.getArray()),
                row.getString(5),
                row.getString(6),
                nullableMicros(row, 7),
                row.getBoolean(8),
                row.getString(9),
                Timestamps.micros(row, 10),
                Timestamps.micros(row, 11));
    }

    private static Long nullableMicros(ResultSet row, int column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : Timestamps.micros(time);
    }

    private static void setNullableArray(
            Connection connection, PreparedStatement statement, int index, List<String> values) throws SQLException {
        if (values == null) {
            statement.setNull(index, Types.ARRAY);
        } else {
            statement.setArray(index, connection.createArrayOf("text", values.toArray()));
        }
    }

    private static void setNullableBoolean(PreparedStatement statement, int index, Boolean value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BOOLEAN);
        } else {
            statement.setBoolean(index, value);
        }
    }
}
