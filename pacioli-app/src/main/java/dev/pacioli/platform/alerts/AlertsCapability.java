package dev.pacioli.platform.alerts;

import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import java.util.List;

/** Alerts: the shared service every capability raises through, and its routes (docs/alerts.md). */
public final class AlertsCapability implements Capability {
    private final List<Route> routes;

    public AlertsCapability(AlertService alerts) {
        this.routes = new AlertRoutes(alerts).routes();
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }
}
