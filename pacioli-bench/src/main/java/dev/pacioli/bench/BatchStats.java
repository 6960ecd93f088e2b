package dev.pacioli.bench;

import dev.pacioli.ledger.engine.EngineObserver;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer's own account of its batches (through the engine's observer port): how many, how large,
 * and how the time splits between execute and commit. It tells where a run's time went.
 */
final class BatchStats implements EngineObserver {
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong executeNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();

    @Override
    public void batchCommitted(int operations, long executeNanos, long commitNanos) {
        batches.incrementAndGet();
        this.operations.addAndGet(operations);
        this.executeNanos.addAndGet(executeNanos);
        this.commitNanos.addAndGet(commitNanos);
    }

    String summary() {
        long count = Math.max(1, batches.get());
        return String.format(
                Locale.ROOT,
                "%d batches, %.0f operations/batch, execute %.1f ms/batch, commit %.1f ms/batch",
                batches.get(),
                (double) operations.get() / count,
                executeNanos.get() / 1e6 / count,
                commitNanos.get() / 1e6 / count);
    }
}
