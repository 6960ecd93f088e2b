package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.postgres.Database;
import java.util.List;

/**
 * Commission plans (affiliate splits): parties, who referred them, and plans that pay a share of an
 * amount up the referral chain. Standing alone until the payments capability gathers its parts; it
 * moves money only through the {@link LedgerPort} it is given.
 */
public final class CommissionsCapability implements Capability {
    private final List<Route> routes;

    public CommissionsCapability(Database database, LedgerPort port) {
        this.routes = new CommissionRoutes(database, port).routes();
    }

    @Override
    public String name() {
        return "payments.commissions";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }
}
