package dev.pacioli.custody;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The chain monitor: one scheduled job ({@value #JOB}, so one instance runs it at a time) every
 * {@link ChainSettings#monitorEvery}. Each run, for every address with transactions signed and not final:
 * <ul>
 *   <li>nonce repair, for addresses the worker found the node disagreeing on and, once per process,
 *       for every address ({@link NonceRepair});
 *   <li>a broadcast transaction the node no longer knows (dropped from its pool) is broadcast again,
 *       the same bytes;
 *   <li>one unmined past {@link ChainSettings#pendingAfter} raises an alert and is replaced (same nonce,
 *       both fees +12.5 % or more) up to {@link ChainSettings#replacementsMax} times; signing passes
 *       the controls' gate like any other.
 * </ul>
 * Then for every chain, the base fee against its rolling baseline (the median of the last
 * {@value #BASELINE_SAMPLES} samples): above twice it raises {@code custody.gas_spike}. Then the
 * wallets' balance monitors.
 */
final class ChainMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(ChainMonitor.class);
    static final String JOB = "custody.chain_monitor";
    static final int BASELINE_SAMPLES = 20;
    static final int BASELINE_SAMPLES_MIN = 3;

    private final ChainStore store;
    private final ChainSigner signer;
    private final ChainNodes nodes;
    private final ChainWorker worker;
    private final NonceRepair repair;
    private final WalletMonitors monitors;
    private final SubmissionGate gate;
    private final Alerts alerts;
    private final Jobs jobs;
    private final ChainSettings settings;
    private final Counter replacements;
    private final Counter runs;
    private final Map<String, Deque<BigInteger>> baseFees = new ConcurrentHashMap<>();
    private final Set<String> repairsDue = ConcurrentHashMap.newKeySet();
    private volatile boolean repairedAtStart;

    ChainMonitor(
            ChainStore store,
            ChainSigner signer,
            ChainNodes nodes,
            ChainWorker worker,
            NonceRepair repair,
            WalletMonitors monitors,
            SubmissionGate gate,
            Alerts alerts,
            Jobs jobs,
            MeterRegistry registry,
            ChainSettings settings) {
        this.store = store;
        this.signer = signer;
        this.nodes = nodes;
        this.worker = worker;
        this.repair = repair;
        this.monitors = monitors;
        this.gate = gate;
        this.alerts = alerts;
        this.jobs = jobs;
        this.settings = settings;
        this.replacements = Counter.builder("pacioli_custody_replacements_total")
                .description("Chain transactions replaced with raised fees")
                .register(registry);
        this.runs = Counter.builder("pacioli_custody_monitor_runs_total")
                .description("Runs of the chain monitor in this process")
                .register(registry);
        Gauge.builder("pacioli_custody_pending_transactions", store, ChainStore::pendingCount)
                .description("Chain transactions queued, signed or broadcast, not final")
                .register(registry);
        Gauge.builder("pacioli_custody_nonce_gaps", repair, NonceRepair::gaps)
                .description("Nonces below an address's next one that no live transaction holds (0 when healthy)")
                .register(registry);
    }

    /** The node disagreed on an address's nonces: repaired at the next run. */
    void repairSoon(String chain, String address) {
        repairsDue.add(chain + "|" + address);
    }

    /** Registers the monitor's job and makes it due now (so a start repairs at once). */
    void start() {
        jobs.register(new JobType(
                JOB,
                1,
                Duration.ofSeconds(60),
                1_000,
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2),
                claim -> {
                    runOnce();
                    return new JobOutcome.Deferred(settings.monitorEvery(), connection -> true);
                }));
        Transactions.run(store.dataSource(), "could not schedule the chain monitor", connection -> {
            jobs.enqueue(connection, JOB, "monitor");
            jobs.wake(connection, JOB, List.of("monitor"));
            return null;
        });
        jobs.wake();
    }

    /** One pass: repairs, transactions, gas, balances, gaps. Each part alone fails alone. */
    void runOnce() {
        repairs();
        Map<String, List<ChainTransaction>> byAddress = new LinkedHashMap<>();
        for (ChainTransaction transaction : store.unfinished()) {
            byAddress
                    .computeIfAbsent(transaction.chain() + "|" + transaction.address(), key -> new ArrayList<>())
                    .add(transaction);
        }
        for (List<ChainTransaction> sent : byAddress.values()) {
            try {
                watch(sent);
            } catch (ChainNodes.Unreachable | RuntimeException e) {
                LOG.warn(
                        "chain transactions of {} not watched this time: {}",
                        sent.getFirst().address(),
                        e.getMessage());
            }
        }
        for (String chain : repair.chains()) {
            try {
                gas(chain);
            } catch (ChainNodes.Unreachable | RuntimeException e) {
                LOG.debug("no base fee of {}: {}", chain, e.getMessage());
            }
        }
        monitors.evaluate();
        runs.increment();
    }

    private void repairs() {
        List<String> due = new ArrayList<>(repairsDue);
        if (!repairedAtStart) {
            due.addAll(repair.addresses());
        }
        boolean all = true;
        for (String key : due) {
            int bar = key.indexOf('|');
            try {
                repair.repair(key.substring(0, bar), key.substring(bar + 1));
                repairsDue.remove(key);
            } catch (ChainNodes.Unreachable | RuntimeException e) {
                all = false;
                LOG.warn("nonces of {} not repaired this time: {}", key, e.getMessage());
            }
        }
        repairedAtStart = repairedAtStart || all;
    }

    /** One address's unfinished transactions, by nonce: dropped ones again, stuck ones replaced. */
    private void watch(List<ChainTransaction> sent) throws ChainNodes.Unreachable {
        ChainTransaction first = sent.getFirst();
        long mined = nodes.transactionCount(first.chain(), first.address(), "latest");
        if (first.nonce() > mined) {
            // Nonces between the chain's count and our lowest unfinished one are neither mined nor
            // ours to send: a gap the node will wait on for ever. Repair fills it.
            repair.repair(first.chain(), first.address());
        }
        long nowMicros = System.currentTimeMillis() * 1_000;
        for (ChainTransaction transaction : sent) {
            if (transaction.status() != ChainStatus.BROADCAST || transaction.nonce() < mined) {
                continue; // being broadcast by its worker, or mined: its worker confirms it
            }
            boolean stuck = transaction.sentAtMicros() != null
                    && nowMicros - transaction.sentAtMicros()
                            >= settings.pendingAfter().toNanos() / 1_000;
            if (stuck) {
                stuck(transaction);
            } else if (nodes.call(transaction.chain(), "eth_getTransactionByHash", transaction.hash())
                    .isNull()) {
                LOG.info("chain transaction {} was dropped from the node's pool: broadcast again", transaction.id());
                rebroadcast(transaction);
            }
        }
    }

    private void rebroadcast(ChainTransaction transaction) throws ChainNodes.Unreachable {
        try {
            nodes.call(transaction.chain(), "eth_sendRawTransaction", Numeric.toHexString(transaction.raw()));
            store.broadcast(transaction.id(), transaction.hash());
        } catch (ChainNodes.RpcError e) {
            LOG.info("rebroadcast of {} refused: {}", transaction.id(), e.getMessage());
        }
    }

    /** Pending too long: an alert, and a replacement with raised fees while the cap allows. */
    private void stuck(ChainTransaction transaction) throws ChainNodes.Unreachable {
        alerts.raise(new Alerts.Raise(
                Severity.WARNING,
                "custody.pending",
                "custody.pending:" + transaction.id(),
                "chain transaction " + transaction.id() + " is pending past "
                        + settings.pendingAfter().toSeconds() + " s",
                "nonce " + transaction.nonce() + " of " + transaction.address() + " on " + transaction.chain()
                        + ", replaced " + transaction.replacements() + " times",
                "custody_transaction:" + transaction.id()));
        if (transaction.replacements() >= settings.replacementsMax()) {
            return;
        }
        long chainId = nodes.chain(transaction.chain()).orElseThrow().settings().chainId();
        ChainSigner.Fees fees = new ChainSigner.Fees(transaction.maxFeePerGas(), transaction.maxPriorityFeePerGas())
                .raised(nodes.market(transaction.chain()));
        Optional<ChainTransaction> replaced;
        try (SubmissionGate.Pass pass = gate.enter()) {
            if (!pass.allowed()) {
                return; // no new signature while dry or stopped
            }
            replaced = signer.signReplacement(transaction, chainId, fees);
        }
        if (replaced.isPresent()) {
            replacements.increment();
            LOG.info(
                    "chain transaction {} replaced (attempt {}): max fee {} wei, priority fee {} wei",
                    transaction.id(),
                    replaced.get().replacements() + 1,
                    fees.maxFeePerGas(),
                    fees.maxPriorityFeePerGas());
            worker.send(replaced.get());
        }
    }

    /** The latest base fee against the rolling baseline: {@code custody.gas_spike} above twice it. */
    private void gas(String chain) throws ChainNodes.Unreachable {
        BigInteger baseFee = nodes.baseFee(chain);
        Deque<BigInteger> samples = baseFees.computeIfAbsent(chain, key -> new ArrayDeque<>());
        BigInteger baseline;
        synchronized (samples) {
            List<BigInteger> sorted = new ArrayList<>(samples);
            sorted.sort(null);
            baseline = sorted.size() < BASELINE_SAMPLES_MIN ? null : sorted.get(sorted.size() / 2);
            samples.addLast(baseFee);
            if (samples.size() > BASELINE_SAMPLES) {
                samples.removeFirst();
            }
        }
        String key = "custody.gas_spike:" + chain;
        if (baseline != null && baseFee.compareTo(baseline.multiply(BigInteger.TWO)) > 0) {
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    "custody.gas_spike",
                    key,
                    "gas spike on " + chain + ": base fee " + baseFee + " wei, baseline " + baseline + " wei",
                    "the base fee is above twice the median of the last " + BASELINE_SAMPLES + " samples",
                    "chain:" + chain));
        } else if (baseline != null) {
            alerts.resolve(key);
        }
    }
}
