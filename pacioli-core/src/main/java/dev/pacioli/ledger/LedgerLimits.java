package dev.pacioli.ledger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The limits of every ledger of the service, by ledger name: the one way a capability reaches the
 * limits that the ledger's writer enforces. Changes and usage go through the writer, ordered with the
 * transactions around them; definitions are read from what the writer last committed.
 */
public interface LedgerLimits {
    /**
     * Creates or replaces a limit. {@code rows} makes what is committed with the change (its audit
     * record and event), in the same database transaction, only when something changes; null for none.
     */
    CompletableFuture<LimitResult> putLimit(String ledger, LimitSpec spec, ChangeRows rows);

    /** Deletes a limit ({@link ResultCode#LIMIT_NOT_FOUND} when none is in force), as {@link #putLimit}. */
    CompletableFuture<LimitResult> deleteLimit(String ledger, String limitId, ChangeRows rows);

    /** The version of a limit in force, if any (empty too when the ledger does not exist). */
    Optional<Limit> limit(String ledger, String limitId);

    /** Every limit in force, by id. */
    List<Limit> limits(String ledger);

    /** What {@code accountId} has used of the limit's window now. */
    CompletableFuture<LimitUsageResult> usage(String ledger, String limitId, String accountId);

    /** What to commit with a change of a limit, made on the writer once the change is known. */
    @FunctionalInterface
    interface ChangeRows {
        CommitAttachment rowsFor(LimitChange change);
    }
}
