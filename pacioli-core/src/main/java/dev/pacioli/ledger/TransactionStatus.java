package dev.pacioli.ledger;

public enum TransactionStatus {
    PENDING(0),
    POSTED(1),
    VOIDED(2),
    EXPIRED(3);

    /** Stored in the database: never renumber, never reuse. */
    public final int code;

    TransactionStatus(int code) {
        this.code = code;
    }

    public static TransactionStatus ofCode(int code) {
        return PersistedCode.of(values(), value -> value.code, code);
    }
}
