package dev.pacioli.payments;

import dev.pacioli.controls.Controls;
import dev.pacioli.controls.ModeWatch;
import dev.pacioli.controls.screening.Screening;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.payments.commissions.CommissionStore;
import dev.pacioli.payments.connectors.PaymentConnectorRoutes;
import dev.pacioli.payments.connectors.PaymentConnectorStore;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.deposits.DepositRoutes;
import dev.pacioli.payments.deposits.DepositStatus;
import dev.pacioli.payments.deposits.DepositStore;
import dev.pacioli.payments.deposits.Deposits;
import dev.pacioli.payments.execution.PaymentSettings;
import dev.pacioli.payments.execution.PayoutDeadlines;
import dev.pacioli.payments.execution.PayoutWorker;
import dev.pacioli.payments.execution.ReserveJobs;
import dev.pacioli.payments.intake.InboundEventJsonBody;
import dev.pacioli.payments.intake.InboundEventStore;
import dev.pacioli.payments.intake.InboundProcessor;
import dev.pacioli.payments.intake.InboundRoutes;
import dev.pacioli.payments.payouts.PayoutHolds;
import dev.pacioli.payments.payouts.PayoutMetrics;
import dev.pacioli.payments.payouts.PayoutRoutes;
import dev.pacioli.payments.payouts.PayoutStatus;
import dev.pacioli.payments.payouts.PayoutStore;
import dev.pacioli.payments.payouts.Payouts;
import dev.pacioli.payments.payouts.PolicyStore;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.LedgerDirectory;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.Jobs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Payments (payments.md): payment connectors, payouts with maker-checker approval and their execution.
 * Money moves only through the {@link LedgerPort}; the worker and the ledger's follow-ups are durable
 * jobs.
 */
public final class PaymentsCapability implements Capability {
    private final List<Route> routes = new ArrayList<>();
    private final PayoutHolds payoutHolds;
    private PaymentRails rails;

    public PaymentsCapability(
            DataSource dataSource,
            LedgerPort ledgers,
            Jobs jobs,
            Connectors connectors,
            Alerts alerts,
            MeterRegistry registry,
            PaymentSettings settings,
            Controls controls,
            Screening screening,
            LedgerDirectory ledgerDirectory) {
        PayoutMetrics metrics = new PayoutMetrics(registry);
        PayoutStore payouts = new PayoutStore(dataSource, jobs);
        PolicyStore policies = new PolicyStore(dataSource);
        PaymentConnectorStore connectorStore = new PaymentConnectorStore(dataSource);
        InboundEventStore inboundEvents = new InboundEventStore(dataSource, jobs);
        // The simulator's returns and deposits take the path of a verified provider webhook.
        AtomicReference<InboundRoutes> inbound = new AtomicReference<>();
        rails = new PaymentRails(
                connectorStore,
                connectors,
                (connector, event) -> inbound.get().accept(connector, event, InboundEventJsonBody.of(event)));
        Payouts payoutService = new Payouts(payouts, policies, rails, ledgers, jobs, metrics, controls, screening);
        this.payoutHolds = payoutService.holds();
        Deposits deposits = new Deposits(
                new DepositStore(dataSource, jobs),
                rails,
                ledgers,
                new CommissionStore(dataSource),
                registry,
                () -> controls.watch().writes() == ModeWatch.Writes.STOPPED,
                screening);
        inbound.set(new InboundRoutes(rails, ledgerDirectory, inboundEvents, payoutService, registry, jobs::wake));
        rails.refresh();
        jobs.register(new PayoutWorker(payouts, policies, rails, metrics, settings, controls.gate()).type());
        new ReserveJobs(payouts, ledgers, rails).types().forEach(jobs::register);
        jobs.register(new InboundProcessor(dataSource, inboundEvents, payouts, deposits, rails, alerts).type());
        jobs.register(deposits.postJob());
        new PayoutDeadlines(dataSource, payouts, alerts, settings, registry).start(jobs);
        routes.addAll(new PaymentConnectorRoutes(connectorStore, rails, connectors).routes());
        routes.addAll(new PayoutRoutes(payoutService).routes());
        routes.addAll(new DepositRoutes(deposits).routes());
        routes.addAll(inbound.get().routes());
    }

    /** The running connectors' rails: treasury converts through them. */
    public PaymentRails rails() {
        return rails;
    }

    @Override
    public String name() {
        return "payments";
    }

    /** Where a later capability holds a ledger's new payouts, and releases them (reconciliation). */
    public PayoutHolds payoutHolds() {
        return payoutHolds;
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * {@code payout.created} and {@code payout.<state>} for every state, {@code deposit.<state>} for
     * every state, {@code inbound.unmatched}.
     */
    @Override
    public List<String> serviceEventTypes() {
        List<String> types = new ArrayList<>(List.of("payout.created"));
        Arrays.stream(PayoutStatus.values()).forEach(status -> types.add("payout." + status.code()));
        Arrays.stream(DepositStatus.values()).forEach(status -> types.add("deposit." + status.code()));
        types.add("inbound.unmatched");
        return types;
    }
}
