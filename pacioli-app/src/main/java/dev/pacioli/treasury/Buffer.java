package dev.pacioli.treasury;

import java.util.List;

/**
 * An operating balance kept between bounds (treasury.md, Buffers). {@code min ≤ target ≤ max};
 * {@code critical} below {@code min} when given.
 */
public record Buffer(
        String ledger,
        String account,
        String asset,
        long min,
        long target,
        long max,
        Long critical,
        String topUpFrom,
        String sweepTo,
        List<String> providers,
        int conversionTimeoutSeconds,
        String lastCycle,
        long createdAtMicros,
        long updatedAtMicros) {
    public Buffer {
        providers = List.copyOf(providers);
        if (!(min <= target && target <= max)) {
            throw new IllegalArgumentException("a buffer needs min <= target <= max");
        }
    }

    /** The status the numbers give, before a job in flight says {@code converting}. */
    public String status(long available) {
        if (critical != null && available < critical) {
            return "below_critical";
        }
        if (available < min) {
            return "below_min";
        }
        return available > max ? "above_max" : "ok";
    }
}
