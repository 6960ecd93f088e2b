package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
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
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Every statement of the webhooks capability: endpoints, fan-out cursors and deliveries.
 *
 * <p>Each change of state is one short transaction. Times that decide when a delivery is due are the
 * database's ({@code now()}), so several service instances agree whatever their clocks say. Claiming
 * due deliveries locks them with {@code for update skip locked} and leases them in the same statement,
 * so a second instance cannot send what the first is sending; a lease that runs out (the sender died)
 * makes the delivery due again, which is the only way an attempt is repeated without being recorded.
 */
public final class WebhookStore {
    public static final String STATUS_PENDING = "pending";
    public static final String STATUS_SUCCEEDED = "succeeded";
    public static final String STATUS_FAILED = "failed";

    private static final int ID_RANDOM_BYTES = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Random ids drawn before giving up; a collision among 2^64 is already unlikely once. */
    private static final int ID_ATTEMPTS_MAX = 4;

    private static final int ERROR_LENGTH_MAX = 500;
    private static final String ENDPOINT_COLUMNS = "id, url, events, ledgers, secret, previous_secret,"
            + " previous_secret_until, enabled, disabled_reason, created_at, updated_at";
    private static final String DELIVERY_COLUMNS = "d.id, d.endpoint_id, d.event_id, l.name, d.sequence, d.type,"
            + " d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error,"
            + " d.created_at, d.event_created_at";

    private final DataSource dataSource;

    public WebhookStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A registered endpoint, as stored.
     *
     * @param ledgers ledger names, or null for every ledger
     * @param previousSecret the secret before the last rotation while it still signs, else null
     */
    public record Endpoint(
            String id,
            String url,
            List<String> events,
            List<String> ledgers,
            String secret,
            String previousSecret,
            Long previousSecretUntilMicros,
            boolean enabled,
            String disabledReason,
            long createdAtMicros,
            long updatedAtMicros) {
        public Endpoint {
            events = List.copyOf(events);
            ledgers = ledgers == null ? null : List.copyOf(ledgers);
        }
    }

    /** One delivery row, as the list route shows it. */
    public record Delivery(
            long id,
            String endpointId,
            String eventId,
            String ledger,
            long sequence,
            String type,
            String status,
            int attempts,
            Long nextAttemptAtMicros,
            Long lastAttemptAtMicros,
            Integer lastStatusCode,
            String lastError,
            long createdAtMicros,
            long eventCreatedAtMicros) {}

    /**
     * A delivery claimed for one attempt, with what sending it needs.
     *
     * @param attempts the attempts made before this one
     * @param previousSecret the endpoint's old secret while it still signs, else null
     */
    public record Claimed(
            long id,
            String endpointId,
            String url,
            String secret,
            String previousSecret,
            String eventId,
            long ledgerId,
            String ledger,
            long sequence,
            int attempts) {}

    /** An (endpoint, ledger) pair whose cursor is behind the ledger's head. */
    public record Lag(String endpointId, List<String> events, long ledgerId, String ledger, long afterSequence) {}

    /** A journal record the fan-out considers: enough to make a delivery row. */
    public record EventRef(String eventId, long sequence, String type, long createdAtMicros) {}

    /** Reads the next events of a ledger after a sequence. */
    @FunctionalInterface
    public interface EventSource {
        List<EventRef> after(long afterSequence);
    }

    /** Pending deliveries of one endpoint: how many and the creation time of the oldest one's event. */
    public record Backlog(String endpointId, long pending, long oldestEventMicros) {}

    // ---- Endpoints ------------------------------------------------------------------------------

