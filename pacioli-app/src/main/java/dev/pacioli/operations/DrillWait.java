package dev.pacioli.operations;

import java.time.Duration;

/** Waiting for a condition in a drill, bounded: every wait of a drill has its maximum. */
final class DrillWait {
    private static final long POLL_MILLIS = 100;

    private DrillWait() {}

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Whether {@code condition} came to hold within {@code max}. */
    static boolean within(Duration max, Condition condition) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (condition.holds()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** As {@link #within}, throwing (the drill fails, saying what it waited for) when it did not. */
    static void until(String what, Duration max, Condition condition) throws Exception {
        if (!within(max, condition)) {
            throw new IllegalStateException("waited " + max.toSeconds() + " s in vain for " + what);
        }
    }
}
