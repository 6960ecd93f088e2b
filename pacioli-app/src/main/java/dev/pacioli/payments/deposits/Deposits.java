package dev.pacioli.payments.deposits;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.payments.commissions.CommissionPlan;
import dev.pacioli.payments.commissions.CommissionSplit;
import dev.pacioli.payments.commissions.CommissionStore;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.connectors.ProviderAccounts;
import dev.pacioli.platform.ApiException;
import java.util.ArrayList;
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
    private final CommissionStore commissions;

    public Deposits(DepositStore store, PaymentRails rails, LedgerPort ledgers, CommissionStore commissions) {
        this.store = store;
        this.rails = rails;
        this.ledgers = ledgers;
        this.commissions = commissions;
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
        List<Posting> postings = new ArrayList<>();
        postings.add(new Posting(providerAccount, request.account(), request.amount(), request.asset()));
        postings.addAll(commissions(request));
        TransactionSpec spec = new TransactionSpec(
                Deposit.transactionId(request.id()), postings, false, null, Metadata.of("deposit", request.id()), null);
        TransactionResult posted = Engines.await(ledgers.submit(request.ledger(), spec, store.creation(request)));
        return switch (posted.code()) {
            case CREATED -> new Recorded(201, found(request.ledger(), request.id()));
            case EXISTS, TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS ->
                replay(store.find(request.ledger(), request.id()).orElseThrow(() -> idTaken(request.id())), request);
            default -> throw Outcomes.failure(posted.code(), Outcomes.describe(posted.code()));
        };
    }

    /**
     * A deposit whose metadata names {@code commission_plan} and {@code party} pays the party's
     * ancestors their shares from the plan's source in the deposit's own transaction (so both happen or
     * neither does); the payee accounts are opened first when missing.
     */
    private List<Posting> commissions(DepositRequest request) {
        String planId = request.metadata().values().get("commission_plan");
        String party = request.metadata().values().get("party");
        if (planId == null || party == null) {
            return List.of();
        }
        CommissionPlan plan = commissions
                .plan(request.ledger(), planId)
                .orElseThrow(() -> new ApiException(
                        422, "commission_plan_not_found", "the deposit names no commission plan '" + planId + "'"))
                .plan();
        if (!plan.asset().equals(request.asset())) {
            throw new ApiException(
                    422,
                    "asset_mismatch",
                    "commission plan '" + planId + "' pays " + plan.asset() + ", not " + request.asset());
        }
        List<String> ancestors = commissions
                .ancestors(request.ledger(), party, plan.levelsBps().size())
                .orElseThrow(() -> new ApiException(422, "party_not_found", "no party '" + party + "'"));
        return switch (CommissionSplit.of(plan, ancestors, request.amount())) {
            case CommissionSplit.Split.Payable payable -> {
                for (Posting posting : payable.postings()) {
                    ProviderAccounts.openCredit(ledgers, request.ledger(), posting.to(), plan.asset());
                }
                yield payable.postings();
            }
            case CommissionSplit.Split.Unpayable unpayable ->
                throw new ApiException(
                        422,
                        "payee_account_invalid",
                        "the payee account of " + unpayable.party() + " would be " + unpayable.account()
                                + ", which is no account id");
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
        TransactionResult reversed = Engines.await(ledgers.reverse(
                ledger,
                new LedgerPort.Reversal(
                        Deposit.transactionId(id),
                        Deposit.reversalId(id),
                        Metadata.of("deposit", id, "step", "reverse"),
                        reason,
                        true,
                        store.reversal(ledger, id))));
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