    /**
     * Stores a new endpoint. It receives the events committed after it was created: its cursor on
     * every existing ledger in its scope starts at that ledger's head, in the same transaction.
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
                            AuditLog.append(
                                    connection,
                                    actor,
                                    WebhookAudit.entry(AuditAction.WEBHOOK_ENDPOINT_CREATED, null, endpoint));
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

    /** Cursors at the current heads for the endpoint's ledgers that have none yet. */
    private static void startCursorsAtHeads(Connection connection, String endpointId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("insert into webhook_cursors"
                + " (endpoint_id, ledger_id, after_sequence) select e.id, l.id, l.head_sequence"
                + " from webhook_endpoints e join ledgers l on e.ledgers is null or l.name = any(e.ledgers)"
                + " where e.id = ? on conflict (endpoint_id, ledger_id) do nothing")) {
            statement.setString(1, endpointId);
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
     * The changes of an update; a null field stays as it is, except {@code ledgers}, which changes
     * when {@code ledgersGiven} (to null: every ledger).
     */
    public record Update(
            String url, List<String> events, boolean ledgersGiven, List<String> ledgers, Boolean enabled) {}

    /**
     * Applies an update. Re-enabling clears the reason and the failure run; disabling records
     * {@code disabledReason}. Ledgers that come into scope start at their current heads.
     */
    public Optional<Endpoint> update(String id, Update update, String disabledReason, Actor actor) {
        String sql = "update webhook_endpoints set url = coalesce(?, url), events = coalesce(?::text[], events),"
                + " ledgers = case when ? then ?::text[] else ledgers end,"
                + " enabled = coalesce(?::boolean, enabled),"
                + " disabled_reason = case when ?::boolean is null then disabled_reason when ?::boolean then null"
                + " else coalesce(disabled_reason, ?) end,"
                + " failing_since = case when ? then null else failing_since end,"
                + " updated_at = now() where id = ? returning " + ENDPOINT_COLUMNS;
        return audited(id, actor, AuditAction.WEBHOOK_ENDPOINT_UPDATED, connection -> {
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
                return updated;
            }
        });
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
                    AuditLog.append(connection, actor, WebhookAudit.entry(action, before, after.orElse(null)));
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

    // ---- Fan-out --------------------------------------------------------------------------------

    /**
     * The (enabled endpoint, ledger in scope) pairs whose cursor is behind the ledger's head. A
     * missing cursor is a ledger created after the endpoint: it starts at 0.
     */
    public List<Lag> lagging() {
        String sql = "select e.id, e.events, l.id, l.name, coalesce(c.after_sequence, 0)"
                + " from webhook_endpoints e join ledgers l on e.ledgers is null or l.name = any(e.ledgers)"
                + " left join webhook_cursors c on c.endpoint_id = e.id and c.ledger_id = l.id"
                + " where e.enabled and l.head_sequence > coalesce(c.after_sequence, 0)"
                + " order by e.id, l.id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            List<Lag> lags = new ArrayList<>();
            while (rows.next()) {
                lags.add(new Lag(
                        rows.getString(1),
                        List.of((String[]) rows.getArray(2).getArray()),
                        rows.getLong(3),
                        rows.getString(4),
                        rows.getLong(5)));
            }
            return lags;
        } catch (SQLException e) {
            throw new StoreException("could not read the webhook cursors", e);
        }
    }

