package dev.pacioli.payments.deposits;

import dev.pacioli.ledger.Metadata;

/**
 * A deposit to record: from a verified provider event, the simulator, or an operator.
 *
 * @param providerEventId the event that told of it; null for an operator's
 */
public record DepositRequest(
        String ledger,
        String id,
        String account,
        long amount,
        String asset,
        String connector,
        String providerReference,
        String providerEventId,
        Metadata metadata) {
    /** Whether a stored deposit is this one again (a replay), not another by the same id. */
    public boolean sameAs(Deposit deposit) {
        return deposit.account().equals(account)
                && deposit.amount() == amount
                && deposit.asset().equals(asset)
                && java.util.Objects.equals(deposit.connector(), connector);
    }
}
