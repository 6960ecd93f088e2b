package dev.pacioli.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives {@link BaselineLedger} with {@link #WORKERS} concurrent workers, each on its own connection,
 * one transfer (one database transaction, two for pending) at a time — how such a ledger is run
 * behind a thread-per-request service.
 */
final class BaselineRun {
    static final int WORKERS = 16;

    private final BaselineLedger ledger;
    private final AccountIds accounts;
    private final Workload workload;
    private final Zipf zipf;
    private final RunWindow window;
    private final int workers;
    private final Tally rejected = new Tally();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    BaselineRun(
            BaselineLedger ledger, AccountIds accounts, Workload workload, Zipf zipf, RunWindow window, int workers) {
        this.ledger = ledger;
        this.accounts = accounts;
        this.workload = workload;
        this.zipf = zipf;
        this.window = window;
        this.workers = workers;
    }

    Map<String, Long> run() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().name("baseline-worker-" + w).start(() -> work(worker)));
        }
        window.run();
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a baseline worker failed", failure.get());
        }
        return rejected.snapshot();
    }

    private void work(int worker) {
        Workload.Generator generator = workload.generator(accounts, zipf, 7919L * worker + workload.ordinal());
        try (BaselineLedger.Session session = ledger.session()) {
            while (!window.stopped()) {
                Transfer transfer = generator.next();
                long id = ids.incrementAndGet();
                BaselineLedger.Outcome outcome = session.transfer(id, transfer, transfer.pending());
                if (outcome != BaselineLedger.Outcome.COMMITTED) {
                    rejected.add(outcome.name());
                    continue;
                }
                if (transfer.pending()) {
                    session.post(id, transfer);
                }
                window.acknowledge(1);
            }
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }
}
