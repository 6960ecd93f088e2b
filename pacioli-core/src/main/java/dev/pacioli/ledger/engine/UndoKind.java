package dev.pacioli.ledger.engine;

/** What one entry of the {@link UndoLog} undoes. */
enum UndoKind {
    /** {@code accounts} has the account's place in {@code touched}, the values its numbers and status. */
    ACCOUNT_VALUES,
    /** {@code subject} is the id of an account added to memory. */
    ACCOUNT_ADDED,
    /** {@code subject} is a transaction id, {@code previous} what the table held under it, or null. */
    TRANSACTION_PUT,
    /** {@code subject} is a deadline added to memory. */
    DEADLINE_ADDED,
    /** {@code subject} is a deadline removed from memory. */
    DEADLINE_REMOVED
}
