package dev.pacioli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time bound of one run: a warm-up, then a measured window, then stop. Load generators report
 * acknowledged transfers through {@link #acknowledge}; the checks see every transfer, throughput only
 * the measured window.
 *
 * <p>Acknowledgements arrive in lumps: a writer batch answers thousands of transfers in the same
 * millisecond, about once a second when commits are slow. Counting at the window's edges would then
 * be off by up to a whole batch. So the window keeps each acknowledgement's time, groups those closer
 * than {@link #LUMP_GAP_NANOS}, and divides the transfers of every group after the first by the time
 * from the first group to the last. A steady stream of small answers (one lump, or none apart) falls
 * back to counting at the edges, which is exact for it.
 */
final class RunWindow {
    private static final long LUMP_GAP_NANOS = 5_000_000;

    private final AtomicLong acknowledged = new AtomicLong();
    private final long warmupMillis;
    private final long measureMillis;
    private final List<long[]> events = new ArrayList<>();
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
        run(() -> {}, () -> {});
    }

    /**
     * As {@link #run()}, calling {@code atStart} just as the measured window opens and {@code atEnd}
     * just as it closes (before the generators are told to stop): for what else a run samples there.
     */
    void run(Runnable onStart, Runnable onEnd) throws InterruptedException {
        Thread.sleep(warmupMillis);
        onStart.run();
        long started = System.nanoTime();
        atStart = acknowledged.get();
        measuring = true;
        Thread.sleep(measureMillis);
        measuring = false;
        atEnd = acknowledged.get();
        onEnd.run();
        measuredNanos = System.nanoTime() - started;
        stopped = true;
    }

    void acknowledge(long transfers) {
        acknowledged.addAndGet(transfers);
        if (measuring && transfers > 0) {
            long now = System.nanoTime();
            synchronized (events) {
                events.add(new long[] {now, transfers});
            }
        }
    }

    /** Every transfer acknowledged, warm-up and drain included: what the checks compare. */
    long acknowledged() {
        return acknowledged.get();
    }

    boolean stopped() {
        return stopped;
    }

    /** True inside the measured window: latencies are recorded only then. */
    boolean measuring() {
        return measuring;
    }

    double perSecond() {
        List<long[]> sorted;
        synchronized (events) {
            sorted = new ArrayList<>(events);
        }
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> lumps = new ArrayList<>(); // {end time, transfers}
        for (long[] event : sorted) {
            long[] last = lumps.isEmpty() ? null : lumps.get(lumps.size() - 1);
            if (last != null && event[0] - last[0] < LUMP_GAP_NANOS) {
                last[0] = event[0];
                last[1] += event[1];
            } else {
                lumps.add(new long[] {event[0], event[1]});
            }
        }
        if (lumps.size() < 3) {
            return (atEnd - atStart) / (measuredNanos / 1e9);
        }
        long transfers = 0;
        for (int i = 1; i < lumps.size(); i++) {
            transfers += lumps.get(i)[1];
        }
        long nanos = lumps.get(lumps.size() - 1)[0] - lumps.get(0)[0];
        return transfers / (nanos / 1e9);
    }
}
