package dev.pacioli.ledger;

/**
 * Rows a caller asks to be committed in the same database transaction as its request's effect, and
 * only if the request takes effect: a forced reversal's audit record, say. The engine carries them,
 * opaque, from the request to {@link BatchWrite#attachments()}; the store knows their type and writes
 * them (PostgreSQL: {@code PostgresLedgerStore.CommitRows}). The core knows nothing of what they hold.
 */
public interface CommitAttachment {}
