package dev.pacioli.ledger;

/**
 * An account's balances as they stood at a time: those after its last entry at or before that time.
 *
 * @param sequence the journal sequence of that entry; 0 when the account had no entry by then
 */
public record BalancesAsOf(long sequence, Balances balances, long balance, long available) {
    public static final BalancesAsOf NONE = new BalancesAsOf(0, Balances.ZERO, 0, 0);

    public static BalancesAsOf after(Entry entry) {
        return new BalancesAsOf(entry.sequence(), entry.after(), entry.balanceAfter(), entry.availableAfter());
    }
}
