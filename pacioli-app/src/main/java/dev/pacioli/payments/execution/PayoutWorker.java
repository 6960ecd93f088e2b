package dev.pacioli.payments.execution;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.payouts.ApprovalPolicy;
import dev.pacioli.payments.payouts.Payout;
import dev.pacioli.payments.payouts.PayoutMetrics;
import dev.pacioli.payments.payouts.PayoutStatus;
import dev.pacioli.payments.payouts.PayoutStore;
import dev.pacioli.payments.payouts.PolicyStore;
import dev.pacioli.payments.rails.Rail;
import dev.pacioli.payments.rails.RailException;
import dev.pacioli.payments.rails.TransferRequest;
import dev.pacioli.payments.rails.TransferResult;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution worker (payments.md, Execution): one durable job per payout ({@value
 * PayoutStore#EXECUTE_JOB}, keyed by the payout) that submits an approved payout and follows a
 * processing one to its outcome.
 *
 * <p>An approved payout is moved to processing, with the connector it goes through, <em>before</em>
 * it is sent, so a crash after sending leaves it processing, never approved: a processing payout is
 * never submitted before its status is asked. The transfer id {@code {ledger}.{payout id}} is the
 * provider's idempotency key. When the provider says it has no such transfer, it never received it,
 * and the same transfer is submitted again (the one case of a second submission). A payout whose
 * outcome stays unknown past the review deadline is moved to {@code needs_review} by {@link
 * PayoutDeadlines}, and its job ends at its next run.
 *
 * <p>A connector whose breaker is open receives nothing: the payout waits in {@code approved}, or goes
 * through the next healthy connector the ledger's routing names for its asset (said in its history).
 */
public final class PayoutWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PayoutWorker.class);
    private static final String PRINCIPAL = "system:worker";

    private final PayoutStore store;
    private final PolicyStore policies;
    private final PaymentRails rails;
    private final PayoutMetrics metrics;
    private final PaymentSettings settings;
    private final SubmissionGate gate;

    public PayoutWorker(
            PayoutStore store,
            PolicyStore policies,
            PaymentRails rails,
            PayoutMetrics metrics,
            PaymentSettings settings,
            SubmissionGate gate) {
        this.gate = gate;
        this.store = store;
        this.policies = policies;
        this.rails = rails;
        this.metrics = metrics;
        this.settings = settings;
    }

    public JobType type() {
        return new JobType(
                PayoutStore.EXECUTE_JOB,
                16,
                Duration.ofSeconds(60),
                20,
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2),
                this::run);
    }

    private JobOutcome run(Claim job) {
        String[] named = PayoutStore.fromJobKey(job.key());
        Optional<Payout> found = store.find(named[0], named[1]);
        if (found.isEmpty()) {
            return JobOutcome.succeeded();
        }
        Payout payout = found.get();
        try {
            return switch (payout.status()) {
                case APPROVED -> submitApproved(payout);
                case PROCESSING -> follow(payout);
                default -> JobOutcome.succeeded(); // decided, held or waiting for people: nothing to send
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobOutcome.Abandoned();
        }
    }

    private JobOutcome submitApproved(Payout payout) throws InterruptedException {
        String via = route(payout);
        if (via == null) {
            return waitFor(settings.breakerWait()); // every connector it may use is failing: it waits, approved
        }
        try (SubmissionGate.Pass pass = gate.enter()) {
            if (!pass.allowed()) {
                return hold(payout, pass.refusal());
            }
            PayoutStore.Outcome moved = store.transition(
                    payout.ledger(),
                    payout.id(),
                    PayoutStatus.PROCESSING,
                    PayoutStore.Guard.NONE,
                    new PayoutStore.Change(null, null, null, null, via, true),
                    PRINCIPAL,
                    null);
            if (!(moved instanceof PayoutStore.Outcome.Moved processing)) {
                return JobOutcome.succeeded(); // canceled or held meanwhile
            }
            if (!via.equals(payout.connector())) {
                store.note(payout.ledger(), payout.id(), "note", PRINCIPAL, detail("routed_to", via));
            }
            return submit(processing.payout());
        }
    }

    /**
     * Dry mode or an emergency stop holds the payout for an operator to release; controls that cannot be
     * read hold nothing (that is no one's decision): it waits, approved, and goes once they can be read.
     */
    private JobOutcome hold(Payout payout, SubmissionGate.Refusal refusal) {
        if (refusal == SubmissionGate.Refusal.UNREADABLE) {
            return waitFor(settings.poll());
        }
        PayoutStore.Outcome held = store.transition(
                payout.ledger(),
                payout.id(),
                PayoutStatus.HELD,
                PayoutStore.Guard.NONE,
                new PayoutStore.Change(refusal.holdReason(), PayoutStatus.APPROVED, null, null, null, false),
                PRINCIPAL,
                null);
        if (held instanceof PayoutStore.Outcome.Moved) {
            metrics.status(payout.connector(), PayoutStatus.HELD);
        }
        return JobOutcome.succeeded(); // a release requeues it
    }

    /** The connector to send through now: the payout's when healthy, else the next healthy one routed. */
    private String route(Payout payout) {
        if (rails.healthy(payout.connector())) {
            return payout.connector();
        }
        ApprovalPolicy policy = policies.get(payout.ledger());
        List<String> candidates = new ArrayList<>(policy.routing().getOrDefault(payout.asset(), List.of()));
        candidates.sort((a, b) -> Integer.compare(priority(a), priority(b)));
        for (String candidate : candidates) {
            Optional<PaymentConnector> connector = rails.connector(candidate);
            if (connector.isPresent()
                    && connector.get().kind().sends()
                    && connector.get().providerAccount(payout.asset()) != null
                    && connector.get().providerAccount(payout.asset()).equals(providerAccount(payout))
                    && rails.healthy(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private String providerAccount(Payout payout) {
        return rails.connector(payout.connector())
                .map(c -> c.providerAccount(payout.asset()))
                .orElse(null);
    }

    private int priority(String connector) {
        return rails.connector(connector).map(PaymentConnector::priority).orElse(Integer.MAX_VALUE);
    }

    private JobOutcome submit(Payout payout) throws InterruptedException {
        Rail rail = rails.rail(payout.submittedVia()).orElse(null);
        if (rail == null) {
            return waitFor(settings.breakerWait());
        }
        store.note(payout.ledger(), payout.id(), "submission", PRINCIPAL, detail("transfer_id", payout.transferId()));
        try {
            TransferResult answer = rail.submit(new TransferRequest(
                    payout.transferId(),
                    payout.amount(),
                    payout.asset(),
                    payout.destination(),
                    payout.metadata().values()));
            store.note(payout.ledger(), payout.id(), "answer", PRINCIPAL, answer(answer));
            return settle(payout, answer);
        } catch (RailException e) {
            store.note(
                    payout.ledger(),
                    payout.id(),
                    "answer",
                    PRINCIPAL,
                    detail(e.outcomeUnknown() ? "outcome_unknown" : "not_sent", e.getMessage()));
            return waitFor(settings.poll()); // processing: the next run asks for its status first
        }
    }

    /** A processing payout: ask the provider before anything else. */
    private JobOutcome follow(Payout payout) throws InterruptedException {
        Rail rail = rails.rail(payout.submittedVia()).orElse(null);
        if (rail == null) {
            return waitFor(settings.breakerWait());
        }
        try {
            Optional<TransferResult> known = rail.status(payout.transferId());
            store.note(
                    payout.ledger(),
                    payout.id(),
                    "status_query",
                    PRINCIPAL,
                    known.map(PayoutWorker::answer).orElse(detail("status", "unknown to the provider")));
            if (known.isEmpty()) {
                try (SubmissionGate.Pass pass = gate.enter()) {
                    // Never received: the same transfer, once more, when the controls let anything out.
                    return pass.allowed() ? submit(payout) : waitFor(settings.poll());
                }
            }
            return settle(payout, known.get());
        } catch (RailException e) {
            return waitFor(settings.poll());
        }
    }

    private JobOutcome settle(Payout payout, TransferResult answer) {
        return switch (answer.status()) {
            case PENDING -> waitFor(settings.poll());
            case PAID ->
                decide(
                        payout,
                        PayoutStatus.PAID,
                        new PayoutStore.Change(null, null, null, answer.providerReference(), null, false));
            case FAILED ->
                decide(
                        payout,
                        PayoutStatus.FAILED,
                        new PayoutStore.Change(
                                null, null, answer.failureReason(), answer.providerReference(), null, false));
        };
    }

    private JobOutcome decide(Payout payout, PayoutStatus to, PayoutStore.Change change) {
        PayoutStore.Outcome outcome =
                store.transition(payout.ledger(), payout.id(), to, PayoutStore.Guard.NONE, change, PRINCIPAL, null);
        if (outcome instanceof PayoutStore.Outcome.Moved) {
            metrics.status(payout.submittedVia(), to);
        } else if (outcome instanceof PayoutStore.Outcome.Refused) {
            metrics.illegalTransition("worker");
        }
        return JobOutcome.succeeded();
    }

    private static JobOutcome waitFor(Duration delay) {
        return new JobOutcome.Deferred(delay, connection -> true);
    }

    private static String answer(TransferResult answer) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("status", answer.status().name().toLowerCase(Locale.ROOT));
        fields.put("provider_reference", answer.providerReference());
        fields.put("failure_reason", answer.failureReason());
        return RequestReader.MAPPER.writeValueAsString(fields);
    }

    private static String detail(String name, String value) {
        return RequestReader.MAPPER.writeValueAsString(Collections.singletonMap(name, value));
    }
}
