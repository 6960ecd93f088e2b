package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Posting;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How an amount is shared up a referral chain: the postings that pay it. Pure, so a deposit can add
 * them to its own transaction and pay commissions in the same atomic commit as the money it receives,
 * and {@code POST .../commission-plans/{id}/apply} makes a transaction of them alone.
 *
 * <p>Level n (1 for the party's referrer, 2 for its referrer, …) is paid {@code floor(amount × bps /
 * 10000)} from the plan's source to the ancestor's payee account. A chain shorter than the plan ends the
 * payments; levels beyond the plan are not paid; a share of 0 is not posted. What the floors leave (at
 * most one minor unit short of each level's exact share) is not posted at all: it stays with the source.
 *
 * <p>No overflow: {@code amount × bps} can need 77 bits, so the share is computed as {@code (amount /
 * 10000) × bps + (amount % 10000) × bps / 10000}. The first term is at most the amount and the second
 * below 10^8, and since {@code amount / 10000 × bps} is a whole number the sum is the exact floor. A
 * share is never more than the amount, so it is always a posting the ledger can take.
 */
public final class CommissionSplit {
    private CommissionSplit() {}

    /** {@code floor(amount × bps / 10000)}, exactly, for an amount ≥ 0 and 0..10000 basis points. */
    public static long share(long amount, int bps) {
        Assert.that(amount >= 0, "a commission is a share of an amount ≥ 0: %s", amount);
        Assert.that(bps >= 0 && bps <= CommissionPlan.BPS_MAX, "basis points are 0..10000: %s", bps);
        long whole = amount / CommissionPlan.BPS_MAX;
        long rest = amount % CommissionPlan.BPS_MAX;
        long share = whole * bps + rest * bps / CommissionPlan.BPS_MAX;
        Assert.that(share >= 0 && share <= amount, "a share is within its amount: %s of %s", share, amount);
        return share;
    }

    /** What a split answers: the postings that pay it, or the ancestor whose payee account is no id. */
    public sealed interface Split {
        /** The postings, level by level; empty when there is nothing to pay (no ancestor, every share 0). */
        record Payable(List<Posting> postings) implements Split {
            public Payable {
                postings = List.copyOf(postings);
            }

            /** What the postings pay in all; at most the plan's levels times the amount, so it may pass 2^63. */
            public BigInteger total() {
                return postings.stream()
                        .map(posting -> BigInteger.valueOf(posting.amount()))
                        .reduce(BigInteger.ZERO, BigInteger::add);
            }
        }

        /** The plan's template names this ancestor's payee account with more than an id's 128 characters. */
        record Unpayable(String party, String account) implements Split {}
    }

    /**
     * The commissions of {@code amount} under {@code plan}, for a party whose ancestors are {@code
     * ancestors}: the referrer first, then its referrer, and so on (a longer list than the plan's levels
     * is fine; the rest is not paid). The ancestors are distinct party ids, as a referral chain's are.
     */
    public static Split of(CommissionPlan plan, List<String> ancestors, long amount) {
        Assert.that(amount > 0, "a commission is paid on a positive amount: %s", amount);
        int levels = Math.min(plan.levelsBps().size(), ancestors.size());
        List<Posting> postings = new ArrayList<>(levels);
        Set<String> seen = new HashSet<>();
        for (int level = 0; level < levels; level++) {
            String ancestor = ancestors.get(level);
            Assert.that(Limits.isIdentifier(ancestor), "an ancestor is a party id: %s", ancestor);
            Assert.that(seen.add(ancestor), "a referral chain holds %s twice", ancestor);
            long share = share(amount, plan.levelsBps().get(level));
            if (share == 0) {
                continue;
            }
            String account = plan.payeeAccountOf(ancestor);
            if (!Limits.isIdentifier(account)) {
                return new Split.Unpayable(ancestor, account);
            }
            postings.add(new Posting(plan.source(), account, share, plan.asset()));
        }
        return new Split.Payable(postings);
    }
}
