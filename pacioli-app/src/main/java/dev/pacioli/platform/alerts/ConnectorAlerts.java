package dev.pacioli.platform.alerts;

import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.Connectors;
import java.util.HashSet;
import java.util.Set;

/**
 * A connector whose circuit breaker is open is a warning: calls to what it reaches are refused until a
 * trial gets through, and the work that needs them waits. Half-open or closed again resolves it. An
 * alert channel's own connector is left out: its breaker being open would be told through itself.
 *
 * <p>{@link #run} is a check on the alerts' watcher; it only asks the connectors' state in memory.
 */
public final class ConnectorAlerts implements Runnable {
    static final String CATEGORY = "connector";

    private final Connectors connectors;
    private final Alerts alerts;
    private final Set<String> raised = new HashSet<>();

    public ConnectorAlerts(Connectors connectors, Alerts alerts) {
        this.connectors = connectors;
        this.alerts = alerts;
    }

    static String key(String connector) {
        return CATEGORY + ".open:" + connector;
    }

    @Override
    public synchronized void run() {
        Set<String> open = new HashSet<>();
        for (Connector connector : connectors.all()) {
            if (connector.kind().startsWith("alert_") || !connector.state().equals("open")) {
                continue;
            }
            open.add(connector.name());
            Connector.Health health = connector.health();
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    CATEGORY,
                    key(connector.name()),
                    "the circuit breaker of connector " + connector.name() + " is open; calls to it wait",
                    health.lastError(),
                    connector.name()));
        }
        for (String name : Set.copyOf(raised)) {
            if (!open.contains(name)) {
                alerts.resolve(key(name));
                raised.remove(name);
            }
        }
        raised.addAll(open);
    }
}
