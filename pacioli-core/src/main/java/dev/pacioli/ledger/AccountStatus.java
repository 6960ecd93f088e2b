package dev.pacioli.ledger;

public enum AccountStatus {
    OPEN(0),
    CLOSED(1);

    /** Stored in the database: never renumber, never reuse. */
    public final int code;

    AccountStatus(int code) {
        this.code = code;
    }

    public static AccountStatus ofCode(int code) {
        return PersistedCode.of(values(), value -> value.code, code);
    }
}
