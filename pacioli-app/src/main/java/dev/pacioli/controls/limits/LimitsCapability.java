package dev.pacioli.controls.limits;

import dev.pacioli.ledger.LedgerLimits;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.postgres.Catalog;
import java.util.List;

/**
 * Limits enforced inside the ledger (docs/limits.md): their routes. The limits themselves live in each
 * ledger's writer, reached only through the core's {@link LedgerLimits} port, so a limit is checked in
 * the same pass as balance bounds and changes in order with the transactions around it.
 */
public final class LimitsCapability implements Capability {
    private final List<Route> routes;

    public LimitsCapability(LedgerLimits limits, Catalog catalog) {
        this.routes = new LimitRoutes(limits, catalog).routes();
    }

    @Override
    public String name() {
        return "controls.limits";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(LimitRoutes.EVENT_CREATED, LimitRoutes.EVENT_REPLACED, LimitRoutes.EVENT_DELETED);
    }
}
