package dev.pacioli.platform;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a bound, never on time alone: the one poll loop of the tests. */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Returns once {@code condition} holds; fails naming {@code what} when {@code max} passes first. */
    public static void until(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + max + " for: " + what);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
