package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitSpec;

/**
 * A limit in force as the writer checks it: its bounds as primitives, -1 for a bound that is absent,
 * and its window in microseconds (0 without one).
 */
final class LimitRule {
    final Limit limit;
    final String id;
    /** {@link LimitDirection#code()}: 0 debits, 1 credits; also the index of the account's window. */
    final int side;

    final long perTransaction;
    final long windowMicros;
    final long amountPerWindow;
    final long countPerWindow;

    LimitRule(Limit limit) {
        LimitSpec spec = limit.spec();
        this.limit = limit;
        this.id = spec.id();
        this.side = spec.direction().code();
        this.perTransaction = orNone(spec.maxAmountPerTransaction());
        this.windowMicros = spec.windowSeconds() == null ? 0 : spec.windowSeconds() * 1_000_000L;
        this.amountPerWindow = orNone(spec.maxAmountPerWindow());
        this.countPerWindow = orNone(spec.maxCountPerWindow());
    }

    private static long orNone(Long bound) {
        return bound == null ? -1 : bound;
    }

    boolean covers(String accountId, String asset) {
        return limit.spec().asset().equals(asset) && limit.spec().covers(accountId);
    }

    /** Whether moving {@code amount} more breaks it, with {@code used} and {@code count} in its window. */
    boolean breaks(long amount, long used, long count) {
        return (perTransaction >= 0 && amount > perTransaction)
                || (amountPerWindow >= 0 && amount > amountPerWindow - used)
                || (countPerWindow >= 0 && count >= countPerWindow);
    }

    /** The most one transaction may still move under this limit, given its window's use. */
    long remaining(long used, long count) {
        if (countPerWindow >= 0 && count >= countPerWindow) {
            return 0;
        }
        long remaining = perTransaction >= 0 ? perTransaction : Long.MAX_VALUE;
        if (amountPerWindow >= 0) {
            remaining = Math.min(remaining, Math.max(0, amountPerWindow - used));
        }
        return remaining;
    }
}
