package dev.pacioli.payments.deposits;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.Metadata;
import java.util.List;

/**
 * Money in (payments.md, Deposits): once succeeded, a posted ledger transaction {@code deposit:{id}}
 * from the connector's provider account to the account it credits.
 *
 * @param status see {@link DepositStatus}
 * @param posting {@code succeeded} is decided and {@code deposit:{id}} is being posted: the status
 *     stays {@code pending} until the ledger's writer commits it, and nothing else may change it
 * @param providerEventIds the verified provider events that told of it, in the order they were applied
 * @param originator who sent it, as the provider named them; null when it named no one
 * @param holdReason {@code screening} while a case on its originator is open (it stays pending); else null
 * @param succeedOnRelease the provider said it succeeded while it was held: clearing it succeeds it
 */
public record Deposit(
        String ledger,
        String id,
        String account,
        long amount,
        String asset,
        String connector,
        DepositStatus status,
        boolean posting,
        String providerReference,
        List<String> providerEventIds,
        Metadata metadata,
        long createdAtMicros,
        long updatedAtMicros,
        Subject originator,
        String holdReason,
        boolean succeedOnRelease) {
    public Deposit {
        providerEventIds = List.copyOf(providerEventIds);
    }

    public static String transactionId(String id) {
        return "deposit:" + id;
    }

    public static String reversalId(String id) {
        return "deposit:" + id + ":reverse";
    }

    /** The ledger transactions it made: none while pending or when it failed. */
    public List<String> ledgerTransactions() {
        return switch (status) {
            case PENDING, FAILED -> List.of();
            case SUCCEEDED -> List.of(transactionId(id));
            case REVERSED -> List.of(transactionId(id), reversalId(id));
        };
    }
}
