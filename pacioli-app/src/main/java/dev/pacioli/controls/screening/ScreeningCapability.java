package dev.pacioli.controls.screening;

import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;

/**
 * Sanctions and embargo screening (controls.md, Screening; docs/screening.md): lists, the check, and
 * cases. Other capabilities screen what they create through {@link #screening()}, the hook.
 */
public final class ScreeningCapability implements Capability {
    private final Screening screening;
    private final List<Route> routes;

    public ScreeningCapability(DataSource dataSource, ScreeningSettings settings, MeterRegistry registry) {
        this.screening = new Screening(dataSource, settings, registry);
        this.routes = new ScreeningRoutes(screening).routes();
    }

    /** The hook: screen a subject, open a case in the caller's transaction, register a decision handler. */
    public Screening screening() {
        return screening;
    }

    @Override
    public String name() {
        return "controls.screening";
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(
                "screening_list.loaded", "screening_case.opened", "screening_case.cleared", "screening_case.confirmed");
    }
}
