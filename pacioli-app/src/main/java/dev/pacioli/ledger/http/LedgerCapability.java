package dev.pacioli.ledger.http;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.postgres.Database;
import java.util.ArrayList;
import java.util.List;

/** The ledger over HTTP: ledgers and assets, accounts, transactions, and the integrity checks. */
public final class LedgerCapability implements Capability {
    private final List<Route> routes = new ArrayList<>();

    public LedgerCapability(Database database, Ledgers ledgers, LedgerPort port, LedgerMetrics metrics, Alerts alerts) {
        routes.addAll(new CatalogRoutes(database, ledgers).routes());
        routes.addAll(new AccountRoutes(database, ledgers, port).routes());
        routes.addAll(new TransactionRoutes(database, ledgers, port, metrics).routes());
        routes.addAll(new IntegrityRoutes(database, ledgers, alerts).routes());
    }

    @Override
    public String name() {
        return "ledger";
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(CatalogRoutes.LEDGER_CREATED_EVENT, CatalogRoutes.ASSET_CREATED_EVENT);
    }
}
