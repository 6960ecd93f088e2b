package dev.pacioli.platform.alerts;

import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.Jobs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Alerts} every capability gets: raises and resolutions stored with their deliveries and
 * the deliveries' jobs in one transaction, then the jobs runner woken. A failure to store is logged and swallowed, because the
 * source's own work matters more than telling about it (and a database that is away is alerted on by
 * the readiness check, not by an alert it could not store).
 */
public final class AlertService implements Alerts, AutoCloseable {
    private final Connectors connectors;
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);

    private final AlertStore store;
    private final ChannelStore channels;
    private final AlertSettings settings;
    private final Jobs jobs;
    private final List<Runnable> checks = new CopyOnWriteArrayList<>();
    private final Thread watcher;
    private volatile boolean watching = true;

    private AlertService(
            DataSource dataSource, Jobs jobs, AlertSettings settings, AlertMetrics metrics, Connectors connectors) {
        this.connectors = connectors;
        this.store = new AlertStore(dataSource, jobs);
        this.channels = new ChannelStore(dataSource);
        this.settings = settings;
        this.jobs = jobs;
        jobs.register(new AlertDeliveries(dataSource, settings, metrics, connectors).type(settings));
        metrics.watch(store);
        this.watcher = Thread.ofPlatform().name("pacioli-alert-watch").daemon().start(this::watchLoop);
    }

    /**
     * Runs the check every watch interval, on the watcher thread, until {@link #stopWatching}: how a
     * source whose condition is a state (a writer stopped) raises and resolves without a hook of its
     * own in the code that changes the state.
     */
    public void watch(Runnable check) {
        checks.add(check);
        LockSupport.unpark(watcher);
    }

    /** Stops the checks; the shutdown calls it before it stops what they watch. */
    public void stopWatching() {
        watching = false;
        LockSupport.unpark(watcher);
        try {
            watcher.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watchLoop() {
        while (watching) {
            for (Runnable check : checks) {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    LOG.warn("an alert check failed; it runs again: {}", e.getMessage());
                }
            }
            LockSupport.parkNanos(settings.watchInterval().toNanos());
        }
    }

    /**
     * Starts on this database: deliveries run as {@code alert.delivery} jobs of {@code jobs} (registered
     * here, so before the runner starts), and the watcher runs the sources' checks until {@link #close()}.
     */
    public static AlertService start(
            DataSource dataSource, Jobs jobs, AlertSettings settings, AlertMetrics metrics, Connectors connectors) {
        return new AlertService(dataSource, jobs, settings, metrics, connectors);
    }

    /** The connectors alert deliveries go through. */
    Connectors connectors() {
        return connectors;
    }

    @Override
    public void raise(Raise raise) {
        try {
            raised(raise);
        } catch (RuntimeException e) {
            LOG.warn("could not raise alert {}: {}", raise.dedupeKey(), e.getMessage());
        }
    }

    /** Raises and answers what happened; throws when it could not be stored (the test route's way). */
    AlertStore.Raised raised(Raise raise) {
        AlertStore.Raised raised = store.raise(raise, settings.renotify().toSeconds());
        if (raised.notice() != null) {
            LOG.atInfo()
                    .addKeyValue("alert", raised.alert().id())
                    .addKeyValue("severity", raise.severity().code())
                    .addKeyValue("category", raise.category())
                    .addKeyValue("deliveries", raised.deliveries())
                    .log("alert {}: {}", raised.notice(), raise.summary());
            jobs.wake();
        }
        return raised;
    }

    @Override
    public void resolve(String dedupeKey) {
        try {
            Optional<Alert> resolved = store.resolve(dedupeKey);
            resolved.ifPresent(alert -> {
                LOG.atInfo().addKeyValue("alert", alert.id()).log("alert resolved: {}", alert.summary());
                jobs.wake();
            });
        } catch (RuntimeException e) {
            LOG.warn("could not resolve alert {}: {}", dedupeKey, e.getMessage());
        }
    }

    AlertStore store() {
        return store;
    }

    ChannelStore channels() {
        return channels;
    }

    @Override
    public void close() {
        stopWatching();
    }
}
