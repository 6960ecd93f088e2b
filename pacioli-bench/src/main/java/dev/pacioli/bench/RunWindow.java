package dev.pacioli.bench;

import java.util.concurrent.atomic.LongAdder;

/**
 * The time bound of one run: a warm-up, then a measured window, then stop. Load generators count
 * acknowledged transfers into {@link #acknowledged}; the window reads the counter at its two edges,
 * so throughput covers only the measured seconds while the checks see every transfer.
 */
final class RunWindow {
    final LongAdder acknowledged = new LongAdder();
    private final long warmupMillis;
    private final long measureMillis;
    private volatile boolean measuring;
    private volatile boolean stopped;
    private long atStart;
    private long atEnd;
    private long measuredNanos;

    RunWindow(double warmupSeconds, double measureSeconds) {
        this.warmupMillis = Math.round(warmupSeconds * 1000);
        this.measureMillis = Math.round(measureSeconds * 1000);
    }

    /** Blocks the calling thread for the whole run; generators watch {@link #stopped()}. */
    void run() throws InterruptedException {
        Thread.sleep(warmupMillis);
        long started = System.nanoTime();
        atStart = acknowledged.sum();
        measuring = true;
        Thread.sleep(measureMillis);
        measuring = false;
        atEnd = acknowledged.sum();
        measuredNanos = System.nanoTime() - started;
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    /** True inside the measured window: latencies are recorded only then. */
    boolean measuring() {
        return measuring;
    }

    double perSecond() {
        return (atEnd - atStart) / (measuredNanos / 1e9);
    }
}
