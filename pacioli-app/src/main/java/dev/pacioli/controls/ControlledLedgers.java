package dev.pacioli.controls;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.BalancesAsOf;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.platform.ApiException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ledger port every money-moving capability and the ledger's own routes are given: the service's
 * ledgers behind the emergency stop. While a stop of scope {@code all} is in force, every write that
 * moves money (transactions, batches, posts, voids, reversals) is refused with 423 {@code
 * emergency_stop} before it reaches a writer, whichever capability makes it; opening and closing
 * accounts and every read go on. The guard fails closed: when no read of the controls started within
 * their {@code maxAge} (1 s), a money-moving write is refused with 503 {@code storage_unavailable},
 * because a stop engaged on another instance may be in force. With that rule, a stop that waits
 * {@code maxAge} after its commit ({@link ModeWatch#awaitEveryReader}) is in force on every instance
 * before it answers. A capability that meets the refusal in a job retries it later, so
 * what a stop interrupted finishes once it is lifted. The wiring builds nothing else on the writers,
 * and {@code TidyTest} keeps any other capability from reaching them.
 */
public final class ControlledLedgers implements LedgerPort {
    public static final String EMERGENCY_STOP = "emergency_stop";

    private final LedgerPort ledgers;
    private final ModeWatch watch;

    public ControlledLedgers(LedgerPort ledgers, ModeWatch watch) {
        this.ledgers = ledgers;
        this.watch = watch;
    }

    private void guard() {
        switch (watch.writes()) {
            case OPEN -> {}
            case STOPPED -> throw refusal();
            case UNKNOWN ->
                throw new ApiException(
                        503,
                        "storage_unavailable",
                        "the controls cannot be read, so whether an emergency stop is in force is not known;"
                                + " no money moves until they can; retry");
        }
    }

    /** What a money-moving request meets under an emergency stop of scope all: 423 {@code emergency_stop}. */
    public static ApiException refusal() {
        return new ApiException(
                423,
                EMERGENCY_STOP,
                "an emergency stop of scope all is in force: no money moves until an admin lifts it;"
                        + " see GET /v1/controls");
    }

    @Override
    public CompletableFuture<TransactionResult> submit(
            String ledger, TransactionSpec spec, CommitAttachment attachment) {
        guard();
        return ledgers.submit(ledger, spec, attachment);
    }

    @Override
    public CompletableFuture<List<TransactionResult>> submitBatch(
            String ledger, List<TransactionSpec> specs, boolean atomic, boolean dryRun) {
        if (!dryRun) {
            guard();
        }
        return ledgers.submitBatch(ledger, specs, atomic, dryRun);
    }

    @Override
    public CompletableFuture<List<TransactionResult>> submitAtomically(
            String ledger, List<TransactionSpec> specs, CommitAttachment attachment) {
        guard();
        return ledgers.submitAtomically(ledger, specs, attachment);
    }

    @Override
    public CompletableFuture<TransactionResult> post(String ledger, String transactionId, Long amount) {
        guard();
        return ledgers.post(ledger, transactionId, amount);
    }

    @Override
    public CompletableFuture<List<TransactionResult>> postWith(
            String ledger, String transactionId, TransactionSpec followUp) {
        guard();
        return ledgers.postWith(ledger, transactionId, followUp);
    }

    @Override
    public CompletableFuture<TransactionResult> voidPending(String ledger, String transactionId) {
        guard();
        return ledgers.voidPending(ledger, transactionId);
    }

    @Override
    public CompletableFuture<TransactionResult> reverse(String ledger, Reversal reversal) {
        guard();
        return ledgers.reverse(ledger, reversal);
    }

    @Override
    public CompletableFuture<AccountResult> openAccount(String ledger, AccountSpec spec) {
        return ledgers.openAccount(ledger, spec);
    }

    @Override
    public CompletableFuture<AccountResult> closeAccount(String ledger, String accountId) {
        return ledgers.closeAccount(ledger, accountId);
    }

    @Override
    public BalancesAsOf balancesAsOf(String ledger, String accountId, long asOfMicros) {
        return ledgers.balancesAsOf(ledger, accountId, asOfMicros);
    }

    @Override
    public List<Entry> entries(String ledger, String accountId, Long beforeSequence, int limit) {
        return ledgers.entries(ledger, accountId, beforeSequence, limit);
    }
}
