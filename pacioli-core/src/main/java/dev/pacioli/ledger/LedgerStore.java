package dev.pacioli.ledger;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine's port to durable storage. Every method is one round trip, except that a commit may be
 * several. The engine loads from its writer thread and commits from commit threads of its own, at
 * most two commits of one ledger at a time (see {@link #commit}); several engines (one per ledger)
 * share one store, so implementations must be safe for concurrent use.
 */
public interface LedgerStore {
    /** Takes the exclusive right to write this ledger, or throws {@link LedgerLockedException}. */
    WriterLock lockWriter(long ledgerId, String ledgerName);

    LedgerHead loadHead(long ledgerId, String ledgerName);

    /** The accounts among {@code ids} that exist. */
    List<Account> loadAccounts(long ledgerId, Collection<String> ids);

    /** The transactions among {@code ids} that exist. */
    List<Transaction> loadTransactions(long ledgerId, Collection<String> ids);

    /** The asset codes among {@code codes} that exist. */
    List<String> loadAssets(Collection<String> codes);

    /** Every pending transaction that has a timeout, with its deadline. */
    List<PendingDeadline> loadPendingDeadlines(long ledgerId);

    /** Every version of every limit of the ledger, in the order they were made (by head, id, version). */
    List<Limit> loadLimitHistory(long ledgerId);

    /**
     * Hands {@code each} the transactions created after {@code sinceMicros}, as they stand now, in
     * sequence order: what the limits' rolling windows count.
     */
    void loadTransactionsSince(long ledgerId, long sinceMicros, Consumer<Transaction> each);

    /**
     * Stores a new version of a limit with {@code attachment} (when not null) in one database
     * transaction, fenced on the ledger's head being {@link Limit#afterSequence()}: the writer calls it
     * with no batch in flight, and a head elsewhere means memory is stale (throws {@link StoreException}).
     */
    void commitLimitChange(long ledgerId, Limit version, CommitAttachment attachment);

    /**
     * Commits the batch atomically, or throws {@link StoreException}. When it throws, the batch may or
     * may not have been committed (a lost reply); the engine resynchronizes from {@link #loadHead}. A
     * {@link RejectedException} says that it certainly was not, because of its data.
     *
     * <p>The batch was executed on top of the one before it, whose commit may still be running:
     * {@code predecessor} waits for that commit to finish. A store may write the batch's new rows
     * meanwhile, but must change existing rows and move the head only after {@code predecessor}
     * returns, and must refuse the batch when the head is not then at {@link
     * BatchWrite#previousSequence()} (the predecessor failed, or another writer committed).
     *
     * <p>The batch's columns are the writer's to reuse once this has returned: a store copies what it
     * keeps of them (see {@link BatchWrite}).
     */
    void commit(BatchWrite batch, Predecessor predecessor);

    /** Waits until the commit of the batch executed before this one has finished, in success or not. */
    @FunctionalInterface
    interface Predecessor {
        /** No commit runs before this one. */
        Predecessor NONE = () -> {};

        void await();
    }

    /** The exclusive right to write one ledger, held until closed. */
    interface WriterLock extends AutoCloseable {
        /** False once the lock may have been lost (its session ended); the writer must then stop. */
        boolean isHeld();

        @Override
        void close();
    }

    /** Storage failed or could not be reached. The operation may be retried. */
    class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The database refused the batch's data (a value it cannot hold, a check it failed), as opposed to
     * being unreachable: the batch was certainly not committed, and the same rows would be refused
     * again. The engine then finds the requests whose rows were refused and commits the others.
     */
    class RejectedException extends StoreException {
        public RejectedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The writer found its lock lost (another process took the ledger over: its lease ran out, or its
     * session died): it stops, having committed nothing under the lost lock, and its service stands by.
     */
    class WriterLockLostException extends IllegalStateException {
        public WriterLockLostException(String message) {
            super(message);
        }
    }

    /** Another process holds the writer lock of this ledger. */
    class LedgerLockedException extends RuntimeException {
        public LedgerLockedException(String message) {
            super(message);
        }
    }
}
