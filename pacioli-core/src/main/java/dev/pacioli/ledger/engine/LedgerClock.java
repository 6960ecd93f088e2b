package dev.pacioli.ledger.engine;

/**
 * The engine's source of time, in microseconds since the epoch. Injected so tests can move time (to
 * expire pending transactions) and so the core never reads a wall clock itself. The engine never lets
 * its own timestamps go backwards, whatever this returns.
 */
@FunctionalInterface
public interface LedgerClock {
    long nowMicros();

    LedgerClock SYSTEM = () -> {
        java.time.Instant now = java.time.Instant.now();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    };
}
