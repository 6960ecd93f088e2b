package dev.pacioli.ledger;

/** Which side of an account's entries a limit counts: its debits or its credits. Stored by its code. */
public enum LimitDirection {
    DEBIT(0),
    CREDIT(1);

    private final int code;

    LimitDirection(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The wire name: {@code debit} or {@code credit}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static LimitDirection ofCode(int code) {
        return PersistedCode.of(values(), LimitDirection::code, code);
    }
}
