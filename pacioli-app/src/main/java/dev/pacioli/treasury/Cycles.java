package dev.pacioli.treasury;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Treasury cycles (treasury.md, Cycles): for each buffer of a ledger, one decision with its reason —
 * below {@code min}: a top-up of {@code target − available} from {@code top_up_from} (a conversion when
 * the assets differ, else a posted transfer); above {@code max}: a sweep of {@code available − target}
 * to {@code sweep_to}; otherwise nothing.
 *
 * <p>Once across instances: a ledger's cycle runs under a transaction-scoped advisory lock, so two
 * cycles of one ledger (scheduled on one instance, asked for on another) never decide at the same
 * time, and the scheduled one is a single durable job ({@value #JOB}) that one runner claims at a
 * time. Never two jobs for a buffer: a buffer with a conversion in flight is decided "in flight", and
 * the partial unique index refuses a second insert whatever happens. Decisions are made on the
 * buffer's <em>available</em> balance (pending outflows already taken off) with its job in flight
 * counted, so money on its way is neither counted twice nor asked for twice.
 */
final class Cycles {
    static final String JOB = "treasury.cycle";
    static final String JOB_KEY = "schedule";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TreasuryStore store;
    private final LedgerPort ledgers;
    private final Providers providers;
    private final Jobs jobs;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Duration every;
    private final Map<String, AtomicLong> balances = new ConcurrentHashMap<>();
    /** The alert level each buffer was last reported at by this instance: ok, min or critical. */
    private final Map<String, String> alerted = new ConcurrentHashMap<>();

    Cycles(
            TreasuryStore store,
            LedgerPort ledgers,
            Providers providers,
            Jobs jobs,
            Alerts alerts,
            MeterRegistry registry,
            Duration every) {
        this.store = store;
        this.ledgers = ledgers;
        this.providers = providers;
        this.jobs = jobs;
        this.alerts = alerts;
        this.registry = registry;
        this.every = every;
    }

    /** Registers the scheduled cycle and makes sure its one job exists. */
    void start() {
        jobs.register(new JobType(
                JOB,
                1,
                Duration.ofSeconds(60),
                1_000,
                Backoff.exponential(Duration.ofSeconds(1), every, 0.2),
                claim -> {
                    for (String ledger : store.ledgersWithBuffers()) {
                        run(ledger, "schedule", jobs.runnerId());
                    }
                    return new JobOutcome.Deferred(every, connection -> true);
                }));
        Transactions.run(store.dataSource(), "could not schedule treasury cycles", connection -> {
            jobs.enqueue(connection, JOB, JOB_KEY);
            return null;
        });
        jobs.wake();
    }

    /** One buffer's decision. */
    record Decision(
            String buffer,
            long balance,
            long available,
            String status,
            String action,
            Long amount,
            String job,
            String transaction,
            String reason) {}

    /** A cycle as stored. */
    record Cycle(
            String ledger,
            String id,
            String trigger,
            String runner,
            long startedAtMicros,
            long finishedAtMicros,
            List<Decision> decisions) {}

    /** Runs one cycle of the ledger now; answers it as stored. */
    Cycle run(String ledger, String trigger, String runner) {
        long nanos = System.nanoTime();
        Cycle cycle = Transactions.run(store.dataSource(), "could not run the cycle", connection -> {
            try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "treasury.cycle:" + ledger);
                lock.execute();
            }
            // Its time starts once it holds the ledger's cycle lock: two cycles' spans never overlap.
            long started = System.currentTimeMillis() * 1000;
            String id = "cyc_" + Long.toString(started, 36) + Long.toString(RANDOM.nextLong() >>> 1, 36);
            List<Decision> decisions = decide(connection, ledger, id);
            Cycle made = new Cycle(ledger, id, trigger, runner, started, System.currentTimeMillis() * 1000, decisions);
            insert(connection, made);
            return made;
        });
        jobs.wake();
        Timer.builder("pacioli_treasury_cycle_seconds")
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - nanos));
        return cycle;
    }

    private List<Decision> decide(Connection connection, String ledger, String cycleId) throws SQLException {
        List<Buffer> buffers = buffersOf(connection, ledger);
        Map<String, Conversion> inFlight = TreasuryStore.inFlight(connection, ledger);
        Set<String> ids = new HashSet<>();
        buffers.forEach(b -> {
            ids.add(b.account());
            ids.add(b.topUpFrom());
            ids.add(b.sweepTo());
        });
        Map<String, TreasuryStore.AccountView> accounts = TreasuryStore.accounts(connection, ledger, ids);
        List<Decision> decisions = new ArrayList<>(buffers.size());
        TopUpSizing sizing = new TopUpSizing(providers, ledger);
        for (Buffer buffer : buffers) {
            Decision decision = decide(
                    connection, buffer, accounts, inFlight.get(buffer.account()), cycleId, decisions.size(), sizing);
            decisions.add(decision);
            observe(buffer, decision);
        }
        try (PreparedStatement update =
                connection.prepareStatement("update treasury_buffers set last_cycle = ? where ledger = ?")) {
            update.setString(1, cycleId);
            update.setString(2, ledger);
            update.executeUpdate();
        }
        return decisions;
    }

    /** Every buffer of the ledger, in one query. */
    private static List<Buffer> buffersOf(Connection connection, String ledger) throws SQLException {
        return TreasuryStore.buffers(connection, ledger);
    }

    /** What a cycle saw of one buffer; its decisions are made from it. */
    private record Seen(Buffer buffer, long balance, long available, String status, int position) {
        Decision decision(String action, Long amount, String job, String transaction, String reason) {
            return new Decision(buffer.account(), balance, available, status, action, amount, job, transaction, reason);
        }

        Seen converting() {
            return new Seen(buffer, balance, available, "converting", position);
        }
    }

    private Decision decide(
            Connection connection,
            Buffer buffer,
            Map<String, TreasuryStore.AccountView> accounts,
            Conversion job,
            String cycleId,
            int position,
            TopUpSizing sizing)
            throws SQLException {
        TreasuryStore.AccountView view = accounts.get(buffer.account());
        if (view == null) {
            return new Seen(buffer, 0, 0, "ok", position)
                    .decision("none", null, null, null, "the buffer's account does not exist");
        }
        long available = view.available();
        Seen seen = new Seen(buffer, view.balance(), available, buffer.status(available), position);
        if (job != null) {
            return seen.converting()
                    .decision(
                            "none",
                            null,
                            job.id(),
                            null,
                            "a job is in flight (" + job.id() + ", "
                                    + job.status().code() + "): its money is on its way");
        }
        boolean low = available < buffer.min();
        if (!low && available <= buffer.max()) {
            return seen.decision(
                    "none",
                    null,
                    null,
                    null,
                    "available " + available + " is within [" + buffer.min() + ", " + buffer.max() + "]");
        }
        long amount = low ? buffer.target() - available : available - buffer.target();
        String from = low ? buffer.topUpFrom() : buffer.account();
        String to = low ? buffer.account() : buffer.sweepTo();
        TreasuryStore.AccountView source = accounts.get(from);
        TreasuryStore.AccountView target = accounts.get(to);
        String why = low
                ? "available " + available + " is below min " + buffer.min() + ": up to target " + buffer.target()
                : "available " + available + " is above max " + buffer.max() + ": down to target " + buffer.target();
        if (source == null || target == null) {
            return seen.decision("none", null, null, null, why + ", but an account is missing");
        }
        if (low && !source.asset().equals(target.asset())) {
            // The shortfall is in the buffer's asset; the conversion converts the source's.
            TopUpSizing.Estimate estimate = sizing.estimate(
                    connection,
                    providers.ordered(buffer.providers(), source.asset(), target.asset()),
                    source.asset(),
                    target.asset());
            long shortfall = amount;
            amount = estimate.sourceAmount(shortfall);
            why += ": " + shortfall + " " + target.asset() + " is " + amount + " " + source.asset() + " at "
                    + estimate.basis();
        }
        if (source.available() < amount) {
            return seen.decision(
                    "none",
                    amount,
                    null,
                    null,
                    why + ", but " + from + " has only " + source.available() + " available");
        }
        return move(connection, seen, source, target, amount, cycleId, low, why);
    }

    /** The move a decision makes: a posted transfer (one asset) or a new conversion (two). */
    private Decision move(
            Connection connection,
            Seen seen,
            TreasuryStore.AccountView source,
            TreasuryStore.AccountView target,
            long amount,
            String cycleId,
            boolean low,
            String why)
            throws SQLException {
        Buffer buffer = seen.buffer();
        String action = low ? "top_up" : "sweep";
        if (source.asset().equals(target.asset())) {
            String transaction =
                    transfer(buffer, source, target, amount, cycleId + "." + action + "." + seen.position(), action);
            return seen.decision(
                    low ? "transfer" : "sweep", amount, null, transaction, why + " (same asset: a transfer)");
        }
        String conversionId = cycleId + "." + action + "." + seen.position();
        Conversion conversion = new Conversion(
                buffer.ledger(),
                conversionId,
                buffer.account(),
                cycleId,
                action,
                source.id(),
                target.id(),
                source.asset(),
                target.asset(),
                amount,
                null,
                null,
                providers.ordered(buffer.providers(), source.asset(), target.asset()),
                List.of(),
                null,
                null,
                ConversionStatus.PENDING,
                null,
                null,
                buffer.conversionTimeoutSeconds(),
                null,
                ConversionWorker.SYSTEM,
                0,
                0);
        if (!store.insert(connection, conversion, why)) {
            return seen.converting()
                    .decision("none", null, null, null, why + ", but a job for this buffer is already in flight");
        }
        return seen.decision(
                low ? "conversion" : "sweep",
                amount,
                conversionId,
                null,
                why + " (" + source.asset() + " to " + target.asset() + ": a conversion)");
    }

    /** A same-asset move, posted at once: nothing stays in flight. */
    private String transfer(
            Buffer buffer,
            TreasuryStore.AccountView from,
            TreasuryStore.AccountView to,
            long amount,
            String step,
            String action) {
        String id = "treasury:" + step;
        Posting posting = to.debitNormal()
                ? new Posting(to.id(), from.id(), amount, to.asset())
                : new Posting(from.id(), to.id(), amount, to.asset());
        TransactionResult result = Engines.await(ledgers.submit(
                buffer.ledger(),
                new TransactionSpec(
                        id,
                        List.of(posting),
                        false,
                        null,
                        Metadata.of("treasury_step", step, "buffer", buffer.account()),
                        "treasury " + action)));
        return result.code().succeeded() ? id : null;
    }

    /** The buffer's gauge and its low-balance alerts, as this cycle saw it. */
    private void observe(Buffer buffer, Decision decision) {
        balances.computeIfAbsent(
                        buffer.ledger() + "/" + buffer.account(),
                        key -> registry.gauge(
                                "pacioli_treasury_buffer_balance",
                                io.micrometer.core.instrument.Tags.of(
                                        "account", buffer.account(), "ledger", buffer.ledger()),
                                new AtomicLong()))
                .set(decision.balance());
        String key = "treasury.buffer:" + buffer.ledger() + ":" + buffer.account();
        long available = decision.available();
        String level = buffer.critical() != null && available < buffer.critical()
                ? "critical"
                : available < buffer.min() ? "min" : "ok";
        // Alerts are told only of a change this instance has not told them yet (a steady cycle over
        // 10,000 buffers must not be 20,000 resolves); the first sight of a buffer tells them once.
        if (level.equals("ok") && level.equals(alerted.put(key, level))) {
            return;
        }
        alerted.put(key, level);
        if (buffer.critical() != null && available < buffer.critical()) {
            alerts.raise(new Alerts.Raise(
                    Severity.CRITICAL,
                    "treasury.buffer",
                    key + ":critical",
                    "buffer " + buffer.account() + " is below critical",
                    decision.reason(),
                    "account:" + buffer.account()));
        } else {
            alerts.resolve(key + ":critical");
        }
        if (available < buffer.min()) {
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    "treasury.buffer",
                    key + ":min",
                    "buffer " + buffer.account() + " is below min",
                    decision.reason(),
                    "account:" + buffer.account()));
        } else {
            alerts.resolve(key + ":min");
        }
    }

    private static void insert(Connection connection, Cycle cycle) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into treasury_cycles (ledger, id, trigger, runner, started_at, finished_at, decisions)
                values (?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
            insert.setString(1, cycle.ledger());
            insert.setString(2, cycle.id());
            insert.setString(3, cycle.trigger());
            insert.setString(4, cycle.runner());
            // Exact microseconds (a double of seconds since the epoch cannot hold all of them).
            insert.setObject(5, Timestamps.offsetDateTime(cycle.startedAtMicros()));
            insert.setObject(6, Timestamps.offsetDateTime(cycle.finishedAtMicros()));
            insert.setString(7, new String(TreasuryJson.decisions(cycle.decisions()), StandardCharsets.UTF_8));
            insert.executeUpdate();
        }
    }
}
