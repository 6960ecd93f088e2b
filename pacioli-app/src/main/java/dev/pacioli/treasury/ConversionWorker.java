package dev.pacioli.treasury;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.payments.connectors.ProviderAccounts;
import dev.pacioli.payments.rails.ConversionRequest;
import dev.pacioli.payments.rails.ConversionResult;
import dev.pacioli.payments.rails.Conversions;
import dev.pacioli.payments.rails.RailException;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The conversion worker: one durable job per conversion ({@value TreasuryStore#CONVERSION_JOB}) that
 * takes it from {@code pending} to an end.
 *
 * <p>Order of effects, so a crash anywhere leaves the books and the conversion agreeing: the reserve
 * (a pending ledger transaction with a deterministic id) is made, then the conversion is moved to
 * {@code submitted} with the provider and the reserve's id, then the provider is called. A crash
 * before the move leaves a reserve the next attempt finds ({@code exists}); a crash after it leaves a
 * submitted conversion, which is never sent again before the provider is asked about it. At completion
 * the reserve is posted with the delivery in one atomic ledger request ({@link LedgerPort#postWith}),
 * then the conversion marked completed; a crash between them posts nothing twice (both answer
 * {@code OK}/{@code exists} again).
 *
 * <p>One provider at a time: a conversion is with at most one provider ({@code provider}); it is
 * handed to the next only when its provider said {@code failed} (or refused it), after its reserve is
 * voided. An unknown outcome keeps it with its provider until the provider answers or its timeout
 * sends it to {@code needs_review}. Every submission passes the controls' {@link SubmissionGate}: in
 * dry mode or under the emergency stop it waits in {@code pending} with a {@code hold_reason}.
 */
final class ConversionWorker {
    static final String SYSTEM = "system:treasury";

    private final TreasuryStore store;
    private final Providers providers;
    private final LedgerPort ledgers;
    private final SubmissionGate gate;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Duration poll;

    ConversionWorker(
            TreasuryStore store,
            Providers providers,
            LedgerPort ledgers,
            SubmissionGate gate,
            Alerts alerts,
            MeterRegistry registry,
            Duration poll) {
        this.store = store;
        this.providers = providers;
        this.ledgers = ledgers;
        this.gate = gate;
        this.alerts = alerts;
        this.registry = registry;
        this.poll = poll;
    }

    JobType type() {
        return new JobType(
                TreasuryStore.CONVERSION_JOB,
                16,
                Duration.ofSeconds(60),
                1_000,
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2),
                this::run);
    }

    private JobOutcome run(Claim job) {
        int slash = job.key().indexOf('/');
        Optional<Conversion> found =
                store.conversion(job.key().substring(0, slash), job.key().substring(slash + 1));
        if (found.isEmpty()) {
            return JobOutcome.succeeded();
        }
        try {
            return switch (found.get().status()) {
                case PENDING -> submitPending(found.get());
                case SUBMITTED -> follow(found.get());
                case NEEDS_REVIEW, COMPLETED, FAILED -> JobOutcome.succeeded();
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobOutcome.Abandoned();
        }
    }

    private JobOutcome submitPending(Conversion conversion) throws InterruptedException {
        Optional<String> provider = providers.next(conversion);
        if (provider.isEmpty()) {
            if (!providers.anyLeft(conversion)) {
                end(
                        conversion,
                        ConversionStatus.FAILED,
                        "no provider left that converts " + conversion.fromAsset() + "/" + conversion.toAsset(),
                        List.of());
                return JobOutcome.succeeded();
            }
            return waitFor(poll); // every one left has its breaker open: wait, pending
        }
        try (SubmissionGate.Pass pass = gate.enter()) {
            if (!pass.allowed()) {
                return held(conversion, pass.refusal());
            }
            String via = provider.get();
            int attempt = conversion.tried().size() + 1;
            String reserveId = conversion.reserveIdFor(attempt);
            ProviderAccounts.open(
                    ledgers,
                    conversion.ledger(),
                    providers.account(via, conversion.fromAsset()),
                    conversion.fromAsset());
            ProviderAccounts.open(
                    ledgers, conversion.ledger(), providers.account(via, conversion.toAsset()), conversion.toAsset());
            TransactionResult reserve =
                    Engines.await(ledgers.submit(conversion.ledger(), reserveSpec(conversion, via, reserveId)));
            if (!reserve.code().succeeded()) {
                end(
                        conversion,
                        ConversionStatus.FAILED,
                        "the reserve was refused: " + reserve.code().code(),
                        List.of());
                return JobOutcome.succeeded();
            }
            Optional<Conversion> submitted = store.transition(
                    conversion,
                    ConversionStatus.SUBMITTED,
                    new TreasuryStore.Change(via, reserveId, null, null, null, null, true, true, null),
                    SYSTEM,
                    "submission",
                    null,
                    List.of(reserveId),
                    null);
            if (submitted.isEmpty()) {
                return JobOutcome.succeeded(); // moved by someone else meanwhile; its job goes on
            }
            return send(submitted.get());
        }
    }

    private JobOutcome held(Conversion conversion, SubmissionGate.Refusal refusal) {
        if (refusal != SubmissionGate.Refusal.UNREADABLE
                && !refusal.holdReason().equals(conversion.holdReason())) {
            store.transition(
                    conversion,
                    ConversionStatus.PENDING,
                    new TreasuryStore.Change(null, null, null, null, null, refusal.holdReason(), false, false, null),
                    SYSTEM,
                    "held",
                    refusal.holdReason(),
                    List.of(),
                    null);
        }
        return waitFor(poll); // goes on by itself once the controls let submissions through
    }

    private JobOutcome send(Conversion conversion) throws InterruptedException {
        Optional<Conversions> rail = providers.rail(conversion.provider());
        if (rail.isEmpty()) {
            return waitFor(poll);
        }
        try {
            ConversionResult answer = rail.get()
                    .convert(new ConversionRequest(
                            conversion.providerId(),
                            conversion.fromAsset(),
                            conversion.toAsset(),
                            conversion.fromAmount()));
            return settle(conversion, answer);
        } catch (RailException e) {
            store.note(conversion, e.outcomeUnknown() ? "outcome_unknown" : "not_sent", e.getMessage());
            return waitFor(poll); // submitted: the next run asks the provider before anything else
        }
    }

    /** A submitted conversion: past its timeout it is for people; else the provider is asked first. */
    private JobOutcome follow(Conversion conversion) throws InterruptedException {
        if (conversion.deadlineMicros() != null && conversion.deadlineMicros() <= System.currentTimeMillis() * 1000) {
            Optional<Conversion> review = store.transition(
                    conversion,
                    ConversionStatus.NEEDS_REVIEW,
                    TreasuryStore.Change.none(),
                    SYSTEM,
                    "timeout",
                    "no final answer within " + conversion.timeoutSeconds() + " s",
                    List.of(),
                    null);
            review.ifPresent(c -> {
                count(c);
                alerts.raise(new Alerts.Raise(
                        Severity.CRITICAL,
                        "treasury.conversion",
                        alertKey(c),
                        "conversion " + c.id() + " on " + c.ledger() + " is stuck with " + c.provider(),
                        "submitted without a final answer past its timeout; an operator resolves it",
                        "conversion:" + c.id()));
            });
            return JobOutcome.succeeded();
        }
        Optional<Conversions> rail = providers.rail(conversion.provider());
        if (rail.isEmpty()) {
            return waitFor(poll);
        }
        try {
            Optional<ConversionResult> known = rail.get().conversionStatus(conversion.providerId());
            if (known.isEmpty()) {
                try (SubmissionGate.Pass pass = gate.enter()) {
                    return pass.allowed() ? send(conversion) : waitFor(poll); // never received: the same id again
                }
            }
            return settle(conversion, known.get());
        } catch (RailException e) {
            return waitFor(poll);
        }
    }

    private JobOutcome settle(Conversion conversion, ConversionResult answer) {
        return switch (answer.status()) {
            case PENDING -> waitFor(poll);
            case COMPLETED -> complete(conversion, answer.toAmount(), answer.rate(), SYSTEM, null, null);
            case FAILED -> providerFailed(conversion, answer.failureReason());
        };
    }

    /** Posts the reserve with the delivery, atomically, then marks the conversion completed. */
    JobOutcome complete(Conversion conversion, long toAmount, String rate, String actor, String reason, Actor audit) {
        String deliverId = conversion.deliverId();
        List<TransactionResult> results = Engines.await(ledgers.postWith(
                conversion.ledger(), conversion.reserveTransaction(), deliverSpec(conversion, toAmount, rate)));
        if (!results.get(0).code().succeeded() || !results.get(1).code().succeeded()) {
            String why = "the ledger refused the completion: post "
                    + results.get(0).code().code() + ", deliver "
                    + results.get(1).code().code();
            store.note(conversion, "completion_refused", why);
            return JobOutcome.failed(why);
        }
        store.transition(
                        conversion,
                        ConversionStatus.COMPLETED,
                        new TreasuryStore.Change(null, null, toAmount, rate, null, null, false, false, null),
                        actor,
                        "completed",
                        reason,
                        List.of(conversion.reserveTransaction(), deliverId),
                        audit)
                .ifPresent(this::count);
        alerts.resolve(alertKey(conversion));
        return JobOutcome.succeeded();
    }

    /** The provider failed it: the reserve is voided, and the next provider takes it, or it fails. */
    private JobOutcome providerFailed(Conversion conversion, String reason) {
        TransactionResult voided =
                Engines.await(ledgers.voidPending(conversion.ledger(), conversion.reserveTransaction()));
        if (!voided.code().succeeded()) {
            return JobOutcome.failed("could not void " + conversion.reserveTransaction() + ": "
                    + voided.code().code());
        }
        Conversion after = new Conversion(
                conversion.ledger(),
                conversion.id(),
                conversion.buffer(),
                conversion.cycle(),
                conversion.purpose(),
                conversion.fromAccount(),
                conversion.toAccount(),
                conversion.fromAsset(),
                conversion.toAsset(),
                conversion.fromAmount(),
                null,
                null,
                conversion.providers(),
                append(conversion.tried(), conversion.provider()),
                null,
                null,
                conversion.status(),
                null,
                null,
                conversion.timeoutSeconds(),
                null,
                conversion.createdBy(),
                0,
                0);
        if (providers.anyLeft(after)) {
            store.transition(
                    conversion,
                    ConversionStatus.PENDING,
                    new TreasuryStore.Change(null, null, null, null, null, null, false, false, conversion.provider()),
                    SYSTEM,
                    "failover",
                    conversion.provider() + " failed it: " + reason,
                    List.of(conversion.reserveTransaction()),
                    null);
            return waitFor(Duration.ZERO);
        }
        end(conversion, ConversionStatus.FAILED, reason, List.of(conversion.reserveTransaction()));
        return JobOutcome.succeeded();
    }

    /** An operator's decision on a conversion in needs_review: failed, its reserve voided. */
    void resolveFailed(Conversion conversion, String reason, String principal, Actor audit) {
        TransactionResult voided =
                Engines.await(ledgers.voidPending(conversion.ledger(), conversion.reserveTransaction()));
        if (!voided.code().succeeded()) {
            throw Outcomes.failure(voided.code(), "could not void " + conversion.reserveTransaction());
        }
        store.transition(
                        conversion,
                        ConversionStatus.FAILED,
                        new TreasuryStore.Change(null, null, null, null, reason, null, true, false, null),
                        principal,
                        "resolved",
                        reason,
                        List.of(conversion.reserveTransaction()),
                        audit)
                .ifPresent(this::count);
        alerts.resolve(alertKey(conversion));
    }

    private static List<String> append(List<String> list, String item) {
        List<String> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }

    /** Ends it failed (its reserve, when there is one, already voided by the caller). */
    void end(Conversion conversion, ConversionStatus to, String reason, List<String> transactions) {
        store.transition(
                        conversion,
                        to,
                        new TreasuryStore.Change(
                                null,
                                null,
                                null,
                                null,
                                reason,
                                null,
                                true,
                                false,
                                conversion.status() == ConversionStatus.SUBMITTED ? conversion.provider() : null),
                        SYSTEM,
                        to.code(),
                        reason,
                        transactions,
                        null)
                .ifPresent(c -> {
                    count(c);
                    alerts.raise(new Alerts.Raise(
                            Severity.WARNING,
                            "treasury.conversion",
                            alertKey(c),
                            "conversion " + c.id() + " on " + c.ledger() + " failed",
                            reason,
                            "conversion:" + c.id()));
                });
    }

    static String alertKey(Conversion conversion) {
        return "treasury.conversion:" + conversion.ledger() + ":" + conversion.id();
    }

    private void count(Conversion conversion) {
        Counter.builder("pacioli_treasury_conversions_total")
                .tag("provider", conversion.provider() == null ? "none" : conversion.provider())
                .tag("status", conversion.status().code())
                .register(registry)
                .increment();
    }

    /**
     * The reserve: the source falls by {@code from_amount}, the provider's account in the source asset
     * rises by it. Both debit-normal (the platform's money): a debit of the provider's account, a credit
     * of the source; both credit-normal, the reverse (the buffer's routes refuse mixed sides).
     */
    private TransactionSpec reserveSpec(Conversion conversion, String provider, String reserveId) {
        String providerAccount = providers.account(provider, conversion.fromAsset());
        boolean debitNormal = store.accounts(conversion.ledger(), List.of(conversion.fromAccount()))
                .get(conversion.fromAccount())
                .debitNormal();
        Posting posting = debitNormal
                ? new Posting(
                        providerAccount, conversion.fromAccount(), conversion.fromAmount(), conversion.fromAsset())
                : new Posting(
                        conversion.fromAccount(), providerAccount, conversion.fromAmount(), conversion.fromAsset());
        return new TransactionSpec(
                reserveId,
                List.of(posting),
                true,
                null,
                Metadata.of(Map.of(
                        "conversion",
                        conversion.id(),
                        "provider",
                        provider,
                        "from_amount",
                        Long.toString(conversion.fromAmount()))),
                "conversion " + conversion.id() + ": reserve");
    }

    /** The delivery: the provider's account in the target asset falls by {@code to_amount}, the buffer rises by it. */
    private TransactionSpec deliverSpec(Conversion conversion, long toAmount, String rate) {
        String providerAccount = providers.account(conversion.provider(), conversion.toAsset());
        boolean debitNormal = store.accounts(conversion.ledger(), List.of(conversion.toAccount()))
                .get(conversion.toAccount())
                .debitNormal();
        Posting posting = debitNormal
                ? new Posting(conversion.toAccount(), providerAccount, toAmount, conversion.toAsset())
                : new Posting(providerAccount, conversion.toAccount(), toAmount, conversion.toAsset());
        return new TransactionSpec(
                conversion.deliverId(),
                List.of(posting),
                false,
                null,
                Metadata.of(Map.of(
                        "conversion",
                        conversion.id(),
                        "provider",
                        conversion.provider(),
                        "rate",
                        rate,
                        "from_amount",
                        Long.toString(conversion.fromAmount()),
                        "to_amount",
                        Long.toString(toAmount))),
                "conversion " + conversion.id() + ": deliver");
    }

    private static JobOutcome waitFor(Duration delay) {
        return new JobOutcome.Deferred(delay, connection -> true);
    }

    /**
     * An operator asked for a move the table does not have (resolving a conversion that is not in
     * {@code needs_review}): {@code pacioli_illegal_transitions_total{object="conversion",source="client"}}.
     */
    void illegalTransition() {
        Counter.builder("pacioli_illegal_transitions_total")
                .tag("object", "conversion")
                .tag("source", "client")
                .register(registry)
                .increment();
    }
}
