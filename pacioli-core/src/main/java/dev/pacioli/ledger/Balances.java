package dev.pacioli.ledger;

/**
 * The four components every balance is derived from. Each is a running total that never goes below
 * zero: posted amounts only grow, pending amounts grow when reserved and shrink when posted, voided
 * or expired.
 */
public record Balances(long postedDebits, long postedCredits, long pendingDebits, long pendingCredits) {
    public static final Balances ZERO = new Balances(0, 0, 0, 0);

    public Balances {
        Assert.that(
                postedDebits >= 0 && postedCredits >= 0 && pendingDebits >= 0 && pendingCredits >= 0,
                "balance components are never negative");
    }

    /** Posted credits minus posted debits for a credit-normal account; the reverse for debit-normal. */
    public long balance(NormalBalance normal) {
        return normal == NormalBalance.CREDIT ? postedCredits - postedDebits : postedDebits - postedCredits;
    }

    /** The balance less pending outflows. Pending inflows are not available. */
    public long available(NormalBalance normal) {
        long pendingOutflows = normal == NormalBalance.CREDIT ? pendingDebits : pendingCredits;
        return Math.subtractExact(balance(normal), pendingOutflows);
    }

    /** The balance plus pending inflows: what the balance would be if every pending posted. */
    public long potential(NormalBalance normal) {
        long pendingInflows = normal == NormalBalance.CREDIT ? pendingCredits : pendingDebits;
        return Math.addExact(balance(normal), pendingInflows);
    }

    public boolean isZero() {
        return postedDebits == postedCredits && pendingDebits == 0 && pendingCredits == 0;
    }
}
