package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.Assert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Whether a party may take a referrer: the rule that keeps every ledger's referrals a forest, so that
 * walking up from any party ends. Pure; {@link CommissionStore} reads the chain and serializes the
 * changes of a ledger's referrals, so that the chain it checks is the one its change lands on.
 *
 * <p>Giving party P the referrer R closes a cycle exactly when P is R or one of R's ancestors: the chain
 * from R upwards (R, R's referrer, …) is read and searched for P. Every chain in a forest ends, but it
 * may be long, so it is read to at most {@value #CHAIN_LENGTH_MAX} parties: a referrer whose chain is
 * longer is refused ({@link Verdict#CHAIN_TOO_LONG}) rather than walked without end. Refusing it keeps the
 * rule sound: a cycle is only ever closed through a chain that was read whole.
 */
public final class ReferralCheck {
    /** The most parties a new referrer's chain (itself and its ancestors) may hold. */
    public static final int CHAIN_LENGTH_MAX = 10_000;

    private ReferralCheck() {}

    /** The answer to a new referrer. */
    public enum Verdict {
        ACCEPTED,
        /** The party is the referrer or one of its ancestors: taking it would close a cycle. */
        CYCLE,
        /** The referrer's chain holds more than {@value #CHAIN_LENGTH_MAX} parties. */
        CHAIN_TOO_LONG
    }

    /**
     * Whether {@code party} may take the referrer whose chain is {@code chain}: the referrer first, then
     * its referrer, and so on, as read with at most {@value #CHAIN_LENGTH_MAX} + 1 entries; a shorter
     * chain ends at a party without a referrer.
     */
    public static Verdict check(String party, List<String> chain) {
        Assert.that(!chain.isEmpty(), "a referrer's chain starts with the referrer");
        Assert.that(chain.size() <= CHAIN_LENGTH_MAX + 1, "a chain is read to at most one past its limit");
        if (chain.contains(party)) {
            return Verdict.CYCLE;
        }
        return chain.size() > CHAIN_LENGTH_MAX ? Verdict.CHAIN_TOO_LONG : Verdict.ACCEPTED;
    }

    /**
     * The chain from {@code start} upwards, as {@link #check} takes it, read through {@code referrerOf}
     * (null for a party without a referrer) and cut at {@code lengthMax} entries: what the store's query
     * reads, for referrals held in memory.
     */
    public static List<String> chain(String start, UnaryOperator<String> referrerOf, int lengthMax) {
        List<String> chain = new ArrayList<>();
        for (String party = start; party != null && chain.size() < lengthMax; party = referrerOf.apply(party)) {
            chain.add(party);
        }
        return chain;
    }
}
