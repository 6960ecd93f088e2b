package dev.pacioli.ledger.http;

import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.EngineObserver;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.LedgerDirectory;
import dev.pacioli.postgres.Catalog;
import dev.pacioli.postgres.Database;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ledgers this service writes, each with its running engine. Every ledger in the catalog gets its
 * writer at startup, so pending transactions expire even when nobody calls; a ledger created through
 * the API gets its writer before the creation is answered.
 *
 * <p>Engines are started under this object's lock (creation is rare); lookups are lock-free.
 */
public final class Ledgers implements LedgerDirectory, AutoCloseable {
    /** A ledger and its writer. */
    public record Running(Ledger ledger, LedgerEngine engine) {}

    private final Database database;
    private final EngineConfig config;
    private final LedgerClock clock;
    private final LedgerMetrics metrics;
    private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();
    private final List<Consumer<String>> commitListeners = new CopyOnWriteArrayList<>();

    public Ledgers(Database database, EngineConfig config, LedgerClock clock, LedgerMetrics metrics) {
        this.database = database;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Starts a writer for every ledger in the catalog. */
    public synchronized void startAll() {
        for (Ledger ledger : database.catalog().listLedgers()) {
            start(ledger);
        }
    }

    private synchronized Running start(Ledger ledger) {
        Running existing = running.get(ledger.name());
        if (existing != null) {
            return existing;
        }
        LedgerEngine engine = LedgerEngine.start(
                database.store(), ledger.id(), ledger.name(), config, clock, observed(ledger.name()));
        metrics.watch(ledger.name(), engine);
        Running started = new Running(ledger, engine);
        running.put(ledger.name(), started);
        return started;
    }

    /**
     * Calls {@code listener} with a ledger's name after each batch its writer commits, on the writer's
     * thread: it must be cheap and never block (note the ledger, wake a thread of its own). What is
     * watched as transactions commit (treasury's balance monitors) starts here, never by polling.
     */
    public void onCommit(Consumer<String> listener) {
        commitListeners.add(listener);
    }

    private EngineObserver observed(String name) {
        EngineObserver metered = metrics.observer(name);
        return new EngineObserver() {
            @Override
            public void batchCommitted(int operations, long executeNanos, long commitNanos) {
                metered.batchCommitted(operations, executeNanos, commitNanos);
                for (Consumer<String> listener : commitListeners) {
                    listener.accept(name);
                }
            }

            @Override
            public void eventsWritten(int records) {
                metered.eventsWritten(records);
            }
        };
    }

    /**
     * Creates the ledger (or finds the identical one) and makes sure its writer runs. {@code onCreated}
     * runs in the creating transaction, only when this call creates it.
     */
    public Catalog.LedgerResult create(String name, Metadata metadata, Catalog.OnCreated<Ledger> onCreated) {
        Catalog.LedgerResult result = database.catalog().createLedger(name, metadata, onCreated);
        if (result.outcome() != Catalog.Outcome.CONFLICT) {
            start(result.ledger());
        }
        return result;
    }

    /**
     * The running ledger of that name. A ledger another process created after this one started is
     * found in the catalog and started here.
     */
    public Optional<Running> find(String name) {
        Running found = running.get(name);
        if (found != null) {
            return Optional.of(found);
        }
        return database.catalog().findLedger(name).map(this::start);
    }

    public LedgerMetrics metrics() {
        return metrics;
    }

    @Override
    public boolean exists(String name) {
        return find(name).isPresent();
    }

    /** The ledger a call's path names; the gate has checked that it exists and that the key may see it. */
    public Running of(Call call) {
        String name = call.path("ledger");
        return find(name)
                .orElseThrow(() -> ApiException.notFound("ledger_not_found", "no ledger named '" + name + "'"));
    }

    public List<Running> all() {
        return List.copyOf(running.values());
    }

    /** How many limits are in force across the ledgers this service writes (their writers' own count). */
    public long limitsInForce() {
        return running.values().stream()
                .mapToLong(ledger -> ledger.engine().limits().size())
                .sum();
    }

    /** True when every writer runs: none stopped on a bug or a lost lock. */
    public boolean allWritersRunning() {
        for (Running ledger : running.values()) {
            if (!ledger.engine().isRunning()) {
                return false;
            }
        }
        return true;
    }

    /** Lets every writer finish and commit its queue, then releases the locks. */
    @Override
    public synchronized void close() {
        for (Running ledger : running.values()) {
            ledger.engine().close();
        }
        running.clear();
    }
}
