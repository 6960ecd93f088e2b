package dev.pacioli.ledger.http;

import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limit;
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
import dev.pacioli.postgres.WriterSurvey;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The ledgers of the database and, for each, its writer when this instance holds it. Every ledger in
 * the catalog gets its writer at startup, so pending transactions expire even when nobody calls; a
 * ledger created through the API gets its writer before the creation is answered.
 *
 * <p>Several instances on one database (operations.md, high availability): a ledger whose writer lease
 * another instance holds is known here without a writer ({@link Running#writesHere()} false): its reads
 * are served here, its writes forwarded to the holder. Every {@value #TAKEOVER_MILLIS} ms (by default;
 * {@code PACIOLI_WRITER_TAKEOVER_EVERY}, milliseconds, {@link #takeoverEvery(String)}) a daemon
 * thread tries to take the writer of each ledger not written here; it succeeds when the holder released
 * its lease, died (its lock session ended) or stopped renewing (paused past its lease), so a writer is
 * taken over within seconds of its holder's end. A writer that finds its lease lost (its commit fenced
 * by the new holder's epoch) stops, and is replaced here by a stand-by: it steps down.
 *
 * <p>The writers spread over the live instances: a free lease is taken at once by an instance that
 * writes no more ledgers than any other live one, and by any instance once it has been free for {@value
 * #ORPHAN_GRACE_MILLIS} ms (or its holder died); an instance that writes more than one ledger beyond the
 * least busy hands one over every few seconds until the writers are even.
 *
 * <p>Engines are started under this object's lock (creation and takeover are rare); lookups are
 * lock-free.
 */
public final class Ledgers implements LedgerDirectory, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Ledgers.class.getName());

    /** How often a stand-by instance tries to take the writers it does not hold. */
    static final long TAKEOVER_MILLIS = 1_000;

    /**
     * A lease out for this long is taken by any instance; before, only by the least busy ones (a writer
     * handed over goes to the instance that should have it, not back to the one that let it go).
     */
    static final long ORPHAN_GRACE_MILLIS = 2_000;

    /** An instance hands at most one writer over this often while the writers are uneven. */
    static final long HAND_OVER_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The setting of how often a stand-by tries to take writers over, milliseconds. */
    public static final String TAKEOVER_EVERY_VARIABLE = "PACIOLI_WRITER_TAKEOVER_EVERY";

    /** The longest {@code PACIOLI_WRITER_TAKEOVER_EVERY}: an hour (a drill shows what a slow takeover means). */
    static final long TAKEOVER_MILLIS_MAX = 3_600_000;

    /**
     * How often a stand-by tries to take writers over, from {@code PACIOLI_WRITER_TAKEOVER_EVERY}
     * (milliseconds, 100 to an hour; unset: {@value #TAKEOVER_MILLIS}). The 10 s takeover of
     * operations.md holds with the default; a longer one delays every takeover by up to its length.
     */
    public static Duration takeoverEvery(String configured) {
        if (configured == null || configured.isBlank()) {
            return Duration.ofMillis(TAKEOVER_MILLIS);
        }
        long millis;
        try {
            millis = Long.parseLong(configured.strip());
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 100 || millis > TAKEOVER_MILLIS_MAX) {
            throw new IllegalArgumentException(TAKEOVER_EVERY_VARIABLE + " is milliseconds, 100 to "
                    + TAKEOVER_MILLIS_MAX + "; got '" + configured + "'");
        }
        return Duration.ofMillis(millis);
    }

    /** A ledger and its writer here, or null while another instance writes it. */
    public record Running(Ledger ledger, LedgerEngine engine) {
        public boolean writesHere() {
            return engine != null;
        }
    }

    private final Database database;
    private final EngineConfig config;
    private final LedgerClock clock;
    private final LedgerMetrics metrics;
    private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();
    private final List<Consumer<String>> commitListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private Thread takeovers;
    private long lastHandOver = System.nanoTime();
    private final Duration takeoverEvery;

    public Ledgers(Database database, EngineConfig config, LedgerClock clock, LedgerMetrics metrics) {
        this(database, config, clock, metrics, Duration.ofMillis(TAKEOVER_MILLIS));
    }

    public Ledgers(
            Database database, EngineConfig config, LedgerClock clock, LedgerMetrics metrics, Duration takeoverEvery) {
        this.takeoverEvery = takeoverEvery;
        this.database = database;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Starts a writer for every ledger in the catalog not written elsewhere, then watches for takeovers. */
    public synchronized void startAll() {
        for (Ledger ledger : database.catalog().listLedgers()) {
            start(ledger);
        }
        if (takeovers == null) {
            takeovers = Thread.ofVirtual().name("pacioli-writer-takeovers").start(this::takeOverLoop);
        }
    }

    /**
     * The ledger with this instance's writer, started if it can be: its lease is free, or its holder's
     * ran out. Another instance holding it leaves the ledger here without a writer.
     */
    private synchronized Running start(Ledger ledger) {
        String name = ledger.name();
        Running existing = running.get(name);
        if (existing != null && existing.writesHere()) {
            return existing;
        }
        if (closed) {
            return existing != null ? existing : new Running(ledger, null);
        }
        if (existing == null) {
            metrics.watch(name, () -> {
                Running current = running.get(name);
                return current == null ? null : current.engine();
            });
        }
        try {
            LedgerEngine engine =
                    LedgerEngine.start(database.store(), ledger.id(), name, config, clock, observed(name));
            Running started = new Running(ledger, engine);
            running.put(name, started);
            if (existing != null) {
                LOG.log(System.Logger.Level.WARNING, "took over the writer of ledger " + name);
            }
            return started;
        } catch (LedgerStore.LedgerLockedException e) {
            Running standing = existing != null ? existing : new Running(ledger, null);
            running.put(name, standing);
            return standing;
        }
    }

    private void takeOverLoop() {
        while (!closed) {
            LockSupport.parkNanos(takeoverEvery.toNanos());
            try {
                takeOver();
            } catch (RuntimeException e) {
                // The database is away: the next round tries again.
                LOG.log(System.Logger.Level.DEBUG, "writer takeovers skipped: " + e.getMessage());
            }
        }
    }

    /** One round: steps down writers that lost their lease, and tries every ledger not written here. */
    synchronized void takeOver() {
        for (Running each : running.values()) {
            LedgerEngine engine = each.engine();
            if (engine != null && engine.stopCause() instanceof LedgerStore.WriterLockLostException) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "stepped down as the writer of ledger " + each.ledger().name()
                                + ": another instance took it over");
                engine.close();
                running.put(each.ledger().name(), new Running(each.ledger(), null));
            }
        }
        WriterSurvey survey = database.store().surveyWriters();
        int here = (int) running.values().stream().filter(Running::writesHere).count();
        int fewestElsewhere = survey.writing().entrySet().stream()
                .filter(instance -> !instance.getKey().equals(survey.self()))
                .mapToInt(Map.Entry::getValue)
                .min()
                .orElse(Integer.MAX_VALUE);
        for (Ledger ledger : database.catalog().listLedgers()) {
            Running known = running.get(ledger.name());
            if (known != null && (known.writesHere() || survey.heldAlive().contains(ledger.id()))) {
                continue;
            }
            Long out = survey.outForMillis().get(ledger.id());
            boolean myShare = here <= fewestElsewhere; // no live instance writes fewer ledgers than this one
            boolean orphaned = out == null || out < 0 || out >= ORPHAN_GRACE_MILLIS; // never held, holder died
            if (known == null || myShare || orphaned) {
                if (start(ledger).writesHere()) {
                    here++;
                }
            }
        }
        boolean alone = fewestElsewhere == Integer.MAX_VALUE;
        if (!alone && here > fewestElsewhere + 1 && System.nanoTime() - lastHandOver >= HAND_OVER_EVERY_NANOS) {
            handOver(here, fewestElsewhere);
        }
    }

    /**
     * Spreads the writers: this instance writes more than one ledger beyond the least busy live instance,
     * so it hands one writer over. The writer finishes and commits its queue and releases its lease; the
     * least busy instance takes it at its next round (a second at most), and writes reaching an instance
     * meanwhile are answered 503 {@code writer_unavailable} (Retry-After 1), as during any takeover.
     */
    private void handOver(int here, int fewestElsewhere) {
        Running handed = running.values().stream()
                .filter(Running::writesHere)
                .max(Comparator.comparing(each -> each.ledger().name()))
                .orElseThrow();
        running.put(handed.ledger().name(), new Running(handed.ledger(), null));
        handed.engine().close();
        lastHandOver = System.nanoTime();
        LOG.log(
                System.Logger.Level.WARNING, // as a takeover: the writers' map changed
                "handed the writer of ledger " + handed.ledger().name() + " over to spread the writers (" + here
                        + " written here, " + fewestElsewhere + " by the least busy instance)");
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

    /**
     * The limits in force on a ledger: its writer's own when it runs here, else as its writer last
     * committed them (the latest version of each, deleted ones left out, by id as the writer orders them).
     */
    public List<Limit> limits(String name) {
        return find(name)
                .map(found -> found.writesHere() ? found.engine().limits() : stored(found.ledger()))
                .orElse(List.of());
    }

    private List<Limit> stored(Ledger ledger) {
        TreeMap<String, Limit> latest = new TreeMap<>();
        for (Limit version : database.store().loadLimitHistory(ledger.id())) {
            latest.put(version.id(), version);
        }
        return latest.values().stream().filter(limit -> !limit.deleted()).toList();
    }

    /** How many limits are in force across the ledgers this service writes (their writers' own count). */
    public long limitsInForce() {
        return running.values().stream()
                .filter(Running::writesHere)
                .mapToLong(ledger -> ledger.engine().limits().size())
                .sum();
    }

    /** True when every writer here runs: none stopped on a bug (one that lost its lease steps down). */
    public boolean allWritersRunning() {
        for (Running ledger : running.values()) {
            if (ledger.writesHere()
                    && !ledger.engine().isRunning()
                    && !(ledger.engine().stopCause() instanceof LedgerStore.WriterLockLostException)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where a ledger's writes go when this instance does not write it: the URL its holder advertised;
     * empty when this instance writes it, or no live holder advertised one (a takeover in progress).
     */
    @Override
    public Optional<URI> writerElsewhere(String name) {
        Running found = find(name).orElse(null);
        if (found == null || found.writesHere()) {
            return Optional.empty();
        }
        return database.store().writerUrl(found.ledger().id()).map(URI::create);
    }

    @Override
    public boolean writesHere(String name) {
        return find(name).map(Running::writesHere).orElse(false);
    }

    /** Lets every writer finish and commit its queue, then releases the leases. */
    @Override
    public synchronized void close() {
        closed = true;
        if (takeovers != null) {
            LockSupport.unpark(takeovers);
        }
        for (Running ledger : running.values()) {
            if (ledger.writesHere()) {
                ledger.engine().close();
            }
        }
        running.clear();
        database.store().leave();
    }
}
