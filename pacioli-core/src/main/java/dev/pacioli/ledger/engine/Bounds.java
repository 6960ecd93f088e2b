package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An account's bounds, as flags: {@code insufficient_funds} when a change lowers its {@code available}
 * below {@code min_balance}, {@code exceeds_max_balance} when it raises balance plus pending inflows
 * above {@code max_balance}, and an overflow when a component would not fit 64 bits. A change that
 * moves an account toward its bounds is always allowed, so an account left outside them (by a forced
 * reversal) can still be brought back. Pure functions of the account's values: the execute step calls
 * them with a transaction's net change per account.
 */
final class Bounds {
    static final int INSUFFICIENT = 1;
    static final int EXCEEDS = 2;
    static final int OVERFLOW = 4;

    private Bounds() {}

    /** The flags of the bound checks in exact arithmetic: the slow path near overflow. */
    static int exactFlags(
            List<Posting> postings, AccountState[] from, AccountState[] to, boolean pending, boolean force) {
        LinkedHashMap<AccountState, BigInteger[]> nets = new LinkedHashMap<>();
        for (int i = 0; i < postings.size(); i++) {
            BigInteger amount = BigInteger.valueOf(postings.get(i).amount());
            BigInteger[] debited = nets.computeIfAbsent(from[i], a -> zeros());
            BigInteger[] credited = nets.computeIfAbsent(to[i], a -> zeros());
            debited[0] = debited[0].add(amount);
            credited[1] = credited[1].add(amount);
        }
        int flags = 0;
        for (Map.Entry<AccountState, BigInteger[]> net : nets.entrySet()) {
            AccountState account = net.getKey();
            BigInteger debits = net.getValue()[0];
            BigInteger credits = net.getValue()[1];
            BigInteger postedDebits = BigInteger.valueOf(account.postedDebits).add(pending ? BigInteger.ZERO : debits);
            BigInteger postedCredits =
                    BigInteger.valueOf(account.postedCredits).add(pending ? BigInteger.ZERO : credits);
            BigInteger pendingDebits =
                    BigInteger.valueOf(account.pendingDebits).add(pending ? debits : BigInteger.ZERO);
            BigInteger pendingCredits =
                    BigInteger.valueOf(account.pendingCredits).add(pending ? credits : BigInteger.ZERO);
            boolean credit = account.normal() == NormalBalance.CREDIT;
            BigInteger balance = credit ? postedCredits.subtract(postedDebits) : postedDebits.subtract(postedCredits);
            BigInteger available = balance.subtract(credit ? pendingDebits : pendingCredits);
            BigInteger potential = balance.add(credit ? pendingCredits : pendingDebits);
            long potentialBefore =
                    Math.addExact(account.balance(), credit ? account.pendingCredits : account.pendingDebits);
            Long min = account.spec.minBalance();
            if (!force
                    && min != null
                    && available.compareTo(BigInteger.valueOf(account.available())) < 0
                    && available.compareTo(BigInteger.valueOf(min)) < 0) {
                flags |= INSUFFICIENT;
            }
            Long max = account.spec.maxBalance();
            if (max != null
                    && potential.compareTo(BigInteger.valueOf(potentialBefore)) > 0
                    && potential.compareTo(BigInteger.valueOf(max)) > 0) {
                flags |= EXCEEDS;
            }
            for (BigInteger value :
                    List.of(postedDebits, postedCredits, pendingDebits, pendingCredits, available, potential)) {
                if (value.bitLength() > 63) {
                    flags |= OVERFLOW;
                }
            }
        }
        return flags;
    }

    private static BigInteger[] zeros() {
        return new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO};
    }

    /** The bound flags of adding these debits and credits to an account's posted or pending side. */
    static int check(AccountState account, boolean pending, long debits, long credits, boolean force) {
        try {
            long postedDebits = account.postedDebits;
            long postedCredits = account.postedCredits;
            long pendingDebits = account.pendingDebits;
            long pendingCredits = account.pendingCredits;
            if (pending) {
                pendingDebits = Math.addExact(pendingDebits, debits);
                pendingCredits = Math.addExact(pendingCredits, credits);
            } else {
                postedDebits = Math.addExact(postedDebits, debits);
                postedCredits = Math.addExact(postedCredits, credits);
            }
            return flags(account, postedDebits, postedCredits, pendingDebits, pendingCredits, force);
        } catch (ArithmeticException overflow) {
            return OVERFLOW;
        }
    }

    /** Bounds of an account whose components would become the given ones. */
    static int flags(
            AccountState account,
            long postedDebits,
            long postedCredits,
            long pendingDebits,
            long pendingCredits,
            boolean force) {
        boolean credit = account.normal() == NormalBalance.CREDIT;
        long balance = credit ? postedCredits - postedDebits : postedDebits - postedCredits;
        long available = Math.subtractExact(balance, credit ? pendingDebits : pendingCredits);
        long potential = Math.addExact(balance, credit ? pendingCredits : pendingDebits);
        long availableBefore = account.available();
        long potentialBefore =
                Math.addExact(account.balance(), credit ? account.pendingCredits : account.pendingDebits);
        int flags = 0;
        Long min = account.spec.minBalance();
        if (!force && min != null && available < availableBefore && available < min) {
            flags |= INSUFFICIENT;
        }
        Long max = account.spec.maxBalance();
        if (max != null && potential > potentialBefore && potential > max) {
            flags |= EXCEEDS;
        }
        return flags;
    }
}
