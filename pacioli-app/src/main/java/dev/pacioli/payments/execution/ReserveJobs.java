package dev.pacioli.payments.execution;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.payouts.Payout;
import dev.pacioli.payments.payouts.PayoutStore;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The ledger's follow-up of a decided payout: post its reserve (paid), void it (failed, canceled,
 * rejected, expired), post its return (returned). Each is a durable job enqueued in the transaction
 * that decided the payout (the outbox), so a crash between the decision and the ledger only delays the
 * ledger; and each is idempotent by the transaction's id, so a repeat changes nothing.
 */
public final class ReserveJobs {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int ATTEMPTS_MAX = 50;

    private final PayoutStore store;
    private final LedgerPort ledgers;
    private final PaymentRails rails;

    public ReserveJobs(PayoutStore store, LedgerPort ledgers, PaymentRails rails) {
        this.store = store;
        this.ledgers = ledgers;
        this.rails = rails;
    }

    public List<JobType> types() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(200), Duration.ofMinutes(5), 0.2);
        return List.of(
                new JobType(PayoutStore.POST_RESERVE_JOB, 8, LEASE, ATTEMPTS_MAX, backoff, this::postReserve),
                new JobType(PayoutStore.VOID_RESERVE_JOB, 8, LEASE, ATTEMPTS_MAX, backoff, this::voidReserve),
                new JobType(PayoutStore.POST_RETURN_JOB, 8, LEASE, ATTEMPTS_MAX, backoff, this::postReturn));
    }

    private JobOutcome postReserve(Claim job) {
        Payout payout = payout(job);
        TransactionResult posted = Engines.await(ledgers.post(payout.ledger(), payout.reserveId(), null));
        return outcome(posted, Set.of(ResultCode.OK, ResultCode.PENDING_ALREADY_POSTED), "post " + payout.reserveId());
    }

    private JobOutcome voidReserve(Claim job) {
        Payout payout = payout(job);
        TransactionResult voided = Engines.await(ledgers.voidPending(payout.ledger(), payout.reserveId()));
        return outcome(voided, Set.of(ResultCode.OK, ResultCode.PENDING_ALREADY_VOIDED), "void " + payout.reserveId());
    }

    /**
     * The amount comes back to the source from the provider account; the fee stays earned. The reserve
     * is posted first when it is not yet (the return's decision may overtake the paid one's job).
     */
    private JobOutcome postReturn(Claim job) {
        Payout payout = payout(job);
        TransactionResult posted = Engines.await(ledgers.post(payout.ledger(), payout.reserveId(), null));
        if (!Set.of(ResultCode.OK, ResultCode.PENDING_ALREADY_POSTED).contains(posted.code())) {
            return JobOutcome.failed("post " + payout.reserveId() + " before its return: "
                    + posted.code().code());
        }
        String providerAccount = rails.connector(payout.connector())
                .map(connector -> connector.providerAccount(payout.asset()))
                .orElse(null);
        if (providerAccount == null) {
            return JobOutcome.failed(
                    "connector " + payout.connector() + " no longer names a provider account for " + payout.asset());
        }
        TransactionSpec back = new TransactionSpec(
                payout.returnId(),
                List.of(new Posting(providerAccount, payout.source(), payout.amount(), payout.asset())),
                false,
                null,
                Metadata.of("payout", payout.id(), "step", "return"),
                null);
        TransactionResult returned = Engines.await(ledgers.submit(payout.ledger(), back));
        return outcome(returned, Set.of(ResultCode.CREATED, ResultCode.EXISTS), "post " + payout.returnId());
    }

    private Payout payout(Claim job) {
        String[] named = PayoutStore.fromJobKey(job.key());
        return store.find(named[0], named[1])
                .orElseThrow(() -> new IllegalStateException("job " + job.key() + " names no payout"));
    }

    private static JobOutcome outcome(TransactionResult result, Set<ResultCode> done, String what) {
        return done.contains(result.code())
                ? JobOutcome.succeeded()
                : JobOutcome.failed(what + ": " + result.code().code());
    }
}
