package dev.pacioli.events.webhooks;

import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * What an attempt of a delivery's job writes, on the job's own transaction (so only while the job's
 * lease holds): the delivery's outcome and its endpoint's failure run, and the reads that decide
 * whether a disabled endpoint's delivery keeps waiting.
 */
final class DeliveryOutcomes {
    private static final int ERROR_LENGTH_MAX = 500;

    private DeliveryOutcomes() {}

    /**
     * Whether the endpoint is still disabled, read under a share lock on the deferring transaction: an
     * enable either commits before (read here: enabled) or waits for this one to commit, then wakes
     * the deferred job. Either way no delivery waits for a wake that already happened.
     */
    static boolean stillDisabled(Connection connection, String endpointId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("select enabled from webhook_endpoints where id = ? for share")) {
            statement.setString(1, endpointId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && !row.getBoolean(1);
            }
        }
    }

    /** The job keys of an endpoint's pending deliveries. */
    static List<String> pendingKeys(Connection connection, String endpointId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select id from webhook_deliveries where endpoint_id = ? and status = 'pending'")) {
            statement.setString(1, endpointId);
            List<String> keys = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(DeliveryStore.jobKey(rows.getLong(1)));
                }
            }
            return keys;
        }
    }

    /** The attempt got a 2xx: the delivery succeeded, and the endpoint's failure run ends. */
    static void succeeded(Connection connection, long deliveryId, String endpointId, int statusCode)
            throws SQLException {
        try (PreparedStatement delivery = connection.prepareStatement("update webhook_deliveries"
                + " set status = 'succeeded', attempts = attempts + 1, next_attempt_at = null,"
                + " last_attempt_at = now(), last_status_code = ?, last_error = null, updated_at = now()"
                + " where id = ?")) {
            delivery.setInt(1, statusCode);
            delivery.setLong(2, deliveryId);
            delivery.executeUpdate();
        }
        try (PreparedStatement endpoint = connection.prepareStatement(
                "update webhook_endpoints" + " set failing_since = null where id = ? and failing_since is not null")) {
            endpoint.setString(1, endpointId);
            endpoint.executeUpdate();
        }
    }

    /**
     * The attempt failed. With {@code retryInSeconds} the delivery stays pending and is due then;
     * without (null) it has given up. The endpoint's failure run starts if it had none; when the run
     * is older than {@code disableAfterSeconds}, the endpoint is disabled with {@code disableReason}.
     *
     * @return whether this call disabled the endpoint
     */
    static boolean failed(
            Connection connection,
            long deliveryId,
            String endpointId,
            Integer statusCode,
            String error,
            Double retryInSeconds,
            long disableAfterSeconds,
            String disableReason)
            throws SQLException {
        try (PreparedStatement delivery = connection.prepareStatement("update webhook_deliveries"
                + " set status = case when ?::float8 is null then 'failed' else 'pending' end,"
                + " next_attempt_at = now() + make_interval(secs => ?::float8),"
                + " attempts = attempts + 1, last_attempt_at = now(), last_status_code = ?, last_error = ?,"
                + " updated_at = now() where id = ?")) {
            setNullableDouble(delivery, 1, retryInSeconds);
            setNullableDouble(delivery, 2, retryInSeconds);
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
                "update webhook_endpoints set failing_since = coalesce(failing_since, now()) where id = ?")) {
            endpoint.setString(1, endpointId);
            endpoint.executeUpdate();
        }
        try (PreparedStatement disable = connection.prepareStatement("update webhook_endpoints"
                + " set enabled = false, disabled_reason = ?, updated_at = now() where id = ? and enabled"
                + " and failing_since <= now() - make_interval(secs => ?) returning "
                + WebhookStore.ENDPOINT_COLUMNS)) {
            disable.setString(1, disableReason);
            disable.setString(2, endpointId);
            disable.setLong(3, disableAfterSeconds);
            try (ResultSet row = disable.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                // Audited in the same transaction, as the system: before is the endpoint as it ran until now.
                Endpoint after = WebhookStore.endpoint(row);
                Endpoint before = after.enabledAgain();
                WebhookAudit.record(connection, Actor.SYSTEM, AuditAction.WEBHOOK_ENDPOINT_DISABLED, before, after);
                return true;
            }
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
