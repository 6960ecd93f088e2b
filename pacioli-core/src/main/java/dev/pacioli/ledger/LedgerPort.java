package dev.pacioli.ledger;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one way a capability moves money or reads what it moved: every ledger of the service, by name.
 * Writes answer with the engine's result codes, never by throwing for a refusal; a ledger the service
 * does not have answers {@link ResultCode#LEDGER_NOT_FOUND}. The wiring decides what stands behind it
 * (the ledger's writers, and later the controls that may hold a write before it reaches them), so a
 * capability never reaches a writer itself.
 *
 * <p>Transaction ids are the idempotency of every write: a capability derives them from its object and
 * step ({@code payout:po_123:reserve}), and submitting one again answers {@link ResultCode#EXISTS} with
 * the transaction first stored.
 */
public interface LedgerPort {
    default CompletableFuture<TransactionResult> submit(String ledger, TransactionSpec spec) {
        return submit(ledger, spec, null);
    }

    /**
     * Creates a transaction; {@code attachment}, when not null, is committed in the same database
     * transaction, and only if this call creates it (not when it {@link ResultCode#EXISTS} or fails): a
     * capability's own row that must exist exactly when its ledger transaction does.
     */
    CompletableFuture<TransactionResult> submit(String ledger, TransactionSpec spec, CommitAttachment attachment);

    /**
     * Creates transactions in order, each seeing the ones before it. Atomic: all commit or none does.
     * Dry run: the answers are computed and nothing is kept.
     */
    CompletableFuture<List<TransactionResult>> submitBatch(
            String ledger, List<TransactionSpec> specs, boolean atomic, boolean dryRun);

    /**
     * Creates transactions atomically (all or none, each seeing the ones before it) with {@code
     * attachment} committed in the same database transaction, only if this call creates them: a
     * settlement of more postings than one transaction holds, and the row that says it is done.
     */
    CompletableFuture<List<TransactionResult>> submitAtomically(
            String ledger, List<TransactionSpec> specs, CommitAttachment attachment);

    /** Posts a pending transaction: in full when {@code amount} is null, else that much. */
    CompletableFuture<TransactionResult> post(String ledger, String transactionId, Long amount);

    /**
     * Posts a pending transaction in full and creates {@code followUp} with it, atomically: both take
     * effect or neither does (the post then answers {@link ResultCode#LINKED_TRANSACTION_FAILED} and the
     * follow-up its own code). Answers [the post, the follow-up]; a retry of both answers OK and
     * {@link ResultCode#EXISTS}. A conversion's reserve is posted with its delivery this way.
     */
    CompletableFuture<List<TransactionResult>> postWith(String ledger, String transactionId, TransactionSpec followUp);

    CompletableFuture<TransactionResult> voidPending(String ledger, String transactionId);

    /** A new posted transaction with every posting of a posted one flipped; see {@link Reversal}. */
    CompletableFuture<TransactionResult> reverse(String ledger, Reversal reversal);

    CompletableFuture<AccountResult> openAccount(String ledger, AccountSpec spec);

    CompletableFuture<AccountResult> closeAccount(String ledger, String accountId);

    /**
     * An account's balances after its last entry at or before {@code asOfMicros}; {@link
     * BalancesAsOf#NONE} when it had none by then or does not exist.
     */
    BalancesAsOf balancesAsOf(String ledger, String accountId, long asOfMicros);

    /**
     * Up to {@code limit} of an account's entries, newest first, those before {@code beforeSequence}
     * when it is not null; the caller pages on with the last one's sequence.
     */
    List<Entry> entries(String ledger, String accountId, Long beforeSequence, int limit);

    /**
     * What to reverse and how: {@code force} lets the reversal take balances below their minimum, an
     * operator's decision; {@code attachment}, when not null, is committed in the same database
     * transaction as the reversal, and only if it is created (a forced reversal's audit record).
     */
    record Reversal(
            String originalId,
            String reversalId,
            Metadata metadata,
            String description,
            boolean force,
            CommitAttachment attachment) {
        public Reversal(String originalId, String reversalId, Metadata metadata, String description, boolean force) {
            this(originalId, reversalId, metadata, description, force, null);
        }
    }
}
