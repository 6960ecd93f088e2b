package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A webhook endpoint the dispatcher disabled (it answered 410, or failed for days) is a warning alert:
 * its events wait until an admin re-enables it, which resolves the alert. An endpoint an admin
 * disabled on purpose is not an alert.
 *
 * <p>It reads the endpoints' state rather than being called by the dispatcher, so it sees every way an
 * endpoint gets disabled or enabled, by any instance, and needs no change to the dispatcher.
 */
public final class WebhookAlerts implements Runnable {
    static final String CATEGORY = "webhook.disabled";

    private final DataSource dataSource;
    private final Alerts alerts;
    private final Set<String> raised = new HashSet<>();
    private boolean first = true;

    public WebhookAlerts(DataSource dataSource, Alerts alerts) {
        this.dataSource = dataSource;
        this.alerts = alerts;
    }

    static String key(String endpoint) {
        return CATEGORY + ":" + endpoint;
    }

    @Override
    public synchronized void run() {
        Map<String, String> disabled = disabledByDispatcher();
        disabled.forEach((endpoint, reason) -> {
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    CATEGORY,
                    key(endpoint),
                    "webhook endpoint " + endpoint + " was disabled; its events wait until it is re-enabled",
                    reason,
                    endpoint));
            raised.add(endpoint);
        });
        if (first) {
            // What an earlier process raised and was fixed since: resolving an unknown key is a no-op.
            enabledOrGone().forEach(endpoint -> alerts.resolve(key(endpoint)));
            first = false;
        }
        for (String endpoint : Set.copyOf(raised)) {
            if (!disabled.containsKey(endpoint)) {
                alerts.resolve(key(endpoint));
                raised.remove(endpoint);
            }
        }
    }

    private Map<String, String> disabledByDispatcher() {
        Map<String, String> disabled = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select id, disabled_reason"
                        + " from webhook_endpoints where not enabled and disabled_reason is distinct from ?"
                        + " order by id limit 1000")) {
            select.setString(1, WebhookRoutes.DISABLED_BY_ADMIN);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    disabled.put(rows.getString(1), rows.getString(2));
                }
            }
            return disabled;
        } catch (SQLException e) {
            throw new StoreException("could not read disabled webhook endpoints", e);
        }
    }

    private Set<String> enabledOrGone() {
        Set<String> enabled = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("select id from webhook_endpoints where enabled limit 1000");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                enabled.add(rows.getString(1));
            }
            return enabled;
        } catch (SQLException e) {
            throw new StoreException("could not read enabled webhook endpoints", e);
        }
    }
}
