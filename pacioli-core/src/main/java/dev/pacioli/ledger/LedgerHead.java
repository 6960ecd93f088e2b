package dev.pacioli.ledger;

/**
 * Where a ledger's journal stands: its last sequence, the hash of its last record, and the timestamp
 * of its last record. A ledger with no records has sequence 0 and the genesis hash.
 */
public record LedgerHead(long sequence, byte[] hash, long timestampMicros) {}
