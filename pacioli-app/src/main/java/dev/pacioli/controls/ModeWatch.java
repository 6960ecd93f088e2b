package dev.pacioli.controls;

import dev.pacioli.controls.ControlsState.Mode;
import dev.pacioli.controls.ControlsState.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The effective execution mode: what workers obey. It is the stored mode only while the controls can
 * be read: a failed read, or no healthy read for {@code maxAge}, makes it dry at once, and it returns
 * to the stored mode only after {@code healthyReads} consecutive healthy reads. It also keeps the last
 * emergency stop read, for the ledger's guard ({@link ControlledLedgers}).
 *
 * <p>A daemon thread reads the row every {@code refresh} on the controls' own connections, so a cut
 * there is seen even when no payout is waiting. Changes made through this instance are taken at once
 * ({@link #accept}).
 */
public final class ModeWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModeWatch.class);

    /** The effective mode and the consecutive healthy reads behind it. */
    public record Reading(Mode mode, int healthyReads) {}

    /**
     * What the ledger's guard obeys: money may move ({@code OPEN}), a stop of scope all was read
     * ({@code STOPPED}), or whether one is in force is not known, because no read started within
     * {@code maxAge} ({@code UNKNOWN}: fail closed).
     */
    public enum Writes {
        OPEN,
        STOPPED,
        UNKNOWN
    }

    private final DataSource dataSource;
    private final ControlSettings settings;
    private final LongSupplier nanos;
    private final Counter changes;
    private final Thread reader;
    private volatile boolean running = true;

    // Guarded by this.
    private ControlsState last;
    private long lastHealthyNanos; // when the last healthy read started: it saw every change committed before

    private int healthyReads;
    private Mode effective; // null until first evaluated: starting is not a change

    public ModeWatch(DataSource dataSource, ControlSettings settings, MeterRegistry registry) {
        this(dataSource, settings, registry, System::nanoTime);
    }

    ModeWatch(DataSource dataSource, ControlSettings settings, MeterRegistry registry, LongSupplier nanos) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.nanos = nanos;
        this.changes = Counter.builder("pacioli.mode.changes")
                .description("Changes of the effective execution mode (a failed read makes it dry)")
                .register(registry);
        for (Mode mode : Mode.values()) {
            Gauge.builder(
                            "pacioli.execution.mode",
                            this,
                            watch -> watch.current().mode() == mode ? 1 : 0)
                    .description("1 for the effective execution mode")
                    .tag("mode", mode.code())
                    .register(registry);
        }
        for (Scope scope : Scope.values()) {
            Gauge.builder("pacioli.emergency.stop", this, watch -> watch.stop() == scope ? 1 : 0)
                    .description("1 while an emergency stop of this scope is in force")
                    .tag("scope", scope.code())
                    .register(registry);
        }
        this.reader = Thread.ofPlatform().name("pacioli-controls").daemon().unstarted(this::readForever);
    }

    /** Reads once (a service that cannot read its controls at start still starts, dry), then keeps reading. */
    public ModeWatch start() {
        if (readOnce()) {
            synchronized (this) {
                healthyReads = settings.healthyReads(); // no failure seen yet: nothing to recover from
                evaluate();
            }
        }
        reader.start();
        return this;
    }

    /** The effective mode now. */
    public synchronized Reading current() {
        evaluate();
        return new Reading(effective, healthyReads);
    }

    /** The stored state last read, or null before the first healthy read. */
    public synchronized ControlsState last() {
        return last;
    }

    /** The scope of the emergency stop last read, or null. */
    public synchronized Scope stop() {
        return last == null || last.stop() == null ? null : last.stop().scope();
    }

    /** Whether money may move on this instance now; see {@link Writes}. */
    public synchronized Writes writes() {
        if (last == null || stale()) {
            return Writes.UNKNOWN;
        }
        return last.stop() != null && last.stop().scope() == Scope.ALL ? Writes.STOPPED : Writes.OPEN;
    }

    /**
     * Waits until a change just committed is obeyed by every instance's ledger guard: each trusts only
     * a read that started less than {@code maxAge} ago, so after that long every guard has either read
     * the change or refuses writes for want of a fresh read. Emergency stops of scope all wait for this
     * before they answer, from the API and from the command line alike.
     */
    public static void awaitEveryReader(ControlSettings settings) {
        try {
            Thread.sleep(settings.maxAge().plusMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the emergency stop took effect", e);
        }
    }

    /** A state this instance just committed: in force here without waiting for the next read. */
    public synchronized void accept(ControlsState state) {
        last = state;
        evaluate();
    }

    private void readForever() {
        long pause = settings.refresh().toMillis();
        while (running) {
            readOnce();
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean readOnce() {
        long started = nanos.getAsLong();
        try (Connection connection = dataSource.getConnection()) {
            ControlsState state = ControlsStore.read(connection);
            synchronized (this) {
                last = state;
                lastHealthyNanos = started;
                healthyReads = Math.min(healthyReads + 1, Integer.MAX_VALUE - 1);
                evaluate();
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            synchronized (this) {
                if (healthyReads > 0) {
                    LOG.warn(
                            "cannot read the controls; the effective mode is dry until {} healthy reads: {}",
                            settings.healthyReads(),
                            e.getMessage());
                }
                healthyReads = 0;
                evaluate();
            }
            return false;
        }
    }

    /** Recomputes the effective mode; a stale last read counts as a failed one. Holds this. */
    private void evaluate() {
        boolean stale = last == null || stale();
        if (stale) {
            healthyReads = 0;
        }
        Mode now = !stale && healthyReads >= settings.healthyReads() ? last.mode() : Mode.DRY;
        if (now != effective) {
            LOG.info(
                    "effective execution mode: {} (stored {})",
                    now.code(),
                    last == null ? "unread" : last.mode().code());
            if (effective != null) {
                changes.increment();
            }
            effective = now;
        }
    }

    /** Whether the last healthy read started longer than maxAge ago. Holds this. */
    private boolean stale() {
        return nanos.getAsLong() - lastHealthyNanos
                > TimeUnit.MILLISECONDS.toNanos(settings.maxAge().toMillis());
    }

    @Override
    public void close() {
        running = false;
        reader.interrupt();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
