package dev.pacioli.ledger;

/**
 * What one account has used of one limit's window, as the writer counts it. Without a window the used
 * figures are 0 and the window's fields null; {@code remainingAmount} / {@code remainingCount} are null
 * when the limit has no such bound (never below 0).
 */
public record LimitUsage(
        long usedAmount,
        long usedCount,
        Long remainingAmount,
        Long remainingCount,
        Long windowSeconds,
        long asOfMicros) {}
