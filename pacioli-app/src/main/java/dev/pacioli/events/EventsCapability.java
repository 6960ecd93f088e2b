package dev.pacioli.events;

import dev.pacioli.events.feed.EventRoutes;
import dev.pacioli.events.feed.ServiceEventStore;
import dev.pacioli.events.webhooks.WebhookRoutes;
import dev.pacioli.events.webhooks.WebhookSettings;
import dev.pacioli.events.webhooks.Webhooks;
import dev.pacioli.ledger.http.Ledgers;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import java.util.ArrayList;
import java.util.List;

/**
 * Events: the pull API of each ledger and of the service, and signed webhooks (the NATS publisher has
 * no routes). It is built after the capabilities whose service event types its webhook filters accept.
 */
public final class EventsCapability implements Capability {
    private final List<Route> routes = new ArrayList<>();

    public EventsCapability(
            Database database,
            Ledgers ledgers,
            ServiceEventStore serviceEvents,
            WebhookSettings webhooks,
            Connectors connectors,
            Jobs jobs,
            List<String> serviceEventTypes) {
        routes.addAll(new EventRoutes(database, ledgers, serviceEvents).routes());
        List<String> types = new ArrayList<>(serviceEventTypes);
        types.addAll(serviceEventTypes());
        routes.addAll(new WebhookRoutes(database, webhooks, connectors, jobs, Webhooks.eventTypes(types)).routes());
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public List<String> serviceEventTypes() {
        return WebhookRoutes.SERVICE_EVENT_TYPES;
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
