package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.platform.ApiException;
import dev.pacioli.postgres.Catalog;
import dev.pacioli.postgres.LedgerReads;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A plan applied to an amount: one ledger transaction, made through the {@link LedgerPort}, that pays
 * the party's ancestors their shares ({@link CommissionSplit}).
 *
 * <p>The request's id is the transaction's id, and so the idempotency key, as for every transaction. Its
 * identity is the request, not the postings: the transaction carries the plan, the party and the amount
 * in its metadata, and a request whose id is taken is judged against those. The same request again
 * answers the original even if referrals or the plan changed since (it would now pay others, but it was
 * paid once already); another request with that id is {@code transaction_exists_with_different_fields}.
 *
 * <p>Payee accounts are opened on first use, credit-normal in the plan's asset: the transaction is
 * submitted as is, and only when the ledger answers {@code account_not_found} while the source exists
 * are the payees' accounts opened and the transaction submitted once more. Opening an account and
 * creating a transaction are two writes the port cannot make atomic, so a transaction refused after
 * that (the source closed, short of funds, or of another asset) leaves payee accounts open and empty.
 * That is the one trace a refused payment can leave; it moves no money, and the retry would open the
 * same accounts.
 */
final class CommissionPayments {

    static final String PLAN_KEY = "commission_plan";
    static final String PARTY_KEY = "party";
    static final String AMOUNT_KEY = "amount";

    private final CommissionStore store;
    private final LedgerPort port;
    private final Catalog catalog;
    private final LedgerReads reads;

    CommissionPayments(CommissionStore store, LedgerPort port, Catalog catalog, LedgerReads reads) {
        this.store = store;
        this.port = port;
        this.catalog = catalog;
        this.reads = reads;
    }

    /** What {@code POST .../commission-plans/{plan}/apply} asks for. */
    record Request(String plan, String id, String party, long amount) {}

    /** The transaction that paid it; {@code replayed} when it was made by an earlier identical request. */
    record Paid(Transaction transaction, boolean replayed) {}

    /** Pays the request's commissions, or throws the problem that refuses it; a refusal pays nothing. */
    Paid apply(String ledger, Request request) {
        long ledgerId = catalog.findLedger(ledger)
                .orElseThrow(() -> ApiException.notFound("ledger_not_found", "no ledger '" + ledger + "'"))
                .id();
        Optional<Transaction> stored = reads.transaction(ledgerId, request.id());
        if (stored.isPresent()) {
            return replay(stored.get(), request);
        }
        CommissionPlan plan = store.plan(ledger, request.plan())
                .orElseThrow(() -> ApiException.notFound(
                        "commission_plan_not_found", "no commission plan '" + request.plan() + "'"))
                .plan();
        List<String> ancestors = store.ancestors(
                        ledger, request.party(), plan.levelsBps().size())
                .orElseThrow(() ->
                        new ApiException(422, "party_not_found", "no party '" + request.party() + "' in this ledger"));
        TransactionSpec spec = new TransactionSpec(
                request.id(), postings(plan, ancestors, request), false, null, metadata(request), null);
        TransactionResult result = submit(ledger, ledgerId, plan, spec);
        return switch (result.code()) {
            case CREATED -> new Paid(result.transaction(), false);
            case EXISTS -> new Paid(result.transaction(), true);
            // Taken meanwhile, by this request under referrals that changed, or by another.
            case TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS ->
                replay(reads.transaction(ledgerId, request.id()).orElseThrow(), request);
            default -> throw Outcomes.failure(result);
        };
    }

    private static List<Posting> postings(CommissionPlan plan, List<String> ancestors, Request request) {
        return switch (CommissionSplit.of(plan, ancestors, request.amount())) {
            case CommissionSplit.Split.Payable payable
            when payable.postings().isEmpty() ->
                throw new ApiException(
                        422,
                        "no_commission",
                        ancestors.isEmpty()
                                ? "party '" + request.party() + "' has no referrer: nothing to pay"
                                : "every level's share of " + request.amount() + " rounds down to 0: nothing to pay");
            case CommissionSplit.Split.Payable payable -> payable.postings();
            case CommissionSplit.Split.Unpayable unpayable ->
                throw new ApiException(
                        422,
                        "payee_account_invalid",
                        "the plan names the payee account of party '" + unpayable.party() + "' with "
                                + unpayable.account().length() + " characters; an account id has at most 128");
        };
    }

    static Metadata metadata(Request request) {
        return Metadata.of(
                PLAN_KEY, request.plan(), PARTY_KEY, request.party(), AMOUNT_KEY, Long.toString(request.amount()));
    }

    /** The stored transaction answers the request again when it was made by the same request. */
    private static Paid replay(Transaction stored, Request request) {
        if (!stored.spec().metadata().equals(metadata(request))) {
            ResultCode conflict = ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS;
            throw Outcomes.failure(
                    conflict,
                    "transaction '" + request.id() + "' exists and was not made by this plan for this party and"
                            + " amount; ids are idempotency keys");
        }
        return new Paid(stored, true);
    }

    /** Submits; opens the payee accounts once, on {@code account_not_found}, unless the source is missing. */
    private TransactionResult submit(String ledger, long ledgerId, CommissionPlan plan, TransactionSpec spec) {
        TransactionResult result = Engines.await(port.submit(ledger, spec));
        if (result.code() != ResultCode.ACCOUNT_NOT_FOUND
                || reads.account(ledgerId, plan.source()).isEmpty()) {
            return result;
        }
        List<CompletableFuture<AccountResult>> opened = new ArrayList<>();
        for (Posting posting : spec.postings()) {
            AccountSpec payee =
                    new AccountSpec(posting.to(), plan.asset(), NormalBalance.CREDIT, null, null, Metadata.EMPTY);
            opened.add(port.openAccount(ledger, payee));
        }
        for (CompletableFuture<AccountResult> answer : opened) {
            ResultCode code = Engines.await(answer).code();
            // An account made otherwise (other bounds, metadata) is still the payee's; the ledger judges
            // its asset and side when the transaction is submitted.
            if (code != ResultCode.CREATED
                    && code != ResultCode.EXISTS
                    && code != ResultCode.ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS) {
                throw Outcomes.failure(code, Outcomes.describe(code));
            }
        }
        return Engines.await(port.submit(ledger, spec));
    }
}
