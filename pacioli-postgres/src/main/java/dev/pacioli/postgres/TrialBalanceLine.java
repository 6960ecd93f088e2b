package dev.pacioli.postgres;

import java.math.BigInteger;

/**
 * One asset's totals over every account of a ledger. Sums of 64-bit components can exceed 64 bits,
 * so they are BigIntegers.
 */
public record TrialBalanceLine(
        String asset,
        BigInteger postedDebits,
        BigInteger postedCredits,
        BigInteger pendingDebits,
        BigInteger pendingCredits) {
    /** Double entry: every amount is debited to one account and credited to another, posted or pending. */
    public boolean balanced() {
        return postedDebits.equals(postedCredits) && pendingDebits.equals(pendingCredits);
    }
}
