package dev.pacioli.http;

import java.util.ArrayList;
import java.util.List;

/** Every route of the API, in one list: the map from API.md to the code. */
final class Routes {
    private Routes() {}

    static List<Route> all(Api api) {
        List<Route> routes = new ArrayList<>();
        routes.addAll(new CatalogRoutes(api).routes());
        routes.addAll(new AccountRoutes(api).routes());
        routes.addAll(new TransactionRoutes(api).routes());
        routes.addAll(new KeyRoutes(api).routes());
        routes.addAll(new EventRoutes(api).routes());
        routes.addAll(new WebhookRoutes(api).routes());
        routes.addAll(new OperationsRoutes(api).routes());
        return List.copyOf(routes);
    }
}
