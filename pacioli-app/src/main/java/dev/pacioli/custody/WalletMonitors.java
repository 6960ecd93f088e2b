package dev.pacioli.custody;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wallets' chain balances (cached for {@link CustodySettings#balanceCache}) and their monitors: an
 * alert ({@code custody.balance}) while a wallet's native balance is below its floor, resolved when it
 * is not (a relayer that must stay funded). Evaluated by the chain monitor's runs.
 */
final class WalletMonitors {
    private static final Logger LOG = LoggerFactory.getLogger(WalletMonitors.class);

    private final DataSource dataSource;
    private final ChainNodes nodes;
    private final WalletStore wallets;
    private final Alerts alerts;
    private final Duration cache;
    private final Map<String, Cached> balances = new ConcurrentHashMap<>();

    private record Cached(BigInteger wei, long atNanos) {}

    /** A wallet's monitor: alert at {@code severity} while its balance is below {@code belowWei}. */
    record Monitor(String walletId, BigInteger belowWei, Severity severity, long updatedAtMicros) {}

    WalletMonitors(DataSource dataSource, ChainNodes nodes, WalletStore wallets, Alerts alerts, Duration cache) {
        this.dataSource = dataSource;
        this.nodes = nodes;
        this.wallets = wallets;
        this.alerts = alerts;
        this.cache = cache;
    }

    /** The wallet's native balance in wei, at most {@code cache} old; empty when its chain cannot be reached. */
    Optional<BigInteger> balance(Wallet wallet) {
        Cached cached = balances.get(wallet.id());
        if (cached != null && System.nanoTime() - cached.atNanos() < cache.toNanos()) {
            return Optional.of(cached.wei());
        }
        try {
            BigInteger wei =
                    ChainNodes.quantity(nodes.call(wallet.chain(), "eth_getBalance", wallet.address(), "latest"));
            balances.put(wallet.id(), new Cached(wei, System.nanoTime()));
            return Optional.of(wei);
        } catch (ChainNodes.Unreachable | ChainNodes.RpcError e) {
            LOG.debug("no balance of {}: {}", wallet.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Sets (or replaces) a wallet's monitor. Audited. */
    Monitor set(Wallet wallet, BigInteger belowWei, Severity severity, Actor actor) {
        return Transactions.run(dataSource, "could not set the monitor of " + wallet.id(), connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("insert into custody_wallet_monitors"
                    + " (wallet_id, below_wei, severity) values (?, ?, ?) on conflict (wallet_id) do update set"
                    + " below_wei = excluded.below_wei, severity = excluded.severity, updated_at = now() returning"
                    + " wallet_id, below_wei, severity, updated_at")) {
                upsert.setString(1, wallet.id());
                upsert.setBigDecimal(2, new BigDecimal(belowWei));
                upsert.setString(3, severity.code());
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    Monitor monitor = monitor(row);
                    Map<String, Object> after = new LinkedHashMap<>();
                    after.put("below_wei", belowWei.toString());
                    after.put("severity", severity.code());
                    AuditLog.append(
                            connection,
                            actor,
                            AuditEntry.of(
                                    AuditAction.CUSTODY_WALLET_MONITOR_SET,
                                    wallet.id(),
                                    null,
                                    RequestReader.MAPPER.writeValueAsString(after)));
                    return monitor;
                }
            }
        });
    }

    Optional<Monitor> find(String walletId) {
        return all().stream().filter(m -> m.walletId().equals(walletId)).findFirst();
    }

    private List<Monitor> all() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select wallet_id, below_wei, severity,"
                        + " updated_at from custody_wallet_monitors order by wallet_id");
                ResultSet rows = select.executeQuery()) {
            List<Monitor> monitors = new ArrayList<>();
            while (rows.next()) {
                monitors.add(monitor(rows));
            }
            return monitors;
        } catch (SQLException e) {
            throw new StoreException("could not read the wallet monitors", e);
        }
    }

    private static Monitor monitor(ResultSet row) throws SQLException {
        return new Monitor(
                row.getString(1),
                row.getBigDecimal(2).toBigIntegerExact(),
                Severity.byCode().get(row.getString(3)),
                Timestamps.micros(row, 4));
    }

    /** Every monitor against its wallet's balance now: raised below the floor, resolved above. */
    void evaluate() {
        for (Monitor monitor : all()) {
            Optional<Wallet> wallet = wallets.find(monitor.walletId());
            balances.remove(monitor.walletId());
            Optional<BigInteger> balance = wallet.flatMap(this::balance);
            if (balance.isEmpty()) {
                continue;
            }
            String key = "custody.balance:" + monitor.walletId();
            if (balance.get().compareTo(monitor.belowWei()) < 0) {
                alerts.raise(new Alerts.Raise(
                        monitor.severity(),
                        "custody.balance",
                        key,
                        "wallet " + monitor.walletId() + " is below " + monitor.belowWei() + " wei",
                        "balance " + balance.get() + " wei at " + wallet.get().address() + " on "
                                + wallet.get().chain(),
                        "custody_wallet:" + monitor.walletId()));
            } else {
                alerts.resolve(key);
            }
        }
    }
}
