package dev.pacioli.clearing;

import dev.pacioli.controls.screening.Screening;
import dev.pacioli.controls.screening.ScreeningCase;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.jobs.Jobs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Clearing (clearing.md): participants owe each other many obligations during a window and settle only
 * their multilateral net positions at its end, in one atomic write on the ledger. Money moves only
 * through the {@link LedgerPort}; screening holds obligations whose names hit a list.
 *
 * @see Iso20022 pacs.008 in and pacs.002 out; {@code scales} gives an asset code's scale (null: none)
 */
public final class ClearingCapability implements Capability {
    private final List<Route> routes = new ArrayList<>();

    public ClearingCapability(
            DataSource dataSource,
            LedgerPort ledgers,
            Jobs jobs,
            Alerts alerts,
            MeterRegistry registry,
            Screening screening,
            Function<String, Integer> scales) {
        ClearingStore store = new ClearingStore(dataSource);
        ClearingMetrics metrics = new ClearingMetrics(registry);
        Intake intake = new Intake(store, ledgers, screening, metrics);
        Windows windows = new Windows(store, intake, metrics, ledgers);
        Settlement settlement = new Settlement(store, ledgers, alerts, metrics);
        screening.handlers().register(Intake.OBJECT_TYPE, (transaction, decided, decision) -> {
            boolean clear = decision == ScreeningCase.Decision.CLEAR;
            // Several hits open several cases: a clear accepts the obligation once none is left open.
            if (clear
                    && screening.openCases(transaction, Intake.OBJECT_TYPE, decided.ledger(), decided.objectId()) > 0) {
                return;
            }
            windows.decided(transaction, decided.ledger(), decided.objectId(), clear);
        });
        routes.addAll(
                new ClearingRoutes(store, new Participants(store, ledgers), intake, windows, settlement).routes());
        routes.addAll(new Schedule(store, windows, settlement, jobs).routes());
        routes.addAll(new IsoRoutes(new Iso20022(store, intake, scales), store).routes());
    }

    @Override
    public String name() {
        return "clearing";
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(
                "clearing.obligation.held",
                "clearing.obligation.accepted",
                "clearing.obligation.rejected",
                "clearing.obligation.canceled",
                "clearing.window.closed",
                "clearing.window.settled",
                "clearing.window.settlement_failed");
    }
}
