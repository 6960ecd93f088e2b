package dev.pacioli.ledger;

/**
 * Why an account's balances changed. {@code debit} and {@code credit} of an entry are the amounts that
 * moved on this account: onto the posted side for {@link #POSTED} and {@link #POST}, onto the pending
 * side for {@link #PENDING}, and off the pending side for {@link #VOID} and {@link #EXPIRE}.
 */
public enum EntryKind {
    POSTED(0),
    PENDING(1),
    POST(2),
    VOID(3),
    EXPIRE(4);

    /** Stored in the database: never renumber, never reuse. */
    public final int code;

    EntryKind(int code) {
        this.code = code;
    }

    public static EntryKind ofCode(int code) {
        return PersistedCode.of(values(), value -> value.code, code);
    }
}
