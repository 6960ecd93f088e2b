package dev.pacioli.ledger;

/** A tenant: its own accounts, transactions, sequence and hash chain. */
public record Ledger(long id, String name, Metadata metadata, long createdAtMicros) {}
