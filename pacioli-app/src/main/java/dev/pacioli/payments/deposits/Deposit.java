package dev.pacioli.payments.deposits;

import dev.pacioli.ledger.Metadata;
import java.util.List;

/**
 * Money in (payments.md, Deposits): a posted ledger transaction {@code deposit:{id}} from the
 * connector's provider account to the account it credits.
 *
 * @param status {@code succeeded} or {@code reversed} ({@code pending} and {@code failed} are for
 *     providers that report a deposit before it settles)
 * @param providerEventIds the verified provider events that told of it
 */
public record Deposit(
        String ledger,
        String id,
        String account,
        long amount,
        String asset,
        String connector,
        String status,
        String providerReference,
        List<String> providerEventIds,
        Metadata metadata,
        long createdAtMicros,
        long updatedAtMicros) {
    public Deposit {
        providerEventIds = List.copyOf(providerEventIds);
    }

    public static String transactionId(String id) {
        return "deposit:" + id;
    }

    public static String reversalId(String id) {
        return "deposit:" + id + ":reverse";
    }

    public List<String> ledgerTransactions() {
        return status.equals("reversed") ? List.of(transactionId(id), reversalId(id)) : List.of(transactionId(id));
    }
}
