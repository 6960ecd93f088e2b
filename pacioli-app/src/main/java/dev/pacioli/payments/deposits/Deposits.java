package dev.pacioli.payments.deposits;

import dev.pacioli.controls.ControlledLedgers;
import dev.pacioli.controls.screening.Hit;
import dev.pacioli.controls.screening.Screening;
import dev.pacioli.controls.screening.ScreeningCase;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
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
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A deposit's life (payments.md, Deposits): reported {@code pending}, {@code succeeded} or {@code
 * failed} by a provider (or the simulator), recorded succeeded by an operator, reversed by an operator.
 *
 * <p>Every change is decided on the deposit's locked row by {@link DepositStatus}'s table, so reports
 * about one deposit that race (a provider's pending and final events, delivered at once and many times)
 * make one deposit and at most one posting. The one change that moves money, to succeeded, is decided
 * first (the row marked {@code posting}, a {@value DepositStore#POST_JOB} job enqueued with it) and then
 * made by the ledger's writer, which commits {@code deposit:{id}} and the row's change together. Nothing
 * holds the row while it waits for the writer, and once succeeded is decided nothing else may change the
 * deposit, so the books and the deposit always agree. A new deposit is tried against the ledger (a dry
 * run) before anything is stored, so one the ledger would refuse stores nothing.
 *
 * <p>A report that asks for a move the table does not allow changes nothing and is counted in {@code
 * pacioli_illegal_transitions_total{object="deposit",source}}; a pending report about a deposit already
 * final is old news (providers do not promise order), changes nothing and is not counted.
 */
public final class Deposits {
    private static final Duration JOB_LEASE = Duration.ofSeconds(30);
    private static final int JOB_ATTEMPTS_MAX = 50;
    /** How often a posting held by an emergency stop looks again. */
    private static final Duration STOPPED_RETRY = Duration.ofSeconds(30);

    private final DepositStore store;
    private final PaymentRails rails;
    private final LedgerPort ledgers;
    private final CommissionStore commissions;
    private final MeterRegistry registry;
    private final BooleanSupplier moneyStopped;
    private final Screening screening;

    /** The object type of a deposit's screening cases. */
    public static final String OBJECT_TYPE = "deposit";

    /**
     * @param moneyStopped whether an emergency stop holds every movement of money: an operator's deposit
     *     is then refused before anything is decided (the ledger port would refuse its posting anyway),
     *     and a provider's succeeded is decided and posted by its job once the stop is lifted
     * @param screening screens a new deposit's originator; its cases' decisions come back here
     */
    public Deposits(
            DepositStore store,
            PaymentRails rails,
            LedgerPort ledgers,
            CommissionStore commissions,
            MeterRegistry registry,
            BooleanSupplier moneyStopped,
            Screening screening) {
        this.screening = screening;
        screening.handlers().register(OBJECT_TYPE, this::screened);
        this.store = store;
        this.rails = rails;
        this.ledgers = ledgers;
        this.commissions = commissions;
        this.registry = registry;
        this.moneyStopped = moneyStopped;
    }

    public DepositStore store() {
        return store;
    }

    /** Who asked for a change, for {@code pacioli_illegal_transitions_total{source}}. */
    public enum Source {
        /** A request refused: expected to happen. */
        CLIENT,
        /** A provider's event, a worker, a control: its healthy count is 0. */
        SYSTEM;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a report or a decision did.
     *
     * @param kind {@code CREATED} (a new deposit), {@code MOVED} (to the state asked for; to succeeded:
     *     decided, and posted unless the caller's transaction has not committed yet), {@code UNCHANGED}
     *     (there already, or past it), {@code REFUSED} (a move the table does not allow: counted)
     * @param deposit the deposit after it
     */
    public record Outcome(Kind kind, Deposit deposit) {
        public enum Kind {
            CREATED,
            MOVED,
            UNCHANGED,
            REFUSED
        }
    }

    // ---- Reports: a provider's event, the simulator, an operator --------------------------------------

    /**
     * Records what a provider (or an operator) reports of a deposit: it is {@code pending}, it {@code
     * succeeded} (posted before this returns), it {@code failed}. A deposit it does not know yet is
     * created in that state ({@code succeeded} directly, as if it had never been pending); one it knows
     * must be the same deposit (account, amount, asset, connector) or 409 {@code
     * deposit_exists_with_different_fields}.
     *
     * @throws ApiException when the ledger would refuse the deposit (nothing is stored then), or when
     *     {@code deposit:{id}} cannot be posted now (the deposit stays decided; its job tries again)
     */
    public Outcome report(DepositRequest request, DepositStatus to, String actor, String reason, Source source) {
        if (to == DepositStatus.REVERSED) {
            throw new IllegalArgumentException("a reversal is asked for with reverse()");
        }
        if (to == DepositStatus.SUCCEEDED && source == Source.CLIENT && moneyStopped.getAsBoolean()) {
            throw ControlledLedgers.refusal();
        }
        List<Hit> hits = List.of();
        if (to != DepositStatus.FAILED
                && store.findAny(request.ledger(), request.id()).isEmpty()) {
            tryOnTheLedger(request);
            hits = request.originator() == null ? List.of() : screening.screen(request.originator());
        }
        DepositStore.Change change = new DepositStore.Change(actor, reason, request.providerEventId());
        Screened screened = new Screened(hits, actor);
        Outcome outcome = store.inTransaction(
                "record deposit " + request.id(),
                connection -> decide(
                        connection,
                        request.ledger(),
                        request.id(),
                        request,
                        to,
                        change,
                        DepositStore.POST_BACKUP_DELAY,
                        screened));
        return finish(outcome, source);
    }

    /**
     * A pending deposit the provider reports failed, when the report does not say enough to create
     * one (no account or amount): the deposit must exist.
     */
    public Optional<Outcome> reportFailed(String ledger, String id, String actor, String reason, String eventId) {
        if (store.findAny(ledger, id).isEmpty()) {
            return Optional.empty();
        }
        DepositStore.Change change = new DepositStore.Change(actor, reason, eventId);
        Outcome outcome = store.inTransaction(
                "fail deposit " + id,
                connection -> decide(
                        connection, ledger, id, null, DepositStatus.FAILED, change, Duration.ZERO, Screened.NONE));
        return Optional.of(finish(outcome, Source.SYSTEM));
    }

    private Outcome finish(Outcome outcome, Source source) {
        if (outcome.kind() == Outcome.Kind.REFUSED) {
            illegalTransition(source);
        }
        Deposit deposit = outcome.deposit();
        Deposit now = store.findAny(deposit.ledger(), deposit.id()).orElseThrow();
        if (!now.posting()) {
            return new Outcome(outcome.kind(), now);
        }
        try {
            return new Outcome(outcome.kind(), post(now));
        } catch (ApiException e) {
            if (source == Source.SYSTEM && e.status == 423) {
                return new Outcome(outcome.kind(), now); // decided: its job posts it once the stop is lifted
            }
            throw e;
        }
    }

    /** The sanctions hits of a new deposit's originator, and who reported it (the cases' creator). */
    private record Screened(List<Hit> hits, String reporter) {
        static final Screened NONE = new Screened(List.of(), null);
    }

    /**
     * The decision, on the locked row: creates the deposit when {@code request} is given and there is
     * none (succeeded: created pending, {@code posting}, not visible until posted; held instead, with a
     * case per hit, when its originator hit a list), else moves it by the table.
     */
    private Outcome decide(
            Connection connection,
            String ledger,
            String id,
            DepositRequest request,
            DepositStatus to,
            DepositStore.Change change,
            Duration postDelay,
            Screened screened)
            throws SQLException {
        Deposit current = store.lock(connection, ledger, id);
        if (current == null) {
            if (request == null) {
                throw notFound(id);
            }
            boolean held = to != DepositStatus.FAILED && !screened.hits().isEmpty();
            Optional<Deposit> opened = store.open(connection, request, to, change, held);
            if (opened.isPresent()) {
                for (Hit hit : held ? screened.hits() : List.<Hit>of()) {
                    screening.openCase(connection, OBJECT_TYPE, ledger, id, screened.reporter(), hit);
                }
                return new Outcome(Outcome.Kind.CREATED, opened.get());
            }
            current = store.lock(connection, ledger, id); // a concurrent report created it first
        }
        if (request != null && !request.sameAs(current)) {
            throw idTaken(id);
        }
        store.heardFrom(connection, current, change.providerEventId());
        return move(connection, current, to, change, postDelay);
    }

    private Outcome move(
            Connection connection, Deposit current, DepositStatus to, DepositStore.Change change, Duration postDelay)
            throws SQLException {
        if (current.status() == to || !current.status().canMoveTo(to)) {
            // The same news again, or a pending report after the deposit moved on: neither is a move.
            boolean stale = current.status() == to || to == DepositStatus.PENDING;
            return new Outcome(stale ? Outcome.Kind.UNCHANGED : refusedUnlessPast(current, to), current);
        }
        if (current.holdReason() != null && to == DepositStatus.SUCCEEDED) {
            // Held by screening: the news is kept, and clearing the last case acts on it.
            store.succeedOnRelease(connection, current);
            return new Outcome(Outcome.Kind.UNCHANGED, current);
        }
        if (current.posting()) {
            // Succeeded is decided: only the writer's commit of deposit:{id} moves it now.
            return new Outcome(to == DepositStatus.SUCCEEDED ? Outcome.Kind.UNCHANGED : Outcome.Kind.REFUSED, current);
        }
        return switch (to) {
            case SUCCEEDED -> {
                store.decideSucceeded(connection, current, change, postDelay);
                yield new Outcome(Outcome.Kind.MOVED, current);
            }
            case FAILED -> new Outcome(Outcome.Kind.MOVED, store.fail(connection, current, change));
            case PENDING, REVERSED -> throw new IllegalStateException("no move to " + to + " is decided here");
        };
    }

    /** A succeeded report of a deposit since reversed is old news; any other move the table lacks is refused. */
    private static Outcome.Kind refusedUnlessPast(Deposit current, DepositStatus to) {
        return current.status() == DepositStatus.REVERSED && to == DepositStatus.SUCCEEDED
                ? Outcome.Kind.UNCHANGED
                : Outcome.Kind.REFUSED;
    }

    /**
     * A decision on a case of a held deposit's originator, in the decision's transaction. A confirm fails
     * the deposit at once (nothing was posted; the money stays with the provider for the compliance team
     * to return or block, as its policy says); a clear lifts the hold once no case is left open, and
     * succeeds the deposit if the provider has said it succeeded (else its success report will).
     */
    private void screened(Connection transaction, ScreeningCase decided, ScreeningCase.Decision decision)
            throws SQLException {
        Deposit current = store.lock(transaction, decided.ledger(), decided.objectId());
        if (current == null || current.holdReason() == null) {
            return; // failed already, by the provider or an earlier confirm
        }
        DepositStore.Change change = new DepositStore.Change(
                decided.decidedBy(), "screening case " + decided.id() + ": " + decided.reason(), null);
        if (decision == ScreeningCase.Decision.CONFIRM) {
            store.fail(transaction, current, change);
            return;
        }
        if (screening.openCases(transaction, OBJECT_TYPE, decided.ledger(), decided.objectId()) > 0) {
            return;
        }
        Deposit released = store.release(transaction, current);
        if (released.succeedOnRelease()) {
            move(transaction, released, DepositStatus.SUCCEEDED, change, Duration.ZERO);
        }
    }

    // ---- Posting ----------------------------------------------------------------------------------------

    /**
     * Posts {@code deposit:{id}} of a deposit whose success is decided, its row's move to succeeded
     * committed with it; idempotent by the transaction's id, so the caller, the job and a repeat after a
     * crash may all try.
     */
    private Deposit post(Deposit decided) {
        String ledger = decided.ledger();
        TransactionSpec spec = spec(new DepositRequest(
                ledger,
                decided.id(),
                decided.account(),
                decided.amount(),
                decided.asset(),
                decided.connector(),
                decided.providerReference(),
                null,
                decided.metadata(),
                decided.originator()));
        TransactionResult posted = Engines.await(ledgers.submit(ledger, spec, store.settlement(ledger, decided.id())));
        ResultCode code = posted.code();
        if (!code.succeeded() && code != ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS) {
            throw Outcomes.failure(code, Outcomes.describe(code));
        }
        Deposit after = store.findAny(ledger, decided.id()).orElseThrow();
        if (after.posting()) {
            // deposit:{id} exists, and the writer answers a repeat only once the first is committed:
            // that transaction is not this deposit's.
            throw idTaken(decided.id());
        }
        return after;
    }

    /** The job that posts a decided deposit when its caller could not (a crash, a controls' decision). */
    public JobType postJob() {
        return new JobType(
                DepositStore.POST_JOB,
                8,
                JOB_LEASE,
                JOB_ATTEMPTS_MAX,
                Backoff.exponential(Duration.ofMillis(200), Duration.ofMinutes(5), 0.2),
                this::runPostJob);
    }

    private JobOutcome runPostJob(Claim job) {
        int slash = job.key().indexOf('/');
        Optional<Deposit> deposit =
                store.findAny(job.key().substring(0, slash), job.key().substring(slash + 1));
        if (deposit.isEmpty() || !deposit.get().posting()) {
            return JobOutcome.succeeded();
        }
        try {
            post(deposit.get());
            return JobOutcome.succeeded();
        } catch (ApiException e) {
            if (e.status == 423) {
                // An emergency stop: not an attempt that failed; the posting waits for the stop to lift.
                return new JobOutcome.Deferred(STOPPED_RETRY, connection -> true);
            }
            return JobOutcome.failed(
                    "post " + Deposit.transactionId(deposit.get().id()) + ": " + e.code + ": " + e.getMessage());
        }
    }

    /**
     * Tries a new deposit's transaction on the ledger (a dry run) before anything is stored: the ledger,
     * the accounts, the asset, the commission plan. Opens the provider account and the payees' accounts
     * when missing, as posting it would.
     */
    private void tryOnTheLedger(DepositRequest request) {
        TransactionResult tried = Engines.await(
                        ledgers.submitBatch(request.ledger(), List.of(spec(request)), false, true))
                .getFirst();
        ResultCode code = tried.code();
        if (code == ResultCode.EXISTS || code == ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS) {
            throw idTaken(request.id());
        }
        if (!code.succeeded()) {
            throw Outcomes.failure(code, Outcomes.describe(code));
        }
    }

    /** {@code deposit:{id}}: from the connector's provider account to the account, and the commissions. */
    private TransactionSpec spec(DepositRequest request) {
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
        return new TransactionSpec(
                Deposit.transactionId(request.id()), postings, false, null, Metadata.of("deposit", request.id()), null);
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

    // ---- Reversal ---------------------------------------------------------------------------------------

    /**
     * Reverses a succeeded deposit: {@code deposit:{id}:reverse} posts every posting back, forced,
     * since a chargeback is the provider's decision and may take the account below its minimum.
     */
    public Deposit reverse(String ledger, String id, String actor, String reason) {
        Deposit deposit = found(ledger, id);
        if (deposit.status() == DepositStatus.REVERSED) {
            return deposit;
        }
        if (deposit.status() != DepositStatus.SUCCEEDED) {
            illegalTransition(Source.CLIENT);
            throw new ApiException(
                    409,
                    "invalid_state_transition",
                    "deposit " + id + " is " + deposit.status().code() + "; only a succeeded deposit is reversed");
        }
        TransactionResult reversed = Engines.await(ledgers.reverse(
                ledger,
                new LedgerPort.Reversal(
                        Deposit.transactionId(id),
                        Deposit.reversalId(id),
                        Metadata.of("deposit", id, "step", "reverse"),
                        reason,
                        true,
                        store.reversal(ledger, id, new DepositStore.Change(actor, reason, null)))));
        if (!reversed.code().succeeded()) {
            throw Outcomes.failure(reversed.code(), Outcomes.describe(reversed.code()));
        }
        return found(ledger, id);
    }

    // ---- Reads and problems -----------------------------------------------------------------------------

    public Deposit found(String ledger, String id) {
        return store.find(ledger, id).orElseThrow(() -> notFound(id));
    }

    public static ApiException notFound(String id) {
        return ApiException.notFound("deposit_not_found", "no deposit '" + id + "'");
    }

    private static ApiException idTaken(String id) {
        return new ApiException(
                409,
                "deposit_exists_with_different_fields",
                "a deposit '" + id
                        + "' exists with other fields (or a ledger transaction has its id); ids are idempotency keys");
    }

    private void illegalTransition(Source source) {
        Counter.builder("pacioli_illegal_transitions_total")
                .tag("object", "deposit")
                .tag("source", source.code())
                .register(registry)
                .increment();
    }
}
