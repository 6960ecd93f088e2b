package dev.pacioli.custody;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.Jobs;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Custody (custody.md): wallet keys sealed at rest under data keys that a key-encryption key protects,
 * rotation of the data keys, wallets whose keys are generated and used only inside the service, and
 * the chain transactions they sign: nonces, broadcast, receipts, the monitor.
 */
public final class CustodyCapability implements Capability {
    private final KeyVault vault;
    private final Wallets wallets;
    private final List<Route> routes = new ArrayList<>();

    /** What custody reaches beyond its own tables. */
    public record Reach(
            LedgerPort ledgers,
            PaymentRails rails,
            Connectors connectors,
            SubmissionGate gate,
            Alerts alerts,
            MeterRegistry registry) {}

    public CustodyCapability(
            DataSource dataSource, Jobs jobs, CustodySettings settings, Path dataDirectory, Reach reach) {
        this.vault = new KeyVault(dataSource, Kek.open(settings, dataDirectory));
        vault.start();
        WalletStore walletStore = new WalletStore(dataSource, vault);
        this.wallets = new Wallets(dataSource, walletStore, vault);
        KeyRotation rotation = new KeyRotation(dataSource, vault, jobs, settings);
        jobs.register(rotation.type());
        ChainNodes nodes = new ChainNodes(reach.rails(), reach.connectors());
        ChainStore store = new ChainStore(dataSource, jobs);
        ChainSigner signer = new ChainSigner(store, wallets);
        WalletMonitors monitors =
                new WalletMonitors(dataSource, nodes, walletStore, reach.alerts(), settings.balanceCache());
        NonceRepair repair = new NonceRepair(dataSource, store, signer, nodes, walletStore, reach.gate());
        ChainMonitor[] monitor = new ChainMonitor[1];
        ChainWorker worker = new ChainWorker(
                store,
                signer,
                nodes,
                walletStore,
                reach.gate(),
                reach.ledgers(),
                reach.alerts(),
                settings.chain().poll(),
                (chain, address) -> monitor[0].repairSoon(chain, address));
        jobs.register(worker.type());
        monitor[0] = new ChainMonitor(
                store,
                signer,
                nodes,
                worker,
                repair,
                monitors,
                reach.gate(),
                reach.alerts(),
                jobs,
                reach.registry(),
                settings.chain());
        monitor[0].start();
        routes.addAll(new CustodyRoutes(wallets, vault, rotation, monitors).routes());
        routes.addAll(new ChainRoutes(wallets, store, nodes, monitors, reach.gate(), reach.ledgers()).routes());
    }

    /** The wallets, for tools and tests that sign as a chain transaction would. */
    public Wallets wallets() {
        return wallets;
    }

    @Override
    public String name() {
        return "custody";
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
