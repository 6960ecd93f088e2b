package dev.pacioli.platform.audit;

import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import java.util.List;
import javax.sql.DataSource;

/**
 * The audit log's routes. The log itself is a platform service: every capability appends to it with
 * {@link AuditLog#append} in its own transactions; this serves what they wrote.
 */
public final class AuditCapability implements Capability {
    private final List<Route> routes;

    public AuditCapability(DataSource dataSource) {
        this.routes = new AuditRoutes(new AuditLog(dataSource)).routes();
    }

    @Override
    public String name() {
        return "platform";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }
}
