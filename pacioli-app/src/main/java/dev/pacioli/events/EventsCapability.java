package dev.pacioli.events;

import dev.pacioli.events.feed.EventRoutes;
import dev.pacioli.events.webhooks.WebhookRoutes;
import dev.pacioli.events.webhooks.WebhookSettings;
import dev.pacioli.ledger.http.Ledgers;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import java.util.ArrayList;
import java.util.List;

/** Events: the pull API and signed webhooks (the NATS publisher has no routes). */
public final class EventsCapability implements Capability {
    private final List<Route> routes = new ArrayList<>();

    public EventsCapability(Database database, Ledgers ledgers, WebhookSettings webhooks, Jobs jobs) {
        routes.addAll(new EventRoutes(database, ledgers).routes());
        routes.addAll(new WebhookRoutes(database, webhooks, jobs).routes());
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
