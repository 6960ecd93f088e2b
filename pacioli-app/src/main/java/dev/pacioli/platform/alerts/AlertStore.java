package dev.pacioli.platform.alerts;

import dev.pacioli.ledger.Assert;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every statement about alerts and their deliveries.
 *
 * <p>A change of an alert and the deliveries it causes are one transaction: an alert that was raised
 * has its delivery rows, or neither exists. The rows name the channels the routing rules give at that
 * moment, so a rule changed later does not change where an earlier notice goes. Times that decide
 * anything (re-notify, when a delivery is due, leases) are the database's {@code now()}, so several
 * instances agree whatever their clocks say.
 */
public final class AlertStore {
    static final String NOTICE_RAISED = "raised";
    static final String NOTICE_REMINDER = "reminder";
    static final String NOTICE_RESOLVED = "resolved";

    static final String COLUMNS = "sequence, severity, category, dedupe_key, summary, details, object, status,"
            + " raised_at, last_seen_at, count, acknowledged_at, acknowledged_by, resolved_at";

    private final DataSource dataSource;
    private final Jobs jobs;

    /** @param jobs where each delivery's job is enqueued, on the transaction that queues the delivery */
    public AlertStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    /** What a raise did: the alert after it, and the notice it sent to the routed channels, if any. */
    public record Raised(Alert alert, String notice, int deliveries) {}

