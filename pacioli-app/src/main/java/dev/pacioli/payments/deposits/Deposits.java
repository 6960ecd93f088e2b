package dev.pacioli.payments.deposits;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.connectors.ProviderAccounts;
import dev.pacioli.platform.ApiException;
import java.util.List;

/**
 * Recording deposits: {@code deposit:{id}} posted from the connector's provider account to the
 * credited account, the deposit's row committed with it; and reversing one (a chargeback or a return:
 * the provider's decision, so it may take the account below its minimum).
 */
public final class Deposits {
    private final DepositStore store;
    private final PaymentRails rails;
    private final LedgerPort ledgers;

    public Deposits(DepositStore store, PaymentRails rails, LedgerPort ledgers) {
        this.store = store;
        this.rails = rails;
        this.ledgers = ledgers;
    }

    public DepositStore store() {
        return store;
    }

    /** A recorded or replayed deposit: 201 for the call that made it, 200 for a replay. */
    public record Recorded(int status, Deposit deposit) {}

    public Recorded record(DepositRequest request) {
        var existing = store.find(request.ledger(), request.id());
        if (existing.isPresent()) {
            return replay(existing.get(), request);
        }
        PaymentConnector connector = rails.connector(request.connector())
                .orElseThrow(
                        () -> new ApiException(422, "unknown_connector", "no connector '" + request.connector() + "'"));
        String providerAccount = connector.providerAccount(request.asset());
        if (providerAccount == null) {
            throw new ApiException(
                    422, "asset_not_supported", "connector '" + connector.id() + "' does not move " + request.asset());
        }
        ProviderAccounts.open(ledgers, request.ledger(), providerAccount, request.asset());
        TransactionSpec spec = new TransactionSpec(
                Deposit.transactionId(request.id()),
                List.of(new Posting(providerAccount, request.account(), request.amount(), request.asset())),
                false,
                null,
                Metadata.of("deposit", request.id()),
                null);
        TransactionResult posted =
                ledgers.submit(request.ledger(), spec, store.creation(request)).join();
        return switch (posted.code()) {
            case CREATED -> new Recorded(201, found(request.ledger(), request.id()));
            case EXISTS, TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS ->
                replay(store.find(request.ledger(), request.id()).orElseThrow(() -> idTaken(request.id())), request);
            default -> throw Outcomes.failure(posted.code(), Outcomes.describe(posted.code()));
        };
    }

    private static Recorded replay(Deposit deposit, DepositRequest request) {
        if (!request.sameAs(deposit)) {
            throw idTaken(request.id());
        }
        return new Recorded(200, deposit);
    }

    private static ApiException idTaken(String id) {
        return new ApiException(
                409,
                "deposit_exists_with_different_fields",
                "a deposit '" + id
                        + "' exists with other fields (or a ledger transaction has its id); ids are idempotency keys");
    }

    /**
     * Reverses a succeeded deposit: {@code deposit:{id}:reverse} posts every posting back, forced,
     * since a chargeback is the provider's decision and may take the account below its minimum.
     */
    public Deposit reverse(String ledger, String id, String reason) {
        Deposit deposit = found(ledger, id);
        if (deposit.status().equals("reversed")) {
            return deposit;
        }
        if (!deposit.status().equals("succeeded")) {
            throw new ApiException(409, "invalid_state_transition", "deposit " + id + " is " + deposit.status());
        }
        TransactionResult reversed = ledgers.reverse(
                        ledger,
                        new LedgerPort.Reversal(
                                Deposit.transactionId(id),
                                Deposit.reversalId(id),
                                Metadata.of("deposit", id, "step", "reverse"),
                                reason,
                                true,
                                store.reversal(ledger, id)))
                .join();
        if (!reversed.code().succeeded()) {
            throw Outcomes.failure(reversed.code(), Outcomes.describe(reversed.code()));
        }
        return found(ledger, id);
    }

    public Deposit found(String ledger, String id) {
        return store.find(ledger, id).orElseThrow(() -> notFound(id));
    }

    public static ApiException notFound(String id) {
        return ApiException.notFound("deposit_not_found", "no deposit '" + id + "'");
    }
}
