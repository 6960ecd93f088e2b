package dev.pacioli.platform.alerts;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link DeliveryQueue} on the {@code alert_deliveries} table. Claiming locks due rows with
 * {@code for update skip locked} and leases them in the same statement, so a second instance cannot
 * send what the first is sending; a lease that runs out (the sender died) makes the row due again,
 * which is the only way an attempt is repeated without being recorded.
 */
public final class DeliveryTable implements DeliveryQueue {
    private static final int ERROR_LENGTH_MAX = 500;

    private final DataSource dataSource;

    public DeliveryTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<Claimed> claim(int limit, Duration lease) {
        return AlertStore.inTransaction(dataSource, "claim alert deliveries", connection -> {
            try (PreparedStatement claim = connection.prepareStatement("with due as (select id from alert_deliveries"
                    + " where status = 'pending' and next_attempt_at <= now()"
                    + " and (lease_until is null or lease_until < now())"
                    + " order by next_attempt_at, id limit ? for update skip locked)"
                    + " update alert_deliveries d set lease_until = now() + make_interval(secs => ?),"
                    + " last_attempt_at = now(), attempts = d.attempts + 1 from due where d.id = due.id"
                    + " returning d.id, d.notice, d.attempts - 1, d.alert_sequence, d.channel_id")) {
                claim.setInt(1, limit);
                claim.setDouble(2, lease.toMillis() / 1000.0);
                List<long[]> rows = new ArrayList<>();
                List<String[]> names = new ArrayList<>();
                try (ResultSet row = claim.executeQuery()) {
                    while (row.next()) {
                        rows.add(new long[] {row.getLong(1), row.getInt(3), row.getLong(4)});
                        names.add(new String[] {row.getString(2), row.getString(5)});
                    }
                }
                List<Claimed> claimed = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    long[] numbers = rows.get(i);
                    claimed.add(new Claimed(
                            numbers[0],
                            names.get(i)[0],
                            (int) numbers[1],
                            alert(connection, numbers[2]),
                            channel(connection, names.get(i)[1])));
                }
                return claimed;
            }
        });
    }

    private static Alert alert(java.sql.Connection connection, long sequence) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select sequence, severity, category, dedupe_key,"
                + " summary, details, object, status, raised_at, last_seen_at, count, acknowledged_at,"
                + " acknowledged_by, resolved_at from alerts where sequence = ?")) {
            select.setLong(1, sequence);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return AlertStore.alert(row);
            }
        }
    }

    private static Channel channel(java.sql.Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select id, kind, config::text, secret, created_at from alert_channels where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return ChannelStore.channel(row);
            }
        }
    }

    @Override
    public void succeeded(long id) {
        AlertStore.inTransaction(dataSource, "record an alert delivery", connection -> {
            try (PreparedStatement update = connection.prepareStatement("update alert_deliveries set"
                    + " status = 'succeeded', delivered_at = now(), lease_until = null, last_error = null"
                    + " where id = ? and status = 'pending'")) {
                update.setLong(1, id);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void failed(long id, String error, Duration retryAfter) {
        String text = error == null ? "failed" : error;
        String trimmed = text.length() > ERROR_LENGTH_MAX ? text.substring(0, ERROR_LENGTH_MAX) : text;
        AlertStore.inTransaction(dataSource, "record an alert delivery", connection -> {
            try (PreparedStatement update = connection.prepareStatement("update alert_deliveries set"
                    + " status = case when ?::double precision is null then 'failed' else 'pending' end,"
                    + " next_attempt_at = now() + make_interval(secs => coalesce(?::double precision, 0)),"
                    + " lease_until = null, last_error = ? where id = ? and status = 'pending'")) {
                Double seconds = retryAfter == null ? null : retryAfter.toMillis() / 1000.0;
                update.setObject(1, seconds, java.sql.Types.DOUBLE);
                update.setObject(2, seconds, java.sql.Types.DOUBLE);
                update.setString(3, trimmed);
                update.setLong(4, id);
                return update.executeUpdate();
            }
        });
    }
}
