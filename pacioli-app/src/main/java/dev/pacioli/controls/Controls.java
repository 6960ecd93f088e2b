package dev.pacioli.controls;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.controls.ControlsState.Mode;
import dev.pacioli.controls.ControlsState.Scope;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The controls as the rest of the service uses them: the stored state and its changes ({@link
 * ControlsStore}), the effective mode ({@link ModeWatch}) and the gate every submission passes ({@link
 * SubmissionGate}). A change is taken by this instance's watch as soon as it commits; the stop raises
 * a critical alert that stays open while it is in force, and its lifting raises another.
 */
public final class Controls implements AutoCloseable {
    static final String STOP_ALERT = "controls.emergency_stop";

    private final ControlsStore store;
    private final ModeWatch watch;
    private final SubmissionGate gate;
    private final Alerts alerts;
    private final AutoCloseable connections;
    private final ControlSettings settings;

    private Controls(
            ControlsStore store,
            ModeWatch watch,
            SubmissionGate gate,
            Alerts alerts,
            AutoCloseable connections,
            ControlSettings settings) {
        this.settings = settings;
        this.store = store;
        this.watch = watch;
        this.gate = gate;
        this.alerts = alerts;
        this.connections = connections;
    }

    /**
     * Starts reading the controls on connections of their own (a pool the size of the submissions that
     * may be in flight), so neither waits behind the other's pool; changes go through the service's.
     */
    public static Controls start(Database database, ControlSettings settings, MeterRegistry registry, Alerts alerts) {
        HikariDataSource own = database.companion("controls", settings.gateConnections(), settings.jdbcUrl());
        try {
            ModeWatch watch = new ModeWatch(own, settings, registry).start();
            return new Controls(
                    new ControlsStore(database.dataSource()),
                    watch,
                    new SubmissionGate(own, watch),
                    alerts,
                    own,
                    settings);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    public ControlsState state() {
        return store.read();
    }

    public ModeWatch watch() {
        return watch;
    }

    public SubmissionGate gate() {
        return gate;
    }

    public ControlsState setMode(Mode mode, String reason, Actor actor) {
        ControlsStore.Changed changed = store.setMode(mode, reason, actor);
        watch.accept(changed.state());
        return changed.state();
    }

    public ControlsState engage(Scope scope, String reason, Actor actor) {
        ControlsStore.Changed changed = store.engage(scope, reason, actor);
        watch.accept(changed.state());
        if (scope == Scope.ALL) {
            ModeWatch.awaitEveryReader(settings);
        }
        if (changed.changed()) {
            alerts.raise(new Alerts.Raise(
                    Severity.CRITICAL,
                    "controls",
                    STOP_ALERT,
                    "emergency stop engaged (scope " + scope.code() + ") by " + actor.principal(),
                    reason,
                    "controls"));
        }
        return changed.state();
    }

    public ControlsState lift(String reason, Actor actor) {
        ControlsStore.Changed changed = store.lift(reason, actor);
        watch.accept(changed.state());
        if (changed.changed()) {
            alerts.resolve(STOP_ALERT);
            alerts.raise(new Alerts.Raise(
                    Severity.CRITICAL,
                    "controls",
                    STOP_ALERT + "_lifted:" + System.currentTimeMillis(),
                    "emergency stop lifted by " + actor.principal() + "; payouts it held stay held until released",
                    reason,
                    "controls"));
        }
        return changed.state();
    }

    /** Whether new payouts are held at creation: an emergency stop (of either scope) is in force. */
    public boolean holdsNewPayouts() {
        return watch.stop() != null;
    }

    @Override
    public void close() {
        watch.close();
        try {
            connections.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the controls' connections", e);
        }
    }
}
