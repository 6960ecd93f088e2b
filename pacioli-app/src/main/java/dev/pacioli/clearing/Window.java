package dev.pacioli.clearing;

/**
 * A clearing window: it takes the obligations at positions {@code firstPosition..lastPosition} (the
 * last is null while open). {@code report} and {@code failure} are stored JSON, or null.
 */
public record Window(
        String ledger,
        String id,
        long number,
        WindowStatus status,
        long firstPosition,
        Long lastPosition,
        long openedAtMicros,
        Long closedAtMicros,
        Long settledAtMicros,
        String report,
        String failure,
        String settlementTransaction) {}
