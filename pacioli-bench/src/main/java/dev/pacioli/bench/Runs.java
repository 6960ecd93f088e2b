package dev.pacioli.bench;

import dev.pacioli.app.Service;
import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.HttpServer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measurement at a time on one {@link Target}: set up a fresh ledger (or baseline tables), apply
 * the load for the window, stop, then check the outcome against the database. Each run gets its own
 * ledger, so one run's rows never count in another's checks.
 */
final class Runs {
    /** The admin secret of the in-process service (only ever on loopback). */
    static final String ADMIN_SECRET = "pacioli-bench-admin-secret-0123456789abcdef";

    private static final Map<Integer, AccountIds> ACCOUNTS = new ConcurrentHashMap<>();
    private static final Map<Integer, Zipf> ZIPFS = new ConcurrentHashMap<>();
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Target target;
    private final Path dataDirectory;

    Runs(Target target, Path dataDirectory) {
        this.target = target;
        this.dataDirectory = dataDirectory;
    }

    static AccountIds accounts(int users) {
        return ACCOUNTS.computeIfAbsent(users, AccountIds::new);
    }

    static Zipf zipf(int users) {
        return ZIPFS.computeIfAbsent(users, n -> new Zipf(n, 1.0));
    }

    private static String runName(String mode, Workload workload, int users) {
        return "bench-" + mode + "-" + workload.label + "-" + users + "-" + RUNS.incrementAndGet();
    }

    /**
     * The limits {@code --limits} puts on every user account (ids {@code u:<i>}): per transaction and a
     * rolling amount on their debits, a rolling count on their credits, all far above what a run moves,
     * so they cost their checks and never refuse.
     */
    static final List<LimitSpec> LIMITS = List.of(
            new LimitSpec("per-transfer", "u:*", AccountIds.ASSET, LimitDirection.DEBIT, 1L << 60, null, null, null),
            new LimitSpec("hourly-out", "u:*", AccountIds.ASSET, LimitDirection.DEBIT, null, 3_600L, 1L << 60, null),
            new LimitSpec("daily-in", "u:*", AccountIds.ASSET, LimitDirection.CREDIT, null, 86_400L, null, 1L << 60));

    Measurement engine(Workload workload, int users, RunWindow window) throws InterruptedException {
        return engine(workload, users, window, 0);
    }

    /** Mode 1, with the first {@code limits} of {@link #LIMITS} in force (mode {@code engine+3limits}). */
    Measurement engine(Workload workload, int users, RunWindow window, int limits) throws InterruptedException {
        AccountIds accounts = accounts(users);
        String mode = limits == 0 ? "engine" : "engine+" + limits + "limits";
        String name = runName(mode.replace('+', '.'), workload, users);
        PacioliLedger.LedgerEngineHolder holder = new PacioliLedger.LedgerEngineHolder();
        PacioliLedger ledger;
        try {
            ledger = PacioliLedger.create(target.database, name, accounts, holder);
        } catch (RuntimeException e) {
            if (holder.engine != null) {
                holder.engine.close();
            }
            throw e;
        }
        for (LimitSpec limit : LIMITS.subList(0, limits)) {
            ResultCode put = holder.engine.putLimit(limit, null).join().code();
            if (put != ResultCode.CREATED) {
                holder.engine.close();
                throw new IllegalStateException("limit " + limit.id() + " answered " + put);
            }
        }
        DiskUsage.Snapshot before = DiskUsage.snapshot(target.database.dataSource(), DiskUsage.PACIOLI_TABLES);
        BatchStats stats = new BatchStats(target.database.store());
        holder.engine.close();
        holder.engine = ledger.startEngine(stats);
        Map<String, Long> rejected;
        try {
            rejected = new EngineRun(holder.engine, accounts, workload, zipf(users), window).run(name);
        } finally {
            holder.engine.close();
        }
        DiskUsage.Snapshot after = DiskUsage.snapshot(target.database.dataSource(), DiskUsage.PACIOLI_TABLES);
        return pacioliMeasurement(mode, workload, users, window, ledger, rejected, null)
                .withDisk(
                        perTransfer(after.tableBytes() - before.tableBytes(), window),
                        perTransfer(after.walBytes() - before.walBytes(), window),
                        stats.summary());
    }

