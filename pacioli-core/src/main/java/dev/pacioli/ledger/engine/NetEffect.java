package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Limits;

/**
 * One transaction's net change per account, summed over its postings: what bounds are checked against
 * and what its entries record. Scratch space of the writer thread, cleared and reused for every
 * transaction, never reallocated.
 */
final class NetEffect {
    private static final int ACCOUNTS_MAX = Limits.POSTINGS_PER_TRANSACTION_MAX * 2;

    final AccountState[] accounts = new AccountState[ACCOUNTS_MAX];
    final long[] debits = new long[ACCOUNTS_MAX];
    final long[] credits = new long[ACCOUNTS_MAX];
    final long[] postedDebits = new long[ACCOUNTS_MAX];
    final long[] postedCredits = new long[ACCOUNTS_MAX];
    int count;

    void clear() {
        for (int i = 0; i < count; i++) {
            accounts[i] = null;
        }
        count = 0;
    }

    /** Adds to an account's net change; false when a sum overflows. */
    boolean add(AccountState account, long debit, long credit, long postedDebit, long postedCredit) {
        int index = 0;
        while (index < count && accounts[index] != account) {
            index++;
        }
        if (index == count) {
            Assert.that(count < ACCOUNTS_MAX, "more accounts than postings allow");
            accounts[index] = account;
            debits[index] = 0;
            credits[index] = 0;
            postedDebits[index] = 0;
            postedCredits[index] = 0;
            count++;
        }
        try {
            debits[index] = Math.addExact(debits[index], debit);
            credits[index] = Math.addExact(credits[index], credit);
            postedDebits[index] = Math.addExact(postedDebits[index], postedDebit);
            postedCredits[index] = Math.addExact(postedCredits[index], postedCredit);
            return true;
        } catch (ArithmeticException overflow) {
            return false;
        }
    }
}
