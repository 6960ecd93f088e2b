package dev.pacioli.bench;

import dev.pacioli.ledger.engine.EngineObserver;
import dev.pacioli.postgres.PostgresLedgerStore;
import dev.pacioli.postgres.PostgresLedgerStore.CommitStep;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer's own account of its batches (through the engine's observer port): how many, how large,
 * and how the time splits between execute and commit — and, from the store, how the commit's time
 * splits between its statements. It tells where a run's time went.
 */
final class BatchStats implements EngineObserver {
    private final PostgresLedgerStore store;
    private final long[] stepsBefore;
    private final long[] commitsBefore;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong executeNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();

    BatchStats(PostgresLedgerStore store) {
        this.store = store;
        this.stepsBefore = store.commitStepNanos();
        this.commitsBefore = store.commitsAndRecords();
    }

    @Override
    public void batchCommitted(int operations, long executeNanos, long commitNanos) {
        batches.incrementAndGet();
        this.operations.addAndGet(operations);
        this.executeNanos.addAndGet(executeNanos);
        this.commitNanos.addAndGet(commitNanos);
    }

    /** Engine mode: the batches, and the commit's time per batch by statement. */
    String summary() {
        long count = Math.max(1, batches.get());
        return String.format(
                Locale.ROOT,
                "%d batches, %.0f operations/batch, execute %.1f ms/batch, commit %.1f ms/batch (%s)",
                batches.get(),
                (double) operations.get() / count,
                executeNanos.get() / 1e6 / count,
                commitNanos.get() / 1e6 / count,
                steps(count));
    }

    /**
     * HTTP modes, where the service's own observer sees the batches: the store's commits per second and
     * their size, and the time it spent in them, summed over the two that can overlap, in milliseconds
     * per second of the run, by statement.
     */
    String commitDuty(double seconds) {
        long[] stepsAfter = store.commitStepNanos();
        long total = 0;
        for (int i = 0; i < stepsAfter.length; i++) {
            total += stepsAfter[i] - stepsBefore[i];
        }
        long[] commitsAfter = store.commitsAndRecords();
        long commits = commitsAfter[0] - commitsBefore[0];
        return String.format(
                Locale.ROOT,
                "%.0f commits per second of %.0f journal records each, committing %.0f ms per second of run (%s)",
                commits / seconds,
                (double) (commitsAfter[1] - commitsBefore[1]) / Math.max(1, commits),
                total / 1e6 / seconds,
                steps(seconds));
    }

    /** Each commit step's time since this object was made, in milliseconds divided by {@code per}. */
    private String steps(double per) {
        StringBuilder steps = new StringBuilder();
        long[] stepsAfter = store.commitStepNanos();
        for (CommitStep step : CommitStep.values()) {
            double millis = (stepsAfter[step.ordinal()] - stepsBefore[step.ordinal()]) / 1e6 / per;
            if (millis >= 0.05) {
                steps.append(steps.isEmpty() ? "" : ", ")
                        .append(step.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                        .append(String.format(Locale.ROOT, " %.1f", millis));
            }
        }
        return steps.toString();
    }
}