    /**
     * Opens an alert for the dedupe key, or counts on the one open or acknowledged. A new alert is
     * sent as {@code raised}; an open one whose channels were last told {@code renotifySeconds} ago or
     * more is sent again as {@code reminder}; an acknowledged one is not sent again until resolved.
     */
    public Raised raise(Alerts.Raise raise, long renotifySeconds) {
        return inTransaction("raise an alert", connection -> {
            Alert alert;
            boolean inserted;
            try (PreparedStatement upsert = connection.prepareStatement("insert into alerts"
                    + " (severity, category, dedupe_key, summary, details, object, status)"
                    + " values (?, ?, ?, ?, ?, ?, 'open')"
                    + " on conflict (dedupe_key) where status <> 'resolved' do update set"
                    + " count = alerts.count + 1, last_seen_at = now()"
                    + " returning " + COLUMNS + ", xmax = 0")) {
                upsert.setString(1, raise.severity().code());
                upsert.setString(2, raise.category());
                upsert.setString(3, raise.dedupeKey());
                upsert.setString(4, raise.summary());
                upsert.setString(5, raise.details());
                upsert.setString(6, raise.object());
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    alert = alert(row);
                    inserted = row.getBoolean(15);
                }
            }
            String notice = inserted ? NOTICE_RAISED : reminderDue(connection, alert, renotifySeconds);
            int deliveries = notice == null ? 0 : enqueue(connection, alert, notice);
            return new Raised(alert, notice, deliveries);
        });
    }

    /** {@code reminder} when the open alert's channels were told long enough ago (and marks it told now). */
    private static String reminderDue(Connection connection, Alert alert, long renotifySeconds) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update alerts set last_notified_at = now()"
                + " where sequence = ? and status = 'open'"
                + " and last_notified_at <= now() - make_interval(secs => ?)")) {
            update.setLong(1, alert.sequence());
            update.setLong(2, renotifySeconds);
            return update.executeUpdate() == 1 ? NOTICE_REMINDER : null;
        }
    }

    /** Resolves the live alert of the key and sends the resolution; empty when none was live. */
    public Optional<Alert> resolve(String dedupeKey) {
        return inTransaction("resolve an alert", connection -> {
            try (PreparedStatement update = connection.prepareStatement("update alerts set status = 'resolved',"
                    + " resolved_at = now() where dedupe_key = ? and status <> 'resolved' returning " + COLUMNS)) {
                update.setString(1, dedupeKey);
                try (ResultSet row = update.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Alert>empty();
                    }
                    Alert alert = alert(row);
                    enqueue(connection, alert, NOTICE_RESOLVED);
                    return Optional.of(alert);
                }
            }
        });
    }

    /**
     * Acknowledges an open alert. An acknowledged one is answered as it is; a resolved one (or none)
     * is empty, and the caller tells which by {@link #find}.
     */
    public Optional<Alert> acknowledge(long sequence, String principal) {
        return inTransaction("acknowledge an alert", connection -> {
            try (PreparedStatement update = connection.prepareStatement("update alerts set status = 'acknowledged',"
                    + " acknowledged_at = now(), acknowledged_by = ?"
                    + " where sequence = ? and status = 'open' returning " + COLUMNS)) {
                update.setString(1, principal);
                update.setLong(2, sequence);
                try (ResultSet row = update.executeQuery()) {
                    return row.next() ? Optional.of(alert(row)) : Optional.<Alert>empty();
                }
            }
        });
    }

    /**
     * One delivery row per channel that a routing rule matching the alert names (a channel named by
     * two matching rules is told once), and one {@code alert.delivery} job per row, on this transaction.
     */
    private int enqueue(Connection connection, Alert alert, String notice) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement insert = connection.prepareStatement("insert into alert_deliveries"
                + " (alert_sequence, channel_id, notice) select ?, c.id, ? from alert_channels c"
                + " where c.id in (select unnest(r.channels) from alert_routes r"
                + " where r.severity = ? and (r.category is null or r.category = ?)) order by c.id returning id")) {
            insert.setLong(1, alert.sequence());
            insert.setString(2, notice);
            insert.setString(3, alert.severity().code());
            insert.setString(4, alert.category());
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    keys.add(AlertDeliveries.key(rows.getLong(1)));
                }
            }
        }
        int enqueued = jobs.enqueue(connection, AlertDeliveries.JOB_TYPE, keys, Duration.ZERO);
        Assert.that(
                enqueued == keys.size(), "every new alert delivery gets a new job: %s of %s", enqueued, keys.size());
        return keys.size();
    }

    public Optional<Alert> find(long sequence) {
        return inTransaction("read an alert", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("select " + COLUMNS + " from alerts where sequence = ?")) {
                select.setLong(1, sequence);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(alert(row)) : Optional.<Alert>empty();
                }
            }
        });
    }

    /** Alerts newest first, before {@code beforeSequence} when given, filtered by what is not null. */
    public Page<Alert> list(Alert.Status status, Severity severity, String category, Long beforeSequence, int limit) {
        Page.checkLimit(limit);
        return inTransaction("list alerts", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + COLUMNS + " from alerts"
                    + " where (?::text is null or status = ?) and (?::text is null or severity = ?)"
                    + " and (?::text is null or category = ?) and (?::bigint is null or sequence < ?)"
                    + " order by sequence desc limit ?")) {
                setTwice(select, 1, status == null ? null : status.code());
                setTwice(select, 3, severity == null ? null : severity.code());
                setTwice(select, 5, category);
                select.setObject(7, beforeSequence, Types.BIGINT);
                select.setObject(8, beforeSequence, Types.BIGINT);
                select.setInt(9, limit + 1);
                List<Alert> alerts = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        alerts.add(alert(rows));
                    }
                }
                return Page.of(alerts, limit);
            }
        });
    }

    private static void setTwice(PreparedStatement statement, int index, String value) throws SQLException {
        statement.setString(index, value);
        statement.setString(index + 1, value);
    }

    /** Live (open or acknowledged) alerts per severity code, for the gauge. */
    public Map<Severity, Long> liveCounts() {
        return inTransaction("count live alerts", connection -> {
            Map<Severity, Long> counts = new EnumMap<>(Severity.class);
            for (Severity severity : Severity.values()) {
                counts.put(severity, 0L);
            }
            try (PreparedStatement select = connection.prepareStatement(
                            "select severity, count(*) from alerts" + " where status <> 'resolved' group by severity");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(Severity.of(rows.getString(1)), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    // ---- Deliveries ---------------------------------------------------------------------------------

    /** A delivery row as the API shows it. */
    public record Delivery(
            long id,
            long alertSequence,
            String channelId,
            String notice,
            String status,
            int attempts,
            Long nextAttemptAtMicros,
            Long lastAttemptAtMicros,
            String lastError,
            Long deliveredAtMicros,
            long createdAtMicros) {}

    private static final String DELIVERY_COLUMNS = "id, alert_sequence, channel_id, notice, status, attempts,"
            + " case when status = 'pending' then next_attempt_at end, last_attempt_at, last_error, delivered_at,"
            + " created_at";

    public List<Delivery> deliveries(long alertSequence) {
        return inTransaction("read an alert's deliveries", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + DELIVERY_COLUMNS
                    + " from alert_deliveries where alert_sequence = ? order by id limit 1000")) {
                select.setLong(1, alertSequence);
                List<Delivery> deliveries = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        deliveries.add(new Delivery(
                                rows.getLong(1),
                                rows.getLong(2),
                                rows.getString(3),
                                rows.getString(4),
                                rows.getString(5),
                                rows.getInt(6),
                                nullableMicros(rows, 7),
                                nullableMicros(rows, 8),
                                rows.getString(9),
                                nullableMicros(rows, 10),
                                Timestamps.micros(rows, 11)));
                    }
                }
                return deliveries;
            }
        });
    }

    static Alert alert(ResultSet row) throws SQLException {
        return new Alert(
                row.getLong(1),
                Severity.of(row.getString(2)),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                Alert.Status.of(row.getString(8)),
                Timestamps.micros(row, 9),
                Timestamps.micros(row, 10),
                row.getLong(11),
                nullableMicros(row, 12),
                row.getString(13),
                nullableMicros(row, 14));
    }

    static Long nullableMicros(ResultSet row, int column) throws SQLException {
        return row.getObject(column) == null ? null : Timestamps.micros(row, column);
    }

    /** A unit of work on one connection, committed when it returns. */
    <T> T inTransaction(String what, Transactions.Work<T> work) {
        return inTransaction(dataSource, what, work);
    }

    static <T> T inTransaction(DataSource dataSource, String what, Transactions.Work<T> work) {
        return Transactions.run(dataSource, "could not " + what, work);
    }
}
