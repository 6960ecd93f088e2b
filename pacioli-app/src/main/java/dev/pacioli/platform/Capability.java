package dev.pacioli.platform;

import java.util.List;

/**
 * One capability of the platform as the wiring sees it: its name and the routes it serves. Each
 * capability's package holds its domain, its store, its routes and its migrations; the wiring
 * ({@code dev.pacioli.app}) builds every capability with what it depends on and hands their routes to
 * the one {@link HttpServer}, whose gate they all pass.
 */
public interface Capability extends AutoCloseable {
    /** The package name under {@code dev.pacioli} it lives in: {@code ledger}, {@code events}, … */
    String name();

    List<Route> routes();

    /**
     * The event types it appends to the service stream ({@link ServiceEvents}), so that webhook
     * endpoints may name them; a type appended but not declared here is refused by every filter.
     */
    default List<String> serviceEventTypes() {
        return List.of();
    }

    /**
     * Stops what it runs of its own (threads, loops), after the HTTP server and the job runner have
     * stopped and before the ledgers' writers do; capabilities close in the reverse of their order.
     */
    @Override
    default void close() {}
}
