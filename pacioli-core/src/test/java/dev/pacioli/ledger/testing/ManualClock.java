package dev.pacioli.ledger.testing;

import dev.pacioli.ledger.engine.LedgerClock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test moves it, so pending transactions expire exactly when the test
 * says. Read by the writer thread, moved by the test thread: the value is atomic.
 */
public final class ManualClock implements LedgerClock {
    /** 2024-01-01T00:00:00Z: a fixed start, so timestamps are the same on every run. */
    public static final long START_MICROS = 1_704_067_200_000_000L;

    private final AtomicLong nowMicros;

    public ManualClock() {
        this(START_MICROS);
    }

    public ManualClock(long startMicros) {
        this.nowMicros = new AtomicLong(startMicros);
    }

    @Override
    public long nowMicros() {
        return nowMicros.get();
    }

    public void advanceSeconds(long seconds) {
        advanceMicros(Math.multiplyExact(seconds, 1_000_000L));
    }

    public void advanceMicros(long micros) {
        nowMicros.addAndGet(micros);
    }

    /** Sets the time, backwards too: the engine must never let its own timestamps go back. */
    public void setMicros(long micros) {
        nowMicros.set(micros);
    }
}
