package dev.pacioli.ledger;

/** Which side increases an account's balance. */
public enum NormalBalance {
    /** Assets and expenses: balance = debits − credits. */
    DEBIT(0),
    /** Liabilities, equity, revenue, user wallets: balance = credits − debits. */
    CREDIT(1);

    /** Stored in the database and in the hash-chained journal's canonical bytes: never renumber, never reuse. */
    public final int code;

    NormalBalance(int code) {
        this.code = code;
    }

    public static NormalBalance ofCode(int code) {
        return PersistedCode.of(values(), value -> value.code, code);
    }
}
