package dev.pacioli.access;

import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.postgres.Database;
import java.util.List;

/** API keys: who may call, with which role, on which ledgers. */
public final class AccessCapability implements Capability {
    private final List<Route> routes;

    public AccessCapability(Database database, Authenticator authenticator) {
        this.routes = new KeyRoutes(new ApiKeys(database.dataSource()), authenticator).routes();
    }

    @Override
    public String name() {
        return "access";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(ApiKeys.CREATED_EVENT, ApiKeys.REVOKED_EVENT);
    }
}
