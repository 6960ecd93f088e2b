package dev.pacioli.custody;

import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.jobs.Jobs;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;

/**
 * Custody (custody.md): wallet keys sealed at rest under data keys that a key-encryption key protects,
 * rotation of the data keys, and wallets whose keys are generated and used only inside the service.
 */
public final class CustodyCapability implements Capability {
    private final KeyVault vault;
    private final Wallets wallets;
    private final List<Route> routes;

    public CustodyCapability(DataSource dataSource, Jobs jobs, CustodySettings settings, Path dataDirectory) {
        this.vault = new KeyVault(dataSource, Kek.open(settings, dataDirectory));
        vault.start();
        WalletStore store = new WalletStore(dataSource, vault);
        this.wallets = new Wallets(dataSource, store, vault);
        KeyRotation rotation = new KeyRotation(dataSource, vault, jobs, settings);
        jobs.register(rotation.type());
        this.routes = new CustodyRoutes(wallets, vault, rotation).routes();
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
        return routes;
    }
}
