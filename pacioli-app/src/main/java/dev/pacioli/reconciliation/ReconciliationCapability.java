package dev.pacioli.reconciliation;

import dev.pacioli.controls.Controls;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.payments.payouts.PayoutHolds;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reconciliation (docs/reconciliation.md): statements in, order-independent matching, balance drift with
 * its actions, legacy balance comparison and the daily report. It reads the ledger, and moves money only
 * through the {@link LedgerPort} (write-offs); it holds payouts through payments' {@link PayoutHolds}.
 */
public final class ReconciliationCapability implements Capability {
    private final List<Route> routes = new ArrayList<>();

    public ReconciliationCapability(
            Database database,
            LedgerPort port,
            Alerts alerts,
            Controls controls,
            PayoutHolds holds,
            Jobs jobs,
            MeterRegistry registry) {
        Reconciliation reconciliation =
                new Reconciliation(database, port, alerts, controls, holds, new ReconMetrics(registry));
        holds.register(ledger -> reconciliation.drifts.holdsPayouts(ledger) ? PayoutHolds.RECONCILIATION : null);
        ManualMatches manual = new ManualMatches(database, reconciliation);
        routes.addAll(new ReconciliationRoutes(reconciliation, manual).routes());
        routes.addAll(new DriftRoutes(reconciliation).routes());
        DailyStore daily = new DailyStore(database.dataSource());
        DailyReport report = new DailyReport(database.dataSource(), reconciliation.drifts, daily);
        routes.addAll(new OperationsRoutes(database, reconciliation, daily, report, alerts).routes());
        new DailySchedule(reconciliation, daily, database.dataSource(), alerts, Instant::now, jobs.runnerId())
                .start(jobs);
    }

    @Override
    public String name() {
        return "reconciliation";
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public List<String> serviceEventTypes() {
        return List.of(
                "reconciliation.statement_imported",
                "reconciliation.run_completed",
                "reconciliation.matched",
                "reconciliation.unmatched",
                "reconciliation.line_ignored",
                "reconciliation.drift_detected",
                "reconciliation.drift_cleared");
    }
}
