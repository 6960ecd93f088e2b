package dev.pacioli.ledger;

import java.util.Collection;
import java.util.List;

/**
 * The engine's port to durable storage. Every method is one round trip. The engine calls it from its
 * writer thread only; implementations need not be safe for concurrent use by one engine, but several
 * engines (one per ledger) share one store.
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

    /**
     * Commits the batch atomically, or throws {@link StoreException}. When it throws, the batch may or
     * may not have been committed (a lost reply); the engine resynchronizes from {@link #loadHead}.
     */
    void commit(BatchWrite batch);

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

    /** Another process holds the writer lock of this ledger. */
    class LedgerLockedException extends RuntimeException {
        public LedgerLockedException(String message) {
            super(message);
        }
    }
}
