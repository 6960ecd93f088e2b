package dev.pacioli.ledger;

/** Which side increases an account's balance. */
public enum NormalBalance {
    /** Assets and expenses: balance = debits − credits. */
    DEBIT,
    /** Liabilities, equity, revenue, user wallets: balance = credits − debits. */
    CREDIT
}
