package dev.pacioli.controls;

import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.AuditAction;
import java.util.List;

/**
 * Controls (controls.md): the execution mode, the emergency stop, and the gate and ledger guard through
 * which every money-moving capability is given the outside world and the ledgers.
 */
public final class ControlsCapability implements Capability {
    private final List<Route> routes;

    public ControlsCapability(Controls controls) {
        this.routes = new ControlsRoutes(controls).routes();
    }

    @Override
    public String name() {
        return "controls";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(
                AuditAction.CONTROLS_MODE_CHANGED.code(),
                AuditAction.CONTROLS_EMERGENCY_STOP_ENGAGED.code(),
                AuditAction.CONTROLS_EMERGENCY_STOP_LIFTED.code());
    }
}
