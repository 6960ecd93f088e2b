package dev.pacioli.ledger;

/**
 * Every outcome the engine answers with. Business outcomes are values, never exceptions.
 *
 * <p>The failures a new transaction can meet are checked in declaration order, from
 * {@link #TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS} to {@link #LIMIT_EXCEEDED}: when two apply, the
 * earlier one is answered. That order is the precedence API.md promises; a limit comes last, so any
 * other refusal wins over it.
 */
public enum ResultCode {
    /** A new account or transaction was committed. */
    CREATED,
    /** The identical request was already committed; the answer carries the original. */
    EXISTS,
    /** A post, void, reversal or close took effect, or had already taken the same effect. */
    OK,

    ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS,
    ASSET_NOT_FOUND,

    TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS,
    ACCOUNT_NOT_FOUND,
    ACCOUNT_CLOSED,
    ASSET_MISMATCH,
    SAME_ACCOUNT,
    INSUFFICIENT_FUNDS,
    EXCEEDS_MAX_BALANCE,
    BALANCE_OVERFLOW,
    /** A limit in force would be broken; the result carries which ({@link LimitBreach}). */
    LIMIT_EXCEEDED,
    /** Atomic batch: this item was valid, but another item of the batch failed. */
    LINKED_TRANSACTION_FAILED,

    TRANSACTION_NOT_FOUND,
    TRANSACTION_NOT_PENDING,
    PENDING_ALREADY_POSTED,
    PENDING_ALREADY_VOIDED,
    PENDING_EXPIRED,
    /** Partial post of more than the pending amount. */
    POST_AMOUNT_EXCEEDS_PENDING,
    /** Partial post of a transaction with more than one posting. */
    PARTIAL_POST_REQUIRES_SINGLE_POSTING,

    TRANSACTION_NOT_POSTED,
    TRANSACTION_ALREADY_REVERSED,

    ACCOUNT_NOT_EMPTY,

    /** No limit with this id is in force. */
    LIMIT_NOT_FOUND,
    /** The limit's accounts or asset do not cover the account asked about. */
    LIMIT_NOT_APPLICABLE,
    /** A new limit beyond {@link Limits#LIMITS_PER_LEDGER_MAX}. */
    TOO_MANY_LIMITS,

    /** The service has no ledger by that name (asked through {@link LedgerPort}). */
    LEDGER_NOT_FOUND,

    /**
     * The database refused a value of this request (a check the request's validation should have made
     * and did not): nothing of it was stored, and the other requests of its batch committed without it.
     */
    STORAGE_REJECTED,

    /** The writer's queue is full; nothing was done. Safe to retry. */
    OVERLOADED,
    /** The commit failed or its outcome is unknown; retry with the same id to learn which. */
    STORAGE_UNAVAILABLE,
    /** The writer is stopped (shut down, lost its lock, or hit a bug). */
    WRITER_STOPPED;

    /** The stable wire name, as in API.md: {@code insufficient_funds}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean succeeded() {
        return this == CREATED || this == EXISTS || this == OK;
    }
}
