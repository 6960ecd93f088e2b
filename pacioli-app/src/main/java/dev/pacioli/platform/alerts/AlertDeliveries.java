package dev.pacioli.platform.alerts;

import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert deliveries as durable jobs (docs/jobs.md): one {@code alert.delivery} job per
 * {@code alert_deliveries} row, keyed {@code adl_<id>}, enqueued in the transaction of the alert change
 * that queued the row. The jobs service claims, leases, retries with the alerts' backoff and resumes
 * after a crash; an attempt here reads the row, sends it through {@link Senders}, and writes what the
 * API shows of it ({@code status}, {@code attempts}, {@code last_error}, …) on the job's fenced
 * transaction, so the row says exactly what the job did.
 */
final class AlertDeliveries {
    static final String JOB_TYPE = "alert.delivery";
    private static final Logger LOG = LoggerFactory.getLogger(AlertDeliveries.class);
    private static final int ERROR_LENGTH_MAX = 500;

    private final DataSource dataSource;
    private final Senders senders;
    private final AlertMetrics metrics;

    AlertDeliveries(DataSource dataSource, AlertSettings settings, AlertMetrics metrics, Connectors connectors) {
        this.dataSource = dataSource;
        this.senders = new Senders(settings, connectors);
        this.metrics = metrics;
    }

    /** One notice of one alert to one channel, as an attempt needs it. */
    record Delivery(long id, String notice, Alert alert, Channel channel) {}

    /** The job type: the alerts' schedule, one more attempt than it has waits. */
    JobType type(AlertSettings settings) {
        return new JobType(
                JOB_TYPE,
                settings.concurrency(),
                settings.lease(),
                settings.retrySchedule().size() + 1,
                Backoff.schedule(settings.retrySchedule(), settings.jitterFraction()),
                this::attempt);
    }

    static String key(long id) {
        return AlertJson.DELIVERY_PREFIX + id;
    }

    private JobOutcome attempt(Claim claim) throws SQLException {
        long id = Long.parseLong(claim.key().substring(AlertJson.DELIVERY_PREFIX.length()));
        Optional<Delivery> found = find(id);
        if (found.isEmpty()) {
            return JobOutcome.failed("no alert delivery " + claim.key());
        }
        Delivery delivery = found.get();
        try {
            senders.send(delivery);
        } catch (Senders.Undelivered e) {
            LOG.atWarn()
                    .addKeyValue("alert", delivery.alert().id())
                    .addKeyValue("channel", delivery.channel().id())
                    .addKeyValue("attempt", claim.attempt())
                    .log("alert delivery failed: {}", e.getMessage());
            String error = e.getMessage().length() > ERROR_LENGTH_MAX
                    ? e.getMessage().substring(0, ERROR_LENGTH_MAX)
                    : e.getMessage();
            return new JobOutcome.Failed(error, null, (connection, retryInSeconds) -> {
                failed(connection, id, claim.attempt(), error, retryInSeconds);
                metrics.delivered(delivery.channel().kind(), retryInSeconds == null ? "failed" : "retried");
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobOutcome.Abandoned();
        }
        return new JobOutcome.Succeeded(connection -> {
            succeeded(connection, id, claim.attempt());
            metrics.delivered(delivery.channel().kind(), "succeeded");
        });
    }

    private Optional<Delivery> find(long id) {
        return AlertStore.inTransaction(dataSource, "read an alert delivery", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select d.notice, d.alert_sequence," + " d.channel_id from alert_deliveries d where d.id = ?")) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Delivery>empty();
                    }
                    return Optional.of(new Delivery(
                            id,
                            row.getString(1),
                            alert(connection, row.getLong(2)),
                            channel(connection, row.getString(3))));
                }
            }
        });
    }

    private static Alert alert(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("select " + AlertStore.COLUMNS + " from alerts where sequence = ?")) {
            select.setLong(1, sequence);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return AlertStore.alert(row);
            }
        }
    }

    private static Channel channel(Connection connection, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("select " + ChannelStore.COLUMNS + " from alert_channels where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return ChannelStore.channel(row);
            }
        }
    }

    private static void succeeded(Connection connection, long id, int attempt) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update alert_deliveries set"
                + " status = 'succeeded', attempts = ?, last_attempt_at = now(), delivered_at = now(),"
                + " last_error = null where id = ?")) {
            update.setInt(1, attempt);
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    private static void failed(Connection connection, long id, int attempt, String error, Double retryInSeconds)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update alert_deliveries set"
                + " status = case when ?::double precision is null then 'failed' else 'pending' end,"
                + " attempts = ?, last_attempt_at = now(), last_error = ?,"
                + " next_attempt_at = now() + make_interval(secs => coalesce(?::double precision, 0))"
                + " where id = ?")) {
            update.setObject(1, retryInSeconds, Types.DOUBLE);
            update.setInt(2, attempt);
            update.setString(3, error);
            update.setObject(4, retryInSeconds, Types.DOUBLE);
            update.setLong(5, id);
            update.executeUpdate();
        }
    }
}
