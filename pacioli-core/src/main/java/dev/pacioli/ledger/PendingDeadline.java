package dev.pacioli.ledger;

/** A pending transaction that expires at {@code expiresAtMicros} unless posted or voided first. */
public record PendingDeadline(long expiresAtMicros, String transactionId) {}