    /**
     * One fan-out step for one (endpoint, ledger), in one transaction: lock the cursor (skipped when
     * another instance holds it), read the events after it, insert a delivery for each one that
     * matches, and move the cursor past the last event read. Returns the deliveries inserted.
     */
    public int fanOut(String endpointId, long ledgerId, EventSource source, Predicate<String> matches) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int inserted = fanOut(connection, endpointId, ledgerId, source, matches);
                connection.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not fan out events to webhook " + endpointId, e);
        }
    }

    private static int fanOut(
            Connection connection, String endpointId, long ledgerId, EventSource source, Predicate<String> matches)
            throws SQLException {
        try (PreparedStatement start = connection.prepareStatement("insert into webhook_cursors"
                + " (endpoint_id, ledger_id, after_sequence) values (?, ?, 0) on conflict do nothing")) {
            start.setString(1, endpointId);
            start.setLong(2, ledgerId);
            start.executeUpdate();
        }
        long after;
        try (PreparedStatement lock = connection.prepareStatement("select after_sequence from webhook_cursors"
                + " where endpoint_id = ? and ledger_id = ? for update skip locked")) {
            lock.setString(1, endpointId);
            lock.setLong(2, ledgerId);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    return 0; // another instance is fanning out this pair
                }
                after = row.getLong(1);
            }
        }
        List<EventRef> events = source.after(after);
        if (events.isEmpty()) {
            return 0;
        }
        int inserted = 0;
        try (PreparedStatement insert = connection.prepareStatement("insert into webhook_deliveries"
                + " (endpoint_id, event_id, ledger_id, sequence, type, event_created_at, next_attempt_at)"
                + " values (?, ?, ?, ?, ?, ?, now()) on conflict do nothing")) {
            for (EventRef event : events) {
                if (matches.test(event.type())) {
                    insert.setString(1, endpointId);
                    insert.setString(2, event.eventId());
                    insert.setLong(3, ledgerId);
                    insert.setLong(4, event.sequence());
                    insert.setString(5, event.type());
                    insert.setObject(6, Timestamps.offsetDateTime(event.createdAtMicros()));
                    insert.addBatch();
                    inserted++;
                }
            }
            if (inserted > 0) {
                insert.executeBatch();
            }
        }
        long last = events.getLast().sequence();
        Assert.that(last > after, "the fan-out read no event after its cursor");
        try (PreparedStatement advance = connection.prepareStatement(
                "update webhook_cursors set after_sequence = ? where endpoint_id = ? and ledger_id = ?")) {
            advance.setLong(1, last);
            advance.setString(2, endpointId);
            advance.setLong(3, ledgerId);
            advance.executeUpdate();
        }
        return inserted;
    }

    // ---- Deliveries -----------------------------------------------------------------------------

    /**
     * Claims up to {@code limit} due deliveries of enabled endpoints, oldest due first, and leases
     * them for {@code leaseSeconds}: they are not due again before the lease ends.
     */
    public List<Claimed> claimDue(int limit, double leaseSeconds) {
        String sql = "with due as (select d.id from webhook_deliveries d"
                + " join webhook_endpoints e on e.id = d.endpoint_id"
                + " where d.status = 'pending' and d.next_attempt_at <= now() and e.enabled"
                + " order by d.next_attempt_at, d.id limit ? for update of d skip locked)"
                + " update webhook_deliveries d set next_attempt_at = now() + make_interval(secs => ?),"
                + " updated_at = now() from due, webhook_endpoints e, ledgers l"
                + " where d.id = due.id and e.id = d.endpoint_id and l.id = d.ledger_id"
                + " returning d.id, d.endpoint_id, e.url, e.secret,"
                + " case when e.previous_secret_until > now() then e.previous_secret end,"
                + " d.event_id, d.ledger_id, l.name, d.sequence, d.attempts";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, limit);
            statement.setDouble(2, leaseSeconds);
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new Claimed(
                            rows.getLong(1),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getString(4),
                            rows.getString(5),
                            rows.getString(6),
                            rows.getLong(7),
                            rows.getString(8),
                            rows.getLong(9),
                            rows.getInt(10)));
                }
            }
            // Oldest first, as claimed; the update's returning order is not guaranteed.
            claimed.sort(java.util.Comparator.comparingLong(Claimed::sequence));
            return claimed;
        } catch (SQLException e) {
            throw new StoreException("could not claim webhook deliveries", e);
        }
    }

    /** The attempt got a 2xx: the delivery succeeded, and the endpoint's failure run ends. */
    public void succeeded(long deliveryId, String endpointId, int statusCode) {
        transaction(connection -> {
            try (PreparedStatement delivery = connection.prepareStatement("update webhook_deliveries"
                    + " set status = 'succeeded', attempts = attempts + 1, next_attempt_at = null,"
                    + " last_attempt_at = now(), last_status_code = ?, last_error = null, updated_at = now()"
                    + " where id = ?")) {
                delivery.setInt(1, statusCode);
                delivery.setLong(2, deliveryId);
                delivery.executeUpdate();
            }
            try (PreparedStatement endpoint = connection.prepareStatement("update webhook_endpoints"
                    + " set failing_since = null where id = ? and failing_since is not null")) {
                endpoint.setString(1, endpointId);
                endpoint.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The attempt failed. With {@code retryAfterSeconds} the delivery stays pending and is due then;
     * without (null) it has given up. The endpoint's failure run starts if it had none; when the run
     * is older than {@code disableAfterSeconds}, the endpoint is disabled with {@code disableReason}.
     *
     * @return whether this call disabled the endpoint
     */
    public boolean failed(
            long deliveryId,
            String endpointId,
            Integer statusCode,
            String error,
            Double retryAfterSeconds,
            long disableAfterSeconds,
            String disableReason) {
        return transaction(connection -> {
            try (PreparedStatement delivery = connection.prepareStatement("update webhook_deliveries"
                    + " set status = case when ?::float8 is null then 'failed' else 'pending' end,"
                    + " next_attempt_at = now() + make_interval(secs => ?::float8),"
                    + " attempts = attempts + 1, last_attempt_at = now(), last_status_code = ?, last_error = ?,"
                    + " updated_at = now() where id = ?")) {
                setNullableDouble(delivery, 1, retryAfterSeconds);
                setNullableDouble(delivery, 2, retryAfterSeconds);
                if (statusCode == null) {
                    delivery.setNull(3, Types.INTEGER);
                } else {
                    delivery.setInt(3, statusCode);
                }
                delivery.setString(4, truncate(error));
                delivery.setLong(5, deliveryId);
                delivery.executeUpdate();
            }
            try (PreparedStatement endpoint = connection.prepareStatement(
                    "update webhook_endpoints" + " set failing_since = coalesce(failing_since, now()) where id = ?")) {
                endpoint.setString(1, endpointId);
                endpoint.executeUpdate();
            }
            try (PreparedStatement disable = connection.prepareStatement("update webhook_endpoints"
                    + " set enabled = false, disabled_reason = ?, updated_at = now() where id = ? and enabled"
                    + " and failing_since <= now() - make_interval(secs => ?)")) {
                disable.setString(1, disableReason);
                disable.setString(2, endpointId);
                disable.setLong(3, disableAfterSeconds);
                return disable.executeUpdate() == 1;
            }
        });
    }

    /** Makes a delivery of this endpoint due now, whatever its status; empty when there is none. */
    public Optional<Delivery> retryNow(String endpointId, long deliveryId) {
        transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("update webhook_deliveries"
                    + " set status = 'pending', next_attempt_at = now(), updated_at = now()"
                    + " where id = ? and endpoint_id = ?")) {
                statement.setLong(1, deliveryId);
                statement.setString(2, endpointId);
                return statement.executeUpdate();
            }
        });
        return findDelivery(endpointId, deliveryId);
    }

    public Optional<Delivery> findDelivery(String endpointId, long deliveryId) {
        List<Delivery> found = deliveries(endpointId, deliveryId, null, 1, true);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** An endpoint's deliveries, newest first, before {@code beforeId} when given, of one status when given. */
    public Page<Delivery> listDeliveries(String endpointId, Long beforeId, String status, int limit) {
        Page.checkLimit(limit);
        return Page.of(deliveries(endpointId, beforeId, status, limit + 1, false), limit);
    }

    private List<Delivery> deliveries(String endpointId, Long id, String status, int rows, boolean exact) {
        String sql = "select " + DELIVERY_COLUMNS + " from webhook_deliveries d join ledgers l on l.id = d.ledger_id"
                + " where d.endpoint_id = ? and " + (exact ? "d.id = ?" : "d.id < ?")
                + " and (?::text is null or d.status = ?) order by d.id desc limit ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, endpointId);
            statement.setLong(2, id == null ? Long.MAX_VALUE : id);
            statement.setString(3, status);
            statement.setString(4, status);
            statement.setInt(5, rows);
            List<Delivery> deliveries = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    deliveries.add(delivery(row));
                }
            }
            return deliveries;
        } catch (SQLException e) {
            throw new StoreException("could not read the deliveries of webhook " + endpointId, e);
        }
    }

    /** Pending deliveries per endpoint with the age of the oldest; the dispatcher's gauges. */
    public List<Backlog> backlog() {
        String sql = "select endpoint_id, count(*), min(event_created_at) from webhook_deliveries"
                + " where status = 'pending' group by endpoint_id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            List<Backlog> backlog = new ArrayList<>();
            while (rows.next()) {
                backlog.add(new Backlog(rows.getString(1), rows.getLong(2), Timestamps.micros(rows, 3)));
            }
            return backlog;
        } catch (SQLException e) {
            throw new StoreException("could not read the webhook backlog", e);
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

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T transaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not record a webhook delivery", e);
        }
    }

    private static Endpoint endpoint(ResultSet row) throws SQLException {
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

    private static Delivery delivery(ResultSet row) throws SQLException {
        return new Delivery(
                row.getLong(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getLong(5),
                row.getString(6),
                row.getString(7),
                row.getInt(8),
                nullableMicros(row, 9),
                nullableMicros(row, 10),
                row.getObject(11, Integer.class),
                row.getString(12),
                Timestamps.micros(row, 13),
                Timestamps.micros(row, 14));
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

    private static void setNullableDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    private static String truncate(String error) {
        return error == null || error.length() <= ERROR_LENGTH_MAX ? error : error.substring(0, ERROR_LENGTH_MAX);
    }
}
