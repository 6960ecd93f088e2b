package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The statements of webhook deliveries: the fan-out of events into delivery rows, each with its job,
 * and what an attempt records.
 *
 * <p>A delivery row and its job ({@value #JOB_TYPE}, keyed {@code dlv_<id>}) are inserted in the
 * transaction that moves the endpoint's cursor past the event, so an event the cursor passed always
 * has both. The jobs service claims, leases and retries the job; an attempt's outcome updates the
 * delivery row on the job's own fenced transaction, so the row says exactly what the job did. Times
 * are the database's ({@code now()}), so instances agree whatever their clocks say.
 */
public final class DeliveryStore {
    public static final String JOB_TYPE = "webhook.delivery";
    private static final String JOB_KEY_PREFIX = "dlv_";
    private static final String DELIVERY_COLUMNS = "d.id, d.endpoint_id, d.event_id, d.ledger, d.sequence, d.type,"
            + " d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error,"
            + " d.created_at, d.event_created_at";

    private final DataSource dataSource;
    private final Jobs jobs;

    public DeliveryStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    /**
     * An (endpoint, stream) pair whose cursor is behind the stream's head.
     *
     * @param ledgers the endpoint's ledgers filter; null for every ledger
     * @param stream a ledger's name, or {@link ServiceEvents#STREAM}
     * @param ledgerId the ledger's id; 0 for the service stream
     */
    public record Lag(
            String endpointId,
            List<String> events,
            List<String> ledgers,
            String stream,
            long ledgerId,
            long afterSequence) {
        public boolean isService() {
            return stream.equals(ServiceEvents.STREAM);
        }

        /**
         * Whether an event of this stream is for the endpoint: its type matches a filter, and, on the
         * service stream, it is of a ledger the endpoint names (an event of no ledger: the endpoint
         * names {@code _service} or every stream).
         */
        public boolean matches(EventRef event) {
            if (!Webhooks.matches(events, event.type())) {
                return false;
            }
            if (!isService() || ledgers == null) {
                return true;
            }
            return ledgers.contains(event.ledger() == null ? ServiceEvents.STREAM : event.ledger());
        }
    }

    /**
     * A record the fan-out considers: enough to make a delivery row.
     *
     * @param ledger the ledger of the changed object; null for one of no ledger
     */
    public record EventRef(String eventId, long sequence, String type, String ledger, long createdAtMicros) {}

    /** Reads the next events of a stream after a sequence. */
    @FunctionalInterface
    public interface EventSource {
        List<EventRef> after(long afterSequence);
    }

    /** Pending deliveries of one endpoint: how many and the creation time of the oldest one's event. */
    public record Backlog(String endpointId, long pending, long oldestEventMicros) {}

    static String jobKey(long deliveryId) {
        return JOB_KEY_PREFIX + deliveryId;
    }

    static long deliveryId(String jobKey) {
        Assert.that(jobKey.startsWith(JOB_KEY_PREFIX), "a webhook delivery job's key is dlv_<id>, not %s", jobKey);
        return Long.parseLong(jobKey.substring(JOB_KEY_PREFIX.length()));
    }

    // ---- Fan-out --------------------------------------------------------------------------------

    /**
     * The (enabled endpoint, stream in scope) pairs whose cursor is behind the stream's head. An
     * endpoint's streams are its ledgers and the service stream, which every endpoint reads ({@link
     * Lag#matches} picks its events). A missing cursor is a ledger created after the endpoint: it starts
     * at 0.
     */
    public List<Lag> lagging() {
        String sql = "select e.id, e.events, e.ledgers, l.name, l.id, coalesce(c.after_sequence, 0)"
                + " from webhook_endpoints e join ledgers l on e.ledgers is null or l.name = any(e.ledgers)"
                + " left join webhook_cursors c on c.endpoint_id = e.id and c.stream = l.name"
                + " where e.enabled and l.head_sequence > coalesce(c.after_sequence, 0)"
                + " union all select e.id, e.events, e.ledgers, ?, 0, coalesce(c.after_sequence, 0)"
                + " from webhook_endpoints e cross join service_event_head h"
                + " left join webhook_cursors c on c.endpoint_id = e.id and c.stream = ?"
                + " where e.enabled and h.sequence > coalesce(c.after_sequence, 0) order by 1, 4";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, ServiceEvents.STREAM);
            statement.setString(2, ServiceEvents.STREAM);
            List<Lag> lags = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Array ledgers = rows.getArray(3);
                    lags.add(new Lag(
                            rows.getString(1),
                            List.of((String[]) rows.getArray(2).getArray()),
                            ledgers == null ? null : List.of((String[]) ledgers.getArray()),
                            rows.getString(4),
                            rows.getLong(5),
                            rows.getLong(6)));
                }
            }
            return lags;
        } catch (SQLException e) {
            throw new StoreException("could not read the webhook cursors", e);
        }
    }

    /**
     * One fan-out step for one (endpoint, stream), in one transaction: lock the cursor (skipped when
     * another instance holds it), read the events after it, insert a delivery and its job for each
     * one that matches, and move the cursor past the last event read. Returns the deliveries inserted.
     */
    public int fanOut(String endpointId, String stream, EventSource source, Predicate<EventRef> matches) {
        return Transactions.run(
                dataSource,
                "could not fan out events to webhook " + endpointId,
                connection -> fanOut(connection, endpointId, stream, source, matches));
    }

    private int fanOut(
            Connection connection, String endpointId, String stream, EventSource source, Predicate<EventRef> matches)
            throws SQLException {
        try (PreparedStatement start = connection.prepareStatement("insert into webhook_cursors"
                + " (endpoint_id, stream, after_sequence) values (?, ?, 0) on conflict do nothing")) {
            start.setString(1, endpointId);
            start.setString(2, stream);
            start.executeUpdate();
        }
        long after;
        try (PreparedStatement lock = connection.prepareStatement("select after_sequence from webhook_cursors"
                + " where endpoint_id = ? and stream = ? for update skip locked")) {
            lock.setString(1, endpointId);
            lock.setString(2, stream);
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
        List<EventRef> matching = events.stream().filter(matches).toList();
        List<String> keys = insertDeliveries(connection, endpointId, stream, matching);
        jobs.enqueue(connection, JOB_TYPE, keys, Duration.ZERO);
        long last = events.getLast().sequence();
        Assert.that(last > after, "the fan-out read no event after its cursor");
        try (PreparedStatement advance = connection.prepareStatement(
                "update webhook_cursors set after_sequence = ? where endpoint_id = ? and stream = ?")) {
            advance.setLong(1, last);
            advance.setString(2, endpointId);
            advance.setString(3, stream);
            advance.executeUpdate();
        }
        return keys.size();
    }

    /** Inserts the deliveries not yet there; answers their job keys. */
    private static List<String> insertDeliveries(
            Connection connection, String endpointId, String stream, List<EventRef> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into webhook_deliveries"
                + " (endpoint_id, event_id, stream, sequence, type, event_created_at, next_attempt_at, ledger)"
                + " select ?, e.event_id, ?, e.sequence, e.type,"
                + " timestamptz 'epoch' + e.created * interval '1 microsecond', now(), e.ledger"
                + " from unnest(?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::text[])"
                + " as e(event_id, sequence, type, created, ledger)"
                + " order by e.sequence on conflict do nothing returning id")) {
            insert.setString(1, endpointId);
            insert.setString(2, stream);
            insert.setArray(
                    3,
                    connection.createArrayOf(
                            "text", events.stream().map(EventRef::eventId).toArray()));
            insert.setArray(
                    4,
                    connection.createArrayOf(
                            "bigint", events.stream().map(EventRef::sequence).toArray()));
            insert.setArray(
                    5,
                    connection.createArrayOf(
                            "text", events.stream().map(EventRef::type).toArray()));
            insert.setArray(
                    6,
                    connection.createArrayOf(
                            "bigint",
                            events.stream().map(EventRef::createdAtMicros).toArray()));
            insert.setArray(
                    7,
                    connection.createArrayOf(
                            "text", events.stream().map(EventRef::ledger).toArray()));
            List<String> keys = new ArrayList<>();
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    keys.add(jobKey(rows.getLong(1)));
                }
            }
            return keys;
        }
    }

    /**
     * Gives every pending delivery that has no job one, due now. Deliveries stored before deliveries
     * ran on the jobs service had none; for all others this changes nothing. Run once at start.
     */
    public int adoptPending() {
        return Transactions.run(dataSource, "could not adopt pending webhook deliveries", connection -> {
            List<String> keys = new ArrayList<>();
            try (PreparedStatement statement =
                            connection.prepareStatement("select id from webhook_deliveries where status = 'pending'");
                    ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(jobKey(rows.getLong(1)));
                }
            }
            return jobs.enqueue(connection, JOB_TYPE, keys, Duration.ZERO);
        });
    }

    // ---- Attempts -------------------------------------------------------------------------------

    /** The delivery with its endpoint as it is now; empty when it is gone (its endpoint was deleted). */
    public Optional<DeliveryTarget> target(long deliveryId) {
        String sql = "select d.id, d.endpoint_id, e.url, e.secret,"
                + " case when e.previous_secret_until > now() then e.previous_secret end, e.enabled, d.status,"
                + " d.event_id, coalesce(l.id, 0), d.stream, d.sequence, d.attempts from webhook_deliveries d"
                + " join webhook_endpoints e on e.id = d.endpoint_id left join ledgers l on l.name = d.stream"
                + " where d.id = ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, deliveryId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DeliveryTarget(
                        row.getLong(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getBoolean(6),
                        row.getString(7),
                        row.getString(8),
                        row.getLong(9),
                        row.getString(10),
                        row.getLong(11),
                        row.getInt(12)));
            }
        } catch (SQLException e) {
            throw new StoreException("could not read webhook delivery " + deliveryId, e);
        }
    }

    /**
     * Makes a delivery of this endpoint due now, whatever its status, and its job with a fresh run of
     * attempts; empty when there is none. It wakes the runner once committed.
     */
    public Optional<Delivery> retryNow(String endpointId, long deliveryId) {
        // Read back on the retry's own transaction: once committed and woken, the runner may have
        // attempted it before a later read, and the answer is the delivery as the retry left it.
        Optional<Delivery> retried = Transactions.run(dataSource, "could not retry a webhook delivery", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("update webhook_deliveries"
                    + " set status = 'pending', next_attempt_at = now(), updated_at = now()"
                    + " where id = ? and endpoint_id = ?")) {
                statement.setLong(1, deliveryId);
                statement.setString(2, endpointId);
                if (statement.executeUpdate() == 1) {
                    jobs.requeue(connection, JOB_TYPE, jobKey(deliveryId));
                }
            }
            return first(deliveries(connection, endpointId, deliveryId, null, 1, true));
        });
        if (retried.isPresent()) {
            jobs.wake();
        }
        return retried;
    }

    public Optional<Delivery> findDelivery(String endpointId, long deliveryId) {
        return first(read(connection -> deliveries(connection, endpointId, deliveryId, null, 1, true), endpointId));
    }

    /** An endpoint's deliveries, newest first, before {@code beforeId} when given, of one status when given. */
    public Page<Delivery> listDeliveries(String endpointId, Long beforeId, String status, int limit) {
        Page.checkLimit(limit);
        return Page.of(
                read(connection -> deliveries(connection, endpointId, beforeId, status, limit + 1, false), endpointId),
                limit);
    }

    private static Optional<Delivery> first(List<Delivery> deliveries) {
        return deliveries.isEmpty() ? Optional.empty() : Optional.of(deliveries.getFirst());
    }

    private List<Delivery> read(Transactions.Work<List<Delivery>> work, String endpointId) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("could not read the deliveries of webhook " + endpointId, e);
        }
    }

    private static List<Delivery> deliveries(
            Connection connection, String endpointId, Long id, String status, int rows, boolean exact)
            throws SQLException {
        String sql = "select " + DELIVERY_COLUMNS + " from webhook_deliveries d"
                + " where d.endpoint_id = ? and " + (exact ? "d.id = ?" : "d.id < ?")
                + " and (?::text is null or d.status = ?) order by d.id desc limit ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
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

    static Long nullableMicros(ResultSet row, int column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : Timestamps.micros(time);
    }
}