    /** Mode 2 ({@code batch}) or 3: the ledger is set up through the engine, then served by the real service. */
    Measurement http(Workload workload, int users, RunWindow window, boolean batch) throws InterruptedException {
        AccountIds accounts = accounts(users);
        String mode = batch ? "http-batch" : "http-single";
        String name = runName(mode, workload, users);
        PacioliLedger.LedgerEngineHolder holder = new PacioliLedger.LedgerEngineHolder();
        PacioliLedger ledger;
        try {
            ledger = PacioliLedger.create(target.database, name, accounts, holder);
        } finally {
            if (holder.engine != null) {
                holder.engine.close();
            }
        }
        HttpServer.Settings http = new HttpServer.Settings("127.0.0.1", 0, 0, 0, false);
        Service.Options options = new Service.Options(dataDirectory, ADMIN_SECRET, http, EngineConfig.DEFAULTS);
        HttpRun run;
        Map<String, Long> rejected;
        BatchStats stats = new BatchStats(target.database.store());
        long started = System.nanoTime();
        try (Service service = Service.start(target.database, options)) {
            run = new HttpRun(service.port(), ADMIN_SECRET, name, accounts, workload, zipf(users), window);
            rejected = batch ? run.batch() : run.single();
        }
        return pacioliMeasurement(mode, workload, users, window, ledger, rejected, run.latency())
                .withDisk(-1, -1, stats.commitDuty((System.nanoTime() - started) / 1e9));
    }

    /**
     * Payments on loopback ({@link PaymentsRun}): one ledger and two connectors made through the API of
     * the real service, payouts for {@code payouts}, then signed deposit webhooks for {@code deposits}.
     */
    List<PaymentMeasurement> payments(RunWindow payouts, RunWindow deposits) throws Exception {
        int run = RUNS.incrementAndGet();
        String name = "bench-payments-" + run;
        HttpServer.Settings http = new HttpServer.Settings("127.0.0.1", 0, 0, 0, false);
        Service.Options options = new Service.Options(dataDirectory, ADMIN_SECRET, http, EngineConfig.DEFAULTS);
        try (Service service = Service.start(target.database, options)) {
            return new PaymentsRun(target.name, service.port(), ADMIN_SECRET, name, run).run(payouts, deposits);
        }
    }

    private Measurement pacioliMeasurement(
            String mode,
            Workload workload,
            int users,
            RunWindow window,
            PacioliLedger ledger,
            Map<String, Long> rejected,
            Measurement.Latency latency) {
        return new Measurement(
                "pacioli",
                mode,
                target.name,
                workload,
                users,
                window.perSecond(),
                window.acknowledged(),
                ledger.committedTransfers(),
                rejected,
                ledger.check(),
                latency,
                -1,
                -1,
                null);
    }

    Measurement baseline(Workload workload, int users, RunWindow window, int workers)
            throws InterruptedException, SQLException {
        AccountIds accounts = accounts(users);
        String prefix = "baseline_" + workload.name().toLowerCase(Locale.ROOT) + "_" + RUNS.incrementAndGet();
        BaselineLedger ledger = new BaselineLedger(target.database.dataSource(), prefix);
        ledger.create(accounts);
        String[] tables = DiskUsage.baselineTables(prefix);
        DiskUsage.Snapshot before = DiskUsage.snapshot(target.database.dataSource(), tables);
        Map<String, Long> rejected = new BaselineRun(ledger, accounts, workload, zipf(users), window, workers).run();
        DiskUsage.Snapshot after = DiskUsage.snapshot(target.database.dataSource(), tables);
        long acknowledged = window.acknowledged();
        Measurement measurement = new Measurement(
                "baseline",
                "row-locking x" + workers,
                target.name,
                workload,
                users,
                window.perSecond(),
                acknowledged,
                ledger.committed(),
                rejected,
                ledger.check(acknowledged),
                null,
                perTransfer(after.tableBytes() - before.tableBytes(), window),
                perTransfer(after.walBytes() - before.walBytes(), window),
                null);
        ledger.drop();
        return measurement;
    }

    private static double perTransfer(long bytes, RunWindow window) {
        long transfers = window.acknowledged();
        return transfers == 0 ? -1 : (double) bytes / transfers;
    }
}
